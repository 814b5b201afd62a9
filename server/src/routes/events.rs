//! `GET /api/orgs/:orgId/mqtt/events`: what the broker saw of the
//! organisation's connections, newest first, repeats grouped.

use axum::extract::{RawQuery, State};
use axum::Json;
use tillor_contract::api::ConnectionEvent;
use tillor_contract::error::{ErrorCode, FieldError};
use tillor_contract::rules::{self, field, EVENTS_LIMIT_DEFAULT};

use crate::auth::Org;
use crate::error::Error;
use crate::{rfc3339_ms, AppState};

/// What the events list may be narrowed by.
struct Query {
    limit: u32,
    client_id: Option<String>,
    kind: Option<&'static str>,
    since_ms: Option<i64>,
}

/// The query string, field by field: a bad or unknown field is a 400 that
/// names it.
fn query(raw: Option<&str>) -> Result<Query, Error> {
    let mut q = Query {
        limit: EVENTS_LIMIT_DEFAULT,
        client_id: None,
        kind: None,
        since_ms: None,
    };
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            field::LIMIT => q.limit = rules::events_limit(&value).map_err(Error::Field)?,
            field::CLIENT_ID => q.client_id = Some(value.into_owned()),
            field::KIND => q.kind = Some(rules::event_kind(&value).map_err(Error::Field)?),
            field::SINCE => {
                let t = time::OffsetDateTime::parse(
                    &value,
                    &time::format_description::well_known::Rfc3339,
                )
                .map_err(|_| Error::Field(FieldError::new(field::SINCE, ErrorCode::NotATime)))?;
                q.since_ms = Some((t.unix_timestamp_nanos() / 1_000_000) as i64);
            }
            _ => {
                return Err(Error::Field(FieldError::new(
                    key.into_owned(),
                    ErrorCode::UnknownField,
                )))
            }
        }
    }
    Ok(q)
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
        ("clientId" = Option<String>, Query, description = "Only this clientId's events"),
        ("kind" = Option<String>, Query, description = "connected, refused, disconnected, subscribe_refused or publish_refused"),
        ("since" = Option<String>, Query, description = "RFC 3339: only events last seen at or after this time"),
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
    let q = self::query(query.as_deref())?;
    let rows = state
        .store
        .list_events(&org.id, q.limit, q.client_id.as_deref(), q.kind, q.since_ms)
        .await?;
    let events = rows
        .into_iter()
        .map(|row| {
            Ok(ConnectionEvent {
                client_id: row.client_id,
                what: serde_json::from_str(&row.what).map_err(Error::internal)?,
                count: u64::try_from(row.count).unwrap_or(0),
                first_at: rfc3339_ms(row.first_at_ms),
                last_at: rfc3339_ms(row.last_at_ms),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Json(events))
}
