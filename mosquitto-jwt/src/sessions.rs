//! Pure: the JWT sessions the plugin verified, by Mosquitto's client pointer,
//! and the ones that just ended.
//!
//! Why keep ended ones: Mosquitto checks a will's publish *after* the
//! DISCONNECT event (at once, or when the will delay is over). A session
//! forgotten at DISCONNECT left the will to dynamic security, which denied
//! it: JWT clients' wills were dropped. So an ended session stays, for its
//! will only, for an hour at most.
//!
//! A pointer is reused for later clients once Mosquitto frees a context, so
//! every lookup also checks the clientId and that the client has no
//! username.

use std::collections::HashMap;

use crate::verifier::Session;

/// Mosquitto's client pointer, as a number.
pub type Key = usize;

/// How long an ended session is kept for its will (a will delay longer than
/// this is not honoured for JWT clients).
pub const LEAVING_KEEP_MS: i64 = 60 * 60 * 1000;
/// Ended sessions kept at most; the oldest go first.
pub const LEAVING_MAX: usize = 100_000;

#[derive(Debug)]
pub struct Live {
    pub session: Session,
    /// When it connected, Unix ms.
    pub since_ms: i64,
}

/// What a lookup found.
#[derive(Debug, PartialEq, Eq)]
pub enum Found<'a> {
    /// A connected session.
    Live(&'a Session),
    /// A session that ended: only its will may still be published.
    Ended(&'a Session),
    None,
}

#[derive(Debug, Default)]
pub struct Sessions {
    live: HashMap<Key, Live>,
    /// Ended sessions and when they ended (Unix ms).
    ended: HashMap<Key, (Session, i64)>,
}

impl Sessions {
    pub fn start(&mut self, key: Key, session: Session, now_ms: i64) {
        self.ended.remove(&key);
        self.live.insert(
            key,
            Live {
                session,
                since_ms: now_ms,
            },
        );
    }

    /// The client left: its session is kept for its will.
    pub fn end(&mut self, key: Key, now_ms: i64) {
        if let Some(live) = self.live.remove(&key) {
            self.ended.insert(key, (live.session, now_ms));
        }
    }

    /// The session of a client as it is now: `client_id` is what Mosquitto
    /// says the client's id is, `has_user` whether it has a username.
    pub fn find(&self, key: Key, client_id: Option<&str>, has_user: bool) -> Found<'_> {
        if has_user {
            return Found::None;
        }
        let same = |s: &Session| client_id == Some(s.client_id.as_str());
        if let Some(live) = self.live.get(&key).filter(|l| same(&l.session)) {
            return Found::Live(&live.session);
        }
        match self.ended.get(&key).filter(|(s, _)| same(s)) {
            Some((s, _)) => Found::Ended(s),
            None => Found::None,
        }
    }

    /// Sessions whose token has expired: ended now (their wills still go),
    /// returned to be kicked.
    pub fn expire(&mut self, now_s: i64, now_ms: i64) -> Vec<Session> {
        let keys: Vec<Key> = self
            .live
            .iter()
            .filter(|(_, l)| l.session.is_expired(now_s))
            .map(|(k, _)| *k)
            .collect();
        let mut out = Vec::new();
        for k in keys {
            if let Some(live) = self.live.remove(&k) {
                out.push(live.session.clone());
                self.ended.insert(k, (live.session, now_ms));
            }
        }
        out
    }

    /// Forgets ended sessions past their keep, and the oldest beyond the
    /// maximum.
    pub fn prune(&mut self, now_ms: i64) {
        self.ended
            .retain(|_, (_, at)| now_ms - *at < LEAVING_KEEP_MS);
        if self.ended.len() > LEAVING_MAX {
            let mut ages: Vec<(i64, Key)> =
                self.ended.iter().map(|(k, (_, at))| (*at, *k)).collect();
            ages.sort_unstable();
            for (_, k) in ages.iter().take(self.ended.len() - LEAVING_MAX) {
                self.ended.remove(k);
            }
        }
    }

    /// The connected sessions.
    pub fn live(&self) -> impl Iterator<Item = (Key, &Live)> {
        self.live.iter().map(|(k, l)| (*k, l))
    }
}

#[cfg(test)]
mod tests {
    use tillor_contract::{Env, Namespace};

    use super::*;

    fn session(client_id: &str, expires_at: i64) -> Session {
        Session {
            client_id: client_id.into(),
            namespace: Namespace::new(Env::Local, "acme").unwrap(),
            expires_at,
            jti: format!("j-{client_id}"),
        }
    }

    #[test]
    fn an_ended_session_is_found_for_its_will_and_a_reused_pointer_finds_nothing() {
        let mut s = Sessions::default();
        s.start(1, session("local-a", 100), 0);
        assert!(matches!(s.find(1, Some("local-a"), false), Found::Live(_)));
        s.end(1, 10);
        assert!(matches!(s.find(1, Some("local-a"), false), Found::Ended(_)));
        // The pointer now holds another client: a static one, or another id.
        assert_eq!(s.find(1, Some("local-a"), true), Found::None);
        assert_eq!(s.find(1, Some("local-b"), false), Found::None);
        assert_eq!(s.find(1, None, false), Found::None);
        // A new session on the same pointer replaces the ended one.
        s.start(1, session("local-b", 100), 20);
        assert!(matches!(s.find(1, Some("local-b"), false), Found::Live(_)));
        assert_eq!(s.find(1, Some("local-a"), false), Found::None);
    }

    #[test]
    fn an_expired_session_is_kicked_but_kept_for_its_will() {
        let mut s = Sessions::default();
        s.start(1, session("local-a", 50), 0);
        s.start(2, session("local-b", 500), 0);
        let kicked = s.expire(50, 50_000);
        assert_eq!(kicked.len(), 1);
        assert_eq!(kicked[0].client_id, "local-a");
        assert!(matches!(s.find(1, Some("local-a"), false), Found::Ended(_)));
        assert!(matches!(s.find(2, Some("local-b"), false), Found::Live(_)));
    }

    #[test]
    fn ended_sessions_go_after_their_keep() {
        let mut s = Sessions::default();
        s.start(1, session("local-a", 100), 0);
        s.end(1, 0);
        s.prune(LEAVING_KEEP_MS - 1);
        assert!(matches!(s.find(1, Some("local-a"), false), Found::Ended(_)));
        s.prune(LEAVING_KEEP_MS);
        assert_eq!(s.find(1, Some("local-a"), false), Found::None);
    }
}
