//! Broker events, from the admin client's subscription to the store: the one
//! task that records what the broker saw, attributed and grouped.
//!
//! Design: the broker client hands events over a bounded queue and never
//! waits for the store; what does not fit is counted as dropped, so a flood of
//! connection attempts can slow down neither the broker nor the API.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tillor_contract::broker_event::{BrokerEvent, EventKind};
use tillor_contract::refusal::RefusalReason;
use tokio::sync::mpsc;

use crate::store::Store;

/// Events waiting for the store, at most.
pub const QUEUE: usize = 4096;
/// Repeats of one event by one clientId within this window are one entry.
pub const GROUP_WINDOW_MS: i64 = 10 * 60 * 1000;
/// The newest entries kept per organisation.
pub const KEEP_PER_ORG: i64 = 10_000;

/// Counters anyone may read: events lost on the way, and events that no
/// organisation can be trusted to own (forged tokens, unknown usernames).
#[derive(Debug, Default)]
pub struct EventStats {
    pub dropped: AtomicU64,
    pub unattributed: AtomicU64,
}

/// The broker side's end of the queue.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<BrokerEvent>,
    stats: Arc<EventStats>,
}

impl EventSink {
    /// Hands an event over without waiting; a full queue counts it dropped.
    pub fn offer(&self, event: BrokerEvent) {
        if self.tx.try_send(event).is_err() {
            self.stats.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Starts the recorder; returns the sink for the broker client.
pub fn start(store: Store, stats: Arc<EventStats>) -> EventSink {
    let (tx, mut rx) = mpsc::channel::<BrokerEvent>(QUEUE);
    let sink = EventSink {
        tx,
        stats: stats.clone(),
    };
    tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            let event = match attribute(&store, event).await {
                Ok(event) => event,
                Err(e) => {
                    tracing::warn!(%e, "could not attribute a broker event");
                    continue;
                }
            };
            let Some(org) = event.org.as_deref() else {
                stats.unattributed.fetch_add(1, Ordering::Relaxed);
                // Never the username: it may be a pasted password.
                tracing::info!(client_id = %event.client_id, kind = event.what.as_str(), "broker event for no organisation");
                continue;
            };
            if let Err(e) = store.record_event(org, &event).await {
                tracing::warn!(%e, "could not record a broker event");
            }
        }
    });
    sink
}

/// Turns the plugin's report of a refused static client into a refusal with
/// its reason and organisation, from the store: dynamic security refuses
/// without saying why, and the username alone tells whose it is. A username
/// the store never knew stays unattributed.
async fn attribute(store: &Store, mut event: BrokerEvent) -> Result<BrokerEvent, sqlx::Error> {
    let EventKind::StaticRefused { user_name } = &event.what else {
        return Ok(event);
    };
    let (org, reason) = match store.static_by_user_name(user_name).await? {
        Some(row) if row.client_id != event.client_id => (
            Some(row.org_id),
            RefusalReason::ClientIdMismatch {
                expected: row.client_id,
                connecting: event.client_id.clone(),
            },
        ),
        Some(row) => (Some(row.org_id), RefusalReason::WrongPassword),
        None => match store.deleted_user_name_org(user_name).await? {
            Some(org) => (Some(org), RefusalReason::DeletedCredential),
            None => (None, RefusalReason::UnknownUsername),
        },
    };
    event.org = org;
    event.what = EventKind::Refused { reason };
    Ok(event)
}
