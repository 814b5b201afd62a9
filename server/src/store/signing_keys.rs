//! The store's part of the JWT signing keys on a shared database: each key
//! sealed (never in the clear), when it starts signing, and which keys still
//! have tokens that may be used (those stay published).

use super::{on_pool, Dialect, Store};

/// A signing key as kept: sealed, and signing from `sign_from` (Unix s).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredKey {
    pub kid: String,
    pub sealed: Vec<u8>,
    pub sign_from: i64,
}

impl Store {
    /// Adds a sealed signing key that signs from `sign_from` on; one already
    /// there under that kid stays as it is.
    pub async fn insert_signing_key(
        &self,
        kid: &str,
        sealed: &[u8],
        created_at: i64,
        sign_from: i64,
    ) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query(
                "INSERT INTO signing_keys (kid, sealed, created_at, sign_from)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT(kid) DO NOTHING",
            )
            .bind(kid)
            .bind(sealed)
            .bind(created_at)
            .bind(sign_from)
            .execute(pool)
            .await
            .map(drop)
        })
    }

    /// Every signing key, in the order they sign (by `sign_from`, then kid).
    pub async fn signing_keys(&self) -> Result<Vec<StoredKey>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_as("SELECT kid, sealed, sign_from FROM signing_keys ORDER BY sign_from, kid")
                .fetch_all(pool)
                .await
        })
    }

    /// The keys that signed a token still valid at `now` (revoked ones too:
    /// publishing their key a while longer costs nothing).
    pub async fn kids_in_use(&self, now: i64) -> Result<Vec<String>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_scalar(
                "SELECT DISTINCT kid FROM jwt_tokens WHERE expires_at > ?1 AND kid IS NOT NULL",
            )
            .bind(now)
            .fetch_all(pool)
            .await
        })
    }

    /// Forgets a retired key: nothing it signed can be used any more.
    pub async fn delete_signing_key(&self, kid: &str) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query("DELETE FROM signing_keys WHERE kid = ?1")
                .bind(kid)
                .execute(pool)
                .await
                .map(drop)
        })
    }

    /// Names `kid` as the key of tokens that name none: those copied from a
    /// store that kept its key in the data directory, which is this key.
    pub async fn adopt_unnamed_tokens(&self, kid: &str) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query("UPDATE jwt_tokens SET kid = ?1 WHERE kid IS NULL")
                .bind(kid)
                .execute(pool)
                .await
                .map(drop)
        })
    }
}
