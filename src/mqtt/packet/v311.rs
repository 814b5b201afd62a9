//! MQTT 3.1.1 through `mqtt-protocol`: our packets to its types and back.
//! Properties and v5-only fields have no 3.1.1 form and are left out; the
//! session never sets them on a 3.1.1 connection.

use std::io::Cursor;

use mqtt::control::variable_header::ConnectReturnCode;
use mqtt::packet::suback::SubscribeReturnCode;
use mqtt::packet::{
    ConnackPacket, ConnectPacket, DisconnectPacket, PingreqPacket, PingrespPacket, PubackPacket,
    PubcompPacket, PublishPacket, PubrecPacket, PubrelPacket, QoSWithPacketIdentifier,
    SubackPacket, SubscribePacket, UnsubackPacket, UnsubscribePacket, VariablePacket,
};
use mqtt::{Decodable, Encodable, TopicFilter, TopicName};

use super::{Ack, Connack, Connect, Packet, Properties, Reasoned, SubAck, SubOptions};
use super::{Subscribe, Unsubscribe, WillMessage};
use crate::mqtt::qos::Qos;

fn bytes<P: Encodable>(packet: &P) -> Vec<u8> {
    let mut out = Vec::with_capacity(packet.encoded_length() as usize);
    packet
        .encode(&mut out)
        .expect("writing to a Vec cannot fail");
    out
}

// "unsafe" in mqtt-protocol's unchecked constructors only means unvalidated:
// support staff may send what the broker should judge, and any string encodes.
fn topic(s: &str) -> TopicName {
    unsafe { TopicName::new_unchecked(s.to_owned()) }
}

fn filter(s: &str) -> TopicFilter {
    unsafe { TopicFilter::new_unchecked(s.to_owned()) }
}

pub fn encode(packet: &Packet) -> Vec<u8> {
    match packet {
        Packet::Connect(c) => {
            let mut p = ConnectPacket::new(c.client_id.clone());
            p.set_user_name(c.user_name.clone());
            p.set_password(
                c.password
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned()),
            );
            p.set_keep_alive(c.keep_alive);
            p.set_clean_session(c.clean_start);
            if let Some(will) = &c.will {
                p.set_will(Some((topic(&will.topic), will.payload.clone())));
                p.set_will_qos(will.qos.as_u8());
                p.set_will_retain(will.retain);
            }
            bytes(&p)
        }
        Packet::Connack(c) => bytes(&ConnackPacket::new(
            c.session_present,
            ConnectReturnCode::from_u8(c.code),
        )),
        Packet::Publish(p) => {
            let with_id = match (p.qos, p.packet_id) {
                (Qos::AtLeastOnce, Some(id)) => QoSWithPacketIdentifier::Level1(id),
                (Qos::ExactlyOnce, Some(id)) => QoSWithPacketIdentifier::Level2(id),
                _ => QoSWithPacketIdentifier::Level0,
            };
            let mut out = PublishPacket::new(topic(&p.topic), with_id, p.payload.clone());
            out.set_retain(p.retain);
            out.set_dup(p.dup);
            bytes(&out)
        }
        Packet::Puback(a) => bytes(&PubackPacket::new(a.packet_id)),
        Packet::Pubrec(a) => bytes(&PubrecPacket::new(a.packet_id)),
        Packet::Pubrel(a) => bytes(&PubrelPacket::new(a.packet_id)),
        Packet::Pubcomp(a) => bytes(&PubcompPacket::new(a.packet_id)),
        Packet::Subscribe(s) => bytes(&SubscribePacket::new(
            s.packet_id,
            s.filters
                .iter()
                .map(|(f, o)| (filter(f), o.qos.level()))
                .collect(),
        )),
        Packet::Suback(a) => bytes(&SubackPacket::new(
            a.packet_id,
            a.codes.iter().map(|c| return_code(*c)).collect(),
        )),
        Packet::Unsubscribe(u) => bytes(&UnsubscribePacket::new(
            u.packet_id,
            u.filters.iter().map(|f| filter(f)).collect(),
        )),
        Packet::Unsuback(a) => bytes(&UnsubackPacket::new(a.packet_id)),
        Packet::Pingreq => bytes(&PingreqPacket::new()),
        Packet::Pingresp => bytes(&PingrespPacket::new()),
        // 3.1.1 has no AUTH and a DISCONNECT without a reason.
        Packet::Disconnect(_) | Packet::Auth(_) => bytes(&DisconnectPacket::new()),
    }
}

fn return_code(code: u8) -> SubscribeReturnCode {
    match code {
        0 => SubscribeReturnCode::MaximumQoSLevel0,
        1 => SubscribeReturnCode::MaximumQoSLevel1,
        2 => SubscribeReturnCode::MaximumQoSLevel2,
        _ => SubscribeReturnCode::Failure,
    }
}

pub fn decode(frame: &[u8]) -> Result<Packet, String> {
    // PUBLISH (type 3) by the shared layout: see `v5::decode_publish_311`.
    if frame.first().is_some_and(|b| b >> 4 == 3) {
        return super::v5::decode_publish_311(frame)
            .map(Packet::Publish)
            .map_err(|e| e.to_string());
    }
    let mut cursor = Cursor::new(frame);
    let packet = VariablePacket::decode(&mut cursor).map_err(|e| e.to_string())?;
    let left = frame.len() - cursor.position() as usize;
    if left != 0 {
        return Err(format!("{left} bytes left over inside the packet"));
    }
    let none = Properties::default;
    Ok(match packet {
        VariablePacket::ConnackPacket(c) => Packet::Connack(Connack {
            session_present: c.connack_flags().session_present,
            code: c.connect_return_code().to_u8(),
            properties: none(),
        }),
        // Not reached: PUBLISH is decoded above, by the shared layout.
        VariablePacket::PublishPacket(_) => {
            return Err("PUBLISH is decoded by the shared layout".into())
        }
        VariablePacket::PubackPacket(a) => Packet::Puback(Ack::ok(a.packet_identifier())),
        VariablePacket::PubrecPacket(a) => Packet::Pubrec(Ack::ok(a.packet_identifier())),
        VariablePacket::PubrelPacket(a) => Packet::Pubrel(Ack::ok(a.packet_identifier())),
        VariablePacket::PubcompPacket(a) => Packet::Pubcomp(Ack::ok(a.packet_identifier())),
        VariablePacket::SubackPacket(a) => Packet::Suback(SubAck {
            packet_id: a.packet_identifier(),
            codes: a.subscribes().iter().map(|c| *c as u8).collect(),
            properties: none(),
        }),
        VariablePacket::UnsubackPacket(a) => Packet::Unsuback(SubAck {
            packet_id: a.packet_identifier(),
            codes: Vec::new(),
            properties: none(),
        }),
        VariablePacket::PingreqPacket(_) => Packet::Pingreq,
        VariablePacket::PingrespPacket(_) => Packet::Pingresp,
        VariablePacket::DisconnectPacket(_) => Packet::Disconnect(Reasoned::default()),
        VariablePacket::ConnectPacket(c) => Packet::Connect(Box::new(Connect {
            client_id: c.client_identifier().to_owned(),
            user_name: c.user_name().map(str::to_owned),
            password: c.password().map(|p| p.as_bytes().to_vec()),
            keep_alive: c.keep_alive(),
            clean_start: c.clean_session(),
            will: c.will().map(|(t, payload)| WillMessage {
                topic: t.to_owned(),
                payload: payload.to_vec(),
                qos: Qos::from_u8(c.will_qos()).unwrap_or_default(),
                retain: c.will_retain(),
                properties: none(),
            }),
            properties: none(),
        })),
        VariablePacket::SubscribePacket(s) => Packet::Subscribe(Subscribe {
            packet_id: s.packet_identifier(),
            filters: s
                .subscribes()
                .iter()
                .map(|(f, q)| {
                    let qos = Qos::from_level(*q);
                    (
                        f.to_string(),
                        SubOptions {
                            qos,
                            ..SubOptions::default()
                        },
                    )
                })
                .collect(),
            properties: none(),
        }),
        VariablePacket::UnsubscribePacket(u) => Packet::Unsubscribe(Unsubscribe {
            packet_id: u.packet_identifier(),
            filters: u.subscribes().iter().map(|f| f.to_string()).collect(),
            properties: none(),
        }),
    })
}
