//! The one typed way to talk to the management API: every call goes through
//! `request`, which maps status codes to `ApiError` variants.

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use tillor_contract::api::{self as contract, StaticCredential, API_KEY_HEADER, ORG_HEADER};
use tillor_contract::config::ConsoleConfig;
use tillor_contract::error::{ApiErrorBody, ApiErrorDetail};

use crate::state::OrgSession;

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The request never got an answer (offline, CORS, server down).
    Network(String),
    /// The API answered with its error shape.
    Api { status: u16, detail: ApiErrorDetail },
    /// Something else answered (a proxy, a static host without the API).
    UnexpectedStatus { status: u16 },
    /// A 2xx whose body is not what the contract says.
    Decode(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "network error: {e}"),
            ApiError::Api { status, detail } => {
                write!(f, "{status} {}: {}", detail.code.as_str(), detail.message)
            }
            ApiError::UnexpectedStatus { status } => write!(f, "unexpected HTTP status {status}"),
            ApiError::Decode(e) => write!(f, "unexpected response: {e}"),
        }
    }
}

async fn request<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T, ApiError> {
    let response = builder
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Decode(e.to_string()));
    }
    match response.json::<ApiErrorBody>().await {
        Ok(body) => Err(ApiError::Api {
            status,
            detail: body.error,
        }),
        Err(_) => Err(ApiError::UnexpectedStatus { status }),
    }
}

fn authorised(builder: RequestBuilder, session: &OrgSession) -> RequestBuilder {
    builder
        .header(API_KEY_HEADER, &session.api_key)
        .header(ORG_HEADER, &session.org_id)
}

/// The standalone console's non-secret configuration, next to the page.
pub async fn load_config() -> Result<ConsoleConfig, ApiError> {
    request(Request::get("/config.json")).await
}

pub async fn list_static_credentials(
    api_base: &str,
    session: &OrgSession,
) -> Result<Vec<StaticCredential>, ApiError> {
    let url = format!(
        "{api_base}{}",
        contract::static_credentials_path(&session.org_id)
    );
    request(authorised(Request::get(&url), session)).await
}
