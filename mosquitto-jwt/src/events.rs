//! Pure: the reports the plugin makes of what it decides, and who may read
//! them. The plugin publishes what this returns.

use tillor_contract::broker_event::{
    BrokerReport, LiveClient, Peer, Report, SeenCredential, CONTROL_TOPIC, EVENTS_TOPIC,
};
use tillor_contract::refusal::RefusalReason;
use tillor_contract::rules::{CLIENT_ID_MAX_LEN, NAME_MAX_CHARS};
use tillor_contract::{static_user, Env, Namespace};

use crate::sessions::Found;
use crate::verifier::{namespace_allows, Access, Refused, Session};

/// A report about one client. A clientId longer than any the API issues is
/// cut, so an attacker cannot make reports arbitrarily large.
pub fn report(
    org: Option<String>,
    client_id: &str,
    what: Report,
    count: u64,
    seq: u64,
    at_ms: i64,
) -> BrokerReport {
    BrokerReport {
        seq,
        at_ms,
        org,
        client_id: client_id.chars().take(CLIENT_ID_MAX_LEN).collect(),
        what,
        count,
    }
}

/// A JWT connection's outcome, and the organisation it belongs to (only
/// when the signature verified).
pub fn auth_outcome(outcome: &Result<Session, Refused>, peer: Peer) -> (Option<String>, Report) {
    match outcome {
        Ok(s) => (
            Some(s.org().to_owned()),
            Report::JwtConnected {
                jti: s.jti.clone(),
                expires_at: s.expires_at,
                peer,
            },
        ),
        Err(r) => (
            r.org.clone(),
            Report::JwtRefused {
                reason: r.reason.clone(),
            },
        ),
    }
}

/// What a JWT session's refused SUBSCRIBE or PUBLISH becomes; `None` for
/// accesses nobody needs to hear about (a message not delivered to it).
pub fn access_refused(session: &Session, access: Access, topic: &str, now: i64) -> Option<Report> {
    let reason = if session.is_expired(now) {
        RefusalReason::Expired {
            exp: session.expires_at,
        }
    } else {
        RefusalReason::OutsideNamespace {
            topic: topic.to_owned(),
        }
    };
    refused(access, topic, reason)
}

/// What a JWT client may do, from what the session lookup found.
#[derive(Debug, PartialEq, Eq)]
pub enum JwtAccess {
    Allow,
    /// Refused, with what to report to whom: (organisation, clientId, report).
    Deny(Option<(String, String, Report)>),
}

/// A client without a username is ours alone: a live session decides by its
/// token and namespace; an ended one may publish only its will, inside its
/// namespace, whether it ended by expiry or revocation or not (observers
/// should know it went offline); no session, nothing.
pub fn jwt_access(
    found: &Found<'_>,
    is_revoked: impl Fn(&str) -> bool,
    access: Access,
    topic: &str,
    now: i64,
) -> JwtAccess {
    let deny = |s: &Session, what: Option<Report>| {
        JwtAccess::Deny(what.map(|w| (s.org().to_owned(), s.client_id.clone(), w)))
    };
    match found {
        Found::Live(s) if is_revoked(&s.jti) => JwtAccess::Deny(None),
        Found::Live(s) if s.allows(access, topic, now) => JwtAccess::Allow,
        Found::Live(s) => deny(s, access_refused(s, access, topic, now)),
        Found::Ended(s) if access == Access::Write => {
            if namespace_allows(&s.namespace, Access::Write, topic) {
                JwtAccess::Allow
            } else {
                let reason = RefusalReason::OutsideNamespace {
                    topic: topic.to_owned(),
                };
                deny(s, refused(Access::Write, topic, reason))
            }
        }
        Found::Ended(_) | Found::None => JwtAccess::Deny(None),
    }
}

/// What a static client's access is, decided the way its dynamic-security
/// role would: dynamic security refuses silently, so the plugin applies the
/// same namespace rule first to be able to say so.
#[derive(Debug, PartialEq, Eq)]
pub enum StaticAccess {
    /// Inside the namespace, or a username that names no organisation:
    /// dynamic security decides.
    Defer,
    /// Outside the namespace: refused, and reported to the organisation the
    /// username names (nothing to report for a delivery).
    Refuse(Option<(String, Report)>),
}

/// Only called for a client dynamic security has authenticated (an ACL
/// check comes after authentication), so the organisation its username
/// names is certain.
pub fn static_access(user_name: &str, env: Env, access: Access, topic: &str) -> StaticAccess {
    let Some(namespace) = static_user::org_of(user_name).and_then(|org| Namespace::new(env, org))
    else {
        return StaticAccess::Defer;
    };
    if namespace_allows(&namespace, access, topic) {
        return StaticAccess::Defer;
    }
    let reason = RefusalReason::OutsideNamespace {
        topic: topic.to_owned(),
    };
    StaticAccess::Refuse(
        refused(access, topic, reason).map(|what| (namespace.org_id().to_owned(), what)),
    )
}

fn refused(access: Access, topic: &str, reason: RefusalReason) -> Option<Report> {
    match access {
        Access::Subscribe => Some(Report::SubscribeRefused {
            filter: topic.to_owned(),
            reason,
        }),
        Access::Write => Some(Report::PublishRefused {
            topic: topic.to_owned(),
            reason,
        }),
        Access::Read | Access::Unsubscribe => None,
    }
}

/// A client with a username that dynamic security refused. The username may
/// be a pasted password: it is cut, and the server keeps it only when it is
/// one of its own.
pub fn static_refused(user_name: &str) -> Report {
    Report::StaticRefused {
        user_name: user_name.chars().take(NAME_MAX_CHARS * 2).collect(),
    }
}

/// A JWT session in a snapshot.
pub fn jwt_client(session: &Session, peer: Peer, since_ms: i64) -> LiveClient {
    LiveClient {
        client_id: session.client_id.clone(),
        org: Some(session.org().to_owned()),
        credential: SeenCredential::Jwt {
            jti: session.jti.clone(),
            expires_at: session.expires_at,
        },
        peer,
        since_ms,
    }
}

/// A static client in a snapshot: whose it is, the server's store says.
pub fn static_client(user_name: &str, client_id: String, peer: Peer, since_ms: i64) -> LiveClient {
    LiveClient {
        client_id,
        org: None,
        credential: SeenCredential::Static {
            user_name: user_name.to_owned(),
        },
        peer,
        since_ms,
    }
}

/// Whether `user_name` is the configured reader (nobody is, without one).
pub fn is_reader(user_name: Option<&str>, reader: Option<&str>) -> bool {
    reader.is_some() && user_name == reader
}

/// What the plugin's own topics allow: `None` for any other topic (the
/// usual rules decide), else whether this access is allowed. Only the
/// server's admin client may read the reports or send commands; nobody may
/// publish reports (the plugin does, from inside the broker, past the ACLs)
/// or read commands.
pub fn events_topic_access(
    topic: &str,
    access: Access,
    user_name: Option<&str>,
    reader: Option<&str>,
) -> Option<bool> {
    let is_reader = is_reader(user_name, reader);
    match topic {
        EVENTS_TOPIC => Some(match access {
            Access::Read | Access::Subscribe | Access::Unsubscribe => is_reader,
            Access::Write => false,
        }),
        CONTROL_TOPIC => Some(access == Access::Write && is_reader),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use tillor_contract::refusal::RefusalReason;

    use super::*;

    fn session() -> Session {
        Session {
            client_id: "local-x".into(),
            namespace: Namespace::new(Env::Local, "acme").unwrap(),
            expires_at: 1_800_000_000,
            jti: "j1".into(),
        }
    }

    fn peer() -> Peer {
        Peer {
            address: "127.0.0.1".into(),
            protocol_version: 4,
        }
    }

    #[test]
    fn an_accepted_token_is_a_connected_event_of_its_organisation() {
        let (org, what) = auth_outcome(&Ok(session()), peer());
        assert_eq!(org.as_deref(), Some("acme"));
        assert_eq!(
            what,
            Report::JwtConnected {
                jti: "j1".into(),
                expires_at: 1_800_000_000,
                peer: peer(),
            }
        );
    }

    #[test]
    fn a_refusal_keeps_its_attribution_and_an_endless_client_id_is_cut() {
        let refused = Refused {
            reason: RefusalReason::BadSignature,
            org: None,
        };
        let (org, what) = auth_outcome(&Err(refused), peer());
        let e = report(org, &"x".repeat(10_000), what, 1, 1, 0);
        assert_eq!(e.org, None);
        assert_eq!(e.client_id.len(), CLIENT_ID_MAX_LEN);
    }

    #[test]
    fn a_refused_subscribe_or_publish_says_which_and_why_and_deliveries_say_nothing() {
        let s = session();
        let early = s.expires_at - 10;
        assert_eq!(
            access_refused(
                &s,
                Access::Subscribe,
                "tillor/local/other/integration/#",
                early
            ),
            Some(Report::SubscribeRefused {
                filter: "tillor/local/other/integration/#".into(),
                reason: RefusalReason::OutsideNamespace {
                    topic: "tillor/local/other/integration/#".into()
                }
            })
        );
        assert_eq!(
            access_refused(&s, Access::Write, "x", s.expires_at),
            Some(Report::PublishRefused {
                topic: "x".into(),
                reason: RefusalReason::Expired { exp: s.expires_at }
            })
        );
        assert_eq!(access_refused(&s, Access::Read, "x", early), None);
    }

    #[test]
    fn a_static_client_outside_its_namespace_is_refused_and_reported_to_its_organisation() {
        let user = static_user::user_name("acme", "k3j9x0qa");
        let check = |access, topic| static_access(&user, Env::Local, access, topic);
        assert_eq!(
            check(Access::Subscribe, "tillor/local/acme/integration/#"),
            StaticAccess::Defer
        );
        assert_eq!(
            check(Access::Write, "tillor/local/acme/integration/a"),
            StaticAccess::Defer
        );
        assert_eq!(
            check(Access::Subscribe, "#"),
            StaticAccess::Refuse(Some((
                "acme".into(),
                Report::SubscribeRefused {
                    filter: "#".into(),
                    reason: RefusalReason::OutsideNamespace { topic: "#".into() }
                }
            )))
        );
        assert_eq!(
            check(Access::Write, "tillor/local/other/integration"),
            StaticAccess::Refuse(Some((
                "acme".into(),
                Report::PublishRefused {
                    topic: "tillor/local/other/integration".into(),
                    reason: RefusalReason::OutsideNamespace {
                        topic: "tillor/local/other/integration".into()
                    }
                }
            )))
        );
        // Another env's namespace is outside too; a delivery is refused quietly.
        assert_eq!(
            check(Access::Read, "tillor/prod/acme/integration"),
            StaticAccess::Refuse(None)
        );
        // A username that names no organisation (the admin): dynamic security's.
        assert_eq!(
            static_access("tillor-admin", Env::Local, Access::Subscribe, "#"),
            StaticAccess::Defer
        );
    }

    #[test]
    fn an_ended_session_may_publish_its_will_inside_its_namespace_only() {
        let s = session();
        let none = |_: &str| false;
        let after = s.expires_at + 100;
        let inside = "tillor/local/acme/integration/status";
        // Even after its token expired, or with it revoked: the will goes.
        assert_eq!(
            jwt_access(&Found::Ended(&s), |_| true, Access::Write, inside, after),
            JwtAccess::Allow
        );
        assert!(matches!(
            jwt_access(&Found::Ended(&s), none, Access::Write, "elsewhere", 0),
            JwtAccess::Deny(Some((_, _, Report::PublishRefused { .. })))
        ));
        assert_eq!(
            jwt_access(&Found::Ended(&s), none, Access::Read, inside, 0),
            JwtAccess::Deny(None)
        );
        // Live: the token decides; revoked, nothing; no session, nothing.
        assert_eq!(
            jwt_access(&Found::Live(&s), none, Access::Write, inside, 0),
            JwtAccess::Allow
        );
        assert_eq!(
            jwt_access(&Found::Live(&s), |_| true, Access::Write, inside, 0),
            JwtAccess::Deny(None)
        );
        assert_eq!(
            jwt_access(&Found::None, none, Access::Write, inside, 0),
            JwtAccess::Deny(None)
        );
    }

    #[test]
    fn only_the_reader_reads_the_events_and_nobody_publishes_there() {
        let reader = Some("tillor-admin");
        let read = |user| events_topic_access(EVENTS_TOPIC, Access::Read, user, reader);
        assert_eq!(read(Some("tillor-admin")), Some(true));
        assert_eq!(read(Some("acme-123")), Some(false));
        assert_eq!(read(None), Some(false));
        assert_eq!(
            events_topic_access(EVENTS_TOPIC, Access::Write, Some("tillor-admin"), reader),
            Some(false)
        );
        assert_eq!(
            events_topic_access(EVENTS_TOPIC, Access::Subscribe, Some("tillor-admin"), None),
            Some(false),
            "without a configured reader nobody reads"
        );
        assert_eq!(
            events_topic_access("tillor/local/acme/integration", Access::Read, None, reader),
            None
        );
        // Commands: only the reader sends them, nobody reads them.
        let control = |access, user| events_topic_access(CONTROL_TOPIC, access, user, reader);
        assert_eq!(control(Access::Write, Some("tillor-admin")), Some(true));
        assert_eq!(control(Access::Write, Some("acme-123")), Some(false));
        assert_eq!(
            control(Access::Subscribe, Some("tillor-admin")),
            Some(false)
        );
    }
}
