//! MQTT 5 message properties as a form holds them (text fields), and the one
//! conversion to wire properties, with the problem named when a field is not
//! valid. Used by the publish form and the will form alike. Pure, so every rule
//! is tested natively.

use super::packet::properties::id;
use super::packet::{Properties, Protocol, Value};

/// What the user typed. Empty fields are left out of the packet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PropertiesInput {
    pub content_type: String,
    /// Payload format indicator 1: the payload is UTF-8 text.
    pub utf8: bool,
    /// Seconds, as typed.
    pub message_expiry: String,
    pub response_topic: String,
    /// Sent as its UTF-8 bytes.
    pub correlation_data: String,
    /// One `name=value` per line.
    pub user_properties: String,
    /// Wills only: seconds, as typed.
    pub will_delay: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyProblem {
    /// A seconds field that is not a whole number up to 4,294,967,295.
    NotSeconds { field: &'static str, value: String },
    /// A user property line without `=`, by its line number (from 1).
    UserPropertyLine(usize),
    /// A response topic with a wildcard (spec 3.3.2.3.5).
    ResponseTopicWildcard,
}

impl PropertiesInput {
    /// What a message typed with these fields carries under `protocol`:
    /// exactly the properties shown, or why they cannot be. The one check
    /// for a publish and a will, so either is sent as shown or not at all.
    /// Under 3.1.1 none are sent (the fields keep their values, hidden), so
    /// their mistakes do not count.
    pub fn for_protocol(&self, protocol: Protocol) -> Result<Properties, PropertyProblem> {
        match protocol {
            Protocol::V5 => self.to_properties(),
            Protocol::V311 => Ok(Properties::default()),
        }
    }

    pub fn to_properties(&self) -> Result<Properties, PropertyProblem> {
        let mut p = Properties::default();
        if self.utf8 {
            p = p.with(id::PAYLOAD_FORMAT, Value::Int(1));
        }
        if let Some(n) = seconds("message-expiry", &self.message_expiry)? {
            p = p.with(id::MESSAGE_EXPIRY, Value::Int(n));
        }
        if !self.content_type.is_empty() {
            p = p.with(id::CONTENT_TYPE, Value::Utf8(self.content_type.clone()));
        }
        if !self.response_topic.is_empty() {
            if self.response_topic.contains(['#', '+']) {
                return Err(PropertyProblem::ResponseTopicWildcard);
            }
            p = p.with(id::RESPONSE_TOPIC, Value::Utf8(self.response_topic.clone()));
        }
        if !self.correlation_data.is_empty() {
            let bytes = self.correlation_data.as_bytes().to_vec();
            p = p.with(id::CORRELATION_DATA, Value::Binary(bytes));
        }
        if let Some(n) = seconds("will-delay", &self.will_delay)? {
            p = p.with(id::WILL_DELAY, Value::Int(n));
        }
        for (i, line) in self.user_properties.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (k, v) = line
                .split_once('=')
                .ok_or(PropertyProblem::UserPropertyLine(i + 1))?;
            p = p.with(
                id::USER_PROPERTY,
                Value::Pair(k.trim().into(), v.trim().into()),
            );
        }
        Ok(p)
    }
}

fn seconds(field: &'static str, typed: &str) -> Result<Option<u32>, PropertyProblem> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    typed
        .parse::<u32>()
        .map(Some)
        .map_err(|_| PropertyProblem::NotSeconds {
            field,
            value: typed.into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_give_no_properties() {
        assert!(PropertiesInput::default()
            .to_properties()
            .unwrap()
            .is_empty());
    }

    #[test]
    fn every_field_becomes_its_property_and_user_properties_keep_their_order() {
        let input = PropertiesInput {
            content_type: "application/json".into(),
            utf8: true,
            message_expiry: " 60 ".into(),
            response_topic: "tillor/local/acme/integration/replies".into(),
            correlation_data: "req-1".into(),
            user_properties: "b = 2\n\na=1=x\n".into(),
            will_delay: String::new(),
        };
        let p = input.to_properties().unwrap();
        assert_eq!(p.int(id::PAYLOAD_FORMAT), Some(1));
        assert_eq!(p.int(id::MESSAGE_EXPIRY), Some(60));
        assert_eq!(p.text(id::CONTENT_TYPE), Some("application/json"));
        assert_eq!(p.binary(id::CORRELATION_DATA), Some(&b"req-1"[..]));
        assert_eq!(p.user().collect::<Vec<_>>(), vec![("b", "2"), ("a", "1=x")]);
    }

    #[test]
    fn a_bad_field_is_named() {
        let bad_expiry = PropertiesInput {
            message_expiry: "soon".into(),
            ..Default::default()
        };
        assert_eq!(
            bad_expiry.to_properties(),
            Err(PropertyProblem::NotSeconds {
                field: "message-expiry",
                value: "soon".into()
            })
        );
        let bad_line = PropertiesInput {
            user_properties: "a=1\nnoequals".into(),
            ..Default::default()
        };
        assert_eq!(
            bad_line.to_properties(),
            Err(PropertyProblem::UserPropertyLine(2))
        );
        let wildcard = PropertiesInput {
            response_topic: "a/#".into(),
            ..Default::default()
        };
        assert_eq!(
            wildcard.to_properties(),
            Err(PropertyProblem::ResponseTopicWildcard)
        );
    }

    #[test]
    fn properties_that_do_not_parse_hold_a_message_back_under_mqtt_5_only() {
        let soon = PropertiesInput {
            will_delay: "soon".into(),
            ..Default::default()
        };
        assert!(matches!(
            soon.for_protocol(Protocol::V5),
            Err(PropertyProblem::NotSeconds { .. })
        ));
        // Not sent under 3.1.1, so not checked either.
        assert_eq!(soon.for_protocol(Protocol::V311), Ok(Properties::default()));
    }
}
