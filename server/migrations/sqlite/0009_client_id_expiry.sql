-- The same change as PostgreSQL's 0006 (see there).
ALTER TABLE client_ids ADD COLUMN expires_at INTEGER;
CREATE INDEX client_ids_expires ON client_ids (expires_at);
