-- The same change as PostgreSQL's 0005 (see there). A single SQLite instance
-- signs with the data directory's key, and its tokens name that key too
-- (so `migrate-store` carries it over).
ALTER TABLE signing_keys ADD COLUMN sign_from INTEGER NOT NULL DEFAULT 0;
UPDATE signing_keys SET sign_from = created_at;
ALTER TABLE jwt_tokens ADD COLUMN kid TEXT;
UPDATE jwt_tokens SET kid = (SELECT kid FROM signing_keys ORDER BY created_at, kid LIMIT 1);
CREATE INDEX jwt_tokens_kid_expires ON jwt_tokens (kid, expires_at);
