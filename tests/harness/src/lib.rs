//! The one way tests start the local stack: the real `tillor-local` binary,
//! with its supervised Mosquitto and our JWT plugin, on free ports, with a real
//! SQLite file in a data directory the test owns. The server's integration
//! tests and the end-to-end tests both use it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A second organisation, seeded at every start, for cross-organisation tests.
pub const ORG_B: &str = "org-b";
pub const KEY_B: &str = "tk_second-organisation-key-0123456789";

/// A port nothing listens on right now. Binding port 0 and releasing it could
/// race with another process in theory; it has not been seen.
/// The PostgreSQL server the tests run against, when `scripts/test` started
/// one (`TILLOR_TEST_DATABASE_URL`); without it the stack uses SQLite.
pub const TEST_DATABASE_ENV: &str = "TILLOR_TEST_DATABASE_URL";

/// The tests' TILLOR_KEY_ENCRYPTION_KEY (32 bytes, base64).
pub const TEST_KEY_ENCRYPTION_KEY: &str = "dGlsbG9yLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmchISE=";

/// A new, empty database on the test PostgreSQL server, so each stack or
/// store starts clean: its URL, or `None` when the tests use SQLite.
/// (psql comes with Debian's postgresql package.)
pub fn fresh_postgres_database() -> Option<String> {
    let server = std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|u| !u.is_empty())?;
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        FRESH_DATABASES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let out = Command::new("psql")
        .args([server.as_str(), "-v", "ON_ERROR_STOP=1", "-qc"])
        .arg(format!("CREATE DATABASE {name}"))
        .output()
        .expect("psql (Debian's postgresql-client) runs");
    assert!(
        out.status.success(),
        "cannot make a test database on {TEST_DATABASE_ENV}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The server URL names a database (…/postgres): swap in the new one.
    let (base, _) = server.rsplit_once('/').expect("a URL with a database");
    Some(format!("{base}/{name}"))
}

/// The test PostgreSQL server's password (`None` on SQLite), for tests that
/// check it never reaches a log or a printout.
pub fn test_database_password() -> Option<String> {
    let server = std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|u| !u.is_empty())?;
    let credentials = server
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'));
    let password = credentials
        .and_then(|(user, _)| user.split_once(':'))
        .map(|(_, p)| p);
    Some(
        password
            .expect("the test cluster has a password")
            .to_owned(),
    )
}

static FRESH_DATABASES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The target directory's profile folder of the running test binary
/// (`target/<profile>/deps/<test>` → `target/<profile>/`), where cargo puts
/// `tillor-local` and the broker plugin.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("a test binary lives in target/<profile>/deps")
        .to_owned()
}

fn built(name: &str) -> PathBuf {
    let path = profile_dir().join(name);
    assert!(
        path.exists(),
        "{} is missing: cargo build -p tillor-local -p tillor-mosquitto-jwt (scripts/test does)",
        path.display()
    );
    path
}

/// Our JWT plugin for Mosquitto, built beside the binary under test.
pub fn jwt_plugin() -> PathBuf {
    built("libtillor_mosquitto_jwt.so")
}

/// How to start a stack beyond the defaults.
#[derive(Default)]
pub struct Launch<'a> {
    /// The built console to serve; none by default.
    pub console_dir: Option<&'a Path>,
    /// The broker's MQTT and WebSocket ports (a restart keeps its ports).
    pub ports: Option<(u16, u16)>,
    /// More environment for tillor-local, e.g. `TILLOR_PUBLIC_MQTT_WS_URL`.
    pub env: &'a [(&'a str, &'a str)],
}

pub struct Stack {
    child: Child,
    pub base: String,
    pub mqtt_port: u16,
    pub ws_port: u16,
    pub org: String,
    pub key: String,
    pub data_dir: PathBuf,
    pub log_file: PathBuf,
}

impl Stack {
    /// Starts the stack on `data_dir`, with a second organisation seeded.
    pub fn start(data_dir: &Path, env: &[(&str, &str)]) -> Stack {
        Self::launch(
            data_dir,
            Launch {
                env,
                ..Launch::default()
            },
        )
    }

    /// As `start`, on given broker ports (a restart keeps its ports).
    pub fn start_on(data_dir: &Path, mqtt_port: u16, ws_port: u16, env: &[(&str, &str)]) -> Stack {
        Self::launch(
            data_dir,
            Launch {
                ports: Some((mqtt_port, ws_port)),
                env,
                ..Launch::default()
            },
        )
    }

    /// Starts the stack. Free ports are picked by binding port 0 and letting
    /// go, so another test may take one before the broker binds it: then the
    /// stack says the port is taken, and it starts again on other ports.
    pub fn launch(data_dir: &Path, launch: Launch<'_>) -> Stack {
        install_crypto();
        for _ in 0..3 {
            let ports = launch.ports.unwrap_or_else(|| (free_port(), free_port()));
            match Self::try_launch(data_dir, &launch, ports) {
                Ok(stack) => return stack,
                Err(log) if launch.ports.is_none() && log.contains("cannot use") => continue,
                Err(log) => panic!("tillor-local did not start; its log ends:\n{log}"),
            }
        }
        panic!("tillor-local found its ports taken three times");
    }

    fn try_launch(
        data_dir: &Path,
        launch: &Launch<'_>,
        ports: (u16, u16),
    ) -> Result<Stack, String> {
        let (mqtt_port, ws_port) = ports;
        let log_file = data_dir.with_extension(format!("{}.log", std::process::id()));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_file)
            .unwrap();
        let console = launch
            .console_dir
            .map(Path::to_owned)
            .unwrap_or_else(|| data_dir.join("no-console"));
        let mut cmd = Command::new(built("tillor-local"));
        cmd.env_clear()
            .env("TILLOR_HTTP_ADDR", "127.0.0.1:0")
            .env("TILLOR_DATA_DIR", data_dir)
            .env("TILLOR_SEED_ORGS", format!("{ORG_B}:{KEY_B}"))
            .env("TILLOR_CONSOLE_DIR", console)
            .env("TILLOR_LOG", "debug")
            .env("TILLOR_MQTT_ADDR", format!("127.0.0.1:{mqtt_port}"))
            .env("TILLOR_MQTT_WS_ADDR", format!("127.0.0.1:{ws_port}"))
            .env("TILLOR_MOSQUITTO_JWT_PLUGIN", jwt_plugin())
            .stdout(Stdio::piped())
            .stderr(log);
        // One database per data directory, so a restart finds its data.
        let database = data_dir.with_extension("database-url");
        let url = std::fs::read_to_string(&database).ok().or_else(|| {
            let url = fresh_postgres_database()?;
            std::fs::write(&database, &url).unwrap();
            Some(url)
        });
        if let Some(url) = url {
            cmd.env("TILLOR_DATABASE_URL", url);
        }
        if std::env::var_os(TEST_DATABASE_ENV).is_some() {
            // What seals the signing keys in a shared database.
            cmd.env("TILLOR_KEY_ENCRYPTION_KEY", TEST_KEY_ENCRYPTION_KEY);
        }
        for (k, v) in launch.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start tillor-local");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut field = |label: &str| loop {
            let line = lines.next().and_then(Result::ok)?;
            if let Some(rest) = line.trim().strip_prefix(label) {
                return Some(rest.trim().to_owned());
            }
        };
        let (Some(base), Some(org), Some(key)) =
            (field("console:"), field("demo org:"), field("API key:"))
        else {
            let _ = child.wait();
            let all = std::fs::read_to_string(&log_file).unwrap_or_default();
            let tail: Vec<&str> = all.lines().rev().take(20).collect();
            return Err(tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        };
        Ok(Stack {
            child,
            base: base.trim_end_matches('/').to_owned(),
            mqtt_port,
            ws_port,
            org,
            key,
            data_dir: data_dir.to_owned(),
            log_file,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The stack's private CA (only with TILLOR_TLS).
    pub fn ca_file(&self) -> PathBuf {
        self.data_dir.join("tls/ca.pem")
    }

    /// An HTTP client for this stack: one that trusts its private CA when
    /// it serves HTTPS, and only that.
    pub fn http(&self) -> reqwest::Client {
        install_crypto();
        if !self.base.starts_with("https://") {
            return reqwest::Client::new();
        }
        let pem = std::fs::read(self.ca_file()).expect("the stack's CA");
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .build()
            .unwrap()
    }

    /// A request to `path` as the demo organisation, both headers set.
    pub fn as_demo(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http()
            .request(method, self.url(path))
            .header("x-api-key", &self.key)
            .header("X-Tillor-Org-Id", &self.org)
    }

    /// Creates a static credential for the demo organisation through the API.
    pub async fn create_static(&self, name: &str) -> serde_json::Value {
        let resp = self
            .as_demo(
                reqwest::Method::POST,
                &tillor_contract::api::static_credentials_path(&self.org),
            )
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        resp.json().await.unwrap()
    }

    /// Creates a JWT credential for the demo organisation through the API,
    /// for `client_id` (the env prefix is added).
    pub async fn create_jwt(&self, client_id: &str) -> serde_json::Value {
        let resp = self
            .as_demo(
                reqwest::Method::POST,
                &tillor_contract::api::jwt_credentials_path(&self.org),
            )
            .json(&serde_json::json!({ "clientId": client_id }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        resp.json().await.unwrap()
    }

    /// The dynamic-security admin's password (it can watch every topic: `#`).
    pub fn admin_password(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("mosquitto/admin-password"))
            .unwrap()
            .trim()
            .to_owned()
    }

    /// Mosquitto's pid: the child of tillor-local whose name is mosquitto.
    pub fn mosquitto_pid(&self) -> u32 {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", self.child.id())).unwrap();
        tasks
            .flatten()
            .flat_map(|t| {
                let c = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
                c.split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok())
                    .collect::<Vec<_>>()
            })
            .find(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|c| c.trim() == "mosquitto")
            })
            .expect("mosquitto runs as a child of tillor-local")
    }

    /// Kills Mosquitto outright; the stack's supervisor starts a new one.
    pub fn kill_broker(&self) {
        let status = Command::new("kill")
            .args(["-KILL", &self.mosquitto_pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }

    pub fn stop(mut self) {
        self.kill();
    }

    /// SIGTERM first, as an operator would stop it (graceful shutdown ends the
    /// broker too); SIGKILL only if it does not exit.
    fn kill(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `mosquitto_pub` / `mosquitto_sub` on the broker's TCP port with a static
/// credential from the API.
/// One TLS provider for the whole test process (see Cargo.toml); the first
/// call installs it, later ones find it there.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn mosquitto(tool: &str, port: u16, cred: &serde_json::Value, args: &[&str]) -> Command {
    let field = |name: &str| cred[name].as_str().unwrap();
    mosquitto_as(
        tool,
        port,
        field("userName"),
        field("password"),
        field("clientId"),
        args,
    )
}

/// The same with any username, password and clientId: an empty username and
/// a token as the password is how a JWT integration connects.
pub fn mosquitto_as(
    tool: &str,
    port: u16,
    user: &str,
    password: &str,
    client_id: &str,
    args: &[&str],
) -> Command {
    let mut cmd = Command::new(tool);
    cmd.args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["-u", user, "-P", password, "-i", client_id])
        .args(args);
    cmd
}
