//! What the session takes (connect options, a will) and gives back (events,
//! refusal codes, errors, bytes to send), apart from the state machine itself.

use crate::mqtt::packet::properties::id;
use crate::mqtt::packet::{Properties, Protocol, SubOptions};
use crate::mqtt::properties_input::PropertyProblem;
use crate::mqtt::qos::Qos;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: Qos,
    pub retain: bool,
    /// MQTT 5 only: will delay, content type, user properties...
    pub properties: Properties,
}

/// The will the user chose: none, one, or one that cannot be sent as shown.
/// Nothing is connected with a will that differs from what the form shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum WillChoice {
    #[default]
    None,
    Will(Will),
    /// The namespace guard refuses its topic (the full topic).
    OutsideNamespace(String),
    /// Its MQTT 5 properties do not parse (a will delay of "soon").
    BadProperties(PropertyProblem),
}

#[derive(Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    pub protocol: Protocol,
    pub client_id: String,
    /// `Some("")` for JWT credentials: the username flag is set, the name empty.
    pub user_name: Option<String>,
    pub password: Option<String>,
    pub keep_alive_secs: u16,
    /// "Clean session" in 3.1.1, "clean start" in 5.
    pub clean_session: bool,
    /// MQTT 5 only: how long the broker keeps the session after a disconnect.
    pub session_expiry_secs: u32,
    pub will: Option<Will>,
}

// Never print the password, not even in a debug log.
impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("protocol", &self.protocol)
            .field("client_id", &self.client_id)
            .field("user_name", &self.user_name)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("keep_alive_secs", &self.keep_alive_secs)
            .field("clean_session", &self.clean_session)
            .field("session_expiry_secs", &self.session_expiry_secs)
            .field("will", &self.will)
            .finish()
    }
}

/// Why the broker refused a connection, in both versions' terms: 3.1.1's
/// return codes 1..5 and MQTT 5's reason codes (spec 3.2.2.2) map onto one
/// meaning, so the explanation is written once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnackCode {
    UnacceptableProtocolVersion,
    IdentifierRejected,
    ServerUnavailable,
    BadUserNameOrPassword,
    NotAuthorized,
    /// MQTT 5: banned, quota or connection rate exceeded.
    Limited,
    Other,
}

impl ConnackCode {
    pub fn of(protocol: Protocol, code: u8) -> ConnackCode {
        match (protocol, code) {
            (Protocol::V311, 1) | (Protocol::V5, 0x84) => ConnackCode::UnacceptableProtocolVersion,
            (Protocol::V311, 2) | (Protocol::V5, 0x85) => ConnackCode::IdentifierRejected,
            (Protocol::V311, 3) | (Protocol::V5, 0x88 | 0x89) => ConnackCode::ServerUnavailable,
            (Protocol::V311, 4) | (Protocol::V5, 0x86) => ConnackCode::BadUserNameOrPassword,
            (Protocol::V311, 5) | (Protocol::V5, 0x87) => ConnackCode::NotAuthorized,
            (Protocol::V5, 0x8a | 0x97 | 0x9f) => ConnackCode::Limited,
            _ => ConnackCode::Other,
        }
    }
}

/// A code as the broker sent it, with the protocol that gives it meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub protocol: Protocol,
    pub code: u8,
    /// MQTT 5's optional reason string, shown as the broker wrote it.
    pub text: Option<String>,
}

impl Reason {
    pub fn new(protocol: Protocol, code: u8, properties: &Properties) -> Reason {
        Reason {
            protocol,
            code,
            text: properties.text(id::REASON_STRING).map(str::to_owned),
        }
    }

    /// As the spec writes it: "0x87" under MQTT 5, "5" under 3.1.1's CONNACK;
    /// SUBACK's 0x80 is hex in both.
    pub fn label(&self) -> String {
        match self.protocol {
            Protocol::V5 => format!("0x{:02X}", self.code),
            Protocol::V311 if self.code >= 0x80 => format!("0x{:02X}", self.code),
            Protocol::V311 => self.code.to_string(),
        }
    }

    /// "0x87 Not authorized", or "5" under 3.1.1's CONNACK, with the broker's
    /// reason string when it sent one.
    pub fn describe(&self) -> String {
        let mut s = self.label();
        if self.protocol == Protocol::V5 {
            s = format!("{s} {}", crate::mqtt::packet::reason::name(self.code));
        }
        if let Some(text) = &self.text {
            s = format!("{s}: “{text}”");
        }
        s
    }

    /// What a SUBACK code granted: a QoS, or `None` for a failure.
    pub fn granted(&self) -> Option<Qos> {
        Qos::from_u8(self.code)
    }

    /// For acknowledgements (SUBACK, PUBACK, PUBREC, PUBCOMP): 0x80 and up
    /// are failures in both versions (3.1.1's SUBACK has only 0x80). A CONNACK
    /// refuses with any code but 0, which the session checks itself.
    pub fn is_failure(&self) -> bool {
        self.code >= 0x80
    }
}

/// One outgoing message, with MQTT 5's properties (ignored under 3.1.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outgoing {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: Qos,
    pub retain: bool,
    pub properties: Properties,
}

/// One filter with its options (only the QoS under 3.1.1).
pub type Filter = (String, SubOptions);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// CONNECT sent, waiting for CONNACK.
    Connecting,
    Connected,
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Connected {
        session_present: bool,
        /// The broker's CONNACK properties (MQTT 5): its limits and any
        /// assigned client id. Empty under 3.1.1.
        properties: Properties,
    },
    ConnectRefused(Reason),
    /// Per filter: the broker's code (the granted QoS, or a failure).
    SubscribeResult {
        packet_id: u16,
        results: Vec<(String, Reason)>,
    },
    Unsubscribed {
        packet_id: u16,
    },
    Message {
        topic: String,
        payload: Vec<u8>,
        qos: Qos,
        retain: bool,
        dup: bool,
        properties: Properties,
    },
    /// Our QoS 1 publish was acknowledged (PUBACK), our QoS 2 completed
    /// (PUBCOMP) or refused (PUBREC with a failure code, MQTT 5).
    Delivered {
        packet_id: u16,
        reason: Reason,
    },
    /// The broker ended the connection with DISCONNECT (MQTT 5), and why.
    ServerDisconnect(Reason),
    /// No CONNACK or PINGRESP in time: the connection is dead.
    Timeout {
        waiting_for: &'static str,
    },
    /// The broker broke the protocol; the connection must be closed.
    ProtocolError(String),
    /// The transport closed; `requested` when we had sent DISCONNECT.
    Closed {
        requested: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    NotConnected,
    InvalidTopic(String),
    InvalidFilter(String),
    NoFilters,
    /// All 65,535 packet identifiers are in flight.
    NoPacketIds,
    /// The broker's CONNACK said it takes no more than this QoS.
    QosAbove(Qos),
    /// The broker's CONNACK said it keeps no retained messages.
    RetainUnavailable,
    /// The packet is larger than the broker's maximum packet size.
    TooLarge {
        size: usize,
        limit: u32,
    },
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::NotConnected => f.write_str("not connected"),
            SessionError::InvalidTopic(t) => write!(f, "{t:?} is not a valid topic name"),
            SessionError::InvalidFilter(t) => write!(f, "{t:?} is not a valid topic filter"),
            SessionError::NoFilters => f.write_str("no filters given"),
            SessionError::NoPacketIds => f.write_str("every packet identifier is in flight"),
            SessionError::QosAbove(q) => {
                write!(f, "the broker accepts QoS {} at most", q.as_u8())
            }
            SessionError::RetainUnavailable => {
                f.write_str("the broker does not keep retained messages")
            }
            SessionError::TooLarge { size, limit } => write!(
                f,
                "a packet of {size} bytes is above the broker's maximum of {limit}"
            ),
        }
    }
}

/// What a call produced: bytes for the transport and events for the UI.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub send: Vec<u8>,
    pub events: Vec<Event>,
}
