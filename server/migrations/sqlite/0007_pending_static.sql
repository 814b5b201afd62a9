-- The same table as PostgreSQL's 0004 (see there): on SQLite it covers a
-- crash between the broker's create and the store's.
CREATE TABLE pending_static (
    user_name   TEXT PRIMARY KEY NOT NULL,
    started_at  INTEGER NOT NULL  -- Unix seconds
);
