//! The server's one error type. Every failure, including ones raised by axum itself
//! (bad JSON, unknown route, oversized body), leaves as the contract's JSON shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tillor_contract::error::{ApiErrorBody, ApiErrorDetail, ErrorCode, FieldError};

use crate::broker::BrokerError;
use crate::provisioning;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("send the organisation's API key in the x-api-key header")]
    MissingApiKey,
    #[error("the API key in x-api-key is not valid")]
    InvalidApiKey,
    #[error("this API key does not belong to organisation {0:?}")]
    WrongOrganisation(String),
    #[error("the X-Tillor-Org-Id header ({header:?}) must equal the organisation in the path ({path:?})")]
    OrgHeaderMismatch {
        header: Option<String>,
        path: String,
    },
    #[error("{}", .0.message())]
    Field(FieldError),
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("the request body must be a JSON object")]
    NotAnObject,
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    NotFound(String),
    #[error("no static credential with this id in this organisation")]
    CredentialNotFound,
    #[error("no token with this id in this organisation (an expired token is forgotten)")]
    TokenNotFound,
    #[error("clientId {0:?} is not one of this organisation's")]
    ClientIdNotFound(String),
    #[error("the broker did not confirm the new password ({0}): the old password may or may not still work. Rotate again to get a password that certainly works")]
    RotationUnconfirmed(String),
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("clientId {0:?} is already used by another organisation; choose another")]
    ClientIdTaken(String),
    #[error("{0}; nothing was changed")]
    BrokerUnavailable(String),
    /// What is counted, and the organisation's limit of it.
    #[error("this organisation has reached its limit of {limit} {what}")]
    QuotaExceeded {
        what: &'static str,
        limit: i64,
        retry_after_secs: Option<u64>,
    },
    #[error("the server is busy hashing other passwords; try again in {0} s")]
    Busy(u64),
    #[error("the request took longer than {0} s and was abandoned; try again")]
    Timeout(u64),
    #[error("the database cannot be written now ({0}); nothing was changed. Free space or make it writable; the API recovers by itself")]
    StoreUnavailable(String),
    #[error("the delete began but did not finish ({0}); delete again, or tillor-local finishes it within a minute once the broker and the database answer")]
    DeleteUnfinished(String),
    #[error("internal error")]
    Internal(String),
}

impl Error {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Error::Internal(e.to_string())
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            Error::MissingApiKey | Error::InvalidApiKey => StatusCode::UNAUTHORIZED,
            Error::WrongOrganisation(_) | Error::OrgHeaderMismatch { .. } => StatusCode::FORBIDDEN,
            Error::Field(_) | Error::MalformedJson(_) | Error::NotAnObject => {
                StatusCode::BAD_REQUEST
            }
            Error::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::NotFound(_)
            | Error::CredentialNotFound
            | Error::TokenNotFound
            | Error::ClientIdNotFound(_) => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::ClientIdTaken(_) => StatusCode::CONFLICT,
            Error::BrokerUnavailable(_) | Error::RotationUnconfirmed(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Error::QuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Busy(_)
            | Error::Timeout(_)
            | Error::StoreUnavailable(_)
            | Error::DeleteUnfinished(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            Error::MissingApiKey => ErrorCode::MissingApiKey,
            Error::InvalidApiKey => ErrorCode::InvalidApiKey,
            Error::WrongOrganisation(_) => ErrorCode::WrongOrganisation,
            Error::OrgHeaderMismatch { .. } => ErrorCode::OrgHeaderMismatch,
            Error::Field(f) => f.code,
            Error::MalformedJson(_) => ErrorCode::MalformedJson,
            Error::NotAnObject => ErrorCode::NotAnObject,
            Error::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            Error::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::CredentialNotFound => ErrorCode::CredentialNotFound,
            Error::TokenNotFound => ErrorCode::TokenNotFound,
            Error::ClientIdNotFound(_) => ErrorCode::ClientIdNotFound,
            Error::RotationUnconfirmed(_) => ErrorCode::RotationUnconfirmed,
            Error::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Error::ClientIdTaken(_) => ErrorCode::ClientIdTaken,
            Error::BrokerUnavailable(_) => ErrorCode::BrokerUnavailable,
            Error::QuotaExceeded { .. } => ErrorCode::QuotaExceeded,
            Error::Busy(_) => ErrorCode::Busy,
            Error::Timeout(_) => ErrorCode::Timeout,
            Error::StoreUnavailable(_) => ErrorCode::StoreUnavailable,
            Error::DeleteUnfinished(_) => ErrorCode::DeleteUnfinished,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::Field(e)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        // A full disk or a read-only store is the operator's to fix and
        // passes: say so, rather than "internal error".
        if let Some(cause) = crate::store::unwritable(&e) {
            tracing::error!(%e, "the database cannot be written");
            return Error::StoreUnavailable(cause.into());
        }
        Error::internal(format!("database: {e}"))
    }
}

impl From<BrokerError> for Error {
    fn from(e: BrokerError) -> Self {
        match e {
            BrokerError::Unavailable(_) => Error::BrokerUnavailable(e.to_string()),
            refused => Error::internal(refused),
        }
    }
}

impl From<provisioning::Error> for Error {
    fn from(e: provisioning::Error) -> Self {
        use provisioning::Error as P;
        match e {
            P::NoBroker => Error::BrokerUnavailable(e.to_string()),
            P::CredentialNotFound => Error::CredentialNotFound,
            P::TokenNotFound => Error::TokenNotFound,
            P::ClientIdNotFound(id) => Error::ClientIdNotFound(id),
            P::ClientIdTaken(id) => Error::ClientIdTaken(id),
            P::QuotaExceeded {
                what,
                limit,
                retry_after_secs,
            } => Error::QuotaExceeded {
                what,
                limit,
                retry_after_secs,
            },
            P::Busy => Error::Busy(BUSY_RETRY_AFTER_SECS),
            P::Store(e) => e.into(),
            P::Broker(e) => e.into(),
            P::DeleteUnfinished(why) => Error::DeleteUnfinished(why),
            P::RotationUnconfirmed(why) => Error::RotationUnconfirmed(why),
            P::Internal(why) => Error::Internal(why),
        }
    }
}

/// How long a caller turned away from a full hashing pool is told to wait.
const BUSY_RETRY_AFTER_SECS: u64 = 1;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(detail) = &self {
            // The detail is for the operator only; clients get a generic message.
            tracing::error!(%detail, "request failed");
        }
        let status = self.status_code();
        let retry_after = match &self {
            Error::QuotaExceeded {
                retry_after_secs, ..
            } => *retry_after_secs,
            Error::Busy(secs) => Some(*secs),
            _ => None,
        };
        let detail = match self {
            Error::Field(f) => ApiErrorDetail::from(f),
            other => ApiErrorDetail {
                code: other.code(),
                message: other.to_string(),
                field: None,
                min: None,
                // The limit a quota answer is about.
                max: match &other {
                    Error::QuotaExceeded { limit, .. } => Some(*limit),
                    _ => None,
                },
            },
        };
        let mut response = (status, Json(ApiErrorBody { error: detail })).into_response();
        if let Some(secs) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        response
    }
}
