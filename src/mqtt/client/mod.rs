//! `use_mqtt`-style hook: a thin reactive shell that ties the sans-IO session to
//! the WebSocket transport. The decisions live in pure parts with native tests:
//! `steps` (what happened and how it went), `probe` (the connectivity check),
//! `feed` (batching and rate of the log), `retry` (when to reconnect) and
//! `inbound` (slicing a flood). This shell owns the signals, hands them out
//! read-only, owns every timer, and ends a connection in one place,
//! `end_connection`. Its commands are in `commands.rs`, its reactions to the
//! socket and the session in `events.rs`.

use leptos::prelude::*;

mod commands;
mod events;

use super::inbound::Inbound;
use super::live_log::LiveLog;
use super::packet::{Protocol, SubOptions};
use super::params::{ConnectParams, CredentialKind};
use super::probe::{CheckState, Probe};
use super::qos::Qos;
use super::retry::{Reconnects, Retry, StopReason};
use super::session::{ConnectOptions, Session, WillChoice};
use super::steps::{Step, StepEntry};
use super::timers::Timers;
use super::transport::Transport;
use super::url::check_broker_url;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Idle,
    Connecting,
    Connected,
    Closed,
}

impl Status {
    /// The stable name, for `data-status` (what end-to-end tests read).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Connecting => "connecting",
            Status::Connected => "connected",
            Status::Closed => "closed",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SubState {
    Pending,
    Granted(Qos),
    /// The broker's code as the spec writes it ("0x87", "0x80").
    Refused(String),
}

impl SubState {
    /// The stable name, for `data-state` (what end-to-end tests read); a
    /// granted QoS goes in `data-qos`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SubState::Pending => "pending",
            SubState::Granted(_) => "granted",
            SubState::Refused(_) => "refused",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subscription {
    pub filter: String,
    /// The QoS, and under MQTT 5 no local, retain as published and retain handling.
    pub options: SubOptions,
    pub label: String,
    /// Index into the palette; a label always goes with it (never colour alone).
    pub colour: usize,
    pub state: SubState,
}

/// One open (or opening) connection.
struct Connection {
    session: Session,
    transport: Transport,
    /// CONNECT waits here until the socket is open.
    connect_bytes: Vec<u8>,
    probe: Option<Probe>,
    inbound: Inbound,
    /// The socket opened (a `wss://` one that never did points at the certificate).
    opened: bool,
    /// The guard's prediction per publish in flight, shown beside the broker's answer.
    predicted: std::collections::HashMap<u16, bool>,
}

impl Connection {
    /// Sends what the session produced. A failed send means the socket is
    /// closing; its close event follows and ends the connection, so there is
    /// nothing else to do here.
    fn send(&self, bytes: &[u8]) {
        if !bytes.is_empty() {
            let _closing = self.transport.send(bytes);
        }
    }
}

/// Why a connection ends.
enum Ending {
    /// A new credential or a new connect replaces it: nothing to report.
    Replaced,
    /// The user disconnected: forget the credential.
    Requested,
    /// Lost, as `step` says: reconnect with backoff, or stop and say why.
    Lost { step: Step, requested: bool },
    /// The owner is gone: cancel every timer and listener, touch no signal.
    Disposed,
}

const KEEP_ALIVE_SECS: u16 = 30;

#[derive(Clone, Copy)]
pub struct MqttClient {
    status: RwSignal<Status>,
    steps: RwSignal<Vec<StepEntry>>,
    subscriptions: RwSignal<Vec<Subscription>>,
    check: RwSignal<CheckState>,
    params: RwSignal<Option<ConnectParams>>,
    /// Why the client stopped reconnecting, when it did.
    stopped: RwSignal<Option<StopReason>>,
    /// The last will to send with CONNECT, as the form set it.
    will: RwSignal<WillChoice>,
    /// MQTT 5 or 3.1.1, and MQTT 5's session expiry: the connect panel's choice.
    protocol: RwSignal<Protocol>,
    session_expiry_secs: RwSignal<u32>,
    log: LiveLog,
    reconnects: StoredValue<Reconnects>,
    conn: StoredValue<Option<Connection>, LocalStorage>,
    timers: StoredValue<Timers, LocalStorage>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl MqttClient {
    /// `params` holds the credential in use; the page shares it (the test
    /// client link) so the credential cards can tell which one it is.
    pub fn new(params: RwSignal<Option<ConnectParams>>) -> Self {
        let client = MqttClient {
            status: RwSignal::new(Status::Idle),
            steps: RwSignal::new(Vec::new()),
            subscriptions: RwSignal::new(Vec::new()),
            check: RwSignal::new(CheckState::Idle),
            params,
            stopped: RwSignal::new(None),
            will: RwSignal::new(WillChoice::None),
            protocol: RwSignal::new(Protocol::default()),
            session_expiry_secs: RwSignal::new(0),
            log: LiveLog::new(),
            reconnects: StoredValue::new(Reconnects::default()),
            conn: StoredValue::new_local(None),
            timers: StoredValue::new_local(Timers::default()),
        };
        // Leaving the page (or the organisation) drops the session, its secret
        // and every timer: a timer firing into a disposed client would panic.
        on_cleanup(move || client.end_connection(Ending::Disposed));
        client
    }

    pub fn status(&self) -> ReadSignal<Status> {
        self.status.read_only()
    }
    pub fn steps(&self) -> ReadSignal<Vec<StepEntry>> {
        self.steps.read_only()
    }
    pub fn subscriptions(&self) -> ReadSignal<Vec<Subscription>> {
        self.subscriptions.read_only()
    }
    pub fn check(&self) -> ReadSignal<CheckState> {
        self.check.read_only()
    }
    pub fn params(&self) -> ReadSignal<Option<ConnectParams>> {
        self.params.read_only()
    }
    pub fn stopped(&self) -> ReadSignal<Option<StopReason>> {
        self.stopped.read_only()
    }
    /// The protocol the next connection speaks (the connect panel sets it).
    pub fn protocol(&self) -> RwSignal<Protocol> {
        self.protocol
    }
    /// MQTT 5's session expiry interval for the next connection.
    pub fn session_expiry_secs(&self) -> RwSignal<u32> {
        self.session_expiry_secs
    }
    /// The message log, its counters and its cap.
    pub fn log(&self) -> LiveLog {
        self.log
    }

    /// The remembered subscriptions of an organisation, sent once connected.
    pub fn restore_subscriptions(&self, list: Vec<Subscription>) {
        self.subscriptions.set(list);
    }

    fn step(&self, step: Step) {
        self.steps.update(|s| {
            s.push(StepEntry {
                at_ms: now_ms(),
                step,
            })
        });
    }

    /// The last will for the next connection (the form's, as typed).
    pub fn set_will(&self, will: WillChoice) {
        self.will.set(will);
    }

    /// Chooses the credential to use (e.g. "Use in test client"); replaces any
    /// previous one and its connection.
    pub fn set_params(&self, params: ConnectParams) {
        self.end_connection(Ending::Replaced);
        self.reconnects.set_value(Reconnects::default());
        self.params.set(Some(params));
        self.status.set(Status::Idle);
        self.steps.set(Vec::new());
        self.check.set(CheckState::Idle);
    }

    /// Swaps in a renewed JWT for the same client id and reconnects with it. Unlike
    /// `set_params` this keeps the diagnostics, the log and the subscriptions (the
    /// session resubscribes once connected).
    pub fn renew_token(&self, token: String, expires_at_ms: f64) {
        // The new token may arrive after the organisation was switched away
        // (the request was in flight): a disposed client takes nothing.
        let is_jwt = self
            .params
            .try_with_untracked(|p| p.as_ref().is_some_and(|p| p.kind == CredentialKind::Jwt));
        if is_jwt != Some(true) {
            return;
        }
        self.params.update(|p| {
            if let Some(p) = p {
                p.password = token;
                p.expires_at_ms = Some(expires_at_ms);
            }
        });
        self.step(Step::TokenRenewed { expires_at_ms });
        // A clean DISCONNECT first, so the broker does not see a dropped client.
        self.with_conn(|c| {
            let bytes = c.session.disconnect();
            c.send(&bytes);
        });
        self.connect();
    }

    /// The organisation revoked a token (the events feed or the tokens list
    /// says so). When it is this client's: close, stop retrying (the broker
    /// refuses it from now on) and say why, once.
    pub fn token_revoked(&self, jti: &str) {
        let mine = self
            .params
            .try_with_untracked(|p| p.as_ref().and_then(ConnectParams::token_id))
            .flatten();
        let told = self.stopped.try_get_untracked().flatten() == Some(StopReason::Revoked);
        if mine.as_deref() != Some(jti) || told {
            return;
        }
        self.step(Step::NotRetrying(StopReason::Revoked));
        self.stopped.set(Some(StopReason::Revoked));
        // A live connection is the broker's to cut (its close then shows as
        // the revocation's); anything else stops here, retries included.
        if self.status.get_untracked() != Status::Connected {
            self.end_connection(Ending::Replaced);
            self.status.set(Status::Closed);
        }
    }

    /// Connects as the user asked: the reconnect bookkeeping starts afresh.
    pub fn connect(&self) {
        self.reconnects.set_value(Reconnects::default());
        self.stopped.set(None);
        self.open();
    }

    fn open(&self) {
        let Some(p) = self.params.get_untracked() else {
            return;
        };
        self.end_connection(Ending::Replaced);
        let page = window().location().protocol().unwrap_or_default();
        if let Err(problem) = check_broker_url(&page, &p.ws_url) {
            self.step(Step::UrlRefused(problem));
            self.status.set(Status::Closed);
            self.fail_check();
            return;
        }
        // The broker checks only a will topic's syntax at CONNECT and drops
        // a will outside the namespace without a word when it fires: the
        // guard refuses it here.
        let will = match self.will.get_untracked() {
            WillChoice::None => None,
            WillChoice::Will(will) => Some(will),
            WillChoice::OutsideNamespace(topic) => {
                self.step(Step::WillOutsideNamespace { topic });
                self.status.set(Status::Closed);
                self.fail_check();
                return;
            }
            // A will is sent as the form shows it or not at all: never with
            // the properties quietly left out.
            WillChoice::BadProperties(problem) => {
                self.step(Step::WillPropertiesInvalid(problem));
                self.status.set(Status::Closed);
                self.fail_check();
                return;
            }
        };
        let options = ConnectOptions {
            protocol: self.protocol.get_untracked(),
            session_expiry_secs: self.session_expiry_secs.get_untracked(),
            client_id: p.client_id.clone(),
            user_name: Some(p.user_name.clone()),
            password: Some(p.password.clone()),
            keep_alive_secs: KEEP_ALIVE_SECS,
            clean_session: true,
            will,
        };
        let (session, connect_bytes) = Session::connect(options, now_ms() as u64);
        let me = *self;
        let transport = match Transport::open(&p.ws_url, move |e| me.on_transport(e)) {
            Ok(t) => t,
            Err(e) => {
                self.step(Step::OpenFailed(e));
                self.status.set(Status::Closed);
                self.fail_check();
                return;
            }
        };
        self.step(Step::Opening {
            url: p.ws_url.clone(),
        });
        self.status.set(Status::Connecting);
        self.timers
            .update_value(|t| t.start_ticker(move || me.on_tick()));
        self.conn.set_value(Some(Connection {
            session,
            transport,
            connect_bytes,
            probe: None,
            inbound: Inbound::default(),
            predicted: Default::default(),
            opened: false,
        }));
    }

    /// Disconnect asked by the user: DISCONNECT, close, and forget the password.
    pub fn disconnect(&self) {
        self.with_conn(|c| {
            let bytes = c.session.disconnect();
            c.send(&bytes);
        });
        self.end_connection(Ending::Requested);
    }

    /// The one way a connection ends: timers and listeners first, so nothing can
    /// fire into a half-ended client; then what the ending means for the screen.
    fn end_connection(&self, ending: Ending) {
        self.timers.try_update_value(Timers::cancel_all);
        if let Ending::Disposed = ending {
            self.log.cancel();
        }
        if let Some(Some(conn)) = self.conn.try_update_value(Option::take) {
            conn.transport.close();
            // Often called from inside one of the socket's own callbacks: dropping
            // the transport there would free the closure that is running. Drop it
            // once the current event has been handled.
            leptos::task::spawn_local(async move { drop(conn) });
        }
        match ending {
            Ending::Disposed | Ending::Replaced => {}
            Ending::Requested => {
                self.stopped.set(Some(StopReason::Requested));
                self.status.set(Status::Idle);
                self.params.set(None);
            }
            Ending::Lost { step, requested } => {
                self.step(step);
                self.status.set(Status::Closed);
                self.fail_check();
                self.after_drop(requested);
            }
        }
    }

    /// After a lost connection: reconnect with backoff, or stop and say why.
    fn after_drop(&self, requested: bool) {
        if self.stopped.get_untracked() == Some(StopReason::Revoked) {
            // Said already; the broker refuses the token from now on.
            return;
        }
        let token_expired = self.token_expired();
        let retry = self
            .reconnects
            .try_update_value(|r| r.dropped(requested, token_expired, now_ms()));
        match retry {
            Some(Retry::AfterMs(in_ms)) => {
                let attempt = self.reconnects.with_value(Reconnects::attempt);
                self.step(Step::Reconnecting { attempt, in_ms });
                let me = *self;
                self.timers
                    .update_value(|t| t.start_retry(in_ms, move || me.open()));
            }
            Some(Retry::Never(reason)) => {
                if reason != StopReason::Requested {
                    self.step(Step::NotRetrying(reason));
                }
                self.stopped.set(Some(reason));
            }
            None => {}
        }
    }

    fn token_expired(&self) -> bool {
        self.params
            .with_untracked(|p| p.as_ref().and_then(|p| p.expires_at_ms))
            .is_some_and(|exp| now_ms() >= exp)
    }

    fn with_conn<R>(&self, f: impl FnOnce(&mut Connection) -> R) -> Option<R> {
        self.conn.try_update_value(|c| c.as_mut().map(f)).flatten()
    }

    fn fail_check(&self) {
        if self.check.get_untracked() == CheckState::Running {
            self.check.set(CheckState::Failed);
        }
    }
}
