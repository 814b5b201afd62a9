//! Broker reports, from the admin client to the store: the one task that
//! turns what the broker saw into events of one organisation, keeps the live
//! sessions, and records the events grouped.
//!
//! Design: the broker client hands reports over a bounded queue and never
//! waits for the store; what does not fit is counted as dropped, so a flood of
//! connection attempts can slow down neither the broker nor the API.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tillor_contract::broker_event::{
    BrokerReport, CredentialRef, DisconnectCause, Ending, EventKind, LiveClient, Report,
    SeenCredential,
};
use tillor_contract::refusal::RefusalReason;
use tokio::sync::{mpsc, watch};

use crate::sessions::{LiveSession, Sessions};
use crate::store::event_batch::Newest;
use crate::store::Store;

/// Reports waiting for the recorder, at most.
pub const QUEUE: usize = 4096;
/// Repeats of one event by one clientId within this window are one entry.
pub const GROUP_WINDOW_MS: i64 = 10 * 60 * 1000;

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
    pub async fn broker_stopped(&self, at_ms: i64) {
        let _ = self.tx.send(Note::BrokerStopped { at_ms }).await;
    }
}

/// Starts the recorder; returns the sink for the broker client.
pub fn start(
    store: Store,
    sessions: Arc<Sessions>,
    feed: Arc<Feed>,
    retention: Retention,
) -> EventSink {
    let (tx, mut rx) = mpsc::channel::<Note>(QUEUE);
    let sink = EventSink {
        tx,
        feed: feed.clone(),
    };
    crate::background::spawn(async move {
        let mut recorder = Recorder {
            store,
            sessions,
            feed,
            retention,
            last_seq: 0,
            unpruned: Vec::new(),
            pruned_at_ms: 0,
            newest: Newest::default(),
        };
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
            recorder.prune_if_due(crate::now_ms()).await;
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

/// Records of a batch with their repeats folded in: the same event of the
/// same clientId right after itself (as the store would group it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folded {
    pub record: Record,
    pub count: i64,
    pub first_at_ms: i64,
}

pub fn fold(records: Vec<Record>) -> Vec<Folded> {
    let mut out: Vec<Folded> = Vec::new();
    // The last folded entry of each (org, clientId) in this batch.
    let mut last: HashMap<(String, String), usize> = HashMap::new();
    for r in records {
        let key = (r.org.clone(), r.client_id.clone());
        if let Some(&i) = last.get(&key) {
            let f = &mut out[i];
            if f.record.what == r.what && r.at_ms - f.record.at_ms <= GROUP_WINDOW_MS {
                f.count += r.count as i64;
                f.record.at_ms = f.record.at_ms.max(r.at_ms);
                continue;
            }
        }
        last.insert(key, out.len());
        out.push(Folded {
            first_at_ms: r.at_ms,
            count: r.count as i64,
            record: r,
        });
    }
    out
}

struct Recorder {
    store: Store,
    sessions: Arc<Sessions>,
    feed: Arc<Feed>,
    retention: Retention,
    /// The plugin's last sequence number.
    last_seq: u64,
    /// Organisations with entries added since the last pruning, and when
    /// that was (Unix ms).
    unpruned: Vec<String>,
    pruned_at_ms: i64,
    /// Each clientId's newest entry, for grouping without asking the store.
    newest: Newest,
}

impl Recorder {
    /// What one note means: records added to `out`, sessions kept.
    async fn take(&mut self, note: Note, out: &mut Vec<Record>) {
        match note {
            Note::Report(report) => {
                self.count_gap(self.last_seq, report.seq);
                self.last_seq = report.seq;
                if let Report::Live { sessions } = report.what {
                    self.take_snapshot(sessions, out).await;
                    return;
                }
                let (client_id, at_ms, count) =
                    (report.client_id.clone(), report.at_ms, report.count);
                match self.event_of(report).await {
                    Ok(Some((org, what))) => out.push(Record {
                        org,
                        client_id,
                        what,
                        at_ms,
                        count,
                    }),
                    Ok(None) => {
                        self.feed.unattributed.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => tracing::warn!(%e, "could not attribute a broker report"),
                }
            }
            Note::BrokerStopped { at_ms } => {
                // The next broker's plugin counts from 1 again.
                self.last_seq = 0;
                let what = EventKind::Disconnected {
                    cause: DisconnectCause::BrokerRestarted,
                };
                out.extend(self.sessions.clear().into_iter().map(|s| Record {
                    org: s.org,
                    client_id: s.client_id,
                    what: what.clone(),
                    at_ms,
                    count: 1,
                }));
            }
        }
    }

    async fn write(&mut self, records: Vec<Record>) {
        if records.is_empty() {
            return;
        }
        for r in &records {
            if !self.unpruned.contains(&r.org) {
                self.unpruned.push(r.org.clone());
            }
        }
        match self
            .store
            .record_events(&fold(records), &mut self.newest)
            .await
        {
            Ok(rev) => {
                self.feed.changes.send_replace(rev);
            }
            Err(e) => {
                // Rolled back: what the cache learnt may not be so.
                self.newest.clear();
                tracing::warn!(%e, "could not record broker events");
            }
        }
    }

    /// Retention once a second, not per batch: under a flood a batch is a
    /// few events, and pruning reads up to `keep` entries.
    async fn prune_if_due(&mut self, now: i64) {
        if now - self.pruned_at_ms < PRUNE_EVERY.as_millis() as i64 {
            return;
        }
        self.pruned_at_ms = now;
        if !self.unpruned.is_empty() {
            // An entry it remembers as newest may be gone now.
            self.newest.clear();
        }
        for org in std::mem::take(&mut self.unpruned) {
            if let Err(e) = self.store.prune_events(&org, self.retention, now).await {
                tracing::warn!(%e, "could not prune broker events");
            }
        }
    }

    /// Every session the broker has, after a time the server did not
    /// listen: the live list becomes it, and a session the server had not
    /// seen connect is recorded as connected at its time.
    async fn take_snapshot(&self, clients: Vec<LiveClient>, out: &mut Vec<Record>) {
        let mut live = Vec::new();
        for c in clients {
            let resolved = match c.credential {
                SeenCredential::Jwt { jti, expires_at } => c
                    .org
                    .map(|org| (org, CredentialRef::Jwt { jti, expires_at })),
                SeenCredential::Static { user_name } => {
                    match self.store.static_by_user_name(&user_name).await {
                        Ok(row) => row.map(|r| {
                            let credential = CredentialRef::Static {
                                id: r.id,
                                name: r.name,
                            };
                            (r.org_id, credential)
                        }),
                        Err(e) => {
                            tracing::warn!(%e, "could not resolve a live session");
                            None
                        }
                    }
                }
            };
            if let Some((org, credential)) = resolved {
                live.push(LiveSession {
                    org,
                    client_id: c.client_id,
                    credential,
                    peer: c.peer,
                    since_ms: c.since_ms,
                });
            }
        }
        for s in self.sessions.replace_all(live) {
            out.push(Record {
                what: EventKind::Connected {
                    credential: s.credential,
                    peer: s.peer,
                },
                org: s.org,
                client_id: s.client_id,
                at_ms: s.since_ms,
                count: 1,
            });
        }
    }

    /// Reports the broker numbered but that never arrived (its own queue to
    /// the admin client overflowed) are dropped too.
    fn count_gap(&self, last: u64, seq: u64) {
        if seq > last + 1 && last > 0 {
            self.feed
                .dropped
                .fetch_add(seq - last - 1, Ordering::Relaxed);
        }
    }

    /// What a report means to an organisation: its event and whose it is;
    /// `None` when it belongs to nobody for certain, or says nothing new.
    async fn event_of(
        &self,
        report: BrokerReport,
    ) -> Result<Option<(String, EventKind)>, sqlx::Error> {
        let BrokerReport {
            org,
            client_id,
            what,
            at_ms,
            ..
        } = report;
        let (org, what) = match what {
            Report::JwtConnected {
                jti,
                expires_at,
                peer,
            } => {
                let credential = CredentialRef::Jwt { jti, expires_at };
                let what = self.connected(org.as_deref(), &client_id, credential, peer, at_ms);
                (org, what)
            }
            Report::StaticConnected { user_name, peer } => {
                let Some(row) = self.store.static_by_user_name(&user_name).await? else {
                    return Ok(None);
                };
                let credential = CredentialRef::Static {
                    id: row.id,
                    name: row.name,
                };
                let what = self.connected(Some(&row.org_id), &client_id, credential, peer, at_ms);
                (Some(row.org_id), what)
            }
            Report::JwtRefused { reason } => (org, EventKind::Refused { reason }),
            Report::StaticRefused { user_name } => {
                let (org, reason) = self.static_refusal(&user_name, &client_id).await?;
                (org, EventKind::Refused { reason })
            }
            Report::SubscribeRefused { filter, reason } => {
                (org, EventKind::SubscribeRefused { filter, reason })
            }
            Report::PublishRefused { topic, reason } => {
                (org, EventKind::PublishRefused { topic, reason })
            }
            // The old connection goes without a line of its own (Mosquitto
            // closes it as a duplicate, src/handle_connect.c); the new one's
            // Connected follows.
            Report::TakenOver => {
                let org = self.owner(&client_id).await?;
                (
                    org,
                    EventKind::Disconnected {
                        cause: DisconnectCause::TakenOver,
                    },
                )
            }
            // Taken before this is called (`take_snapshot`).
            Report::Live { .. } => return Ok(None),
            Report::Ended { how } => {
                let session = self.sessions.end(&client_id);
                let cause = cause(how, session.as_ref(), at_ms);
                let org = match session {
                    Some(s) => Some(s.org),
                    None => self.owner(&client_id).await?,
                };
                (org, EventKind::Disconnected { cause })
            }
        };
        Ok(org.map(|org| (org, what)))
    }

    fn connected(
        &self,
        org: Option<&str>,
        client_id: &str,
        credential: CredentialRef,
        peer: tillor_contract::broker_event::Peer,
        at_ms: i64,
    ) -> EventKind {
        if let Some(org) = org {
            self.sessions.start(LiveSession {
                org: org.to_owned(),
                client_id: client_id.to_owned(),
                credential: credential.clone(),
                peer: peer.clone(),
                since_ms: at_ms,
            });
        }
        EventKind::Connected { credential, peer }
    }

    /// The organisation a clientId belongs to: every clientId the API hands
    /// out is reserved for one organisation for good.
    async fn owner(&self, client_id: &str) -> Result<Option<String>, sqlx::Error> {
        match self.sessions.get(client_id) {
            Some(s) => Ok(Some(s.org)),
            None => self.store.org_of_client_id(client_id).await,
        }
    }

    /// Why dynamic security refused a static client, told from the store:
    /// the username alone says whose it is. A username the store never knew
    /// stays unattributed.
    async fn static_refusal(
        &self,
        user_name: &str,
        client_id: &str,
    ) -> Result<(Option<String>, RefusalReason), sqlx::Error> {
        Ok(match self.store.static_by_user_name(user_name).await? {
            Some(row) if row.client_id != client_id => (
                Some(row.org_id),
                RefusalReason::ClientIdMismatch {
                    expected: row.client_id,
                    connecting: client_id.to_owned(),
                },
            ),
            Some(row) => (Some(row.org_id), RefusalReason::WrongPassword),
            None => match self.store.deleted_user_name_org(user_name).await? {
                Some(org) => (Some(org), RefusalReason::DeletedCredential),
                None => (None, RefusalReason::UnknownUsername),
            },
        })
    }
}

/// Why a session ended, from Mosquitto's words and what the session was: a
/// kick of a JWT session at (or past) its expiry is the plugin's expiry kick.
pub fn cause(how: Ending, session: Option<&LiveSession>, at_ms: i64) -> DisconnectCause {
    match how {
        Ending::Disconnected => DisconnectCause::ClientDisconnected,
        Ending::ConnectionLost => DisconnectCause::ConnectionLost,
        Ending::KeepAliveTimeout => DisconnectCause::KeepAliveTimeout,
        Ending::Error => DisconnectCause::Error,
        Ending::Kicked => match session.map(|s| &s.credential) {
            Some(CredentialRef::Jwt { expires_at, .. }) if *expires_at * 1000 <= at_ms + 1000 => {
                DisconnectCause::TokenExpired
            }
            _ => DisconnectCause::Kicked,
        },
    }
}

#[cfg(test)]
mod tests {
    use tillor_contract::broker_event::Peer;

    use super::*;

    fn jwt_session(expires_at: i64) -> LiveSession {
        LiveSession {
            org: "acme".into(),
            client_id: "local-x".into(),
            credential: CredentialRef::Jwt {
                jti: "j".into(),
                expires_at,
            },
            peer: Peer {
                address: "127.0.0.1".into(),
                protocol_version: 4,
            },
            since_ms: 0,
        }
    }

    fn record(client_id: &str, code: DisconnectCause, at_ms: i64) -> Record {
        Record {
            org: "acme".into(),
            client_id: client_id.into(),
            what: EventKind::Disconnected { cause: code },
            at_ms,
            count: 1,
        }
    }

    #[test]
    fn a_batch_folds_repeats_the_way_the_store_groups_them() {
        use DisconnectCause::{ConnectionLost as Lost, KeepAliveTimeout as Timeout};
        let folded = fold(vec![
            record("a", Lost, 1),
            record("b", Lost, 2),
            record("a", Lost, 3),
            record("a", Timeout, 4),
            // Not folded into the first: another event came in between.
            record("a", Lost, 5),
            record("a", Lost, 5 + GROUP_WINDOW_MS + 1),
        ]);
        let summary: Vec<_> = folded
            .iter()
            .map(|f| {
                (
                    f.record.client_id.as_str(),
                    f.count,
                    f.first_at_ms,
                    f.record.at_ms,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a", 2, 1, 3),
                ("b", 1, 2, 2),
                ("a", 1, 4, 4),
                ("a", 1, 5, 5),
                ("a", 1, 5 + GROUP_WINDOW_MS + 1, 5 + GROUP_WINDOW_MS + 1),
            ]
        );
    }

    #[test]
    fn a_kick_at_a_tokens_expiry_is_the_expiry_and_any_other_a_kick() {
        let s = jwt_session(1_000);
        assert_eq!(
            cause(Ending::Kicked, Some(&s), 1_000_500),
            DisconnectCause::TokenExpired
        );
        assert_eq!(
            cause(Ending::Kicked, Some(&s), 500_000),
            DisconnectCause::Kicked
        );
        assert_eq!(cause(Ending::Kicked, None, 0), DisconnectCause::Kicked);
        assert_eq!(
            cause(Ending::ConnectionLost, Some(&s), 0),
            DisconnectCause::ConnectionLost
        );
    }
}
