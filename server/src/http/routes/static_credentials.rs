//! `/api/orgs/:orgId/mqtt/static-credentials`: long-lived username/password
//! credentials for always-on integrations. The password leaves the server
//! once. Adapters: parse, call `provisioning`, map the outcome.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tillor_contract::api::{CreatedStaticCredential, StaticCredential};
use tillor_contract::rules::{self, field};
use tillor_contract::Namespace;

use crate::clock::rfc3339_ms;
use crate::http::auth::Org;
use crate::http::body::JsonObject;
use crate::http::{AppState, Error};
use crate::provisioning::IssuedStatic;
use crate::store::StaticRow;

/// `last_seen_ms`: when a session of it was last seen, if ever.
fn public(
    state: &AppState,
    row: StaticRow,
    ns: &Namespace,
    last_seen_ms: Option<i64>,
) -> StaticCredential {
    let broker_status = state.provisioning.status(&row.user_name);
    // Without a broker there are no sessions to count.
    let connected = state
        .broker
        .as_ref()
        .map(|_| u32::try_from(state.sessions.count_static(&row.id)).unwrap_or(u32::MAX));
    StaticCredential {
        id: row.id,
        name: row.name,
        user_name: row.user_name,
        client_id: row.client_id,
        topic_prefix: ns.prefix(),
        broker_url: Some(state.config.broker_url()),
        created_at: row.created_at,
        broker_status,
        connected,
        last_seen_at: last_seen_ms.map(rfc3339_ms),
        rotation_unconfirmed: row.rotation_unconfirmed,
    }
}

#[utoipa::path(
    get,
    path = "/api/orgs/{orgId}/mqtt/static-credentials",
    tag = "mqtt",
    summary = "List static credentials, newest first (never with passwords)",
    params(("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id")),
    responses(
        (status = 200, body = Vec<StaticCredential>),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    org: Org,
) -> Result<Json<Vec<StaticCredential>>, Error> {
    let rows = state.store.list_static(&org.id).await?;
    let seen = state.store.last_seen_ms(&org.id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| {
                let last_seen = seen.get(&row.client_id).copied();
                public(&state, row, &org.namespace, last_seen)
            })
            .collect(),
    ))
}

#[utoipa::path(
    post,
    path = "/api/orgs/{orgId}/mqtt/static-credentials",
    tag = "mqtt",
    summary = "Create a static credential; the password is in this response only",
    params(("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id")),
    request_body(content = Option<tillor_contract::api::CreateStaticCredentialRequest>, content_type = "application/json"),
    responses(
        (status = 201, body = CreatedStaticCredential),
        (status = 400, body = tillor_contract::error::ApiErrorBody),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
        (status = 429, description = "`quota_exceeded`: the organisation holds its limit of static credentials (TILLOR_MAX_STATIC_CREDENTIALS, default 100; `max` is the limit)", body = tillor_contract::error::ApiErrorBody),
        (status = 503, description = "`broker_unavailable`: the broker is not reachable; or `busy`: the server hashes as many passwords as it has cores (TILLOR_HASHING_THREADS) and asks to try again after `Retry-After`. Nothing was stored either way", body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    org: Org,
    body: JsonObject,
) -> Result<(StatusCode, Json<CreatedStaticCredential>), Error> {
    let body = body.only(&[field::NAME])?;
    let name = body.optional_string(field::NAME)?;
    if let Some(name) = name {
        rules::check_name(name)?;
    }
    let IssuedStatic { row, password } = state
        .provisioning
        .create_static(&org.id, &org.namespace, name)
        .await?;
    // Its clientId is new: nothing has connected with it yet.
    let credential = public(&state, row, &org.namespace, None);
    Ok((
        StatusCode::CREATED,
        Json(CreatedStaticCredential {
            credential,
            password,
        }),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/orgs/{orgId}/mqtt/static-credentials/{id}",
    tag = "mqtt",
    summary = "Delete a static credential",
    params(
        ("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id"),
        ("id" = String, Path, description = "The credential's id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such credential in this organisation", body = tillor_contract::error::ApiErrorBody),
        (status = 503, description = "`store_unavailable`: the database cannot be written, and nothing changed. `delete_unfinished`: the delete is recorded but the broker or the database did not finish it (if the broker's half is done, brokerStatus says `missing`); deleting again finishes it, and so does the server within a minute once the broker and the database answer", body = tillor_contract::error::ApiErrorBody),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    org: Org,
    Path((_, id)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    state.provisioning.delete_static(&org.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/orgs/{orgId}/mqtt/static-credentials/{id}/rotate",
    tag = "mqtt",
    summary = "Give a static credential a new password, in place",
    description = "userName and clientId stay the same; the new password is shown once, as on create. The old password stops working at once and the sessions using it are disconnected. If the broker does not answer, the outcome is unknown (503 rotation_unconfirmed): rotate again.",
    params(
        ("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id"),
        ("id" = String, Path, description = "The credential's id"),
    ),
    responses(
        (status = 200, body = CreatedStaticCredential),
        (status = 404, description = "No such credential in this organisation", body = tillor_contract::error::ApiErrorBody),
        (status = 503, description = "`rotation_unconfirmed`: the broker did not answer, so the new password may or may not be in effect; or `busy` (see create), and nothing changed", body = tillor_contract::error::ApiErrorBody),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn rotate(
    State(state): State<AppState>,
    org: Org,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<CreatedStaticCredential>, Error> {
    let IssuedStatic { row, password } = state.provisioning.rotate_static(&org.id, &id).await?;
    let last_seen = state.store.last_seen_ms(&org.id).await?;
    let seen = last_seen.get(&row.client_id).copied();
    let credential = public(&state, row, &org.namespace, seen);
    Ok(Json(CreatedStaticCredential {
        credential,
        password,
    }))
}
