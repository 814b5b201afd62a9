use clap::Parser;
use tillor_local::broker::tbmq::provider_config::provider_config;
use tillor_local::config::{Command, LogFormat};
use tillor_local::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let config = Config::parse();
    if let Some(command) = &config.command {
        std::process::exit(run_command(command, &config).await);
    }
    let filter = EnvFilter::try_from_env("TILLOR_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => logs.init(),
    }

    let env = config.env;
    let (tls, ca) = (config.tls, config.tls_files().ca_cert());
    let console_url = |addr| config.console_url(addr);
    let running = match tillor_local::start(config.clone()).await {
        Ok(r) => r,
        Err(e) => {
            // The whole chain: what failed, and every cause under it.
            let mut line = format!("tillor-local: {e}");
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                line.push_str(&format!(": {c}"));
                cause = c.source();
            }
            eprintln!("{line}");
            std::process::exit(1);
        }
    };
    // The banner goes to stdout (logs go to stderr): scripts and tests read the
    // `console:` line to learn the port when TILLOR_HTTP_ADDR asked for port 0.
    println!("Tillor local stack (env {env})");
    let url = console_url(running.addr);
    println!("  console:  {url}");
    println!("  API:      {url}api/openapi.json");
    if tls {
        println!("  CA:       {} (also at {url}ca.pem)", ca.display());
    }
    println!("  demo org: {}", running.demo.org_id);
    println!("  API key:  {}", running.demo.api_key);
    match running.server.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            eprintln!("tillor-local: server stopped: {e}");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("tillor-local: server task failed: {e}");
            std::process::exit(1);
        }
    }
}

/// A one-off command: prints its result on stdout, or why not on stderr, and
/// gives the exit code (2 for input it cannot use, 1 for a failure).
async fn run_command(command: &Command, config: &tillor_local::Config) -> i32 {
    match command {
        Command::TbmqProviderConfig {
            api_url,
            jwks_refresh_secs,
        } => match provider_config(api_url, *jwks_refresh_secs) {
            Ok(json) => {
                println!("{}", serde_json::to_string_pretty(&json).expect("JSON"));
                0
            }
            Err(e) => {
                eprintln!("tillor-local tbmq-provider-config: {e}");
                2
            }
        },
        Command::RotateKey { publish_ahead_secs } => {
            match rotate_key(config, *publish_ahead_secs).await {
                Ok(summary) => {
                    println!("{summary}");
                    0
                }
                Err((code, e)) => {
                    eprintln!("tillor-local rotate-key: {e}");
                    code
                }
            }
        }
        Command::MigrateStore => match migrate_store(config).await {
            Ok(summary) => {
                println!("{summary}");
                0
            }
            Err((code, e)) => {
                eprintln!("tillor-local migrate-store: {e}");
                code
            }
        },
    }
}

async fn migrate_store(config: &tillor_local::Config) -> Result<String, (i32, String)> {
    use tillor_local::store::{migrate::MigrateError, Location, Store};
    let target = match config.store_location() {
        Ok(l @ Location::Postgres(_)) => l,
        Ok(Location::SqliteIn(_)) => return Err((2, MigrateError::Backends.to_string())),
        Err(e) => return Err((2, e)),
    };
    let source = Location::SqliteIn(config.data_dir.clone());
    if !config
        .data_dir
        .join(tillor_local::store::DATABASE_FILE)
        .exists()
    {
        return Err((
            2,
            format!("there is no SQLite store at {}", source.describe()),
        ));
    }
    let open = |l: Location| async move {
        Store::open(&l)
            .await
            .map_err(|e| (1, format!("cannot open {}: {e}", l.describe())))
    };
    let (from, to) = (open(source.clone()).await?, open(target.clone()).await?);
    let copied = from.copy_into(&to).await.map_err(|e| match e {
        MigrateError::Database(_) => (1, e.to_string()),
        _ => (2, e.to_string()),
    })?;
    Ok(format!(
        "copied {} organisation(s), {} static credential(s), {} token(s) and {} broker event(s)\n  from {}\n  into {}",
        copied.organisations,
        copied.static_credentials,
        copied.tokens,
        copied.events,
        source.describe(),
        target.describe()
    ))
}

async fn rotate_key(
    config: &tillor_local::Config,
    publish_ahead_secs: i64,
) -> Result<String, (i32, String)> {
    use tillor_local::store::{Location, Store};
    let location = match config.store_location() {
        Ok(l @ Location::Postgres(_)) => l,
        Ok(Location::SqliteIn(_)) => {
            return Err((
                2,
                "rotating keys needs the shared database (TILLOR_DATABASE_URL=postgres://…): \
                 a single SQLite instance signs with its data directory's key"
                    .into(),
            ))
        }
        Err(e) => return Err((2, e)),
    };
    let key = config.key_encryption_key.as_ref().ok_or((
        2,
        "TILLOR_KEY_ENCRYPTION_KEY is needed: the new key is sealed with it".to_string(),
    ))?;
    let sealer = tillor_local::secrets::Sealer::from_base64(&key.0).map_err(|e| (2, e))?;
    let store = Store::open(&location)
        .await
        .map_err(|e| (1, format!("cannot open {}: {e}", location.describe())))?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let r = tillor_local::key_rotation::rotate(&store, &sealer, now, now + publish_ahead_secs)
        .await
        .map_err(|e| (1, e))?;
    let at = |s: i64| {
        tillor_local::clock::rfc3339(time::OffsetDateTime::from_unix_timestamp(s).expect("a time"))
    };
    Ok(format!(
        "published signing key {}: every instance lists it in the JWKS within seconds\n  \
         it signs new tokens from {} (in {publish_ahead_secs} s)\n  \
         the keys before it leave the JWKS once their last token has expired (by {} at the latest)",
        r.kid,
        at(r.signs_from),
        at(r.signs_from + tillor_contract::rules::EXPIRES_IN_SECONDS_MAX),
    ))
}
