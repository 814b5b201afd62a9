//! Starts the real `tillor-local` binary on a free port with a real database file.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub mod mqtt;

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

pub const ORG_B: &str = "org-b";
pub const KEY_B: &str = "tk_second-organisation-key-0123456789";

impl Stack {
    /// Starts the stack on `data_dir`, with a second organisation seeded.
    pub fn start(data_dir: &Path, extra_env: &[(&str, &str)]) -> Stack {
        Self::start_on(data_dir, free_port(), free_port(), extra_env)
    }

    /// As `start`, on given broker ports (a restart keeps its ports).
    pub fn start_on(
        data_dir: &Path,
        mqtt_port: u16,
        ws_port: u16,
        extra_env: &[(&str, &str)],
    ) -> Stack {
        let log_file = data_dir.with_extension(format!("{}.log", std::process::id()));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_file)
            .unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tillor-local"));
        cmd.env_clear()
            .env("TILLOR_HTTP_ADDR", "127.0.0.1:0")
            .env("TILLOR_DATA_DIR", data_dir)
            .env("TILLOR_SEED_ORGS", format!("{ORG_B}:{KEY_B}"))
            .env("TILLOR_CONSOLE_DIR", data_dir.join("no-console"))
            .env("TILLOR_LOG", "debug")
            .env("TILLOR_MQTT_ADDR", format!("127.0.0.1:{mqtt_port}"))
            .env("TILLOR_MQTT_WS_ADDR", format!("127.0.0.1:{ws_port}"))
            .env("TILLOR_MOSQUITTO_JWT_PLUGIN", jwt_plugin())
            .stdout(Stdio::piped())
            .stderr(log);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start tillor-local");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut field = |label: &str| loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("tillor-local exited before printing {label}"))
                .unwrap();
            if let Some(rest) = line.trim().strip_prefix(label) {
                return rest.trim().to_owned();
            }
        };
        let base = field("console:").trim_end_matches('/').to_owned();
        let org = field("demo org:");
        let key = field("API key:");
        Stack {
            child,
            base,
            mqtt_port,
            ws_port,
            org,
            key,
            data_dir: data_dir.to_owned(),
            log_file,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to `path` as the demo organisation, both headers set.
    pub fn as_demo(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, self.url(path))
            .header("x-api-key", &self.key)
            .header("X-Tillor-Org-Id", &self.org)
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
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
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

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The JWT plugin built beside the binary under test.
pub fn jwt_plugin() -> PathBuf {
    let plugin =
        Path::new(env!("CARGO_BIN_EXE_tillor-local")).with_file_name("libtillor_mosquitto_jwt.so");
    assert!(
        plugin.exists(),
        "{} is missing: cargo build -p tillor-mosquitto-jwt (scripts/test does)",
        plugin.display()
    );
    plugin
}

pub fn creds_path(org: &str) -> String {
    format!("/api/orgs/{org}/mqtt/credentials")
}

pub fn static_path(org: &str) -> String {
    format!("/api/orgs/{org}/mqtt/static-credentials")
}
