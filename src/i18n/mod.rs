//! Every string the user sees, in Dutch (default) and English, through one
//! mechanism: the `Translation` trait, implemented once per language. A
//! language that lacks a text does not compile (every method is required and
//! every match exhaustive). Texts hold no logic: how a step went is decided in
//! `mqtt::steps`, and contract limits are filled in, never retyped.

use leptos::prelude::*;
use tillor_contract::config::Language;
use tillor_contract::error::ErrorCode;
use tillor_contract::namespace::Finding;

use crate::api::ApiError;
use crate::mqtt::session::ConnackCode;
use crate::mqtt::steps::Step;

mod en;
mod nl;

/// Everything the console says, in one language.
pub trait Translation: Sync {
    /// A fixed text.
    fn text(&self, msg: Msg) -> &'static str;
    /// The console's own words for an API error code.
    fn error_code(&self, code: ErrorCode) -> &'static str;
    /// An answer from something that is not the API (a proxy, a static host).
    fn unexpected_status(&self, status: u16) -> String;
    /// A refusing CONNACK, with its likely causes and fix.
    fn connack(&self, code: ConnackCode) -> String;
    /// What a WebSocket close code means.
    fn close_code(&self, code: u16) -> &'static str;
    /// One diagnostic step of the test client.
    fn step(&self, step: &Step) -> String;
    /// One reason a topic or filter is outside the namespace.
    fn finding(&self, finding: &Finding) -> String;
}

/// The one place a language picks its translation.
pub fn translation(lang: Language) -> &'static dyn Translation {
    match lang {
        Language::Nl => &nl::Nl,
        Language::En => &en::En,
    }
}

/// "code 1006: …", as both languages write a close code.
fn close_text(t: &dyn Translation, code: u16) -> String {
    format!("code {code}: {}", t.close_code(code))
}

/// The close's reason, when the broker gave one.
fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" ({reason})")
    }
}

pub fn step_text(lang: Language, step: &Step) -> String {
    translation(lang).step(step)
}

pub fn finding_text(lang: Language, finding: &Finding) -> String {
    translation(lang).finding(finding)
}

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
    NoAnswer,
    Undecodable,
    NoOrganisation,
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

fn error_code_text(lang: Language, code: ErrorCode) -> &'static str {
    translation(lang).error_code(code)
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
        let nl = translation(Language::Nl).connack(ConnackCode::NotAuthorized);
        assert!(nl.contains("CONNACK 5") && nl.contains("verlopen"));
        let en = translation(Language::En).connack(ConnackCode::NotAuthorized);
        assert!(en.contains("not authorised") && en.contains("expired"));
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
