//! The recorder: what each report means to an organisation (its event and
//! whose it is), the live sessions kept, and batches written.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tillor_contract::broker_event::{
    BrokerReport, CredentialRef, DisconnectCause, EventKind, LiveClient, Report, SeenCredential,
};
use tillor_contract::refusal::RefusalReason;

use super::cause::{cause, Action, Recent};
use super::grouping::{record_batch, Newest, Record};
use super::{Feed, Note, Reports, Retention, PRUNE_EVERY};
use crate::sessions::{LiveSession, Sessions};
use crate::store::Store;

pub(super) struct Recorder {
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
    /// What the organisation just did, to explain the kicks it causes.
    recent: Recent,
    /// Whether the broker's reports are recorded here, or only keep the
    /// live sessions (another instance records them).
    reports: Reports,
}

impl Recorder {
    pub(super) fn new(
        store: Store,
        sessions: Arc<Sessions>,
        feed: Arc<Feed>,
        retention: Retention,
        reports: Reports,
    ) -> Self {
        Recorder {
            store,
            sessions,
            feed,
            retention,
            last_seq: 0,
            unpruned: Vec::new(),
            pruned_at_ms: 0,
            newest: Newest::default(),
            recent: Recent::default(),
            reports,
        }
    }

    /// What one note means: records added to `out`, sessions kept.
    pub(super) async fn take(&mut self, note: Note, out: &mut Vec<Record>) {
        match note {
            Note::Report(report) => match self.reports {
                Reports::Record => self.take_report(report, out).await,
                // The sessions are kept all the same; the records go.
                Reports::SessionsOnly => self.take_report(report, &mut Vec::new()).await,
            },
            Note::Action(action) => self.act(action, out),
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

    async fn take_report(&mut self, report: BrokerReport, out: &mut Vec<Record>) {
        self.count_gap(self.last_seq, report.seq);
        self.last_seq = report.seq;
        if let Report::Live { sessions } = report.what {
            self.take_snapshot(sessions, out).await;
            return;
        }
        let (client_id, at_ms, count) = (report.client_id.clone(), report.at_ms, report.count);
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

    fn act(&mut self, action: Action, out: &mut Vec<Record>) {
        match action {
            Action::Revoked {
                org,
                client_id,
                jti,
                at_ms,
            } => {
                self.recent.revoked(&jti, at_ms);
                out.push(Record {
                    org,
                    client_id,
                    what: EventKind::Revoked { jti },
                    at_ms,
                    count: 1,
                });
            }
            Action::Rotating {
                credential_id,
                at_ms,
            } => self.recent.rotating(&credential_id, at_ms),
            Action::Rotated {
                org,
                client_id,
                credential,
                at_ms,
            } => out.push(Record {
                org,
                client_id,
                what: EventKind::Rotated { credential },
                at_ms,
                count: 1,
            }),
        }
    }

    pub(super) async fn write(&mut self, records: Vec<Record>) {
        if records.is_empty() {
            return;
        }
        for r in &records {
            if !self.unpruned.contains(&r.org) {
                self.unpruned.push(r.org.clone());
            }
        }
        match record_batch(&self.store, &mut self.newest, records).await {
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
    pub(super) async fn prune_if_due(&mut self, now: i64) {
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
                let cause = cause(how, session.as_ref(), at_ms, &self.recent);
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
