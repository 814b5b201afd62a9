//! What the end-to-end tests stand on: the shared stack harness (the real
//! `tillor-local` with its broker), headless Chromium, and page objects that
//! know where things are on screen. Tests say what a user does; only the page
//! objects know selectors, and those are roles, ids and `data-*` hooks, never
//! translated copy, so a change of wording never breaks a test.

// Each test file uses a part of the support; the rest is unused there.
#![allow(dead_code, unused_imports)]

mod browser;
mod connections_page;
mod console_page;
mod lifecycle_page;
mod paths;
mod test_client_page;

use std::ops::Deref;
use std::path::Path;

use paths::console_dist;

pub use browser::{with_browser, with_browser_in, with_browser_trusting, Browser, Theme};
pub use connections_page::ConnectionsPage;
pub use console_page::ConsolePage;
pub use lifecycle_page::LifecyclePage;
pub use test_client_page::{TestClientPage, ROW_PX};
pub use tillor_harness::{mosquitto, mosquitto_as, Launch, KEY_B, ORG_B};

/// The stack serving the built console, in a data directory of its own.
pub struct E2eStack {
    stack: tillor_harness::Stack,
    _data: tempfile::TempDir,
    _pages: Option<tempfile::TempDir>,
}

impl Deref for E2eStack {
    type Target = tillor_harness::Stack;
    fn deref(&self) -> &Self::Target {
        &self.stack
    }
}

impl E2eStack {
    /// The real server on a free port with a fresh database file and the built console.
    pub fn start() -> E2eStack {
        Self::start_with(&[], &[])
    }

    /// The same, serving the built console plus `extra` pages (name, HTML) that
    /// only a test needs, such as a host page with a strict CSP, and with more
    /// environment for tillor-local.
    pub fn start_with(extra: &[(&str, &str)], env: &[(&str, &str)]) -> E2eStack {
        let pages = (!extra.is_empty()).then(|| {
            let dir = tempfile::tempdir().unwrap();
            for entry in std::fs::read_dir(console_dist()).unwrap() {
                let entry = entry.unwrap();
                if entry.file_type().unwrap().is_file() {
                    std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
                }
            }
            for (name, html) in extra {
                std::fs::write(dir.path().join(name), html).unwrap();
            }
            dir
        });
        let console = pages
            .as_ref()
            .map(|d| d.path().to_owned())
            .unwrap_or_else(console_dist);
        let data = tempfile::tempdir().unwrap();
        let stack = tillor_harness::Stack::launch(
            &data.path().join("data"),
            Launch {
                console_dir: Some(Path::new(&console)),
                env,
                ..Launch::default()
            },
        );
        E2eStack {
            stack,
            _data: data,
            _pages: pages,
        }
    }

    /// Stops the stack and starts it again on the same data, ports and
    /// console, as an operator restarting it would (without extra env).
    pub fn restart(self) -> E2eStack {
        let E2eStack {
            stack,
            _data,
            _pages,
        } = self;
        let (data_dir, ports) = (stack.data_dir.clone(), (stack.mqtt_port, stack.ws_port));
        stack.stop();
        let console = _pages
            .as_ref()
            .map(|d| d.path().to_owned())
            .unwrap_or_else(console_dist);
        let stack = tillor_harness::Stack::launch(
            &data_dir,
            Launch {
                console_dir: Some(Path::new(&console)),
                ports: Some(ports),
                ..Launch::default()
            },
        );
        E2eStack {
            stack,
            _data,
            _pages,
        }
    }

    /// `tillor/local/<demo org>/integration`
    pub fn prefix(&self) -> String {
        format!("tillor/local/{}/integration", self.org)
    }
}

/// One QoS 1 message from mosquitto_pub with a static credential.
pub fn publish(port: u16, cred: &serde_json::Value, topic: &str, message: &str) {
    let status = mosquitto(
        "mosquitto_pub",
        port,
        cred,
        &["-t", topic, "-m", message, "-q", "1"],
    )
    .status()
    .unwrap();
    assert!(status.success());
}

/// QoS 1 messages from one mosquitto_pub, one per line of its stdin.
pub fn publish_lines(
    port: u16,
    cred: &serde_json::Value,
    topic: &str,
    lines: impl Iterator<Item = String>,
) {
    use std::io::Write;
    let text: String = lines.map(|l| l + "\n").collect();
    let mut publisher = mosquitto("mosquitto_pub", port, cred, &["-t", topic, "-q", "1", "-l"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    publisher
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    assert!(publisher.wait().unwrap().success());
}
