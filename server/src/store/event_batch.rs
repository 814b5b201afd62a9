//! Writing a batch of grouped broker events in a handful of statements,
//! whatever its size: the recorder's hot path. What becomes one entry is
//! decided before (`events::grouping`); this only writes the changes it is
//! given, in order, one revision each.
//!
//! Why: every statement is a round trip to SQLite's worker thread, and under
//! connection churn (thousands of connects a second) those hand-offs were
//! most of what events cost the machine (scripts/bench broker). So the
//! batch becomes one multi-row INSERT and one multi-row UPDATE.

use sqlx::QueryBuilder;

use super::{on_pool, Dialect, Store};

/// Rows per statement: 8 values a row stays far below SQLite's limit of
/// 32,766 variables.
const CHUNK: usize = 500;

/// A client's newest entry, as far as grouping needs it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredTail {
    pub id: i64,
    /// The event, as stored (JSON).
    pub what: String,
    pub last_at_ms: i64,
}

/// A change to write: a new entry, or one that grows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    New(NewEntry),
    Grow(Growth),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    pub org: String,
    pub client_id: String,
    /// The event's kind, for filtering.
    pub kind: &'static str,
    /// The event, as JSON.
    pub what: String,
    pub count: i64,
    pub first_at_ms: i64,
    pub last_at_ms: i64,
}

/// An entry that happened again: `count` more times, the last at `at_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Growth {
    pub id: i64,
    pub count: i64,
    pub at_ms: i64,
}

/// The multi-row INSERT of new entries and UPDATE of growing ones, in
/// chunks, inside one backend's transaction (a macro, so each backend's arm
/// is compiled with its own concrete types). Evaluates to the new ids.
macro_rules! write_changes {
    ($pool:ident, $tx:ident, $changes:expr, $first_rev:expr) => {{
        let mut inserts = Vec::new();
        let mut grows = Vec::new();
        for (rev, change) in ($first_rev..).zip($changes) {
            match change {
                Change::New(e) => inserts.push((e, rev)),
                Change::Grow(g) => grows.push((g, rev)),
            }
        }
        let mut ids = Vec::with_capacity(inserts.len());
        for chunk in inserts.chunks(CHUNK) {
            let mut q = QueryBuilder::new(
                "INSERT INTO broker_events
                   (org_id, client_id, kind, what, count, first_at_ms, last_at_ms, rev) ",
            );
            q.push_values(chunk, |mut b, (e, rev)| {
                b.push_bind(&e.org)
                    .push_bind(&e.client_id)
                    .push_bind(e.kind)
                    .push_bind(&e.what)
                    .push_bind(e.count)
                    .push_bind(e.first_at_ms)
                    .push_bind(e.last_at_ms)
                    .push_bind(*rev);
            });
            // Ids in the order of the rows, whatever order RETURNING gives.
            q.push(" RETURNING rev, id");
            let mut got: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *$tx).await?;
            got.sort_unstable();
            ids.extend(got.into_iter().map(|(_, id)| id));
        }
        for chunk in grows.chunks(CHUNK) {
            let mut q = QueryBuilder::new("WITH v(id, add_count, at_ms, rev) AS (");
            q.push_values(chunk, |mut b, (g, rev)| {
                b.push_bind(g.id)
                    .push_bind(g.count)
                    .push_bind(g.at_ms)
                    .push_bind(*rev);
            });
            q.push(format!(
                ") UPDATE broker_events SET count = count + v.add_count,
                     last_at_ms = {}(broker_events.last_at_ms, v.at_ms), rev = v.rev
                 FROM v WHERE broker_events.id = v.id",
                $pool.greatest()
            ));
            q.build().execute(&mut *$tx).await?;
        }
        ids
    }};
}

impl Store {
    /// The newest entry of the organisation's clientId, if it has one.
    pub async fn newest_event(
        &self,
        org: &str,
        client_id: &str,
    ) -> Result<Option<StoredTail>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_as(
                "SELECT id, what, last_at_ms FROM broker_events
                 WHERE org_id = ?1 AND client_id = ?2 ORDER BY id DESC LIMIT 1",
            )
            .bind(org)
            .bind(client_id)
            .fetch_optional(pool)
            .await
        })
    }

    /// Writes the changes in one transaction, each with the next revision.
    /// Returns the revision of the last, and the new entries' ids in order.
    /// A grown entry that was deleted since (retention) is not updated.
    pub async fn record_events(&self, changes: &[Change]) -> Result<(i64, Vec<i64>), sqlx::Error> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = changes.len() as i64;
            let last: i64 = pool
                .query_scalar("UPDATE broker_events_rev SET n = n + ?1 RETURNING n")
                .bind(n)
                .fetch_one(&mut *tx)
                .await?;
            let ids = write_changes!(pool, tx, changes, last - n + 1);
            tx.commit().await?;
            Ok((last, ids))
        })
    }
}
