//! Writing a batch of broker events in a handful of statements, whatever its
//! size: the recorder's hot path.
//!
//! Why: every statement is a round trip to SQLite's worker thread, and under
//! connection churn (thousands of connects a second) those hand-offs were
//! most of what events cost the machine (scripts/bench broker). So the
//! grouping decision is made here, against a cache of each clientId's newest
//! entry, and the batch becomes one multi-row INSERT and one multi-row
//! UPDATE.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::{on_pool, Dialect, Store};
use crate::events::{Folded, GROUP_WINDOW_MS};

/// Rows per statement: 8 values a row stays far below SQLite's limit of
/// 32,766 variables.
const CHUNK: usize = 500;
/// Clients remembered at most; past this the cache starts again (a flood of
/// made-up clientIds must not grow the server's memory).
const CACHE_MAX: usize = 50_000;

/// Each (organisation, clientId)'s newest entry, as the store has it: where
/// a repeat is grouped. `None`: the client has no entry.
#[derive(Debug, Default)]
pub struct Newest(HashMap<(String, String), Option<Entry>>);

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Entry {
    id: i64,
    what: String,
    last_at_ms: i64,
}

impl Newest {
    /// Forget everything (after retention deleted entries).
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// A planned change: a new entry, or an existing one that grows.
enum Change<'a> {
    Insert {
        event: &'a Folded,
        what: String,
        rev: i64,
    },
    Grow {
        id: i64,
        count: i64,
        at_ms: i64,
        rev: i64,
    },
}

/// The new entries of a batch: event, its JSON, its revision.
fn inserts<'a>(changes: &'a [Change<'a>]) -> Vec<(&'a Folded, &'a String, i64)> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Insert { event, what, rev } => Some((*event, what, *rev)),
            Change::Grow { .. } => None,
        })
        .collect()
}

/// The entries that grow: id, added count, time, revision. A grown entry
/// that was deleted since (retention) is not updated; the cache is cleared
/// after every pruning, so that is only a race with the pruning itself.
fn grows(changes: &[Change<'_>], inserted: &HashMap<i64, i64>) -> Vec<(i64, i64, i64, i64)> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Grow {
                id,
                count,
                at_ms,
                rev,
            } => {
                // Growing an entry of this batch: its id came from the INSERT.
                let id = if *id < 0 { *inserted.get(&-id)? } else { *id };
                Some((id, *count, *at_ms, *rev))
            }
            Change::Insert { .. } => None,
        })
        .collect()
}

/// The multi-row INSERT of new entries and UPDATE of growing ones, in
/// chunks; inside one backend's transaction (a macro, so each backend's
/// arm is compiled with its own concrete types).
macro_rules! write_changes {
    ($pool:ident, $tx:ident, $changes:expr, $newest:expr) => {{
        let mut inserted = HashMap::new();
        for chunk in inserts($changes).chunks(CHUNK) {
            let mut q = QueryBuilder::new(
                "INSERT INTO broker_events
                   (org_id, client_id, kind, what, count, first_at_ms, last_at_ms, rev) ",
            );
            q.push_values(chunk, |mut b, (e, what, rev)| {
                let r = &e.record;
                b.push_bind(&r.org)
                    .push_bind(&r.client_id)
                    .push_bind(r.what.as_str())
                    .push_bind(*what)
                    .push_bind(e.count)
                    .push_bind(e.first_at_ms)
                    .push_bind(r.at_ms)
                    .push_bind(*rev);
            });
            q.push(" RETURNING rev, id");
            let got: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *$tx).await?;
            inserted.extend(got);
        }
        for entry in $newest.0.values_mut().flatten() {
            if entry.id < 0 {
                entry.id = inserted.get(&-entry.id).copied().unwrap_or(entry.id);
            }
        }
        for chunk in grows($changes, &inserted).chunks(CHUNK) {
            let mut q = QueryBuilder::new("WITH v(id, add_count, at_ms, rev) AS (");
            q.push_values(chunk, |mut b, (id, count, at_ms, rev)| {
                b.push_bind(*id)
                    .push_bind(*count)
                    .push_bind(*at_ms)
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
    }};
}

impl Store {
    /// Records a batch of broker events in one transaction. Each adds to the
    /// newest entry of its organisation and clientId when that is the same
    /// event within the group window, and is a new entry otherwise. Returns
    /// the revision of the last change.
    pub async fn record_events(
        &self,
        events: &[Folded],
        newest: &mut Newest,
    ) -> Result<i64, sqlx::Error> {
        if newest.0.len() > CACHE_MAX {
            newest.clear();
        }
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            // One revision per event, taken for the batch at once.
            let last: i64 = pool
                .query_scalar("UPDATE broker_events_rev SET n = n + ?1 RETURNING n")
                .bind(events.len() as i64)
                .fetch_one(&mut *tx)
                .await?;
            let mut changes = Vec::with_capacity(events.len());
            for (rev, e) in (last - events.len() as i64 + 1..).zip(events) {
                let key = (e.record.org.clone(), e.record.client_id.clone());
                if !newest.0.contains_key(&key) {
                    let found: Option<Entry> = pool
                        .query_as(
                            "SELECT id, what, last_at_ms FROM broker_events
                     WHERE org_id = ?1 AND client_id = ?2 ORDER BY id DESC LIMIT 1",
                        )
                        .bind(&key.0)
                        .bind(&key.1)
                        .fetch_optional(&mut *tx)
                        .await?;
                    newest.0.insert(key.clone(), found);
                }
                let what =
                    serde_json::to_string(&e.record.what).expect("an event always serializes");
                let slot = newest.0.entry(key).or_default();
                match slot {
                    Some(n)
                        if n.what == what && n.last_at_ms >= e.first_at_ms - GROUP_WINDOW_MS =>
                    {
                        n.last_at_ms = n.last_at_ms.max(e.record.at_ms);
                        changes.push(Change::Grow {
                            id: n.id,
                            count: e.count,
                            at_ms: e.record.at_ms,
                            rev,
                        });
                    }
                    _ => {
                        // The id is known after the INSERT; until then the
                        // revision (unique) stands in for it.
                        *slot = Some(Entry {
                            id: -rev,
                            what: what.clone(),
                            last_at_ms: e.record.at_ms,
                        });
                        changes.push(Change::Insert {
                            event: e,
                            what,
                            rev,
                        });
                    }
                }
            }
            write_changes!(pool, tx, &changes, newest);
            tx.commit().await?;
            Ok(last)
        })
    }
}

#[cfg(test)]
mod tests {
    use tillor_contract::broker_event::{DisconnectCause, EventKind};
    use tillor_contract::refusal::RefusalReason;

    use super::*;
    use crate::events::{fold, Record, Retention};
    use crate::store::events::{EventFilter, EventWindow};

    fn record(client_id: &str, what: EventKind, at_ms: i64) -> Record {
        Record {
            org: "acme".into(),
            client_id: client_id.into(),
            what,
            at_ms,
            count: 1,
        }
    }

    fn refused() -> EventKind {
        EventKind::Refused {
            reason: RefusalReason::WrongPassword,
        }
    }

    fn gone() -> EventKind {
        EventKind::Disconnected {
            cause: DisconnectCause::ConnectionLost,
        }
    }

    /// (clientId, count) of every entry, newest first.
    async fn entries(store: &Store) -> Vec<(String, i64)> {
        let rows = store
            .list_events(
                "acme",
                &EventFilter::default(),
                EventWindow::Before(None),
                100,
            )
            .await
            .unwrap();
        rows.into_iter().map(|r| (r.client_id, r.count)).collect()
    }

    #[tokio::test]
    async fn batches_group_like_one_long_stream() {
        let (store, _dir) = crate::store::test_store().await;
        let mut newest = Newest::default();
        let batch = |records| fold(records);
        store
            .record_events(
                &batch(vec![record("a", refused(), 1), record("b", refused(), 2)]),
                &mut newest,
            )
            .await
            .unwrap();
        // A repeat in the next batch grows the entry; another event is a new
        // one, and the refusal after it a third.
        store
            .record_events(
                &batch(vec![
                    record("a", refused(), 3),
                    record("a", gone(), 4),
                    record("a", refused(), 5),
                ]),
                &mut newest,
            )
            .await
            .unwrap();
        assert_eq!(
            entries(&store).await,
            [
                ("a".into(), 1),
                ("a".into(), 1),
                ("a".into(), 2),
                ("b".into(), 1)
            ]
        );
        // A repeat of the newest entry, from a fresh cache (a restart):
        // the store is asked, and the entry grows.
        let mut fresh = Newest::default();
        store
            .record_events(&batch(vec![record("a", refused(), 6)]), &mut fresh)
            .await
            .unwrap();
        assert_eq!(entries(&store).await[0], ("a".into(), 2));
    }

    #[tokio::test]
    async fn after_retention_a_repeat_of_a_deleted_entry_is_a_new_one() {
        let (store, _dir) = crate::store::test_store().await;
        let mut newest = Newest::default();
        let day = 24 * 60 * 60 * 1000;
        store
            .record_events(&fold(vec![record("a", refused(), 0)]), &mut newest)
            .await
            .unwrap();
        let keep = Retention {
            keep: 10,
            keep_for_ms: day,
        };
        store.prune_events("acme", keep, 2 * day).await.unwrap();
        newest.clear();
        store
            .record_events(&fold(vec![record("a", refused(), 2 * day)]), &mut newest)
            .await
            .unwrap();
        assert_eq!(entries(&store).await, [("a".into(), 1)]);
    }
}
