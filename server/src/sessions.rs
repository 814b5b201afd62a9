//! Live sessions, as the broker reported them: who is connected now, since
//! when, with which credential. Kept in memory: a restart of the broker ends
//! every session anyway, and a restart of the server starts from nothing
//! (connections made before it show up again when they next connect).

use std::collections::HashMap;
use std::sync::Mutex;

use tillor_contract::broker_event::{CredentialRef, Peer};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveSession {
    pub org: String,
    pub client_id: String,
    pub credential: CredentialRef,
    pub peer: Peer,
    pub since_ms: i64,
}

/// By clientId: MQTT allows one session per clientId on a broker.
#[derive(Debug, Default)]
pub struct Sessions(Mutex<HashMap<String, LiveSession>>);

impl Sessions {
    pub fn start(&self, session: LiveSession) {
        if let Ok(mut all) = self.0.lock() {
            all.insert(session.client_id.clone(), session);
        }
    }

    pub fn end(&self, client_id: &str) -> Option<LiveSession> {
        self.0.lock().ok()?.remove(client_id)
    }

    pub fn get(&self, client_id: &str) -> Option<LiveSession> {
        self.0.lock().ok()?.get(client_id).cloned()
    }

    /// The organisation's sessions, oldest first.
    pub fn of_org(&self, org: &str) -> Vec<LiveSession> {
        let mut list: Vec<LiveSession> = self
            .0
            .lock()
            .map(|all| all.values().filter(|s| s.org == org).cloned().collect())
            .unwrap_or_default();
        list.sort_by(|a, b| (a.since_ms, &a.client_id).cmp(&(b.since_ms, &b.client_id)));
        list
    }

    /// Connected sessions per static credential id, for the credentials list.
    pub fn count_static(&self, credential_id: &str) -> usize {
        self.0
            .lock()
            .map(|all| {
                all.values()
                    .filter(|s| matches!(&s.credential, CredentialRef::Static { id, .. } if id == credential_id))
                    .count()
            })
            .unwrap_or(0)
    }
}
