//! `use_mqtt`-style hook: ties the sans-IO session to the WebSocket transport and
//! exposes signals for the screen (status, diagnostics, subscriptions, messages,
//! connectivity check) and commands (connect, subscribe, publish, disconnect).

use std::collections::VecDeque;

use leptos::prelude::*;
use tillor_contract::Namespace;

use super::log::{Direction, MessageEntry};
use super::log::{MessageLog, DEFAULT_CAP};
use super::retry::{decide, Retry, StopReason, QUICK_DROP_MS};
use super::session::{ConnackCode, ConnectOptions, Event, Qos, Session, SessionError};
use super::transport::{Transport, TransportEvent};
use super::url::{check_broker_url, UrlProblem};

const CHECK_PREFIX: &str = "_tillor-check";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    Jwt,
    Static,
}

/// What a connection needs. The password lives here only while the session
/// may need to reconnect; `disconnect` by the user drops it.
#[derive(Clone, PartialEq)]
pub struct ConnectParams {
    pub kind: CredentialKind,
    pub ws_url: String,
    pub client_id: String,
    pub user_name: String,
    pub password: String,
    pub topic_prefix: String,
    /// JWT expiry (Unix ms), to explain a cut-off at expiry.
    pub expires_at_ms: Option<f64>,
}

impl std::fmt::Debug for ConnectParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectParams")
            .field("kind", &self.kind)
            .field("ws_url", &self.ws_url)
            .field("client_id", &self.client_id)
            .field("user_name", &self.user_name)
            .field("password", &"<hidden>")
            .field("topic_prefix", &self.topic_prefix)
            .finish()
    }
}

impl ConnectParams {
    /// The namespace the prefix names (`tillor/{env}/{org}/integration`).
    pub fn namespace(&self) -> Option<Namespace> {
        Namespace::from_prefix(&self.topic_prefix)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Idle,
    Connecting,
    Connected,
    Closed,
}

/// One diagnostic step, rendered in the user's language by the screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    UrlRefused(UrlProblem),
    Opening {
        url: String,
    },
    Opened {
        url: String,
        protocol: String,
        in_worker: bool,
    },
    OpenFailed(String),
    ConnectSent {
        client_id: String,
        user_name: String,
    },
    Connack(Result<(), ConnackCode>),
    Subscribed {
        filter: String,
        granted: Option<Qos>,
        predicted_allowed: bool,
    },
    Published {
        topic: String,
        qos: Qos,
        predicted_allowed: bool,
    },
    Delivered {
        packet_id: u16,
    },
    Timeout(&'static str),
    Protocol(String),
    TransportError,
    Closed {
        code: u16,
        reason: String,
        requested: bool,
        was_connected: bool,
        token_expired: bool,
    },
    Reconnecting {
        attempt: u32,
        in_ms: u32,
    },
    NotRetrying(StopReason),
    /// A new JWT for the same client id; the session reconnects with it.
    TokenRenewed {
        expires_at_ms: f64,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepEntry {
    pub at_ms: f64,
    pub step: Step,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SubState {
    Pending,
    Granted(Qos),
    Refused,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subscription {
    pub filter: String,
    pub qos: Qos,
    pub label: String,
    /// Index into the palette; a label always goes with it (never colour alone).
    pub colour: usize,
    pub state: SubState,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CheckState {
    Idle,
    Running,
    Verified { rtt_ms: f64 },
    Failed,
}

struct Inner {
    session: Session,
    transport: Transport,
    /// CONNECT waits here until the socket is open.
    connect_bytes: Vec<u8>,
    ticker: Option<IntervalHandle>,
    probe: Option<(String, String, f64)>,
    /// WebSocket frames not yet handed to the session. Chromium dispatches a
    /// burst of frames as one task, so the message handler only queues them and
    /// `drain_inbound` works through the queue in slices that each stay well
    /// under a frame's time: a flood can then never stall the page.
    inbound: VecDeque<Vec<u8>>,
    /// How much of the front of `inbound` the session has had.
    inbound_at: usize,
    drain_scheduled: bool,
}

/// The shortest time between two updates of the log on screen.
const SCREEN_GAP_MS: f64 = 100.0;
/// Work per slice before the page gets the main thread back.
const SLICE_BUDGET_MS: f64 = 6.0;
/// Bytes handed to the session between two looks at the clock (some 30
/// small messages). MQTT is a byte stream, so any cut is fine.
const BYTES_PER_CHECK: usize = 2048;

#[derive(Clone, Copy)]
pub struct MqttClient {
    pub status: RwSignal<Status>,
    pub steps: RwSignal<Vec<StepEntry>>,
    pub subscriptions: RwSignal<Vec<Subscription>>,
    /// Not a signal: a flood would clone it per frame. `log_version` tells the
    /// screen that it changed.
    log: StoredValue<MessageLog, LocalStorage>,
    log_version: RwSignal<u64>,
    pub check: RwSignal<CheckState>,
    pub params: RwSignal<Option<ConnectParams>>,
    /// How many messages the log keeps (older ones go; the counters keep counting).
    cap: RwSignal<usize>,
    pub received_total: RwSignal<u64>,
    pub sent_total: RwSignal<u64>,
    /// Messages received per second, over the last second.
    pub rate: RwSignal<u64>,
    pending: StoredValue<VecDeque<MessageEntry>, LocalStorage>,
    unflushed_counts: StoredValue<(u64, u64)>,
    flush_scheduled: StoredValue<bool>,
    last_flush_ms: StoredValue<f64>,
    rate_mark: StoredValue<(f64, u64)>,
    /// Why the client stopped reconnecting, when it did.
    pub stopped: RwSignal<Option<StopReason>>,
    inner: StoredValue<Option<Inner>, LocalStorage>,
    attempt: StoredValue<u32>,
    refused: StoredValue<bool>,
    connected_at: StoredValue<Option<f64>>,
    quick_drops: StoredValue<u32>,
    retry_timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl MqttClient {
    pub fn new() -> Self {
        let client = MqttClient {
            status: RwSignal::new(Status::Idle),
            steps: RwSignal::new(Vec::new()),
            subscriptions: RwSignal::new(Vec::new()),
            log: StoredValue::new_local(MessageLog::default()),
            log_version: RwSignal::new(0),
            check: RwSignal::new(CheckState::Idle),
            params: RwSignal::new(None),
            cap: RwSignal::new(DEFAULT_CAP),
            received_total: RwSignal::new(0),
            sent_total: RwSignal::new(0),
            rate: RwSignal::new(0),
            pending: StoredValue::new_local(VecDeque::new()),
            unflushed_counts: StoredValue::new((0, 0)),
            flush_scheduled: StoredValue::new(false),
            last_flush_ms: StoredValue::new(0.0),
            rate_mark: StoredValue::new((0.0, 0)),
            stopped: RwSignal::new(None),
            inner: StoredValue::new_local(None),
            attempt: StoredValue::new(0),
            refused: StoredValue::new(false),
            connected_at: StoredValue::new(None),
            quick_drops: StoredValue::new(0),
            retry_timer: StoredValue::new_local(None),
        };
        // Leaving the page (or the organisation) drops the session and its secret.
        on_cleanup(move || client.drop_connection());
        client
    }

    fn step(&self, step: Step) {
        self.steps.update(|s| {
            s.push(StepEntry {
                at_ms: now_ms(),
                step,
            })
        });
    }

    /// Chooses the credential to use (e.g. "Use in test client"); replaces any
    /// previous one and its connection.
    pub fn set_params(&self, params: ConnectParams) {
        self.drop_connection();
        self.cancel_retry();
        self.attempt.set_value(0);
        self.quick_drops.set_value(0);
        self.refused.set_value(false);
        self.params.set(Some(params));
        self.status.set(Status::Idle);
        self.steps.set(Vec::new());
        self.check.set(CheckState::Idle);
    }

    /// Swaps in a renewed JWT for the same client id and reconnects with it. Unlike
    /// `set_params` this keeps the diagnostics, the log and the subscriptions (the
    /// session resubscribes once connected).
    pub fn renew_token(&self, token: String, expires_at_ms: f64) {
        let same_kind = self
            .params
            .with_untracked(|p| p.as_ref().is_some_and(|p| p.kind == CredentialKind::Jwt));
        if !same_kind {
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
        self.with_session(|i| {
            let bytes = i.session.disconnect();
            let _ = i.transport.send(&bytes);
        });
        self.refused.set_value(false);
        self.cancel_retry();
        self.attempt.set_value(0);
        self.quick_drops.set_value(0);
        self.stopped.set(None);
        self.connect();
    }

    pub fn connect(&self) {
        let Some(p) = self.params.get_untracked() else {
            return;
        };
        self.drop_connection();
        let page = window().location().protocol().unwrap_or_default();
        if let Err(problem) = check_broker_url(&page, &p.ws_url) {
            self.step(Step::UrlRefused(problem));
            self.status.set(Status::Closed);
            self.fail_check();
            return;
        }
        let options = ConnectOptions {
            client_id: p.client_id.clone(),
            user_name: Some(p.user_name.clone()),
            password: Some(p.password.clone()),
            keep_alive_secs: 30,
            clean_session: true,
            will: None,
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
        let ticker =
            set_interval_with_handle(move || me.on_tick(), std::time::Duration::from_secs(1)).ok();
        self.inner.set_value(Some(Inner {
            session,
            transport,
            connect_bytes,
            ticker,
            probe: None,
            inbound: VecDeque::new(),
            inbound_at: 0,
            drain_scheduled: false,
        }));
    }

    fn cancel_retry(&self) {
        if let Some(Some(t)) = self.retry_timer.try_update_value(|t| t.take()) {
            t.clear();
        }
    }

    /// After the connection ended: reconnect with backoff, or stop and say why.
    fn after_drop(&self, requested: bool, token_expired: bool) {
        let attempt = self.attempt.get_value();
        let quick = self
            .connected_at
            .get_value()
            .is_some_and(|at| now_ms() - at < QUICK_DROP_MS);
        self.connected_at.set_value(None);
        let quick_drops = if quick {
            self.quick_drops.get_value() + 1
        } else {
            0
        };
        self.quick_drops.set_value(quick_drops);
        match decide(
            requested,
            self.refused.get_value(),
            token_expired,
            attempt,
            quick_drops,
        ) {
            Retry::AfterMs(in_ms) => {
                self.step(Step::Reconnecting {
                    attempt: attempt + 1,
                    in_ms,
                });
                self.attempt.set_value(attempt + 1);
                let me = *self;
                let timer = set_timeout_with_handle(
                    move || {
                        me.retry_timer.set_value(None);
                        me.reconnect();
                    },
                    std::time::Duration::from_millis(u64::from(in_ms)),
                )
                .ok();
                self.retry_timer.set_value(timer);
            }
            Retry::Never(reason) => {
                if reason != StopReason::Requested {
                    self.step(Step::NotRetrying(reason));
                }
                self.stopped.set(Some(reason));
            }
        }
    }

    /// A reconnect keeps the attempt count (for the backoff) and the check state.
    fn reconnect(&self) {
        let attempt = self.attempt.get_value();
        self.connect();
        self.attempt.set_value(attempt);
    }

    fn token_expired(&self) -> bool {
        self.params
            .with_untracked(|p| p.as_ref().and_then(|p| p.expires_at_ms))
            .is_some_and(|exp| now_ms() >= exp)
    }

    /// Disconnect asked by the user: DISCONNECT, close, and forget the password.
    pub fn disconnect(&self) {
        self.cancel_retry();
        self.stopped.set(Some(StopReason::Requested));
        self.inner.update_value(|inner| {
            if let Some(i) = inner {
                let bytes = i.session.disconnect();
                let _ = i.transport.send(&bytes);
            }
        });
        self.drop_connection();
        self.status.set(Status::Idle);
        self.params.set(None);
    }

    fn drop_connection(&self) {
        if let Some(Some(mut inner)) = self.inner.try_update_value(|i| i.take()) {
            if let Some(t) = inner.ticker.take() {
                t.clear();
            }
            inner.transport.close();
            // Often called from inside one of the socket's own callbacks: dropping
            // the transport there would free the closure that is running. Drop it
            // once the current event has been handled.
            leptos::task::spawn_local(async move { drop(inner) });
        }
    }

    fn with_session<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
        self.inner.try_update_value(|i| i.as_mut().map(f)).flatten()
    }

    fn predicted(&self, topic: &str, filter: bool) -> bool {
        self.params
            .with_untracked(|p| p.as_ref().and_then(|p| p.namespace()))
            .is_some_and(|ns| ns.explain(topic, filter).is_empty())
    }

    /// Subscribes; `anyway` sends a filter the namespace rules refuse (or that is
    /// malformed) to show what the broker answers.
    pub fn subscribe(
        &self,
        filter: String,
        qos: Qos,
        label: String,
        anyway: bool,
    ) -> Result<(), SessionError> {
        let colour = self.subscriptions.with_untracked(|s| s.len());
        let sent = self.send_subscribe(&filter, qos, anyway);
        if sent.is_ok() {
            self.subscriptions.update(|s| {
                s.retain(|x| x.filter != filter);
                s.push(Subscription {
                    filter,
                    qos,
                    label,
                    colour,
                    state: SubState::Pending,
                });
            });
        }
        sent
    }

    fn send_subscribe(&self, filter: &str, qos: Qos, anyway: bool) -> Result<(), SessionError> {
        let now = now_ms() as u64;
        let filters = [(filter.to_owned(), qos)];
        self.with_session(|i| {
            let (_, bytes) = if anyway {
                i.session.subscribe_unchecked(&filters, now)?
            } else {
                i.session.subscribe(&filters, now)?
            };
            let _ = i.transport.send(&bytes);
            Ok(())
        })
        .unwrap_or(Err(SessionError::NotConnected))
    }

    pub fn unsubscribe(&self, filter: &str) {
        let now = now_ms() as u64;
        let filter = filter.to_owned();
        self.with_session(|i| {
            if let Ok((_, bytes)) = i.session.unsubscribe(std::slice::from_ref(&filter), now) {
                let _ = i.transport.send(&bytes);
            }
        });
        self.subscriptions
            .update(|s| s.retain(|x| x.filter != filter));
    }

    pub fn publish(
        &self,
        topic: String,
        payload: Vec<u8>,
        qos: Qos,
        retain: bool,
    ) -> Result<(), SessionError> {
        let now = now_ms();
        let predicted_allowed = self.predicted(&topic, false);
        self.with_session(|i| {
            let (_, bytes) = i
                .session
                .publish(&topic, &payload, qos, retain, now as u64)?;
            let _ = i.transport.send(&bytes);
            Ok(())
        })
        .unwrap_or(Err(SessionError::NotConnected))?;
        self.step(Step::Published {
            topic: topic.clone(),
            qos,
            predicted_allowed,
        });
        self.push_message(MessageEntry {
            direction: Direction::Sent,
            topic,
            payload,
            qos,
            retain,
            at_ms: now,
        });
        Ok(())
    }

    /// One click: connect if needed, subscribe to a probe topic in the namespace,
    /// publish to it, and measure the round trip.
    pub fn check_connectivity(&self) {
        self.check.set(CheckState::Running);
        if self.status.get_untracked() == Status::Connected {
            self.start_probe();
        } else {
            self.connect();
        }
    }

    fn start_probe(&self) {
        let Some(prefix) = self
            .params
            .with_untracked(|p| p.as_ref().map(|p| p.topic_prefix.clone()))
        else {
            return;
        };
        let nonce = format!("{:x}", (js_sys::Math::random() * 1e12) as u64);
        let topic = format!("{prefix}/{CHECK_PREFIX}/{nonce}");
        let now = now_ms() as u64;
        let sent = self.with_session(|i| {
            let (_, bytes) = i
                .session
                .subscribe(&[(topic.clone(), Qos::AtLeastOnce)], now)?;
            i.probe = Some((topic.clone(), nonce.clone(), 0.0));
            i.transport
                .send(&bytes)
                .map_err(|_| SessionError::NotConnected)
        });
        if !matches!(sent, Some(Ok(()))) {
            self.fail_check();
        }
    }

    fn fail_check(&self) {
        if self.check.get_untracked() == CheckState::Running {
            self.check.set(CheckState::Failed);
        }
    }

    /// Messages are applied to the screen in batches, in an animation frame and
    /// at most once per `SCREEN_GAP_MS`: a flood then costs a few renders per
    /// second instead of one per message (or per frame: in scripts/bench each
    /// render plus its paint took 10-50 ms of the page's time).
    fn push_message(&self, m: MessageEntry) {
        let cap = self.cap.get_untracked().max(1);
        // Counted here, not at flush: a backlog trimmed to the cap before the
        // next frame (a hidden tab gets none) must still be counted.
        self.unflushed_counts
            .update_value(|(r, s)| match m.direction {
                Direction::Received => *r += 1,
                Direction::Sent => *s += 1,
            });
        self.pending.update_value(|p| {
            p.push_back(m);
            // A hidden tab gets no animation frames: keep the backlog bounded too.
            if p.len() > cap {
                p.pop_front();
            }
        });
        if !self.flush_scheduled.get_value() {
            self.flush_scheduled.set_value(true);
            let me = *self;
            let wait = self.last_flush_ms.get_value() + SCREEN_GAP_MS - now_ms();
            if wait <= 0.0 {
                request_animation_frame(move || me.flush());
            } else {
                set_timeout(
                    move || request_animation_frame(move || me.flush()),
                    std::time::Duration::from_millis(wait as u64),
                );
            }
        }
    }

    fn flush(&self) {
        self.flush_scheduled.set_value(false);
        self.last_flush_ms.set_value(now_ms());
        let (received, sent) = self
            .unflushed_counts
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        let Some(batch) = self.pending.try_update_value(std::mem::take) else {
            return;
        };
        if !batch.is_empty() {
            self.log.update_value(|log| log.extend(batch));
            self.log_version.update(|v| *v += 1);
        }
        if received > 0 {
            self.received_total.update(|n| *n += received);
        }
        if sent > 0 {
            self.sent_total.update(|n| *n += sent);
        }
    }

    /// Empties the log; the counters start again too.
    pub fn clear_log(&self) {
        self.pending.set_value(VecDeque::new());
        self.unflushed_counts.set_value((0, 0));
        self.log.update_value(MessageLog::clear);
        self.log_version.update(|v| *v += 1);
        self.received_total.set(0);
        self.sent_total.set(0);
    }

    /// Reads the log and, inside a reactive scope, re-runs when it changes.
    pub fn with_log<R>(&self, f: impl FnOnce(&MessageLog) -> R) -> R {
        self.log_version.track();
        self.log.with_value(f)
    }

    /// How many messages the log keeps (tracked).
    pub fn cap(&self) -> usize {
        self.cap.get()
    }

    pub fn set_cap(&self, cap: usize) {
        self.cap.set(cap.max(1));
        self.log.update_value(|log| log.set_cap(cap));
        self.log_version.update(|v| *v += 1);
    }

    fn on_tick(&self) {
        let (at, seen) = self.rate_mark.get_value();
        let (t, total) = (now_ms(), self.received_total.get_untracked());
        if at > 0.0 && t > at {
            self.rate
                .set(((total - seen) as f64 * 1000.0 / (t - at)).round() as u64);
        }
        self.rate_mark.set_value((t, total));
        let now = now_ms() as u64;
        let out = self.with_session(|i| {
            let out = i.session.tick(now);
            let _ = i.transport.send(&out.send);
            out.events
        });
        for e in out.unwrap_or_default() {
            self.on_session_event(e);
        }
    }

    fn on_transport(&self, event: TransportEvent) {
        match event {
            TransportEvent::Open {
                protocol,
                in_worker,
            } => {
                let url = self
                    .params
                    .with_untracked(|p| p.as_ref().map(|p| p.ws_url.clone()))
                    .unwrap_or_default();
                self.step(Step::Opened {
                    url,
                    protocol,
                    in_worker,
                });
                let ids = self.with_session(|i| {
                    let bytes = std::mem::take(&mut i.connect_bytes);
                    let _ = i.transport.send(&bytes);
                    let o = i.session.options();
                    (o.client_id.clone(), o.user_name.clone().unwrap_or_default())
                });
                if let Some((client_id, user_name)) = ids {
                    self.step(Step::ConnectSent {
                        client_id,
                        user_name,
                    });
                }
            }
            TransportEvent::Data(bytes) => {
                let schedule = self.with_session(|i| {
                    i.inbound.push_back(bytes);
                    !std::mem::replace(&mut i.drain_scheduled, true)
                });
                if schedule == Some(true) {
                    self.schedule_drain();
                }
            }
            TransportEvent::Error => self.step(Step::TransportError),
            TransportEvent::Closed { code, reason, .. } => {
                // What arrived before the close (a refusing CONNACK, the last
                // messages) is handled first, whatever it costs.
                self.drain_inbound(None);
                if self.with_session(|_| ()).is_none() {
                    return;
                }
                let was_connected = self.status.get_untracked() == Status::Connected;
                let requested = self
                    .with_session(|i| {
                        i.session.transport_closed() == Event::Closed { requested: true }
                    })
                    .unwrap_or(true);
                let token_expired = self.token_expired();
                self.step(Step::Closed {
                    code,
                    reason,
                    requested,
                    was_connected,
                    token_expired,
                });
                self.drop_connection();
                self.status.set(Status::Closed);
                self.fail_check();
                self.after_drop(requested, token_expired);
            }
        }
    }

    fn schedule_drain(&self) {
        let me = *self;
        set_timeout(
            move || me.drain_inbound(Some(SLICE_BUDGET_MS)),
            std::time::Duration::ZERO,
        );
    }

    /// Hands queued frames to the session until the queue is empty or the
    /// budget is spent (then the rest waits for another task). The replies
    /// (PUBACKs, ...) of a slice go out as one WebSocket send.
    fn drain_inbound(&self, budget_ms: Option<f64>) {
        let start = now_ms();
        loop {
            let now = now_ms() as u64;
            let slice = self.with_session(|i| {
                let Some(front) = i.inbound.front() else {
                    i.drain_scheduled = false;
                    return (Vec::new(), false);
                };
                let end = (i.inbound_at + BYTES_PER_CHECK).min(front.len());
                let out = i.session.receive(&front[i.inbound_at..end], now);
                if end == front.len() {
                    i.inbound.pop_front();
                    i.inbound_at = 0;
                } else {
                    i.inbound_at = end;
                }
                let _ = i.transport.send(&out.send);
                let events = out.events;
                let more = !i.inbound.is_empty();
                i.drain_scheduled = more;
                (events, more)
            });
            // The connection went away: its queue went with it.
            let Some((events, more)) = slice else { return };
            for e in events {
                self.on_session_event(e);
            }
            if !more {
                return;
            }
            if budget_ms.is_some_and(|b| now_ms() - start >= b) {
                self.schedule_drain();
                return;
            }
        }
    }

    fn on_session_event(&self, event: Event) {
        match event {
            Event::Connected { .. } => {
                self.attempt.set_value(0);
                self.refused.set_value(false);
                self.connected_at.set_value(Some(now_ms()));
                self.status.set(Status::Connected);
                self.step(Step::Connack(Ok(())));
                // Subscriptions survive a reconnect: send them again.
                let subs = self.subscriptions.get_untracked();
                for s in &subs {
                    let _ = self.send_subscribe(&s.filter, s.qos, true);
                }
                self.subscriptions
                    .update(|list| list.iter_mut().for_each(|s| s.state = SubState::Pending));
                if self.check.get_untracked() == CheckState::Running {
                    self.start_probe();
                }
            }
            Event::ConnectRefused(code) => {
                self.refused.set_value(true);
                self.step(Step::Connack(Err(code)));
                self.drop_connection();
                self.status.set(Status::Closed);
                self.fail_check();
                self.after_drop(false, self.token_expired());
            }
            Event::SubscribeResult { results, .. } => {
                for (filter, granted) in results {
                    if self.on_probe_suback(&filter, granted) {
                        continue;
                    }
                    let predicted_allowed = self.predicted(&filter, true);
                    self.subscriptions.update(|list| {
                        if let Some(s) = list.iter_mut().find(|s| s.filter == filter) {
                            s.state = granted.map(SubState::Granted).unwrap_or(SubState::Refused);
                        }
                    });
                    self.step(Step::Subscribed {
                        filter,
                        granted,
                        predicted_allowed,
                    });
                }
            }
            Event::Message {
                topic,
                payload,
                qos,
                retain,
                ..
            } => {
                if self.on_probe_message(&topic, &payload) {
                    return;
                }
                self.push_message(MessageEntry {
                    direction: Direction::Received,
                    topic,
                    payload,
                    qos,
                    retain,
                    at_ms: now_ms(),
                });
            }
            Event::Delivered { packet_id } => {
                let is_probe = self.with_session(|i| i.probe.is_some()).unwrap_or(false);
                if !is_probe {
                    self.step(Step::Delivered { packet_id });
                }
            }
            Event::Unsubscribed { .. } => {}
            Event::Timeout { waiting_for } => {
                self.step(Step::Timeout(waiting_for));
                self.drop_connection();
                self.status.set(Status::Closed);
                self.fail_check();
                self.after_drop(false, self.token_expired());
            }
            Event::ProtocolError(why) => {
                self.step(Step::Protocol(why));
                self.drop_connection();
                self.status.set(Status::Closed);
                self.fail_check();
                self.after_drop(false, self.token_expired());
            }
            Event::Closed { .. } => {}
        }
    }

    /// True when the SUBACK was for the connectivity probe.
    fn on_probe_suback(&self, filter: &str, granted: Option<Qos>) -> bool {
        let now = now_ms();
        let handled = self.with_session(|i| {
            let Some((topic, nonce, _)) = i.probe.clone() else {
                return false;
            };
            if topic != filter {
                return false;
            }
            if granted.is_some() {
                i.probe = Some((topic.clone(), nonce.clone(), now));
                if let Ok((_, bytes)) = i.session.publish(
                    &topic,
                    nonce.as_bytes(),
                    Qos::AtLeastOnce,
                    false,
                    now as u64,
                ) {
                    let _ = i.transport.send(&bytes);
                }
            } else {
                i.probe = None;
            }
            true
        });
        if handled == Some(true) && granted.is_none() {
            self.check.set(CheckState::Failed);
            self.step(Step::Subscribed {
                filter: filter.to_owned(),
                granted: None,
                predicted_allowed: true,
            });
        }
        handled == Some(true)
    }

    fn on_probe_message(&self, topic: &str, payload: &[u8]) -> bool {
        let now = now_ms();
        let rtt = self.with_session(|i| {
            let (t, nonce, sent) = i.probe.clone()?;
            if t != topic || nonce.as_bytes() != payload {
                return None;
            }
            i.probe = None;
            if let Ok((_, bytes)) = i.session.unsubscribe(&[t], now as u64) {
                let _ = i.transport.send(&bytes);
            }
            Some(now - sent)
        });
        match rtt.flatten() {
            Some(rtt_ms) => {
                self.check.set(CheckState::Verified { rtt_ms });
                true
            }
            None => false,
        }
    }
}

impl Default for MqttClient {
    fn default() -> Self {
        Self::new()
    }
}
