//! The store's part of JWTs: every token the API issued, by id, and whether
//! it was revoked. Never the token itself.

use tillor_contract::broker_event::RevokedToken;

use super::{lock_org, on_pool, Dialect, Store};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenRow {
    pub jti: String,
    pub client_id: String,
    /// Unix seconds.
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// What revoking one token found.
#[derive(Debug)]
pub enum Revocation {
    /// Revoked now.
    Revoked(TokenRow),
    /// It was revoked before (revoking is idempotent).
    AlreadyRevoked(TokenRow),
    /// Not a token of this organisation.
    NotFound,
}

const COLUMNS: &str = "jti, client_id, issued_at, expires_at, revoked_at";

impl Store {
    /// Records a token issued for `org_id`, signed with the key `kid` (which
    /// stays published while the token may be used), if the organisation was
    /// issued fewer than `limit` tokens since `since` (Unix s). Otherwise
    /// nothing is written and the answer is when the first token of that
    /// window was issued. The count and the insert are one transaction on
    /// the organisation's locked row, so parallel requests never overshoot.
    pub async fn insert_token_within(
        &self,
        org_id: &str,
        kid: &str,
        t: &TokenRow,
        since: i64,
        limit: i64,
    ) -> Result<Result<(), Option<i64>>, sqlx::Error> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            lock_org!(pool, tx, org_id).await?;
            let (issued, first): (i64, Option<i64>) = pool
                .query_as(
                    "SELECT COUNT(*), MIN(issued_at) FROM jwt_tokens
                     WHERE org_id = ?1 AND issued_at > ?2",
                )
                .bind(org_id)
                .bind(since)
                .fetch_one(&mut *tx)
                .await?;
            if issued >= limit {
                return Ok(Err(first));
            }
            pool.query(
                "INSERT INTO jwt_tokens (jti, org_id, client_id, issued_at, expires_at, kid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&t.jti)
            .bind(org_id)
            .bind(&t.client_id)
            .bind(t.issued_at)
            .bind(t.expires_at)
            .bind(kid)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Ok(()))
        })
    }

    /// The organisation's tokens that have not expired at `now`, newest first.
    pub async fn list_tokens(&self, org_id: &str, now: i64) -> Result<Vec<TokenRow>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_as(&format!(
                "SELECT {COLUMNS} FROM jwt_tokens WHERE org_id = ?1 AND expires_at > ?2
                 ORDER BY issued_at DESC, {} DESC",
                pool.token_order()
            ))
            .bind(org_id)
            .bind(now)
            .fetch_all(pool)
            .await
        })
    }

    pub async fn revoke_token(
        &self,
        org_id: &str,
        jti: &str,
        now: i64,
    ) -> Result<Revocation, sqlx::Error> {
        on_pool!(self, |pool| {
            let revoked: Option<TokenRow> = pool
                .query_as(&format!(
                    "UPDATE jwt_tokens SET revoked_at = ?3
                 WHERE org_id = ?1 AND jti = ?2 AND revoked_at IS NULL RETURNING {COLUMNS}"
                ))
                .bind(org_id)
                .bind(jti)
                .bind(now)
                .fetch_optional(pool)
                .await?;
            if let Some(row) = revoked {
                return Ok(Revocation::Revoked(row));
            }
            let before: Option<TokenRow> = pool
                .query_as(&format!(
                    "SELECT {COLUMNS} FROM jwt_tokens WHERE org_id = ?1 AND jti = ?2"
                ))
                .bind(org_id)
                .bind(jti)
                .fetch_optional(pool)
                .await?;
            Ok(before.map_or(Revocation::NotFound, Revocation::AlreadyRevoked))
        })
    }

    /// Revokes every token issued so far for the clientId that has not
    /// expired; returns those revoked now.
    pub async fn revoke_client(
        &self,
        org_id: &str,
        client_id: &str,
        now: i64,
    ) -> Result<Vec<TokenRow>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_as(&format!(
                "UPDATE jwt_tokens SET revoked_at = ?3
                 WHERE org_id = ?1 AND client_id = ?2 AND revoked_at IS NULL AND expires_at > ?3
                 RETURNING {COLUMNS}"
            ))
            .bind(org_id)
            .bind(client_id)
            .bind(now)
            .fetch_all(pool)
            .await
        })
    }

    /// Every revoked token that has not expired: what the broker must refuse.
    pub async fn active_revocations(&self, now: i64) -> Result<Vec<RevokedToken>, sqlx::Error> {
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| {
            pool.query_as(
                "SELECT jti, expires_at FROM jwt_tokens
                 WHERE revoked_at IS NOT NULL AND expires_at > ?1 ORDER BY expires_at",
            )
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(jti, expires_at)| RevokedToken { jti, expires_at })
            .collect())
    }

    /// Forgets tokens that have expired: nobody can use them any more, so
    /// neither the list nor the broker needs them. The clientIds generated
    /// for them are free again.
    pub async fn prune_tokens(&self, now: i64) -> Result<u64, sqlx::Error> {
        on_pool!(self, |pool| {
            let tokens = pool
                .query("DELETE FROM jwt_tokens WHERE expires_at <= ?1")
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected();
            pool.query("DELETE FROM client_ids WHERE expires_at IS NOT NULL AND expires_at <= ?1")
                .bind(now)
                .execute(pool)
                .await?;
            Ok(tokens)
        })
    }
}
