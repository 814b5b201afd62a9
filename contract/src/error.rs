//! The one error shape of the management API:
//! `{ "error": { "code", "message", "field"?, "min"?, "max"? } }`.
//! `code` is stable and machine-readable so the console can show its own Dutch or
//! English text; `message` is the server's English explanation for other clients.

use serde::{Deserialize, Serialize};

/// Every code the API can return. Adding one is a contract change.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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
    /// The stable word (the JSON value).
    pub fn as_str(self) -> &'static str {
        self.into()
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
    fn every_code_serializes_as_its_stable_word() {
        use strum::VariantArray;
        for &code in ErrorCode::VARIANTS {
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
