//! The test client's MQTT 3.1.1 session.
//!
//! Design: sans-IO. The session owns no socket and reads no clock: inputs are
//! bytes received, user commands and the current time in milliseconds (passed
//! in); outputs are bytes to send and events for the UI. The WebSocket transport
//! feeds it and writes what it returns, so every protocol rule is tested here
//! without a browser.
//!
//! This file is longer than most (some 470 lines) on purpose: it is the one
//! state machine, and every transition (CONNACK, acknowledgements in both
//! directions, keep-alive, timeouts) reads best beside the others. What it
//! takes and gives (options, events, errors) lives in `types.rs`.

use std::collections::{HashMap, HashSet};

use mqtt::control::variable_header::ConnectReturnCode;
use mqtt::packet::{
    ConnectPacket, DisconnectPacket, PingreqPacket, PubackPacket, PubcompPacket, PublishPacket,
    PubrecPacket, PubrelPacket, QoSWithPacketIdentifier, SubscribePacket, UnsubscribePacket,
    VariablePacket,
};
use mqtt::{TopicFilter, TopicName};

mod types;

pub use types::{
    ConnackCode, ConnectOptions, Event, Output, SessionError, State, Will, WillChoice,
};

use super::codec::{encode, FrameError, Framer};
use super::qos::Qos;

/// How long to wait for CONNACK, and for PINGRESP after a PINGREQ.
pub const ANSWER_TIMEOUT_MS: u64 = 10_000;

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
    last_id: u16,
    out_qos1: HashSet<u16>,
    out_qos2: HashMap<u16, OutQos2>,
    /// QoS 2 messages received and not yet released: a redelivery is not shown twice.
    in_qos2: HashSet<u16>,
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
        let mut packet = ConnectPacket::new(options.client_id.clone());
        packet.set_user_name(options.user_name.clone());
        packet.set_password(options.password.clone());
        packet.set_keep_alive(options.keep_alive_secs);
        packet.set_clean_session(options.clean_session);
        if let Some(will) = &options.will {
            // SAFETY of the unchecked constructor: not unsafe in the memory sense;
            // the crate marks it so because the broker may refuse the name.
            let topic = unsafe { TopicName::new_unchecked(will.topic.clone()) };
            packet.set_will(Some((topic, will.payload.clone())));
            packet.set_will_qos(will.qos.as_u8());
            packet.set_will_retain(will.retain);
        }
        let session = Session {
            options,
            state: State::Connecting,
            framer: Framer::default(),
            last_id: 0,
            out_qos1: HashSet::new(),
            out_qos2: HashMap::new(),
            in_qos2: HashSet::new(),
            pending_subscribe: HashMap::new(),
            pending_unsubscribe: HashSet::new(),
            connect_sent_ms: now_ms,
            last_sent_ms: now_ms,
            ping_sent_ms: None,
            disconnect_sent: false,
        };
        (session, encode(&packet))
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    /// Our publishes still waiting for PUBACK / PUBREC / PUBCOMP.
    pub fn in_flight(&self) -> usize {
        self.out_qos1.len() + self.out_qos2.len()
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

    fn handle(&mut self, packet: VariablePacket, out: &mut Output) {
        match (self.state, packet) {
            (State::Connecting, VariablePacket::ConnackPacket(ack)) => {
                match ack.connect_return_code() {
                    ConnectReturnCode::ConnectionAccepted => {
                        self.state = State::Connected;
                        out.events.push(Event::Connected {
                            session_present: ack.connack_flags().session_present,
                        });
                    }
                    code => {
                        self.state = State::Closed;
                        out.events.push(Event::ConnectRefused(connack_code(code)));
                    }
                }
            }
            (State::Connecting, other) => {
                self.fail(out, format!("{} before CONNACK", packet_name(&other)));
            }
            (_, VariablePacket::SubackPacket(ack)) => {
                let Some(filters) = self.pending_subscribe.remove(&ack.packet_identifier()) else {
                    return self.fail(
                        out,
                        format!("SUBACK for unknown packet {}", ack.packet_identifier()),
                    );
                };
                if filters.len() != ack.subscribes().len() {
                    return self.fail(
                        out,
                        format!(
                            "SUBACK has {} return codes for {} filters",
                            ack.subscribes().len(),
                            filters.len()
                        ),
                    );
                }
                let results = filters
                    .into_iter()
                    .zip(ack.subscribes())
                    .map(|(f, code)| (f, Qos::granted(*code)))
                    .collect();
                out.events.push(Event::SubscribeResult {
                    packet_id: ack.packet_identifier(),
                    results,
                });
            }
            (_, VariablePacket::UnsubackPacket(ack)) => {
                let id = ack.packet_identifier();
                if self.pending_unsubscribe.remove(&id) {
                    out.events.push(Event::Unsubscribed { packet_id: id });
                }
            }
            (_, VariablePacket::PublishPacket(p)) => self.incoming_publish(&p, out),
            (_, VariablePacket::PubrelPacket(rel)) => {
                let id = rel.packet_identifier();
                self.in_qos2.remove(&id);
                // Answered even for an unknown id: the broker may be retrying
                // after we already completed (MQTT 3.1.1, 4.3.3).
                out.send.extend(encode(&PubcompPacket::new(id)));
            }
            (_, VariablePacket::PubackPacket(ack)) => {
                if self.out_qos1.remove(&ack.packet_identifier()) {
                    out.events.push(Event::Delivered {
                        packet_id: ack.packet_identifier(),
                    });
                }
            }
            (_, VariablePacket::PubrecPacket(rec)) => {
                let id = rec.packet_identifier();
                if let Some(step) = self.out_qos2.get_mut(&id) {
                    *step = OutQos2::AwaitingPubcomp;
                }
                out.send.extend(encode(&PubrelPacket::new(id)));
            }
            (_, VariablePacket::PubcompPacket(comp)) => {
                let id = comp.packet_identifier();
                if self.out_qos2.remove(&id).is_some() {
                    out.events.push(Event::Delivered { packet_id: id });
                }
            }
            (_, VariablePacket::PingrespPacket(_)) => self.ping_sent_ms = None,
            (_, other) => {
                let name = packet_name(&other);
                self.fail(
                    out,
                    format!("the broker sent {name}, which only clients send"),
                );
            }
        }
    }

    fn incoming_publish(&mut self, p: &PublishPacket, out: &mut Output) {
        let (qos, id) = p.qos().split();
        let qos = Qos::from_level(qos);
        let message = Event::Message {
            topic: p.topic_name().to_owned(),
            payload: p.payload().to_vec(),
            qos,
            retain: p.retain(),
            dup: p.dup(),
        };
        match (qos, id) {
            (Qos::AtMostOnce, _) => out.events.push(message),
            (Qos::AtLeastOnce, Some(id)) => {
                out.events.push(message);
                out.send.extend(encode(&PubackPacket::new(id)));
            }
            (Qos::ExactlyOnce, Some(id)) => {
                if self.in_qos2.insert(id) {
                    out.events.push(message);
                }
                out.send.extend(encode(&PubrecPacket::new(id)));
            }
            (_, None) => self.fail(out, "PUBLISH with QoS > 0 but no packet identifier".into()),
        }
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

    /// SUBSCRIBE to well-formed filters.
    pub fn subscribe(
        &mut self,
        filters: &[(String, Qos)],
        now_ms: u64,
    ) -> Result<(u16, Vec<u8>), SessionError> {
        let checked = filters
            .iter()
            .map(|(f, q)| {
                TopicFilter::new(f.clone())
                    .map(|tf| (tf, *q))
                    .map_err(|_| SessionError::InvalidFilter(f.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.send_subscribe(checked, now_ms)
    }

    /// SUBSCRIBE without checking the filters' syntax: support staff can see what
    /// the broker does with a filter the console would refuse.
    pub fn subscribe_unchecked(
        &mut self,
        filters: &[(String, Qos)],
        now_ms: u64,
    ) -> Result<(u16, Vec<u8>), SessionError> {
        // SAFETY: "unsafe" here only means unvalidated; any string encodes.
        let raw = filters
            .iter()
            .map(|(f, q)| (unsafe { TopicFilter::new_unchecked(f.clone()) }, *q))
            .collect();
        self.send_subscribe(raw, now_ms)
    }

    fn send_subscribe(
        &mut self,
        filters: Vec<(TopicFilter, Qos)>,
        now_ms: u64,
    ) -> Result<(u16, Vec<u8>), SessionError> {
        self.connected()?;
        if filters.is_empty() {
            return Err(SessionError::NoFilters);
        }
        let id = self.next_packet_id()?;
        let names = filters.iter().map(|(f, _)| f.to_string()).collect();
        let packet = SubscribePacket::new(
            id,
            filters.into_iter().map(|(f, q)| (f, q.level())).collect(),
        );
        self.pending_subscribe.insert(id, names);
        self.last_sent_ms = now_ms;
        Ok((id, encode(&packet)))
    }

    pub fn unsubscribe(
        &mut self,
        filters: &[String],
        now_ms: u64,
    ) -> Result<(u16, Vec<u8>), SessionError> {
        self.connected()?;
        if filters.is_empty() {
            return Err(SessionError::NoFilters);
        }
        let filters = filters
            .iter()
            .map(|f| {
                TopicFilter::new(f.clone()).map_err(|_| SessionError::InvalidFilter(f.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let id = self.next_packet_id()?;
        self.pending_unsubscribe.insert(id);
        self.last_sent_ms = now_ms;
        Ok((id, encode(&UnsubscribePacket::new(id, filters))))
    }

    /// PUBLISH; returns the packet id for QoS 1 and 2 (its `Delivered` event follows).
    pub fn publish(
        &mut self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        retain: bool,
        now_ms: u64,
    ) -> Result<(Option<u16>, Vec<u8>), SessionError> {
        self.connected()?;
        let name = TopicName::new(topic.to_owned())
            .map_err(|_| SessionError::InvalidTopic(topic.to_owned()))?;
        let (with_id, id) = match qos {
            Qos::AtMostOnce => (QoSWithPacketIdentifier::Level0, None),
            Qos::AtLeastOnce => {
                let id = self.next_packet_id()?;
                self.out_qos1.insert(id);
                (QoSWithPacketIdentifier::Level1(id), Some(id))
            }
            Qos::ExactlyOnce => {
                let id = self.next_packet_id()?;
                self.out_qos2.insert(id, OutQos2::AwaitingPubrec);
                (QoSWithPacketIdentifier::Level2(id), Some(id))
            }
        };
        let mut packet = PublishPacket::new(name, with_id, payload.to_vec());
        packet.set_retain(retain);
        self.last_sent_ms = now_ms;
        Ok((id, encode(&packet)))
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
                let keep_alive_ms = u64::from(self.options.keep_alive_secs) * 1000;
                if keep_alive_ms > 0 && now_ms.saturating_sub(self.last_sent_ms) >= keep_alive_ms {
                    out.send = encode(&PingreqPacket::new());
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
            encode(&DisconnectPacket::new())
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

fn frame_message(e: &FrameError) -> String {
    e.to_string()
}

fn connack_code(code: ConnectReturnCode) -> ConnackCode {
    match code {
        ConnectReturnCode::UnacceptableProtocolVersion => ConnackCode::UnacceptableProtocolVersion,
        ConnectReturnCode::IdentifierRejected => ConnackCode::IdentifierRejected,
        ConnectReturnCode::ServiceUnavailable => ConnackCode::ServerUnavailable,
        ConnectReturnCode::BadUserNameOrPassword => ConnackCode::BadUserNameOrPassword,
        ConnectReturnCode::NotAuthorized => ConnackCode::NotAuthorized,
        ConnectReturnCode::Reserved(c) => ConnackCode::Other(c),
        ConnectReturnCode::ConnectionAccepted => ConnackCode::Other(0),
    }
}

fn packet_name(p: &VariablePacket) -> &'static str {
    match p {
        VariablePacket::ConnectPacket(_) => "CONNECT",
        VariablePacket::ConnackPacket(_) => "CONNACK",
        VariablePacket::PublishPacket(_) => "PUBLISH",
        VariablePacket::PubackPacket(_) => "PUBACK",
        VariablePacket::PubrecPacket(_) => "PUBREC",
        VariablePacket::PubrelPacket(_) => "PUBREL",
        VariablePacket::PubcompPacket(_) => "PUBCOMP",
        VariablePacket::SubscribePacket(_) => "SUBSCRIBE",
        VariablePacket::SubackPacket(_) => "SUBACK",
        VariablePacket::UnsubscribePacket(_) => "UNSUBSCRIBE",
        VariablePacket::UnsubackPacket(_) => "UNSUBACK",
        VariablePacket::PingreqPacket(_) => "PINGREQ",
        VariablePacket::PingrespPacket(_) => "PINGRESP",
        VariablePacket::DisconnectPacket(_) => "DISCONNECT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ConnectOptions {
        ConnectOptions {
            client_id: "local-c".into(),
            user_name: Some(String::new()),
            password: Some("tok".into()),
            keep_alive_secs: 30,
            clean_session: true,
            will: None,
        }
    }

    /// A session that has had its CONNACK.
    fn connected() -> Session {
        let (mut s, _) = Session::connect(options(), 0);
        // CONNACK: 0x20 type 2, 0x02 length, 0x00 no session, 0x00 accepted.
        let out = s.receive(&[0x20, 0x02, 0x00, 0x00], 1);
        assert_eq!(
            out.events,
            vec![Event::Connected {
                session_present: false
            }]
        );
        s
    }

    #[test]
    fn connect_with_an_empty_username_sets_the_flag_and_sends_an_empty_name() {
        let (_, bytes) = Session::connect(options(), 0);
        let expected: Vec<u8> = [
            &[0x10, 0x1a][..],                     // CONNECT, remaining length 26
            &[0x00, 0x04, b'M', b'Q', b'T', b'T'], // protocol name "MQTT"
            &[0x04],                               // protocol level 4 (3.1.1)
            &[0xc2],                               // flags: username, password, clean session
            &[0x00, 0x1e],                         // keep alive 30 s
            &[0x00, 0x07],                         // client id length 7
            b"local-c",
            &[0x00, 0x00], // username: present and empty
            &[0x00, 0x03], // password length 3
            b"tok",
        ]
        .concat();
        assert_eq!(bytes, expected);
    }

    #[test]
    fn a_refused_connack_reports_its_code_and_closes() {
        let (mut s, _) = Session::connect(options(), 0);
        // CONNACK with return code 5 (not authorised).
        let out = s.receive(&[0x20, 0x02, 0x00, 0x05], 1);
        assert_eq!(
            out.events,
            vec![Event::ConnectRefused(ConnackCode::NotAuthorized)]
        );
        assert_eq!(s.state(), State::Closed);
        assert_eq!(
            s.publish("a", b"", Qos::AtMostOnce, false, 2),
            Err(SessionError::NotConnected)
        );
    }

    #[test]
    fn suback_failure_marks_only_that_filter_refused() {
        let mut s = connected();
        let filters = [
            ("a/#".to_string(), Qos::AtLeastOnce),
            ("#".to_string(), Qos::AtMostOnce),
        ];
        let (id, bytes) = s.subscribe(&filters, 5).unwrap();
        assert_eq!(id, 1);
        // SUBSCRIBE: 0x82 type 8 flags 2, length 12, id 1, "a/#" QoS 1, "#" QoS 0.
        assert_eq!(
            bytes,
            [0x82, 0x0c, 0x00, 0x01, 0x00, 0x03, b'a', b'/', b'#', 0x01, 0x00, 0x01, b'#', 0x00]
        );
        // SUBACK id 1: granted QoS 1, then 0x80 failure.
        let out = s.receive(&[0x90, 0x04, 0x00, 0x01, 0x01, 0x80], 6);
        assert_eq!(
            out.events,
            vec![Event::SubscribeResult {
                packet_id: 1,
                results: vec![("a/#".into(), Some(Qos::AtLeastOnce)), ("#".into(), None)],
            }]
        );
    }

    #[test]
    fn a_qos1_publish_is_delivered_when_its_puback_arrives() {
        let mut s = connected();
        let (id, bytes) = s.publish("a/b", b"hi", Qos::AtLeastOnce, true, 5).unwrap();
        // PUBLISH 0x33: type 3, QoS 1, retain; length 9; topic "a/b"; id 1; "hi".
        assert_eq!(
            bytes,
            [0x33, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x01, b'h', b'i']
        );
        assert_eq!(s.in_flight(), 1);
        // PUBACK 0x40, length 2, id 1.
        let out = s.receive(&[0x40, 0x02, 0x00, id.unwrap() as u8], 6);
        assert_eq!(out.events, vec![Event::Delivered { packet_id: 1 }]);
        assert_eq!(s.in_flight(), 0);
    }

    #[test]
    fn an_incoming_qos1_message_is_acknowledged() {
        let mut s = connected();
        // PUBLISH 0x32 QoS 1, length 8, topic "t" (3 bytes), id 0x0102, "xyz".
        let out = s.receive(
            &[0x32, 0x08, 0x00, 0x01, b't', 0x01, 0x02, b'x', b'y', b'z'],
            5,
        );
        assert_eq!(out.send, [0x40, 0x02, 0x01, 0x02]);
        assert!(matches!(
            &out.events[..],
            [Event::Message {
                qos: Qos::AtLeastOnce,
                ..
            }]
        ));
    }

    #[test]
    fn the_qos2_handshake_completes_in_both_directions() {
        let mut s = connected();
        let (id, _) = s.publish("t", b"x", Qos::ExactlyOnce, false, 5).unwrap();
        let id = id.unwrap() as u8;
        // PUBREC 0x50 → we answer PUBREL 0x62 (type 6, flags 2).
        let out = s.receive(&[0x50, 0x02, 0x00, id], 6);
        assert_eq!(out.send, [0x62, 0x02, 0x00, id]);
        assert!(out.events.is_empty());
        // PUBCOMP 0x70 completes it.
        let out = s.receive(&[0x70, 0x02, 0x00, id], 7);
        assert_eq!(
            out.events,
            vec![Event::Delivered {
                packet_id: id as u16
            }]
        );

        // Incoming QoS 2 (0x34), id 9, redelivered with DUP (0x3c): shown once,
        // PUBREC each time; PUBREL 0x62 gets PUBCOMP 0x70.
        let publish = [0x34, 0x06, 0x00, 0x01, b't', 0x00, 0x09, b'!'];
        let first = s.receive(&publish, 8);
        assert_eq!(first.send, [0x50, 0x02, 0x00, 0x09]);
        assert_eq!(first.events.len(), 1);
        let mut dup = publish;
        dup[0] = 0x3c;
        let again = s.receive(&dup, 9);
        assert_eq!(again.send, [0x50, 0x02, 0x00, 0x09]);
        assert!(again.events.is_empty(), "a redelivery is not shown twice");
        let done = s.receive(&[0x62, 0x02, 0x00, 0x09], 10);
        assert_eq!(done.send, [0x70, 0x02, 0x00, 0x09]);
    }

    #[test]
    fn a_pingreq_goes_out_after_the_keep_alive_and_a_missing_pingresp_times_out() {
        let mut s = connected();
        assert!(s.tick(29_999).send.is_empty());
        assert_eq!(s.tick(30_000).send, [0xc0, 0x00]);
        // PINGRESP 0xd0 clears it; the next ping is a keep-alive later.
        s.receive(&[0xd0, 0x00], 30_100);
        assert!(s.tick(59_999).send.is_empty());
        assert_eq!(s.tick(60_000).send, [0xc0, 0x00]);
        let out = s.tick(60_000 + ANSWER_TIMEOUT_MS);
        assert_eq!(
            out.events,
            vec![Event::Timeout {
                waiting_for: "PINGRESP"
            }]
        );
        assert_eq!(s.state(), State::Closed);
    }

    #[test]
    fn sending_postpones_the_ping() {
        let mut s = connected();
        s.publish("t", b"", Qos::AtMostOnce, false, 20_000).unwrap();
        assert!(s.tick(30_000).send.is_empty());
        assert_eq!(s.tick(50_000).send, [0xc0, 0x00]);
    }

    #[test]
    fn no_connack_in_time_is_a_timeout() {
        let (mut s, _) = Session::connect(options(), 1_000);
        assert!(s.tick(1_000 + ANSWER_TIMEOUT_MS - 1).events.is_empty());
        assert_eq!(
            s.tick(1_000 + ANSWER_TIMEOUT_MS).events,
            vec![Event::Timeout {
                waiting_for: "CONNACK"
            }]
        );
    }

    #[test]
    fn packet_ids_skip_ids_in_flight_and_wrap_past_zero() {
        let mut s = connected();
        s.last_id = u16::MAX - 1;
        let (a, _) = s.publish("t", b"", Qos::AtLeastOnce, false, 1).unwrap();
        let (b, _) = s.publish("t", b"", Qos::AtLeastOnce, false, 1).unwrap();
        assert_eq!((a, b), (Some(u16::MAX), Some(1)));
        s.last_id = u16::MAX - 1;
        let (c, _) = s.publish("t", b"", Qos::AtLeastOnce, false, 1).unwrap();
        assert_eq!(c, Some(2), "65535 and 1 are still in flight");
    }

    #[test]
    fn a_packet_before_connack_or_one_only_clients_send_is_a_protocol_error() {
        let (mut s, _) = Session::connect(options(), 0);
        // PINGRESP before CONNACK.
        let out = s.receive(&[0xd0, 0x00], 1);
        assert!(matches!(&out.events[..], [Event::ProtocolError(_)]));
        assert_eq!(s.state(), State::Closed);

        let mut s = connected();
        // PINGREQ 0xc0 from the broker.
        let out = s.receive(&[0xc0, 0x00], 2);
        assert!(matches!(&out.events[..], [Event::ProtocolError(m)] if m.contains("PINGREQ")));
    }

    #[test]
    fn malformed_bytes_close_the_session_with_an_explanation() {
        let mut s = connected();
        let out = s.receive(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01], 2);
        assert_eq!(
            out.events,
            vec![Event::ProtocolError("malformed remaining length".into())]
        );
    }

    #[test]
    fn an_invalid_filter_is_refused_unless_sent_unchecked() {
        let mut s = connected();
        let bad = [("a/#/b".to_string(), Qos::AtMostOnce)];
        assert_eq!(
            s.subscribe(&bad, 1),
            Err(SessionError::InvalidFilter("a/#/b".into()))
        );
        let (_, bytes) = s.subscribe_unchecked(&bad, 1).unwrap();
        assert!(bytes.windows(5).any(|w| w == b"a/#/b"));
        assert_eq!(
            s.publish("a/+", b"", Qos::AtMostOnce, false, 1),
            Err(SessionError::InvalidTopic("a/+".into()))
        );
    }

    #[test]
    fn a_requested_disconnect_makes_the_close_expected() {
        let mut s = connected();
        assert_eq!(s.disconnect(), [0xe0, 0x00]);
        assert_eq!(s.transport_closed(), Event::Closed { requested: true });
        let mut t = connected();
        assert_eq!(t.transport_closed(), Event::Closed { requested: false });
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let (s, _) = Session::connect(options(), 0);
        assert!(!format!("{s:?}").contains("tok\""));
    }
}
