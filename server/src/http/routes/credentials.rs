//! JWTs for MQTT: `POST …/credentials` issues one, `GET` lists those not yet
//! expired, `DELETE …/credentials/:jti` and `POST …/credentials/revoke`
//! revoke them before they expire. Adapters: parse, call `provisioning`,
//! map the outcome.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tillor_contract::api::{JwtCredentials, JwtToken, RevokeClientRequest, Revoked};
use tillor_contract::error::{ErrorCode, FieldError};
use tillor_contract::rules::{self, field, EXPIRES_IN_SECONDS_DEFAULT};

use crate::clock::{now_s, rfc3339_ms};
use crate::http::auth::Org;
use crate::http::body::JsonObject;
use crate::http::{AppState, Error};
use crate::provisioning::IssuedJwt;

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
        (status = 429, description = "`quota_exceeded`: the organisation was issued its limit of JWTs in the last minute (TILLOR_MAX_JWTS_PER_MINUTE, default 60; `max` is the limit, `Retry-After` says when one is free again)", body = tillor_contract::error::ApiErrorBody),
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
    let client_id = body
        .optional_string(field::CLIENT_ID)?
        .map(|requested| rules::normalize_client_id(state.config.env, requested))
        .transpose()?;
    let IssuedJwt {
        token,
        client_id,
        expires_at,
    } = state
        .provisioning
        .issue_jwt(&org.id, &org.namespace, client_id, ttl, now_s())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(JwtCredentials {
            token,
            client_id,
            broker_url: state.config.broker_url(),
            topic_prefix: org.namespace.prefix(),
            expires_at: rfc3339_ms(expires_at * 1000),
        }),
    ))
}

#[utoipa::path(
    get,
    path = "/api/orgs/{orgId}/mqtt/credentials",
    tag = "mqtt",
    summary = "The organisation's JWTs that have not expired",
    description = "Metadata only: the token itself is never kept, nor returned. Newest first.",
    params(("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id")),
    responses(
        (status = 200, body = Vec<JwtToken>),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn list(State(state): State<AppState>, org: Org) -> Result<Json<Vec<JwtToken>>, Error> {
    let rows = state.store.list_tokens(&org.id, now_s()).await?;
    let tokens = rows
        .into_iter()
        .map(|t| JwtToken {
            connected: state.sessions.count_jwt(&t.jti) as u32,
            revoked: t.revoked_at.is_some(),
            issued_at: rfc3339_ms(t.issued_at * 1000),
            expires_at: rfc3339_ms(t.expires_at * 1000),
            jti: t.jti,
            client_id: t.client_id,
        })
        .collect();
    Ok(Json(tokens))
}

#[utoipa::path(
    delete,
    path = "/api/orgs/{orgId}/mqtt/credentials/{jti}",
    tag = "mqtt",
    summary = "Revoke one JWT",
    description = "The broker refuses it from now on, also after a restart, and disconnects the sessions using it at once. Idempotent.",
    params(
        ("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id"),
        ("jti" = String, Path, description = "The token's id (`jti`)"),
    ),
    responses(
        (status = 204, description = "Revoked (now or before)"),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
        (status = 404, description = "Not a token of this organisation that has not expired", body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn revoke(
    State(state): State<AppState>,
    org: Org,
    Path((_, jti)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    state
        .provisioning
        .revoke_jwt(&org.id, &jti, now_s())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/orgs/{orgId}/mqtt/credentials/revoke",
    tag = "mqtt",
    summary = "Revoke every JWT issued so far for a clientId",
    description = "Tokens issued afterwards for the same clientId work. Idempotent: `jtis` lists only the tokens revoked by this call.",
    params(("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id")),
    request_body(content = RevokeClientRequest, content_type = "application/json"),
    responses(
        (status = 200, body = Revoked),
        (status = 400, body = tillor_contract::error::ApiErrorBody),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
        (status = 404, description = "The clientId is not this organisation's", body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn revoke_client(
    State(state): State<AppState>,
    org: Org,
    body: JsonObject,
) -> Result<Json<Revoked>, Error> {
    let body = body.only(&[field::CLIENT_ID])?;
    let requested = body
        .optional_string(field::CLIENT_ID)?
        .ok_or_else(|| FieldError::new(field::CLIENT_ID, ErrorCode::Empty))?;
    let client_id = rules::normalize_client_id(state.config.env, requested)?;
    let jtis = state
        .provisioning
        .revoke_client(&org.id, &client_id, now_s())
        .await?;
    Ok(Json(Revoked { client_id, jtis }))
}
