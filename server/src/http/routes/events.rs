//! `GET /api/orgs/:orgId/mqtt/events`: what the broker saw of the
//! organisation's connections, newest first, repeats grouped; page by page
//! (`cursor`), or live: what changed after a point, waiting for it (`after`
//! and `wait`, a long poll: browsers cannot send the API key on an
//! EventSource or a WebSocket).

use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::Json;
use tillor_contract::api::{ConnectionEvent, EventPage};
use tillor_contract::error::{ErrorCode, FieldError};
use tillor_contract::rules::{self, field, EventCursor, EVENTS_LIMIT_DEFAULT};

use crate::clock::rfc3339_ms;
use crate::http::auth::Org;
use crate::http::AppState;
use crate::http::Error;
use crate::store::events::{EventFilter, EventRow, EventWindow};

/// The query string, field by field: a bad or unknown field is a 400 that
/// names it.
struct Query {
    limit: u32,
    client_id: Option<String>,
    kind: Option<&'static str>,
    since_ms: Option<i64>,
    cursor: Option<EventCursor>,
    after: Option<EventCursor>,
    wait: u32,
}

fn query(raw: Option<&str>) -> Result<Query, Error> {
    let mut q = Query {
        limit: EVENTS_LIMIT_DEFAULT,
        client_id: None,
        kind: None,
        since_ms: None,
        cursor: None,
        after: None,
        wait: 0,
    };
    let mut wait_given = false;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            field::LIMIT => q.limit = rules::events_limit(&value)?,
            field::CLIENT_ID => q.client_id = Some(value.into_owned()),
            field::KIND => q.kind = Some(rules::event_kind(&value)?.as_str()),
            field::SINCE => q.since_ms = Some(time_ms(&value)?),
            field::CURSOR => q.cursor = Some(EventCursor::parse(field::CURSOR, &value)?),
            field::AFTER => q.after = Some(EventCursor::parse(field::AFTER, &value)?),
            field::WAIT => {
                q.wait = rules::events_wait(&value)?;
                wait_given = true;
            }
            _ => return Err(FieldError::new(key.into_owned(), ErrorCode::UnknownField).into()),
        }
    }
    if q.cursor.is_some() && q.after.is_some() {
        return Err(FieldError::new(field::CURSOR, ErrorCode::InvalidCombination).into());
    }
    if wait_given && q.after.is_none() {
        return Err(FieldError::new(field::WAIT, ErrorCode::InvalidCombination).into());
    }
    Ok(q)
}

fn time_ms(value: &str) -> Result<i64, FieldError> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| FieldError::new(field::SINCE, ErrorCode::NotATime))
}

#[utoipa::path(
    get,
    path = "/api/orgs/{orgId}/mqtt/events",
    tag = "mqtt",
    summary = "What the broker saw of this organisation's connections",
    description = "Newest first. Only events the broker could tie to this organisation for certain: a token whose signature verified, a username of its own. Repeats of one event by one clientId within 10 minutes are one entry with a count; an entry that grows comes again with the same id. Page back with `cursor` (the previous answer's nextCursor). Follow live with `after` (the previous answer's liveCursor): only entries added or changed since, and with `wait` the answer waits up to that many seconds for one.",
    params(
        ("orgId" = String, Path, description = "The organisation; must equal X-Tillor-Org-Id"),
        ("limit" = Option<u32>, Query, description = "1..=500; 100 when absent", minimum = 1, maximum = 500),
        ("clientId" = Option<String>, Query, description = "Only this clientId's events"),
        ("kind" = Option<String>, Query, description = "connected, refused, disconnected, subscribe_refused, publish_refused, revoked or rotated"),
        ("since" = Option<String>, Query, description = "RFC 3339: only events last seen at or after this time"),
        ("cursor" = Option<String>, Query, description = "nextCursor of an earlier answer: the next, older page"),
        ("after" = Option<String>, Query, description = "liveCursor of an earlier answer: only what was added or changed since"),
        ("wait" = Option<u32>, Query, description = "With after: wait up to this many seconds (0..=30) for a change", minimum = 0, maximum = 30),
    ),
    responses(
        (status = 200, body = EventPage),
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
) -> Result<Json<EventPage>, Error> {
    let q = self::query(query.as_deref())?;
    let filter = EventFilter {
        client_id: q.client_id.as_deref(),
        kind: q.kind,
        since_ms: q.since_ms,
    };
    // Subscribed before the first look, so no change between it and the
    // wait is missed.
    let mut changes = state.events.subscribe();
    let mut stopping = state.stopping.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(q.wait.into());
    loop {
        // Read before the rows: a change that lands in between is then
        // both in this answer and the next (the entry's id merges it).
        let newest = state.store.events_rev().await?;
        let (window, fetch) = match q.after {
            Some(after) => (EventWindow::After(after.0), q.limit),
            // One more than asked tells whether an older page exists.
            None => (EventWindow::Before(q.cursor.map(|c| c.0)), q.limit + 1),
        };
        let mut rows = state
            .store
            .list_events(&org.id, &filter, window, fetch)
            .await?;
        let waiting = q.after.is_some() && rows.is_empty() && !*stopping.borrow();
        if !waiting || tokio::time::Instant::now() >= deadline {
            let next_cursor = (q.after.is_none() && rows.len() > q.limit as usize).then(|| {
                rows.truncate(q.limit as usize);
                EventCursor(rows.last().map_or(0, |r| r.rev)).text()
            });
            let live = match q.after {
                // Caught up to the newest change returned (there may be more).
                Some(_) if !rows.is_empty() => rows.iter().map(|r| r.rev).max().unwrap_or(newest),
                _ => newest,
            };
            return Ok(Json(EventPage {
                events: rows.into_iter().map(event).collect::<Result<_, _>>()?,
                next_cursor,
                live_cursor: EventCursor(live).text(),
                dropped: state
                    .events
                    .dropped
                    .load(std::sync::atomic::Ordering::Relaxed),
            }));
        }
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => {}
            _ = changes.changed() => {}
            _ = stopping.changed() => {}
        }
    }
}

fn event(row: EventRow) -> Result<ConnectionEvent, Error> {
    Ok(ConnectionEvent {
        id: row.id,
        client_id: row.client_id,
        what: serde_json::from_str(&row.what).map_err(Error::internal)?,
        count: u64::try_from(row.count).unwrap_or(0),
        first_at: rfc3339_ms(row.first_at_ms),
        last_at: rfc3339_ms(row.last_at_ms),
    })
}
