//! `POST /api/orgs/:orgId/mqtt/credentials`: a temporary JWT for MQTT.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use tillor_contract::api::JwtCredentials;
use tillor_contract::rules::{self, field, EXPIRES_IN_SECONDS_DEFAULT};

use crate::auth::Org;
use crate::body::JsonObject;
use crate::error::Error;
use crate::secrets::random_slug;
use crate::store::ClientIdClaim;
use crate::{rfc3339, AppState};

#[utoipa::path(
    post,
    path = "/api/orgs/{orgId}/mqtt/credentials",
    tag = "mqtt",
    summary = "Create a temporary JWT credential",
    description = "Connect with an EMPTY username, the token as password and exactly the returned clientId.",
    params(("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id")),
    request_body(content = Option<tillor_contract::api::CreateJwtCredentialsRequest>, content_type = "application/json"),
    responses(
        (status = 201, body = JwtCredentials),
        (status = 400, description = "A field is invalid; `field`, `min` and `max` say which and why", body = tillor_contract::error::ApiErrorBody),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
        (status = 409, description = "The clientId belongs to another organisation", body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    org: Org,
    body: JsonObject,
) -> Result<(StatusCode, Json<JwtCredentials>), Error> {
    let body = body.only(&[field::CLIENT_ID, field::EXPIRES_IN_SECONDS])?;
    let ttl = match body.get(field::EXPIRES_IN_SECONDS) {
        None => EXPIRES_IN_SECONDS_DEFAULT,
        Some(v) => rules::expires_in_seconds(v)?,
    };
    let env = state.config.env;
    let client_id = match body.optional_string(field::CLIENT_ID)? {
        Some(requested) => rules::normalize_client_id(env, requested)?,
        None => rules::normalize_client_id(env, &random_slug(16))?,
    };

    let now = time::OffsetDateTime::now_utc();
    if state
        .store
        .claim_client_id(&org.id, &client_id, &rfc3339(now))
        .await?
        == ClientIdClaim::TakenByOther
    {
        return Err(Error::ClientIdTaken(client_id));
    }

    let now_secs = now.unix_timestamp();
    let jti = uuid::Uuid::new_v4().to_string();
    let token = state
        .signer
        .issue(&org.namespace, &client_id, jti, now_secs, ttl)
        .map_err(Error::internal)?;
    let expires_at = time::OffsetDateTime::from_unix_timestamp(now_secs + i64::from(ttl))
        .map_err(Error::internal)?;
    tracing::info!(org = %org.id, client_id = %client_id, ttl, "issued MQTT JWT");
    Ok((
        StatusCode::CREATED,
        Json(JwtCredentials {
            token,
            client_id,
            broker_url: state.config.broker_url(),
            topic_prefix: org.namespace.prefix(),
            expires_at: rfc3339(expires_at),
        }),
    ))
}
