//! Arbitrary bytes as one MQTT 5 packet: decoding never panics, and whatever
//! decodes survives encode → decode unchanged (the codec's round trip, on
//! inputs no generator wrote).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tillor_console::mqtt::packet::v5;

fuzz_target!(|data: &[u8]| {
    if let Ok(packet) = v5::decode(data) {
        let again = v5::decode(&v5::encode(&packet));
        assert_eq!(again.as_ref(), Ok(&packet));
    }
});
