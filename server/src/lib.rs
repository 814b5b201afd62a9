//! The local Tillor stack: the MQTT credentials management API and the built
//! console, on one HTTP port.

pub mod auth;
pub mod background;
pub mod body;
pub mod broker;
pub mod config;
pub mod error;
pub mod events;
pub mod guessing;
pub mod headers;
pub mod https;
pub mod key_rotation;
pub mod limits;
pub mod orgs;
pub mod revocations;
pub mod routes;
pub mod secrets;
pub mod sessions;
pub mod store;
pub mod tls;
pub mod tokens;
mod uses;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::{delete, get, post};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

pub use config::Config;
use error::Error;
use store::Store;
use tokens::TokenSigner;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub signer: Arc<TokenSigner>,
    /// None when started with `--broker none`.
    pub broker: Option<Arc<dyn broker::Broker>>,
    /// Who is connected now, as the broker reported it.
    pub sessions: Arc<sessions::Sessions>,
    /// The recorded events' counters and change signal.
    pub events: Arc<events::Feed>,
    /// Where the API's own actions (revocations, rotations) go into the
    /// events, in order with the broker's reports; None without a broker.
    pub recorder: Option<events::EventSink>,
    /// The password hashing pool (`limits`).
    pub hashing: limits::Hashing,
    /// Wrong API keys by address, to slow down guessing.
    pub guesses: Arc<guessing::Guesses>,
    /// The security headers every response gets (`headers`).
    pub policy: Arc<headers::Policy>,
    /// Turns true when the server is shutting down: long waits end early.
    pub stopping: tokio::sync::watch::Receiver<bool>,
}

pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("a UTC timestamp always formats")
}

/// Now, in Unix milliseconds (the clock of broker events).
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Unix milliseconds (the broker's clock in events) as RFC 3339.
pub fn rfc3339_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(rfc3339)
        .unwrap_or_default()
}

impl AppState {
    /// The broker, or the error every call that needs one answers without it.
    pub fn broker(&self) -> Result<&Arc<dyn broker::Broker>, Error> {
        self.broker.as_ref().ok_or_else(|| {
            Error::BrokerUnavailable(
                "this server runs without a broker (TILLOR_BROKER=none)".into(),
            )
        })
    }
}

pub fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
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
        .route(routes::meta::CA_PATH, get(routes::meta::ca_pem))
        .route("/config.json", get(routes::meta::console_config))
        .route("/healthz", get(routes::meta::healthz))
        .route("/readyz", get(routes::meta::readyz))
        .route(routes::meta::JWKS_PATH, get(routes::meta::jwks))
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

/// A started stack: where it listens and the demo organisation it seeded.
pub struct Running {
    pub addr: SocketAddr,
    pub demo: config::SeedOrg,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Opens the data directory, seeds organisations and starts serving.
pub async fn start(config: Config) -> Result<Running, String> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        format!(
            "cannot create data directory {}: {e}",
            config.data_dir.display()
        )
    })?;
    secrets::make_private(&config.data_dir)?;
    // Settings that would only fail later (in the server task) fail now.
    config.cors_origin_values()?;
    let policy = Arc::new(headers::Policy::of(&config)?);
    let location = store::Location::of(&config)?;
    let store = Store::open(&location)
        .await
        .map_err(|e| format!("cannot open the database ({}): {e}", location.describe()))?;
    // On a shared database the secrets every instance needs (signing keys,
    // the demo API key) are kept there, sealed.
    let sealer = if store.is_shared() {
        let key = config.key_encryption_key.as_ref().ok_or(
            "TILLOR_DATABASE_URL=postgres://… needs TILLOR_KEY_ENCRYPTION_KEY: the JWT signing keys are kept in the database, sealed with it (32 random bytes in base64, the same on every instance)",
        )?;
        Some(secrets::Sealer::from_base64(&key.0)?)
    } else {
        None
    };
    let signer = Arc::new(match &sealer {
        Some(sealer) => {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            key_rotation::shared_signer(&store, sealer, &config.data_dir, now).await?
        }
        None => TokenSigner::load_or_create(&config.data_dir)?,
    });
    // Before the broker starts: its TLS listeners read these files.
    let certificate = if config.tls {
        let files = config.tls_files();
        crate::tls::ensure(
            &files.dir,
            &config.tls_hosts,
            time::OffsetDateTime::now_utc(),
        )
        .map_err(|e| format!("TLS: {e}"))?;
        Some(https::Certificate::load(&files).map_err(|e| format!("TLS: {e}"))?)
    } else {
        None
    };
    let demo = orgs::seed(&config, &store, sealer.as_ref(), &now_rfc3339()).await?;
    let listener = tokio::net::TcpListener::bind(config.http_addr)
        .await
        .map_err(|e| {
            format!(
                "cannot listen on {}: {e} (set TILLOR_HTTP_ADDR to another address)",
                config.http_addr
            )
        })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // The HTTP port is bound before the broker starts, so a busy port fails
    // fast and leaves no broker behind.
    // Before the broker starts: it reads the revoked tokens at start.
    let now_s = time::OffsetDateTime::now_utc().unix_timestamp();
    store
        .prune_tokens(now_s)
        .await
        .map_err(|e| format!("cannot read the store: {e}"))?;
    revocations::write(&store, &config.data_dir, now_s).await?;
    tokio::spawn(prune_expired_tokens(store.clone()));
    let feed = Arc::new(events::Feed::default());
    if store.is_shared() {
        events::follow_shared_store(store.clone(), feed.clone());
    }
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let live = Arc::new(sessions::Sessions::default());
    let (broker, sink) = uses::broker(&config, &store, &signer, &live, &feed).await?;
    if let Some(broker) = &broker {
        broker::finish_deletes_regularly(broker.clone(), store.clone());
    }
    if let Some(sealer) = sealer {
        key_rotation::follow(
            store.clone(),
            sealer,
            signer.clone(),
            config.data_dir.clone(),
            broker.clone(),
        );
    }
    let hashing = limits::Hashing::new(&config.limits);
    let state = AppState {
        config: Arc::new(config),
        store,
        signer,
        broker,
        sessions: live,
        events: feed,
        recorder: sink,
        policy,
        guesses: Arc::default(),
        hashing,
        stopping: stopping_rx,
    };
    let stop = async move {
        shutdown_signal().await;
        // Open long polls answer now rather than hold the shutdown.
        let _ = stopping.send(true);
    };
    let server = match certificate {
        None => tokio::spawn(async move {
            // The peer's address reaches the handlers (`guessing`).
            let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
        }),
        Some(cert) => {
            tokio::spawn(renew_certificates(state.clone(), cert.clone()));
            let acceptor = https::acceptor(cert);
            tokio::spawn(async move { https::serve(listener, acceptor, app(state), stop).await })
        }
    };
    Ok(Running { addr, demo, server })
}

/// Checks twice a day whether the server certificate needs renewing; a new
/// one applies to the next HTTPS connection at once and to the broker after
/// a restart (its clients reconnect).
async fn renew_certificates(state: AppState, cert: Arc<https::Certificate>) {
    let files = state.config.tls_files();
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(12 * 60 * 60)).await;
        let now = time::OffsetDateTime::now_utc();
        match tls::ensure(&files.dir, &state.config.tls_hosts, now) {
            Ok(tls::Outcome::Kept) => {}
            Ok(tls::Outcome::Made) => {
                tracing::info!("renewed the server certificate");
                if let Err(e) = cert.reload(&files) {
                    tracing::error!(%e, "cannot use the renewed certificate for HTTPS");
                }
                if let Some(broker) = &state.broker {
                    broker.restart_for_new_certificate();
                }
            }
            Err(e) => tracing::error!(%e, "cannot renew the server certificate"),
        }
    }
}

/// Expired tokens leave the store, and the clientIds made up for them are
/// free again, every ten minutes (and at every start).
async fn prune_expired_tokens(store: Store) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if let Err(e) = store.prune_tokens(now).await {
            tracing::warn!(%e, "cannot prune expired tokens; trying again later");
        }
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

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
