//! The test client's diagnostics as data: each step of a connection, and how it
//! went. The screen turns a step into words (i18n) and a colour (its outcome);
//! the outcome is decided here, never read back from a translation.

use super::packet::{Properties, Protocol};
use super::properties_input::PropertyProblem;
use super::qos::Qos;
use super::retry::StopReason;
use super::session::Reason;
use super::url::UrlProblem;

/// How a step went; it picks the step's colour and icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Info,
    Warning,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Info => "info",
            Outcome::Warning => "warning",
            Outcome::Failed => "failed",
        }
    }

    /// The mark beside the step's words (never the only sign: the words say it).
    pub fn icon(self) -> &'static str {
        match self {
            Outcome::Ok => "✓",
            Outcome::Info => "·",
            Outcome::Warning => "!",
            Outcome::Failed => "✗",
        }
    }
}

/// One diagnostic step, rendered in the user's language by the screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    UrlRefused(UrlProblem),
    Opening {
        url: String,
    },
    Opened {
        url: String,
        protocol: String,
        in_worker: bool,
    },
    OpenFailed(String),
    ConnectSent {
        client_id: String,
        user_name: String,
    },
    Connack(Result<(), Reason>),
    /// What the broker's CONNACK said it allows (MQTT 5; only when it said any).
    BrokerLimits(Properties),
    /// SUBACK for one filter: the granted QoS or a failure code.
    Subscribed {
        filter: String,
        reason: Reason,
        predicted_allowed: bool,
    },
    Published {
        topic: String,
        qos: Qos,
        predicted_allowed: bool,
        /// What the broker does with a refused publish differs per version.
        protocol: Protocol,
    },
    /// PUBACK, or PUBREC / PUBCOMP for QoS 2: success, or a failure code (MQTT 5).
    Delivered {
        packet_id: u16,
        reason: Reason,
        predicted_allowed: bool,
    },
    /// The broker sent DISCONNECT (MQTT 5) with this reason; `cause` says
    /// whether the token had expired by then (the plugin's kick at expiry).
    ServerDisconnect {
        reason: Reason,
        cause: CloseCause,
    },
    Timeout(&'static str),
    Protocol(String),
    TransportError,
    Closed {
        code: u16,
        reason: String,
        cause: CloseCause,
    },
    Reconnecting {
        attempt: u32,
        in_ms: u32,
    },
    NotRetrying(StopReason),
    /// A new JWT for the same client id; the session reconnects with it.
    TokenRenewed {
        expires_at_ms: f64,
    },
    /// Not connected: the will's topic is outside the namespace.
    WillOutsideNamespace {
        topic: String,
    },
    /// Not connected: the will's MQTT 5 properties do not parse.
    WillPropertiesInvalid(PropertyProblem),
}

/// What most likely ended a connection, decided once, where the facts are:
/// the step's colour, its kind and its words all follow from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseCause {
    /// The user disconnected.
    Requested,
    /// The JWT's expiry had passed: the broker cuts such sessions.
    TokenExpired,
    /// Connected, then closed by the broker: a takeover or a deleted credential.
    ByBroker,
    /// A `wss://` socket that never opened: most likely the browser does not
    /// trust the broker's certificate (a private CA).
    CertificateNotTrusted,
    /// Never got that far (unreachable, refused handshake, ...).
    Other,
}

impl CloseCause {
    /// The first fact that explains the close wins: asking for it, then an
    /// expired token, then having been connected.
    pub fn of(requested: bool, token_expired: bool, was_connected: bool) -> CloseCause {
        Self::of_socket(requested, false, token_expired, was_connected)
    }

    /// As `of`, knowing also whether a `wss://` socket failed before it opened
    /// (the browser says no more: the certificate is the likely cause).
    pub fn of_socket(
        requested: bool,
        tls_never_opened: bool,
        token_expired: bool,
        was_connected: bool,
    ) -> CloseCause {
        if requested {
            CloseCause::Requested
        } else if tls_never_opened {
            CloseCause::CertificateNotTrusted
        } else if token_expired {
            CloseCause::TokenExpired
        } else if was_connected {
            CloseCause::ByBroker
        } else {
            CloseCause::Other
        }
    }
}

impl Step {
    pub fn outcome(&self) -> Outcome {
        use Outcome::*;
        match self {
            Step::UrlRefused(_) | Step::OpenFailed(_) => Failed,
            Step::Opening { .. } | Step::ConnectSent { .. } => Info,
            Step::Opened { .. } | Step::TokenRenewed { .. } => Ok,
            Step::BrokerLimits(_) => Info,
            Step::Connack(result) => match result {
                Result::Ok(()) => Ok,
                Err(_) => Failed,
            },
            Step::Subscribed { reason, .. } | Step::Delivered { reason, .. }
                if reason.is_failure() =>
            {
                Failed
            }
            Step::Subscribed {
                predicted_allowed: true,
                ..
            }
            | Step::Delivered {
                predicted_allowed: true,
                ..
            } => Ok,
            Step::Subscribed { .. } | Step::Delivered { .. } => Warning,
            Step::ServerDisconnect { .. } => Failed,
            Step::Published {
                predicted_allowed, ..
            } => {
                if *predicted_allowed {
                    Info
                } else {
                    Warning
                }
            }
            Step::Timeout(_)
            | Step::Protocol(_)
            | Step::WillOutsideNamespace { .. }
            | Step::WillPropertiesInvalid(_) => Failed,
            Step::TransportError | Step::Reconnecting { .. } => Warning,
            Step::Closed {
                cause: CloseCause::Requested,
                ..
            } => Info,
            Step::Closed { .. } => Failed,
            Step::NotRetrying(StopReason::Requested) => Info,
            Step::NotRetrying(_) => Failed,
        }
    }

    /// A stable name for the kind of step, for `data-step` on screen: tests and
    /// support tooling find a step by it, never by its (translated) words.
    pub fn kind(&self) -> &'static str {
        match self {
            Step::UrlRefused(_) => "url-refused",
            Step::Opening { .. } => "opening",
            Step::Opened {
                in_worker: true, ..
            } => "opened-in-worker",
            Step::Opened { .. } => "opened-on-page",
            Step::OpenFailed(_) => "open-failed",
            Step::ConnectSent { .. } => "connect-sent",
            Step::Connack(Ok(())) => "connack-accepted",
            Step::Connack(Err(_)) => "connack-refused",
            Step::BrokerLimits(_) => "broker-limits",
            Step::Subscribed { reason, .. } if reason.is_failure() => "suback-refused",
            Step::Subscribed { .. } => "suback-granted",
            Step::Published { .. } => "published",
            Step::Delivered { reason, .. } if reason.is_failure() => "puback-refused",
            Step::Delivered { .. } => "delivered",
            // The same story as a 3.1.1 close at expiry, told with the code.
            Step::ServerDisconnect {
                cause: CloseCause::TokenExpired,
                ..
            } => "closed-token-expired",
            Step::ServerDisconnect { .. } => "server-disconnect",
            Step::Timeout(_) => "timeout",
            Step::Protocol(_) => "protocol-error",
            Step::TransportError => "transport-error",
            Step::Closed { cause, .. } => match cause {
                CloseCause::Requested => "closed-requested",
                CloseCause::TokenExpired => "closed-token-expired",
                CloseCause::ByBroker => "closed-by-broker",
                CloseCause::CertificateNotTrusted => "closed-certificate-not-trusted",
                CloseCause::Other => "closed",
            },
            Step::Reconnecting { .. } => "reconnecting",
            Step::NotRetrying(StopReason::Requested) => "stopped-requested",
            Step::NotRetrying(StopReason::Refused) => "stopped-refused",
            Step::NotRetrying(StopReason::TokenExpired) => "stopped-token-expired",
            Step::NotRetrying(StopReason::TakeoverLoop) => "stopped-takeover-loop",
            Step::NotRetrying(StopReason::TakenOver) => "stopped-taken-over",
            Step::NotRetrying(StopReason::Revoked) => "stopped-token-revoked",
            Step::TokenRenewed { .. } => "token-renewed",
            Step::WillOutsideNamespace { .. } => "will-outside-namespace",
            Step::WillPropertiesInvalid(_) => "will-properties-invalid",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepEntry {
    pub at_ms: f64,
    pub step: Step,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(protocol: Protocol, code: u8) -> Reason {
        Reason {
            protocol,
            code,
            text: None,
        }
    }

    fn subscribed(code: u8, predicted_allowed: bool) -> Step {
        Step::Subscribed {
            filter: "f".into(),
            reason: reason(Protocol::V311, code),
            predicted_allowed,
        }
    }

    #[test]
    fn a_grant_the_console_predicted_to_be_refused_is_a_warning() {
        assert_eq!(subscribed(1, true).outcome(), Outcome::Ok);
        assert_eq!(subscribed(1, false).outcome(), Outcome::Warning);
        assert_eq!(subscribed(0x80, true).outcome(), Outcome::Failed);
        assert_eq!(subscribed(0x80, false).outcome(), Outcome::Failed);
    }

    #[test]
    fn a_puback_0x87_is_a_refusal_and_0x10_a_delivery() {
        let delivered = |code| Step::Delivered {
            packet_id: 1,
            reason: reason(Protocol::V5, code),
            predicted_allowed: false,
        };
        assert_eq!(delivered(0x87).kind(), "puback-refused");
        assert_eq!(delivered(0x87).outcome(), Outcome::Failed);
        assert_eq!(delivered(0x10).kind(), "delivered");
    }

    #[test]
    fn a_close_the_user_asked_for_is_information_and_any_other_a_failure() {
        let closed = |requested| Step::Closed {
            code: 1000,
            reason: String::new(),
            cause: CloseCause::of(requested, false, true),
        };
        assert_eq!(closed(true).outcome(), Outcome::Info);
        assert_eq!(closed(false).outcome(), Outcome::Failed);
    }

    #[test]
    fn a_close_is_explained_by_the_first_fact_that_applies() {
        use CloseCause::*;
        assert_eq!(CloseCause::of(true, true, true), Requested);
        assert_eq!(CloseCause::of(false, true, true), TokenExpired);
        assert_eq!(CloseCause::of(false, false, true), ByBroker);
        assert_eq!(CloseCause::of(false, false, false), Other);
        assert_eq!(
            CloseCause::of_socket(false, true, true, false),
            CertificateNotTrusted
        );
        assert_eq!(CloseCause::of_socket(true, true, false, false), Requested);
    }

    #[test]
    fn each_refusal_has_its_own_kind_for_the_screen() {
        assert_eq!(
            Step::Connack(Err(reason(Protocol::V311, 5))).kind(),
            "connack-refused"
        );
        assert_eq!(subscribed(0x80, false).kind(), "suback-refused");
        assert_eq!(
            Step::NotRetrying(StopReason::TakeoverLoop).kind(),
            "stopped-takeover-loop"
        );
    }
}
