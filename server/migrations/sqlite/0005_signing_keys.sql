-- The same table as PostgreSQL's 0002 (see there). A single SQLite instance
-- keeps its key in the data directory's jwt-signing-key.pem and leaves this
-- table empty; it exists so both backends have one schema.
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY NOT NULL,
    sealed      BLOB NOT NULL,
    created_at  INTEGER NOT NULL  -- Unix seconds
);
