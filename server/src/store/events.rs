//! The store's part of broker events: grouped records per organisation, and
//! what a static username belongs (or belonged) to.

use std::collections::HashMap;

use super::{on_pool, Dialect, StaticRow, Store};

/// How much of each organisation's events is kept: the newest `keep`
/// entries, and none older than `keep_for_ms`, whichever is less.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    pub keep: u32,
    pub keep_for_ms: i64,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            keep: 10_000,
            keep_for_ms: 7 * 24 * 60 * 60 * 1000,
        }
    }
}

/// One grouped broker event as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub rev: i64,
    pub client_id: String,
    pub what: String,
    pub count: i64,
    pub first_at_ms: i64,
    pub last_at_ms: i64,
}

/// Which of an organisation's events to list.
#[derive(Clone, Debug, Default)]
pub struct EventFilter<'a> {
    pub client_id: Option<&'a str>,
    pub kind: Option<&'static str>,
    pub since_ms: Option<i64>,
}

/// Where in the list: a page of older entries, or what changed after a point.
#[derive(Clone, Copy, Debug)]
pub enum EventWindow {
    /// Newest first, only entries last changed before this revision (all
    /// when `None`).
    Before(Option<i64>),
    /// Entries changed after this revision, the oldest changes first (so a
    /// reader catching up loses none), at most `limit` of them.
    After(i64),
}

impl Store {
    /// Keeps the newest `keep` entries of the organisation, and none last
    /// seen before `now_ms` minus the retention period, whichever is less.
    pub async fn prune_events(
        &self,
        org: &str,
        retention: Retention,
        now_ms: i64,
    ) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            pool.query(
                "DELETE FROM broker_events WHERE org_id = ?1 AND id <=
                   (SELECT id FROM broker_events WHERE org_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
            )
            .bind(org)
            .bind(i64::from(retention.keep))
            .execute(&mut *tx)
            .await?;
            pool.query("DELETE FROM broker_events WHERE org_id = ?1 AND last_at_ms < ?2")
                .bind(org)
                .bind(now_ms - retention.keep_for_ms)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })
    }

    /// The newest revision of any entry (0 before the first).
    pub async fn events_rev(&self) -> Result<i64, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_scalar("SELECT n FROM broker_events_rev")
                .fetch_one(pool)
                .await
        })
    }

    /// The organisation's events in `window`, newest first, at most `limit`.
    pub async fn list_events(
        &self,
        org: &str,
        filter: &EventFilter<'_>,
        window: EventWindow,
        limit: u32,
    ) -> Result<Vec<EventRow>, sqlx::Error> {
        const COLUMNS: &str = "SELECT id, rev, client_id, what, count, first_at_ms, last_at_ms
             FROM broker_events
             WHERE org_id = ?1 AND (?2 IS NULL OR client_id = ?2) AND (?3 IS NULL OR kind = ?3)
               AND (?4 IS NULL OR last_at_ms >= ?4)";
        let (sql, at) = match window {
            EventWindow::Before(before) => (
                format!("{COLUMNS} AND (?5 IS NULL OR rev < ?5) ORDER BY rev DESC LIMIT ?6"),
                before,
            ),
            EventWindow::After(after) => (
                format!("{COLUMNS} AND rev > ?5 ORDER BY rev ASC LIMIT ?6"),
                Some(after),
            ),
        };
        let mut rows: Vec<EventRow> = on_pool!(self, |pool| {
            pool.query_as(&sql)
                .bind(org)
                .bind(filter.client_id)
                .bind(filter.kind)
                .bind(filter.since_ms)
                .bind(at)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        });
        if let EventWindow::After(_) = window {
            rows.reverse();
        }
        Ok(rows)
    }

    /// The static credential a username belongs to now.
    pub async fn static_by_user_name(
        &self,
        user_name: &str,
    ) -> Result<Option<StaticRow>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_as("SELECT id, org_id, name, user_name, client_id, password_hash, created_at FROM static_credentials WHERE user_name = ?1")
                .bind(user_name)
                .fetch_optional(pool)
                .await
        })
    }

    /// The organisation a deleted username belonged to.
    pub async fn deleted_user_name_org(
        &self,
        user_name: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_scalar("SELECT org_id FROM deleted_static_credentials WHERE user_name = ?1")
                .bind(user_name)
                .fetch_optional(pool)
                .await
        })
    }

    /// The organisation a clientId is reserved for.
    pub async fn org_of_client_id(&self, client_id: &str) -> Result<Option<String>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_scalar("SELECT org_id FROM client_ids WHERE client_id = ?1")
                .bind(client_id)
                .fetch_optional(pool)
                .await
        })
    }

    /// When a session of each of the organisation's clientIds was last seen
    /// (its newest connect or end), in Unix milliseconds: one query for a
    /// whole list.
    pub async fn last_seen_ms(&self, org: &str) -> Result<HashMap<String, i64>, sqlx::Error> {
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| {
            pool.query_as(
                "SELECT client_id, max(last_at_ms) FROM broker_events
                 WHERE org_id = ?1 AND kind IN ('connected', 'disconnected')
                 GROUP BY client_id",
            )
            .bind(org)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().collect())
    }
}
