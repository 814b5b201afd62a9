//! English. Exhaustive matches: a new message cannot ship untranslated.

use super::Msg;
use tillor_contract::error::ErrorCode;

pub fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::Title => "Developers",
        Msg::Subtitle => "MQTT credentials for your organisation's integrations",
        Msg::LanguageLabel => "Language",
        Msg::ContextEnv => "Env",
        Msg::ContextOrg => "Organisation",
        Msg::ContextHeader => "Org header",
        Msg::ContextNone => "no organisation chosen",
        Msg::SettingsTitle => "Choose organisation",
        Msg::SettingsHint => "The API key stays in this tab's memory only.",
        Msg::OrgIdLabel => "Organisation id",
        Msg::ApiKeyLabel => "API key",
        Msg::Apply => "Use",
        Msg::SwitchOrganisation => "Switch organisation",
        Msg::StaticTitle => "Static credentials",
        Msg::StaticLoading => "Loading credentials…",
        Msg::StaticEmpty => "This organisation has no static credentials yet.",
        Msg::ColName => "Name",
        Msg::ColUserName => "Username",
        Msg::ColClientId => "Client id",
        Msg::ColTopicPrefix => "Topic prefix",
        Msg::ColCreated => "Created",
        Msg::Unnamed => "(unnamed)",
        Msg::ErrorTitle => "Something went wrong",
        Msg::FieldRequired => "Fill in this field.",
        Msg::OrgIdInvalid => "Letters, digits, - and _ only (at most 64 characters).",
    }
}

pub fn error(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::MissingApiKey => "Enter the organisation's API key.",
        ErrorCode::InvalidApiKey => "This API key is not valid.",
        ErrorCode::WrongOrganisation => "This API key does not belong to this organisation.",
        ErrorCode::OrgHeaderMismatch => {
            "The organisation in the X-Tillor-Org-Id header does not match the chosen organisation."
        }
        ErrorCode::MalformedJson => "The request is not valid JSON.",
        ErrorCode::NotAnObject => "The request must be a JSON object.",
        ErrorCode::UnknownField => "The request has an unknown field.",
        ErrorCode::NotAnInteger => "Enter a whole number of seconds.",
        ErrorCode::OutOfRange => "This value is outside the allowed range.",
        ErrorCode::NotAString => "This value must be text.",
        ErrorCode::Empty => "This field must not be empty.",
        ErrorCode::TooLong => "This value is too long.",
        ErrorCode::InvalidCharacters => "This value contains characters that are not allowed.",
        ErrorCode::UnsupportedMediaType => "The server expects JSON.",
        ErrorCode::PayloadTooLarge => "The request is too large.",
        ErrorCode::NotFound => "This address does not exist on the server.",
        ErrorCode::CredentialNotFound => "These credentials do not exist (any more).",
        ErrorCode::MethodNotAllowed => "This action is not allowed here.",
        ErrorCode::ClientIdTaken => "This client id is already used by another organisation.",
        ErrorCode::BrokerUnavailable => "The MQTT broker cannot be reached; nothing was changed.",
        ErrorCode::Internal => "Internal server error; please try again later.",
    }
}
