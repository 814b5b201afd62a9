-- The demo organisation every instance on this database prints, made by the
-- first instance that starts without TILLOR_DEMO_ORG_ID/TILLOR_DEMO_API_KEY.
-- Its API key sealed with TILLOR_KEY_ENCRYPTION_KEY (the banner shows it,
-- so it must be recoverable; organisations keeps only its digest).
CREATE TABLE demo_organisation (
    one              BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    org_id           TEXT NOT NULL,
    sealed_api_key   BYTEA NOT NULL
);
