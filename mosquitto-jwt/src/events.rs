//! Pure: the broker events an authentication outcome becomes, and who may
//! read them. The plugin publishes what this returns.

use tillor_contract::broker_event::{BrokerEvent, EventKind, EVENTS_TOPIC};
use tillor_contract::rules::CLIENT_ID_MAX_LEN;

use crate::verifier::{Access, Refused, Session};

/// The event for a JWT connection's outcome. A clientId longer than any the
/// API issues is cut, so an attacker cannot make events arbitrarily large.
pub fn auth_event(
    outcome: &Result<Session, Refused>,
    client_id: &str,
    seq: u64,
    at_ms: i64,
) -> BrokerEvent {
    let (org, what) = match outcome {
        Ok(s) => (
            Some(s.namespace.org_id().to_owned()),
            EventKind::Connected {
                jti: s.jti.clone(),
                expires_at: s.expires_at,
            },
        ),
        Err(r) => (
            r.org.clone(),
            EventKind::Refused {
                reason: r.reason.clone(),
            },
        ),
    };
    BrokerEvent {
        seq,
        at_ms,
        org,
        client_id: client_id.chars().take(CLIENT_ID_MAX_LEN).collect(),
        what,
    }
}

/// What the events topic allows: `None` when the topic is not the events
/// topic (the usual rules decide), else whether this access is allowed. Only
/// the server's admin client may read or subscribe; nobody may publish there
/// (the plugin publishes from inside the broker, past the ACLs).
pub fn events_topic_access(
    topic: &str,
    access: Access,
    user_name: Option<&str>,
    reader: Option<&str>,
) -> Option<bool> {
    if topic != EVENTS_TOPIC {
        return None;
    }
    Some(match access {
        Access::Read | Access::Subscribe | Access::Unsubscribe => {
            reader.is_some() && user_name == reader
        }
        Access::Write => false,
    })
}

#[cfg(test)]
mod tests {
    use tillor_contract::refusal::RefusalReason;
    use tillor_contract::{Env, Namespace};

    use super::*;

    #[test]
    fn an_accepted_token_is_a_connected_event_of_its_organisation() {
        let s = Session {
            client_id: "local-x".into(),
            namespace: Namespace::new(Env::Local, "acme").unwrap(),
            expires_at: 1_800_000_000,
            jti: "j1".into(),
        };
        let e = auth_event(&Ok(s), "local-x", 3, 42);
        assert_eq!(e.org.as_deref(), Some("acme"));
        assert_eq!(
            e.what,
            EventKind::Connected {
                jti: "j1".into(),
                expires_at: 1_800_000_000
            }
        );
        assert_eq!((e.seq, e.at_ms), (3, 42));
    }

    #[test]
    fn a_refusal_keeps_its_attribution_and_an_endless_client_id_is_cut() {
        let refused = Refused {
            reason: RefusalReason::BadSignature,
            org: None,
        };
        let long = "x".repeat(10_000);
        let e = auth_event(&Err(refused), &long, 1, 0);
        assert_eq!(e.org, None);
        assert_eq!(e.client_id.len(), CLIENT_ID_MAX_LEN);
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
    }
}
