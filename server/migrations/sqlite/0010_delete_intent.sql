-- The same change as PostgreSQL's 0007 (see there).
ALTER TABLE static_credentials ADD COLUMN deleting_since INTEGER;
