//! The shape of a translation: the fixed texts (`Msg`) and the `Translation`
//! trait each language implements, with the few pieces of wording both
//! languages build the same way.

use tillor_contract::broker_event::DisconnectCause;
use tillor_contract::error::ErrorCode;
use tillor_contract::refusal::RefusalReason;

use super::event_text::EventWording;
use super::finding_text::FindingWording;
use super::step_text::{ConnackWording, DisconnectNext, StepWording};
use crate::mqtt::packet::properties::{self, Properties};
use crate::mqtt::properties_input::PropertyProblem;

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
    ForgetOrganisation,
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
    Rotate,
    RotateTitle,
    RotateText,
    RotationUnconfirmed,
    TokensHeading,
    TokensEmpty,
    Revoke,
    RevokeAll,
    RevokeTitle,
    RevokeAllTitle,
    RevokeText,
    RevokeAllText,
    Revoked,
    UsedByTestClient,
    ExpiresAt,
    WillTitle,
    WillOn,
    WillPayload,
    WillRetain,
    WillHint,
    CaLabel,
    CaDownload,
    CaHint,
    TokenExpiredRenew,
    ProtocolLabel,
    SessionExpiry,
    Mqtt5Properties,
    ContentType,
    PayloadUtf8,
    MessageExpiry,
    ResponseTopic,
    CorrelationData,
    UserProperties,
    WillDelay,
    NoLocal,
    RetainAsPublished,
    RetainHandling,
    RetainHandlingAlways,
    RetainHandlingNew,
    RetainHandlingNever,
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
    RememberPublishes,
    SubscribeFilterLabel,
    PublishTopicLabel,
    WillTopicLabel,
    PayloadLabel,
    AutoRenew,
    NoAnswer,
    Undecodable,
    NoOrganisation,
    ConnectionsTitle,
    ConnectionsIntro,
    OpenConnections,
    TestClientOffer,
    OpenTestClient,
    PartLoading,
    PartFailed,
    Retry,
    EventsEmpty,
    FilterClientId,
    AllKinds,
    KindRefused,
    KindConnected,
    KindDisconnected,
    KindSubscribeRefused,
    KindPublishRefused,
    KindRevoked,
    KindRotated,
    Times,
    /// After a number: reports the server lost.
    EventsDropped,
    EventKindLabel,
    ColConnection,
    LastSeen,
    NeverConnected,
    TestClientBadge,
    LiveSessions,
    NoLiveSessions,
    Kick,
    KickTitle,
    KickText,
    EventsHeading,
}

/// Everything the console says, in one language.
pub trait Translation: Sync {
    /// A fixed text.
    fn text(&self, msg: Msg) -> &'static str;
    /// The console's own words for an API error code.
    fn error_code(&self, code: ErrorCode) -> &'static str;
    /// An answer from something that is not the API (a proxy, a static host).
    fn unexpected_status(&self, status: u16) -> String;
    /// A refusing CONNACK, with its likely causes and fix (`{n}` the code,
    /// `{allowed}` the characters a clientId may hold).
    fn connack_wording(&self, wording: ConnackWording) -> &'static str;
    /// A DISCONNECT from the broker (MQTT 5): `{n}` the code, `{next}` what
    /// it means and what to do (`disconnect_next`).
    fn server_disconnect_wording(&self) -> &'static str;
    fn disconnect_next(&self, next: DisconnectNext) -> &'static str;
    /// What a WebSocket close code means.
    fn close_code(&self, code: u16) -> &'static str;
    /// The wording of a diagnostic step (`step_text` decides which, and
    /// fills in its `{arguments}`).
    fn step_wording(&self, wording: StepWording) -> &'static str;
    /// One reason a topic or filter is outside the namespace
    /// (`finding_text` decides which wording, and fills in its arguments).
    fn finding_wording(&self, wording: FindingWording) -> &'static str;
    /// Why an MQTT 5 property field cannot be sent.
    fn property_problem(&self, problem: &PropertyProblem) -> String;
    /// What the broker saw (`event_text` decides which wording, and fills
    /// in its `{arguments}`).
    fn event_wording(&self, wording: EventWording) -> &'static str;
    /// Why a session ended, and what to do about it.
    fn disconnect_cause(&self, cause: DisconnectCause) -> &'static str;
    /// Why the broker refused, and what to do about it.
    fn refusal(&self, reason: &RefusalReason) -> String;
    /// "verbonden (2)": live sessions of a credential.
    fn connected_count(&self, n: u32) -> String;
    /// What deleting a credential with `n` live sessions does to them.
    fn sessions_cut(&self, n: u32) -> String;
}

/// "code 1006: …", as both languages write a close code.
pub(super) fn close_text(t: &dyn Translation, code: u16) -> String {
    format!("code {code}: {}", t.close_code(code))
}

/// The close's reason, when the broker gave one.
pub(super) fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" ({reason})")
    }
}

/// A CONNACK's properties as "Receive Maximum 20 · Maximum QoS 1": the
/// spec's names, the same in both languages.
pub(super) fn limits(p: &Properties) -> String {
    p.0.iter()
        .map(|(id, value)| format!("{} {}", properties::name(*id), properties::show(value)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// An MQTT protocol level as people name it.
pub(super) fn protocol(version: u8) -> String {
    match version {
        3 => "MQTT 3.1".into(),
        4 => "MQTT 3.1.1".into(),
        v => format!("MQTT {v}"),
    }
}

/// `wording` with each `{name}` replaced by its argument.
pub(super) fn fill(wording: &str, args: &[(&str, String)]) -> String {
    let mut out = wording.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{name}`s of a wording, sorted (tests hold both languages to them).
#[cfg(test)]
pub(super) fn placeholders(wording: &str) -> Vec<&str> {
    let mut names: Vec<&str> = wording
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names
}
