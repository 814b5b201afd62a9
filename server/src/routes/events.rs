//! `GET /api/orgs/:orgId/mqtt/events`: what the broker saw of the
//! organisation's connections, newest first, repeats grouped.

use axum::extract::{RawQuery, State};
use axum::Json;
use tillor_contract::api::ConnectionEvent;
use tillor_contract::error::{ErrorCode, FieldError};
use tillor_contract::rules::{self, field, EVENTS_LIMIT_DEFAULT};

use crate::auth::Org;
use crate::error::Error;
use crate::{rfc3339, AppState};

/// Unix milliseconds as RFC 3339.
pub(crate) fn at(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(rfc3339)
        .unwrap_or_default()
}

/// The query's `limit`, refusing anything else it holds, field by field.
fn limit(query: Option<&str>) -> Result<u32, Error> {
    let mut limit = EVENTS_LIMIT_DEFAULT;
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key != field::LIMIT {
            return Err(Error::Field(FieldError::new(
                key.into_owned(),
                ErrorCode::UnknownField,
            )));
        }
        limit = rules::events_limit(&value).map_err(Error::Field)?;
    }
    Ok(limit)
}

#[utoipa::path(
    get,
    path = "/api/orgs/{orgId}/mqtt/events",
    tag = "mqtt",
    summary = "What the broker saw of this organisation's connections",
    description = "Newest first. Only events the broker could tie to this organisation for certain: a token whose signature verified, a username of its own. Repeats of one event by one clientId within 10 minutes are one entry with a count.",
    params(
        ("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id"),
        ("limit" = Option<u32>, Query, description = "1..=500; 100 when absent", minimum = 1, maximum = 500),
    ),
    responses(
        (status = 200, body = Vec<ConnectionEvent>),
        (status = 400, description = "A query parameter is invalid; `field` says which", body = tillor_contract::error::ApiErrorBody),
        (status = 401, body = tillor_contract::error::ApiErrorBody),
        (status = 403, body = tillor_contract::error::ApiErrorBody),
    ),
    security(("apiKey" = [], "orgId" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    org: Org,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<ConnectionEvent>>, Error> {
    let limit = limit(query.as_deref())?;
    let rows = state.store.list_events(&org.id, limit).await?;
    let events = rows
        .into_iter()
        .map(|row| {
            Ok(ConnectionEvent {
                client_id: row.client_id,
                what: serde_json::from_str(&row.what).map_err(Error::internal)?,
                count: u64::try_from(row.count).unwrap_or(0),
                first_at: at(row.first_at_ms),
                last_at: at(row.last_at_ms),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Json(events))
}
