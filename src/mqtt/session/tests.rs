//! The session's rules, as byte-commented packets in and out. Longer than
//! most files on purpose: it is the one spec of the one state
//! machine, 3.1.1 first and MQTT 5 in its own module below.

use super::*;

/// A message as the publish form sends it, without MQTT 5 properties.
fn msg(topic: &str, payload: &[u8], qos: Qos, retain: bool) -> Outgoing {
    Outgoing {
        topic: topic.into(),
        payload: payload.to_vec(),
        qos,
        retain,
        properties: Properties::default(),
    }
}

fn ok(code: u8) -> Reason {
    Reason {
        protocol: Protocol::V311,
        code,
        text: None,
    }
}

fn options() -> ConnectOptions {
    ConnectOptions {
        protocol: Protocol::V311,
        client_id: "local-c".into(),
        user_name: Some(String::new()),
        password: Some("tok".into()),
        keep_alive_secs: 30,
        clean_session: true,
        session_expiry_secs: 0,
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
            session_present: false,
            properties: Properties::default(),
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
    assert_eq!(out.events, vec![Event::ConnectRefused(ok(5))]);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(
        s.publish(msg("a", b"", Qos::AtMostOnce, false), 2),
        Err(SessionError::NotConnected)
    );
}

#[test]
fn suback_failure_marks_only_that_filter_refused() {
    let mut s = connected();
    let filters = [
        ("a/#".to_string(), qos_only(Qos::AtLeastOnce)),
        ("#".to_string(), qos_only(Qos::AtMostOnce)),
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
            results: vec![("a/#".into(), ok(0x01)), ("#".into(), ok(0x80))],
        }]
    );
}

#[test]
fn a_qos1_publish_is_delivered_when_its_puback_arrives() {
    let mut s = connected();
    let (id, bytes) = s
        .publish(msg("a/b", b"hi", Qos::AtLeastOnce, true), 5)
        .unwrap();
    // PUBLISH 0x33: type 3, QoS 1, retain; length 9; topic "a/b"; id 1; "hi".
    assert_eq!(
        bytes,
        [0x33, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x01, b'h', b'i']
    );
    assert_eq!(s.in_flight(), 1);
    // PUBACK 0x40, length 2, id 1.
    let out = s.receive(&[0x40, 0x02, 0x00, id.unwrap() as u8], 6);
    assert_eq!(
        out.events,
        vec![Event::Delivered {
            packet_id: 1,
            reason: ok(0)
        }]
    );
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
    let (id, _) = s
        .publish(msg("t", b"x", Qos::ExactlyOnce, false), 5)
        .unwrap();
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
            packet_id: id as u16,
            reason: ok(0)
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
    s.publish(msg("t", b"", Qos::AtMostOnce, false), 20_000)
        .unwrap();
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
    let (a, _) = s
        .publish(msg("t", b"", Qos::AtLeastOnce, false), 1)
        .unwrap();
    let (b, _) = s
        .publish(msg("t", b"", Qos::AtLeastOnce, false), 1)
        .unwrap();
    assert_eq!((a, b), (Some(u16::MAX), Some(1)));
    s.last_id = u16::MAX - 1;
    let (c, _) = s
        .publish(msg("t", b"", Qos::AtLeastOnce, false), 1)
        .unwrap();
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
    let bad = [("a/#/b".to_string(), qos_only(Qos::AtMostOnce))];
    assert_eq!(
        s.subscribe(&bad, 1),
        Err(SessionError::InvalidFilter("a/#/b".into()))
    );
    let (_, bytes) = s.subscribe_unchecked(&bad, 1).unwrap();
    assert!(bytes.windows(5).any(|w| w == b"a/#/b"));
    assert_eq!(
        s.publish(msg("a/+", b"", Qos::AtMostOnce, false), 1),
        Err(SessionError::InvalidTopic("a/+".into()))
    );
}

/// Found by the session fuzz target: mqtt-protocol's topic check lets U+0000
/// through, and the broker closes the connection on such a packet.
#[test]
fn a_nul_is_refused_in_topics_and_filters_even_unchecked() {
    let mut s = connected();
    let nul = "a/b\0".to_string();
    assert_eq!(
        s.publish(msg(&nul, b"", Qos::AtLeastOnce, false), 1),
        Err(SessionError::InvalidTopic(nul.clone()))
    );
    let filters = [(nul.clone(), qos_only(Qos::AtMostOnce))];
    assert_eq!(
        s.subscribe(&filters, 1),
        Err(SessionError::InvalidFilter(nul.clone()))
    );
    assert_eq!(
        s.subscribe_unchecked(&filters, 1),
        Err(SessionError::InvalidFilter(nul.clone()))
    );
    assert_eq!(
        s.unsubscribe(std::slice::from_ref(&nul), 1),
        Err(SessionError::InvalidFilter(nul))
    );
    assert_eq!(s.in_flight(), 0, "nothing was given a packet id");
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

mod v5 {
    use super::*;

    fn reason(code: u8) -> Reason {
        Reason {
            protocol: Protocol::V5,
            code,
            text: None,
        }
    }

    fn options5() -> ConnectOptions {
        ConnectOptions {
            protocol: Protocol::V5,
            ..options()
        }
    }

    /// A v5 session after a CONNACK with these property bytes.
    fn connected_with(properties: &[u8]) -> Session {
        let (mut s, _) = Session::connect(options5(), 0);
        // CONNACK 0x20, length, flags 0, reason 0x00, then the properties.
        let mut connack = vec![0x20, 2 + properties.len() as u8, 0x00, 0x00];
        connack.extend_from_slice(properties);
        let out = s.receive(&connack, 1);
        assert!(
            matches!(&out.events[..], [Event::Connected { .. }]),
            "{out:?}"
        );
        s
    }

    #[test]
    fn connect_asks_for_our_receive_maximum_alias_maximum_and_packet_size() {
        let (_, bytes) = Session::connect(options5(), 0);
        let expected: Vec<u8> = [
            &[0x10, 0x26][..],                     // CONNECT, remaining length 38
            &[0x00, 0x04, b'M', b'Q', b'T', b'T'], // protocol name "MQTT"
            &[0x05],                               // protocol level 5
            &[0xc2],                               // flags: username, password, clean start
            &[0x00, 0x1e],                         // keep alive 30 s
            &[0x0b],                               // properties: 11 bytes
            &[0x21, 0x03, 0xe8],                   // receive maximum 1000
            &[0x22, 0x00, 0x40],                   // topic alias maximum 64
            &[0x27, 0x00, 0x10, 0x00, 0x00],       // maximum packet size 1 MiB
            &[0x00, 0x07],                         // client id length 7
            b"local-c",
            &[0x00, 0x00],                   // username: present and empty
            &[0x00, 0x03, b't', b'o', b'k'], // password "tok"
        ]
        .concat();
        assert_eq!(bytes, expected);
    }

    #[test]
    fn a_refused_connack_reports_0x87_and_the_reason_string() {
        let (mut s, _) = Session::connect(options5(), 0);
        // CONNACK, length 9: flags 0, reason 0x87, properties 6: reason string "bad".
        let out = s.receive(
            &[
                0x20, 0x09, 0x00, 0x87, 0x06, 0x1f, 0x00, 0x03, b'b', b'a', b'd',
            ],
            1,
        );
        let refused = Reason {
            text: Some("bad".into()),
            ..reason(0x87)
        };
        assert_eq!(out.events, vec![Event::ConnectRefused(refused.clone())]);
        assert_eq!(
            ConnackCode::of(refused.protocol, refused.code),
            ConnackCode::NotAuthorized
        );
        assert_eq!(refused.label(), "0x87");
    }

    #[test]
    fn suback_and_puback_carry_0x87_for_a_refusal() {
        let mut s = connected_with(&[0x00]);
        let filters = [("x".to_string(), qos_only(Qos::AtLeastOnce))];
        s.subscribe(&filters, 2).unwrap();
        // SUBACK, length 4: id 1, properties 0, reason 0x87.
        let out = s.receive(&[0x90, 0x04, 0x00, 0x01, 0x00, 0x87], 3);
        assert_eq!(
            out.events,
            vec![Event::SubscribeResult {
                packet_id: 1,
                results: vec![("x".into(), reason(0x87))]
            }]
        );
        assert!(reason(0x87).is_failure());

        let (id, _) = s
            .publish(msg("x", b"", Qos::AtLeastOnce, false), 4)
            .unwrap();
        assert_eq!(id, Some(2));
        // PUBACK, length 3: id 2, reason 0x87.
        let out = s.receive(&[0x40, 0x03, 0x00, 0x02, 0x87], 5);
        assert_eq!(
            out.events,
            vec![Event::Delivered {
                packet_id: 2,
                reason: reason(0x87)
            }]
        );
        // 0x10 "no matching subscribers" is a success.
        assert!(!reason(0x10).is_failure());
    }

    #[test]
    fn a_failed_pubrec_ends_the_exchange_without_pubrel() {
        let mut s = connected_with(&[0x00]);
        s.publish(msg("x", b"", Qos::ExactlyOnce, false), 2)
            .unwrap();
        // PUBREC 0x50, length 3: id 1, reason 0x87.
        let out = s.receive(&[0x50, 0x03, 0x00, 0x01, 0x87], 3);
        assert!(out.send.is_empty(), "no PUBREL after a failed PUBREC");
        assert_eq!(s.in_flight(), 0);
        assert!(
            matches!(&out.events[..], [Event::Delivered { reason, .. }] if reason.code == 0x87)
        );
    }

    #[test]
    fn inbound_topic_aliases_are_resolved_and_an_unknown_one_closes_with_0x82() {
        let mut s = connected_with(&[0x00]);
        // PUBLISH QoS 0, length 10: topic "a/b", properties 3: topic alias 1, "x".
        let out = s.receive(
            &[
                0x30, 0x0a, 0x00, 0x03, b'a', b'/', b'b', 0x03, 0x23, 0x00, 0x01, b'x',
            ],
            2,
        );
        let [Event::Message {
            topic, properties, ..
        }] = &out.events[..]
        else {
            panic!("{out:?}")
        };
        assert_eq!((topic.as_str(), properties.is_empty()), ("a/b", true));
        // PUBLISH, length 7: empty topic, properties 3: topic alias 1, "y".
        let out = s.receive(&[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, b'y'], 3);
        assert!(matches!(&out.events[..], [Event::Message { topic, .. }] if topic == "a/b"));
        // Alias 2 was never set.
        let out = s.receive(&[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x02, b'z'], 4);
        // DISCONNECT 0xE0, length 1, reason 0x82 (protocol error).
        assert_eq!(out.send, [0xe0, 0x01, 0x82]);
        assert!(matches!(&out.events[..], [Event::ProtocolError(_)]));
        assert_eq!(s.state(), State::Closed);
    }

    #[test]
    fn an_alias_above_our_maximum_closes_with_0x94() {
        let mut s = connected_with(&[0x00]);
        // Topic "t", topic alias 65 (0x41): above the 64 we allow.
        let out = s.receive(
            &[0x30, 0x08, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x41, b'x'],
            2,
        );
        assert_eq!(out.send, [0xe0, 0x01, 0x94]);
    }

    #[test]
    fn a_server_disconnect_0x8e_is_reported_as_a_takeover_and_closes() {
        let mut s = connected_with(&[0x00]);
        // DISCONNECT 0xE0, length 1, reason 0x8E (session taken over).
        let out = s.receive(&[0xe0, 0x01, 0x8e], 2);
        assert_eq!(out.events, vec![Event::ServerDisconnect(reason(0x8e))]);
        assert_eq!(s.state(), State::Closed);
        assert_eq!(s.transport_closed(), Event::Closed { requested: false });
    }

    #[test]
    fn the_brokers_receive_maximum_holds_publishes_back_until_acknowledged() {
        // CONNACK properties 3: receive maximum (0x21) 1.
        let mut s = connected_with(&[0x03, 0x21, 0x00, 0x01]);
        let (a, first) = s
            .publish(msg("t", b"1", Qos::AtLeastOnce, false), 2)
            .unwrap();
        let (b, second) = s
            .publish(msg("t", b"2", Qos::AtLeastOnce, false), 2)
            .unwrap();
        assert!(!first.is_empty());
        assert!(second.is_empty(), "held back by receive maximum 1");
        assert_eq!((a, b, s.in_flight()), (Some(1), Some(2), 2));
        // PUBACK id 1 releases the second PUBLISH (0x32 QoS 1, id 2).
        let out = s.receive(&[0x40, 0x02, 0x00, 0x01], 3);
        assert_eq!(&out.send[..1], [0x32]);
        assert_eq!(&out.send[5..7], [0x00, 0x02]);
    }

    #[test]
    fn publishing_above_the_brokers_maximum_qos_or_retain_is_refused_here() {
        // CONNACK properties 4: maximum QoS (0x24) 0, retain available (0x25) 0.
        let mut s = connected_with(&[0x04, 0x24, 0x00, 0x25, 0x00]);
        assert_eq!(
            s.publish(msg("t", b"", Qos::AtLeastOnce, false), 2),
            Err(SessionError::QosAbove(Qos::AtMostOnce))
        );
        assert_eq!(
            s.publish(msg("t", b"", Qos::AtMostOnce, true), 2),
            Err(SessionError::RetainUnavailable)
        );
    }

    #[test]
    fn properties_go_out_on_publish_and_come_back_on_messages() {
        let mut s = connected_with(&[0x00]);
        let m = Outgoing {
            properties: Properties::default()
                .with(id::CONTENT_TYPE, Value::Utf8("a/b".into()))
                .with(id::USER_PROPERTY, Value::Pair("k".into(), "v".into())),
            ..msg("t", b"p", Qos::AtMostOnce, false)
        };
        let (_, bytes) = s.publish(m, 2).unwrap();
        // PUBLISH 0x30, length 18: topic "t", properties 13: content type "a/b"
        // (6 bytes) and user property k=v (7 bytes), then payload "p".
        assert_eq!(
            bytes,
            [
                0x30, 0x12, 0x00, 0x01, b't', 0x0d, 0x03, 0x00, 0x03, b'a', b'/', b'b', 0x26, 0x00,
                0x01, b'k', 0x00, 0x01, b'v', b'p'
            ]
        );
        let out = s.receive(&bytes, 3);
        let [Event::Message { properties, .. }] = &out.events[..] else {
            panic!("{out:?}")
        };
        assert_eq!(properties.text(id::CONTENT_TYPE), Some("a/b"));
    }
}
