//! Starts the real `tillor-local` binary on a free port with a real database file.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Stack {
    child: Child,
    pub base: String,
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

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn creds_path(org: &str) -> String {
    format!("/api/orgs/{org}/mqtt/credentials")
}

pub fn static_path(org: &str) -> String {
    format!("/api/orgs/{org}/mqtt/static-credentials")
}
