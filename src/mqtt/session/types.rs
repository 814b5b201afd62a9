//! What the session takes (connect options, a will) and gives back (events,
//! refusal codes, errors, bytes to send), apart from the state machine itself.

use crate::mqtt::qos::Qos;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: Qos,
    pub retain: bool,
}

/// The will the user chose: none, one, or one the namespace guard refuses
/// (its full topic).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum WillChoice {
    #[default]
    None,
    Will(Will),
    OutsideNamespace(String),
}

#[derive(Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    pub client_id: String,
    /// `Some("")` for JWT credentials: the username flag is set, the name empty.
    pub user_name: Option<String>,
    pub password: Option<String>,
    pub keep_alive_secs: u16,
    pub clean_session: bool,
    pub will: Option<Will>,
}

// Never print the password, not even in a debug log.
impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("client_id", &self.client_id)
            .field("user_name", &self.user_name)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("keep_alive_secs", &self.keep_alive_secs)
            .field("clean_session", &self.clean_session)
            .field("will", &self.will)
            .finish()
    }
}

/// CONNACK return codes of MQTT 3.1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnackCode {
    UnacceptableProtocolVersion,
    IdentifierRejected,
    ServerUnavailable,
    BadUserNameOrPassword,
    NotAuthorized,
    Other(u8),
}

impl ConnackCode {
    pub fn as_u8(self) -> u8 {
        match self {
            ConnackCode::UnacceptableProtocolVersion => 1,
            ConnackCode::IdentifierRejected => 2,
            ConnackCode::ServerUnavailable => 3,
            ConnackCode::BadUserNameOrPassword => 4,
            ConnackCode::NotAuthorized => 5,
            ConnackCode::Other(c) => c,
        }
    }
}

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
    },
    ConnectRefused(ConnackCode),
    /// Per filter: the granted QoS, or `None` for SUBACK 0x80.
    SubscribeResult {
        packet_id: u16,
        results: Vec<(String, Option<Qos>)>,
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
    },
    /// Our QoS 1 publish was acknowledged (PUBACK), or QoS 2 completed (PUBCOMP).
    Delivered {
        packet_id: u16,
    },
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
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::NotConnected => f.write_str("not connected"),
            SessionError::InvalidTopic(t) => write!(f, "{t:?} is not a valid topic name"),
            SessionError::InvalidFilter(t) => write!(f, "{t:?} is not a valid topic filter"),
            SessionError::NoFilters => f.write_str("no filters given"),
            SessionError::NoPacketIds => f.write_str("every packet identifier is in flight"),
        }
    }
}

/// What a call produced: bytes for the transport and events for the UI.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub send: Vec<u8>,
    pub events: Vec<Event>,
}
