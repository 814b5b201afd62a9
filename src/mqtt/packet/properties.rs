//! MQTT 5 properties (spec 2.2.2): identifier, value, and the one table that
//! says which type each identifier carries. Kept as a list rather than a struct
//! per packet: decoding stays one loop, user properties keep their order, and a
//! property the console does not use still round-trips and shows in the log.

use super::wire::{Reader, WireError, Writer};

/// Property identifiers, named as in the spec (table 2-4).
pub mod id {
    pub const PAYLOAD_FORMAT: u8 = 0x01;
    pub const MESSAGE_EXPIRY: u8 = 0x02;
    pub const CONTENT_TYPE: u8 = 0x03;
    pub const RESPONSE_TOPIC: u8 = 0x08;
    pub const CORRELATION_DATA: u8 = 0x09;
    pub const SUBSCRIPTION_ID: u8 = 0x0B;
    pub const SESSION_EXPIRY: u8 = 0x11;
    pub const ASSIGNED_CLIENT_ID: u8 = 0x12;
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    pub const AUTH_METHOD: u8 = 0x15;
    pub const AUTH_DATA: u8 = 0x16;
    pub const REQUEST_PROBLEM_INFO: u8 = 0x17;
    pub const WILL_DELAY: u8 = 0x18;
    pub const REQUEST_RESPONSE_INFO: u8 = 0x19;
    pub const RESPONSE_INFO: u8 = 0x1A;
    pub const SERVER_REFERENCE: u8 = 0x1C;
    pub const REASON_STRING: u8 = 0x1F;
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    pub const TOPIC_ALIAS: u8 = 0x23;
    pub const MAXIMUM_QOS: u8 = 0x24;
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    pub const USER_PROPERTY: u8 = 0x26;
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    pub const WILDCARD_SUB_AVAILABLE: u8 = 0x28;
    pub const SUB_ID_AVAILABLE: u8 = 0x29;
    pub const SHARED_SUB_AVAILABLE: u8 = 0x2A;
}

/// A property's name as the spec writes it (the same in every language).
pub fn name(property: u8) -> &'static str {
    use id::*;
    match property {
        PAYLOAD_FORMAT => "Payload Format Indicator",
        MESSAGE_EXPIRY => "Message Expiry Interval",
        CONTENT_TYPE => "Content Type",
        RESPONSE_TOPIC => "Response Topic",
        CORRELATION_DATA => "Correlation Data",
        SUBSCRIPTION_ID => "Subscription Identifier",
        SESSION_EXPIRY => "Session Expiry Interval",
        ASSIGNED_CLIENT_ID => "Assigned Client Identifier",
        SERVER_KEEP_ALIVE => "Server Keep Alive",
        AUTH_METHOD => "Authentication Method",
        AUTH_DATA => "Authentication Data",
        REQUEST_PROBLEM_INFO => "Request Problem Information",
        WILL_DELAY => "Will Delay Interval",
        REQUEST_RESPONSE_INFO => "Request Response Information",
        RESPONSE_INFO => "Response Information",
        SERVER_REFERENCE => "Server Reference",
        REASON_STRING => "Reason String",
        RECEIVE_MAXIMUM => "Receive Maximum",
        TOPIC_ALIAS_MAXIMUM => "Topic Alias Maximum",
        TOPIC_ALIAS => "Topic Alias",
        MAXIMUM_QOS => "Maximum QoS",
        RETAIN_AVAILABLE => "Retain Available",
        USER_PROPERTY => "User Property",
        MAXIMUM_PACKET_SIZE => "Maximum Packet Size",
        WILDCARD_SUB_AVAILABLE => "Wildcard Subscription Available",
        SUB_ID_AVAILABLE => "Subscription Identifier Available",
        SHARED_SUB_AVAILABLE => "Shared Subscription Available",
        _ => "unknown property",
    }
}

/// A value as it reads in a log line: binary data as hex.
pub fn show(value: &Value) -> String {
    match value {
        Value::Int(n) => n.to_string(),
        Value::Utf8(s) => s.clone(),
        Value::Binary(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        Value::Pair(k, v) => format!("{k}={v}"),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Byte,
    U16,
    U32,
    VarInt,
    Utf8,
    Binary,
    Pair,
}

/// The spec's table 2-4: what each identifier carries; `None` for an unknown one,
/// which makes the packet malformed.
fn kind(property: u8) -> Option<Kind> {
    use id::*;
    Some(match property {
        PAYLOAD_FORMAT
        | REQUEST_PROBLEM_INFO
        | REQUEST_RESPONSE_INFO
        | MAXIMUM_QOS
        | RETAIN_AVAILABLE
        | WILDCARD_SUB_AVAILABLE
        | SUB_ID_AVAILABLE
        | SHARED_SUB_AVAILABLE => Kind::Byte,
        SERVER_KEEP_ALIVE | RECEIVE_MAXIMUM | TOPIC_ALIAS_MAXIMUM | TOPIC_ALIAS => Kind::U16,
        MESSAGE_EXPIRY | SESSION_EXPIRY | WILL_DELAY | MAXIMUM_PACKET_SIZE => Kind::U32,
        SUBSCRIPTION_ID => Kind::VarInt,
        CONTENT_TYPE | RESPONSE_TOPIC | ASSIGNED_CLIENT_ID | AUTH_METHOD | RESPONSE_INFO
        | SERVER_REFERENCE | REASON_STRING => Kind::Utf8,
        CORRELATION_DATA | AUTH_DATA => Kind::Binary,
        USER_PROPERTY => Kind::Pair,
        _ => return None,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Byte, two-byte and four-byte integers and variable byte integers alike.
    Int(u32),
    Utf8(String),
    Binary(Vec<u8>),
    Pair(String, String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Properties(pub Vec<(u8, Value)>);

impl Properties {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn int(&self, property: u8) -> Option<u32> {
        self.0.iter().find_map(|(i, v)| match v {
            Value::Int(n) if *i == property => Some(*n),
            _ => None,
        })
    }

    pub fn text(&self, property: u8) -> Option<&str> {
        self.0.iter().find_map(|(i, v)| match v {
            Value::Utf8(s) if *i == property => Some(s.as_str()),
            _ => None,
        })
    }

    pub fn binary(&self, property: u8) -> Option<&[u8]> {
        self.0.iter().find_map(|(i, v)| match v {
            Value::Binary(b) if *i == property => Some(b.as_slice()),
            _ => None,
        })
    }

    /// User properties, in the order they came.
    pub fn user(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().filter_map(|(_, v)| match v {
            Value::Pair(k, v) => Some((k.as_str(), v.as_str())),
            _ => None,
        })
    }

    pub fn with(mut self, property: u8, value: Value) -> Self {
        self.0.push((property, value));
        self
    }

    pub fn remove(&mut self, property: u8) {
        self.0.retain(|(i, _)| *i != property);
    }

    pub(super) fn encode(&self, w: &mut Writer) {
        let mut body = Writer::default();
        for (property, value) in &self.0 {
            body.byte(*property);
            match (kind(*property), value) {
                (Some(Kind::Byte), Value::Int(n)) => body.byte(*n as u8),
                (Some(Kind::U16), Value::Int(n)) => body.u16(*n as u16),
                (Some(Kind::U32), Value::Int(n)) => body.u32(*n),
                (Some(Kind::VarInt), Value::Int(n)) => body.varint(*n),
                (_, Value::Utf8(s)) => body.text(s),
                (_, Value::Binary(b)) => body.binary(b),
                (_, Value::Pair(k, v)) => {
                    body.text(k);
                    body.text(v);
                }
                // An integer under an identifier the table does not know: the
                // encoder never builds one (only `decode` fills this list).
                (_, Value::Int(n)) => body.u32(*n),
            }
        }
        w.varint(body.len() as u32);
        w.bytes(&body.into_bytes());
    }

    pub(super) fn decode(r: &mut Reader) -> Result<Properties, WireError> {
        let len = r.varint()? as usize;
        let mut r = r.sub(len)?;
        let mut list: Vec<(u8, Value)> = Vec::new();
        while !r.is_empty() {
            let property = r.byte()?;
            let value = match kind(property).ok_or(WireError::UnknownProperty(property))? {
                Kind::Byte => Value::Int(r.byte()?.into()),
                Kind::U16 => Value::Int(r.u16()?.into()),
                Kind::U32 => Value::Int(r.u32()?),
                Kind::VarInt => Value::Int(r.varint()?),
                Kind::Utf8 => Value::Utf8(r.text()?),
                Kind::Binary => Value::Binary(r.binary()?),
                Kind::Pair => Value::Pair(r.text()?, r.text()?),
            };
            // Spec 2.2.2.2: only user properties and subscription identifiers repeat.
            let repeats = matches!(property, id::USER_PROPERTY | id::SUBSCRIPTION_ID);
            if !repeats && list.iter().any(|(i, _)| *i == property) {
                return Err(WireError::RepeatedProperty(property));
            }
            list.push((property, value));
        }
        Ok(Properties(list))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_decode_by_their_identifiers_type() {
        let bytes = [
            0x0e, // property length 14
            0x21, 0x00, 0x14, // receive maximum 20
            0x03, 0x00, 0x01, b'j', // content type "j"
            0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // user property k=v
        ];
        // The length above covers 3 + 4 + 7 = 14 bytes.
        let mut r = Reader::new(&bytes);
        let p = Properties::decode(&mut r).unwrap();
        assert_eq!(p.int(id::RECEIVE_MAXIMUM), Some(20));
        assert_eq!(p.text(id::CONTENT_TYPE), Some("j"));
        assert_eq!(p.user().collect::<Vec<_>>(), vec![("k", "v")]);
        let mut w = Writer::default();
        p.encode(&mut w);
        assert_eq!(w.into_bytes(), bytes);
    }

    #[test]
    fn an_unknown_or_repeated_property_is_malformed() {
        // 0x02 length, 0x7f unknown identifier.
        let mut r = Reader::new(&[0x02, 0x7f, 0x00]);
        assert_eq!(
            Properties::decode(&mut r),
            Err(WireError::UnknownProperty(0x7f))
        );
        // Two maximum QoS (0x24) properties.
        let mut r = Reader::new(&[0x04, 0x24, 0x01, 0x24, 0x00]);
        assert_eq!(
            Properties::decode(&mut r),
            Err(WireError::RepeatedProperty(0x24))
        );
    }
}
