//! Field rules of the management API. The server rejects with these; the console
//! checks the same rules before it sends, and shows the same text for both.

use strum::VariantArray;

use crate::broker_event::EventKindName;
use crate::error::{ErrorCode, FieldError};
use crate::Env;

pub const EXPIRES_IN_SECONDS_MIN: i64 = 60;
pub const EXPIRES_IN_SECONDS_MAX: i64 = 86_400;
pub const EXPIRES_IN_SECONDS_DEFAULT: u32 = 3_600;

/// Whole clientId including the env prefix. MQTT 3.1.1 only guarantees 23, but every
/// broker we target (Mosquitto, TBMQ, EMQX) accepts far more; 64 keeps logs readable.
pub const CLIENT_ID_MAX_LEN: usize = 64;
/// Characters of a clientId: safe in every broker, shell snippet and log line.
pub const CLIENT_ID_ALLOWED: &str = "A-Z a-z 0-9 . _ -";

pub const NAME_MAX_CHARS: usize = 64;

/// How many connection events one request may ask for.
pub const EVENTS_LIMIT_MIN: i64 = 1;
pub const EVENTS_LIMIT_MAX: i64 = 500;
pub const EVENTS_LIMIT_DEFAULT: u32 = 100;
/// How long a live request for newer events may wait for one, in seconds:
/// under the idle timeouts of common proxies (60 s).
pub const EVENTS_WAIT_MAX: i64 = 30;

pub mod field {
    pub const EXPIRES_IN_SECONDS: &str = "expiresInSeconds";
    pub const CLIENT_ID: &str = "clientId";
    pub const NAME: &str = "name";
    pub const LIMIT: &str = "limit";
    pub const KIND: &str = "kind";
    pub const SINCE: &str = "since";
    pub const CURSOR: &str = "cursor";
    pub const AFTER: &str = "after";
    pub const WAIT: &str = "wait";
}

/// The `kind` query parameter of the events list.
pub fn event_kind(raw: &str) -> Result<EventKindName, FieldError> {
    EventKindName::VARIANTS
        .iter()
        .copied()
        .find(|k| k.as_str() == raw)
        .ok_or_else(|| FieldError::new(field::KIND, ErrorCode::UnknownValue))
}

/// The `wait` query parameter of the events list, in seconds.
pub fn events_wait(raw: &str) -> Result<u32, FieldError> {
    let range = |code| FieldError::new(field::WAIT, code).with_range(0, EVENTS_WAIT_MAX);
    let n: i64 = raw
        .trim()
        .parse()
        .map_err(|_| range(ErrorCode::NotAnInteger))?;
    if (0..=EVENTS_WAIT_MAX).contains(&n) {
        Ok(n as u32)
    } else {
        Err(range(ErrorCode::OutOfRange))
    }
}

/// A position in an organisation's events, as the API hands it out: opaque
/// to clients, which only pass it back (`cursor` for older entries, `after`
/// for newer ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventCursor(pub i64);

impl EventCursor {
    pub fn text(self) -> String {
        format!("e{:x}", self.0)
    }

    /// `name` is the query parameter it came in, for the error.
    pub fn parse(name: &str, raw: &str) -> Result<EventCursor, FieldError> {
        raw.strip_prefix('e')
            .filter(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| i64::from_str_radix(hex, 16).ok())
            .filter(|n| *n >= 0)
            .map(EventCursor)
            .ok_or_else(|| FieldError::new(name, ErrorCode::NotACursor))
    }
}

/// The `limit` query parameter of the events list, as sent (text).
pub fn events_limit(raw: &str) -> Result<u32, FieldError> {
    let range =
        |code| FieldError::new(field::LIMIT, code).with_range(EVENTS_LIMIT_MIN, EVENTS_LIMIT_MAX);
    let n: i64 = raw
        .trim()
        .parse()
        .map_err(|_| range(ErrorCode::NotAnInteger))?;
    if (EVENTS_LIMIT_MIN..=EVENTS_LIMIT_MAX).contains(&n) {
        Ok(n as u32)
    } else {
        Err(range(ErrorCode::OutOfRange))
    }
}

/// The JSON value sent as `expiresInSeconds`: only an integer in 60..=86400 passes.
pub fn expires_in_seconds(value: &serde_json::Value) -> Result<u32, FieldError> {
    let range = |code| {
        FieldError::new(field::EXPIRES_IN_SECONDS, code)
            .with_range(EXPIRES_IN_SECONDS_MIN, EXPIRES_IN_SECONDS_MAX)
    };
    let Some(n) = value.as_i64() else {
        // 1.5, "3600", null, true, 1e3 and numbers beyond i64 all land here.
        return Err(range(ErrorCode::NotAnInteger));
    };
    check_expires_in_seconds(n).map_err(|_| range(ErrorCode::OutOfRange))
}

/// The numeric half of the rule, for a form field that already parsed a number.
pub fn check_expires_in_seconds(n: i64) -> Result<u32, FieldError> {
    if (EXPIRES_IN_SECONDS_MIN..=EXPIRES_IN_SECONDS_MAX).contains(&n) {
        Ok(n as u32)
    } else {
        Err(
            FieldError::new(field::EXPIRES_IN_SECONDS, ErrorCode::OutOfRange)
                .with_range(EXPIRES_IN_SECONDS_MIN, EXPIRES_IN_SECONDS_MAX),
        )
    }
}

/// Validates a requested clientId and adds the env prefix once: `foo` and
/// `local-foo` both become `local-foo`, so a renewal can send back what it got.
pub fn normalize_client_id(env: Env, requested: &str) -> Result<String, FieldError> {
    let prefix = env.client_id_prefix();
    let bare = requested.strip_prefix(prefix.as_str()).unwrap_or(requested);
    if bare.is_empty() {
        return Err(FieldError::new(field::CLIENT_ID, ErrorCode::Empty));
    }
    if !bare
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(FieldError::new(
            field::CLIENT_ID,
            ErrorCode::InvalidCharacters,
        ));
    }
    let full = format!("{prefix}{bare}");
    if full.len() > CLIENT_ID_MAX_LEN {
        return Err(FieldError::new(field::CLIENT_ID, ErrorCode::TooLong)
            .with_max(CLIENT_ID_MAX_LEN as i64));
    }
    Ok(full)
}

/// A static credential's display name: 1..=64 characters, no control characters,
/// no leading or trailing whitespace (it would be invisible in the table).
pub fn check_name(name: &str) -> Result<(), FieldError> {
    let err = |code| FieldError::new(field::NAME, code);
    if name.trim().is_empty() {
        return Err(err(ErrorCode::Empty));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(err(ErrorCode::TooLong).with_max(NAME_MAX_CHARS as i64));
    }
    if name.chars().any(char::is_control) || name.trim() != name {
        return Err(err(ErrorCode::InvalidCharacters));
    }
    Ok(())
}

impl FieldError {
    /// English text for API clients; the console translates by `code` instead.
    pub fn message(&self) -> String {
        let f = &self.field;
        match (self.code, self.min, self.max) {
            (ErrorCode::NotAnInteger, Some(min), Some(max)) => {
                format!("{f} must be a whole number of seconds from {min} to {max}")
            }
            (ErrorCode::OutOfRange, Some(min), Some(max)) => {
                format!("{f} must be from {min} to {max}")
            }
            (ErrorCode::NotAString, ..) => format!("{f} must be a string (or be left out)"),
            (ErrorCode::Empty, ..) => format!("{f} must not be empty"),
            (ErrorCode::TooLong, _, Some(max)) => format!("{f} must be at most {max} characters"),
            (ErrorCode::InvalidCharacters, ..) if f == field::CLIENT_ID => {
                format!("{f} may only contain {}", CLIENT_ID_ALLOWED)
            }
            (ErrorCode::InvalidCharacters, ..) => {
                format!("{f} may not contain control characters or start or end with whitespace")
            }
            (ErrorCode::UnknownField, ..) => format!("{f} is not a field of this request"),
            (ErrorCode::UnknownValue, ..) if f == field::KIND => format!(
                "{f} must be one of {}",
                EventKindName::VARIANTS
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (ErrorCode::NotATime, ..) => {
                format!("{f} must be an RFC 3339 time, e.g. 2026-11-26T12:00:00Z")
            }
            (ErrorCode::NotACursor, ..) => {
                format!("{f} must be a cursor from an earlier answer, unchanged")
            }
            (ErrorCode::InvalidCombination, ..) if f == field::WAIT => {
                format!("{f} needs after (the liveCursor of an earlier answer)")
            }
            (ErrorCode::InvalidCombination, ..) => {
                format!("{f} (older entries) cannot be combined with after (newer ones)")
            }
            (code, ..) => format!("{f} is invalid ({})", code.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_wrote_and_nothing_else() {
        for n in [0, 1, 255, i64::MAX] {
            assert_eq!(
                EventCursor::parse(field::AFTER, &EventCursor(n).text()),
                Ok(EventCursor(n))
            );
        }
        for bad in [
            "",
            "e",
            "12",
            "ex",
            "e-1",
            "E1",
            "e1 ",
            "e10000000000000000",
        ] {
            assert_eq!(
                EventCursor::parse(field::CURSOR, bad),
                Err(FieldError::new(field::CURSOR, ErrorCode::NotACursor)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_wait_is_whole_seconds_up_to_the_maximum() {
        assert_eq!(events_wait("0"), Ok(0));
        assert_eq!(events_wait("30"), Ok(30));
        assert_eq!(events_wait("31").unwrap_err().code, ErrorCode::OutOfRange);
        assert_eq!(
            events_wait("1.5").unwrap_err().code,
            ErrorCode::NotAnInteger
        );
    }

    #[test]
    fn an_event_kind_is_one_of_the_seven() {
        assert_eq!(event_kind("refused"), Ok(EventKindName::Refused));
        let e = event_kind("Refused").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            (field::KIND, ErrorCode::UnknownValue)
        );
        assert!(e.message().contains("subscribe_refused"));
    }

    #[test]
    fn an_events_limit_is_a_whole_number_in_its_range() {
        assert_eq!(events_limit("1"), Ok(1));
        assert_eq!(events_limit("500"), Ok(500));
        for (raw, code) in [
            ("0", ErrorCode::OutOfRange),
            ("501", ErrorCode::OutOfRange),
            ("-3", ErrorCode::OutOfRange),
            ("ten", ErrorCode::NotAnInteger),
            ("1.5", ErrorCode::NotAnInteger),
            ("", ErrorCode::NotAnInteger),
        ] {
            let e = events_limit(raw).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), (field::LIMIT, code), "{raw:?}");
            assert_eq!((e.min, e.max), (Some(1), Some(500)));
        }
    }
    use serde_json::json;

    #[test]
    fn expiry_accepts_exactly_the_documented_range() {
        assert_eq!(expires_in_seconds(&json!(60)), Ok(60));
        assert_eq!(expires_in_seconds(&json!(86400)), Ok(86400));
        for n in [0, 59, 86401, -1, i64::MAX] {
            let e = expires_in_seconds(&json!(n)).unwrap_err();
            assert_eq!(e.code, ErrorCode::OutOfRange, "{n}");
            assert_eq!((e.min, e.max), (Some(60), Some(86400)));
            assert_eq!(e.field, "expiresInSeconds");
        }
    }

    #[test]
    fn expiry_that_is_not_an_integer_is_refused_with_the_range() {
        for v in [
            json!(1.5),
            json!("3600"),
            json!(null),
            json!(true),
            json!(3600.0),
        ] {
            let e = expires_in_seconds(&v).unwrap_err();
            assert_eq!(e.code, ErrorCode::NotAnInteger, "{v}");
            assert_eq!((e.min, e.max), (Some(60), Some(86400)));
        }
    }

    #[test]
    fn client_id_prefix_is_added_once() {
        assert_eq!(normalize_client_id(Env::Local, "foo").unwrap(), "local-foo");
        assert_eq!(
            normalize_client_id(Env::Local, "local-foo").unwrap(),
            "local-foo"
        );
        assert_eq!(
            normalize_client_id(Env::Prod, "local-foo").unwrap(),
            "prod-local-foo"
        );
    }

    #[test]
    fn client_id_with_forbidden_characters_or_length_is_refused() {
        for bad in ["a b", "a/b", "é", "a+b", "a#", "x\0"] {
            assert_eq!(
                normalize_client_id(Env::Local, bad).unwrap_err().code,
                ErrorCode::InvalidCharacters,
                "{bad:?}"
            );
        }
        assert_eq!(
            normalize_client_id(Env::Local, "local-").unwrap_err().code,
            ErrorCode::Empty
        );
        let long = "x".repeat(CLIENT_ID_MAX_LEN - "local-".len() + 1);
        let e = normalize_client_id(Env::Local, &long).unwrap_err();
        assert_eq!((e.code, e.max), (ErrorCode::TooLong, Some(64)));
        assert!(normalize_client_id(Env::Local, &long[1..]).is_ok());
    }

    #[test]
    fn names_must_be_visible_and_short() {
        assert!(check_name("ERP koppeling").is_ok());
        assert!(check_name(&"é".repeat(64)).is_ok());
        assert_eq!(check_name("  ").unwrap_err().code, ErrorCode::Empty);
        assert_eq!(
            check_name(" lead").unwrap_err().code,
            ErrorCode::InvalidCharacters
        );
        assert_eq!(
            check_name("a\nb").unwrap_err().code,
            ErrorCode::InvalidCharacters
        );
        assert_eq!(
            check_name(&"é".repeat(65)).unwrap_err().code,
            ErrorCode::TooLong
        );
    }
}
