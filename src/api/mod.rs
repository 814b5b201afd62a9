//! The one typed way to talk to the management API: every call goes through
//! `send`, which maps status codes to `ApiError` variants.

pub mod feed;
mod session;

pub use session::OrgSession;

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use tillor_contract::api::{
    self as contract, Connection, CreateJwtCredentialsRequest, CreateStaticCredentialRequest,
    CreatedStaticCredential, EventPage, JwtCredentials, JwtToken, RevokeClientRequest, Revoked,
    StaticCredential, API_KEY_HEADER, ORG_HEADER,
};
use tillor_contract::config::ConsoleConfig;
use tillor_contract::error::{ApiErrorBody, ApiErrorDetail};
use tillor_contract::rules::field;

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
    /// No organisation is chosen, so there is nothing to ask the API yet.
    NoOrganisation,
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
            ApiError::NoOrganisation => f.write_str("no organisation chosen"),
        }
    }
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Api { status, .. } | ApiError::UnexpectedStatus { status } => Some(*status),
            _ => None,
        }
    }

    /// A stable name for the kind of failure (the API's error code when it
    /// answered), for `data-code` on screen: tests and support tooling read
    /// it, never the translated message.
    pub fn kind(&self) -> &str {
        match self {
            ApiError::Network(_) => "network",
            ApiError::Api { detail, .. } => detail.code.as_str(),
            ApiError::UnexpectedStatus { .. } => "unexpected-status",
            ApiError::Decode(_) => "decode",
            ApiError::NoOrganisation => "no-organisation",
        }
    }

    /// The request field the server blamed, to show the message there.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Api { detail, .. } => detail.field.as_deref(),
            _ => None,
        }
    }
}

async fn send(
    request: Result<Request, gloo_net::Error>,
) -> Result<gloo_net::http::Response, ApiError> {
    let response = request
        .map_err(|e| ApiError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    match response.json::<ApiErrorBody>().await {
        Ok(body) => Err(ApiError::Api {
            status,
            detail: body.error,
        }),
        Err(_) => Err(ApiError::UnexpectedStatus { status }),
    }
}

async fn request_json<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    send(request)
        .await?
        .json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn request<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T, ApiError> {
    request_json(builder.build()).await
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

fn url(api_base: &str, path: String) -> String {
    format!("{api_base}{path}")
}

pub async fn create_jwt_credentials(
    api_base: &str,
    session: &OrgSession,
    body: &CreateJwtCredentialsRequest,
) -> Result<JwtCredentials, ApiError> {
    let builder = Request::post(&url(
        api_base,
        contract::jwt_credentials_path(&session.org_id),
    ));
    request_json(authorised(builder, session).json(body)).await
}

pub async fn create_static_credential(
    api_base: &str,
    session: &OrgSession,
    body: &CreateStaticCredentialRequest,
) -> Result<CreatedStaticCredential, ApiError> {
    let builder = Request::post(&url(
        api_base,
        contract::static_credentials_path(&session.org_id),
    ));
    request_json(authorised(builder, session).json(body)).await
}

/// What the broker saw of the organisation's connections: the newest page.
pub async fn events_page(api_base: &str, session: &OrgSession) -> Result<EventPage, ApiError> {
    let url = url(api_base, contract::events_path(&session.org_id));
    request(authorised(Request::get(&url), session)).await
}

/// What changed after `after` (a live cursor); the server answers at the
/// first change, or after `feed::LIVE_WAIT_S` with nothing. `abort` ends
/// the wait early (the card is gone).
pub async fn events_after(
    api_base: &str,
    session: &OrgSession,
    after: &str,
    abort: &web_sys::AbortSignal,
) -> Result<EventPage, ApiError> {
    let path = format!(
        "{}?{}={after}&{}={}",
        contract::events_path(&session.org_id),
        field::AFTER,
        field::WAIT,
        feed::LIVE_WAIT_S
    );
    let builder = Request::get(&url(api_base, path)).abort_signal(Some(abort));
    request(authorised(builder, session)).await
}

/// Who is connected now.
pub async fn list_connections(
    api_base: &str,
    session: &OrgSession,
) -> Result<Vec<Connection>, ApiError> {
    let url = url(api_base, contract::connections_path(&session.org_id));
    request(authorised(Request::get(&url), session)).await
}

/// Support's kick: the broker disconnects the session now.
pub async fn kick_connection(
    api_base: &str,
    session: &OrgSession,
    client_id: &str,
) -> Result<(), ApiError> {
    let path = format!(
        "{}/{client_id}",
        contract::connections_path(&session.org_id)
    );
    let builder = Request::delete(&url(api_base, path));
    send(authorised(builder, session).build()).await.map(|_| ())
}

/// A new password for a static credential, shown once.
pub async fn rotate_static_credential(
    api_base: &str,
    session: &OrgSession,
    id: &str,
) -> Result<CreatedStaticCredential, ApiError> {
    let builder = Request::post(&url(
        api_base,
        contract::static_rotate_path(&session.org_id, id),
    ));
    request(authorised(builder, session)).await
}

/// The organisation's JWTs that have not expired (metadata only).
pub async fn list_jwt_tokens(
    api_base: &str,
    session: &OrgSession,
) -> Result<Vec<JwtToken>, ApiError> {
    let url = url(api_base, contract::jwt_credentials_path(&session.org_id));
    request(authorised(Request::get(&url), session)).await
}

/// Revokes one token.
pub async fn revoke_jwt(api_base: &str, session: &OrgSession, jti: &str) -> Result<(), ApiError> {
    let builder = Request::delete(&url(
        api_base,
        contract::jwt_credential_path(&session.org_id, jti),
    ));
    send(authorised(builder, session).build()).await.map(|_| ())
}

/// Revokes every token issued so far for a clientId.
pub async fn revoke_client_id(
    api_base: &str,
    session: &OrgSession,
    client_id: &str,
) -> Result<Revoked, ApiError> {
    let builder = Request::post(&url(api_base, contract::jwt_revoke_path(&session.org_id)));
    let body = RevokeClientRequest {
        client_id: client_id.to_owned(),
    };
    request_json(authorised(builder, session).json(&body)).await
}

pub async fn delete_static_credential(
    api_base: &str,
    session: &OrgSession,
    id: &str,
) -> Result<(), ApiError> {
    let builder = Request::delete(&url(
        api_base,
        contract::static_credential_path(&session.org_id, id),
    ));
    send(authorised(builder, session).build()).await.map(|_| ())
}
