//! How the test client reacts: to the socket (open, data, close), to the
//! session's events, and to the once-a-second tick.

use leptos::prelude::*;

use super::{now_ms, Connection, Ending, MqttClient, Status, SubState};
use crate::mqtt::log::{Direction, MessageEntry};
use crate::mqtt::probe::{AfterSuback, CheckState};
use crate::mqtt::qos::Qos;
use crate::mqtt::retry::Reconnects;
use crate::mqtt::session::{Event, Outgoing, Reason};
use crate::mqtt::steps::{CloseCause, Step};
use crate::mqtt::transport::TransportEvent;
use crate::mqtt::url::is_secure;

/// Work per slice of inbound frames before the page gets the main thread back.
const SLICE_BUDGET_MS: f64 = 6.0;

impl MqttClient {
    pub(super) fn on_tick(&self) {
        self.log.tick();
        let now = now_ms() as u64;
        let events = self.with_conn(|c| {
            let out = c.session.tick(now);
            c.send(&out.send);
            out.events
        });
        for e in events.unwrap_or_default() {
            self.on_session_event(e);
        }
    }

    pub(super) fn on_transport(&self, event: TransportEvent) {
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
                let ids = self.with_conn(|c| {
                    c.opened = true;
                    let connect = std::mem::take(&mut c.connect_bytes);
                    c.send(&connect);
                    let o = c.session.options();
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
                if self.with_conn(|c| c.inbound.push(bytes)) == Some(true) {
                    self.schedule_drain();
                }
            }
            TransportEvent::Error => self.step(Step::TransportError),
            TransportEvent::Closed { code, reason, .. } => {
                // What arrived before the close (a refusing CONNACK, the last
                // messages) is handled first, whatever it costs.
                self.drain_inbound(None);
                let Some((requested, opened)) = self.with_conn(|c| {
                    let closed = c.session.transport_closed();
                    (closed == Event::Closed { requested: true }, c.opened)
                }) else {
                    return;
                };
                let wss = self
                    .params
                    .with_untracked(|p| p.as_ref().is_some_and(|p| is_secure(&p.ws_url)));
                let step = Step::Closed {
                    code,
                    reason,
                    cause: CloseCause::of_socket(
                        requested,
                        wss && !opened,
                        self.token_expired(),
                        self.status.get_untracked() == Status::Connected,
                    ),
                };
                self.end_connection(Ending::Lost { step, requested });
            }
        }
    }

    fn schedule_drain(&self) {
        let me = *self;
        self.timers
            .update_value(|t| t.drain_soon(move || me.drain_inbound(Some(SLICE_BUDGET_MS))));
    }

    /// Hands queued frames to the session until the queue is empty or the
    /// budget is spent (then the rest waits for another task). The replies
    /// (PUBACKs, ...) of a slice go out as one WebSocket send.
    fn drain_inbound(&self, budget_ms: Option<f64>) {
        let start = now_ms();
        loop {
            let now = now_ms() as u64;
            let slice = self.with_conn(|c| {
                let Connection {
                    session,
                    inbound,
                    transport,
                    ..
                } = c;
                let events = inbound.next_slice(|bytes| {
                    let out = session.receive(bytes, now);
                    if !out.send.is_empty() {
                        let _closing = transport.send(&out.send);
                    }
                    out.events
                })?;
                Some((events, inbound.has_more()))
            });
            // The queue is empty, or the connection went away with its queue.
            let Some(Some((events, more))) = slice else {
                return;
            };
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
            Event::Connected { properties, .. } => {
                self.reconnects.update_value(|r| r.connected(now_ms()));
                self.status.set(Status::Connected);
                self.step(Step::Connack(Ok(())));
                if !properties.is_empty() {
                    self.step(Step::BrokerLimits(properties));
                }
                // Subscriptions survive a reconnect: send them again.
                for s in self.subscriptions.get_untracked() {
                    // Only fails when the connection is already gone again.
                    let _gone = self.send_subscribe(&s.filter, s.options, true);
                }
                self.subscriptions
                    .update(|list| list.iter_mut().for_each(|s| s.state = SubState::Pending));
                if self.check.get_untracked() == CheckState::Running {
                    self.start_probe();
                }
            }
            Event::ConnectRefused(reason) => {
                self.reconnects.update_value(Reconnects::refused);
                self.lost(Step::Connack(Err(reason)));
            }
            Event::SubscribeResult { results, .. } => {
                for (filter, reason) in results {
                    self.on_suback(filter, reason);
                }
            }
            Event::Message {
                topic,
                payload,
                qos,
                retain,
                properties,
                ..
            } => {
                if self.on_probe_message(&topic, &payload) {
                    return;
                }
                self.log.push(MessageEntry {
                    direction: Direction::Received,
                    topic,
                    payload,
                    qos,
                    retain,
                    properties,
                    at_ms: now_ms(),
                });
            }
            Event::Delivered { packet_id, reason } => {
                let (probing, predicted) = self
                    .with_conn(|c| (c.probe.is_some(), c.predicted.remove(&packet_id)))
                    .unwrap_or((false, None));
                if !probing {
                    self.step(Step::Delivered {
                        packet_id,
                        reason,
                        predicted_allowed: predicted.unwrap_or(true),
                    });
                }
            }
            Event::ServerDisconnect(reason) => {
                self.reconnects
                    .update_value(|r| r.server_disconnect(reason.code));
                let cause = CloseCause::of(false, self.token_expired(), true);
                self.lost(Step::ServerDisconnect { reason, cause });
            }
            Event::Timeout { waiting_for } => self.lost(Step::Timeout(waiting_for)),
            Event::ProtocolError(why) => self.lost(Step::Protocol(why)),
            Event::Unsubscribed { .. } | Event::Closed { .. } => {}
        }
    }

    /// The session gave up on the connection (not the socket's close).
    fn lost(&self, step: Step) {
        self.end_connection(Ending::Lost {
            step,
            requested: false,
        });
    }

    fn on_suback(&self, filter: String, reason: Reason) {
        let now = now_ms();
        let granted = reason.granted();
        let probe = self.with_conn(|c| {
            let after = c.probe.as_mut()?.on_suback(&filter, granted.is_some(), now);
            match &after {
                AfterSuback::Publish { topic, payload } => {
                    let echo = Outgoing {
                        topic: topic.clone(),
                        payload: payload.clone(),
                        qos: Qos::AtLeastOnce,
                        ..Outgoing::default()
                    };
                    if let Ok((_, bytes)) = c.session.publish(echo, now as u64) {
                        c.send(&bytes);
                    }
                }
                AfterSuback::Refused => c.probe = None,
                AfterSuback::NotMine => {}
            }
            Some(after)
        });
        match probe.flatten() {
            Some(AfterSuback::Publish { .. }) => {}
            Some(AfterSuback::Refused) => {
                self.check.set(CheckState::Failed);
                self.step(Step::Subscribed {
                    filter,
                    reason,
                    predicted_allowed: true,
                });
            }
            Some(AfterSuback::NotMine) | None => {
                let predicted_allowed = self.predicted(&filter, true);
                self.subscriptions.update(|list| {
                    if let Some(s) = list.iter_mut().find(|s| s.filter == filter) {
                        s.state = match granted {
                            Some(q) => SubState::Granted(q),
                            None => SubState::Refused(reason.label()),
                        };
                    }
                });
                self.step(Step::Subscribed {
                    filter,
                    reason,
                    predicted_allowed,
                });
            }
        }
    }

    /// True when the message was the probe's echo (the check then succeeded).
    fn on_probe_message(&self, topic: &str, payload: &[u8]) -> bool {
        let now = now_ms();
        let rtt = self.with_conn(|c| {
            let rtt = c.probe.as_ref()?.on_message(topic, payload, now)?;
            if let Some(probe) = c.probe.take() {
                let filter = [probe.topic().to_owned()];
                if let Ok((_, bytes)) = c.session.unsubscribe(&filter, now as u64) {
                    c.send(&bytes);
                }
            }
            Some(rtt)
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
