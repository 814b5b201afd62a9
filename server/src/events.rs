//! Broker reports, from the admin client to the store: the one task that
//! turns what the broker saw into events of one organisation, keeps the live
//! sessions, and records the events grouped.
//!
//! Design: the broker client hands reports over a bounded queue and never
//! waits for the store; what does not fit is counted as dropped, so a flood of
//! connection attempts can slow down neither the broker nor the API.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tillor_contract::broker_event::{
    BrokerReport, CredentialRef, DisconnectCause, Ending, EventKind, Report,
};
use tillor_contract::refusal::RefusalReason;
use tokio::sync::mpsc;

use crate::sessions::{LiveSession, Sessions};
use crate::store::Store;

/// Reports waiting for the recorder, at most.
pub const QUEUE: usize = 4096;
/// Repeats of one event by one clientId within this window are one entry.
pub const GROUP_WINDOW_MS: i64 = 10 * 60 * 1000;
/// The newest entries kept per organisation…
pub const KEEP_PER_ORG: i64 = 10_000;
/// …and for no longer than this (7 days), whichever is less.
pub const KEEP_FOR_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Counters anyone may read: reports lost on the way, and events that no
/// organisation can be trusted to own (forged tokens, unknown usernames).
#[derive(Debug, Default)]
pub struct EventStats {
    pub dropped: AtomicU64,
    pub unattributed: AtomicU64,
}

/// The broker side's end of the queue.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<BrokerReport>,
    stats: Arc<EventStats>,
}

impl EventSink {
    /// Hands a report over without waiting; a full queue counts it dropped.
    pub fn offer(&self, report: BrokerReport) {
        if self.tx.try_send(report).is_err() {
            self.stats.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Starts the recorder; returns the sink for the broker client.
pub fn start(store: Store, sessions: Arc<Sessions>, stats: Arc<EventStats>) -> EventSink {
    let (tx, mut rx) = mpsc::channel::<BrokerReport>(QUEUE);
    let sink = EventSink {
        tx,
        stats: stats.clone(),
    };
    tokio::spawn(async move {
        let recorder = Recorder { store, sessions };
        while let Some(report) = rx.recv().await {
            let (client_id, at_ms) = (report.client_id.clone(), report.at_ms);
            match recorder.event_of(report).await {
                Ok(Some((org, what))) => {
                    if let Err(e) = recorder
                        .store
                        .record_event(&org, &client_id, &what, at_ms)
                        .await
                    {
                        tracing::warn!(%e, "could not record a broker event");
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(%e, "could not attribute a broker report"),
            }
        }
    });
    sink
}

struct Recorder {
    store: Store,
    sessions: Arc<Sessions>,
}

impl Recorder {
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
