//! `/api/orgs/:orgId/mqtt/static-credentials`: long-lived username/password
//! credentials for always-on integrations. The password leaves the server once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tillor_contract::api::{CreatedStaticCredential, StaticCredential};
use tillor_contract::broker_event::CredentialRef;
use tillor_contract::rules::{self, field};
use tillor_contract::{static_user, Namespace};

use crate::auth::Org;
use crate::body::JsonObject;
use crate::broker::{BrokerError, NewStatic};
use crate::error::Error;
use crate::events::Action;
use crate::secrets::{hash_password, new_password, random_slug};
use crate::store::StaticRow;
use crate::{now_ms, now_rfc3339, rfc3339_ms, AppState};

/// `last_seen_ms`: when a session of it was last seen, if ever.
fn public(
    state: &AppState,
    row: StaticRow,
    ns: &Namespace,
    last_seen_ms: Option<i64>,
) -> StaticCredential {
    let broker_status = state.broker.as_ref().map(|b| b.health(&row.user_name));
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

/// Argon2 is deliberately slow: it runs off the async workers, at most as
/// many at once as the pool allows (`busy` beyond that). The place is held
/// until the hash is done, even if the caller has gone.
async fn hashed(state: &AppState, password: &str) -> Result<String, Error> {
    let place = state.hashing.enter()?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let hash = hash_password(&password);
        drop(place);
        hash
    })
    .await
    .map_err(Error::internal)?
    .map_err(Error::internal)
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
    let limit = state.config.limits.max_static_credentials;
    if state.store.count_static(&org.id).await? >= limit {
        return Err(Error::QuotaExceeded {
            what: "static credentials",
            limit,
            retry_after_secs: None,
        });
    }
    let env = state.config.env;
    let password = new_password();
    let hash = hashed(&state, &password).await?;
    let row = StaticRow {
        id: uuid::Uuid::new_v4().to_string(),
        org_id: org.id.clone(),
        name: name.map(str::to_owned),
        user_name: static_user::user_name(&org.id, &random_slug(static_user::SLUG_LEN)),
        client_id: rules::normalize_client_id(env, &format!("static-{}", random_slug(12)))?,
        password_hash: hash,
        created_at: now_rfc3339(),
        rotation_unconfirmed: false,
    };
    // Broker first, store second: the broker keeps the only usable form of the
    // password, so a store row without a broker client would be a dead credential.
    let broker = state.broker()?;
    // The intent first, so that reconciliation on another instance, starting
    // meanwhile, leaves this broker client alone.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    state.store.begin_static(&row.user_name, now).await?;
    let created = broker
        .create_static(NewStatic {
            namespace: &org.namespace,
            user_name: &row.user_name,
            password: &password,
            client_id: &row.client_id,
        })
        .await;
    if let Err(e) = created {
        // Refused: nothing to keep. Unknown outcome (unavailable): the intent
        // stays until it ages out, and then reconciliation removes any client.
        if matches!(e, crate::broker::BrokerError::Refused { .. }) {
            let _ = state.store.abandon_static(&row.user_name).await;
        }
        return Err(e.into());
    }
    if let Err(e) = state.store.insert_static(&row).await {
        if let Err(undo) = broker.delete_static(&row.user_name).await {
            // Reconciliation at the next start removes it.
            tracing::error!(user_name = %row.user_name, %undo, "could not undo a broker client");
        }
        return Err(e.into());
    }
    tracing::info!(org = %org.id, id = %row.id, user_name = %row.user_name, "created static credential");
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
    let row = state
        .store
        .find_static(&org.id, &id)
        .await?
        .ok_or(Error::CredentialNotFound)?;
    let broker = state.broker()?;
    // The mark first: a store that cannot be written refuses here, before
    // anything changed, and a delete cut short later is finished by the
    // sweep or reconciliation (store::deleting).
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if !state.store.begin_delete(&org.id, &id, now).await? {
        return Err(Error::CredentialNotFound);
    }
    // Then the broker: once it answers, the credential can no longer connect
    // and any session using it has been cut off.
    if let Err(e) = broker.delete_static(&row.user_name).await {
        tracing::warn!(org = %org.id, %id, %e, "delete begun; the broker did not take it");
        return Err(Error::DeleteUnfinished(e.to_string()));
    }
    if let Err(e) = state.store.delete_static(&org.id, &id).await {
        // The broker's half is done and cannot be taken back (the store
        // keeps only the password's hash): list it as what it now is.
        broker.lacks(&row.user_name);
        let why = match Error::from(e) {
            Error::StoreUnavailable(cause) => cause,
            other => other.to_string(),
        };
        tracing::warn!(org = %org.id, %id, %why, "deleted at the broker but not in the store");
        return Err(Error::DeleteUnfinished(why));
    }
    tracing::info!(org = %org.id, %id, user_name = %row.user_name, "deleted static credential");
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
    let mut row = state
        .store
        .find_static(&org.id, &id)
        .await?
        .ok_or(Error::CredentialNotFound)?;
    let broker = state.broker()?;
    let password = new_password();
    let hash = hashed(&state, &password).await?;
    if let Some(recorder) = &state.recorder {
        // Before the broker: the disconnects it causes may come first.
        recorder
            .action(Action::Rotating {
                credential_id: row.id.clone(),
                at_ms: now_ms(),
            })
            .await;
    }
    // Broker first, store second, as on create.
    match broker.set_static_password(&row.user_name, &password).await {
        Ok(()) => {}
        Err(BrokerError::Unavailable(why)) => {
            // It may still apply it: say so, and keep saying so until the
            // next rotation settles it.
            state
                .store
                .set_static_password(&org.id, &id, &hash, false)
                .await?;
            tracing::warn!(org = %org.id, %id, %why, "rotation not confirmed by the broker");
            return Err(Error::RotationUnconfirmed(why));
        }
        Err(other) => return Err(other.into()),
    }
    state
        .store
        .set_static_password(&org.id, &id, &hash, true)
        .await?;
    row.password_hash = hash;
    row.rotation_unconfirmed = false;
    tracing::info!(org = %org.id, %id, user_name = %row.user_name, "rotated static credential");
    if let Some(recorder) = &state.recorder {
        recorder
            .action(Action::Rotated {
                org: org.id.clone(),
                client_id: row.client_id.clone(),
                credential: CredentialRef::Static {
                    id: row.id.clone(),
                    name: row.name.clone(),
                },
                at_ms: now_ms(),
            })
            .await;
    }
    let last_seen = state.store.last_seen_ms(&org.id).await?;
    let seen = last_seen.get(&row.client_id).copied();
    let credential = public(&state, row, &org.namespace, seen);
    Ok(Json(CreatedStaticCredential {
        credential,
        password,
    }))
}
