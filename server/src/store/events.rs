//! The store's part of broker events: grouped records per organisation, and
//! what a static username belongs (or belonged) to.

use std::collections::HashMap;

use tillor_contract::broker_event::EventKind;

use super::{StaticRow, Store};
use crate::events::{GROUP_WINDOW_MS, KEEP_FOR_MS, KEEP_PER_ORG};

/// One grouped broker event as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub client_id: String,
    pub what: String,
    pub count: i64,
    pub first_at_ms: i64,
    pub last_at_ms: i64,
}

impl Store {
    /// Records a broker event for `org`: a repeat of its newest entry for the
    /// same clientId and event within the group window adds to that entry.
    pub async fn record_event(
        &self,
        org: &str,
        client_id: &str,
        what: &EventKind,
        at_ms: i64,
    ) -> Result<(), sqlx::Error> {
        let kind = what.as_str();
        let what = serde_json::to_string(what).expect("an event always serializes");
        let mut tx = self.pool.begin().await?;
        let grouped = sqlx::query(
            "UPDATE broker_events SET count = count + 1, last_at_ms = max(last_at_ms, ?1)
             WHERE id = (SELECT id FROM broker_events WHERE org_id = ?2 AND client_id = ?3
                         ORDER BY id DESC LIMIT 1)
               AND what = ?4 AND last_at_ms >= ?1 - ?5",
        )
        .bind(at_ms)
        .bind(org)
        .bind(client_id)
        .bind(&what)
        .bind(GROUP_WINDOW_MS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if grouped == 0 {
            sqlx::query(
                "INSERT INTO broker_events (org_id, client_id, kind, what, count, first_at_ms, last_at_ms)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
            )
            .bind(org)
            .bind(client_id)
            .bind(kind)
            .bind(&what)
            .bind(at_ms)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "DELETE FROM broker_events WHERE org_id = ?1 AND id <=
                   (SELECT id FROM broker_events WHERE org_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
            )
            .bind(org)
            .bind(KEEP_PER_ORG)
            .execute(&mut *tx)
            .await?;
            // And nothing older than the retention period, whichever is less.
            sqlx::query("DELETE FROM broker_events WHERE org_id = ?1 AND last_at_ms < ?2")
                .bind(org)
                .bind(at_ms - KEEP_FOR_MS)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    /// The organisation's newest events, newest first, optionally only one
    /// clientId's, one kind's, or those seen since a time.
    pub async fn list_events(
        &self,
        org: &str,
        limit: u32,
        client_id: Option<&str>,
        kind: Option<&str>,
        since_ms: Option<i64>,
    ) -> Result<Vec<EventRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT client_id, what, count, first_at_ms, last_at_ms FROM broker_events
             WHERE org_id = ?1 AND (?3 IS NULL OR client_id = ?3) AND (?4 IS NULL OR kind = ?4)
               AND (?5 IS NULL OR last_at_ms >= ?5)
             ORDER BY last_at_ms DESC, id DESC LIMIT ?2",
        )
        .bind(org)
        .bind(limit)
        .bind(client_id)
        .bind(kind)
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await
    }

    /// The static credential a username belongs to now.
    pub async fn static_by_user_name(
        &self,
        user_name: &str,
    ) -> Result<Option<StaticRow>, sqlx::Error> {
        sqlx::query_as("SELECT id, org_id, name, user_name, client_id, password_hash, created_at FROM static_credentials WHERE user_name = ?1")
            .bind(user_name)
            .fetch_optional(&self.pool)
            .await
    }

    /// The organisation a deleted username belonged to.
    pub async fn deleted_user_name_org(
        &self,
        user_name: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT org_id FROM deleted_static_credentials WHERE user_name = ?1")
            .bind(user_name)
            .fetch_optional(&self.pool)
            .await
    }

    /// The organisation a clientId is reserved for.
    pub async fn org_of_client_id(&self, client_id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT org_id FROM client_ids WHERE client_id = ?1")
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// When a session of each of the organisation's clientIds was last seen
    /// (its newest connect or end), in Unix milliseconds: one query for a
    /// whole list.
    pub async fn last_seen_ms(&self, org: &str) -> Result<HashMap<String, i64>, sqlx::Error> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT client_id, max(last_at_ms) FROM broker_events
             WHERE org_id = ?1 AND kind IN ('connected', 'disconnected')
             GROUP BY client_id",
        )
        .bind(org)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }
}
