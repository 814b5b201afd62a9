//! The router (`app`) and what every handler can reach (`AppState`), with
//! the middleware around them: a deadline for reads, revalidated console
//! assets, and the JSON answers for unknown routes and methods.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::{delete, get, post};
use axum::Router;
use tillor_contract::api::{CA_PATH, JWKS_PATH};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use super::{body, guessing, headers, routes, Error};
use crate::broker::Broker;
use crate::config::Config;
use crate::events::Feed;
use crate::provisioning::Provisioning;
use crate::sessions::Sessions;
use crate::store::Store;
use crate::tokens::TokenSigner;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub signer: Arc<TokenSigner>,
    /// Creates, deletes, rotations and revocations: every change that
    /// touches both the store and the broker.
    pub provisioning: Arc<Provisioning>,
    /// None when started with `--broker none`: for support's kick and
    /// readiness, which are broker commands alone.
    pub broker: Option<Arc<dyn Broker>>,
    /// Who is connected now, as the broker reported it.
    pub sessions: Arc<Sessions>,
    /// The recorded events' counters and change signal.
    pub events: Arc<Feed>,
    /// Wrong API keys by address, to slow down guessing.
    pub guesses: Arc<guessing::Guesses>,
    /// The security headers every response gets (`headers`).
    pub policy: Arc<headers::Policy>,
    /// Turns true when the server is shutting down: long waits end early.
    pub stopping: tokio::sync::watch::Receiver<bool>,
}

impl AppState {
    /// The broker, or the error every call that needs one answers without it.
    pub fn broker(&self) -> Result<&Arc<dyn Broker>, Error> {
        self.broker
            .as_ref()
            .ok_or_else(|| crate::provisioning::Error::NoBroker.into())
    }
}

/// The whole HTTP application, apart from `main` so tests can serve it too.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route(
            "/orgs/{orgId}/mqtt/credentials",
            get(routes::credentials::list).post(routes::credentials::create),
        )
        .route(
            "/orgs/{orgId}/mqtt/credentials/revoke",
            post(routes::credentials::revoke_client),
        )
        .route(
            "/orgs/{orgId}/mqtt/credentials/{jti}",
            delete(routes::credentials::revoke),
        )
        .route(
            "/orgs/{orgId}/mqtt/static-credentials",
            get(routes::static_credentials::list).post(routes::static_credentials::create),
        )
        .route(
            "/orgs/{orgId}/mqtt/static-credentials/{id}",
            delete(routes::static_credentials::delete),
        )
        .route(
            "/orgs/{orgId}/mqtt/static-credentials/{id}/rotate",
            post(routes::static_credentials::rotate),
        )
        .route("/orgs/{orgId}/mqtt/events", get(routes::events::list))
        .route(
            "/orgs/{orgId}/mqtt/connections",
            get(routes::connections::list),
        )
        .route(
            "/orgs/{orgId}/mqtt/connections/{clientId}",
            delete(routes::connections::kick),
        )
        .route("/openapi.json", get(routes::meta::openapi))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body::BODY_LIMIT))
        .layer(axum::middleware::from_fn(read_deadline));

    // The build stores each asset beside its brotli and gzip forms
    // (scripts/setup.sh): the wire carries the compressed bytes. The names
    // carry no hash (a host page embeds them by name), so browsers keep them
    // but ask again each time (Last-Modified answers 304 when unchanged).
    let console = ServeDir::new(&state.config.console_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(axum::routing::any(console_not_found).with_state(state.clone()));
    let console: Router = Router::new()
        .fallback_service(console)
        .layer(axum::middleware::map_response(revalidate));

    let mut router = Router::new()
        .nest("/api", api)
        .route(CA_PATH, get(routes::meta::ca_pem))
        .route("/config.json", get(routes::meta::console_config))
        .route("/healthz", get(routes::meta::healthz))
        .route("/readyz", get(routes::meta::readyz))
        .route(JWKS_PATH, get(routes::meta::jwks))
        .fallback_service(console)
        .with_state(state.clone());
    // Checked at start (`start` refuses what this would drop).
    let origins = state.config.cors_origin_values().unwrap_or_default();
    if let Some(cors) = cors_layer(origins) {
        router = router.layer(cors);
    }
    // The default span holds method, path and status only: never headers, so no
    // API key reaches the log; bodies (passwords, tokens) are never logged.
    router
        .layer(axum::middleware::from_fn_with_state(
            state.policy.clone(),
            headers::secure,
        ))
        .layer(TraceLayer::new_for_http())
}

fn cors_layer(origins: Vec<HeaderValue>) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static(tillor_contract::api::API_KEY_HEADER),
                HeaderName::from_static(tillor_contract::api::ORG_HEADER),
            ]),
    )
}

/// The longest a read may take: the longest long poll and some.
const READ_TIMEOUT: std::time::Duration =
    std::time::Duration::from_secs(tillor_contract::rules::EVENTS_WAIT_MAX as u64 + 15);

/// A read that hangs (a stuck database) is abandoned with 503 `timeout`.
/// Only reads: abandoning a write between the broker and the store would
/// leave half of it done, so writes are bounded by their own parts instead
/// (the broker's 5–10 s, the database pool's 30 s).
async fn read_deadline(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    match tokio::time::timeout(READ_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Error::Timeout(READ_TIMEOUT.as_secs()).into_response(),
    }
}

async fn api_not_found(uri: axum::http::Uri) -> Error {
    Error::NotFound(format!("no API endpoint at {}", uri.path()))
}

async fn method_not_allowed() -> Error {
    Error::MethodNotAllowed
}

async fn console_not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
) -> Error {
    if state.config.console_dir.join("index.html").exists() {
        Error::NotFound(format!("nothing at {}", uri.path()))
    } else {
        // Where it was looked for is the operator's business: the log says.
        tracing::warn!(dir = %state.config.console_dir.display(), "the console is not built");
        Error::NotFound(
            "the console is not built: run scripts/run (or trunk build --release), or point TILLOR_CONSOLE_DIR at a build".into(),
        )
    }
}

/// Console assets may be kept, but are checked again before each use.
async fn revalidate(mut response: axum::response::Response) -> axum::response::Response {
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    response
}
