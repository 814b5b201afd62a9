//! Stream framing for MQTT over WebSocket.
//!
//! Design: a WebSocket frame may carry part of a packet or several, and a
//! decoder reading from a stream cannot tell "incomplete" from "malformed". So we
//! read the fixed header and remaining length ourselves (the same in 3.1.1 and
//! 5), buffer until a whole packet is there, and only then hand exactly those
//! bytes to the protocol's decoder. A declared length above the limit is refused
//! before anything is buffered.

use super::packet::{self, Packet, Protocol};

/// Packets above this size are refused (the broker's default is far larger;
/// a browser tab has no use for more).
pub const DEFAULT_MAX_PACKET: usize = 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// The remaining length used more than four bytes.
    MalformedRemainingLength,
    /// The declared packet is larger than the limit.
    TooLarge { size: usize, limit: usize },
    /// The bytes of a whole packet do not decode in the connection's protocol.
    Malformed(String),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::MalformedRemainingLength => f.write_str("malformed remaining length"),
            FrameError::TooLarge { size, limit } => {
                write!(f, "a packet of {size} bytes is above the limit of {limit}")
            }
            FrameError::Malformed(e) => write!(f, "malformed packet: {e}"),
        }
    }
}

/// The total length of the packet at the start of `buf`, once its fixed header
/// is complete; `None` while more bytes are needed.
pub fn packet_length(buf: &[u8], limit: usize) -> Result<Option<usize>, FrameError> {
    if buf.is_empty() {
        return Ok(None);
    }
    let mut remaining = 0usize;
    for i in 0..4 {
        let Some(&byte) = buf.get(1 + i) else {
            return Ok(None);
        };
        remaining += usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let size = 1 + (i + 1) + remaining;
            if size > limit {
                return Err(FrameError::TooLarge { size, limit });
            }
            return Ok(Some(size));
        }
    }
    Err(FrameError::MalformedRemainingLength)
}

/// Collects bytes from WebSocket frames and yields whole packets.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    limit: usize,
    protocol: Protocol,
}

impl Framer {
    pub fn new(limit: usize, protocol: Protocol) -> Self {
        Framer {
            buf: Vec::new(),
            limit,
            protocol,
        }
    }

    /// Adds received bytes; returns every packet they complete, in order. After an
    /// error the stream is unusable: the connection must be closed.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<Packet>, FrameError> {
        self.buf.extend_from_slice(bytes);
        let mut packets = Vec::new();
        let mut start = 0;
        while let Some(len) = packet_length(&self.buf[start..], self.limit)? {
            if self.buf.len() - start < len {
                break;
            }
            let frame = &self.buf[start..start + len];
            packets.push(packet::decode(self.protocol, frame).map_err(FrameError::Malformed)?);
            start += len;
        }
        self.buf.drain(..start);
        Ok(packets)
    }

    /// Bytes of an incomplete packet still waiting for the rest.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // CONNACK: 0x20 type 2, 0x02 remaining length 2, 0x00 no session present,
    // 0x00 return code 0 (accepted).
    const CONNACK_OK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];
    // SUBACK: 0x90 type 9, 0x04 remaining 4, 0x00 0x01 packet id 1,
    // 0x01 granted QoS 1, 0x80 failure.
    const SUBACK_ONE_REFUSED: [u8; 6] = [0x90, 0x04, 0x00, 0x01, 0x01, 0x80];
    // PUBLISH QoS 0: 0x30 type 3 flags 0, 0x07 remaining 7, 0x00 0x03 topic
    // length 3, b"a/b", b"hi" payload.
    const PUBLISH_A_B_HI: [u8; 9] = [0x30, 0x07, 0x00, 0x03, b'a', b'/', b'b', b'h', b'i'];

    #[test]
    fn one_frame_with_two_packets_yields_both_in_order() {
        let mut f = Framer::new(DEFAULT_MAX_PACKET, Protocol::V311);
        let bytes = [&CONNACK_OK[..], &SUBACK_ONE_REFUSED[..]].concat();
        let packets = f.push(&bytes).unwrap();
        assert!(matches!(packets[0], Packet::Connack(_)));
        assert!(matches!(packets[1], Packet::Suback(_)));
        assert_eq!(f.buffered(), 0);
    }

    #[test]
    fn a_packet_split_across_frames_waits_for_its_last_byte() {
        let mut f = Framer::new(DEFAULT_MAX_PACKET, Protocol::V311);
        assert!(f.push(&PUBLISH_A_B_HI[..1]).unwrap().is_empty());
        assert!(f.push(&PUBLISH_A_B_HI[1..5]).unwrap().is_empty());
        let packets = f.push(&PUBLISH_A_B_HI[5..]).unwrap();
        match &packets[..] {
            [Packet::Publish(p)] => {
                assert_eq!((p.topic.as_str(), &p.payload[..]), ("a/b", &b"hi"[..]));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_trailing_partial_packet_stays_buffered() {
        let mut f = Framer::new(DEFAULT_MAX_PACKET, Protocol::V311);
        let bytes = [&CONNACK_OK[..], &PUBLISH_A_B_HI[..3]].concat();
        assert_eq!(f.push(&bytes).unwrap().len(), 1);
        assert_eq!(f.buffered(), 3);
    }

    #[test]
    fn a_remaining_length_of_five_bytes_is_malformed() {
        // 0x30 PUBLISH, then five continuation bytes.
        let bytes = [0x30, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(
            Framer::new(DEFAULT_MAX_PACKET, Protocol::V311)
                .push(&bytes)
                .unwrap_err(),
            FrameError::MalformedRemainingLength
        );
    }

    #[test]
    fn a_packet_above_the_limit_is_refused_before_it_is_buffered() {
        // 0x30 PUBLISH, remaining length 0x80 0x01 = 128.
        let mut f = Framer::new(100, Protocol::V311);
        let err = f.push(&[0x30, 0x80, 0x01]).unwrap_err();
        assert_eq!(
            err,
            FrameError::TooLarge {
                size: 131,
                limit: 100
            }
        );
    }

    #[test]
    fn the_largest_remaining_length_is_read_without_allocating_it() {
        // 0xff 0xff 0xff 0x7f = 268,435,455, the MQTT maximum.
        let err = Framer::new(DEFAULT_MAX_PACKET, Protocol::V311)
            .push(&[0x30, 0xff, 0xff, 0xff, 0x7f])
            .unwrap_err();
        assert!(matches!(
            err,
            FrameError::TooLarge {
                size: 268_435_460,
                ..
            }
        ));
    }

    #[test]
    fn a_whole_but_undecodable_packet_is_malformed() {
        // 0x00: packet type 0 is reserved; remaining length 0.
        assert!(matches!(
            Framer::new(DEFAULT_MAX_PACKET, Protocol::V311)
                .push(&[0x00, 0x00])
                .unwrap_err(),
            FrameError::Malformed(_)
        ));
        // CONNACK claiming 3 bytes: one byte more than CONNACK has.
        assert!(matches!(
            Framer::new(DEFAULT_MAX_PACKET, Protocol::V311)
                .push(&[0x20, 0x03, 0x00, 0x00, 0x00])
                .unwrap_err(),
            FrameError::Malformed(_)
        ));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::mqtt::packet::properties::id;
    use crate::mqtt::packet::{Ack, Connack, Properties, Publish, SubAck, Value};
    use crate::mqtt::qos::Qos;
    use proptest::prelude::*;

    fn packet() -> impl Strategy<Value = Packet> {
        prop_oneof![
            (
                "[a-z/]{1,20}",
                prop::collection::vec(any::<u8>(), 0..300),
                0u8..3,
                1u16..
            )
                .prop_map(|(topic, payload, qos, id)| {
                    let qos = Qos::from_u8(qos).unwrap();
                    Packet::Publish(Publish {
                        topic,
                        packet_id: (qos != Qos::AtMostOnce).then_some(id),
                        qos,
                        retain: false,
                        dup: false,
                        properties: Properties::default(),
                        payload,
                    })
                }),
            any::<bool>().prop_map(|session_present| Packet::Connack(Connack {
                session_present,
                code: 0,
                properties: Properties::default(),
            })),
            (
                1u16..,
                prop::collection::vec(prop::sample::select(vec![0u8, 1, 2, 0x80]), 1..5)
            )
                .prop_map(|(packet_id, codes)| Packet::Suback(SubAck {
                    packet_id,
                    codes,
                    properties: Properties::default(),
                })),
            any::<u16>().prop_map(|id| Packet::Puback(Ack::ok(id))),
        ]
    }

    fn protocol() -> impl Strategy<Value = Protocol> {
        prop::sample::select(Protocol::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn any_split_of_a_stream_decodes_to_the_same_packets(
            protocol in protocol(),
            packets in prop::collection::vec(packet(), 1..8),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        ) {
            let stream: Vec<u8> = packets.iter().flat_map(|p| packet::encode(protocol, p)).collect();
            let whole = Framer::new(DEFAULT_MAX_PACKET, protocol).push(&stream).unwrap();
            prop_assert_eq!(&whole, &packets);

            let mut points: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
            points.sort_unstable();
            let mut framer = Framer::new(DEFAULT_MAX_PACKET, protocol);
            let mut got = Vec::new();
            let mut last = 0;
            for p in points.into_iter().chain([stream.len()]) {
                got.extend(framer.push(&stream[last..p]).unwrap());
                last = p;
            }
            prop_assert_eq!(got, whole);
            prop_assert_eq!(framer.buffered(), 0);
        }

        #[test]
        fn arbitrary_bytes_never_panic(
            protocol in protocol(),
            bytes in prop::collection::vec(any::<u8>(), 0..2000),
        ) {
            let _ = Framer::new(4096, protocol).push(&bytes);
        }
    }

    #[test]
    fn a_v5_publish_keeps_its_properties_through_the_framer() {
        let p = Packet::Publish(Publish {
            topic: "t".into(),
            packet_id: None,
            qos: Qos::AtMostOnce,
            retain: false,
            dup: false,
            properties: Properties::default()
                .with(id::CONTENT_TYPE, Value::Utf8("application/json".into())),
            payload: b"{}".to_vec(),
        });
        let bytes = packet::encode(Protocol::V5, &p);
        assert_eq!(
            Framer::new(1024, Protocol::V5).push(&bytes).unwrap(),
            vec![p]
        );
    }
}
