-- Key rotation. A key signs from sign_from on: `rotate-key` publishes a key
-- first and lets it sign 300 s later, once every broker has fetched it
-- (TBMQ's shortest JWKS refresh). Each token names the key that signed it,
-- so a key leaves the JWKS only after its last token has expired.
ALTER TABLE signing_keys ADD COLUMN sign_from BIGINT NOT NULL DEFAULT 0;
UPDATE signing_keys SET sign_from = created_at;
ALTER TABLE jwt_tokens ADD COLUMN kid TEXT;
-- Until now the oldest key signed every token.
UPDATE jwt_tokens SET kid = (SELECT kid FROM signing_keys ORDER BY created_at, kid LIMIT 1);
CREATE INDEX jwt_tokens_kid_expires ON jwt_tokens (kid, expires_at);
