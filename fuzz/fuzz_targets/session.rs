//! The session driven as the console drives it: the user's subscribes,
//! unsubscribes and publishes interleaved with the broker's answers (well
//! formed ones for the packet ids in flight, and raw bytes), the clock and
//! closes. Whatever the order, the session must not panic, everything it
//! sends must frame as whole packets, it must report each of our publishes
//! delivered at most once and only if it was ours, and its in-flight count
//! must match the publishes not yet reported.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use tillor_console::mqtt::codec::Framer;
use tillor_console::mqtt::packet::{encode, Ack, Connack, Packet, Properties, Protocol, SubAck};
use tillor_console::mqtt::qos::Qos;
use tillor_console::mqtt::session::{qos_only, ConnectOptions, Event, Outgoing, Session};

/// Topics and filters inside and outside the rules, so both paths are taken.
const TOPICS: [&str; 6] = ["a/b", "a/+", "a/#", "#", "", "a/b\0"];

struct Run {
    protocol: Protocol,
    session: Session,
    now: u64,
    /// Our QoS 1 and 2 publishes not yet reported delivered.
    outstanding: HashSet<u16>,
    /// Packet ids of SUBSCRIBE / UNSUBSCRIBE sent, for well-formed answers.
    requests: Vec<u16>,
}

impl Run {
    fn sent(&self, bytes: &[u8]) {
        let mut framer = Framer::new(1 << 20, self.protocol);
        framer
            .push(bytes)
            .expect("the session sends well-formed packets");
        assert_eq!(framer.buffered(), 0, "the session sends whole packets");
    }

    fn events(&mut self, events: &[Event]) {
        for event in events {
            if let Event::Delivered { packet_id, .. } = event {
                assert!(
                    self.outstanding.remove(packet_id),
                    "delivered {packet_id}, which was not in flight"
                );
            }
        }
        assert_eq!(self.session.in_flight(), self.outstanding.len());
    }

    fn receive(&mut self, bytes: &[u8]) {
        let out = self.session.receive(bytes, self.now);
        self.sent(&out.send);
        self.events(&out.events);
    }

    fn answer(&mut self, packet: Packet) {
        let bytes = encode(self.protocol, &packet);
        self.receive(&bytes);
    }
}

fn pick<T: Copy>(items: &[T], byte: u8) -> T {
    items[usize::from(byte) % items.len()]
}

fn qos(byte: u8) -> Qos {
    pick(&[Qos::AtMostOnce, Qos::AtLeastOnce, Qos::ExactlyOnce], byte)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, mut rest)) = data.split_first() else {
        return;
    };
    let protocol = if first & 1 == 0 {
        Protocol::V5
    } else {
        Protocol::V311
    };
    let (session, connect) = Session::connect(
        ConnectOptions {
            protocol,
            client_id: "fuzz".into(),
            user_name: Some(String::new()),
            password: Some("x".into()),
            keep_alive_secs: u16::from(first >> 1),
            clean_session: true,
            session_expiry_secs: 0,
            will: None,
        },
        0,
    );
    let mut run = Run {
        protocol,
        session,
        now: 0,
        outstanding: HashSet::new(),
        requests: Vec::new(),
    };
    run.sent(&connect);
    if first & 2 == 0 {
        // Mostly connected: the deeper states are where the bookkeeping is.
        run.answer(Packet::Connack(Connack {
            session_present: false,
            code: 0,
            properties: Properties::default(),
        }));
    }

    while let [op, arg, tail @ ..] = rest {
        rest = tail;
        let (op, arg) = (*op, *arg);
        match op % 9 {
            0 => {
                let filters = [(pick(&TOPICS, arg).to_string(), qos_only(qos(arg >> 4)))];
                if arg & 0x80 == 0 {
                    if let Ok((id, bytes)) = run.session.subscribe(&filters, run.now) {
                        run.sent(&bytes);
                        run.requests.push(id);
                    }
                } else if let Ok((id, _)) = run.session.subscribe_unchecked(&filters, run.now) {
                    // Unchecked on purpose (support staff try filters the
                    // console would refuse), so what it sends may be refused.
                    run.requests.push(id);
                }
            }
            1 => {
                if let Ok((id, bytes)) = run
                    .session
                    .unsubscribe(&[pick(&TOPICS, arg).to_string()], run.now)
                {
                    run.sent(&bytes);
                    run.requests.push(id);
                }
            }
            2 => {
                let message = Outgoing {
                    topic: pick(&TOPICS, arg).to_string(),
                    payload: vec![arg; usize::from(arg)],
                    qos: qos(arg >> 3),
                    retain: arg & 0x80 != 0,
                    properties: Properties::default(),
                };
                if let Ok((id, bytes)) = run.session.publish(message, run.now) {
                    if !bytes.is_empty() {
                        run.sent(&bytes);
                    }
                    if let Some(id) = id {
                        assert!(run.outstanding.insert(id), "packet id {id} given out twice");
                    }
                    run.events(&[]);
                }
            }
            3 => {
                // Raw bytes from the broker: the next `arg % 64` bytes.
                let n = usize::from(arg % 64).min(rest.len());
                let (raw, tail) = rest.split_at(n);
                rest = tail;
                run.receive(raw);
            }
            4 => {
                // A well-formed acknowledgement of one of our publishes, or of
                // an id we never used.
                let mut ids: Vec<u16> = run.outstanding.iter().copied().collect();
                ids.sort_unstable();
                let id = if ids.is_empty() {
                    u16::from(arg)
                } else {
                    pick(&ids, arg)
                };
                let ack = Ack {
                    code: if arg & 0x80 != 0 { 0x80 } else { 0 },
                    ..Ack::ok(id)
                };
                run.answer(match arg % 3 {
                    0 => Packet::Puback(ack),
                    1 => Packet::Pubrec(ack),
                    _ => Packet::Pubcomp(ack),
                });
            }
            5 => {
                let id = run
                    .requests
                    .get(usize::from(arg) % run.requests.len().max(1))
                    .copied();
                let suback = SubAck {
                    packet_id: id.unwrap_or(u16::from(arg)),
                    codes: vec![arg % 3],
                    properties: Properties::default(),
                };
                run.answer(if arg & 1 == 0 {
                    Packet::Suback(suback)
                } else {
                    Packet::Unsuback(suback)
                });
            }
            6 => {
                run.now += u64::from(arg) * 250;
                let out = run.session.tick(run.now);
                run.sent(&out.send);
                run.events(&out.events);
            }
            7 => run.answer(Packet::Pingresp),
            _ => {
                if arg & 1 == 0 {
                    let bytes = run.session.disconnect();
                    run.sent(&bytes);
                } else {
                    run.session.transport_closed();
                }
            }
        }
    }
});
