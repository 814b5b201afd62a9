//! The test client's diagnostics in words: each step, CONNACK codes and close
//! codes with a plain explanation and the likely fix, in Dutch and English.

use tillor_contract::config::Language;
use tillor_contract::namespace::{Finding, TOPIC_MAX_BYTES};

use crate::mqtt::qos::Qos;
use crate::mqtt::retry::StopReason;
use crate::mqtt::session::ConnackCode;
use crate::mqtt::steps::Step;
use crate::mqtt::url::UrlProblem;

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
}

fn pick(lang: Language, nl: String, en: String) -> String {
    match lang {
        Language::Nl => nl,
        Language::En => en,
    }
}

pub fn connack_text(lang: Language, code: ConnackCode) -> String {
    let n = code.as_u8();
    match code {
        ConnackCode::UnacceptableProtocolVersion => pick(lang,
            format!("Geweigerd (CONNACK {n}): de broker accepteert deze MQTT-versie niet. Gebruik MQTT 3.1.1."),
            format!("Refused (CONNACK {n}): the broker does not accept this MQTT version. Use MQTT 3.1.1.")),
        ConnackCode::IdentifierRejected => pick(lang,
            format!("Geweigerd (CONNACK {n}): de broker weigert deze client-id. Gebruik alleen A-Z a-z 0-9 . _ - en precies de client-id van de inloggegevens."),
            format!("Refused (CONNACK {n}): the broker rejects this client id. Use only A-Z a-z 0-9 . _ - and exactly the credential's client id.")),
        ConnackCode::ServerUnavailable => pick(lang,
            format!("Geweigerd (CONNACK {n}): de broker is tijdelijk niet beschikbaar. Probeer het zo opnieuw."),
            format!("Refused (CONNACK {n}): the broker is temporarily unavailable. Try again shortly.")),
        ConnackCode::BadUserNameOrPassword => pick(lang,
            format!("Geweigerd (CONNACK {n}): gebruikersnaam of wachtwoord onjuist. Bij een JWT is de gebruikersnaam leeg en het token het wachtwoord."),
            format!("Refused (CONNACK {n}): wrong username or password. With a JWT the username is empty and the token is the password.")),
        ConnackCode::NotAuthorized => pick(lang,
            format!("Geweigerd (CONNACK {n}, niet geautoriseerd): het wachtwoord of token klopt niet, is verlopen of hoort bij een andere client-id, of de inloggegevens zijn verwijderd."),
            format!("Refused (CONNACK {n}, not authorised): the password or token is wrong, expired or for another client id, or the credentials were deleted.")),
        ConnackCode::Other(_) => pick(lang,
            format!("Geweigerd (CONNACK {n}): onbekende code."),
            format!("Refused (CONNACK {n}): unknown code.")),
    }
}

pub fn close_code_text(lang: Language, code: u16) -> String {
    let (nl, en) = match code {
        1000 => ("normaal gesloten", "closed normally"),
        1001 => ("de broker ging offline", "the broker went away"),
        1002 => ("protocolfout", "protocol error"),
        1003 => ("de broker accepteert dit soort data niet", "the broker does not accept this kind of data"),
        1005 => ("gesloten zonder code", "closed without a code"),
        1006 => ("verbroken zonder afsluiting: broker onbereikbaar, verkeerde URL of poort, of de broker weigerde de WebSocket-handshake (subprotocol mqtt)",
                 "dropped without a close: broker unreachable, wrong URL or port, or the broker refused the WebSocket handshake (subprotocol mqtt)"),
        1008 => ("geweigerd door het beleid van de broker", "refused by the broker's policy"),
        1009 => ("bericht te groot", "message too large"),
        1011 => ("interne fout in de broker", "internal broker error"),
        1015 => ("TLS-fout: het certificaat van de broker wordt niet vertrouwd", "TLS failure: the broker's certificate is not trusted"),
        _ => ("onbekende code", "unknown code"),
    };
    pick(
        lang,
        format!("code {code}: {nl}"),
        format!("code {code}: {en}"),
    )
}

fn qos(q: Qos) -> u8 {
    q.as_u8()
}

/// The outcome and the sentence for one step.
pub fn step_text(lang: Language, step: &Step) -> (Outcome, String) {
    use Outcome::*;
    match step {
        Step::UrlRefused(UrlProblem::MixedContent) => (Failed, pick(lang,
            "Geweigerd vóór verbinden: deze pagina is https, dus de browser blokkeert ws:// (mixed content). Gebruik de wss://-URL van de broker.".into(),
            "Refused before connecting: this page is https, so the browser blocks ws:// (mixed content). Use the broker's wss:// URL.".into())),
        Step::UrlRefused(UrlProblem::NotWebSocket { scheme }) => (Failed, pick(lang,
            format!("Geen WebSocket-URL ({scheme}://): een browser verbindt alleen via ws:// of wss://. mqtt:// is voor koppelingen."),
            format!("Not a WebSocket URL ({scheme}://): a browser connects only over ws:// or wss://. mqtt:// is for integrations."))),
        Step::UrlRefused(UrlProblem::Fragment) => (Failed, pick(lang,
            "Een WebSocket-URL kan geen #-deel hebben: laat alles vanaf # weg.".into(),
            "A WebSocket URL cannot have a # part: leave out everything from the #.".into())),
        Step::UrlRefused(UrlProblem::Empty) => (Failed, pick(lang,
            "Geen broker-URL ingesteld (brokerWsUrl).".into(), "No broker URL configured (brokerWsUrl).".into())),
        Step::Opening { url } => (Info, pick(lang,
            format!("WebSocket openen naar {url} (subprotocol mqtt)…"), format!("Opening WebSocket to {url} (subprotocol mqtt)…"))),
        Step::Opened { url, protocol, in_worker } => (Ok, pick(lang,
            format!("WebSocket open: {url}, subprotocol {protocol} ({})", if *in_worker { "in een worker" } else { "op de pagina: de hostpagina staat geen worker toe" }),
            format!("WebSocket open: {url}, subprotocol {protocol} ({})", if *in_worker { "in a worker" } else { "on the page: the host page allows no worker" }))),
        Step::OpenFailed(e) => (Failed, pick(lang, format!("WebSocket kon niet openen: {e}"), format!("WebSocket could not open: {e}"))),
        Step::ConnectSent { client_id, user_name } => {
            let user = if user_name.is_empty() { pick(lang, "(leeg)".into(), "(empty)".into()) } else { user_name.clone() };
            (Info, pick(lang,
                format!("CONNECT verstuurd: client-id {client_id}, gebruikersnaam {user} (het wachtwoord wordt niet getoond)"),
                format!("CONNECT sent: client id {client_id}, username {user} (the password is not shown)")))
        }
        Step::Connack(Result::Ok(())) => (Ok, pick(lang, "CONNACK 0: verbonden".into(), "CONNACK 0: connected".into())),
        Step::Connack(Err(code)) => (Failed, connack_text(lang, *code)),
        Step::Subscribed { filter, granted: Some(q), predicted_allowed } => (if *predicted_allowed { Ok } else { Warning }, pick(lang,
            format!("SUBACK {filter}: toegestaan met QoS {}{}", qos(*q), if *predicted_allowed { "" } else { " (de console had een weigering voorspeld)" }),
            format!("SUBACK {filter}: granted QoS {}{}", qos(*q), if *predicted_allowed { "" } else { " (the console predicted a refusal)" }))),
        Step::Subscribed { filter, granted: None, predicted_allowed } => (Failed, pick(lang,
            format!("SUBACK {filter}: geweigerd (0x80){}", if *predicted_allowed { "" } else { ", zoals voorspeld: buiten de namespace" }),
            format!("SUBACK {filter}: refused (0x80){}", if *predicted_allowed { "" } else { ", as predicted: outside the namespace" }))),
        Step::Published { topic, qos: q, predicted_allowed: true } => (Info, pick(lang,
            format!("PUBLISH {topic} (QoS {})", qos(*q)), format!("PUBLISH {topic} (QoS {})", qos(*q)))),
        Step::Published { topic, qos: q, predicted_allowed: false } => (Warning, pick(lang,
            format!("PUBLISH {topic} (QoS {}) buiten de namespace verstuurd: onder MQTT 3.1.1 laat Mosquitto dit stil vallen (QoS 1 krijgt toch een PUBACK, maar niemand ontvangt het); TBMQ verbreekt de verbinding.", qos(*q)),
            format!("PUBLISH {topic} (QoS {}) sent outside the namespace: under MQTT 3.1.1 Mosquitto drops it silently (QoS 1 still gets a PUBACK, but nobody receives it); TBMQ disconnects.", qos(*q)))),
        Step::Delivered { packet_id } => (Ok, pick(lang,
            format!("Bevestigd door de broker (pakket {packet_id})"), format!("Acknowledged by the broker (packet {packet_id})"))),
        Step::Timeout(what) => (Failed, pick(lang,
            format!("Geen {what} op tijd: de verbinding is dood."), format!("No {what} in time: the connection is dead."))),
        Step::Protocol(why) => (Failed, pick(lang, format!("Protocolfout: {why}"), format!("Protocol error: {why}"))),
        Step::TransportError => (Warning, pick(lang,
            "WebSocket-fout (de browser geeft geen details; zie de sluitcode hieronder).".into(),
            "WebSocket error (the browser gives no details; see the close code below).".into())),
        Step::Closed { requested: true, .. } => (Info, pick(lang, "Verbinding gesloten op uw verzoek.".into(), "Connection closed as you asked.".into())),
        Step::Closed { code, reason, token_expired: true, .. } => (Failed, pick(lang,
            format!("Verbinding verbroken ({}): het token is verlopen. Maak een nieuw token (Vernieuwen) en verbind opnieuw.{}", close_code_text(lang, *code), reason_suffix(reason)),
            format!("Disconnected ({}): the token has expired. Create a new one (Renew) and connect again.{}", close_code_text(lang, *code), reason_suffix(reason)))),
        Step::Closed { code, reason, was_connected: true, .. } => (Failed, pick(lang,
            format!("De broker verbrak de verbinding ({}). Meestal: dezelfde client-id is elders verbonden (een ander tabblad of een draaiende koppeling) en heeft deze sessie overgenomen, of de inloggegevens zijn verwijderd.{}", close_code_text(lang, *code), reason_suffix(reason)),
            format!("The broker closed the connection ({}). Usually: the same client id connected elsewhere (another tab or a running integration) and took over this session, or the credentials were deleted.{}", close_code_text(lang, *code), reason_suffix(reason)))),
        Step::Closed { code, reason, .. } => (Failed, pick(lang,
            format!("Verbinding gesloten ({}).{}", close_code_text(lang, *code), reason_suffix(reason)),
            format!("Connection closed ({}).{}", close_code_text(lang, *code), reason_suffix(reason)))),
        Step::Reconnecting { attempt, in_ms } => (Warning, pick(lang,
            format!("Opnieuw verbinden over {} s (poging {attempt}); abonnementen worden daarna opnieuw aangevraagd.", in_ms / 1000),
            format!("Reconnecting in {} s (attempt {attempt}); subscriptions are requested again afterwards.", in_ms / 1000))),
        Step::NotRetrying(StopReason::Refused) => (Failed, pick(lang,
            "Niet opnieuw geprobeerd: de broker weigerde deze inloggegevens, opnieuw proberen helpt niet.".into(),
            "Not retried: the broker refused these credentials; retrying would not help.".into())),
        Step::NotRetrying(StopReason::TokenExpired) => (Failed, pick(lang,
            "Niet opnieuw geprobeerd: het token is verlopen. Gebruik ‘JWT vernieuwen en verbinden’.".into(),
            "Not retried: the token has expired. Use ‘Renew JWT & reconnect’.".into())),
        Step::NotRetrying(StopReason::TakeoverLoop) => (Failed, pick(lang,
            "Niet opnieuw geprobeerd: de verbinding werd steeds vlak na het verbinden verbroken. Waarschijnlijk gebruikt een ander tabblad of een draaiende koppeling dezelfde client-id; opnieuw verbinden zou die steeds afsluiten. Sluit die verbinding, of gebruik een andere client-id.".into(),
            "Not retried: the connection kept dropping right after connecting. Another tab or a running integration probably uses the same client id; reconnecting would keep cutting it off. Close that connection, or use another client id.".into())),
        Step::NotRetrying(StopReason::Requested) => (Info, String::new()),
        Step::TokenRenewed { expires_at_ms } => {
            let until = crate::format::local_time(*expires_at_ms, lang);
            (Ok, pick(lang,
                format!("Nieuw JWT voor dezelfde client-id, geldig tot {until}; opnieuw verbinden en abonnementen opnieuw aanvragen."),
                format!("New JWT for the same client id, valid until {until}; reconnecting and requesting the subscriptions again.")))
        }
    }
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" ({reason})")
    }
}

/// One namespace finding as a sentence ("level 3 is `4711`, your organisation is `acme`").
pub fn finding_text(lang: Language, f: &Finding) -> String {
    match f {
        Finding::LevelDiffers {
            index,
            expected,
            got,
            case_only,
            whitespace_only,
        } => {
            let n = index + 1;
            let what = match index {
                2 => pick(lang, "uw organisatie".into(), "your organisation".into()),
                1 => pick(lang, "de omgeving".into(), "the env".into()),
                _ => pick(lang, "verwacht".into(), "expected".into()),
            };
            let hint = if *whitespace_only {
                pick(
                    lang,
                    " (spaties eromheen)".into(),
                    " (stray whitespace)".into(),
                )
            } else if *case_only {
                pick(
                    lang,
                    " (hoofdletters verschillen)".into(),
                    " (only the case differs)".into(),
                )
            } else {
                String::new()
            };
            pick(
                lang,
                format!("niveau {n} is `{got}`, {what}: `{expected}`{hint}"),
                format!("level {n} is `{got}`, {what}: `{expected}`{hint}"),
            )
        }
        Finding::WildcardInPrefix { index, wildcard } => pick(
            lang,
            format!(
                "niveau {} is `{wildcard}`: een wildcard mag pas ná het prefix",
                index + 1
            ),
            format!(
                "level {} is `{wildcard}`: a wildcard may only come after the prefix",
                index + 1
            ),
        ),
        Finding::TooShort { levels } => pick(
            lang,
            format!("maar {levels} niveaus: het topic moet met het volledige prefix beginnen"),
            format!("only {levels} levels: the topic must start with the whole prefix"),
        ),
        Finding::HashNotLast { index } => pick(
            lang,
            format!(
                "niveau {}: `#` mag alleen het laatste niveau zijn",
                index + 1
            ),
            format!("level {}: `#` may only be the last level", index + 1),
        ),
        Finding::PlusNotAlone { index } => pick(
            lang,
            format!("niveau {}: `+` moet een heel niveau zijn", index + 1),
            format!("level {}: `+` must be a whole level", index + 1),
        ),
        Finding::WildcardInTopic => pick(
            lang,
            "een topic om naar te publiceren mag geen `+` of `#` bevatten".into(),
            "a topic to publish to may not contain `+` or `#`".into(),
        ),
        Finding::DollarTopic => pick(
            lang,
            "topics die met `$` beginnen zijn van de broker zelf".into(),
            "topics starting with `$` belong to the broker itself".into(),
        ),
        Finding::Empty => pick(
            lang,
            "het topic is leeg".into(),
            "the topic is empty".into(),
        ),
        Finding::TooLong => pick(
            lang,
            format!("het topic is langer dan {TOPIC_MAX_BYTES} bytes"),
            format!("the topic is longer than {TOPIC_MAX_BYTES} bytes"),
        ),
        Finding::ContainsNul => pick(
            lang,
            "het topic bevat een NUL-teken".into(),
            "the topic contains a NUL character".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connack_5_explains_the_likely_causes_in_both_languages() {
        let nl = connack_text(Language::Nl, ConnackCode::NotAuthorized);
        assert!(nl.contains("CONNACK 5") && nl.contains("verlopen"));
        let en = connack_text(Language::En, ConnackCode::NotAuthorized);
        assert!(en.contains("not authorised") && en.contains("expired"));
    }

    #[test]
    fn close_1006_points_at_the_handshake() {
        assert!(close_code_text(Language::En, 1006).contains("subprotocol mqtt"));
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
}
