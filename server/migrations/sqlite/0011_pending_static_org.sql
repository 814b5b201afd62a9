-- The same change as PostgreSQL's 0008 (see there).
ALTER TABLE pending_static ADD COLUMN org_id TEXT NOT NULL DEFAULT '';
