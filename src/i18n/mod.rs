//! Every string the user sees, in Dutch (default) and English. Components ask for
//! a `Msg`; no literal UI text lives in a component.

use leptos::prelude::*;
use tillor_contract::config::Language;

use crate::api::ApiError;

mod en;
mod nl;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    Title,
    Subtitle,
    LanguageLabel,
    ContextEnv,
    ContextOrg,
    ContextHeader,
    ContextNone,
    SettingsTitle,
    SettingsHint,
    OrgIdLabel,
    ApiKeyLabel,
    Apply,
    SwitchOrganisation,
    StaticTitle,
    StaticLoading,
    StaticEmpty,
    ColName,
    ColUserName,
    ColClientId,
    ColTopicPrefix,
    ColCreated,
    Unnamed,
    ErrorTitle,
    FieldRequired,
    OrgIdInvalid,
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
    match lang {
        Language::Nl => nl::text(msg),
        Language::En => en::text(msg),
    }
}

/// What the user reads for an API failure: the console's own words for each
/// stable error code, never the server's English message alone.
pub fn api_error_text(lang: Language, error: &ApiError) -> String {
    match error {
        ApiError::Api { detail, .. } => {
            let base = match lang {
                Language::Nl => nl::error(detail.code),
                Language::En => en::error(detail.code),
            };
            match (&detail.field, detail.min, detail.max) {
                (Some(field), Some(min), Some(max)) => format!("{base} ({field}: {min}–{max})"),
                (Some(field), _, _) => format!("{base} ({field})"),
                _ => base.to_owned(),
            }
        }
        ApiError::Network(_) => match lang {
            Language::Nl => {
                "Geen verbinding met de API. Controleer het adres en uw netwerk.".into()
            }
            Language::En => "Could not reach the API. Check its address and your network.".into(),
        },
        ApiError::UnexpectedStatus { status } => match lang {
            Language::Nl => format!("Onverwacht antwoord van de server (HTTP {status})."),
            Language::En => format!("Unexpected answer from the server (HTTP {status})."),
        },
        ApiError::Decode(_) => match lang {
            Language::Nl => "De server gaf een antwoord dat de console niet begrijpt.".into(),
            Language::En => "The server sent an answer the console does not understand.".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tillor_contract::error::ErrorCode;

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
        let nl = api_error_text(Language::Nl, &e);
        let en = api_error_text(Language::En, &e);
        assert!(nl.contains("60–86400") && en.contains("60–86400"));
        assert_ne!(nl, en);
    }

    #[test]
    fn every_message_differs_between_languages_or_is_a_name() {
        for msg in [Msg::Title, Msg::StaticEmpty, Msg::ApiKeyLabel, Msg::Apply] {
            assert_ne!(text(Language::Nl, msg), text(Language::En, msg), "{msg:?}");
        }
    }
}
