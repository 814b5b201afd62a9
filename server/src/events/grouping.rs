//! When two events become one entry: the one rule, here only. An event
//! joins its organisation's and clientId's newest entry when it is the same
//! event and came within `GROUP_WINDOW_MS` of that entry's last; otherwise
//! it is a new entry. Applied to a batch against a cache of each client's
//! newest entry (filled from the store on a miss), it yields the changes the
//! store writes as they are (`store::event_batch`).

use std::collections::HashMap;

use tillor_contract::broker_event::EventKind;

use crate::store::event_batch::{Change, Growth, NewEntry, StoredTail};
use crate::store::Store;

/// Repeats of one event by one clientId within this window are one entry.
pub const GROUP_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Clients remembered at most; past this the cache starts again (a flood of
/// made-up clientIds must not grow the server's memory).
const CACHE_MAX: usize = 50_000;

/// One event for one organisation, about to be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub org: String,
    pub client_id: String,
    pub what: EventKind,
    pub at_ms: i64,
    /// How many times (the plugin counts a repeating refusal).
    pub count: u64,
}

type Key = (String, String);

/// Each (organisation, clientId)'s newest entry, as the store has it.
/// `None`: the client has no entry.
#[derive(Debug, Default)]
pub struct Newest(HashMap<Key, Option<StoredTail>>);

/// Where an event of a batch goes: an entry the store has, or one of the
/// batch's new ones (by index).
#[derive(Clone, Copy)]
enum Target {
    Stored(i64),
    New(usize),
}

/// The one rule.
fn joins(what: &str, last_at_ms: i64, event_what: &str, event_at_ms: i64) -> bool {
    what == event_what && event_at_ms - last_at_ms <= GROUP_WINDOW_MS
}

impl Newest {
    /// Forget everything (after retention deleted entries, or a failed write).
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The clients of `records` the cache does not know, once each.
    pub fn unknown(&mut self, records: &[Record]) -> Vec<Key> {
        if self.0.len() > CACHE_MAX {
            self.0.clear();
        }
        let mut out: Vec<Key> = Vec::new();
        for r in records {
            let key = (r.org.clone(), r.client_id.clone());
            if !self.0.contains_key(&key) && !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }

    /// What the store said of a client the cache did not know.
    pub fn learn(&mut self, key: Key, tail: Option<StoredTail>) {
        self.0.insert(key, tail);
    }

    /// The batch as changes, in order: each record joins the newest entry
    /// of its client (one stored, or one new in this batch) or starts one.
    /// `Plan::settle` tells the cache the new entries' ids once written.
    pub fn plan(&self, records: Vec<Record>) -> Plan {
        let mut changes: Vec<Change> = Vec::new();
        // The newest entry of each client as the batch goes on, and the
        // change that grows a stored one (one per entry).
        let mut newest: HashMap<Key, (Target, String, i64)> = HashMap::new();
        let mut growing: HashMap<i64, usize> = HashMap::new();
        for r in records {
            let key = (r.org.clone(), r.client_id.clone());
            let what = serde_json::to_string(&r.what).expect("an event always serializes");
            let current = newest.get(&key).cloned().or_else(|| {
                self.0
                    .get(&key)
                    .cloned()
                    .flatten()
                    .map(|t| (Target::Stored(t.id), t.what, t.last_at_ms))
            });
            let count = r.count as i64;
            match current {
                Some((target, tail_what, last)) if joins(&tail_what, last, &what, r.at_ms) => {
                    let last = last.max(r.at_ms);
                    match target {
                        Target::New(i) => {
                            let Change::New(entry) = &mut changes[i] else {
                                unreachable!("a new entry's index")
                            };
                            entry.count += count;
                            entry.last_at_ms = last;
                        }
                        Target::Stored(id) => match growing.get(&id) {
                            Some(&i) => {
                                let Change::Grow(g) = &mut changes[i] else {
                                    unreachable!("a growth's index")
                                };
                                g.count += count;
                                g.at_ms = g.at_ms.max(r.at_ms);
                            }
                            None => {
                                growing.insert(id, changes.len());
                                changes.push(Change::Grow(Growth {
                                    id,
                                    count,
                                    at_ms: r.at_ms,
                                }));
                            }
                        },
                    }
                    newest.insert(key, (target, tail_what, last));
                }
                _ => {
                    let at = changes.len();
                    changes.push(Change::New(NewEntry {
                        org: r.org,
                        client_id: r.client_id,
                        kind: r.what.as_str(),
                        what: what.clone(),
                        count,
                        first_at_ms: r.at_ms,
                        last_at_ms: r.at_ms,
                    }));
                    newest.insert(key, (Target::New(at), what, r.at_ms));
                }
            }
        }
        Plan {
            changes,
            tails: newest
                .into_iter()
                .map(|(k, (t, w, l))| (k, t, w, l))
                .collect(),
        }
    }
}

/// A batch's changes, and each client's newest entry once they are written.
pub struct Plan {
    pub changes: Vec<Change>,
    tails: Vec<(Key, Target, String, i64)>,
}

impl Plan {
    /// The written batch's new entries got `ids` (in the order of their
    /// changes): the cache learns each client's newest entry.
    pub fn settle(self, newest: &mut Newest, ids: &[i64]) {
        // The index of each new entry among the new ones.
        let mut nth = HashMap::new();
        for (i, c) in self.changes.iter().enumerate() {
            if matches!(c, Change::New(_)) {
                nth.insert(i, nth.len());
            }
        }
        for (key, target, what, last_at_ms) in self.tails {
            let id = match target {
                Target::Stored(id) => Some(id),
                Target::New(i) => nth.get(&i).and_then(|n| ids.get(*n)).copied(),
            };
            let tail = id.map(|id| StoredTail {
                id,
                what,
                last_at_ms,
            });
            newest.0.insert(key, tail);
        }
    }
}

/// Records a batch: the clients the cache does not know are looked up, the
/// batch is grouped, written in one transaction, and the cache learns the
/// new entries. Returns the revision of the last change.
pub async fn record_batch(
    store: &Store,
    newest: &mut Newest,
    records: Vec<Record>,
) -> Result<i64, sqlx::Error> {
    for key in newest.unknown(&records) {
        let tail = store.newest_event(&key.0, &key.1).await?;
        newest.learn(key, tail);
    }
    let plan = newest.plan(records);
    let (rev, ids) = store.record_events(&plan.changes).await?;
    plan.settle(newest, &ids);
    Ok(rev)
}

#[cfg(test)]
mod tests {
    use tillor_contract::broker_event::DisconnectCause;
    use tillor_contract::refusal::RefusalReason;

    use super::*;
    use crate::events::Retention;
    use crate::store::events::{EventFilter, EventWindow};

    fn record(client_id: &str, code: DisconnectCause, at_ms: i64) -> Record {
        Record {
            org: "acme".into(),
            client_id: client_id.into(),
            what: EventKind::Disconnected { cause: code },
            at_ms,
            count: 1,
        }
    }

    /// (clientId or grown id, count, first, last) of each change.
    fn summary(plan: &Plan) -> Vec<(String, i64, i64, i64)> {
        plan.changes
            .iter()
            .map(|c| match c {
                Change::New(e) => (e.client_id.clone(), e.count, e.first_at_ms, e.last_at_ms),
                Change::Grow(g) => (format!("#{}", g.id), g.count, 0, g.at_ms),
            })
            .collect()
    }

    #[test]
    fn repeats_right_after_themselves_within_the_window_are_one_entry() {
        use DisconnectCause::{ConnectionLost as Lost, KeepAliveTimeout as Timeout};
        let plan = Newest::default().plan(vec![
            record("a", Lost, 1),
            record("b", Lost, 2),
            record("a", Lost, 3),
            record("a", Timeout, 4),
            // Not grouped with the first: another event came in between.
            record("a", Lost, 5),
            record("a", Lost, 5 + GROUP_WINDOW_MS + 1),
        ]);
        assert_eq!(
            summary(&plan),
            [
                ("a".into(), 2, 1, 3),
                ("b".into(), 1, 2, 2),
                ("a".into(), 1, 4, 4),
                ("a".into(), 1, 5, 5),
                (
                    "a".into(),
                    1,
                    5 + GROUP_WINDOW_MS + 1,
                    5 + GROUP_WINDOW_MS + 1
                ),
            ]
        );
    }

    #[test]
    fn a_repeat_of_a_stored_entry_grows_it_once_per_batch_and_the_cache_learns_new_ids() {
        use DisconnectCause::ConnectionLost as Lost;
        let mut newest = Newest::default();
        let what = serde_json::to_string(&record("a", Lost, 0).what).unwrap();
        newest.learn(
            ("acme".into(), "a".into()),
            Some(StoredTail {
                id: 7,
                what,
                last_at_ms: 10,
            }),
        );
        let plan = newest.plan(vec![
            record("a", Lost, 11),
            record("a", Lost, 12),
            record("b", Lost, 13),
        ]);
        assert_eq!(
            summary(&plan),
            [("#7".into(), 2, 0, 12), ("b".into(), 1, 13, 13)]
        );
        plan.settle(&mut newest, &[42]);
        let next = newest.plan(vec![record("b", Lost, 14), record("a", Lost, 15)]);
        assert_eq!(
            summary(&next),
            [("#42".into(), 1, 0, 14), ("#7".into(), 1, 0, 15)]
        );
    }

    fn refused(client_id: &str, at_ms: i64) -> Record {
        Record {
            what: EventKind::Refused {
                reason: RefusalReason::WrongPassword,
            },
            ..record(client_id, DisconnectCause::ConnectionLost, at_ms)
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
    async fn batches_written_to_the_store_group_like_one_long_stream() {
        use DisconnectCause::ConnectionLost as Lost;
        let (store, _dir) = crate::store::test_store().await;
        let mut newest = Newest::default();
        let batch = vec![refused("a", 1), refused("b", 2)];
        record_batch(&store, &mut newest, batch).await.unwrap();
        // A repeat in the next batch grows the entry; another event is a new
        // one, and the refusal after it a third.
        let batch = vec![refused("a", 3), record("a", Lost, 4), refused("a", 5)];
        record_batch(&store, &mut newest, batch).await.unwrap();
        assert_eq!(
            entries(&store).await,
            [
                ("a".into(), 1),
                ("a".into(), 1),
                ("a".into(), 2),
                ("b".into(), 1)
            ]
        );
        // A repeat of the newest entry, from a fresh cache (a restart): the
        // store is asked, and the entry grows.
        let mut fresh = Newest::default();
        record_batch(&store, &mut fresh, vec![refused("a", 6)])
            .await
            .unwrap();
        assert_eq!(entries(&store).await[0], ("a".into(), 2));
    }

    #[tokio::test]
    async fn after_retention_a_repeat_of_a_deleted_entry_is_a_new_one() {
        let (store, _dir) = crate::store::test_store().await;
        let mut newest = Newest::default();
        let day = 24 * 60 * 60 * 1000;
        record_batch(&store, &mut newest, vec![refused("a", 0)])
            .await
            .unwrap();
        let keep = Retention {
            keep: 10,
            keep_for_ms: day,
        };
        store.prune_events("acme", keep, 2 * day).await.unwrap();
        newest.clear();
        record_batch(&store, &mut newest, vec![refused("a", 2 * day)])
            .await
            .unwrap();
        assert_eq!(entries(&store).await, [("a".into(), 1)]);
    }
}
