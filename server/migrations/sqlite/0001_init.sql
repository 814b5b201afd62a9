-- API keys are high-entropy random strings, so a plain SHA-256 is enough to keep
-- them unreadable at rest while allowing a lookup by key.
CREATE TABLE organisations (
    org_id          TEXT PRIMARY KEY NOT NULL,
    api_key_sha256  TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL
);

-- A clientId belongs to one organisation for good: MQTT lets a second connection
-- with the same clientId take over the first, so no other organisation may use it.
CREATE TABLE client_ids (
    client_id   TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations(org_id),
    created_at  TEXT NOT NULL
);

-- Only an Argon2id hash of the password is kept; it cannot be shown again.
CREATE TABLE static_credentials (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    org_id         TEXT NOT NULL REFERENCES organisations(org_id),
    name           TEXT,
    user_name      TEXT NOT NULL UNIQUE,
    client_id      TEXT NOT NULL UNIQUE REFERENCES client_ids(client_id),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX static_credentials_by_org ON static_credentials(org_id, seq);
