-- The PostgreSQL schema: the same tables as SQLite's migrations 0001-0004
-- (see there for what each column means), written once in their final form
-- for a database that starts empty. Integers are BIGINT (the server reads
-- them as i64); a flag is BOOLEAN.

CREATE TABLE organisations (
    org_id          TEXT PRIMARY KEY NOT NULL,
    api_key_sha256  TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL
);

-- A clientId belongs to one organisation for good.
CREATE TABLE client_ids (
    client_id   TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations(org_id),
    created_at  TEXT NOT NULL
);

CREATE TABLE static_credentials (
    seq                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                    TEXT NOT NULL UNIQUE,
    org_id                TEXT NOT NULL REFERENCES organisations(org_id),
    name                  TEXT,
    user_name             TEXT NOT NULL UNIQUE,
    client_id             TEXT NOT NULL UNIQUE REFERENCES client_ids(client_id),
    password_hash         TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    rotation_unconfirmed  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX static_credentials_by_org ON static_credentials(org_id, seq);

CREATE TABLE broker_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    what         TEXT NOT NULL,
    count        BIGINT NOT NULL,
    first_at_ms  BIGINT NOT NULL,
    last_at_ms   BIGINT NOT NULL,
    rev          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX broker_events_by_org ON broker_events(org_id, id);
CREATE INDEX broker_events_by_client ON broker_events(org_id, client_id, kind);
CREATE INDEX broker_events_by_rev ON broker_events(org_id, rev);
CREATE INDEX broker_events_newest ON broker_events(org_id, client_id, id);

CREATE TABLE broker_events_rev (n BIGINT NOT NULL);
INSERT INTO broker_events_rev (n) VALUES (0);

CREATE TABLE deleted_static_credentials (
    user_name  TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL
);

-- seq: the order tokens were issued in within one second (SQLite's rowid).
CREATE TABLE jwt_tokens (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY,
    jti         TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    issued_at   BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX jwt_tokens_by_org ON jwt_tokens(org_id, expires_at);
CREATE INDEX jwt_tokens_by_client ON jwt_tokens(org_id, client_id);
