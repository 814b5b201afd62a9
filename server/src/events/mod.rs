//! Broker reports, from the admin client to the store: the one task that
//! turns what the broker saw into events of one organisation, keeps the live
//! sessions, and records the events grouped.
//!
//! Design: the broker client hands reports over a bounded queue and never
//! waits for the store; what does not fit is counted as dropped, so a flood of
//! connection attempts can slow down neither the broker nor the API.

mod cause;
mod grouping;
mod recorder;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tillor_contract::broker_event::BrokerReport;
use tokio::sync::{mpsc, watch};

pub use cause::{cause, Action};
pub use grouping::{record_batch, Newest, Record};
use recorder::Recorder;

use crate::sessions::Sessions;
pub use crate::store::events::Retention;
use crate::store::Store;

/// Reports waiting for the recorder, at most.
pub const QUEUE: usize = 4096;

/// What readers of the events can see of the recorder: counters, and a
/// signal whenever an entry is made or grows (the live feed waits on it).
#[derive(Debug)]
pub struct Feed {
    /// Reports lost on the way: the queue was full, or the broker's sequence
    /// numbers skipped some.
    pub dropped: AtomicU64,
    /// Reports no organisation can be trusted to own (forged tokens, unknown
    /// usernames).
    pub unattributed: AtomicU64,
    changes: watch::Sender<i64>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed {
            dropped: AtomicU64::new(0),
            unattributed: AtomicU64::new(0),
            changes: watch::Sender::new(0),
        }
    }
}

impl Feed {
    /// Wakes at every change recorded after this call.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.changes.subscribe()
    }

    /// The store's newest revision as another instance left it: wakes the
    /// readers when it moved on.
    pub fn notice(&self, rev: i64) {
        self.changes.send_if_modified(|seen| {
            let newer = rev > *seen;
            if newer {
                *seen = rev;
            }
            newer
        });
    }
}

/// How often an instance on a shared database looks for events another
/// instance recorded (the live feed's promise is 2 s).
pub const SHARED_POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// On a shared database, wakes this instance's live feeds when any instance
/// records events: the recorder only wakes its own.
pub fn follow_shared_store(store: Store, feed: Arc<Feed>) {
    crate::background::spawn(async move {
        loop {
            tokio::time::sleep(SHARED_POLL).await;
            match store.events_rev().await {
                Ok(rev) => feed.notice(rev),
                Err(e) => tracing::warn!(%e, "cannot read the events' revision"),
            }
        }
    });
}

/// What the broker side hands the recorder.
#[derive(Debug)]
enum Note {
    Report(BrokerReport),
    /// The broker process exited (the supervisor restarts it): every
    /// session ended with it.
    BrokerStopped {
        at_ms: i64,
    },
    /// Something the organisation did through the API.
    Action(Action),
}

/// The broker side's end of the queue.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Note>,
    feed: Arc<Feed>,
}

impl EventSink {
    /// Hands a report over without waiting; a full queue counts it dropped.
    pub fn offer(&self, report: BrokerReport) {
        if self.tx.try_send(Note::Report(report)).is_err() {
            self.feed.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Says the broker process exited. Queued behind its last reports, and
    /// ahead of any from the next one, so their order holds.
    /// Tells the recorder what the organisation just did; queued in order
    /// with the broker's reports (before the disconnects it causes).
    pub async fn action(&self, action: Action) {
        let _ = self.tx.send(Note::Action(action)).await;
    }

    pub async fn broker_stopped(&self, at_ms: i64) {
        let _ = self.tx.send(Note::BrokerStopped { at_ms }).await;
    }
}

/// Whether this instance records the broker's reports. Of several instances
/// sharing one broker, every one hears the reports (each keeps its own live
/// sessions), and only the one that supervises the broker records them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reports {
    Record,
    SessionsOnly,
}

/// Starts the recorder; returns the sink for the broker client.
pub fn start(
    store: Store,
    sessions: Arc<Sessions>,
    feed: Arc<Feed>,
    retention: Retention,
    reports: Reports,
) -> EventSink {
    let (tx, mut rx) = mpsc::channel::<Note>(QUEUE);
    let sink = EventSink {
        tx,
        feed: feed.clone(),
    };
    crate::background::spawn(async move {
        let mut recorder = Recorder::new(store, sessions, feed, retention, reports);
        // What waits is taken in one go and written in one transaction: a
        // flood of reports costs the store one commit per batch, not one per
        // report (measured: events then cost the broker some 30-40 % of its
        // connection rate on a 2-core machine; see scripts/bench broker).
        let mut notes = Vec::with_capacity(BATCH);
        loop {
            // Wakes at least once a second, to apply retention.
            let wait = rx.recv_many(&mut notes, BATCH);
            match tokio::time::timeout(PRUNE_EVERY, wait).await {
                Ok(0) => break,
                Ok(_) => {
                    // Let a burst gather behind the first report: far fewer
                    // transactions (and thread hand-offs to SQLite) under
                    // load, for a delay nobody sees in a feed that promises 2 s.
                    tokio::time::sleep(GATHER).await;
                    while notes.len() < BATCH {
                        match rx.try_recv() {
                            Ok(note) => notes.push(note),
                            Err(_) => break,
                        }
                    }
                    let mut records = Vec::new();
                    for note in notes.drain(..) {
                        recorder.take(note, &mut records).await;
                    }
                    recorder.write(records).await;
                }
                Err(_) => {}
            }
            recorder.prune_if_due(crate::clock::now_ms()).await;
        }
    });
    sink
}

/// Reports taken from the queue at most at once.
const BATCH: usize = 1024;
/// How long the first report of a batch waits for more.
const GATHER: std::time::Duration = std::time::Duration::from_millis(50);
/// How often retention is applied: an organisation holds at most a
/// second's worth of entries beyond its `keep`.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
