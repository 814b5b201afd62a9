//! English. Exhaustive matches: a new message cannot ship untranslated.
//! Longer than most files on purpose: it is every text of one
//! language, read and reviewed beside its Dutch twin line by line.

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

pub struct En;

impl Translation for En {
    fn text(&self, msg: Msg) -> &'static str {
        match msg {
            Msg::Title => "Developers",
            Msg::Subtitle => "MQTT credentials for your organisation's integrations",
            Msg::LanguageLabel => "Language",
            Msg::ContextEnv => "Env",
            Msg::ContextOrg => "Organisation",
            Msg::ContextHeader => "Org header",
            Msg::ContextNone => "no organisation chosen",
            Msg::SettingsTitle => "Choose organisation",
            Msg::SettingsHint => "The API key stays in this tab's memory, and nowhere else unless you choose otherwise below.",
            Msg::OrgIdLabel => "Organisation id",
            Msg::ApiKeyLabel => "API key",
            Msg::Remember => "Remember for this tab (sessionStorage)",
            Msg::Apply => "Use",
            Msg::SwitchOrganisation => "Switch organisation",
            Msg::ForgetOrganisation => "Forget this organisation in this browser",
            Msg::StaticTitle => "Static credentials",
            Msg::StaticIntro => "For always-on integrations. The password is shown exactly once.",
            Msg::StaticLoading => "Loading credentials…",
            Msg::StaticEmpty => "This organisation has no static credentials yet.",
            Msg::ColName => "Name",
            Msg::ColUserName => "Username",
            Msg::ColClientId => "Client id",
            Msg::ColTopicPrefix => "Topic prefix",
            Msg::ColCreated => "Created",
            Msg::ColActions => "Actions",
            Msg::Unnamed => "(unnamed)",
            Msg::BrokerMissing => "Missing on the broker: delete and create again",
            Msg::NameLabel => "Name (optional)",
            Msg::CreateStatic => "Create credentials",
            Msg::Delete => "Delete",
            Msg::Deleting => "Deleting…",
            Msg::Reload => "Reload",
            Msg::ErrorTitle => "Something went wrong",
            Msg::FieldRequired => "Fill in this field.",
            Msg::OrgIdInvalid => formatcp!("Letters, digits, - and _ only (at most {ORG_ID_MAX_LEN} characters)."),
            Msg::JwtTitle => "Temporary credentials (JWT)",
            Msg::JwtIntro => "For tests and short-lived integrations. Connect with an empty username, the token as password and exactly this client id.",
            Msg::ClientIdLabel => "Client id (optional)",
            Msg::ClientIdHint => "Leave empty to have one made. The env prefix is added.",
            Msg::ExpiryLabel => "Valid for",
            Msg::Preset1m => "1 minute",
            Msg::Preset15m => "15 minutes",
            Msg::Preset1h => "1 hour",
            Msg::Preset8h => "8 hours",
            Msg::Preset24h => "24 hours",
            Msg::PresetCustom => "Custom seconds",
            Msg::CustomSecondsLabel => formatcp!("Seconds ({EXPIRES_IN_SECONDS_MIN}–{EXPIRES_IN_SECONDS_MAX})"),
            Msg::CreateJwt => "Create token",
            Msg::Working => "Working…",
            Msg::TokenLabel => "Token (password)",
            Msg::Show => "Show",
            Msg::Hide => "Hide",
            Msg::BrokerUrlLabel => "Broker URL",
            Msg::ExpiresAtLabel => "Expires",
            Msg::TimeLeft => "left",
            Msg::ExpiresSoon => "expires within a minute",
            Msg::Expired => "expired",
            Msg::Renew => "Renew (same client id)",
            Msg::Snippets => "Examples",
            Msg::Copy => "Copy",
            Msg::Copied => "Copied",
            Msg::CopyFailed => "Copying failed: the text is selected, press Ctrl+C.",
            Msg::RevealTitle => "New static credentials",
            Msg::RevealWarning => "This password is shown only once. Store it somewhere safe now.",
            Msg::PasswordLabel => "Password",
            Msg::CopyEnv => "Copy as .env",
            Msg::Acknowledge => "I have stored the password safely",
            Msg::Done => "Done",
            Msg::Close => "Close",
            Msg::ConfirmLoseTitle => "Password not stored?",
            Msg::ConfirmLoseText => "You will not be able to see this password again.",
            Msg::ConfirmLoseYes => "Close anyway",
            Msg::ConfirmLoseNo => "Go back",
            Msg::DeleteTitle => "Delete credentials?",
            Msg::DeleteText => "Integrations connected with these are cut off at once and cannot connect again.",
            Msg::Rotate => "New password",
            Msg::RotateTitle => "Make a new password?",
            Msg::RotateText => "The username and client id stay the same. The old password stops working at once: integrations using it are cut off now, until they have the new one.",
            Msg::RotationUnconfirmed => "password uncertain: make a new password again",
            Msg::TokensHeading => "Active tokens",
            Msg::TokensEmpty => "No tokens that are still valid.",
            Msg::Revoke => "Revoke",
            Msg::RevokeAll => "Revoke all tokens of this client id",
            Msg::RevokeTitle => "Revoke token?",
            Msg::RevokeAllTitle => "Revoke all tokens of this client id?",
            Msg::RevokeText => "The broker refuses it from now on, also after a restart, and cuts off the connections using it at once.",
            Msg::RevokeAllText => "Every token made so far for this client id is revoked and its connections are cut off. Tokens you make afterwards work.",
            Msg::Revoked => "revoked",
            Msg::UsedByTestClient => "used by the test client",
            Msg::ExpiresAt => "expires",
            Msg::WillTitle => "Last will",
            Msg::WillOn => "Send a last will when connecting",
            Msg::WillPayload => "Message",
            Msg::WillRetain => "Retain",
            Msg::WillHint => "The broker publishes this message when the connection ends without a goodbye: on network loss, a keep-alive timeout, or when the broker cuts it (expired or revoked token, Disconnect).",
            Msg::CaLabel => "CA certificate",
            Msg::CaDownload => "Download (tillor-local-ca.pem)",
            Msg::CaHint => "The broker's certificate is signed by a private CA: clients verify it with this file (mosquitto --cafile, MQTT.js ca, paho tls_set(ca_certs=…), the connector's TBMQ_MQTT_CA_PATH).",
            Msg::TokenExpiredRenew => "The token has expired: create a new one (Renew) and connect again.",
            Msg::ProtocolLabel => "Protocol",
            Msg::SessionExpiry => "Session expiry (s, MQTT 5)",
            Msg::Mqtt5Properties => "MQTT 5 properties",
            Msg::ContentType => "Content type",
            Msg::PayloadUtf8 => "Payload is UTF-8 text (payload format indicator)",
            Msg::MessageExpiry => "Message expiry (s)",
            Msg::ResponseTopic => "Response topic",
            Msg::CorrelationData => "Correlation data",
            Msg::UserProperties => "User properties, one name=value per line",
            Msg::WillDelay => "Will delay (s): the broker waits this long before publishing the will",
            Msg::NoLocal => "No local (not my own messages)",
            Msg::RetainAsPublished => "Retain as published",
            Msg::RetainHandling => "Retained messages",
            Msg::RetainHandlingAlways => "at every subscribe",
            Msg::RetainHandlingNew => "only for a new subscription",
            Msg::RetainHandlingNever => "never",
            Msg::Cancel => "Cancel",
            Msg::Hint401 => "Check the API key.",
            Msg::Hint403 => "The API key and the organisation do not match: check both.",
            Msg::Hint404Delete => "These credentials are already gone: reload the list.",
            Msg::Hint5xx => "The API or the broker is unavailable: try again shortly.",
            Msg::TestClientTitle => "Test client (MQTT over WebSocket)",
            Msg::TestClientIntro => "Pick credentials with ‘Use in test client’ on a token or new static credentials, or type static credentials below.",
            Msg::UseCredential => "Use",
            Msg::UseInTestClient => "Use in test client",
            Msg::EmptyUser => "(empty)",
            Msg::Connect => "Connect",
            Msg::Disconnect => "Disconnect",
            Msg::CheckConnectivity => "Check connectivity",
            Msg::Verified => "verified",
            Msg::CheckFailed => "check failed: see the steps below",
            Msg::StatusIdle => "not connected",
            Msg::StatusConnecting => "connecting…",
            Msg::StatusConnected => "connected",
            Msg::StatusClosed => "connection closed",
            Msg::Diagnostics => "Steps",
            Msg::OutsideNamespace => "Outside your organisation's namespace:",
            Msg::Subscribe => "Subscribe",
            Msg::RelativeToPrefix => "Relative to the topic prefix",
            Msg::FullTopic => "Full topic",
            Msg::LabelPlaceholder => "Label (optional)",
            Msg::SendAnyway => "Send anyway, to see what the broker does",
            Msg::SubPending => "waiting for SUBACK",
            Msg::SubRefused => "refused",
            Msg::Remove => "Remove",
            Msg::Publish => "Publish",
            Msg::SilentPublish => "Under MQTT 3.1.1 Mosquitto drops a refused PUBLISH silently; TBMQ (production) disconnects.",
            Msg::Messages => "Messages",
            Msg::RenewAndReconnect => "Renew JWT & reconnect",
            Msg::Received => "Received",
            Msg::Sent => "Sent",
            Msg::InLog => "In the log",
            Msg::ClearLog => "Clear",
            Msg::BroadFilter => "This filter receives everything under the prefix: with heavy traffic that is many messages (the log keeps the newest, the counters count all).",
            Msg::FilterLog => "Filter (topic or payload)",
            Msg::ShowAs => "Payload as",
            Msg::Export => "Export (JSON Lines)",
            Msg::Pause => "Pause",
            Msg::Resume => "Resume",
            Msg::Direction => "Direction",
            Msg::AllDirections => "Both directions",
            Msg::LogCap => "Keep at most",
            Msg::MessageDetails => "Message",
            Msg::RecentPublishes => "Recently sent",
            Msg::SubscribeFilterLabel => "Topic filter",
            Msg::PublishTopicLabel => "Topic",
            Msg::WillTopicLabel => "Will topic",
            Msg::PayloadLabel => "Message",
            Msg::RememberPublishes => "Remember recent messages in this browser",
            Msg::NoAnswer => "No answer from the API. Check its address and your network; if the console runs on another site, the API must allow it (CORS).",
            Msg::Undecodable => "The server sent an answer the console does not understand.",
            Msg::NoOrganisation => "Choose an organisation first (organisation id and API key) at the top of this page.",
            Msg::ConnectionsTitle => "Connections",
            Msg::ConnectionsIntro => "What the broker sees of this organisation's integrations: connections, refusals with their reason, and refused subscriptions and messages. Repeats are one line with a count.",
            Msg::OpenConnections => "Show connections",
            Msg::TestClientOffer => "Connect with a credential inside this organisation's namespace: subscribe, publish and see what the broker answers. Choose ‘Use in test client’ above, or enter credentials yourself.",
            Msg::OpenTestClient => "Open test client",
            Msg::PartLoading => "Loading…",
            Msg::PartFailed => "This part could not load. Check the connection to the server and try again; the rest of the page keeps working.",
            Msg::Retry => "Try again",
            Msg::EventsEmpty => "Nothing seen yet.",
            Msg::FilterClientId => "Filter by client id",
            Msg::AllKinds => "Everything",
            Msg::KindRefused => "Refused",
            Msg::KindConnected => "Connected",
            Msg::KindDisconnected => "Disconnected",
            Msg::KindSubscribeRefused => "Subscription refused",
            Msg::KindPublishRefused => "Message refused",
            Msg::KindRevoked => "Revoked",
            Msg::KindRotated => "New password",
            Msg::EventsDropped => "broker reports were lost on the way (the broker or the server was too busy): this list may miss events.",
            Msg::Times => "times",
            Msg::EventKindLabel => "Kind",
            Msg::ColConnection => "Connection",
            Msg::LastSeen => "last seen",
            Msg::NeverConnected => "never connected",
            Msg::TestClientBadge => "the console's test client",
            Msg::LiveSessions => "Connected now",
            Msg::NoLiveSessions => "Nothing is connected now.",
            Msg::Kick => "Disconnect",
            Msg::KickTitle => "Disconnect this connection?",
            Msg::KickText => "The broker closes this connection at once. If the integration reconnects with valid credentials it is simply back: delete the credentials to keep it out.",
            Msg::EventsHeading => "What the broker saw",
            Msg::AutoRenew => "Renew the JWT automatically a minute before it expires (reconnects and resubscribes)",
        }
    }

    fn error_code(&self, code: ErrorCode) -> &'static str {
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
            ErrorCode::UnknownValue => "This value is not one of the allowed values.",
            ErrorCode::NotATime => "This is not an RFC 3339 time.",
            ErrorCode::NotACursor => "This position in the list is not (or no longer) valid: load the list again.",
            ErrorCode::TokenNotFound => "This token does not exist (any more) in this organisation; expired tokens are forgotten.",
            ErrorCode::ClientIdNotFound => "This client id does not belong to this organisation.",
            ErrorCode::RotationUnconfirmed => "The broker did not confirm the new password: the old one may or may not still work. Rotate again to get a password that certainly works.",
            ErrorCode::InvalidCombination => "These search options cannot be combined.",
            ErrorCode::UnsupportedMediaType => "The server expects JSON.",
            ErrorCode::PayloadTooLarge => "The request is too large.",
            ErrorCode::NotFound => "This address does not exist on the server.",
            ErrorCode::CredentialNotFound => "These credentials do not exist (any more).",
            ErrorCode::MethodNotAllowed => "This action is not allowed here.",
            ErrorCode::ClientIdTaken => "This client id is already used by another organisation.",
            ErrorCode::BrokerUnavailable => "The MQTT broker cannot be reached; nothing was changed.",
            ErrorCode::QuotaExceeded => "This organisation has reached its limit; delete something first or try again later.",
            ErrorCode::Busy => "The server is busy securing other passwords; try again in a few seconds.",
            ErrorCode::Timeout => "The request took too long and was abandoned; try again.",
            ErrorCode::DeleteUnfinished => "The delete began but did not finish (the broker or the database did not answer). Delete again; otherwise the server finishes it within a minute once both answer.",
            ErrorCode::StoreUnavailable => "The database cannot be written now (disk full or read-only); nothing was changed.",
            ErrorCode::Internal => "Internal server error; please try again later.",
        }
    }

    fn unexpected_status(&self, status: u16) -> String {
        format!("Unexpected answer from the server (HTTP {status}).")
    }

    fn connack_wording(&self, wording: ConnackWording) -> &'static str {
        match wording {
            ConnackWording::UnacceptableProtocolVersion => "Refused (CONNACK {n}): the broker does not accept this MQTT version. Choose the other protocol in the connect panel.",
            ConnackWording::IdentifierRejected => "Refused (CONNACK {n}): the broker rejects this client id. Use only {allowed} and exactly the credential's client id.",
            ConnackWording::ServerUnavailable => "Refused (CONNACK {n}): the broker is temporarily unavailable or busy. Try again shortly.",
            ConnackWording::BadUserNameOrPassword => "Refused (CONNACK {n}): wrong username or password. With a JWT the username is empty and the token is the password.",
            ConnackWording::NotAuthorizedNoReason => "Refused (CONNACK {n}): the password or token is wrong, expired or for another client id, or the credentials were deleted. Mosquitto answers every refused login with 0x87 and no reason string, so which of these it was is not in the answer: the Connections card shows what the broker saw.",
            ConnackWording::NotAuthorized => "Refused (CONNACK {n}, not authorised): the password or token is wrong, expired or for another client id, or the credentials were deleted.",
            ConnackWording::Limited => "Refused (CONNACK {n}): the broker limits this client (banned, quota or connection rate). Wait before connecting again.",
            ConnackWording::Other => "Refused (CONNACK {n}).",
        }
    }

    fn server_disconnect_wording(&self) -> &'static str {
        "The broker disconnected this client (DISCONNECT {n}). {next}"
    }

    fn disconnect_next(&self, next: DisconnectNext) -> &'static str {
        match next {
            DisconnectNext::TakenOver => "Another connection with the same client id took over this session: another tab or a running integration. The console does not reconnect, so it would not cut that one off in turn.",
            DisconnectNext::Kicked => "Someone disconnected this client on purpose (Connections > Disconnect, or a revoked or expired credential).",
            DisconnectNext::KeepAliveTimeout => "The broker heard nothing within the keep-alive: the network or the tab stalled.",
            DisconnectNext::Restarting => "The broker is restarting or overloaded; the console reconnects.",
            DisconnectNext::NotAllowed => "The credentials no longer allow this connection (expired, revoked or deleted).",
            DisconnectNext::Elsewhere => "The broker points elsewhere; use the broker URL from a new credential.",
            DisconnectNext::ProtocolProblem => "The broker found a protocol problem with what the console sent; the log above shows the last packets.",
            DisconnectNext::MaxConnectTime => "The broker's maximum connect time passed; connect again.",
            DisconnectNext::Other => "The broker gave this reason; see the MQTT 5 specification, table 2-6.",
        }
    }

    fn close_code(&self, code: u16) -> &'static str {
        match code {
            1000 => "closed normally",
            1001 => "the broker went away",
            1002 => "protocol error",
            1003 => "the broker does not accept this kind of data",
            1005 => "closed without a code",
            1006 => "dropped without a close: broker unreachable, wrong URL or port, or the broker refused the WebSocket handshake (subprotocol mqtt)",
            1008 => "refused by the broker's policy",
            1009 => "message too large",
            1011 => "internal broker error",
            1015 => "TLS failure: the broker's certificate is not trusted",
            _ => "unknown code",
        }
    }

    fn step_wording(&self, wording: StepWording) -> &'static str {
        match wording {
            StepWording::UrlMixedContent => "Refused before connecting: this page is https, so the browser blocks ws:// (mixed content). Use the broker's wss:// URL.",
            StepWording::UrlNotWebSocket => "Not a WebSocket URL ({scheme}://): a browser connects only over ws:// or wss://. mqtt:// is for integrations.",
            StepWording::UrlFragment => "A WebSocket URL cannot have a # part: leave out everything from the #.",
            StepWording::UrlEmpty => "No broker URL configured (brokerWsUrl).",
            StepWording::Opening => "Opening WebSocket to {url} (subprotocol mqtt)…",
            StepWording::OpenedInWorker => "WebSocket open: {url}, subprotocol {protocol} (in a worker)",
            StepWording::OpenedOnPage => "WebSocket open: {url}, subprotocol {protocol} (on the page: the host page allows no worker)",
            StepWording::OpenFailed => "WebSocket could not open: {error}",
            StepWording::ConnectSent => "CONNECT sent: client id {client_id}, username {user} (the password is not shown)",
            StepWording::ConnackAccepted => "CONNACK 0: connected",
            StepWording::BrokerLimits => "The broker's limits (CONNACK): {limits}",
            StepWording::SubscriptionGranted => "SUBACK {filter}: granted QoS {qos}",
            StepWording::SubscriptionGrantedUnpredicted => "SUBACK {filter}: granted QoS {qos} (the console predicted a refusal)",
            StepWording::SubscriptionRefused => "SUBACK {filter}: refused ({reason})",
            StepWording::SubscriptionRefusedPredicted => "SUBACK {filter}: refused ({reason}), as predicted: outside the namespace",
            StepWording::Published => "PUBLISH {topic} (QoS {qos})",
            StepWording::PublishedOutsideV311 => "PUBLISH {topic} (QoS {qos}) sent outside the namespace: under MQTT 3.1.1 Mosquitto drops it silently (QoS 1 still gets a PUBACK, but nobody receives it); TBMQ disconnects.",
            StepWording::PublishedOutsideV5 => "PUBLISH {topic} (QoS {qos}) sent outside the namespace: under MQTT 5 the broker answers QoS 1 and 2 with reason code 0x87; QoS 0 has no answer and is dropped.",
            StepWording::Acknowledged => "Acknowledged by the broker (packet {packet})",
            StepWording::AcknowledgedWithReason => "Acknowledged by the broker (packet {packet}, {reason})",
            StepWording::DeliveryRefusedUnpredicted => "Refused by the broker (packet {packet}, {reason}), although the console predicted it was allowed",
            StepWording::DeliveryRefusedPredicted => "Refused by the broker (packet {packet}, {reason}), as predicted: outside the namespace",
            StepWording::Timeout => "No {what} in time: the connection is dead.",
            StepWording::ProtocolError => "Protocol error: {why}",
            StepWording::TransportError => "WebSocket error (the browser gives no details; see the close code below).",
            StepWording::ClosedAsAsked => "Connection closed as you asked.",
            StepWording::ClosedTokenExpired => "Disconnected ({close}). {renew}{suffix}",
            StepWording::ClosedByBroker => "The broker closed the connection ({close}). Usually: the same client id connected elsewhere (another tab or a running integration) and took over this session, or the credentials were deleted.{suffix}",
            StepWording::ClosedCertificateNotTrusted => "The secure WebSocket did not open ({close}). Most likely this browser does not trust the broker's certificate: it is signed by a private CA. Download the CA certificate (next to the broker URL), trust it in the browser or the system (Chromium: Settings › Privacy and security › Security › Manage certificates › Authorities › Import; Linux: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n tillor -i tillor-local-ca.pem), then connect again. A wrong host or port fails the same way.{suffix}",
            StepWording::ClosedOther => "Connection closed ({close}).{suffix}",
            StepWording::Reconnecting => "Reconnecting in {seconds} s (attempt {attempt}); subscriptions are requested again afterwards.",
            StepWording::NotRetryingRefused => "Not retried: the broker refused these credentials; retrying would not help.",
            StepWording::NotRetryingTokenExpired => "Not retried: the token has expired. Use ‘Renew JWT & reconnect’.",
            StepWording::NotRetryingTakenOver => "Not retried: the broker said another connection with this client id took over. Close that connection, or use another client id, then connect again.",
            StepWording::NotRetryingTakeoverLoop => "Not retried: the connection kept dropping right after connecting. Another tab or a running integration probably uses the same client id; reconnecting would keep cutting it off. Close that connection, or use another client id.",
            StepWording::NotRetryingRevoked => "Cut off and not retried: the test client's token was revoked (Active tokens). The broker refuses it from now on; create a new token and use that.",
            StepWording::TokenRenewed => "New JWT for the same client id, valid until {until}; reconnecting and requesting the subscriptions again.",
            StepWording::WillOutsideNamespace => "Not connected: the last will goes to {topic}, outside your organisation's namespace. The broker would accept it at connect and drop it later without a word. Choose a topic below the prefix.",
            StepWording::WillPropertiesInvalid => "Not connected: the last will's MQTT 5 properties cannot be used. {problem} A will is sent exactly as shown or not at all: correct the field, or empty it.",
        }
    }

    fn property_problem(&self, problem: &PropertyProblem) -> String {
        match problem {
            PropertyProblem::NotSeconds { value, .. } => {
                format!("“{value}” is not a number of seconds (0 to 4294967295).")
            }
            PropertyProblem::UserPropertyLine(n) => {
                format!("User properties, line {n}: write name=value.")
            }
            PropertyProblem::ResponseTopicWildcard => {
                "A response topic is a topic name: no # or +.".into()
            }
        }
    }

    fn finding_wording(&self, wording: FindingWording) -> &'static str {
        match wording {
            FindingWording::WhatOrganisation => "your organisation",
            FindingWording::WhatEnv => "the env",
            FindingWording::WhatExpected => "expected",
            FindingWording::HintWhitespace => " (stray whitespace)",
            FindingWording::HintCase => " (only the case differs)",
            FindingWording::LevelDiffers => "level {level} is `{got}`, {what}: `{expected}`{hint}",
            FindingWording::WildcardInPrefix => {
                "level {level} is `{wildcard}`: a wildcard may only come after the prefix"
            }
            FindingWording::TooShort => {
                "only {levels} levels: the topic must start with the whole prefix"
            }
            FindingWording::HashNotLast => "level {level}: `#` may only be the last level",
            FindingWording::PlusNotAlone => "level {level}: `+` must be a whole level",
            FindingWording::WildcardInTopic => "a topic to publish to may not contain `+` or `#`",
            FindingWording::DollarTopic => "topics starting with `$` belong to the broker itself",
            FindingWording::Empty => "the topic is empty",
            FindingWording::TooLong => "the topic is longer than {max} bytes",
            FindingWording::ContainsNul => "the topic contains a NUL character",
        }
    }

    fn event_wording(&self, wording: EventWording) -> &'static str {
        match wording {
            EventWording::WithJwt => "a JWT",
            EventWording::WithStaticNamed => "static credentials ‘{name}’",
            EventWording::WithStatic => "static credentials",
            EventWording::Connected => "Connected with {with} from {address} ({protocol})",
            EventWording::Refused => "Connection refused: {refusal}",
            EventWording::SubscribeRefused => "Subscription to {filter} refused (SUBACK 0x80): {refusal}",
            EventWording::PublishRefused => "Message to {topic} not delivered: {refusal}",
            EventWording::Revoked => "Token {jti} revoked: the broker refuses it from now on and cuts off the connections using it.",
            EventWording::RotatedNamed => "New password for static credentials ‘{name}’: the old one no longer works.",
            EventWording::Rotated => "New password for static credentials: the old one no longer works.",
        }
    }

    fn disconnect_cause(&self, cause: DisconnectCause) -> &'static str {
        match cause {
            DisconnectCause::ClientDisconnected => "The integration closed the connection properly.",
            DisconnectCause::ConnectionLost => "The connection dropped without a goodbye: the network, or the integration's process stopped.",
            DisconnectCause::KeepAliveTimeout => "Cut off: the integration was silent for longer than its keep-alive. Check the network and the keep-alive.",
            DisconnectCause::TakenOver => "Taken over: another connection used the same client id. Give every integration a client id of its own.",
            DisconnectCause::TokenExpired => "Cut off by the broker: the token had expired. Renew tokens in time.",
            DisconnectCause::Kicked => "Cut off by the broker: on request (Disconnect), or because the credentials were deleted or changed.",
            DisconnectCause::Error => "Cut off after an error: an invalid packet or a network error.",
            DisconnectCause::BrokerRestarted => "The broker stopped and was restarted, which ended every connection. An integration that reconnects by itself comes back on its own.",
            DisconnectCause::TokenRevoked => "Cut off by the broker: the token was revoked. Create a new token for this integration.",
            DisconnectCause::PasswordRotated => "Cut off by the broker: the static credentials got a new password. Put the new password in the integration.",
        }
    }

    fn refusal(&self, reason: &RefusalReason) -> String {
        let at = |secs: &i64| local_time(*secs as f64 * 1000.0, Language::En);
        match reason {
            RefusalReason::UnknownUsername => "unknown username. Check the username in the integration.".into(),
            RefusalReason::WrongPassword => "wrong password. The password was shown only when it was created: create new credentials if it is lost.".into(),
            RefusalReason::DeletedCredential => "these credentials were deleted. Create new ones and put them in the integration.".into(),
            RefusalReason::ClientIdMismatch { expected, connecting } => format!("client id {connecting} does not belong to these credentials. Use exactly {expected}."),
            RefusalReason::UsernameNotEmpty => "with a JWT the username is empty.".into(),
            RefusalReason::NoToken => "there was no token in the password.".into(),
            RefusalReason::MalformedToken => "the password is not a token the broker accepts.".into(),
            RefusalReason::UnknownSigningKey => "the token is signed with a key the broker does not know.".into(),
            RefusalReason::BadSignature => "the token's signature does not verify.".into(),
            RefusalReason::WrongIssuerOrAudience => "the token was not issued for this broker.".into(),
            RefusalReason::Expired { exp } => format!("the token expired at {}. Create a new one (Renew).", at(exp)),
            RefusalReason::NotYetValid { nbf } => format!("the token is valid only from {}. Check the device's clock.", at(nbf)),
            RefusalReason::WrongEnv { token, broker } => format!("the token is for env {token}, this broker serves {broker}."),
            RefusalReason::OutsideNamespace { topic } => format!("{topic} is outside your organisation's namespace."),
            RefusalReason::Revoked => "this token was revoked. Create a new one.".into(),
        }
    }

    fn connected_count(&self, n: u32) -> String {
        format!("connected ({n})")
    }

    fn sessions_cut(&self, n: u32) -> String {
        match n {
            1 => "1 connection uses these credentials now; it is cut off at once.".into(),
            n => format!("{n} connections use these credentials now; they are cut off at once."),
        }
    }
}
