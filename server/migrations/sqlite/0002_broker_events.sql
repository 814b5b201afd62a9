-- What the broker saw of an organisation's connections. Only events the broker
-- could tie to an organisation for certain are kept here; repeats of the same
-- event by the same clientId within a few minutes are one row with a count.
CREATE TABLE broker_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    -- connected, refused, disconnected, subscribe_refused, publish_refused.
    kind         TEXT NOT NULL,
    -- The event as JSON (EventKind): its kind and its facts, never a secret.
    what         TEXT NOT NULL,
    count        INTEGER NOT NULL,
    first_at_ms  INTEGER NOT NULL,
    last_at_ms   INTEGER NOT NULL
);
CREATE INDEX broker_events_by_org ON broker_events(org_id, id);
CREATE INDEX broker_events_by_client ON broker_events(org_id, client_id, kind);

-- Usernames of deleted static credentials, kept so that an integration still
-- connecting with one is reported to its organisation as "deleted" rather
-- than as an unknown username nobody can see.
CREATE TABLE deleted_static_credentials (
    user_name  TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL
);
