//! Arbitrary bytes, split into arbitrary WebSocket frames, fed to the framer and
//! the session in either protocol: errors are fine, panics and unbounded
//! allocations are not. The first byte picks the split (and, by its lowest
//! bit, MQTT 5 or 3.1.1).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tillor_console::mqtt::codec::Framer;
use tillor_console::mqtt::packet::Protocol;
use tillor_console::mqtt::session::{ConnectOptions, Session};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let step = usize::from(split >> 1).max(1);
    let protocol = if split & 1 == 0 {
        Protocol::V5
    } else {
        Protocol::V311
    };

    let mut framer = Framer::new(64 * 1024, protocol);
    for chunk in rest.chunks(step) {
        if framer.push(chunk).is_err() {
            break;
        }
        assert!(framer.buffered() <= 64 * 1024 + 5);
    }

    let (mut session, _) = Session::connect(
        ConnectOptions {
            protocol,
            client_id: "fuzz".into(),
            user_name: Some(String::new()),
            password: Some("x".into()),
            keep_alive_secs: 30,
            clean_session: true,
            session_expiry_secs: 0,
            will: None,
        },
        0,
    );
    // A CONNACK first, so the fuzzer also reaches the connected state.
    session.receive(&[0x20, 0x02, 0x00, 0x00], 1);
    for (i, chunk) in rest.chunks(step).enumerate() {
        session.receive(chunk, 2 + i as u64);
        session.tick(2 + i as u64 * 1000);
    }
});
