//! `GET /api/orgs/:orgId/mqtt/connections`: who is connected now.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tillor_contract::api::Connection;

use crate::clock::rfc3339_ms;
use crate::http::auth::Org;
use crate::http::AppState;
use crate::http::Error;

#[utoipa::path(
    get,
    path = "/api/orgs/{orgId}/mqtt/connections",
    tag = "mqtt",
    summary = "The organisation's live MQTT sessions",
    description = "As the broker reported them since the server started: clientId, credential (a static credential's id and name, or a JWT's jti and expiry), the peer's address and protocol version, and since when. Oldest first.",
    params(("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id")),
    responses(
        (status = 200, body = Vec<Connection>),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn list(State(state): State<AppState>, org: Org) -> Result<Json<Vec<Connection>>, Error> {
    Ok(Json(
        state
            .sessions
            .of_org(&org.id)
            .into_iter()
            .map(|s| Connection {
                client_id: s.client_id,
                credential: s.credential,
                peer: s.peer,
                since: rfc3339_ms(s.since_ms),
            })
            .collect(),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/orgs/{orgId}/mqtt/connections/{clientId}",
    tag = "mqtt",
    summary = "Disconnect a live session",
    description = "Support's kick: the broker closes the session now. An integration that reconnects is let in again if its credential still works; delete or rotate the credential to keep it out.",
    params(
        ("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id"),
        ("clientId" = String, Path, description = "A clientId of a live session of this organisation"),
    ),
    responses(
        (status = 204, description = "The broker was asked to disconnect it"),
        (status = 404, description = "No live session with this clientId in this organisation", body = tillor_contract::error::ApiErrorBody),
        (status = 503, description = "The broker is not reachable", body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn kick(
    State(state): State<AppState>,
    org: Org,
    Path((_, client_id)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    // Only a session this organisation owns: another's is as good as absent.
    if state.sessions.get(&client_id).map(|s| s.org) != Some(org.id.clone()) {
        return Err(Error::NotFound(format!(
            "no live session with clientId {client_id:?} in this organisation"
        )));
    }
    state.broker()?.kick(&client_id).await?;
    tracing::info!(org = %org.id, %client_id, "kicked a session");
    Ok(StatusCode::NO_CONTENT)
}
