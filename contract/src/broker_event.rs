//! What the broker tells the server about connections: the JSON the broker
//! plugin publishes on `EVENTS_TOPIC` (readable by the server's admin client
//! alone) and the server records per organisation.
//!
//! Design: the plugin never calls the server; events travel over the broker
//! itself, the way dynamic security answers on `$CONTROL/…`. `org` is set only
//! when the broker can tie the event to an organisation for certain (a token
//! whose signature verified, a static username the store knows), so an event
//! can never be shown to an organisation whose id an attacker merely wrote
//! into it.

use serde::{Deserialize, Serialize};

use crate::refusal::RefusalReason;

/// Where the plugin publishes events. A `$` topic: no ordinary wildcard
/// subscription matches it, and only the admin role may read it.
pub const EVENTS_TOPIC: &str = "$tillor/events/v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerEvent {
    /// Counts up from 1 per broker process; a gap means events were lost.
    pub seq: u64,
    /// Unix milliseconds, by the broker's clock.
    pub at_ms: i64,
    /// The organisation, when the broker can be sure of it.
    pub org: Option<String>,
    /// As the client sent it (cut to the clientId's maximum length).
    pub client_id: String,
    pub what: EventKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A JWT connection was accepted (`jti` names the token).
    #[serde(rename_all = "camelCase")]
    Connected { jti: String, expires_at: i64 },
    /// A connection was refused, for this reason.
    Refused { reason: RefusalReason },
}

impl EventKind {
    /// The stable name, for filters and records.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::Connected { .. } => "connected",
            EventKind::Refused { .. } => "refused",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_round_trips_through_the_json_the_plugin_publishes() {
        let e = BrokerEvent {
            seq: 7,
            at_ms: 1_800_000_000_000,
            org: Some("acme".into()),
            client_id: "local-x".into(),
            what: EventKind::Refused {
                reason: RefusalReason::Expired { exp: 1_800_000_000 },
            },
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["what"]["kind"], "refused");
        assert_eq!(json["what"]["reason"]["code"], "expired");
        assert_eq!(json["clientId"], "local-x");
        assert_eq!(serde_json::from_value::<BrokerEvent>(json).unwrap(), e);
    }
}
