//! Payloads as people read them (text, JSON or hex) and as the log is
//! exported. Pure, so the cuts and the encodings are tested natively.
//!
//! Design: the export is lossless. A payload that is valid UTF-8 goes out as
//! text; any other goes out as base64 with `"encoding": "base64"`, so binary
//! payloads (protobuf, CBOR, images) survive a round trip through the file.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::log::MessageEntry;
use super::packet::properties::{self, id};
use super::packet::{Properties, Value};

/// How the log shows payloads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayloadFormat {
    #[default]
    Text,
    Json,
    Hex,
}

impl PayloadFormat {
    pub const ALL: [PayloadFormat; 3] =
        [PayloadFormat::Text, PayloadFormat::Json, PayloadFormat::Hex];

    /// The stable name (a select's value and the remembered setting).
    pub fn as_str(self) -> &'static str {
        match self {
            PayloadFormat::Text => "text",
            PayloadFormat::Json => "json",
            PayloadFormat::Hex => "hex",
        }
    }

    pub fn parse(s: &str) -> Option<PayloadFormat> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// What the user reads in the format picker: names, the same in every language.
    pub fn label(self) -> &'static str {
        match self {
            PayloadFormat::Text => "text",
            PayloadFormat::Json => "JSON",
            PayloadFormat::Hex => "hex",
        }
    }
}

/// Characters of a payload shown in a row of the list.
pub const PREVIEW_CHARS: usize = 200;
/// Bytes of a payload the details view reads: a multi-megabyte payload must
/// not freeze the page, neither by parsing nor by rendering.
pub const DETAILS_BYTES: usize = 64 * 1024;

/// A payload for one row: text, compact JSON (when it parses) or hex, cut to
/// `PREVIEW_CHARS` (the details and the export have it whole).
pub fn preview(format: PayloadFormat, payload: &[u8]) -> String {
    let text = match format {
        PayloadFormat::Hex => hex_line(&payload[..payload.len().min(PREVIEW_CHARS)]),
        PayloadFormat::Json => serde_json::from_slice::<serde_json::Value>(payload)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| String::from_utf8_lossy(payload).into_owned()),
        PayloadFormat::Text => String::from_utf8_lossy(payload).into_owned(),
    };
    if text.chars().count() > PREVIEW_CHARS {
        format!("{}…", text.chars().take(PREVIEW_CHARS).collect::<String>())
    } else {
        text
    }
}

/// A payload for the details view: pretty JSON, hex in lines of sixteen
/// bytes, or text; only the first `DETAILS_BYTES` are read.
pub fn details(format: PayloadFormat, payload: &[u8]) -> String {
    let cut = &payload[..payload.len().min(DETAILS_BYTES)];
    let mut text = match format {
        PayloadFormat::Hex => cut.chunks(16).map(hex_line).collect::<Vec<_>>().join("\n"),
        PayloadFormat::Json => serde_json::from_slice::<serde_json::Value>(cut)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(cut).into_owned()),
        PayloadFormat::Text => String::from_utf8_lossy(cut).into_owned(),
    };
    if payload.len() > DETAILS_BYTES {
        text.push_str(&format!("\n… (+{} B)", payload.len() - DETAILS_BYTES));
    }
    text
}

fn hex_line(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One exported message: a JSON object on one line. `at` is the time as
/// RFC 3339 (the caller's clock formats it).
pub fn export_line(m: &MessageEntry, at: &str) -> String {
    let mut line = serde_json::json!({
        "direction": m.direction.as_str(),
        "at": at,
        "topic": m.topic,
        "qos": m.qos.as_u8(),
        "retain": m.retain,
    });
    if !m.properties.is_empty() {
        line["properties"] = properties_json(&m.properties);
    }
    match std::str::from_utf8(&m.payload) {
        Ok(text) => line["payload"] = text.into(),
        Err(_) => {
            line["payload"] = base64::engine::general_purpose::STANDARD
                .encode(&m.payload)
                .into();
            line["encoding"] = "base64".into();
        }
    }
    line.to_string() + "\n"
}

/// MQTT 5 properties for the export: camelCase names, user properties as
/// `[name, value]` pairs in their order, binary data as base64.
pub fn properties_json(p: &Properties) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let mut user = Vec::new();
    for (property, value) in &p.0 {
        let key = match *property {
            id::PAYLOAD_FORMAT => "payloadFormatIndicator",
            id::MESSAGE_EXPIRY => "messageExpiryInterval",
            id::CONTENT_TYPE => "contentType",
            id::RESPONSE_TOPIC => "responseTopic",
            id::CORRELATION_DATA => "correlationData",
            id::SUBSCRIPTION_ID => "subscriptionIdentifier",
            _ => properties::name(*property),
        };
        let json = match value {
            Value::Int(n) => (*n).into(),
            Value::Utf8(s) => s.as_str().into(),
            Value::Binary(b) => base64::engine::general_purpose::STANDARD.encode(b).into(),
            Value::Pair(k, v) => {
                user.push(serde_json::json!([k, v]));
                continue;
            }
        };
        out.insert(key.into(), json);
    }
    if !user.is_empty() {
        out.insert("userProperties".into(), user.into());
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::log::Direction;
    use crate::mqtt::qos::Qos;

    fn entry(payload: &[u8]) -> MessageEntry {
        MessageEntry {
            direction: Direction::Received,
            topic: "tillor/local/acme/integration/x".into(),
            payload: payload.to_vec(),
            qos: Qos::AtLeastOnce,
            retain: false,
            properties: Default::default(),
            at_ms: 0.0,
        }
    }

    #[test]
    fn payloads_show_as_text_json_or_hex_and_long_ones_are_cut() {
        assert_eq!(preview(PayloadFormat::Hex, b"AB"), "41 42");
        assert_eq!(
            preview(PayloadFormat::Json, br#"{ "a" : 1 }"#),
            r#"{"a":1}"#
        );
        assert_eq!(preview(PayloadFormat::Json, b"not json"), "not json");
        assert!(preview(PayloadFormat::Text, &[b'x'; 500]).ends_with('…'));
    }

    #[test]
    fn the_details_show_json_pretty_and_hex_in_lines_of_sixteen() {
        assert_eq!(
            details(PayloadFormat::Json, br#"{"a":1}"#),
            "{\n  \"a\": 1\n}"
        );
        assert_eq!(details(PayloadFormat::Hex, &[0u8; 17]).lines().count(), 2);
        let big = vec![b'x'; 70 * 1024];
        assert!(details(PayloadFormat::Text, &big).ends_with(&format!("(+{} B)", 6 * 1024)));
    }

    #[test]
    fn the_details_read_only_the_capped_part_of_a_payload() {
        // Valid JSON as a whole, but the details may look at the first 64 KB
        // only: they show that part as text, never the whole parsed document.
        let mut doc = b"[\"".to_vec();
        doc.extend(std::iter::repeat_n(b'a', 100 * 1024));
        doc.extend(b"\"]");
        let shown = details(PayloadFormat::Json, &doc);
        assert!(!shown.contains("\n  \""), "not pretty-printed as a whole");
        assert!(shown.ends_with(&format!("(+{} B)", doc.len() - DETAILS_BYTES)));
        assert!(shown.len() < DETAILS_BYTES + 64);
    }

    #[test]
    fn the_export_carries_mqtt_5_properties_with_user_properties_in_order() {
        let mut m = entry(b"{}");
        m.properties = Properties::default()
            .with(id::CONTENT_TYPE, Value::Utf8("application/json".into()))
            .with(id::USER_PROPERTY, Value::Pair("b".into(), "2".into()))
            .with(id::USER_PROPERTY, Value::Pair("a".into(), "1".into()))
            .with(id::CORRELATION_DATA, Value::Binary(vec![0xff]));
        let line: serde_json::Value = serde_json::from_str(&export_line(&m, "t")).unwrap();
        assert_eq!(
            line["properties"],
            serde_json::json!({
                "contentType": "application/json",
                "correlationData": "/w==",
                "userProperties": [["b", "2"], ["a", "1"]],
            })
        );
    }

    #[test]
    fn the_export_keeps_text_as_text_and_binary_as_base64_losslessly() {
        let text: serde_json::Value =
            serde_json::from_str(&export_line(&entry("héllo".as_bytes()), "t")).unwrap();
        assert_eq!(text["payload"], "héllo");
        assert!(text.get("encoding").is_none());

        let binary = [0x00, 0xff, 0xfe, 0x80, b'a'];
        let line: serde_json::Value =
            serde_json::from_str(&export_line(&entry(&binary), "t")).unwrap();
        assert_eq!(line["encoding"], "base64");
        let back = base64::engine::general_purpose::STANDARD
            .decode(line["payload"].as_str().unwrap())
            .unwrap();
        assert_eq!(back, binary);
        assert_eq!(line["direction"], "received");
        assert_eq!(line["qos"], 1);
    }

    #[test]
    fn a_format_parses_its_own_name_only() {
        for f in PayloadFormat::ALL {
            assert_eq!(PayloadFormat::parse(f.as_str()), Some(f));
        }
        assert_eq!(PayloadFormat::parse("JSON"), None);
    }
}
