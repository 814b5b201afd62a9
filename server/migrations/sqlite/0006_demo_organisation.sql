-- The same table as PostgreSQL's 0003 (see there). A single SQLite instance
-- keeps its demo organisation in the data directory's demo-org.json and
-- leaves this table empty; it exists so both backends have one schema.
CREATE TABLE demo_organisation (
    one              INTEGER PRIMARY KEY DEFAULT 1 CHECK (one = 1),
    org_id           TEXT NOT NULL,
    sealed_api_key   BLOB NOT NULL
);
