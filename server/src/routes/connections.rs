//! `GET /api/orgs/:orgId/mqtt/connections`: who is connected now.

use axum::extract::State;
use axum::Json;
use tillor_contract::api::Connection;

use crate::auth::Org;
use crate::error::Error;
use crate::routes::events::at;
use crate::AppState;

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
                since: at(s.since_ms),
            })
            .collect(),
    ))
}
