//! A static credential's delete, in three steps that can each be cut short:
//! the mark (`begin_delete`), the broker's half, and the row's removal
//! (`delete_static`). Whatever stops it halfway, reconciliation and a sweep
//! every 30 s (broker::reconcile) finish every marked delete
//! (`deleting_static`); see the migration that added `deleting_since`.

use super::{on_pool, Dialect, Store};

impl Store {
    /// Marks the credential as being deleted, before the broker is touched;
    /// false when this organisation has no such credential. A store that
    /// cannot be written refuses here, while nothing has changed.
    pub async fn begin_delete(
        &self,
        org_id: &str,
        id: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query(
                "UPDATE static_credentials SET deleting_since = ?3 WHERE org_id = ?1 AND id = ?2",
            )
            .bind(org_id)
            .bind(id)
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected() == 1)
        })
    }

    /// Every delete begun before `before` (Unix s) and not finished, on any
    /// instance: (organisation, id, user name).
    pub async fn deleting_static(
        &self,
        before: i64,
    ) -> Result<Vec<(String, String, String)>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_as(
                "SELECT org_id, id, user_name FROM static_credentials
                 WHERE deleting_since < ?1",
            )
            .bind(before)
            .fetch_all(pool)
            .await
        })
    }

    /// Deletes the credential if this organisation owns it; false when there was none.
    /// Its clientId stays the organisation's (see `claim_client_id`).
    pub async fn delete_static(&self, org_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let gone: Option<String> = pool.query_scalar(
                "DELETE FROM static_credentials WHERE org_id = ?1 AND id = ?2 RETURNING user_name",
            )
            .bind(org_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(user_name) = gone else {
                return Ok(false);
            };
            // A tombstone: an integration still using the deleted username is
            // told so, in this organisation's events.
            pool.query(
                "INSERT INTO deleted_static_credentials (user_name, org_id) VALUES (?1, ?2)
                 ON CONFLICT(user_name) DO UPDATE SET org_id = excluded.org_id",
            )
            .bind(&user_name)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }
}
