//! Nederlands (default). Exhaustive matches: a new message cannot ship untranslated.

use super::Msg;
use tillor_contract::error::ErrorCode;

pub fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::Title => "Ontwikkelaars",
        Msg::Subtitle => "MQTT-inloggegevens voor de koppelingen van uw organisatie",
        Msg::LanguageLabel => "Taal",
        Msg::ContextEnv => "Omgeving",
        Msg::ContextOrg => "Organisatie",
        Msg::ContextHeader => "Org-header",
        Msg::ContextNone => "geen organisatie gekozen",
        Msg::SettingsTitle => "Organisatie kiezen",
        Msg::SettingsHint => "De API-sleutel blijft alleen in het geheugen van dit tabblad.",
        Msg::OrgIdLabel => "Organisatie-id",
        Msg::ApiKeyLabel => "API-sleutel",
        Msg::Apply => "Gebruiken",
        Msg::SwitchOrganisation => "Andere organisatie",
        Msg::StaticTitle => "Statische inloggegevens",
        Msg::StaticLoading => "Inloggegevens laden…",
        Msg::StaticEmpty => "Deze organisatie heeft nog geen statische inloggegevens.",
        Msg::ColName => "Naam",
        Msg::ColUserName => "Gebruikersnaam",
        Msg::ColClientId => "Client-id",
        Msg::ColTopicPrefix => "Topic-prefix",
        Msg::ColCreated => "Aangemaakt",
        Msg::Unnamed => "(zonder naam)",
        Msg::ErrorTitle => "Er ging iets mis",
        Msg::FieldRequired => "Vul dit veld in.",
        Msg::OrgIdInvalid => "Alleen letters, cijfers, - en _ (maximaal 64 tekens).",
    }
}

pub fn error(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::MissingApiKey => "Vul de API-sleutel van de organisatie in.",
        ErrorCode::InvalidApiKey => "Deze API-sleutel is niet geldig.",
        ErrorCode::WrongOrganisation => "Deze API-sleutel hoort niet bij deze organisatie.",
        ErrorCode::OrgHeaderMismatch => {
            "De organisatie in de X-Tillor-Org-Id-header komt niet overeen met de gekozen organisatie."
        }
        ErrorCode::MalformedJson => "Het verzoek is geen geldige JSON.",
        ErrorCode::NotAnObject => "Het verzoek moet een JSON-object zijn.",
        ErrorCode::UnknownField => "Het verzoek bevat een onbekend veld.",
        ErrorCode::NotAnInteger => "Vul een geheel aantal seconden in.",
        ErrorCode::OutOfRange => "Deze waarde valt buiten het toegestane bereik.",
        ErrorCode::NotAString => "Deze waarde moet tekst zijn.",
        ErrorCode::Empty => "Dit veld mag niet leeg zijn.",
        ErrorCode::TooLong => "Deze waarde is te lang.",
        ErrorCode::InvalidCharacters => "Deze waarde bevat tekens die niet zijn toegestaan.",
        ErrorCode::UnsupportedMediaType => "De server verwacht JSON.",
        ErrorCode::PayloadTooLarge => "Het verzoek is te groot.",
        ErrorCode::NotFound => "Dit adres bestaat niet op de server.",
        ErrorCode::CredentialNotFound => "Deze inloggegevens bestaan niet (meer).",
        ErrorCode::MethodNotAllowed => "Deze actie is hier niet toegestaan.",
        ErrorCode::ClientIdTaken => "Deze client-id is al in gebruik bij een andere organisatie.",
        ErrorCode::BrokerUnavailable => "De MQTT-broker is niet bereikbaar; er is niets gewijzigd.",
        ErrorCode::Internal => "Interne fout op de server; probeer het later opnieuw.",
    }
}
