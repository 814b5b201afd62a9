//! The test client's MQTT session, for MQTT 5 and 3.1.1 alike.
//!
//! Design: sans-IO. The session owns no socket and reads no clock: inputs are
//! bytes received, user commands and the current time in milliseconds (passed
//! in); outputs are bytes to send and events for the UI. The WebSocket transport
//! feeds it and writes what it returns, so every protocol rule is tested here
//! without a browser. It speaks `packet::Packet`, one shape for both versions;
//! the protocol only decides the bytes and which MQTT 5 rules apply.
//!
//! This file is longer than most on purpose: it is the one
//! state machine, and every transition (CONNACK, acknowledgements in both
//! directions, flow control, keep-alive, timeouts) reads best beside the
//! others. What the user asks of it (subscribe, publish...) is in
//! `commands.rs`; what it takes and gives in `types.rs`; what a CONNACK
//! allows in `limits.rs`; its tests in `tests.rs`.

use std::collections::{HashMap, HashSet, VecDeque};

mod commands;
mod limits;
mod types;

pub use limits::{ServerLimits, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM};
pub use types::{
    ConnackCode, ConnectOptions, Event, Filter, Outgoing, Output, Reason, SessionError, State,
    Will, WillChoice,
};

use super::codec::{FrameError, Framer, DEFAULT_MAX_PACKET};
use super::packet::properties::id;
use super::packet::{self, Ack, Connect, Packet, Properties, Protocol, Publish, Reasoned, Value};
use super::packet::{SubOptions, WillMessage};
use super::qos::Qos;

/// How long to wait for CONNACK, and for PINGRESP after a PINGREQ.
pub const ANSWER_TIMEOUT_MS: u64 = 10_000;

/// MQTT 5 reason codes the session itself sends in DISCONNECT.
const RECEIVE_MAXIMUM_EXCEEDED: u8 = 0x93;
const TOPIC_ALIAS_INVALID: u8 = 0x94;
const PROTOCOL_ERROR: u8 = 0x82;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OutQos2 {
    AwaitingPubrec,
    AwaitingPubcomp,
}

#[derive(Debug)]
pub struct Session {
    options: ConnectOptions,
    state: State,
    framer: Framer,
    limits: ServerLimits,
    last_id: u16,
    out_qos1: HashSet<u16>,
    out_qos2: HashMap<u16, OutQos2>,
    /// Publishes held back while the broker's receive maximum is reached
    /// (their ids are already in `out_qos1` / `out_qos2`).
    queued: VecDeque<(u16, Vec<u8>)>,
    /// QoS 2 messages received and not yet released: a redelivery is not shown twice.
    in_qos2: HashSet<u16>,
    /// Inbound topic aliases (MQTT 5): alias → topic, for this connection only.
    aliases: HashMap<u16, String>,
    pending_subscribe: HashMap<u16, Vec<String>>,
    pending_unsubscribe: HashSet<u16>,
    connect_sent_ms: u64,
    last_sent_ms: u64,
    ping_sent_ms: Option<u64>,
    disconnect_sent: bool,
}

impl Session {
    /// Starts a session: returns it and the CONNECT to send once the transport is open.
    pub fn connect(options: ConnectOptions, now_ms: u64) -> (Session, Vec<u8>) {
        // Properties, the will's included, are MQTT 5's: the 3.1.1 codec
        // (`packet::v311`) leaves them out, so they are built for both.
        let mut properties = Properties::default();
        if options.session_expiry_secs > 0 {
            properties =
                properties.with(id::SESSION_EXPIRY, Value::Int(options.session_expiry_secs));
        }
        properties = properties
            .with(id::RECEIVE_MAXIMUM, Value::Int(RECEIVE_MAXIMUM.into()))
            .with(
                id::TOPIC_ALIAS_MAXIMUM,
                Value::Int(TOPIC_ALIAS_MAXIMUM.into()),
            )
            .with(
                id::MAXIMUM_PACKET_SIZE,
                Value::Int(DEFAULT_MAX_PACKET as u32),
            );
        let connect = Connect {
            client_id: options.client_id.clone(),
            user_name: options.user_name.clone(),
            password: options.password.as_ref().map(|p| p.as_bytes().to_vec()),
            keep_alive: options.keep_alive_secs,
            clean_start: options.clean_session,
            will: options.will.as_ref().map(|w| WillMessage {
                topic: w.topic.clone(),
                payload: w.payload.clone(),
                qos: w.qos,
                retain: w.retain,
                properties: w.properties.clone(),
            }),
            properties,
        };
        let protocol = options.protocol;
        let session = Session {
            options,
            state: State::Connecting,
            framer: Framer::new(DEFAULT_MAX_PACKET, protocol),
            limits: ServerLimits::default(),
            last_id: 0,
            out_qos1: HashSet::new(),
            out_qos2: HashMap::new(),
            queued: VecDeque::new(),
            in_qos2: HashSet::new(),
            aliases: HashMap::new(),
            pending_subscribe: HashMap::new(),
            pending_unsubscribe: HashSet::new(),
            connect_sent_ms: now_ms,
            last_sent_ms: now_ms,
            ping_sent_ms: None,
            disconnect_sent: false,
        };
        let bytes = session.encode(&Packet::Connect(Box::new(connect)));
        (session, bytes)
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    pub fn protocol(&self) -> Protocol {
        self.options.protocol
    }

    /// Our publishes still waiting for PUBACK / PUBREC / PUBCOMP, including
    /// those held back by the broker's receive maximum.
    pub fn in_flight(&self) -> usize {
        self.out_qos1.len() + self.out_qos2.len()
    }

    fn encode(&self, packet: &Packet) -> Vec<u8> {
        packet::encode(self.options.protocol, packet)
    }

    fn reason(&self, code: u8, properties: &Properties) -> Reason {
        Reason::new(self.options.protocol, code, properties)
    }

    /// Bytes from the transport, in any split.
    pub fn receive(&mut self, bytes: &[u8], now_ms: u64) -> Output {
        let mut out = Output::default();
        if self.state == State::Closed {
            return out;
        }
        let packets = match self.framer.push(bytes) {
            Ok(p) => p,
            Err(e) => {
                self.fail(&mut out, frame_message(&e));
                return out;
            }
        };
        for packet in packets {
            self.handle(packet, &mut out);
            if self.state == State::Closed {
                break;
            }
        }
        if !out.send.is_empty() {
            self.last_sent_ms = now_ms;
        }
        out
    }

    fn handle(&mut self, packet: Packet, out: &mut Output) {
        match (self.state, packet) {
            (State::Connecting, Packet::Connack(ack)) => {
                if ack.code != 0 {
                    self.state = State::Closed;
                    let reason = self.reason(ack.code, &ack.properties);
                    out.events.push(Event::ConnectRefused(reason));
                    return;
                }
                self.state = State::Connected;
                self.limits = ServerLimits::from(&ack.properties);
                out.events.push(Event::Connected {
                    session_present: ack.session_present,
                    properties: ack.properties,
                });
            }
            (State::Connecting, other) => {
                self.fail(out, format!("{} before CONNACK", other.name()));
            }
            (_, Packet::Suback(ack)) => {
                let Some(filters) = self.pending_subscribe.remove(&ack.packet_id) else {
                    return self.fail(out, format!("SUBACK for unknown packet {}", ack.packet_id));
                };
                if filters.len() != ack.codes.len() {
                    let (codes, n) = (ack.codes.len(), filters.len());
                    return self.fail(out, format!("SUBACK has {codes} codes for {n} filters"));
                }
                let results = filters
                    .into_iter()
                    .zip(&ack.codes)
                    .map(|(f, code)| (f, self.reason(*code, &ack.properties)))
                    .collect();
                out.events.push(Event::SubscribeResult {
                    packet_id: ack.packet_id,
                    results,
                });
            }
            (_, Packet::Unsuback(ack)) => {
                if self.pending_unsubscribe.remove(&ack.packet_id) {
                    out.events.push(Event::Unsubscribed {
                        packet_id: ack.packet_id,
                    });
                }
            }
            (_, Packet::Publish(p)) => self.incoming_publish(p, out),
            (_, Packet::Pubrel(rel)) => {
                self.in_qos2.remove(&rel.packet_id);
                // Answered even for an unknown id: the broker may be retrying
                // after we already completed (MQTT 3.1.1, 4.3.3).
                out.send
                    .extend(self.encode(&Packet::Pubcomp(Ack::ok(rel.packet_id))));
            }
            (_, Packet::Puback(ack)) => {
                if self.out_qos1.remove(&ack.packet_id) {
                    self.delivered(ack, out);
                }
            }
            (_, Packet::Pubrec(rec)) => {
                let id = rec.packet_id;
                if self.reason(rec.code, &rec.properties).is_failure() {
                    // Spec 4.3.3: a failed PUBREC ends the exchange; no PUBREL.
                    if self.out_qos2.remove(&id).is_some() {
                        self.delivered(rec, out);
                    }
                    return;
                }
                if let Some(step) = self.out_qos2.get_mut(&id) {
                    *step = OutQos2::AwaitingPubcomp;
                }
                out.send.extend(self.encode(&Packet::Pubrel(Ack::ok(id))));
            }
            (_, Packet::Pubcomp(comp)) => {
                if self.out_qos2.remove(&comp.packet_id).is_some() {
                    self.delivered(comp, out);
                }
            }
            (_, Packet::Pingresp) => self.ping_sent_ms = None,
            (_, Packet::Disconnect(d)) if self.options.protocol == Protocol::V5 => {
                self.state = State::Closed;
                let reason = self.reason(d.code, &d.properties);
                out.events.push(Event::ServerDisconnect(reason));
            }
            (_, other) => {
                let name = other.name();
                self.fail(
                    out,
                    format!("the broker sent {name}, which only clients send"),
                );
            }
        }
    }

    /// An acknowledgement ended one of our publishes: report it and send the
    /// next one the receive maximum held back.
    fn delivered(&mut self, ack: Ack, out: &mut Output) {
        out.events.push(Event::Delivered {
            packet_id: ack.packet_id,
            reason: self.reason(ack.code, &ack.properties),
        });
        if let Some((_, bytes)) = self.queued.pop_front() {
            out.send.extend(bytes);
        }
    }

    fn incoming_publish(&mut self, mut p: Publish, out: &mut Output) {
        if let Err(code) = self.resolve_alias(&mut p) {
            return self.refuse(out, code, format!("PUBLISH with {}", alias_problem(code)));
        }
        let (qos, id) = (p.qos, p.packet_id);
        if qos == Qos::ExactlyOnce
            && !self.in_qos2.contains(&id.unwrap_or(0))
            && self.in_qos2.len() >= usize::from(RECEIVE_MAXIMUM)
        {
            let why = format!("more than {RECEIVE_MAXIMUM} QoS 2 messages unacknowledged");
            return self.refuse(out, RECEIVE_MAXIMUM_EXCEEDED, why);
        }
        let message = Event::Message {
            topic: p.topic,
            payload: p.payload,
            qos,
            retain: p.retain,
            dup: p.dup,
            properties: p.properties,
        };
        match (qos, id) {
            (Qos::AtMostOnce, _) => out.events.push(message),
            (Qos::AtLeastOnce, Some(id)) => {
                out.events.push(message);
                out.send.extend(self.encode(&Packet::Puback(Ack::ok(id))));
            }
            (Qos::ExactlyOnce, Some(id)) => {
                if self.in_qos2.insert(id) {
                    out.events.push(message);
                }
                out.send.extend(self.encode(&Packet::Pubrec(Ack::ok(id))));
            }
            (_, None) => self.fail(out, "PUBLISH with QoS > 0 but no packet identifier".into()),
        }
    }

    /// MQTT 5 topic aliases (spec 3.3.2.3.4): a topic with an alias sets it, an
    /// empty topic uses it. The alias property is removed once resolved, so the
    /// log and the export show the topic the message was really sent to.
    fn resolve_alias(&mut self, p: &mut Publish) -> Result<(), u8> {
        let Some(alias) = p.properties.int(id::TOPIC_ALIAS) else {
            return if p.topic.is_empty() && self.options.protocol == Protocol::V5 {
                Err(PROTOCOL_ERROR)
            } else {
                Ok(())
            };
        };
        if alias == 0 || alias > u32::from(TOPIC_ALIAS_MAXIMUM) {
            return Err(TOPIC_ALIAS_INVALID);
        }
        let alias = alias as u16;
        if p.topic.is_empty() {
            p.topic = self.aliases.get(&alias).ok_or(PROTOCOL_ERROR)?.clone();
        } else {
            self.aliases.insert(alias, p.topic.clone());
        }
        p.properties.remove(id::TOPIC_ALIAS);
        Ok(())
    }

    /// The broker broke an MQTT 5 rule: tell it why (DISCONNECT with the
    /// reason code, spec 4.13) and close. Under 3.1.1 there is no such packet.
    fn refuse(&mut self, out: &mut Output, code: u8, why: String) {
        if self.options.protocol == Protocol::V5 {
            out.send.extend(self.encode(&Packet::Disconnect(Reasoned {
                code,
                properties: Properties::default(),
            })));
        }
        self.fail(out, why);
    }

    fn fail(&mut self, out: &mut Output, why: String) {
        self.state = State::Closed;
        out.events.push(Event::ProtocolError(why));
    }

    fn next_packet_id(&mut self) -> Result<u16, SessionError> {
        for _ in 0..u16::MAX {
            self.last_id = self.last_id.checked_add(1).unwrap_or(1);
            let id = self.last_id;
            let busy = self.out_qos1.contains(&id)
                || self.out_qos2.contains_key(&id)
                || self.pending_subscribe.contains_key(&id)
                || self.pending_unsubscribe.contains(&id);
            if !busy {
                return Ok(id);
            }
        }
        Err(SessionError::NoPacketIds)
    }

    fn connected(&self) -> Result<(), SessionError> {
        if self.state == State::Connected {
            Ok(())
        } else {
            Err(SessionError::NotConnected)
        }
    }

    /// What the broker's CONNACK allows (defaults under 3.1.1).
    pub fn limits(&self) -> &ServerLimits {
        &self.limits
    }

    /// Call regularly (e.g. every second): sends PINGREQ when the keep-alive
    /// interval passed without sending, and reports a missing CONNACK or PINGRESP.
    pub fn tick(&mut self, now_ms: u64) -> Output {
        let mut out = Output::default();
        match self.state {
            State::Connecting
                if now_ms.saturating_sub(self.connect_sent_ms) >= ANSWER_TIMEOUT_MS =>
            {
                self.state = State::Closed;
                out.events.push(Event::Timeout {
                    waiting_for: "CONNACK",
                });
            }
            State::Connected => {
                if let Some(sent) = self.ping_sent_ms {
                    if now_ms.saturating_sub(sent) >= ANSWER_TIMEOUT_MS {
                        self.state = State::Closed;
                        out.events.push(Event::Timeout {
                            waiting_for: "PINGRESP",
                        });
                    }
                    return out;
                }
                let keep_alive = self.limits.keep_alive(self.options.keep_alive_secs);
                let keep_alive_ms = u64::from(keep_alive) * 1000;
                if keep_alive_ms > 0 && now_ms.saturating_sub(self.last_sent_ms) >= keep_alive_ms {
                    out.send = self.encode(&Packet::Pingreq);
                    self.ping_sent_ms = Some(now_ms);
                    self.last_sent_ms = now_ms;
                }
            }
            _ => {}
        }
        out
    }

    /// DISCONNECT: the broker discards the will, and the close that follows is expected.
    pub fn disconnect(&mut self) -> Vec<u8> {
        self.disconnect_sent = true;
        let was_open = self.state != State::Closed;
        self.state = State::Closed;
        if was_open {
            self.encode(&Packet::Disconnect(Reasoned::default()))
        } else {
            Vec::new()
        }
    }

    /// The transport closed (by us or the broker).
    pub fn transport_closed(&mut self) -> Event {
        self.state = State::Closed;
        Event::Closed {
            requested: self.disconnect_sent,
        }
    }
}

fn alias_problem(code: u8) -> &'static str {
    match code {
        TOPIC_ALIAS_INVALID => "a topic alias above the maximum the console allows",
        _ => "an empty topic and no known topic alias",
    }
}

fn frame_message(e: &FrameError) -> String {
    e.to_string()
}

/// Subscription options with only a QoS: what 3.1.1 can say.
pub fn qos_only(qos: Qos) -> SubOptions {
    SubOptions {
        qos,
        ..SubOptions::default()
    }
}

#[cfg(test)]
mod tests;
