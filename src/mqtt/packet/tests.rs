//! The MQTT 5 layer against bytes written out from the spec, and a property:
//! every packet the layer can hold survives encode → decode unchanged.

use super::properties::id;
use super::*;

fn v5(packet: &Packet) -> Vec<u8> {
    v5::encode(packet)
}

#[test]
fn connect_carries_level_5_properties_and_a_will_with_its_own_properties() {
    let packet = Packet::Connect(Box::new(Connect {
        client_id: "c".into(),
        user_name: Some(String::new()),
        password: Some(b"tok".to_vec()),
        keep_alive: 30,
        clean_start: true,
        will: Some(WillMessage {
            topic: "w".into(),
            payload: b"off".to_vec(),
            qos: Qos::AtLeastOnce,
            retain: true,
            properties: Properties::default().with(id::WILL_DELAY, Value::Int(5)),
        }),
        properties: Properties::default().with(id::SESSION_EXPIRY, Value::Int(60)),
    }));
    let expected: Vec<u8> = [
        &[0x10, 0x28][..],                     // CONNECT, remaining length 40
        &[0x00, 0x04, b'M', b'Q', b'T', b'T'], // protocol name "MQTT"
        &[0x05],                               // protocol level 5
        &[0xee], // flags: username, password, will retain, will QoS 1, will, clean start
        &[0x00, 0x1e], // keep alive 30 s
        &[0x05, 0x11, 0x00, 0x00, 0x00, 0x3c], // properties: session expiry 60 s
        &[0x00, 0x01, b'c'], // client id "c"
        &[0x05, 0x18, 0x00, 0x00, 0x00, 0x05], // will properties: will delay 5 s
        &[0x00, 0x01, b'w'], // will topic "w"
        &[0x00, 0x03, b'o', b'f', b'f'], // will payload "off"
        &[0x00, 0x00], // username: present and empty
        &[0x00, 0x03, b't', b'o', b'k'], // password "tok"
    ]
    .concat();
    assert_eq!(v5(&packet), expected);
    assert_eq!(v5::decode(&expected), Ok(packet));
}

#[test]
fn a_connack_refusal_carries_its_reason_code_and_reason_string() {
    // CONNACK 0x20, length 10: flags 0, reason 0x87 (not authorized),
    // properties length 7: reason string (0x1F) "no", maximum QoS (0x24) 1.
    let bytes = [
        0x20, 0x0a, 0x00, 0x87, 0x07, 0x1f, 0x00, 0x02, b'n', b'o', 0x24, 0x01,
    ];
    let Ok(Packet::Connack(c)) = v5::decode(&bytes[..]) else {
        panic!("{:?}", v5::decode(&bytes));
    };
    assert_eq!((c.session_present, c.code), (false, 0x87));
    assert_eq!(c.properties.text(id::REASON_STRING), Some("no"));
    assert_eq!(c.properties.int(id::MAXIMUM_QOS), Some(1));
}

#[test]
fn acks_may_leave_out_a_success_code_and_empty_properties() {
    // PUBACK 0x40, length 2, packet id 7: reason 0 implied (spec 3.4.2.1).
    assert_eq!(
        v5::decode(&[0x40, 0x02, 0x00, 0x07]),
        Ok(Packet::Puback(Ack::ok(7)))
    );
    // PUBACK length 3, id 7, reason 0x87 (not authorized), no property length.
    let refused = Ack {
        code: 0x87,
        ..Ack::ok(7)
    };
    assert_eq!(
        v5::decode(&[0x40, 0x03, 0x00, 0x07, 0x87]),
        Ok(Packet::Puback(refused.clone()))
    );
    assert_eq!(v5(&Packet::Puback(refused)), [0x40, 0x03, 0x00, 0x07, 0x87]);
    // PUBREL is 0x62: its fixed flags are 0b0010; 0x60 is malformed.
    assert_eq!(
        v5::decode(&[0x60, 0x02, 0x00, 0x07]),
        Err(WireError::PacketType(0x60))
    );
}

#[test]
fn subscribe_encodes_every_subscription_option() {
    let packet = Packet::Subscribe(Subscribe {
        packet_id: 1,
        filters: vec![(
            "a/#".into(),
            SubOptions {
                qos: Qos::ExactlyOnce,
                no_local: true,
                retain_as_published: true,
                retain_handling: 2,
            },
        )],
        properties: Properties::default(),
    });
    // SUBSCRIBE 0x82, length 9, id 1, properties 0, "a/#",
    // options 0x2e = retain handling 2 (0x20) | RAP (0x08) | NL (0x04) | QoS 2.
    let bytes = [
        0x82, 0x09, 0x00, 0x01, 0x00, 0x00, 0x03, b'a', b'/', b'#', 0x2e,
    ];
    assert_eq!(v5(&packet), bytes);
    assert_eq!(v5::decode(&bytes), Ok(packet));
}

#[test]
fn suback_has_a_reason_code_per_filter() {
    // SUBACK 0x90, length 5, id 1, properties 0, granted QoS 1, 0x87 refused.
    let Ok(Packet::Suback(a)) = v5::decode(&[0x90, 0x05, 0x00, 0x01, 0x00, 0x01, 0x87]) else {
        panic!()
    };
    assert_eq!(a.codes, [0x01, 0x87]);
}

#[test]
fn a_server_disconnect_carries_its_reason() {
    // DISCONNECT 0xE0, length 1, reason 0x8E (session taken over).
    assert_eq!(
        v5::decode(&[0xe0, 0x01, 0x8e]),
        Ok(Packet::Disconnect(Reasoned {
            code: 0x8e,
            properties: Properties::default()
        }))
    );
    // Length 0: normal disconnection.
    assert_eq!(
        v5::decode(&[0xe0, 0x00]),
        Ok(Packet::Disconnect(Reasoned::default()))
    );
    assert_eq!(v5(&Packet::Disconnect(Reasoned::default())), [0xe0, 0x00]);
}

#[test]
fn a_publish_with_a_topic_alias_and_an_empty_topic_decodes() {
    // PUBLISH 0x30 QoS 0, length 7: topic length 0 (empty), properties length 3:
    // topic alias (0x23) 1, payload "h".
    let Ok(Packet::Publish(p)) =
        v5::decode(&[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, b'h'])
    else {
        panic!()
    };
    assert_eq!(p.topic, "");
    assert_eq!(p.properties.int(id::TOPIC_ALIAS), Some(1));
    assert_eq!(p.payload, b"h");
}

#[test]
fn leftover_bytes_and_qos_3_are_malformed() {
    // PINGRESP with a remaining length of 1.
    assert_eq!(v5::decode(&[0xd0, 0x01, 0x00]), Err(WireError::Trailing(1)));
    // PUBLISH with both QoS bits set (0x36).
    assert!(v5::decode(&[0x36, 0x03, 0x00, 0x01, b't']).is_err());
}

#[cfg(not(target_arch = "wasm32"))]
mod round_trip {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "[a-z/+#é]{0,12}"
    }

    fn properties() -> impl Strategy<Value = Properties> {
        let one = prop_oneof![
            (0u32..=1).prop_map(|n| (id::PAYLOAD_FORMAT, Value::Int(n))),
            any::<u32>().prop_map(|n| (id::MESSAGE_EXPIRY, Value::Int(n))),
            text().prop_map(|s| (id::CONTENT_TYPE, Value::Utf8(s))),
            prop::collection::vec(any::<u8>(), 0..8)
                .prop_map(|b| (id::CORRELATION_DATA, Value::Binary(b))),
            (1u32..268_435_455).prop_map(|n| (id::SUBSCRIPTION_ID, Value::Int(n))),
            any::<u16>().prop_map(|n| (id::RECEIVE_MAXIMUM, Value::Int(n.into()))),
            (text(), text()).prop_map(|(k, v)| (id::USER_PROPERTY, Value::Pair(k, v))),
        ];
        prop::collection::vec(one, 0..5).prop_map(|list| {
            // Only user properties and subscription identifiers may repeat.
            let mut seen = Vec::new();
            let list = list
                .into_iter()
                .filter(|(i, _)| {
                    let repeats = *i == id::USER_PROPERTY || *i == id::SUBSCRIPTION_ID;
                    let keep = repeats || !seen.contains(i);
                    seen.push(*i);
                    keep
                })
                .collect();
            Properties(list)
        })
    }

    fn qos() -> impl Strategy<Value = Qos> {
        prop::sample::select(Qos::ALL.to_vec())
    }

    fn ack() -> impl Strategy<Value = Ack> {
        (any::<u16>(), any::<u8>(), properties()).prop_map(|(packet_id, code, properties)| Ack {
            packet_id,
            code,
            properties,
        })
    }

    fn suback() -> impl Strategy<Value = SubAck> {
        (
            any::<u16>(),
            prop::collection::vec(any::<u8>(), 0..4),
            properties(),
        )
            .prop_map(|(packet_id, codes, properties)| SubAck {
                packet_id,
                codes,
                properties,
            })
    }

    fn reasoned() -> impl Strategy<Value = Reasoned> {
        (any::<u8>(), properties()).prop_map(|(code, properties)| Reasoned { code, properties })
    }

    fn options() -> impl Strategy<Value = SubOptions> {
        (qos(), any::<bool>(), any::<bool>(), 0u8..3).prop_map(|(qos, nl, rap, rh)| SubOptions {
            qos,
            no_local: nl,
            retain_as_published: rap,
            retain_handling: rh,
        })
    }

    fn will() -> impl Strategy<Value = Option<WillMessage>> {
        prop::option::of(
            (
                text(),
                prop::collection::vec(any::<u8>(), 0..8),
                qos(),
                any::<bool>(),
                properties(),
            )
                .prop_map(|(topic, payload, qos, retain, properties)| WillMessage {
                    topic,
                    payload,
                    qos,
                    retain,
                    properties,
                }),
        )
    }

    fn packet() -> impl Strategy<Value = Packet> {
        prop_oneof![
            (
                text(),
                prop::option::of(text()),
                prop::option::of(prop::collection::vec(any::<u8>(), 0..8)),
                any::<u16>(),
                any::<bool>(),
                will(),
                properties()
            )
                .prop_map(
                    |(
                        client_id,
                        user_name,
                        password,
                        keep_alive,
                        clean_start,
                        will,
                        properties,
                    )| {
                        Packet::Connect(Box::new(Connect {
                            client_id,
                            user_name,
                            password,
                            keep_alive,
                            clean_start,
                            will,
                            properties,
                        }))
                    }
                ),
            (any::<bool>(), any::<u8>(), properties()).prop_map(
                |(session_present, code, properties)| {
                    Packet::Connack(Connack {
                        session_present,
                        code,
                        properties,
                    })
                }
            ),
            (
                text(),
                qos(),
                1u16..,
                any::<bool>(),
                any::<bool>(),
                properties(),
                prop::collection::vec(any::<u8>(), 0..40)
            )
                .prop_map(|(topic, qos, id, retain, dup, properties, payload)| {
                    Packet::Publish(Publish {
                        topic,
                        packet_id: (qos != Qos::AtMostOnce).then_some(id),
                        qos,
                        retain,
                        dup,
                        properties,
                        payload,
                    })
                }),
            ack().prop_map(Packet::Puback),
            ack().prop_map(Packet::Pubrec),
            ack().prop_map(Packet::Pubrel),
            ack().prop_map(Packet::Pubcomp),
            (
                any::<u16>(),
                prop::collection::vec((text(), options()), 0..4),
                properties()
            )
                .prop_map(|(packet_id, filters, properties)| Packet::Subscribe(
                    Subscribe {
                        packet_id,
                        filters,
                        properties
                    }
                )),
            suback().prop_map(Packet::Suback),
            (
                any::<u16>(),
                prop::collection::vec(text(), 0..4),
                properties()
            )
                .prop_map(|(packet_id, filters, properties)| Packet::Unsubscribe(
                    Unsubscribe {
                        packet_id,
                        filters,
                        properties
                    }
                )),
            suback().prop_map(Packet::Unsuback),
            Just(Packet::Pingreq),
            Just(Packet::Pingresp),
            reasoned().prop_map(Packet::Disconnect),
            reasoned().prop_map(Packet::Auth),
        ]
    }

    proptest! {
        #[test]
        fn every_v5_packet_round_trips(packet in packet()) {
            let bytes = v5::encode(&packet);
            prop_assert_eq!(v5::decode(&bytes), Ok(packet));
        }

        #[test]
        fn arbitrary_bytes_decode_or_fail_without_panicking(
            bytes in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            let _ = v5::decode(&bytes);
        }
    }
}
