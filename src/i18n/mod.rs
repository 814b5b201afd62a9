//! Every string the user sees, in Dutch (default) and English, through one
//! mechanism: the `Translation` trait, implemented once per language. A
//! language that lacks a text does not compile (every method is required and
//! every match exhaustive). Texts hold no logic: how a step went is decided in
//! `mqtt::steps`, and contract limits are filled in, never retyped.

use leptos::prelude::*;
use tillor_contract::config::Language;
use tillor_contract::error::{ErrorCode, FieldError};
use tillor_contract::namespace::Finding;

use crate::api::ApiError;
use crate::mqtt::steps::Step;

mod en;
mod event_text;
mod finding_text;
mod nl;
mod step_text;
mod translation;

pub use translation::{Msg, Translation};

/// The one place a language picks its translation.
pub fn translation(lang: Language) -> &'static dyn Translation {
    match lang {
        Language::Nl => &nl::Nl,
        Language::En => &en::En,
    }
}

pub fn step_text(lang: Language, step: &Step) -> String {
    step_text::step_text(translation(lang), lang, step)
}

/// What the broker saw, in a sentence.
pub fn event_text(lang: Language, what: &tillor_contract::broker_event::EventKind) -> String {
    event_text::event_text(translation(lang), what)
}

pub fn finding_text(lang: Language, finding: &Finding) -> String {
    finding_text::finding_text(translation(lang), finding)
}

/// The language signal every component reads; switching it re-renders the text.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Language>);

pub fn provide_i18n(initial: Language) {
    provide_context(I18n(RwSignal::new(initial)));
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

impl I18n {
    /// A reactive text: use it directly in a view.
    pub fn t(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || text(self.0.get(), msg)
    }

    pub fn now(self, msg: Msg) -> &'static str {
        text(self.0.get_untracked(), msg)
    }
}

pub fn text(lang: Language, msg: Msg) -> &'static str {
    translation(lang).text(msg)
}

/// The text for a broken field rule, the same whether the console found it
/// before sending or the server answered 400 with it.
pub fn field_error_text(
    lang: Language,
    code: ErrorCode,
    min: Option<i64>,
    max: Option<i64>,
) -> String {
    let base = error_code_text(lang, code);
    match (min, max) {
        (Some(min), Some(max)) => format!("{base} ({min}–{max})"),
        (None, Some(max)) => format!("{base} (max. {max})"),
        _ => base.to_owned(),
    }
}

/// What a form field shows: the console's own check, once the form was
/// sent, else the server's 400 when it names this field.
pub fn field_message(
    lang: Language,
    own: Option<FieldError>,
    answer: Option<&ApiError>,
    field: &str,
) -> Option<String> {
    if let Some(e) = own {
        return Some(field_error_text(lang, e.code, e.min, e.max));
    }
    match answer {
        Some(ApiError::Api { detail, .. }) if detail.field.as_deref() == Some(field) => {
            Some(field_error_text(lang, detail.code, detail.min, detail.max))
        }
        _ => None,
    }
}

fn error_code_text(lang: Language, code: ErrorCode) -> &'static str {
    translation(lang).error_code(code)
}

/// Where the failure happened, so the hint can say what to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doing {
    Loading,
    Creating,
    Deleting,
    Rotating,
    Revoking,
}

/// What the user reads for an API failure: the console's own words for each
/// stable error code, never the server's English alone, plus what to do next.
pub fn api_error_text(lang: Language, error: &ApiError, doing: Doing) -> String {
    let hint = match error.status() {
        Some(401) => Some(Msg::Hint401),
        Some(403) => Some(Msg::Hint403),
        // Gone already: another tab or person acted first.
        Some(404) if matches!(doing, Doing::Deleting | Doing::Rotating | Doing::Revoking) => {
            Some(Msg::Hint404Delete)
        }
        Some(s) if s >= 500 => Some(Msg::Hint5xx),
        _ => None,
    };
    let main = match error {
        ApiError::Api { detail, .. } => match &detail.field {
            Some(field) => format!(
                "{field}: {}",
                field_error_text(lang, detail.code, detail.min, detail.max)
            ),
            None => error_code_text(lang, detail.code).to_owned(),
        },
        ApiError::Network(_) => text(lang, Msg::NoAnswer).to_owned(),
        ApiError::UnexpectedStatus { status } => translation(lang).unexpected_status(*status),
        ApiError::Decode(_) => text(lang, Msg::Undecodable).to_owned(),
        ApiError::NoOrganisation => text(lang, Msg::NoOrganisation).to_owned(),
    };
    match hint {
        Some(h) => format!("{main} {}", text(lang, h)),
        None => main,
    }
}

#[cfg(test)]
mod tests {
    use super::translation::close_text;
    use super::*;
    use crate::mqtt::packet::Protocol;
    use crate::mqtt::session::Reason;

    #[test]
    fn a_field_error_names_the_field_and_range_in_both_languages() {
        let e = ApiError::Api {
            status: 400,
            detail: tillor_contract::error::ApiErrorDetail {
                code: ErrorCode::OutOfRange,
                message: "x".into(),
                field: Some("expiresInSeconds".into()),
                min: Some(60),
                max: Some(86400),
            },
        };
        let nl = api_error_text(Language::Nl, &e, Doing::Creating);
        let en = api_error_text(Language::En, &e, Doing::Creating);
        assert!(nl.contains("60–86400") && en.contains("60–86400"));
        assert_ne!(nl, en);
    }

    #[test]
    fn each_status_gets_its_next_step() {
        let e = |status, code| ApiError::Api {
            status,
            detail: tillor_contract::error::ApiErrorDetail {
                code,
                message: String::new(),
                field: None,
                min: None,
                max: None,
            },
        };
        let nl = |err, doing| api_error_text(Language::Nl, &err, doing);
        assert!(nl(e(401, ErrorCode::InvalidApiKey), Doing::Loading)
            .ends_with("Controleer de API-sleutel."));
        assert!(
            nl(e(403, ErrorCode::WrongOrganisation), Doing::Loading).contains("controleer beide")
        );
        assert!(nl(e(404, ErrorCode::CredentialNotFound), Doing::Deleting)
            .contains("laad de lijst opnieuw"));
        assert!(nl(e(503, ErrorCode::BrokerUnavailable), Doing::Creating)
            .contains("probeer het zo opnieuw"));
        assert!(
            api_error_text(Language::En, &ApiError::Network("x".into()), Doing::Loading)
                .contains("CORS")
        );
    }

    #[test]
    fn no_organisation_is_its_own_case_and_never_the_network_hint() {
        for lang in [Language::Nl, Language::En] {
            let none = api_error_text(lang, &ApiError::NoOrganisation, Doing::Creating);
            let network = api_error_text(lang, &ApiError::Network("x".into()), Doing::Creating);
            assert_ne!(none, network);
            assert!(!none.contains("CORS"), "{none}");
        }
    }

    #[test]
    fn contract_limits_are_filled_in_not_retyped() {
        use tillor_contract::rules::{EXPIRES_IN_SECONDS_MAX, EXPIRES_IN_SECONDS_MIN};
        for lang in [Language::Nl, Language::En] {
            let label = text(lang, Msg::CustomSecondsLabel);
            assert!(label.contains(&format!(
                "{EXPIRES_IN_SECONDS_MIN}–{EXPIRES_IN_SECONDS_MAX}"
            )));
            let org = text(lang, Msg::OrgIdInvalid);
            assert!(org.contains(&tillor_contract::namespace::ORG_ID_MAX_LEN.to_string()));
        }
    }

    #[test]
    fn connack_5_explains_the_likely_causes_in_both_languages() {
        let five = Reason {
            protocol: Protocol::V311,
            code: 5,
            text: None,
        };
        let nl = step_text::connack_text(translation(Language::Nl), &five);
        assert!(nl.contains("CONNACK 5") && nl.contains("verlopen"));
        let en = step_text::connack_text(translation(Language::En), &five);
        assert!(en.contains("not authorised") && en.contains("expired"));
    }

    #[test]
    fn connack_0x87_names_the_code_and_says_the_cause_is_not_in_the_answer() {
        let refused = Reason {
            protocol: Protocol::V5,
            code: 0x87,
            text: Some("nope".into()),
        };
        let en = step_text::connack_text(translation(Language::En), &refused);
        assert!(en.contains("CONNACK 0x87 Not authorized: “nope”"), "{en}");
        assert!(en.contains("Connections card"));
        let nl = step_text::connack_text(translation(Language::Nl), &refused);
        assert!(nl.contains("0x87") && nl.contains("Verbindingen"));
    }

    #[test]
    fn close_1006_points_at_the_handshake() {
        assert!(close_text(translation(Language::En), 1006).contains("subprotocol mqtt"));
    }

    #[test]
    fn a_wrong_organisation_level_is_named() {
        let ns = tillor_contract::Namespace::new(tillor_contract::Env::Local, "acme").unwrap();
        let f = ns.explain("tillor/local/4711/integration", false);
        assert_eq!(
            finding_text(Language::En, &f[0]),
            "level 3 is `4711`, your organisation: `acme`"
        );
    }

    #[test]
    fn every_message_differs_between_languages_or_is_a_name() {
        for msg in [Msg::Title, Msg::StaticEmpty, Msg::ApiKeyLabel, Msg::Apply] {
            assert_ne!(text(Language::Nl, msg), text(Language::En, msg), "{msg:?}");
        }
    }
}
