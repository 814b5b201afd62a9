//! What a diagnostic step says, decided once for every language: which
//! wording (`StepWording`) and its arguments. A language holds only the
//! wording (`Translation::step_wording`), with `{name}` where an argument
//! goes; the case analysis (which step, which cause, which prediction) is
//! here alone.

use tillor_contract::config::Language;
use tillor_contract::rules::CLIENT_ID_ALLOWED;

use super::translation::{close_text, fill, limits, reason_suffix, Msg, Translation};
use crate::format::local_time;
use crate::mqtt::packet::Protocol;
use crate::mqtt::retry::StopReason;
use crate::mqtt::session::{ConnackCode, Reason};
use crate::mqtt::steps::{CloseCause, Step};
use crate::mqtt::url::UrlProblem;

/// Every sentence a step can be, by what it says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray)]
pub enum StepWording {
    UrlMixedContent,
    /// `{scheme}`
    UrlNotWebSocket,
    UrlFragment,
    UrlEmpty,
    /// `{url}`
    Opening,
    /// `{url}`, `{protocol}`
    OpenedInWorker,
    /// `{url}`, `{protocol}`
    OpenedOnPage,
    /// `{error}`
    OpenFailed,
    /// `{client_id}`, `{user}`
    ConnectSent,
    ConnackAccepted,
    /// `{limits}`
    BrokerLimits,
    /// `{filter}`, `{qos}`
    SubscriptionGranted,
    /// `{filter}`, `{qos}`: granted though the console predicted a refusal.
    SubscriptionGrantedUnpredicted,
    /// `{filter}`, `{reason}`
    SubscriptionRefused,
    /// `{filter}`, `{reason}`: refused as predicted.
    SubscriptionRefusedPredicted,
    /// `{topic}`, `{qos}`
    Published,
    /// `{topic}`, `{qos}`: outside the namespace, under 3.1.1.
    PublishedOutsideV311,
    /// `{topic}`, `{qos}`: outside the namespace, under 5.
    PublishedOutsideV5,
    /// `{packet}`
    Acknowledged,
    /// `{packet}`, `{reason}`
    AcknowledgedWithReason,
    /// `{packet}`, `{reason}`: refused though predicted allowed.
    DeliveryRefusedUnpredicted,
    /// `{packet}`, `{reason}`: refused as predicted.
    DeliveryRefusedPredicted,
    /// `{what}`
    Timeout,
    /// `{why}`
    ProtocolError,
    TransportError,
    ClosedAsAsked,
    /// `{close}`, `{renew}`, `{suffix}`
    ClosedTokenExpired,
    /// `{close}`, `{suffix}`
    ClosedByBroker,
    /// `{close}`, `{suffix}`
    ClosedCertificateNotTrusted,
    /// `{close}`, `{suffix}`
    ClosedOther,
    /// `{seconds}`, `{attempt}`
    Reconnecting,
    NotRetryingRefused,
    NotRetryingTokenExpired,
    NotRetryingTakenOver,
    NotRetryingTakeoverLoop,
    NotRetryingRevoked,
    /// `{until}`
    TokenRenewed,
    /// `{topic}`
    WillOutsideNamespace,
    /// `{problem}`
    WillPropertiesInvalid,
}

/// The step in `lang`'s words.
pub fn step_text(t: &dyn Translation, lang: Language, step: &Step) -> String {
    use StepWording as W;
    let (wording, args): (W, Vec<(&str, String)>) = match step {
        Step::UrlRefused(UrlProblem::MixedContent) => (W::UrlMixedContent, vec![]),
        Step::UrlRefused(UrlProblem::NotWebSocket { scheme }) => {
            (W::UrlNotWebSocket, vec![("scheme", scheme.clone())])
        }
        Step::UrlRefused(UrlProblem::Fragment) => (W::UrlFragment, vec![]),
        Step::UrlRefused(UrlProblem::Empty) => (W::UrlEmpty, vec![]),
        Step::Opening { url } => (W::Opening, vec![("url", url.clone())]),
        Step::Opened {
            url,
            protocol,
            in_worker,
        } => (
            if *in_worker {
                W::OpenedInWorker
            } else {
                W::OpenedOnPage
            },
            vec![("url", url.clone()), ("protocol", protocol.clone())],
        ),
        Step::OpenFailed(e) => (W::OpenFailed, vec![("error", e.clone())]),
        Step::ConnectSent {
            client_id,
            user_name,
        } => {
            let user = if user_name.is_empty() {
                t.text(Msg::EmptyUser).to_owned()
            } else {
                user_name.clone()
            };
            (
                W::ConnectSent,
                vec![("client_id", client_id.clone()), ("user", user)],
            )
        }
        Step::Connack(Ok(())) => (W::ConnackAccepted, vec![]),
        // Each refusing CONNACK has its own explanation (`connack`).
        Step::Connack(Err(reason)) => return connack_text(t, reason),
        Step::BrokerLimits(properties) => (W::BrokerLimits, vec![("limits", limits(properties))]),
        Step::Subscribed {
            filter,
            reason,
            predicted_allowed,
        } => {
            let filter = ("filter", filter.clone());
            match (reason.granted(), predicted_allowed) {
                (Some(q), true) => (
                    W::SubscriptionGranted,
                    vec![filter, ("qos", q.as_u8().to_string())],
                ),
                (Some(q), false) => (
                    W::SubscriptionGrantedUnpredicted,
                    vec![filter, ("qos", q.as_u8().to_string())],
                ),
                (None, true) => (
                    W::SubscriptionRefused,
                    vec![filter, ("reason", reason.describe())],
                ),
                (None, false) => (
                    W::SubscriptionRefusedPredicted,
                    vec![filter, ("reason", reason.describe())],
                ),
            }
        }
        Step::Published {
            topic,
            qos,
            predicted_allowed,
            protocol,
        } => (
            match (predicted_allowed, protocol) {
                (true, _) => W::Published,
                (false, Protocol::V311) => W::PublishedOutsideV311,
                (false, Protocol::V5) => W::PublishedOutsideV5,
            },
            vec![("topic", topic.clone()), ("qos", qos.as_u8().to_string())],
        ),
        Step::Delivered {
            packet_id,
            reason,
            predicted_allowed,
        } => (
            match (reason.is_failure(), predicted_allowed) {
                (false, _) if reason.code == 0 => W::Acknowledged,
                (false, _) => W::AcknowledgedWithReason,
                (true, true) => W::DeliveryRefusedUnpredicted,
                (true, false) => W::DeliveryRefusedPredicted,
            },
            vec![
                ("packet", packet_id.to_string()),
                ("reason", reason.describe()),
            ],
        ),
        // What the broker's DISCONNECT means (`server_disconnect`), and when
        // the token expired, what to do about it.
        Step::ServerDisconnect {
            reason,
            cause: CloseCause::TokenExpired,
        } => {
            return format!(
                "{} {}",
                server_disconnect_text(t, reason),
                t.text(Msg::TokenExpiredRenew)
            )
        }
        Step::ServerDisconnect { reason, .. } => return server_disconnect_text(t, reason),
        Step::Timeout(what) => (W::Timeout, vec![("what", what.to_string())]),
        Step::Protocol(why) => (W::ProtocolError, vec![("why", why.to_string())]),
        Step::TransportError => (W::TransportError, vec![]),
        Step::Closed {
            cause: CloseCause::Requested,
            ..
        } => (W::ClosedAsAsked, vec![]),
        Step::Closed {
            code,
            reason,
            cause,
        } => {
            let mut args = vec![
                ("close", close_text(t, *code)),
                ("suffix", reason_suffix(reason)),
            ];
            let wording = match cause {
                CloseCause::TokenExpired => {
                    args.push(("renew", t.text(Msg::TokenExpiredRenew).to_owned()));
                    W::ClosedTokenExpired
                }
                CloseCause::ByBroker => W::ClosedByBroker,
                CloseCause::CertificateNotTrusted => W::ClosedCertificateNotTrusted,
                CloseCause::Requested | CloseCause::Other => W::ClosedOther,
            };
            (wording, args)
        }
        Step::Reconnecting { attempt, in_ms } => (
            W::Reconnecting,
            vec![
                ("seconds", (in_ms / 1000).to_string()),
                ("attempt", attempt.to_string()),
            ],
        ),
        Step::NotRetrying(StopReason::Refused) => (W::NotRetryingRefused, vec![]),
        Step::NotRetrying(StopReason::TokenExpired) => (W::NotRetryingTokenExpired, vec![]),
        Step::NotRetrying(StopReason::TakenOver) => (W::NotRetryingTakenOver, vec![]),
        Step::NotRetrying(StopReason::TakeoverLoop) => (W::NotRetryingTakeoverLoop, vec![]),
        Step::NotRetrying(StopReason::Revoked) => (W::NotRetryingRevoked, vec![]),
        // Stopped as asked: nothing to say.
        Step::NotRetrying(StopReason::Requested) => return String::new(),
        Step::TokenRenewed { expires_at_ms } => (
            W::TokenRenewed,
            vec![("until", local_time(*expires_at_ms, lang))],
        ),
        Step::WillOutsideNamespace { topic } => {
            (W::WillOutsideNamespace, vec![("topic", topic.clone())])
        }
        Step::WillPropertiesInvalid(problem) => (
            W::WillPropertiesInvalid,
            vec![("problem", t.property_problem(problem))],
        ),
    };
    fill(t.step_wording(wording), &args)
}

/// What a refusing CONNACK means, whichever protocol carried it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray)]
pub enum ConnackWording {
    UnacceptableProtocolVersion,
    IdentifierRejected,
    ServerUnavailable,
    BadUserNameOrPassword,
    /// MQTT 5's 0x87: Mosquitto answers every refused login so, with no
    /// reason string, so the answer cannot say which cause it was.
    NotAuthorizedNoReason,
    NotAuthorized,
    Limited,
    Other,
}

/// What a DISCONNECT's reason code (MQTT 5) asks the user to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray)]
pub enum DisconnectNext {
    TakenOver,
    Kicked,
    KeepAliveTimeout,
    Restarting,
    NotAllowed,
    Elsewhere,
    ProtocolProblem,
    MaxConnectTime,
    Other,
}

/// A refusing CONNACK in `t`'s words.
pub fn connack_text(t: &dyn Translation, reason: &Reason) -> String {
    let wording = match ConnackCode::of(reason.protocol, reason.code) {
        ConnackCode::UnacceptableProtocolVersion => ConnackWording::UnacceptableProtocolVersion,
        ConnackCode::IdentifierRejected => ConnackWording::IdentifierRejected,
        ConnackCode::ServerUnavailable => ConnackWording::ServerUnavailable,
        ConnackCode::BadUserNameOrPassword => ConnackWording::BadUserNameOrPassword,
        ConnackCode::NotAuthorized if reason.protocol == Protocol::V5 => {
            ConnackWording::NotAuthorizedNoReason
        }
        ConnackCode::NotAuthorized => ConnackWording::NotAuthorized,
        ConnackCode::Limited => ConnackWording::Limited,
        ConnackCode::Other => ConnackWording::Other,
    };
    fill(
        t.connack_wording(wording),
        &[
            ("n", reason.describe()),
            ("allowed", CLIENT_ID_ALLOWED.to_owned()),
        ],
    )
}

/// A DISCONNECT from the broker in `t`'s words.
pub fn server_disconnect_text(t: &dyn Translation, reason: &Reason) -> String {
    let next = match reason.code {
        0x8E => DisconnectNext::TakenOver,
        0x98 => DisconnectNext::Kicked,
        0x8D => DisconnectNext::KeepAliveTimeout,
        0x8B | 0x88 | 0x89 => DisconnectNext::Restarting,
        0x87 => DisconnectNext::NotAllowed,
        0x9C | 0x9D => DisconnectNext::Elsewhere,
        0x95 | 0x93 | 0x94 | 0x81 | 0x82 => DisconnectNext::ProtocolProblem,
        0xA0 => DisconnectNext::MaxConnectTime,
        _ => DisconnectNext::Other,
    };
    fill(
        t.server_disconnect_wording(),
        &[
            ("n", reason.describe()),
            ("next", t.disconnect_next(next).to_owned()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;
    use crate::i18n::translation as of;
    use crate::i18n::translation::placeholders;

    #[test]
    fn both_languages_word_every_step_with_the_same_arguments() {
        for &w in StepWording::VARIANTS {
            let (nl, en) = (
                of(Language::Nl).step_wording(w),
                of(Language::En).step_wording(w),
            );
            assert_eq!(placeholders(nl), placeholders(en), "{w:?}");
            assert!(!nl.is_empty() && !en.is_empty(), "{w:?}");
        }
        for &w in ConnackWording::VARIANTS {
            let (nl, en) = (
                of(Language::Nl).connack_wording(w),
                of(Language::En).connack_wording(w),
            );
            assert_eq!(placeholders(nl), placeholders(en), "{w:?}");
        }
        for lang in [Language::Nl, Language::En] {
            assert_eq!(
                placeholders(of(lang).server_disconnect_wording()),
                ["n", "next"]
            );
        }
    }

    #[test]
    fn every_placeholder_is_filled_and_nothing_else_changes() {
        assert_eq!(
            fill(
                "SUBACK {filter}: QoS {qos} ({filter})",
                &[("filter", "a/#".into()), ("qos", "1".into())]
            ),
            "SUBACK a/#: QoS 1 (a/#)"
        );
    }
}
