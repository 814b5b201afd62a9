-- Every JWT the API issued, so that an organisation can see its tokens and
-- revoke one before it expires. Never the token itself: its id (jti) and
-- what the broker needs to refuse it (until when it would be valid).
CREATE TABLE jwt_tokens (
    jti         TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    issued_at   INTEGER NOT NULL,  -- Unix seconds
    expires_at  INTEGER NOT NULL,  -- Unix seconds
    revoked_at  INTEGER            -- Unix seconds; NULL while valid
);
CREATE INDEX jwt_tokens_by_org ON jwt_tokens(org_id, expires_at);
CREATE INDEX jwt_tokens_by_client ON jwt_tokens(org_id, client_id);

-- A rotation the broker did not confirm: the new password may or may not
-- be in effect, until the credential is rotated again.
ALTER TABLE static_credentials ADD COLUMN rotation_unconfirmed INTEGER NOT NULL DEFAULT 0;
