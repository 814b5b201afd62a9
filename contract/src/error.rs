//! The one error shape of the management API:
//! `{ "error": { "code", "message", "field"?, "min"?, "max"? } }`.
//! `code` is stable and machine-readable so the console can show its own Dutch or
//! English text; `message` is the server's English explanation for other clients.

use serde::{Deserialize, Serialize};

/// Every code the API can return. Adding one is a contract change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ErrorCode {
    // 401
    MissingApiKey,
    InvalidApiKey,
    // 403
    WrongOrganisation,
    OrgHeaderMismatch,
    // 400: request shape
    MalformedJson,
    NotAnObject,
    UnknownField,
    // 400: a field (with `field`, and `min`/`max` where they apply)
    NotAnInteger,
    OutOfRange,
    NotAString,
    Empty,
    TooLong,
    InvalidCharacters,
    /// Not one of the values the field allows (a list names them).
    UnknownValue,
    /// Not an RFC 3339 time.
    NotATime,
    /// Not a cursor this API handed out.
    NotACursor,
    /// Given together with a parameter it cannot be combined with, or
    /// without the one it needs.
    InvalidCombination,
    // others
    UnsupportedMediaType,
    PayloadTooLarge,
    NotFound,
    CredentialNotFound,
    TokenNotFound,
    ClientIdNotFound,
    MethodNotAllowed,
    ClientIdTaken,
    BrokerUnavailable,
    /// The broker did not answer a rotation: its outcome is unknown.
    RotationUnconfirmed,
    /// 429: an organisation's limit (`max`) is reached.
    QuotaExceeded,
    /// 503: the server is at its limit of password hashing; try again after
    /// `Retry-After`.
    Busy,
    /// 503: a read took too long and was abandoned.
    Timeout,
    /// 503: the database cannot be written now (its disk is full, or it is
    /// read-only); nothing was changed.
    StoreUnavailable,
    /// 503: a delete began (it is recorded) but the broker or the store did
    /// not finish it; deleting again does, or the server within a minute.
    DeleteUnfinished,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingApiKey => "missing_api_key",
            ErrorCode::InvalidApiKey => "invalid_api_key",
            ErrorCode::WrongOrganisation => "wrong_organisation",
            ErrorCode::OrgHeaderMismatch => "org_header_mismatch",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::NotAnObject => "not_an_object",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::NotAnInteger => "not_an_integer",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::NotAString => "not_a_string",
            ErrorCode::Empty => "empty",
            ErrorCode::TooLong => "too_long",
            ErrorCode::InvalidCharacters => "invalid_characters",
            ErrorCode::UnknownValue => "unknown_value",
            ErrorCode::NotATime => "not_a_time",
            ErrorCode::NotACursor => "not_a_cursor",
            ErrorCode::InvalidCombination => "invalid_combination",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::NotFound => "not_found",
            ErrorCode::CredentialNotFound => "credential_not_found",
            ErrorCode::TokenNotFound => "token_not_found",
            ErrorCode::ClientIdNotFound => "client_id_not_found",
            ErrorCode::RotationUnconfirmed => "rotation_unconfirmed",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::ClientIdTaken => "client_id_taken",
            ErrorCode::BrokerUnavailable => "broker_unavailable",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::Busy => "busy",
            ErrorCode::Timeout => "timeout",
            ErrorCode::StoreUnavailable => "store_unavailable",
            ErrorCode::DeleteUnfinished => "delete_unfinished",
            ErrorCode::Internal => "internal",
        }
    }
}

/// A rule broken by one field of a request body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode) -> Self {
        FieldError {
            field: field.into(),
            code,
            min: None,
            max: None,
        }
    }

    pub fn with_range(mut self, min: i64, max: i64) -> Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }

    pub fn with_max(mut self, max: i64) -> Self {
        self.max = Some(max);
        self
    }

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
            (ErrorCode::InvalidCharacters, ..) if f == crate::rules::field::CLIENT_ID => {
                format!("{f} may only contain {}", crate::rules::CLIENT_ID_ALLOWED)
            }
            (ErrorCode::InvalidCharacters, ..) => {
                format!("{f} may not contain control characters or start or end with whitespace")
            }
            (ErrorCode::UnknownField, ..) => format!("{f} is not a field of this request"),
            (ErrorCode::UnknownValue, ..) if f == crate::rules::field::KIND => format!(
                "{f} must be one of {}",
                crate::rules::EVENT_KINDS.join(", ")
            ),
            (ErrorCode::NotATime, ..) => {
                format!("{f} must be an RFC 3339 time, e.g. 2026-11-26T12:00:00Z")
            }
            (ErrorCode::NotACursor, ..) => {
                format!("{f} must be a cursor from an earlier answer, unchanged")
            }
            (ErrorCode::InvalidCombination, ..) if f == crate::rules::field::WAIT => {
                format!("{f} needs after (the liveCursor of an earlier answer)")
            }
            (ErrorCode::InvalidCombination, ..) => {
                format!("{f} (older entries) cannot be combined with after (newer ones)")
            }
            (code, ..) => format!("{f} is invalid ({})", code.as_str()),
        }
    }
}

/// The JSON body of every error response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
}

impl From<FieldError> for ApiErrorDetail {
    fn from(e: FieldError) -> Self {
        ApiErrorDetail {
            message: e.message(),
            code: e.code,
            field: Some(e.field),
            min: e.min,
            max: e.max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_stable_words() {
        for code in [
            ErrorCode::MissingApiKey,
            ErrorCode::ClientIdTaken,
            ErrorCode::OutOfRange,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
    }

    #[test]
    fn a_field_error_body_names_field_and_range() {
        let detail: ApiErrorDetail = FieldError::new("expiresInSeconds", ErrorCode::OutOfRange)
            .with_range(60, 86400)
            .into();
        let v = serde_json::to_value(ApiErrorBody { error: detail }).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"error": {"code": "out_of_range",
                "message": "expiresInSeconds must be from 60 to 86400",
                "field": "expiresInSeconds", "min": 60, "max": 86400}})
        );
    }
}
