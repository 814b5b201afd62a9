//! Starting the stack: named steps in the order their guarantees need, each
//! a function whose name says what holds once it returned. `start` is the
//! one place that calls them, so the order is code:
//! 1. the data directory exists and is private;
//! 2. settings that would only fail later (in the server task) fail now;
//! 3. the store is open and migrated; on a shared one, its sealed secrets
//!    are readable;
//! 4. the signing keys are loaded;
//! 5. the TLS certificate exists, before the broker, whose listeners read it;
//! 6. the organisations are seeded;
//! 7. the HTTP port is bound, before the broker, so a busy port fails fast
//!    and leaves no broker behind;
//! 8. the revocations file is written, before the broker, which reads it at
//!    start;
//! 9. the broker is started and reconciled with the store;
//! 10. the server serves.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::config::{Config, SeedOrg};
use crate::http::{app, https, AppState};
use crate::provisioning::{self, Hashing, Provisioning};
use crate::secrets::{self, Sealer};
use crate::store::Store;
use crate::tokens::TokenSigner;
use crate::{clock, events, key_rotation, orgs, revocations, sessions, tls, uses};

/// Why the stack did not start: the step, and the cause it met, kept as a
/// source so the whole chain reaches the operator.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub struct StartError {
    what: String,
    #[source]
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StartError {
    fn new(what: impl Into<String>) -> StartError {
        StartError {
            what: what.into(),
            cause: None,
        }
    }

    fn because(
        what: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> StartError {
        StartError {
            what: what.into(),
            cause: Some(Box::new(cause)),
        }
    }
}

impl From<String> for StartError {
    fn from(what: String) -> StartError {
        StartError::new(what)
    }
}

impl From<&str> for StartError {
    fn from(what: &str) -> StartError {
        StartError::new(what)
    }
}

/// A started stack: where it listens and the demo organisation it seeded.
pub struct Running {
    pub addr: SocketAddr,
    pub demo: SeedOrg,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Opens the data directory, seeds organisations and starts serving.
pub async fn start(config: Config) -> Result<Running, StartError> {
    make_data_dir_private(&config)?;
    let policy = Arc::new(check_settings_that_would_fail_later(&config)?);
    let store = open_store(&config).await?;
    let sealer = unseal_shared_secrets(&config, &store)?;
    let signer = Arc::new(load_signing_keys(&config, &store, sealer.as_ref()).await?);
    let certificate = ensure_certificate_before_the_broker(&config)?;
    let demo = orgs::seed(
        &orgs_settings(&config),
        &store,
        sealer.as_ref(),
        &clock::now_rfc3339(),
    )
    .await?;
    let listener = bind_http_before_the_broker(&config).await?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::because("cannot read the bound address", e))?;
    write_revocations_before_the_broker(&config, &store).await?;
    let feed = Arc::new(events::Feed::default());
    if store.is_shared() {
        events::follow_shared_store(store.clone(), feed.clone());
    }
    let live = Arc::new(sessions::Sessions::default());
    let (broker, recorder) = uses::broker(&config, &store, &signer, &live, &feed).await?;
    let provisioning = Arc::new(Provisioning::new(
        store.clone(),
        broker.clone(),
        recorder,
        signer.clone(),
        Hashing::new(config.limits.hashing_threads),
        provisioning_settings(&config),
    ));
    reconcile_broker_with_store(&provisioning).await?;
    if let Some(sealer) = sealer {
        key_rotation::follow(
            store.clone(),
            sealer,
            signer.clone(),
            config.data_dir.clone(),
            broker.clone(),
        );
    }
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let state = AppState {
        config: Arc::new(config),
        store,
        signer,
        provisioning,
        broker,
        sessions: live,
        events: feed,
        policy,
        guesses: Arc::default(),
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

fn make_data_dir_private(config: &Config) -> Result<(), StartError> {
    let dir = &config.data_dir;
    std::fs::create_dir_all(dir).map_err(|e| {
        StartError::because(format!("cannot create data directory {}", dir.display()), e)
    })?;
    Ok(secrets::make_private(dir)?)
}

/// The CORS origins and the security headers' policy are read now: the
/// router would only drop what it cannot use.
fn check_settings_that_would_fail_later(
    config: &Config,
) -> Result<crate::http::headers::Policy, StartError> {
    config.cors_origin_values()?;
    Ok(crate::http::headers::Policy::of(config)?)
}

async fn open_store(config: &Config) -> Result<Store, StartError> {
    let location = config.store_location()?;
    Store::open(&location).await.map_err(|e| {
        StartError::because(
            format!("cannot open the database ({})", location.describe()),
            e,
        )
    })
}

/// On a shared database the secrets every instance needs (signing keys, the
/// demo API key) are kept there, sealed.
fn unseal_shared_secrets(config: &Config, store: &Store) -> Result<Option<Sealer>, StartError> {
    if !store.is_shared() {
        return Ok(None);
    }
    let key = config.key_encryption_key.as_ref().ok_or(
        "TILLOR_DATABASE_URL=postgres://… needs TILLOR_KEY_ENCRYPTION_KEY: the JWT signing keys are kept in the database, sealed with it (32 random bytes in base64, the same on every instance)",
    )?;
    Ok(Some(Sealer::from_base64(&key.0)?))
}

async fn load_signing_keys(
    config: &Config,
    store: &Store,
    sealer: Option<&Sealer>,
) -> Result<TokenSigner, StartError> {
    Ok(match sealer {
        Some(sealer) => {
            key_rotation::shared_signer(store, sealer, &config.data_dir, clock::now_s()).await?
        }
        None => TokenSigner::load_or_create(&config.data_dir)?,
    })
}

fn ensure_certificate_before_the_broker(
    config: &Config,
) -> Result<Option<Arc<https::Certificate>>, StartError> {
    if !config.tls {
        return Ok(None);
    }
    let files = config.tls_files();
    tls::ensure(
        &files.dir,
        &config.tls_hosts,
        time::OffsetDateTime::now_utc(),
    )
    .map_err(|e| StartError::because("TLS", e))?;
    Ok(Some(
        https::Certificate::load(&files).map_err(|e| StartError::because("TLS", e))?,
    ))
}

async fn bind_http_before_the_broker(
    config: &Config,
) -> Result<tokio::net::TcpListener, StartError> {
    tokio::net::TcpListener::bind(config.http_addr)
        .await
        .map_err(|e| {
            StartError::because(
                format!(
                    "cannot listen on {} (set TILLOR_HTTP_ADDR to another address)",
                    config.http_addr
                ),
                e,
            )
        })
}

/// Expired tokens leave the store first; then every live revocation is in
/// the file, and stays pruned every ten minutes.
async fn write_revocations_before_the_broker(
    config: &Config,
    store: &Store,
) -> Result<(), StartError> {
    let now = clock::now_s();
    store
        .prune_tokens(now)
        .await
        .map_err(|e| StartError::because("cannot read the store", e))?;
    revocations::write(store, &config.data_dir, now).await?;
    tokio::spawn(prune_expired_tokens(store.clone()));
    Ok(())
}

fn orgs_settings(config: &Config) -> orgs::Settings {
    orgs::Settings {
        demo_org_id: config.demo_org_id.clone(),
        demo_api_key: config.demo_api_key.clone(),
        seed_orgs: config.seed_orgs.clone(),
        data_dir: config.data_dir.clone(),
    }
}

fn provisioning_settings(config: &Config) -> provisioning::Settings {
    provisioning::Settings {
        env: config.env,
        data_dir: config.data_dir.clone(),
        max_static_credentials: config.limits.max_static_credentials,
        max_jwts_per_minute: config.limits.max_jwts_per_minute,
        broker_timeout: provisioning::BROKER_TIMEOUT,
    }
}

/// Store and broker agree before the first request, and deletes cut short
/// later are finished every 30 s.
async fn reconcile_broker_with_store(provisioning: &Arc<Provisioning>) -> Result<(), StartError> {
    match provisioning.reconcile().await {
        Ok(()) => {}
        Err(provisioning::Error::NoBroker) => return Ok(()),
        Err(e) => {
            return Err(StartError::because(
                "cannot reconcile the broker with the store",
                e,
            ))
        }
    }
    provisioning.finish_deletes_regularly();
    Ok(())
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
        if let Err(e) = store.prune_tokens(clock::now_s()).await {
            tracing::warn!(%e, "cannot prune expired tokens; trying again later");
        }
    }
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
