//! What the broker saw, in a sentence: the case analysis (which event, which
//! credential, named or not) is decided here once; a language holds only the
//! wording (`Translation::event_wording`, `disconnect_cause`), with `{name}`
//! where an argument goes.

use tillor_contract::broker_event::{CredentialRef, EventKind};

use super::translation::{fill, protocol, Translation};

/// Every sentence (or phrase) an event can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray)]
pub enum EventWording {
    /// "a JWT": what `{with}` says for a token.
    WithJwt,
    /// `{name}`
    WithStaticNamed,
    WithStatic,
    /// `{with}`, `{address}`, `{protocol}`
    Connected,
    /// `{refusal}`
    Refused,
    /// `{filter}`, `{refusal}`
    SubscribeRefused,
    /// `{topic}`, `{refusal}`
    PublishRefused,
    /// `{jti}`
    Revoked,
    /// `{name}`
    RotatedNamed,
    Rotated,
}

/// The event in `t`'s words.
pub fn event_text(t: &dyn Translation, what: &EventKind) -> String {
    use EventWording as W;
    let (wording, args): (W, Vec<(&str, String)>) = match what {
        EventKind::Connected { credential, peer } => {
            let with = match credential {
                CredentialRef::Jwt { .. } => t.event_wording(W::WithJwt).to_owned(),
                CredentialRef::Static {
                    name: Some(name), ..
                } => fill(
                    t.event_wording(W::WithStaticNamed),
                    &[("name", name.clone())],
                ),
                CredentialRef::Static { name: None, .. } => {
                    t.event_wording(W::WithStatic).to_owned()
                }
            };
            (
                W::Connected,
                vec![
                    ("with", with),
                    ("address", peer.address.clone()),
                    ("protocol", protocol(peer.protocol_version)),
                ],
            )
        }
        EventKind::Refused { reason } => (W::Refused, vec![("refusal", t.refusal(reason))]),
        EventKind::Disconnected { cause } => return t.disconnect_cause(*cause).to_owned(),
        EventKind::SubscribeRefused { filter, reason } => (
            W::SubscribeRefused,
            vec![("filter", filter.clone()), ("refusal", t.refusal(reason))],
        ),
        EventKind::PublishRefused { topic, reason } => (
            W::PublishRefused,
            vec![("topic", topic.clone()), ("refusal", t.refusal(reason))],
        ),
        EventKind::Revoked { jti } => (W::Revoked, vec![("jti", jti.clone())]),
        EventKind::Rotated {
            credential: CredentialRef::Static {
                name: Some(name), ..
            },
        } => (W::RotatedNamed, vec![("name", name.clone())]),
        EventKind::Rotated { .. } => (W::Rotated, vec![]),
    };
    fill(t.event_wording(wording), &args)
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;
    use tillor_contract::config::Language;

    use super::*;
    use crate::i18n::translation as of;
    use crate::i18n::translation::placeholders;

    #[test]
    fn both_languages_word_every_event_with_the_same_arguments() {
        for &w in EventWording::VARIANTS {
            let (nl, en) = (
                of(Language::Nl).event_wording(w),
                of(Language::En).event_wording(w),
            );
            assert_eq!(placeholders(nl), placeholders(en), "{w:?}");
        }
    }
}
