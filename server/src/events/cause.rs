//! Why a session ended, from Mosquitto's words, what the session was, and
//! what the organisation just did (a revocation, a rotation).

use std::collections::HashMap;

use tillor_contract::broker_event::{CredentialRef, DisconnectCause, Ending};

use crate::sessions::LiveSession;

/// What the organisation did through the API that the broker acts on:
/// recorded as an event of its own, and remembered for a minute to explain
/// the disconnects it causes.
#[derive(Debug)]
pub enum Action {
    /// A token was revoked.
    Revoked {
        org: String,
        client_id: String,
        jti: String,
        at_ms: i64,
    },
    /// A static credential's password is about to change. Said before the
    /// broker is asked: its disconnects may come before its answer.
    Rotating { credential_id: String, at_ms: i64 },
    /// The password changed.
    Rotated {
        org: String,
        client_id: String,
        credential: CredentialRef,
        at_ms: i64,
    },
}

/// How soon after a revocation or rotation any end of its session is its.
const JUST_MS: i64 = 5_000;

/// Revoked tokens and rotating credentials of the last minute, by id.
#[derive(Debug, Default)]
pub struct Recent {
    revoked: HashMap<String, i64>,
    rotating: HashMap<String, i64>,
}

impl Recent {
    const KEEP_MS: i64 = 60_000;

    pub fn revoked(&mut self, jti: &str, at_ms: i64) {
        self.prune(at_ms);
        self.revoked.insert(jti.to_owned(), at_ms);
    }

    pub fn rotating(&mut self, credential_id: &str, at_ms: i64) {
        self.prune(at_ms);
        self.rotating.insert(credential_id.to_owned(), at_ms);
    }

    fn prune(&mut self, now: i64) {
        self.revoked.retain(|_, at| now - *at < Self::KEEP_MS);
        self.rotating.retain(|_, at| now - *at < Self::KEEP_MS);
    }
}

/// Why a session ended, from Mosquitto's words and what the session was. A
/// kick is the plugin's at a token's expiry, a revocation's or a rotation's
/// when the organisation just did one for that session's credential, and
/// support's (or a deletion's) otherwise.
pub fn cause(
    how: Ending,
    session: Option<&LiveSession>,
    at_ms: i64,
    recent: &Recent,
) -> DisconnectCause {
    // Mosquitto logs a kicked WebSocket session as an ordinary close ("…
    // disconnected." or "closed its connection."): an end right after its
    // credential was revoked or rotated is that, whatever the words.
    let just = |seen: &HashMap<String, i64>, id: &str| {
        seen.get(id).is_some_and(|at| at_ms - at <= JUST_MS)
    };
    match session.map(|s| &s.credential) {
        Some(CredentialRef::Jwt { jti, .. }) if just(&recent.revoked, jti) => {
            return DisconnectCause::TokenRevoked
        }
        Some(CredentialRef::Static { id, .. }) if just(&recent.rotating, id) => {
            return DisconnectCause::PasswordRotated
        }
        _ => {}
    }
    match how {
        Ending::Disconnected => DisconnectCause::ClientDisconnected,
        Ending::ConnectionLost => DisconnectCause::ConnectionLost,
        Ending::KeepAliveTimeout => DisconnectCause::KeepAliveTimeout,
        Ending::Error => DisconnectCause::Error,
        Ending::Kicked => match session.map(|s| &s.credential) {
            Some(CredentialRef::Jwt { expires_at, .. }) if *expires_at * 1000 <= at_ms + 1000 => {
                DisconnectCause::TokenExpired
            }
            Some(CredentialRef::Jwt { jti, .. }) if recent.revoked.contains_key(jti) => {
                DisconnectCause::TokenRevoked
            }
            Some(CredentialRef::Static { id, .. }) if recent.rotating.contains_key(id) => {
                DisconnectCause::PasswordRotated
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
            cause(Ending::Kicked, Some(&s), 1_000_500, &Recent::default()),
            DisconnectCause::TokenExpired
        );
        assert_eq!(
            cause(Ending::Kicked, Some(&s), 500_000, &Recent::default()),
            DisconnectCause::Kicked
        );
        assert_eq!(
            cause(Ending::Kicked, None, 0, &Recent::default()),
            DisconnectCause::Kicked
        );
        assert_eq!(
            cause(Ending::ConnectionLost, Some(&s), 0, &Recent::default()),
            DisconnectCause::ConnectionLost
        );
    }

    #[test]
    fn a_kick_right_after_a_revocation_or_a_rotation_says_so() {
        let s = jwt_session(10_000);
        let mut recent = Recent::default();
        recent.revoked("j", 1_000);
        assert_eq!(
            cause(Ending::Kicked, Some(&s), 1_500, &recent),
            DisconnectCause::TokenRevoked
        );
        // A minute later it is news no more.
        recent.rotating("c1", 62_000);
        assert_eq!(
            cause(Ending::Kicked, Some(&s), 62_000, &recent),
            DisconnectCause::Kicked
        );
        let mut st = s.clone();
        st.credential = CredentialRef::Static {
            id: "c1".into(),
            name: None,
        };
        assert_eq!(
            cause(Ending::Kicked, Some(&st), 62_100, &recent),
            DisconnectCause::PasswordRotated
        );
    }

    #[test]
    fn any_end_just_after_a_revocation_is_the_revocation() {
        let s = jwt_session(10_000);
        let mut recent = Recent::default();
        recent.revoked("j", 1_000);
        // A WebSocket session's kick reads as an ordinary close.
        for how in [Ending::Disconnected, Ending::ConnectionLost] {
            assert_eq!(
                cause(how, Some(&s), 1_200, &recent),
                DisconnectCause::TokenRevoked
            );
        }
        assert_eq!(
            cause(Ending::Disconnected, Some(&s), 7_000, &recent),
            DisconnectCause::ClientDisconnected,
            "long after, a goodbye is a goodbye"
        );
    }
}
