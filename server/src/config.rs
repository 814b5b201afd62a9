//! Configuration from flags and environment variables (flags win).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::Parser;
use tillor_contract::config::Language;
use tillor_contract::namespace::is_valid_org_id;
use tillor_contract::Env;

#[derive(Clone, Debug, Parser)]
#[command(
    name = "tillor-local",
    version,
    about = "The local Tillor stack: MQTT credentials API + console"
)]
pub struct Config {
    /// Address of the HTTP server (API and console). Port 0 picks a free port.
    #[arg(long, env = "TILLOR_HTTP_ADDR", default_value = "127.0.0.1:8080")]
    pub http_addr: SocketAddr,

    /// Where the database, the JWT signing key and the demo organisation live.
    #[arg(long, env = "TILLOR_DATA_DIR", default_value = ".tillor/data")]
    pub data_dir: PathBuf,

    /// The database: unset for SQLite in the data directory (one instance);
    /// postgres://user:password@host/db for PostgreSQL (several instances).
    #[arg(long, env = "TILLOR_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,

    /// With PostgreSQL: 32 random bytes in base64 that seal the JWT signing
    /// keys kept in the database (the same on every instance).
    #[arg(long, env = "TILLOR_KEY_ENCRYPTION_KEY", hide_env_values = true)]
    pub key_encryption_key: Option<Secret>,

    /// The env of topics and clientIds: prod, staging or local.
    #[arg(long, env = "TILLOR_ENV", default_value = "local")]
    pub env: Env,

    /// Demo organisation id; generated once and kept in the data directory when unset.
    #[arg(long, env = "TILLOR_DEMO_ORG_ID")]
    pub demo_org_id: Option<String>,

    /// Demo organisation's API key; generated once and kept in the data directory when unset.
    #[arg(long, env = "TILLOR_DEMO_API_KEY")]
    pub demo_api_key: Option<String>,

    /// More organisations, as comma-separated `orgId:apiKey` pairs.
    #[arg(long, env = "TILLOR_SEED_ORGS", value_delimiter = ',')]
    pub seed_orgs: Vec<SeedOrg>,

    /// The broker's TCP listener (advertised as brokerUrl unless TILLOR_PUBLIC_MQTT_URL is set).
    #[arg(long, env = "TILLOR_MQTT_ADDR", default_value = "127.0.0.1:1883")]
    pub mqtt_addr: SocketAddr,

    /// The broker's WebSocket listener (the console's brokerWsUrl unless TILLOR_PUBLIC_MQTT_WS_URL is set).
    #[arg(long, env = "TILLOR_MQTT_WS_ADDR", default_value = "127.0.0.1:8083")]
    pub mqtt_ws_addr: SocketAddr,

    /// Run with TLS: a private CA and a server certificate in the data
    /// directory (made on first start, renewed before expiry), MQTT over TLS
    /// and secure WebSocket listeners beside the plain ones, and the console
    /// and API over HTTPS. Credential responses and /config.json then give
    /// the TLS URLs, and the CA is served at /ca.pem.
    #[arg(long, env = "TILLOR_TLS", value_parser = clap::builder::BoolishValueParser::new(),
          num_args = 0..=1, default_value = "false", default_missing_value = "true")]
    pub tls: bool,

    /// The names the server certificate is valid for (comma-separated host
    /// names and IP addresses).
    #[arg(
        long,
        env = "TILLOR_TLS_HOSTS",
        value_delimiter = ',',
        default_value = "localhost,127.0.0.1"
    )]
    pub tls_hosts: Vec<String>,

    /// The broker's MQTT over TLS listener (with TILLOR_TLS).
    #[arg(long, env = "TILLOR_MQTTS_ADDR", default_value = "127.0.0.1:8883")]
    pub mqtts_addr: SocketAddr,

    /// The broker's MQTT over secure WebSocket listener (with TILLOR_TLS).
    #[arg(long, env = "TILLOR_MQTT_WSS_ADDR", default_value = "127.0.0.1:8084")]
    pub mqtt_wss_addr: SocketAddr,

    /// The brokerUrl given to integrations (mqtt://… or mqtts://…).
    #[arg(long, env = "TILLOR_PUBLIC_MQTT_URL")]
    pub public_mqtt_url: Option<String>,

    /// The WebSocket URL the console's test client uses (ws://… or wss://…).
    #[arg(long, env = "TILLOR_PUBLIC_MQTT_WS_URL")]
    pub public_mqtt_ws_url: Option<String>,

    /// The built console (Trunk's dist directory), served at `/`.
    #[arg(long, env = "TILLOR_CONSOLE_DIR", default_value = "dist")]
    pub console_dir: PathBuf,

    /// Origins allowed to call the API from a browser (comma-separated), for a
    /// console embedded in another host page. The console's own origin needs none.
    #[arg(long, env = "TILLOR_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Who may frame the console's pages (CSP frame-ancestors): 'self' (the
    /// default), 'none', or the host pages' origins, comma-separated, e.g.
    /// the dashboard's https://dashboard.example.com. No wildcards.
    #[arg(long, env = "TILLOR_FRAME_ANCESTORS", value_delimiter = ',')]
    pub frame_ancestors: Vec<String>,

    /// The console's default language: nl or en.
    #[arg(long, env = "TILLOR_LANGUAGE", default_value = "nl", value_parser = parse_language)]
    pub language: Language,

    /// Which broker: mosquitto (started and supervised here, with both
    /// plugins), external (the Mosquitto another instance on the same
    /// PostgreSQL database supervises, at TILLOR_MQTT_ADDR, with
    /// TILLOR_BROKER_ADMIN_PASSWORD), tbmq (an existing TBMQ, provisioned over
    /// its REST API: TILLOR_TBMQ_*) or none (API only; static credentials
    /// then answer 503).
    #[arg(long, env = "TILLOR_BROKER", default_value = "mosquitto")]
    pub broker: BrokerKind,

    /// With TILLOR_BROKER=external: the supervising instance's broker admin
    /// password (its data directory's mosquitto/admin-password).
    #[arg(long, env = "TILLOR_BROKER_ADMIN_PASSWORD", hide_env_values = true)]
    pub broker_admin_password: Option<Secret>,

    /// TBMQ's HTTP API (with TILLOR_BROKER=tbmq), e.g. https://tbmq.internal:8083.
    #[arg(long, env = "TILLOR_TBMQ_URL")]
    pub tbmq_url: Option<String>,

    /// A TBMQ account with the SYS_ADMIN authority.
    #[arg(long, env = "TILLOR_TBMQ_USERNAME")]
    pub tbmq_username: Option<String>,

    /// That account's password (never logged).
    #[arg(long, env = "TILLOR_TBMQ_PASSWORD", hide_env_values = true)]
    pub tbmq_password: Option<Secret>,

    /// A private CA (PEM file) for TBMQ's HTTPS certificate.
    #[arg(long, env = "TILLOR_TBMQ_CA")]
    pub tbmq_ca: Option<PathBuf>,

    /// The Mosquitto 2.0 binary.
    #[arg(
        long,
        env = "TILLOR_MOSQUITTO_BIN",
        default_value = "/usr/sbin/mosquitto"
    )]
    pub mosquitto_bin: PathBuf,

    /// mosquitto_ctrl, which writes dynamic security's first file.
    #[arg(
        long,
        env = "TILLOR_MOSQUITTO_CTRL_BIN",
        default_value = "/usr/bin/mosquitto_ctrl"
    )]
    pub mosquitto_ctrl_bin: PathBuf,

    /// Our JWT auth plugin; by default the one built beside this binary.
    #[arg(long, env = "TILLOR_MOSQUITTO_JWT_PLUGIN")]
    pub jwt_plugin: Option<PathBuf>,

    /// Mosquitto's dynamic-security plugin; by default Debian's.
    #[arg(long, env = "TILLOR_DYNSEC_PLUGIN")]
    pub dynsec_plugin: Option<PathBuf>,

    /// Broker events kept per organisation: at most the newest this many
    /// entries (a device retrying all day is one entry)…
    #[arg(long, env = "TILLOR_EVENTS_KEEP", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub events_keep: u32,

    /// …and none last seen longer ago than this many days, whichever is less.
    #[arg(long, env = "TILLOR_EVENTS_KEEP_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(u32).range(1..=366))]
    pub events_keep_days: u32,

    /// Whether the broker reports what it sees (the Verbindingen section):
    /// on, or off (the broker bench measures what reporting costs).
    #[arg(long, env = "TILLOR_BROKER_EVENTS", default_value = "on")]
    pub broker_events: OnOff,

    /// Log format on stderr: text or json.
    #[arg(long, env = "TILLOR_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub limits: crate::limits::Limits,

    /// Without a command, the stack starts.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// One-off commands that print and exit instead of starting the stack.
#[derive(Clone, Debug, clap::Subcommand)]
pub enum Command {
    /// Copies the SQLite store of TILLOR_DATA_DIR into the empty PostgreSQL
    /// database of TILLOR_DATABASE_URL (run it with the stack stopped).
    MigrateStore,
    /// Publishes a new JWT signing key in the PostgreSQL database of
    /// TILLOR_DATABASE_URL; it starts signing after --publish-ahead-secs,
    /// and the old key is retired once its last token has expired. The
    /// instances pick it up while running.
    RotateKey {
        /// How long the new key is published before it signs; brokers fetch
        /// keys at least this often (TBMQ's minimum refresh: 300).
        #[arg(long, default_value_t = crate::key_rotation::PUBLISH_AHEAD_SECS,
              value_parser = clap::value_parser!(i64).range(crate::key_rotation::PUBLISH_AHEAD_SECS..=86_400))]
        publish_ahead_secs: i64,
    },
    /// Prints the `configuration` of TBMQ's JWT auth provider under which TBMQ
    /// accepts exactly our tokens (see the README, "Production: TBMQ").
    TbmqProviderConfig {
        /// The management API's base URL as TBMQ reaches it; TBMQ fetches the
        /// signing keys from `<api-url>/.well-known/jwks.json`.
        #[arg(long)]
        api_url: String,
        /// How often TBMQ fetches the keys again, in seconds (TBMQ's minimum: 300).
        #[arg(long, default_value_t = crate::broker::tbmq::provider_config::MIN_JWKS_REFRESH_SECS)]
        jwks_refresh_secs: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BrokerKind {
    Mosquitto,
    External,
    Tbmq,
    None,
}

/// A setting that must never reach a log: `Debug` shows that it is set only.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

fn parse_language(s: &str) -> Result<Language, String> {
    match s {
        "nl" => Ok(Language::Nl),
        "en" => Ok(Language::En),
        _ => Err(format!("unknown language {s:?}: expected nl or en")),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedOrg {
    pub org_id: String,
    pub api_key: String,
}

impl FromStr for SeedOrg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (org_id, api_key) = s
            .split_once(':')
            .ok_or_else(|| format!("{s:?} is not orgId:apiKey"))?;
        check_org_id(org_id)?;
        check_api_key(api_key)?;
        Ok(SeedOrg {
            org_id: org_id.into(),
            api_key: api_key.into(),
        })
    }
}

pub fn check_org_id(org_id: &str) -> Result<(), String> {
    if is_valid_org_id(org_id) {
        Ok(())
    } else {
        Err(format!(
            "organisation id {org_id:?} must be 1 to 64 characters from A-Z a-z 0-9 - _"
        ))
    }
}

pub fn check_api_key(key: &str) -> Result<(), String> {
    if key.len() >= 16 && key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err("an API key must be at least 16 visible ASCII characters".into())
    }
}

impl Config {
    pub fn events_retention(&self) -> crate::events::Retention {
        crate::events::Retention {
            keep: self.events_keep,
            keep_for_ms: i64::from(self.events_keep_days) * 24 * 60 * 60 * 1000,
        }
    }

    pub fn broker_settings(&self) -> crate::broker::mosquitto::Settings {
        let jwt_plugin = self.jwt_plugin.clone().unwrap_or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|d| d.join("libtillor_mosquitto_jwt.so")))
                .unwrap_or_else(|| PathBuf::from("libtillor_mosquitto_jwt.so"))
        });
        let dynsec_plugin = self.dynsec_plugin.clone().unwrap_or_else(|| {
            PathBuf::from(format!(
                "/usr/lib/{}-linux-gnu/mosquitto_dynamic_security.so",
                std::env::consts::ARCH
            ))
        });
        crate::broker::mosquitto::Settings {
            mosquitto_bin: self.mosquitto_bin.clone(),
            mosquitto_ctrl_bin: self.mosquitto_ctrl_bin.clone(),
            dir: self.data_dir.join("mosquitto"),
            jwt_plugin,
            dynsec_plugin,
            jwks_file: self.data_dir.join(crate::tokens::JWKS_FILE),
            revocations_file: self.data_dir.join(crate::revocations::FILE),
            env: self.env,
            tcp_addr: self.mqtt_addr,
            ws_addr: self.mqtt_ws_addr,
            events: self.broker_events == OnOff::On,
            limits: self.limits.clone(),
            tls: self.tls.then(|| crate::broker::mosquitto::BrokerTls {
                mqtts_addr: self.mqtts_addr,
                wss_addr: self.mqtt_wss_addr,
                files: self.tls_files(),
            }),
        }
    }

    /// `TILLOR_CORS_ORIGINS` as header values. A wildcard is refused: any
    /// web page could then use an API key a browser holds.
    pub fn cors_origin_values(&self) -> Result<Vec<axum::http::HeaderValue>, String> {
        self.cors_origins
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
            .map(|o| {
                if !is_origin(o) {
                    return Err(format!(
                        "TILLOR_CORS_ORIGINS: {o:?} is not an origin such as https://dashboard.example.com (scheme and host, no path; wildcards are refused: any web page could then call the API with a key the browser holds)"
                    ));
                }
                axum::http::HeaderValue::from_str(o)
                    .map_err(|_| format!("TILLOR_CORS_ORIGINS: {o:?} is not a header value"))
            })
            .collect()
    }

    pub fn tls_files(&self) -> crate::tls::TlsFiles {
        crate::tls::TlsFiles {
            dir: self.data_dir.join("tls"),
        }
    }

    /// The host a TLS URL names: the listener's own address when the
    /// certificate names it, else the certificate's first name. A URL whose
    /// host the certificate does not name would fail verification.
    fn tls_host(&self, addr: SocketAddr) -> String {
        let ip = addr.ip().to_string();
        if self.tls_hosts.contains(&ip) {
            ip
        } else {
            self.tls_hosts.first().cloned().unwrap_or(ip)
        }
    }

    /// The console's address as the banner prints it: https with TLS, by a
    /// name the certificate has.
    pub fn console_url(&self, addr: SocketAddr) -> String {
        if self.tls {
            format!("https://{}:{}/", self.tls_host(addr), addr.port())
        } else {
            format!("http://{addr}/")
        }
    }

    /// Where the store lives (`TILLOR_DATABASE_URL`, `TILLOR_DATA_DIR`).
    pub fn store_location(&self) -> Result<crate::store::Location, String> {
        let url = self.database_url.as_ref().map(|s| s.0.as_str());
        crate::store::Location::from_settings(url, &self.data_dir)
    }

    /// The TBMQ adapter's settings (TILLOR_BROKER=tbmq).
    pub fn tbmq_settings(&self) -> crate::broker::tbmq::AccountSettings {
        crate::broker::tbmq::AccountSettings {
            url: self.tbmq_url.clone(),
            username: self.tbmq_username.clone(),
            password: self.tbmq_password.as_ref().map(|s| s.0.clone()),
            ca: self.tbmq_ca.clone(),
        }
    }

    pub fn broker_url(&self) -> String {
        self.public_mqtt_url.clone().unwrap_or_else(|| {
            if self.tls {
                let host = self.tls_host(self.mqtts_addr);
                format!("mqtts://{host}:{}", self.mqtts_addr.port())
            } else {
                format!("mqtt://{}", self.mqtt_addr)
            }
        })
    }

    pub fn broker_ws_url(&self) -> String {
        self.public_mqtt_ws_url.clone().unwrap_or_else(|| {
            if self.tls {
                let host = self.tls_host(self.mqtt_wss_addr);
                format!("wss://{host}:{}", self.mqtt_wss_addr.port())
            } else {
                format!("ws://{}", self.mqtt_ws_addr)
            }
        })
    }
}

/// An origin as the settings take it: `http(s)://host[:port]`, nothing
/// more. No wildcard, path, quote or separator that could widen a header
/// it goes into (CORS, CSP).
pub fn is_origin(s: &str) -> bool {
    let host = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    host.is_some_and(|h| !h.is_empty() && !h.contains(['/', '*', ' ', ';', ',', '\'', '"']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_orgs_parse_as_org_and_key_pairs() {
        let c = Config::try_parse_from([
            "tillor-local",
            "--seed-orgs",
            "a:aaaaaaaaaaaaaaaaaaaa,b-2:bbbbbbbbbbbbbbbbbbbb",
        ])
        .unwrap();
        assert_eq!(c.seed_orgs.len(), 2);
        assert_eq!(c.seed_orgs[1].org_id, "b-2");
    }

    #[test]
    fn a_seed_org_with_a_slash_or_a_short_key_is_refused() {
        assert!("a/b:aaaaaaaaaaaaaaaaaaaa".parse::<SeedOrg>().is_err());
        assert!("a:short".parse::<SeedOrg>().is_err());
        assert!("nokey".parse::<SeedOrg>().is_err());
    }

    #[test]
    fn advertised_urls_default_to_the_listeners() {
        let c = Config::try_parse_from(["tillor-local"]).unwrap();
        assert_eq!(c.broker_url(), "mqtt://127.0.0.1:1883");
        assert_eq!(c.broker_ws_url(), "ws://127.0.0.1:8083");
    }

    #[test]
    fn with_tls_the_advertised_urls_are_the_tls_listeners_by_a_name_the_certificate_has() {
        let c = Config::try_parse_from(["tillor-local", "--tls"]).unwrap();
        assert_eq!(c.broker_url(), "mqtts://127.0.0.1:8883");
        assert_eq!(c.broker_ws_url(), "wss://127.0.0.1:8084");
        let named = Config::try_parse_from([
            "tillor-local",
            "--tls",
            "--tls-hosts",
            "mqtt.local",
            "--mqtts-addr",
            "0.0.0.0:8883",
        ])
        .unwrap();
        assert_eq!(named.broker_url(), "mqtts://mqtt.local:8883");
        let off = Config::try_parse_from(["tillor-local", "--tls=false"]).unwrap();
        assert!(!off.tls);
    }
}
