//! MQTT 5 packets to bytes and back (spec chapter 3). `decode` takes exactly one
//! whole packet, as the framer cuts it, and checks every field it reads.

use super::properties::Properties;
use super::wire::{Reader, WireError, Writer};
use super::{Ack, Connack, Connect, Packet, Publish, Reasoned, SubAck, SubOptions, Subscribe};
use super::{Unsubscribe, WillMessage};
use crate::mqtt::qos::Qos;

const PROTOCOL_NAME: &str = "MQTT";
const LEVEL: u8 = 5;

pub fn encode(packet: &Packet) -> Vec<u8> {
    let mut body = Writer::default();
    let first = match packet {
        Packet::Connect(c) => {
            connect(c, &mut body);
            0x10
        }
        Packet::Connack(c) => {
            body.byte(u8::from(c.session_present));
            body.byte(c.code);
            c.properties.encode(&mut body);
            0x20
        }
        Packet::Publish(p) => {
            body.text(&p.topic);
            if let Some(id) = p.packet_id {
                body.u16(id);
            }
            p.properties.encode(&mut body);
            body.bytes(&p.payload);
            0x30 | u8::from(p.dup) << 3 | p.qos.as_u8() << 1 | u8::from(p.retain)
        }
        Packet::Puback(a) => ack(a, 0x40, &mut body),
        Packet::Pubrec(a) => ack(a, 0x50, &mut body),
        Packet::Pubrel(a) => ack(a, 0x62, &mut body),
        Packet::Pubcomp(a) => ack(a, 0x70, &mut body),
        Packet::Subscribe(s) => {
            body.u16(s.packet_id);
            s.properties.encode(&mut body);
            for (filter, o) in &s.filters {
                body.text(filter);
                body.byte(
                    o.qos.as_u8()
                        | u8::from(o.no_local) << 2
                        | u8::from(o.retain_as_published) << 3
                        | (o.retain_handling & 0x03) << 4,
                );
            }
            0x82
        }
        Packet::Suback(a) => suback(a, 0x90, &mut body),
        Packet::Unsubscribe(u) => {
            body.u16(u.packet_id);
            u.properties.encode(&mut body);
            for filter in &u.filters {
                body.text(filter);
            }
            0xa2
        }
        Packet::Unsuback(a) => suback(a, 0xb0, &mut body),
        Packet::Pingreq => 0xc0,
        Packet::Pingresp => 0xd0,
        Packet::Disconnect(r) => reasoned(r, 0xe0, &mut body),
        Packet::Auth(r) => reasoned(r, 0xf0, &mut body),
    };
    let body = body.into_bytes();
    let mut out = Writer::default();
    out.byte(first);
    out.varint(body.len() as u32);
    out.bytes(&body);
    out.into_bytes()
}

fn connect(c: &Connect, w: &mut Writer) {
    w.text(PROTOCOL_NAME);
    w.byte(LEVEL);
    let mut flags = u8::from(c.clean_start) << 1;
    if let Some(will) = &c.will {
        flags |= 0x04 | will.qos.as_u8() << 3 | u8::from(will.retain) << 5;
    }
    flags |= u8::from(c.password.is_some()) << 6 | u8::from(c.user_name.is_some()) << 7;
    w.byte(flags);
    w.u16(c.keep_alive);
    c.properties.encode(w);
    w.text(&c.client_id);
    if let Some(will) = &c.will {
        will.properties.encode(w);
        w.text(&will.topic);
        w.binary(&will.payload);
    }
    if let Some(name) = &c.user_name {
        w.text(name);
    }
    if let Some(password) = &c.password {
        w.binary(password);
    }
}

/// Spec 3.4.2.1: a success with no properties may leave out the reason code,
/// and no properties may leave out the property length.
fn ack(a: &Ack, first: u8, w: &mut Writer) -> u8 {
    w.u16(a.packet_id);
    if a.code != 0 || !a.properties.is_empty() {
        w.byte(a.code);
        if !a.properties.is_empty() {
            a.properties.encode(w);
        }
    }
    first
}

fn suback(a: &SubAck, first: u8, w: &mut Writer) -> u8 {
    w.u16(a.packet_id);
    a.properties.encode(w);
    w.bytes(&a.codes);
    first
}

/// Spec 3.14.2.1: a normal disconnection with no properties may be empty.
fn reasoned(r: &Reasoned, first: u8, w: &mut Writer) -> u8 {
    if r.code != 0 || !r.properties.is_empty() {
        w.byte(r.code);
        if !r.properties.is_empty() {
            r.properties.encode(w);
        }
    }
    first
}

pub fn decode(frame: &[u8]) -> Result<Packet, WireError> {
    let mut r = Reader::new(frame);
    let first = r.byte()?;
    let len = r.varint()? as usize;
    let mut r = r.sub(len)?;
    let (kind, flags) = (first >> 4, first & 0x0f);
    // Spec 2.1.3: every packet but PUBLISH has fixed flags.
    let fixed = match kind {
        6 | 8 | 10 => 0x02,
        _ => 0x00,
    };
    if kind != 3 && flags != fixed {
        return Err(WireError::PacketType(first));
    }
    let packet = match kind {
        1 => Packet::Connect(Box::new(decode_connect(&mut r)?)),
        2 => {
            let flags = r.byte()?;
            if flags & 0xfe != 0 {
                return Err(WireError::Invalid("CONNACK flags"));
            }
            Packet::Connack(Connack {
                session_present: flags == 1,
                code: r.byte()?,
                properties: Properties::decode(&mut r)?,
            })
        }
        3 => Packet::Publish(decode_publish(flags, &mut r, true)?),
        4 => Packet::Puback(decode_ack(&mut r)?),
        5 => Packet::Pubrec(decode_ack(&mut r)?),
        6 => Packet::Pubrel(decode_ack(&mut r)?),
        7 => Packet::Pubcomp(decode_ack(&mut r)?),
        8 => {
            let packet_id = r.u16()?;
            let properties = Properties::decode(&mut r)?;
            let mut filters = Vec::new();
            while !r.is_empty() {
                let filter = r.text()?;
                let o = r.byte()?;
                let qos = Qos::from_u8(o & 0x03).ok_or(WireError::Invalid("subscription QoS"))?;
                if o & 0xc0 != 0 || (o >> 4) & 0x03 == 3 {
                    return Err(WireError::Invalid("subscription options"));
                }
                let options = SubOptions {
                    qos,
                    no_local: o & 0x04 != 0,
                    retain_as_published: o & 0x08 != 0,
                    retain_handling: (o >> 4) & 0x03,
                };
                filters.push((filter, options));
            }
            Packet::Subscribe(Subscribe {
                packet_id,
                filters,
                properties,
            })
        }
        9 => Packet::Suback(decode_suback(&mut r)?),
        10 => {
            let packet_id = r.u16()?;
            let properties = Properties::decode(&mut r)?;
            let mut filters = Vec::new();
            while !r.is_empty() {
                filters.push(r.text()?);
            }
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                filters,
                properties,
            })
        }
        11 => Packet::Unsuback(decode_suback(&mut r)?),
        12 => Packet::Pingreq,
        13 => Packet::Pingresp,
        14 => Packet::Disconnect(decode_reasoned(&mut r)?),
        15 => Packet::Auth(decode_reasoned(&mut r)?),
        _ => return Err(WireError::PacketType(first)),
    };
    r.finish()?;
    Ok(packet)
}

fn decode_connect(r: &mut Reader) -> Result<Connect, WireError> {
    if r.text()? != PROTOCOL_NAME || r.byte()? != LEVEL {
        return Err(WireError::Invalid("protocol name or level"));
    }
    let flags = r.byte()?;
    if flags & 0x01 != 0 {
        return Err(WireError::Invalid("CONNECT flags"));
    }
    let keep_alive = r.u16()?;
    let properties = Properties::decode(r)?;
    let client_id = r.text()?;
    let will = if flags & 0x04 != 0 {
        let will_properties = Properties::decode(r)?;
        Some(WillMessage {
            properties: will_properties,
            topic: r.text()?,
            payload: r.binary()?,
            qos: Qos::from_u8((flags >> 3) & 0x03).ok_or(WireError::Invalid("will QoS"))?,
            retain: flags & 0x20 != 0,
        })
    } else if flags & 0x38 != 0 {
        return Err(WireError::Invalid("will flags without a will"));
    } else {
        None
    };
    let user_name = (flags & 0x80 != 0).then(|| r.text()).transpose()?;
    let password = (flags & 0x40 != 0).then(|| r.binary()).transpose()?;
    Ok(Connect {
        client_id,
        user_name,
        password,
        keep_alive,
        clean_start: flags & 0x02 != 0,
        will,
        properties,
    })
}

/// A whole MQTT 3.1.1 PUBLISH: the same layout without properties. The
/// 3.1.1 codec hands PUBLISH here because it is nearly all inbound traffic,
/// and mqtt-protocol's decoder copies topic and payload into a packet of its
/// own that would then be copied again (measured: +8 % per message against
/// the session before MQTT 5; `scripts/bench session`).
pub(super) fn decode_publish_311(frame: &[u8]) -> Result<Publish, WireError> {
    let mut r = Reader::new(frame);
    let first = r.byte()?;
    let len = r.varint()? as usize;
    let mut r = r.sub(len)?;
    let publish = decode_publish(first & 0x0f, &mut r, false)?;
    r.finish()?;
    Ok(publish)
}

fn decode_publish(flags: u8, r: &mut Reader, with_properties: bool) -> Result<Publish, WireError> {
    let qos = Qos::from_u8((flags >> 1) & 0x03).ok_or(WireError::Invalid("PUBLISH QoS 3"))?;
    let topic = r.text()?;
    let packet_id = match qos {
        Qos::AtMostOnce => None,
        _ => match r.u16()? {
            0 => return Err(WireError::Invalid("packet identifier 0")),
            id => Some(id),
        },
    };
    Ok(Publish {
        topic,
        packet_id,
        qos,
        retain: flags & 0x01 != 0,
        dup: flags & 0x08 != 0,
        properties: if with_properties {
            Properties::decode(r)?
        } else {
            Properties::default()
        },
        payload: r.rest().to_vec(),
    })
}

fn decode_ack(r: &mut Reader) -> Result<Ack, WireError> {
    let packet_id = r.u16()?;
    let code = if r.is_empty() { 0 } else { r.byte()? };
    let properties = if r.is_empty() {
        Properties::default()
    } else {
        Properties::decode(r)?
    };
    Ok(Ack {
        packet_id,
        code,
        properties,
    })
}

fn decode_suback(r: &mut Reader) -> Result<SubAck, WireError> {
    Ok(SubAck {
        packet_id: r.u16()?,
        properties: Properties::decode(r)?,
        codes: r.rest().to_vec(),
    })
}

fn decode_reasoned(r: &mut Reader) -> Result<Reasoned, WireError> {
    let code = if r.is_empty() { 0 } else { r.byte()? };
    let properties = if r.is_empty() {
        Properties::default()
    } else {
        Properties::decode(r)?
    };
    Ok(Reasoned { code, properties })
}
