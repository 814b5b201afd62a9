//! What the broker tells the server about connections, and what an
//! organisation reads of it.
//!
//! - A `BrokerReport` is one fact as the broker knows it: published by our
//!   plugin on `EVENTS_TOPIC` (readable by the server's admin client alone),
//!   or read from Mosquitto's own log lines by the server's broker module.
//! - A `ConnectionEvent`'s `EventKind` (in `api`) is what the server makes of
//!   reports: attributed to one organisation, with the store's knowledge
//!   added (whose username, why a static client was refused).
//!
//! Design: the plugin never calls the server; reports travel over the broker
//! itself, the way dynamic security answers on `$CONTROL/…`. A report's `org`
//! is set only when the broker is sure of it (a token whose signature
//! verified), so nothing an attacker writes into a token can put an event
//! into another organisation's record.

use serde::{Deserialize, Serialize};

use crate::refusal::RefusalReason;

/// Where the plugin publishes reports. A `$` topic: no ordinary wildcard
/// subscription matches it, and only the server's admin client may read it.
pub const EVENTS_TOPIC: &str = "$tillor/events/v1";

/// Where the server's admin client asks the plugin to act. A `$CONTROL/`
/// topic: Mosquitto hands it to the plugin alone and never stores it.
pub const CONTROL_TOPIC: &str = "$CONTROL/tillor/v1";

/// What the server asks of the plugin on `CONTROL_TOPIC`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum ControlCommand {
    /// Disconnect the session with this clientId (support's "kick").
    #[serde(rename_all = "camelCase")]
    Kick { client_id: String },
    /// Report every session now (`Report::Live`): the server was not
    /// listening for a while (its admin client (re)connected), and clients
    /// that connected meanwhile would otherwise go unseen.
    Snapshot,
    /// Refuse these tokens from now on, and cut off their sessions.
    Revoke { tokens: Vec<RevokedToken> },
    /// Read the JWKS file again: the server published a key (a rotation) or
    /// retired one. A file that cannot be read leaves the keys as they were.
    ReloadKeys,
}

/// A revoked token, as the plugin keeps it: by id, until it would have
/// expired anyway. The server also writes the list to a file the plugin
/// reads at start (`plugin_opt_revocations_file`), so a restarted broker
/// refuses a revoked token from its first connect.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokedToken {
    pub jti: String,
    /// Unix seconds; after this the entry may be dropped.
    pub expires_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerReport {
    /// Counts up from 1 per broker process for the plugin's reports (0 for
    /// log lines); a gap means reports were lost.
    pub seq: u64,
    /// Unix milliseconds, by the broker's clock.
    pub at_ms: i64,
    /// The organisation, when the broker is sure of it.
    pub org: Option<String>,
    /// As the client sent it (cut to the clientId's maximum length).
    pub client_id: String,
    pub what: Report,
    /// How many times it happened: the plugin reports a refusal that
    /// repeats at most once a second, with the repeats counted.
    #[serde(default = "one")]
    pub count: u64,
}

fn one() -> u64 {
    1
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Report {
    /// The plugin accepted a JWT.
    #[serde(rename_all = "camelCase")]
    JwtConnected {
        jti: String,
        expires_at: i64,
        peer: Peer,
    },
    /// The plugin refused a JWT connection.
    JwtRefused { reason: RefusalReason },
    /// Dynamic security refused a client with this username (it says not why).
    #[serde(rename_all = "camelCase")]
    StaticRefused { user_name: String },
    /// Mosquitto logged a new connection with this username.
    #[serde(rename_all = "camelCase")]
    StaticConnected { user_name: String, peer: Peer },
    /// The plugin refused a JWT session's SUBSCRIBE.
    SubscribeRefused {
        filter: String,
        reason: RefusalReason,
    },
    /// The plugin dropped a JWT session's PUBLISH.
    PublishRefused {
        topic: String,
        reason: RefusalReason,
    },
    /// Mosquitto logged the end of a connection.
    Ended { how: Ending },
    /// Mosquitto logged that another connection took this clientId over.
    TakenOver,
    /// Every session the plugin knows of, at the server's request.
    Live { sessions: Vec<LiveClient> },
}

/// One session as the plugin knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "camelCase")]
pub struct LiveClient {
    pub client_id: String,
    /// Set for a JWT session (its token verified).
    pub org: Option<String>,
    pub credential: SeenCredential,
    pub peer: Peer,
    /// When it connected, Unix milliseconds.
    pub since_ms: i64,
}

/// A credential as the broker sees it: the store resolves a username.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SeenCredential {
    #[serde(rename_all = "camelCase")]
    Jwt { jti: String, expires_at: i64 },
    #[serde(rename_all = "camelCase")]
    Static { user_name: String },
}

/// How Mosquitto says a connection ended (its log, src/loop.c).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The client sent DISCONNECT.
    Disconnected,
    /// The socket closed without a DISCONNECT.
    ConnectionLost,
    /// No packet within 1.5 × keep-alive.
    KeepAliveTimeout,
    /// A plugin or dynamic security cut it off.
    Kicked,
    /// Malformed packet, protocol error, oversize packet, socket error…
    Error,
}

/// Where a connection came from and how it speaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Peer {
    /// The client's IP address as the broker sees it.
    pub address: String,
    /// 3 (MQTT 3.1), 4 (3.1.1) or 5.
    pub protocol_version: u8,
}

/// The credential a connection uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CredentialRef {
    #[serde(rename_all = "camelCase")]
    Jwt {
        jti: String,
        expires_at: i64,
    },
    Static {
        id: String,
        name: Option<String>,
    },
}

/// Why a session ended, as far as the broker can tell.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DisconnectCause {
    /// The client said goodbye (DISCONNECT).
    ClientDisconnected,
    /// The connection dropped without a goodbye.
    ConnectionLost,
    /// The client went silent past its keep-alive.
    KeepAliveTimeout,
    /// Another connection with the same clientId took the session over.
    TakenOver,
    /// The broker cut the session when its token expired.
    TokenExpired,
    /// The broker cut it off: support's Disconnect, or the credential was
    /// deleted or changed.
    Kicked,
    /// A protocol error, an oversize packet or a socket error.
    Error,
    /// The broker stopped (and was restarted): every session ended.
    BrokerRestarted,
    /// The organisation revoked the session's token.
    TokenRevoked,
    /// The organisation gave the static credential a new password.
    PasswordRotated,
}

impl DisconnectCause {
    /// The stable name (the JSON value).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    Connected {
        credential: CredentialRef,
        peer: Peer,
    },
    Refused {
        reason: RefusalReason,
    },
    Disconnected {
        cause: DisconnectCause,
    },
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
    /// The organisation revoked a token (through the API or the console).
    Revoked {
        jti: String,
    },
    /// The organisation gave a static credential a new password.
    Rotated {
        credential: CredentialRef,
    },
}

/// The kinds of connection event: `EventKind` without its data, what the
/// events list filters by. Its names are `EventKind`'s serde tags (a test
/// holds them equal).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EventKindName {
    Connected,
    Refused,
    Disconnected,
    SubscribeRefused,
    PublishRefused,
    Revoked,
    Rotated,
}

impl EventKindName {
    /// The stable name, for filters and `data-kind`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl EventKind {
    pub fn name(&self) -> EventKindName {
        match self {
            EventKind::Connected { .. } => EventKindName::Connected,
            EventKind::Refused { .. } => EventKindName::Refused,
            EventKind::Disconnected { .. } => EventKindName::Disconnected,
            EventKind::SubscribeRefused { .. } => EventKindName::SubscribeRefused,
            EventKind::PublishRefused { .. } => EventKindName::PublishRefused,
            EventKind::Revoked { .. } => EventKindName::Revoked,
            EventKind::Rotated { .. } => EventKindName::Rotated,
        }
    }

    /// The stable name, for filters and `data-kind`.
    pub fn as_str(&self) -> &'static str {
        self.name().as_str()
    }

    /// The refusal's reason, when this is a refusal.
    pub fn reason(&self) -> Option<&RefusalReason> {
        match self {
            EventKind::Refused { reason }
            | EventKind::SubscribeRefused { reason, .. }
            | EventKind::PublishRefused { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_round_trips_through_the_json_the_plugin_publishes() {
        let r = BrokerReport {
            seq: 7,
            at_ms: 1_800_000_000_000,
            org: Some("acme".into()),
            client_id: "local-x".into(),
            what: Report::JwtRefused {
                reason: RefusalReason::Expired { exp: 1_800_000_000 },
            },
            count: 3,
        };
        let mut json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["what"]["kind"], "jwt_refused");
        assert_eq!(json["what"]["reason"]["code"], "expired");
        assert_eq!(json["clientId"], "local-x");
        assert_eq!(
            serde_json::from_value::<BrokerReport>(json.clone()).unwrap(),
            r
        );
        // A report without a count (an older plugin) happened once.
        json.as_object_mut().unwrap().remove("count");
        assert_eq!(
            serde_json::from_value::<BrokerReport>(json).unwrap().count,
            1
        );
    }

    #[test]
    fn an_event_names_its_kind_and_its_credential() {
        let e = EventKind::Connected {
            credential: CredentialRef::Static {
                id: "c1".into(),
                name: Some("ERP".into()),
            },
            peer: Peer {
                address: "127.0.0.1".into(),
                protocol_version: 4,
            },
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], e.as_str());
        assert_eq!(json["credential"]["type"], "static");
        assert_eq!(e.reason(), None);
        let gone = EventKind::Disconnected {
            cause: DisconnectCause::KeepAliveTimeout,
        };
        assert_eq!(
            serde_json::to_value(&gone).unwrap()["cause"],
            "keep_alive_timeout"
        );
        assert_eq!(
            DisconnectCause::KeepAliveTimeout.as_str(),
            "keep_alive_timeout"
        );
    }

    /// One event of each kind: its serde tag is its name.
    #[test]
    fn every_event_kind_is_tagged_with_its_name() {
        let credential = CredentialRef::Static {
            id: "c1".into(),
            name: None,
        };
        let reason = RefusalReason::WrongPassword;
        let every = [
            EventKind::Connected {
                credential: credential.clone(),
                peer: Peer {
                    address: "127.0.0.1".into(),
                    protocol_version: 5,
                },
            },
            EventKind::Refused {
                reason: reason.clone(),
            },
            EventKind::Disconnected {
                cause: DisconnectCause::Kicked,
            },
            EventKind::SubscribeRefused {
                filter: "#".into(),
                reason: reason.clone(),
            },
            EventKind::PublishRefused {
                topic: "x".into(),
                reason,
            },
            EventKind::Revoked { jti: "j".into() },
            EventKind::Rotated { credential },
        ];
        let names: Vec<EventKindName> = every.iter().map(EventKind::name).collect();
        assert_eq!(names, <EventKindName as strum::VariantArray>::VARIANTS);
        for e in &every {
            assert_eq!(serde_json::to_value(e).unwrap()["kind"], e.as_str());
        }
    }
}
