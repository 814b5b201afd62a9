//! Non-API endpoints: the console's configuration, health, the JWKS and OpenAPI.

use axum::extract::State;
use axum::Json;
use tillor_contract::api::CA_PATH;
use tillor_contract::config::ConsoleConfig;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::AppState;

/// Non-secret values only: the API key is never part of `/config.json`.
pub async fn console_config(State(state): State<AppState>) -> Json<ConsoleConfig> {
    Json(ConsoleConfig {
        env: Some(state.config.env),
        // Empty: the API is on the console's own origin.
        api_base: Some(String::new()),
        broker_url: Some(state.config.broker_url()),
        broker_ws_url: Some(state.config.broker_ws_url()),
        language: Some(state.config.language),
        ca_url: state.config.tls.then(|| CA_PATH.to_owned()),
        organisations: Vec::new(),
        api_key: None,
    })
}

/// The CA certificate, public by nature: what a client trusts to verify the
/// broker and this server. Never the key.
pub async fn ca_pem(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !state.config.tls {
        let why = "this stack runs without TLS (TILLOR_TLS), so there is no CA to trust";
        return (axum::http::StatusCode::NOT_FOUND, why).into_response();
    }
    match tokio::fs::read(state.config.tls_files().ca_cert()).await {
        Ok(pem) => (
            [
                (axum::http::header::CONTENT_TYPE, "application/x-pem-file"),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    "attachment; filename=\"tillor-local-ca.pem\"",
                ),
            ],
            pem,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(%e, "cannot read the CA certificate");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// How long `/readyz` waits for each dependency before calling it not ready.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Readiness for a load balancer: 200 when the database and the broker both
/// answer now, else 503 naming what does not. (`/healthz` says only that
/// the process runs.)
pub async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let within = |what: &str, r: Result<Result<(), String>, tokio::time::error::Elapsed>| match r {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(format!(
            "{what} did not answer within {} s",
            READY_TIMEOUT.as_secs()
        )),
    };
    let database = within(
        "the database",
        tokio::time::timeout(READY_TIMEOUT, async {
            state.store.ping().await.map_err(|e| e.to_string())
        })
        .await,
    );
    let broker = match &state.broker {
        None => Ok(None),
        Some(b) => within(
            "the broker",
            tokio::time::timeout(READY_TIMEOUT, async {
                b.ready().await.map_err(|e| e.to_string())
            })
            .await,
        )
        .map(Some),
    };
    let ready = database.is_ok() && broker.is_ok();
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "not ready" },
        "database": database.err().unwrap_or_else(|| "ok".into()),
        "broker": match broker {
            Ok(Some(())) => "ok".to_owned(),
            Ok(None) => "none (TILLOR_BROKER=none)".to_owned(),
            Err(e) => e,
        },
    });
    let status = if ready {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

pub async fn jwks(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(state.signer.jwks())
}

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tillor MQTT credentials API",
        description = "Credentials for publishing and subscribing under tillor/{env}/{orgId}/integration. Every call needs x-api-key and X-Tillor-Org-Id (equal to the path's orgId). Errors: { error: { code, message, field?, min?, max? } }."
    ),
    paths(
        super::credentials::create,
        super::credentials::list,
        super::credentials::revoke,
        super::credentials::revoke_client,
        super::static_credentials::list,
        super::static_credentials::create,
        super::static_credentials::delete,
        super::static_credentials::rotate,
        super::events::list,
        super::connections::list,
        super::connections::kick,
    ),
    components(schemas(tillor_contract::error::ErrorCode)),
    modifiers(&Security)
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-api-key"))),
        );
        components.add_security_scheme(
            "orgId",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Tillor-Org-Id"))),
        );
    }
}
