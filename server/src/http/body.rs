//! Request bodies: optional, JSON objects only, and every problem reported in the
//! contract's error shape. Bodies are read as raw JSON so that a wrong type (e.g.
//! `"3600"` or `1.5`) is reported at the field that has it, not as a parse failure.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde_json::{Map, Value};
use tillor_contract::error::{ErrorCode, FieldError};

use crate::http::Error;

pub const BODY_LIMIT: usize = 16 * 1024;

/// The body's fields; empty when the request had no body.
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::PayloadTooLarge(BODY_LIMIT)
            } else {
                Error::MalformedJson(r.body_text())
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonObject(Map::new()));
        }
        let is_json = content_type.is_some_and(|ct| {
            let mime = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        });
        if !is_json {
            return Err(Error::UnsupportedMediaType);
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(JsonObject(map)),
            Ok(_) => Err(Error::NotAnObject),
            Err(e) => Err(Error::MalformedJson(e.to_string())),
        }
    }
}

impl JsonObject {
    /// Refuses fields the endpoint does not know, so a typo (`expiresIn`) is not silently ignored.
    pub fn only(self, known: &[&str]) -> Result<Self, Error> {
        match self.0.keys().find(|k| !known.contains(&k.as_str())) {
            Some(unknown) => Err(FieldError::new(unknown.clone(), ErrorCode::UnknownField).into()),
            None => Ok(self),
        }
    }

    /// An optional string field: absent is `None`; anything but a string (even null) is an error.
    pub fn optional_string(&self, field: &str) -> Result<Option<&str>, Error> {
        match self.0.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(FieldError::new(field, ErrorCode::NotAString).into()),
        }
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }
}
