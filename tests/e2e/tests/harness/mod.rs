//! The real parts an end-to-end test needs: the local stack serving the built
//! console, and headless Chromium driven through /usr/bin/chromedriver.

#![allow(dead_code)]

use std::future::Future;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use fantoccini::{Client, ClientBuilder, Locator};
use tillor_local::Config;

pub const ORG_B: &str = "org-b";
pub const KEY_B: &str = "tk_e2e-second-org-key-0123456789";

pub struct Stack {
    pub base: String,
    pub mqtt_port: u16,
    pub org: String,
    pub key: String,
    _data: tempfile::TempDir,
    _pages: Option<tempfile::TempDir>,
}

fn console_dist() -> PathBuf {
    let dist = manifest_dir().join("../../dist");
    assert!(
        dist.join("index.html").exists(),
        "no console build at {}: run scripts/test (it builds the console with trunk first)",
        dist.display()
    );
    dist
}

/// The broker plugin, built into the same target directory as this test
/// (`target/<profile>/deps/<test>` → `target/<profile>/`).
fn jwt_plugin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let plugin = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("libtillor_mosquitto_jwt.so");
    assert!(
        plugin.exists(),
        "{} is missing: cargo build -p tillor-mosquitto-jwt (scripts/test does)",
        plugin.display()
    );
    plugin
}

impl Stack {
    /// The real server on a free port with a fresh database file and the built console.
    pub async fn start() -> Stack {
        Stack::start_serving(console_dist()).await
    }

    /// The same, serving the built console plus `extra` pages (name, HTML) that
    /// only a test needs, such as a host page with a strict CSP.
    pub async fn start_with_pages(extra: &[(&str, &str)]) -> Stack {
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
        let mut stack = Stack::start_serving(dir.path().to_owned()).await;
        stack._pages = Some(dir);
        stack
    }

    async fn start_serving(console: PathBuf) -> Stack {
        let data = tempfile::tempdir().unwrap();
        let mqtt_port = free_port();
        let mqtt = format!("127.0.0.1:{mqtt_port}");
        let ws = format!("127.0.0.1:{}", free_port());
        let config = Config::try_parse_from([
            "tillor-local",
            "--http-addr",
            "127.0.0.1:0",
            "--data-dir",
            data.path().to_str().unwrap(),
            "--console-dir",
            console.to_str().unwrap(),
            "--seed-orgs",
            &format!("{ORG_B}:{KEY_B}"),
            "--mqtt-addr",
            &mqtt,
            "--mqtt-ws-addr",
            &ws,
            "--jwt-plugin",
            jwt_plugin().to_str().unwrap(),
        ])
        .unwrap();
        let running = tillor_local::start(config).await.expect("stack starts");
        Stack {
            base: format!("http://{}", running.addr),
            mqtt_port,
            org: running.demo.org_id,
            key: running.demo.api_key,
            _data: data,
            _pages: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Kills this stack's Mosquitto (found by its config in our data directory);
    /// the stack's supervisor starts a new one.
    pub fn kill_broker(&self) {
        let config = self._data.path().join("mosquitto/mosquitto.conf");
        let config = config.to_str().unwrap();
        let pid = std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .find(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .map(|c| String::from_utf8_lossy(&c).contains(config))
                    .unwrap_or(false)
            })
            .expect("this stack's mosquitto");
        let status = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub async fn create_static(&self, name: &str) -> serde_json::Value {
        let resp = reqwest::Client::new()
            .post(self.url(&tillor_contract::api::static_credentials_path(&self.org)))
            .header("x-api-key", &self.key)
            .header("X-Tillor-Org-Id", &self.org)
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        resp.json().await.unwrap()
    }
}

/// `mosquitto_pub` / `mosquitto_sub` on the broker's TCP port with a static
/// credential from the API.
pub fn mosquitto(tool: &str, port: u16, cred: &serde_json::Value, args: &[&str]) -> Command {
    let mut cmd = Command::new(tool);
    cmd.args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["-u", cred["userName"].as_str().unwrap()])
        .args(["-P", cred["password"].as_str().unwrap()])
        .args(["-i", cred["clientId"].as_str().unwrap()])
        .args(args);
    cmd
}

struct Chromedriver(Child);

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `test` with a fresh headless Chromium; the browser is closed whatever
/// happens, so a failing test never leaves Chromium behind.
pub async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let port = free_port();
    let driver = Chromedriver(
        Command::new(
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()),
        )
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (apt-get install chromium-driver; scripts/test does)"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM_BINARY").unwrap_or_else(|_| "/usr/lib/chromium/chromium".into()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-extensions", "--no-first-run",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let client = loop {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if Instant::now() > deadline => panic!("chromedriver did not start: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    let outcome = tokio::spawn(test(client.clone())).await;
    let _ = client.close().await;
    drop(driver);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Waits for an element; WebDriver's own wait, so no sleeps in tests.
pub async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// Waits until `css` has exactly `text`.
pub async fn wait_for_text(c: &Client, css: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let got = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if got == text {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} shows {got:?}, expected {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Fills the settings panel and submits it (and starts collecting console
/// errors, so a timeout can show a panic).
pub async fn choose_organisation(c: &Client, org: &str, key: &str) {
    let _ = c
        .execute(
            "window.__tillorErrors = []; const e = console.error; console.error = (...a) => { window.__tillorErrors.push(a.join(' ')); e(...a); };",
            vec![],
        )
        .await;
    find(c, "#org-id").await.send_keys(org).await.unwrap();
    find(c, "#api-key").await.send_keys(key).await.unwrap();
    find(c, ".organisation-picker button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
}

/// Saves a PNG of the page to `tests/e2e/screenshots/<name>.png` (or
/// `$TILLOR_SCREENSHOT_DIR`), one per state a test reaches, so anyone can look
/// at what the browser showed.
pub async fn screenshot(c: &Client, name: &str) {
    let dir = std::env::var("TILLOR_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest_dir().join("screenshots"));
    let png = c.screenshot().await.expect("screenshot");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Clicks the element matching `css`.
pub async fn click(c: &Client, css: &str) {
    find(c, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Runs a script and returns its value as a string.
pub async fn eval(c: &Client, script: &str) -> String {
    let v = c.execute(script, vec![]).await.unwrap();
    match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Waits until `script` returns true.
pub async fn wait_until(c: &Client, script: &str, what: &str) {
    wait_until_within(c, script, what, Duration::from_secs(15)).await
}

/// `wait_until` for what takes longer, such as a token's expiry.
pub async fn wait_until_within(c: &Client, script: &str, what: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        if c.execute(script, vec![]).await.unwrap() == serde_json::Value::Bool(true) {
            return;
        }
        if Instant::now() >= deadline {
            // What the page showed when it gave up, for whoever reads the failure.
            screenshot(c, &format!("timeout-{}", what.replace(' ', "-"))).await;
            let text = c
                .execute("return document.body.innerText", vec![])
                .await
                .map(|v| v.to_string())
                .unwrap_or_default();
            let errors = c
                .execute("return JSON.stringify(window.__tillorErrors || [])", vec![])
                .await
                .map(|v| v.to_string())
                .unwrap_or_default();
            panic!(
                "timed out waiting for {what}; console errors: {errors}; the page said:\n{text}"
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// This crate's folder, read when the test runs (cargo sets it), not when it
/// was built: a target directory shared between clones can hold a binary built
/// in another checkout, which would then serve that checkout's console.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
