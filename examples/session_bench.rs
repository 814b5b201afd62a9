//! The test client's protocol cost without a browser or a broker: a stream of
//! PUBLISH packets (QoS 0 and QoS 1, 64-byte payloads, as `scripts/bench
//! console` sends) cut into 16 KB frames and fed to `Session::receive`, once
//! per protocol. Prints nanoseconds per message, the best and the median of
//! 9 runs (the best is the steadiest figure on a shared machine); what the
//! console adds on top (log, screen) is the browser bench's to measure.
//!
//! `cargo run --release --example session_bench` (or `scripts/bench session`).

use std::time::Instant;

use tillor_console::mqtt::packet::{self, Packet, Properties, Protocol, Publish};
use tillor_console::mqtt::qos::Qos;
use tillor_console::mqtt::session::{ConnectOptions, Session};

const MESSAGES: usize = 200_000;
const FRAME: usize = 16 * 1024;

fn stream(protocol: Protocol) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..MESSAGES {
        let qos = if i % 6 == 5 {
            Qos::AtLeastOnce
        } else {
            Qos::AtMostOnce
        };
        let publish = Publish {
            topic: "tillor/local/bench/integration/bench".into(),
            packet_id: (qos == Qos::AtLeastOnce).then_some((i % 60_000 + 1) as u16),
            qos,
            retain: false,
            dup: false,
            properties: Properties::default(),
            payload: format!("{i:08}{}", "x".repeat(56)).into_bytes(),
        };
        out.extend(packet::encode(protocol, &Packet::Publish(publish)));
    }
    out
}

fn run(protocol: Protocol, bytes: &[u8]) -> f64 {
    let (mut session, _) = Session::connect(
        ConnectOptions {
            protocol,
            client_id: "bench".into(),
            user_name: Some(String::new()),
            password: Some("x".into()),
            keep_alive_secs: 30,
            clean_session: true,
            session_expiry_secs: 0,
            will: None,
        },
        0,
    );
    // CONNACK: 0x20, length 2 (3.1.1) or 3 with an empty property list (5).
    let connack: &[u8] = match protocol {
        Protocol::V311 => &[0x20, 0x02, 0x00, 0x00],
        Protocol::V5 => &[0x20, 0x03, 0x00, 0x00, 0x00],
    };
    session.receive(connack, 0);
    let start = Instant::now();
    let mut events = 0;
    for frame in bytes.chunks(FRAME) {
        events += session.receive(frame, 1).events.len();
    }
    let ns = start.elapsed().as_nanos() as f64 / MESSAGES as f64;
    assert_eq!(events, MESSAGES, "every message decoded");
    ns
}

fn main() {
    println!(
        "Session::receive, {MESSAGES} PUBLISH (1 in 6 QoS 1), 64-byte payloads, {} KB frames; 9 runs",
        FRAME / 1024
    );
    for protocol in [Protocol::V311, Protocol::V5] {
        let bytes = stream(protocol);
        let mut runs: Vec<f64> = (0..9).map(|_| run(protocol, &bytes)).collect();
        runs.sort_by(f64::total_cmp);
        println!(
            "  MQTT {:<5} best {:>6.1} ns/message, median {:>6.1}",
            protocol.label(),
            runs[0],
            runs[4]
        );
    }
}
