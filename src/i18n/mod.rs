//! Every string the user sees, in Dutch (default) and English. Components ask for
//! a `Msg`; no literal UI text lives in a component.

use leptos::prelude::*;
use tillor_contract::config::Language;

use tillor_contract::error::ErrorCode;

use crate::api::ApiError;

pub mod diagnostics;
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
    Remember,
    Apply,
    SwitchOrganisation,
    StaticTitle,
    StaticIntro,
    StaticLoading,
    StaticEmpty,
    ColName,
    ColUserName,
    ColClientId,
    ColTopicPrefix,
    ColCreated,
    ColActions,
    Unnamed,
    BrokerMissing,
    NameLabel,
    CreateStatic,
    Delete,
    Deleting,
    Reload,
    ErrorTitle,
    FieldRequired,
    OrgIdInvalid,
    JwtTitle,
    JwtIntro,
    ClientIdLabel,
    ClientIdHint,
    ExpiryLabel,
    Preset1m,
    Preset15m,
    Preset1h,
    Preset8h,
    Preset24h,
    PresetCustom,
    CustomSecondsLabel,
    CreateJwt,
    Working,
    TokenLabel,
    Show,
    Hide,
    BrokerUrlLabel,
    ExpiresAtLabel,
    TimeLeft,
    ExpiresSoon,
    Expired,
    Renew,
    Snippets,
    Copy,
    Copied,
    CopyFailed,
    RevealTitle,
    RevealWarning,
    PasswordLabel,
    CopyEnv,
    Acknowledge,
    Done,
    Close,
    ConfirmLoseTitle,
    ConfirmLoseText,
    ConfirmLoseYes,
    ConfirmLoseNo,
    DeleteTitle,
    DeleteText,
    Cancel,
    Hint401,
    Hint403,
    Hint404Delete,
    Hint5xx,
    TestClientTitle,
    TestClientIntro,
    UseCredential,
    UseInTestClient,
    EmptyUser,
    Connect,
    Disconnect,
    CheckConnectivity,
    Verified,
    CheckFailed,
    StatusIdle,
    StatusConnecting,
    StatusConnected,
    StatusClosed,
    Diagnostics,
    OutsideNamespace,
    Subscribe,
    RelativeToPrefix,
    FullTopic,
    LabelPlaceholder,
    SendAnyway,
    SubPending,
    SubRefused,
    Remove,
    Publish,
    SilentPublish,
    Messages,
    RenewAndReconnect,
    Received,
    Sent,
    InLog,
    ClearLog,
    BroadFilter,
    FilterLog,
    ShowAs,
    Export,
    Pause,
    Resume,
    Direction,
    AllDirections,
    LogCap,
    MessageDetails,
    RecentPublishes,
    AutoRenew,
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

fn error_code_text(lang: Language, code: ErrorCode) -> &'static str {
    match lang {
        Language::Nl => nl::error(code),
        Language::En => en::error(code),
    }
}

/// Where the failure happened, so the hint can say what to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doing {
    Loading,
    Creating,
    Deleting,
}

/// What the user reads for an API failure: the console's own words for each
/// stable error code, never the server's English alone, plus what to do next.
pub fn api_error_text(lang: Language, error: &ApiError, doing: Doing) -> String {
    let hint = match error.status() {
        Some(401) => Some(Msg::Hint401),
        Some(403) => Some(Msg::Hint403),
        Some(404) if doing == Doing::Deleting => Some(Msg::Hint404Delete),
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
        ApiError::Network(_) => match lang {
            Language::Nl => "Geen antwoord van de API. Controleer het adres en uw netwerk; staat de console op een andere site, dan moet de API die toestaan (CORS).".into(),
            Language::En => "No answer from the API. Check its address and your network; if the console runs on another site, the API must allow it (CORS).".into(),
        },
        ApiError::UnexpectedStatus { status } => match lang {
            Language::Nl => format!("Onverwacht antwoord van de server (HTTP {status})."),
            Language::En => format!("Unexpected answer from the server (HTTP {status})."),
        },
        ApiError::Decode(_) => match lang {
            Language::Nl => "De server gaf een antwoord dat de console niet begrijpt.".into(),
            Language::En => "The server sent an answer the console does not understand.".into(),
        },
    };
    match hint {
        Some(h) => format!("{main} {}", text(lang, h)),
        None => main,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_message_differs_between_languages_or_is_a_name() {
        for msg in [Msg::Title, Msg::StaticEmpty, Msg::ApiKeyLabel, Msg::Apply] {
            assert_ne!(text(Language::Nl, msg), text(Language::En, msg), "{msg:?}");
        }
    }
}
