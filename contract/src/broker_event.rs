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

/// Where a connection came from and how it speaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Peer {
    /// The client's IP address as the broker sees it.
    pub address: String,
    /// 3 (MQTT 3.1), 4 (3.1.1) or 5.
    pub protocol_version: u8,
}

/// Why a session ended, as far as the broker can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisconnectCause {
    /// The broker cut the session when its token expired.
    TokenExpired,
    /// Anything else: the client left, the socket closed, a takeover. Mosquitto
    /// 2.0.11 gives plugins no reason here.
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A JWT connection was accepted (`jti` names the token).
    #[serde(rename_all = "camelCase")]
    Connected {
        jti: String,
        expires_at: i64,
        peer: Peer,
    },
    /// A connection was refused, for this reason.
    Refused { reason: RefusalReason },
    /// A JWT session ended.
    Disconnected { cause: DisconnectCause },
    /// A SUBSCRIBE was refused (SUBACK 0x80).
    SubscribeRefused {
        filter: String,
        reason: RefusalReason,
    },
    /// A PUBLISH was dropped (MQTT 3.1.1 cannot say so to the client).
    PublishRefused {
        topic: String,
        reason: RefusalReason,
    },
    /// Wire only, from the plugin: a client with a username was refused by
    /// dynamic security, which says nothing about why. The server tells the
    /// reason from its store and records `Refused` instead; this never
    /// leaves the server.
    #[serde(rename_all = "camelCase")]
    StaticRefused { user_name: String },
}

impl EventKind {
    /// The stable name, for filters and records.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::Connected { .. } => "connected",
            EventKind::Refused { .. } | EventKind::StaticRefused { .. } => "refused",
            EventKind::Disconnected { .. } => "disconnected",
            EventKind::SubscribeRefused { .. } => "subscribe_refused",
            EventKind::PublishRefused { .. } => "publish_refused",
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
