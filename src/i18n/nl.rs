//! Nederlands (default). Exhaustive matches: a new message cannot ship untranslated.
//! Longer than most files on purpose: it is every text of one
//! language, read and reviewed beside its English twin line by line.

use const_format::formatcp;
use tillor_contract::broker_event::DisconnectCause;
use tillor_contract::config::Language;
use tillor_contract::error::ErrorCode;
use tillor_contract::namespace::ORG_ID_MAX_LEN;
use tillor_contract::refusal::RefusalReason;
use tillor_contract::rules::{EXPIRES_IN_SECONDS_MAX, EXPIRES_IN_SECONDS_MIN};

use super::event_text::EventWording;
use super::finding_text::FindingWording;
use super::step_text::{ConnackWording, DisconnectNext, StepWording};
use super::translation::{Msg, Translation};
use crate::format::local_time;
use crate::mqtt::properties_input::PropertyProblem;

pub struct Nl;

impl Translation for Nl {
    fn text(&self, msg: Msg) -> &'static str {
        match msg {
            Msg::Title => "Ontwikkelaars",
            Msg::Subtitle => "MQTT-inloggegevens voor de koppelingen van uw organisatie",
            Msg::LanguageLabel => "Taal",
            Msg::ContextEnv => "Omgeving",
            Msg::ContextOrg => "Organisatie",
            Msg::ContextHeader => "Org-header",
            Msg::ContextNone => "geen organisatie gekozen",
            Msg::SettingsTitle => "Organisatie kiezen",
            Msg::SettingsHint => "De API-sleutel blijft in het geheugen van dit tabblad, en nergens anders tenzij u hieronder iets anders kiest.",
            Msg::OrgIdLabel => "Organisatie-id",
            Msg::ApiKeyLabel => "API-sleutel",
            Msg::Remember => "Onthouden voor dit tabblad (sessionStorage)",
            Msg::Apply => "Gebruiken",
            Msg::SwitchOrganisation => "Andere organisatie",
            Msg::ForgetOrganisation => "Vergeet deze organisatie in deze browser",
            Msg::StaticTitle => "Statische inloggegevens",
            Msg::StaticIntro => "Voor koppelingen die altijd aan staan. Het wachtwoord wordt precies één keer getoond.",
            Msg::StaticLoading => "Inloggegevens laden…",
            Msg::StaticEmpty => "Deze organisatie heeft nog geen statische inloggegevens.",
            Msg::ColName => "Naam",
            Msg::ColUserName => "Gebruikersnaam",
            Msg::ColClientId => "Client-id",
            Msg::ColTopicPrefix => "Topic-prefix",
            Msg::ColCreated => "Aangemaakt",
            Msg::ColActions => "Acties",
            Msg::Unnamed => "(zonder naam)",
            Msg::BrokerMissing => "Ontbreekt op de broker: verwijder en maak opnieuw",
            Msg::NameLabel => "Naam (optioneel)",
            Msg::CreateStatic => "Inloggegevens maken",
            Msg::Delete => "Verwijderen",
            Msg::Deleting => "Verwijderen…",
            Msg::Reload => "Opnieuw laden",
            Msg::ErrorTitle => "Er ging iets mis",
            Msg::FieldRequired => "Vul dit veld in.",
            Msg::OrgIdInvalid => formatcp!("Alleen letters, cijfers, - en _ (maximaal {ORG_ID_MAX_LEN} tekens)."),
            Msg::JwtTitle => "Tijdelijke inloggegevens (JWT)",
            Msg::JwtIntro => "Voor tests en kortlopende koppelingen. Verbind met een lege gebruikersnaam, het token als wachtwoord en precies deze client-id.",
            Msg::ClientIdLabel => "Client-id (optioneel)",
            Msg::ClientIdHint => "Leeg laten om er een te laten maken. Het voorvoegsel van de omgeving wordt toegevoegd.",
            Msg::ExpiryLabel => "Geldigheid",
            Msg::Preset1m => "1 minuut",
            Msg::Preset15m => "15 minuten",
            Msg::Preset1h => "1 uur",
            Msg::Preset8h => "8 uur",
            Msg::Preset24h => "24 uur",
            Msg::PresetCustom => "Eigen aantal seconden",
            Msg::CustomSecondsLabel => formatcp!("Seconden ({EXPIRES_IN_SECONDS_MIN}–{EXPIRES_IN_SECONDS_MAX})"),
            Msg::CreateJwt => "Token maken",
            Msg::Working => "Bezig…",
            Msg::TokenLabel => "Token (wachtwoord)",
            Msg::Show => "Tonen",
            Msg::Hide => "Verbergen",
            Msg::BrokerUrlLabel => "Broker-URL",
            Msg::ExpiresAtLabel => "Verloopt",
            Msg::TimeLeft => "nog",
            Msg::ExpiresSoon => "verloopt binnen een minuut",
            Msg::Expired => "verlopen",
            Msg::Renew => "Vernieuwen (zelfde client-id)",
            Msg::Snippets => "Voorbeelden",
            Msg::Copy => "Kopiëren",
            Msg::Copied => "Gekopieerd",
            Msg::CopyFailed => "Kopiëren lukte niet: de tekst is geselecteerd, druk op Ctrl+C.",
            Msg::RevealTitle => "Nieuwe statische inloggegevens",
            Msg::RevealWarning => "Dit wachtwoord wordt maar één keer getoond. Bewaar het nu op een veilige plek.",
            Msg::PasswordLabel => "Wachtwoord",
            Msg::CopyEnv => "Kopiëren als .env",
            Msg::Acknowledge => "Ik heb het wachtwoord veilig opgeslagen",
            Msg::Done => "Klaar",
            Msg::Close => "Sluiten",
            Msg::ConfirmLoseTitle => "Wachtwoord niet opgeslagen?",
            Msg::ConfirmLoseText => "U kunt dit wachtwoord hierna niet meer zien.",
            Msg::ConfirmLoseYes => "Toch sluiten",
            Msg::ConfirmLoseNo => "Terug",
            Msg::DeleteTitle => "Inloggegevens verwijderen?",
            Msg::DeleteText => "Koppelingen die hiermee verbonden zijn, worden direct afgesloten en kunnen niet meer verbinden.",
            Msg::Rotate => "Nieuw wachtwoord",
            Msg::RotateTitle => "Nieuw wachtwoord maken?",
            Msg::RotateText => "Gebruikersnaam en client-id blijven gelijk. Het oude wachtwoord werkt direct niet meer: koppelingen die het gebruiken, worden nu verbroken tot ze het nieuwe hebben.",
            Msg::RotationUnconfirmed => "wachtwoord onzeker: maak opnieuw een nieuw wachtwoord",
            Msg::TokensHeading => "Actieve tokens",
            Msg::TokensEmpty => "Geen tokens die nog geldig zijn.",
            Msg::Revoke => "Intrekken",
            Msg::RevokeAll => "Alle tokens van deze client-id intrekken",
            Msg::RevokeTitle => "Token intrekken?",
            Msg::RevokeAllTitle => "Alle tokens van deze client-id intrekken?",
            Msg::RevokeText => "De broker weigert het vanaf nu, ook na een herstart, en verbreekt de verbindingen die het gebruiken direct.",
            Msg::RevokeAllText => "Alle tokens die tot nu toe voor deze client-id zijn gemaakt, worden ingetrokken en hun verbindingen verbroken. Tokens die u hierna maakt, werken wel.",
            Msg::Revoked => "ingetrokken",
            Msg::UsedByTestClient => "gebruikt door de testclient",
            Msg::ExpiresAt => "verloopt",
            Msg::WillTitle => "Laatste wil (last will)",
            Msg::WillOn => "Laatste wil meesturen bij verbinden",
            Msg::WillPayload => "Bericht",
            Msg::WillRetain => "Bewaren (retain)",
            Msg::WillHint => "De broker publiceert dit bericht als de verbinding wegvalt zonder afmelding: bij netwerkverlies, een keep-alive-timeout, of als de broker haar verbreekt (verlopen of ingetrokken token, Verbreken).",
            Msg::CaLabel => "CA-certificaat",
            Msg::CaDownload => "Downloaden (tillor-local-ca.pem)",
            Msg::CaHint => "Het certificaat van de broker is ondertekend door een privé-CA: clients controleren het met dit bestand (mosquitto --cafile, MQTT.js ca, paho tls_set(ca_certs=…), TBMQ_MQTT_CA_PATH van de connector).",
            Msg::TokenExpiredRenew => "Het token is verlopen: maak een nieuw (Vernieuwen) en verbind opnieuw.",
            Msg::ProtocolLabel => "Protocol",
            Msg::SessionExpiry => "Sessie bewaren (s, MQTT 5)",
            Msg::Mqtt5Properties => "MQTT 5-eigenschappen",
            Msg::ContentType => "Content type",
            Msg::PayloadUtf8 => "Payload is UTF-8-tekst (payload format indicator)",
            Msg::MessageExpiry => "Bericht verloopt na (s)",
            Msg::ResponseTopic => "Antwoordtopic (response topic)",
            Msg::CorrelationData => "Correlatiegegevens (correlation data)",
            Msg::UserProperties => "User properties, één naam=waarde per regel",
            Msg::WillDelay => "Vertraging (s): zo lang wacht de broker voor hij het testament publiceert",
            Msg::NoLocal => "No local (niet mijn eigen berichten)",
            Msg::RetainAsPublished => "Retain-vlag zoals gepubliceerd",
            Msg::RetainHandling => "Bewaarde berichten",
            Msg::RetainHandlingAlways => "bij elke subscribe",
            Msg::RetainHandlingNew => "alleen bij een nieuwe subscription",
            Msg::RetainHandlingNever => "nooit",
            Msg::Cancel => "Annuleren",
            Msg::Hint401 => "Controleer de API-sleutel.",
            Msg::Hint403 => "De API-sleutel en de organisatie horen niet bij elkaar: controleer beide.",
            Msg::Hint404Delete => "Deze inloggegevens zijn al verwijderd: laad de lijst opnieuw.",
            Msg::Hint5xx => "De API of de broker is even niet beschikbaar: probeer het zo opnieuw.",
            Msg::TestClientTitle => "Testclient (MQTT via WebSocket)",
            Msg::TestClientIntro => "Kies inloggegevens met ‘Gebruiken in testclient’ bij een token of nieuwe statische inloggegevens, of vul statische inloggegevens hieronder in.",
            Msg::UseCredential => "Gebruiken",
            Msg::UseInTestClient => "Gebruiken in testclient",
            Msg::EmptyUser => "(leeg)",
            Msg::Connect => "Verbinden",
            Msg::Disconnect => "Verbreken",
            Msg::CheckConnectivity => "Verbinding controleren",
            Msg::Verified => "geverifieerd",
            Msg::CheckFailed => "controle mislukt: zie de stappen hieronder",
            Msg::StatusIdle => "niet verbonden",
            Msg::StatusConnecting => "verbinden…",
            Msg::StatusConnected => "verbonden",
            Msg::StatusClosed => "verbinding gesloten",
            Msg::Diagnostics => "Stappen",
            Msg::OutsideNamespace => "Buiten de namespace van uw organisatie:",
            Msg::Subscribe => "Abonneren",
            Msg::RelativeToPrefix => "Relatief aan het topic-prefix",
            Msg::FullTopic => "Volledig topic",
            Msg::LabelPlaceholder => "Label (optioneel)",
            Msg::SendAnyway => "Toch versturen, om te zien wat de broker doet",
            Msg::SubPending => "wacht op SUBACK",
            Msg::SubRefused => "geweigerd",
            Msg::Remove => "Verwijderen",
            Msg::Publish => "Publiceren",
            Msg::SilentPublish => "Onder MQTT 3.1.1 laat Mosquitto een geweigerde PUBLISH stil vallen; TBMQ (productie) verbreekt dan de verbinding.",
            Msg::Messages => "Berichten",
            Msg::RenewAndReconnect => "JWT vernieuwen en verbinden",
            Msg::Received => "Ontvangen",
            Msg::Sent => "Verzonden",
            Msg::InLog => "In het logboek",
            Msg::ClearLog => "Wissen",
            Msg::BroadFilter => "Dit filter ontvangt alles onder het prefix: bij veel verkeer zijn dat veel berichten (het logboek bewaart de nieuwste, de tellers tellen alles).",
            Msg::FilterLog => "Filter (topic of inhoud)",
            Msg::ShowAs => "Inhoud als",
            Msg::Export => "Exporteren (JSON Lines)",
            Msg::Pause => "Pauzeren",
            Msg::Resume => "Hervatten",
            Msg::Direction => "Richting",
            Msg::AllDirections => "Beide richtingen",
            Msg::LogCap => "Bewaar maximaal",
            Msg::MessageDetails => "Bericht",
            Msg::RecentPublishes => "Recent verstuurd",
            Msg::SubscribeFilterLabel => "Topicfilter",
            Msg::PublishTopicLabel => "Topic",
            Msg::WillTopicLabel => "Topic van de will",
            Msg::PayloadLabel => "Bericht",
            Msg::RememberPublishes => "Onthoud de laatste berichten in deze browser",
            Msg::NoAnswer => "Geen antwoord van de API. Controleer het adres en uw netwerk; staat de console op een andere site, dan moet de API die toestaan (CORS).",
            Msg::Undecodable => "De server gaf een antwoord dat de console niet begrijpt.",
            Msg::NoOrganisation => "Kies eerst een organisatie (organisatie-id en API-sleutel) bovenaan deze pagina.",
            Msg::ConnectionsTitle => "Verbindingen",
            Msg::ConnectionsIntro => "Wat de broker ziet van de koppelingen van deze organisatie: verbindingen, weigeringen met hun reden, en geweigerde abonnementen en berichten. Herhalingen staan op één regel met een aantal.",
            Msg::OpenConnections => "Verbindingen tonen",
            Msg::TestClientOffer => "Verbind met een inloggegeven binnen de namespace van deze organisatie: abonneren, publiceren en zien wat de broker antwoordt. Kies hierboven ‘Gebruiken in testclient’ of vul zelf inloggegevens in.",
            Msg::OpenTestClient => "Testclient openen",
            Msg::PartLoading => "Laden…",
            Msg::PartFailed => "Dit onderdeel kon niet laden. Controleer de verbinding met de server en probeer het opnieuw; de rest van de pagina blijft werken.",
            Msg::Retry => "Opnieuw proberen",
            Msg::EventsEmpty => "Nog niets gezien.",
            Msg::FilterClientId => "Filter op client-id",
            Msg::AllKinds => "Alles",
            Msg::KindRefused => "Geweigerd",
            Msg::KindConnected => "Verbonden",
            Msg::KindDisconnected => "Verbroken",
            Msg::KindSubscribeRefused => "Abonnement geweigerd",
            Msg::KindPublishRefused => "Bericht geweigerd",
            Msg::KindRevoked => "Ingetrokken",
            Msg::KindRotated => "Nieuw wachtwoord",
            Msg::EventsDropped => "meldingen van de broker gingen onderweg verloren (de broker of de server had het te druk): deze lijst kan gebeurtenissen missen.",
            Msg::Times => "keer",
            Msg::EventKindLabel => "Soort",
            Msg::ColConnection => "Verbinding",
            Msg::LastSeen => "laatst gezien",
            Msg::NeverConnected => "nooit verbonden",
            Msg::TestClientBadge => "testclient van de console",
            Msg::LiveSessions => "Nu verbonden",
            Msg::NoLiveSessions => "Er is nu niets verbonden.",
            Msg::Kick => "Verbreken",
            Msg::KickTitle => "Verbinding verbreken?",
            Msg::KickText => "De broker sluit deze verbinding direct. Verbindt de koppeling opnieuw met geldige inloggegevens, dan komt ze gewoon terug: verwijder de inloggegevens om haar buiten te houden.",
            Msg::EventsHeading => "Wat de broker zag",
            Msg::AutoRenew => "JWT automatisch vernieuwen, een minuut voor het verloopt (verbindt opnieuw en abonneert opnieuw)",
        }
    }

    fn error_code(&self, code: ErrorCode) -> &'static str {
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
            ErrorCode::UnknownValue => "Deze waarde is niet een van de toegestane waarden.",
            ErrorCode::NotATime => "Dit is geen tijd in RFC 3339-vorm.",
            ErrorCode::NotACursor => "Deze positie in de lijst is niet (meer) geldig: laad de lijst opnieuw.",
            ErrorCode::TokenNotFound => "Dit token bestaat niet (meer) in deze organisatie; verlopen tokens worden vergeten.",
            ErrorCode::ClientIdNotFound => "Deze client-id hoort niet bij deze organisatie.",
            ErrorCode::RotationUnconfirmed => "De broker bevestigde het nieuwe wachtwoord niet: het oude werkt misschien nog, misschien niet. Maak nog eens een nieuw wachtwoord; dat werkt zeker.",
            ErrorCode::InvalidCombination => "Deze combinatie van zoekopties kan niet samen.",
            ErrorCode::UnsupportedMediaType => "De server verwacht JSON.",
            ErrorCode::PayloadTooLarge => "Het verzoek is te groot.",
            ErrorCode::NotFound => "Dit adres bestaat niet op de server.",
            ErrorCode::CredentialNotFound => "Deze inloggegevens bestaan niet (meer).",
            ErrorCode::MethodNotAllowed => "Deze actie is hier niet toegestaan.",
            ErrorCode::ClientIdTaken => "Deze client-id is al in gebruik bij een andere organisatie.",
            ErrorCode::BrokerUnavailable => "De MQTT-broker is niet bereikbaar; er is niets gewijzigd.",
            ErrorCode::QuotaExceeded => "Deze organisatie heeft haar limiet bereikt; verwijder eerst iets of probeer het later opnieuw.",
            ErrorCode::Busy => "De server is druk met het beveiligen van andere wachtwoorden; probeer het over een paar seconden opnieuw.",
            ErrorCode::Timeout => "Het verzoek duurde te lang en is afgebroken; probeer het opnieuw.",
            ErrorCode::DeleteUnfinished => "Het verwijderen is begonnen maar niet afgerond (de broker of de database antwoordde niet). Verwijder nog eens; anders rondt de server het binnen een minuut af zodra beide weer antwoorden.",
            ErrorCode::StoreUnavailable => "De database kan nu niet worden beschreven (schijf vol of alleen-lezen); er is niets gewijzigd.",
            ErrorCode::Internal => "Interne fout op de server; probeer het later opnieuw.",
        }
    }

    fn unexpected_status(&self, status: u16) -> String {
        format!("Onverwacht antwoord van de server (HTTP {status}).")
    }

    fn connack_wording(&self, wording: ConnackWording) -> &'static str {
        match wording {
            ConnackWording::UnacceptableProtocolVersion => "Geweigerd (CONNACK {n}): de broker accepteert deze MQTT-versie niet. Kies het andere protocol bij Verbinden.",
            ConnackWording::IdentifierRejected => "Geweigerd (CONNACK {n}): de broker weigert deze client-id. Gebruik alleen {allowed} en precies de client-id van de inloggegevens.",
            ConnackWording::ServerUnavailable => "Geweigerd (CONNACK {n}): de broker is tijdelijk niet beschikbaar of te druk. Probeer het zo opnieuw.",
            ConnackWording::BadUserNameOrPassword => "Geweigerd (CONNACK {n}): gebruikersnaam of wachtwoord onjuist. Bij een JWT is de gebruikersnaam leeg en het token het wachtwoord.",
            ConnackWording::NotAuthorizedNoReason => "Geweigerd (CONNACK {n}): het wachtwoord of token klopt niet, is verlopen of hoort bij een andere client-id, of de inloggegevens zijn verwijderd. Mosquitto antwoordt op elke geweigerde login met 0x87 zonder reden, dus welke van deze het was staat niet in het antwoord: de kaart Verbindingen toont wat de broker zag.",
            ConnackWording::NotAuthorized => "Geweigerd (CONNACK {n}, niet geautoriseerd): het wachtwoord of token klopt niet, is verlopen of hoort bij een andere client-id, of de inloggegevens zijn verwijderd.",
            ConnackWording::Limited => "Geweigerd (CONNACK {n}): de broker beperkt deze client (geblokkeerd, quotum of te veel verbindingen). Wacht even voor je opnieuw verbindt.",
            ConnackWording::Other => "Geweigerd (CONNACK {n}).",
        }
    }

    fn server_disconnect_wording(&self) -> &'static str {
        "De broker heeft deze client afgesloten (DISCONNECT {n}). {next}"
    }

    fn disconnect_next(&self, next: DisconnectNext) -> &'static str {
        match next {
            DisconnectNext::TakenOver => "Een andere verbinding met dezelfde client-id heeft deze sessie overgenomen: een ander tabblad of een draaiende integratie. De console verbindt niet opnieuw, zodat die niet op zijn beurt wordt afgesloten.",
            DisconnectNext::Kicked => "Iemand heeft deze client bewust afgesloten (Verbindingen > Verbreken, of ingetrokken of verlopen inloggegevens).",
            DisconnectNext::KeepAliveTimeout => "De broker hoorde niets binnen de keep-alive: het netwerk of het tabblad haperde.",
            DisconnectNext::Restarting => "De broker herstart of is overbelast; de console verbindt opnieuw.",
            DisconnectNext::NotAllowed => "De inloggegevens staan deze verbinding niet meer toe (verlopen, ingetrokken of verwijderd).",
            DisconnectNext::Elsewhere => "De broker verwijst elders naartoe; gebruik de broker-URL van nieuwe inloggegevens.",
            DisconnectNext::ProtocolProblem => "De broker vond een protocolfout in wat de console stuurde; het logboek hierboven toont de laatste pakketten.",
            DisconnectNext::MaxConnectTime => "De maximale verbindingsduur van de broker is verstreken; verbind opnieuw.",
            DisconnectNext::Other => "De broker gaf deze reden; zie de MQTT 5-specificatie, tabel 2-6.",
        }
    }

    fn close_code(&self, code: u16) -> &'static str {
        match code {
            1000 => "normaal gesloten",
            1001 => "de broker ging offline",
            1002 => "protocolfout",
            1003 => "de broker accepteert dit soort data niet",
            1005 => "gesloten zonder code",
            1006 => "verbroken zonder afsluiting: broker onbereikbaar, verkeerde URL of poort, of de broker weigerde de WebSocket-handshake (subprotocol mqtt)",
            1008 => "geweigerd door het beleid van de broker",
            1009 => "bericht te groot",
            1011 => "interne fout in de broker",
            1015 => "TLS-fout: het certificaat van de broker wordt niet vertrouwd",
            _ => "onbekende code",
        }
    }

    fn step_wording(&self, wording: StepWording) -> &'static str {
        match wording {
            StepWording::UrlMixedContent => "Geweigerd vóór verbinden: deze pagina is https, dus de browser blokkeert ws:// (mixed content). Gebruik de wss://-URL van de broker.",
            StepWording::UrlNotWebSocket => "Geen WebSocket-URL ({scheme}://): een browser verbindt alleen via ws:// of wss://. mqtt:// is voor koppelingen.",
            StepWording::UrlFragment => "Een WebSocket-URL kan geen #-deel hebben: laat alles vanaf # weg.",
            StepWording::UrlEmpty => "Geen broker-URL ingesteld (brokerWsUrl).",
            StepWording::Opening => "WebSocket openen naar {url} (subprotocol mqtt)…",
            StepWording::OpenedInWorker => "WebSocket open: {url}, subprotocol {protocol} (in een worker)",
            StepWording::OpenedOnPage => "WebSocket open: {url}, subprotocol {protocol} (op de pagina: de hostpagina staat geen worker toe)",
            StepWording::OpenFailed => "WebSocket kon niet openen: {error}",
            StepWording::ConnectSent => "CONNECT verstuurd: client-id {client_id}, gebruikersnaam {user} (het wachtwoord wordt niet getoond)",
            StepWording::ConnackAccepted => "CONNACK 0: verbonden",
            StepWording::BrokerLimits => "Limieten van de broker (CONNACK): {limits}",
            StepWording::SubscriptionGranted => "SUBACK {filter}: toegestaan met QoS {qos}",
            StepWording::SubscriptionGrantedUnpredicted => "SUBACK {filter}: toegestaan met QoS {qos} (de console had een weigering voorspeld)",
            StepWording::SubscriptionRefused => "SUBACK {filter}: geweigerd ({reason})",
            StepWording::SubscriptionRefusedPredicted => "SUBACK {filter}: geweigerd ({reason}), zoals voorspeld: buiten de namespace",
            StepWording::Published => "PUBLISH {topic} (QoS {qos})",
            StepWording::PublishedOutsideV311 => "PUBLISH {topic} (QoS {qos}) buiten de namespace verstuurd: onder MQTT 3.1.1 laat Mosquitto het stil vallen (QoS 1 krijgt nog een PUBACK, maar niemand ontvangt het); TBMQ verbreekt de verbinding.",
            StepWording::PublishedOutsideV5 => "PUBLISH {topic} (QoS {qos}) buiten de namespace verstuurd: onder MQTT 5 antwoordt de broker bij QoS 1 en 2 met reason code 0x87; QoS 0 krijgt geen antwoord en valt weg.",
            StepWording::Acknowledged => "Bevestigd door de broker (pakket {packet})",
            StepWording::AcknowledgedWithReason => "Bevestigd door de broker (pakket {packet}, {reason})",
            StepWording::DeliveryRefusedUnpredicted => "Geweigerd door de broker (pakket {packet}, {reason}), terwijl de console het toegestaan achtte",
            StepWording::DeliveryRefusedPredicted => "Geweigerd door de broker (pakket {packet}, {reason}), zoals voorspeld: buiten de namespace",
            StepWording::Timeout => "Geen {what} op tijd: de verbinding is dood.",
            StepWording::ProtocolError => "Protocolfout: {why}",
            StepWording::TransportError => "WebSocket-fout (de browser geeft geen details; zie de sluitcode hieronder).",
            StepWording::ClosedAsAsked => "Verbinding gesloten op uw verzoek.",
            StepWording::ClosedTokenExpired => "Verbinding verbroken ({close}). {renew}{suffix}",
            StepWording::ClosedByBroker => "De broker verbrak de verbinding ({close}). Meestal: dezelfde client-id is elders verbonden (een ander tabblad of een draaiende koppeling) en heeft deze sessie overgenomen, of de inloggegevens zijn verwijderd.{suffix}",
            StepWording::ClosedCertificateNotTrusted => "De beveiligde WebSocket ging niet open ({close}). Waarschijnlijk vertrouwt deze browser het certificaat van de broker niet: het is ondertekend door een privé-CA. Download het CA-certificaat (naast de broker-URL), vertrouw het in de browser of het systeem (Chromium: Instellingen › Privacy en beveiliging › Beveiliging › Certificaten beheren › Certificeringsinstanties › Importeren; Linux: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n tillor -i tillor-local-ca.pem) en verbind opnieuw. Een verkeerde host of poort faalt net zo.{suffix}",
            StepWording::ClosedOther => "Verbinding gesloten ({close}).{suffix}",
            StepWording::Reconnecting => "Opnieuw verbinden over {seconds} s (poging {attempt}); abonnementen worden daarna opnieuw aangevraagd.",
            StepWording::NotRetryingRefused => "Niet opnieuw geprobeerd: de broker weigerde deze inloggegevens, opnieuw proberen helpt niet.",
            StepWording::NotRetryingTokenExpired => "Niet opnieuw geprobeerd: het token is verlopen. Gebruik ‘JWT vernieuwen en verbinden’.",
            StepWording::NotRetryingTakenOver => "Niet opnieuw geprobeerd: de broker meldde dat een andere verbinding met deze client-id de sessie overnam. Sluit die verbinding, of gebruik een andere client-id, en verbind dan opnieuw.",
            StepWording::NotRetryingTakeoverLoop => "Niet opnieuw geprobeerd: de verbinding werd steeds vlak na het verbinden verbroken. Waarschijnlijk gebruikt een ander tabblad of een draaiende koppeling dezelfde client-id; opnieuw verbinden zou die steeds afsluiten. Sluit die verbinding, of gebruik een andere client-id.",
            StepWording::NotRetryingRevoked => "Verbroken en niet opnieuw geprobeerd: het token van de testclient is ingetrokken (Actieve tokens). De broker weigert het vanaf nu; maak een nieuw token en gebruik dat.",
            StepWording::TokenRenewed => "Nieuw JWT voor dezelfde client-id, geldig tot {until}; opnieuw verbinden en abonnementen opnieuw aanvragen.",
            StepWording::WillOutsideNamespace => "Niet verbonden: de laatste wil gaat naar {topic}, buiten de namespace van uw organisatie. De broker zou hem bij het verbinden aannemen en later zonder melding laten vallen. Kies een topic onder het prefix.",
            StepWording::WillPropertiesInvalid => "Niet verbonden: de MQTT 5-eigenschappen van de laatste wil zijn niet bruikbaar. {problem} Een wil wordt precies zo verstuurd als hij hier staat, of helemaal niet: verbeter het veld, of maak het leeg.",
        }
    }

    fn property_problem(&self, problem: &PropertyProblem) -> String {
        match problem {
            PropertyProblem::NotSeconds { value, .. } => {
                format!("“{value}” is geen aantal seconden (0 tot 4294967295).")
            }
            PropertyProblem::UserPropertyLine(n) => {
                format!("User properties, regel {n}: schrijf naam=waarde.")
            }
            PropertyProblem::ResponseTopicWildcard => {
                "Een antwoordtopic is een topicnaam: geen # of +.".into()
            }
        }
    }

    fn finding_wording(&self, wording: FindingWording) -> &'static str {
        match wording {
            FindingWording::WhatOrganisation => "uw organisatie",
            FindingWording::WhatEnv => "de omgeving",
            FindingWording::WhatExpected => "verwacht",
            FindingWording::HintWhitespace => " (spaties eromheen)",
            FindingWording::HintCase => " (hoofdletters verschillen)",
            FindingWording::LevelDiffers => "niveau {level} is `{got}`, {what}: `{expected}`{hint}",
            FindingWording::WildcardInPrefix => {
                "niveau {level} is `{wildcard}`: een wildcard mag pas ná het prefix"
            }
            FindingWording::TooShort => {
                "maar {levels} niveaus: het topic moet met het volledige prefix beginnen"
            }
            FindingWording::HashNotLast => "niveau {level}: `#` mag alleen het laatste niveau zijn",
            FindingWording::PlusNotAlone => "niveau {level}: `+` moet een heel niveau zijn",
            FindingWording::WildcardInTopic => {
                "een topic om naar te publiceren mag geen `+` of `#` bevatten"
            }
            FindingWording::DollarTopic => "topics die met `$` beginnen zijn van de broker zelf",
            FindingWording::Empty => "het topic is leeg",
            FindingWording::TooLong => "het topic is langer dan {max} bytes",
            FindingWording::ContainsNul => "het topic bevat een NUL-teken",
        }
    }

    fn event_wording(&self, wording: EventWording) -> &'static str {
        match wording {
            EventWording::WithJwt => "een JWT",
            EventWording::WithStaticNamed => "statische inloggegevens ‘{name}’",
            EventWording::WithStatic => "statische inloggegevens",
            EventWording::Connected => "Verbonden met {with} vanaf {address} ({protocol})",
            EventWording::Refused => "Verbinding geweigerd: {refusal}",
            EventWording::SubscribeRefused => "Abonnement op {filter} geweigerd (SUBACK 0x80): {refusal}",
            EventWording::PublishRefused => "Bericht naar {topic} niet afgeleverd: {refusal}",
            EventWording::Revoked => "Token {jti} ingetrokken: de broker weigert het vanaf nu en verbreekt de verbindingen die het gebruiken.",
            EventWording::RotatedNamed => "Nieuw wachtwoord voor statische inloggegevens ‘{name}’: het oude werkt niet meer.",
            EventWording::Rotated => "Nieuw wachtwoord voor statische inloggegevens: het oude werkt niet meer.",
        }
    }

    fn disconnect_cause(&self, cause: DisconnectCause) -> &'static str {
        match cause {
            DisconnectCause::ClientDisconnected => "Verbinding netjes beëindigd door de koppeling.",
            DisconnectCause::ConnectionLost => "Verbinding weggevallen zonder afmelding: netwerk, of het proces van de koppeling stopte.",
            DisconnectCause::KeepAliveTimeout => "Verbroken: de koppeling zweeg langer dan haar keep-alive. Controleer het netwerk en de keep-alive.",
            DisconnectCause::TakenOver => "Overgenomen: een andere verbinding gebruikte dezelfde client-id. Geef elke koppeling een eigen client-id.",
            DisconnectCause::TokenExpired => "Verbroken door de broker: het token was verlopen. Vernieuw het token op tijd.",
            DisconnectCause::Kicked => "Verbroken door de broker: op verzoek (Verbreken), of omdat de inloggegevens zijn verwijderd of gewijzigd.",
            DisconnectCause::Error => "Verbroken na een fout: een ongeldig pakket of een netwerkfout.",
            DisconnectCause::BrokerRestarted => "De broker is gestopt en opnieuw gestart: alle verbindingen zijn toen verbroken. Een koppeling met automatisch opnieuw verbinden komt vanzelf terug.",
            DisconnectCause::TokenRevoked => "Verbroken door de broker: het token is ingetrokken. Maak een nieuw token voor deze koppeling.",
            DisconnectCause::PasswordRotated => "Verbroken door de broker: de statische inloggegevens kregen een nieuw wachtwoord. Zet het nieuwe wachtwoord in de koppeling.",
        }
    }

    fn refusal(&self, reason: &RefusalReason) -> String {
        let at = |secs: &i64| local_time(*secs as f64 * 1000.0, Language::Nl);
        match reason {
            RefusalReason::UnknownUsername => "onbekende gebruikersnaam. Controleer de gebruikersnaam in de koppeling.".into(),
            RefusalReason::WrongPassword => "verkeerd wachtwoord. Het wachtwoord is alleen bij het maken getoond: maak zo nodig nieuwe inloggegevens.".into(),
            RefusalReason::DeletedCredential => "deze inloggegevens zijn verwijderd. Maak nieuwe en zet die in de koppeling.".into(),
            RefusalReason::ClientIdMismatch { expected, connecting } => format!("client-id {connecting} hoort niet bij deze inloggegevens. Gebruik precies {expected}."),
            RefusalReason::UsernameNotEmpty => "bij een JWT is de gebruikersnaam leeg.".into(),
            RefusalReason::NoToken => "er stond geen token in het wachtwoord.".into(),
            RefusalReason::MalformedToken => "het wachtwoord is geen token dat de broker accepteert.".into(),
            RefusalReason::UnknownSigningKey => "het token is ondertekend met een sleutel die de broker niet kent.".into(),
            RefusalReason::BadSignature => "de handtekening van het token klopt niet.".into(),
            RefusalReason::WrongIssuerOrAudience => "het token is niet voor deze broker uitgegeven.".into(),
            RefusalReason::Expired { exp } => format!("het token is verlopen om {}. Maak een nieuw token (Vernieuwen).", at(exp)),
            RefusalReason::NotYetValid { nbf } => format!("het token is pas geldig vanaf {}. Controleer de klok van het apparaat.", at(nbf)),
            RefusalReason::WrongEnv { token, broker } => format!("het token is voor omgeving {token}, deze broker is {broker}."),
            RefusalReason::OutsideNamespace { topic } => format!("{topic} valt buiten de namespace van uw organisatie."),
            RefusalReason::Revoked => "dit token is ingetrokken. Maak een nieuw token.".into(),
        }
    }

    fn connected_count(&self, n: u32) -> String {
        format!("verbonden ({n})")
    }

    fn sessions_cut(&self, n: u32) -> String {
        match n {
            1 => {
                "Er is nu 1 verbinding met deze inloggegevens; die wordt direct afgesloten.".into()
            }
            n => format!(
                "Er zijn nu {n} verbindingen met deze inloggegevens; die worden direct afgesloten."
            ),
        }
    }
}
