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

    /// Makes `live` the sessions; returns those of them not known before
    /// (by clientId and credential). A known one keeps what was known of it.
    pub fn replace_all(&self, live: Vec<LiveSession>) -> Vec<LiveSession> {
        let Ok(mut all) = self.0.lock() else {
            return Vec::new();
        };
        let mut new = Vec::new();
        let mut next = HashMap::new();
        for s in live {
            let known = all
                .remove(&s.client_id)
                .filter(|k| k.credential == s.credential);
            let s = known.unwrap_or_else(|| {
                new.push(s.clone());
                s
            });
            next.insert(s.client_id.clone(), s);
        }
        *all = next;
        new
    }

    /// Ends every session (the broker stopped); returns them.
    pub fn clear(&self) -> Vec<LiveSession> {
        self.0
            .lock()
            .map(|mut all| all.drain().map(|(_, s)| s).collect())
            .unwrap_or_default()
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

    /// Connected sessions using one JWT, for the tokens list.
    pub fn count_jwt(&self, token_id: &str) -> usize {
        self.count(|c| matches!(c, CredentialRef::Jwt { jti, .. } if jti == token_id))
    }

    /// Connected sessions per static credential id, for the credentials list.
    pub fn count_static(&self, credential_id: &str) -> usize {
        self.count(|c| matches!(c, CredentialRef::Static { id, .. } if id == credential_id))
    }

    fn count(&self, uses: impl Fn(&CredentialRef) -> bool) -> usize {
        self.0
            .lock()
            .map(|all| all.values().filter(|s| uses(&s.credential)).count())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(client_id: &str, jti: &str, since_ms: i64) -> LiveSession {
        LiveSession {
            org: "acme".into(),
            client_id: client_id.into(),
            credential: CredentialRef::Jwt {
                jti: jti.into(),
                expires_at: 0,
            },
            peer: Peer {
                address: "127.0.0.1".into(),
                protocol_version: 4,
            },
            since_ms,
        }
    }

    #[test]
    fn a_snapshot_replaces_the_sessions_and_names_the_ones_not_seen_connect() {
        let all = Sessions::default();
        all.start(session("known", "j1", 10));
        all.start(session("gone", "j2", 10));
        all.start(session("renewed", "j3", 10));
        let new = all.replace_all(vec![
            // Known: keeps its own time (the server's clock saw it connect).
            session("known", "j1", 11),
            session("renewed", "j4", 20),
            session("unseen", "j5", 30),
        ]);
        let ids: Vec<_> = new.iter().map(|s| s.client_id.as_str()).collect();
        assert_eq!(ids, ["renewed", "unseen"]);
        assert_eq!(all.get("known").unwrap().since_ms, 10);
        assert!(all.get("gone").is_none());
        assert_eq!(all.of_org("acme").len(), 3);
    }
}
