//! JWTs for MQTT: `POST …/credentials` issues one, `GET` lists those not yet
//! expired, `DELETE …/credentials/:jti` and `POST …/credentials/revoke`
//! revoke them before they expire.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tillor_contract::api::{JwtCredentials, JwtToken, RevokeClientRequest, Revoked};
use tillor_contract::broker_event::RevokedToken;
use tillor_contract::error::{ErrorCode, FieldError};
use tillor_contract::rules::{self, field, EXPIRES_IN_SECONDS_DEFAULT};

use crate::auth::Org;
use crate::body::JsonObject;
use crate::error::Error;
use crate::events::Action;
use crate::revocations;
use crate::secrets::random_slug;
use crate::store::tokens::{Revocation, TokenRow};
use crate::store::ClientIdClaim;
use crate::{now_ms, rfc3339, rfc3339_ms, AppState};

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
    let env = state.config.env;
    let now = time::OffsetDateTime::now_utc();
    let limit = state.config.limits.max_jwts_per_minute;
    let (issued, first) = state
        .store
        .tokens_issued_since(&org.id, now.unix_timestamp() - 60)
        .await?;
    if issued >= limit {
        // Until the first token of the minute drops out of it.
        let wait = first
            .map_or(60, |f| f + 60 - now.unix_timestamp())
            .clamp(1, 60);
        return Err(Error::QuotaExceeded {
            what: "JWTs a minute",
            limit,
            retry_after_secs: Some(wait as u64),
        });
    }
    // A clientId asked for by name is the organisation's for good; one made
    // up here is held only while its token may be used.
    let (client_id, until) = match body.optional_string(field::CLIENT_ID)? {
        Some(requested) => (rules::normalize_client_id(env, requested)?, None),
        None => (
            rules::normalize_client_id(env, &random_slug(16))?,
            Some(now.unix_timestamp() + i64::from(ttl)),
        ),
    };

    if state
        .store
        .claim_client_id(&org.id, &client_id, &rfc3339(now), until)
        .await?
        == ClientIdClaim::TakenByOther
    {
        return Err(Error::ClientIdTaken(client_id));
    }

    let now_secs = now.unix_timestamp();
    let jti = uuid::Uuid::new_v4().to_string();
    let issued = state
        .signer
        .issue(&org.namespace, &client_id, jti.clone(), now_secs, ttl)
        .map_err(Error::internal)?;
    let row = TokenRow {
        jti,
        client_id: client_id.clone(),
        issued_at: now_secs,
        expires_at: now_secs + i64::from(ttl),
        revoked_at: None,
    };
    state.store.insert_token(&org.id, &issued.kid, &row).await?;
    let expires_at = time::OffsetDateTime::from_unix_timestamp(now_secs + i64::from(ttl))
        .map_err(Error::internal)?;
    tracing::info!(org = %org.id, client_id = %client_id, ttl, "issued MQTT JWT");
    Ok((
        StatusCode::CREATED,
        Json(JwtCredentials {
            token: issued.token,
            client_id,
            broker_url: state.config.broker_url(),
            topic_prefix: org.namespace.prefix(),
            expires_at: rfc3339(expires_at),
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
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let rows = state.store.list_tokens(&org.id, now).await?;
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
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match state.store.revoke_token(&org.id, &jti, now).await? {
        Revocation::Revoked(row) => tell(&state, &org.id, vec![row], now).await?,
        Revocation::AlreadyRevoked(_) => {}
        Revocation::NotFound => return Err(Error::TokenNotFound),
    }
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
    if state.store.org_of_client_id(&client_id).await?.as_deref() != Some(org.id.as_str()) {
        return Err(Error::ClientIdNotFound(client_id));
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let rows = state.store.revoke_client(&org.id, &client_id, now).await?;
    let jtis = rows.iter().map(|r| r.jti.clone()).collect();
    if !rows.is_empty() {
        tell(&state, &org.id, rows, now).await?;
    }
    Ok(Json(Revoked { client_id, jtis }))
}

/// Makes revocations stick: the file the broker reads at start first, then
/// the events (before the disconnects, which they explain), then the running
/// broker. A broker that cannot be told now has the file at its next start,
/// and refuses nothing it should not meanwhile only if it is down.
async fn tell(state: &AppState, org: &str, rows: Vec<TokenRow>, now: i64) -> Result<(), Error> {
    revocations::write(&state.store, &state.config.data_dir, now)
        .await
        .map_err(Error::internal)?;
    if let Some(recorder) = &state.recorder {
        for r in &rows {
            recorder
                .action(Action::Revoked {
                    org: org.to_owned(),
                    client_id: r.client_id.clone(),
                    jti: r.jti.clone(),
                    at_ms: now_ms(),
                })
                .await;
        }
    }
    if let Some(broker) = &state.broker {
        let client_ids: Vec<String> = rows.iter().map(|r| r.client_id.clone()).collect();
        let tokens: Vec<RevokedToken> = rows
            .into_iter()
            .map(|r| RevokedToken {
                jti: r.jti,
                expires_at: r.expires_at,
            })
            .collect();
        if let Err(e) = broker.revoke(&tokens, &client_ids).await {
            // Stored and in the file: the broker refuses them from its next
            // start; it is down or unreachable now, so nothing uses them.
            tracing::warn!(%e, "the broker did not hear of a revocation now");
        }
    }
    tracing::info!(%org, "revoked MQTT JWTs");
    Ok(())
}
