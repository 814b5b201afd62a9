-- JWT signing keys shared by every instance on this database: each sealed
-- with TILLOR_KEY_ENCRYPTION_KEY (AES-256-GCM: nonce || ciphertext || tag),
-- never stored in the clear. The oldest key signs; the JWKS lists them all.
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY NOT NULL,
    sealed      BYTEA NOT NULL,
    created_at  BIGINT NOT NULL  -- Unix seconds
);
