//! Headless Chromium through /usr/bin/chromedriver, and the few primitives the
//! page objects build on: find, click, type, read, wait.

use std::future::Future;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

const WAIT: Duration = Duration::from_secs(15);

struct Chromedriver(Child);

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `test` with a fresh headless Chromium; the browser is closed whatever
/// happens, so a failing test never leaves Chromium behind.
pub async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browser_trusting(None, test).await
}

/// As `with_browser`, with Chromium trusting the CA in `ca` (PEM) as a user
/// who imported it would: an NSS database in a home of its own, made with
/// Debian's certutil. Chromium on Linux reads `$HOME/.pki/nssdb`.
pub async fn with_browser_trusting<F, Fut>(ca: Option<&std::path::Path>, test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browser_as(ca, Theme::Light, test).await
}

/// The colour scheme the browser asks pages for (`prefers-color-scheme`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

/// A browser whose pages see `theme` as the user's colour scheme.
pub async fn with_browser_in<F, Fut>(theme: Theme, test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browser_as(None, theme, test).await
}

async fn with_browser_as<F, Fut>(ca: Option<&std::path::Path>, theme: Theme, test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let home = tempfile::tempdir().unwrap();
    if let Some(ca) = ca {
        let db = home.path().join(".pki/nssdb");
        std::fs::create_dir_all(&db).unwrap();
        let db = format!("sql:{}", db.display());
        let certutil = |args: &[&str]| {
            let status = Command::new("certutil")
                .args(args)
                .status()
                .expect("certutil (apt-get install libnss3-tools; scripts/test does)");
            assert!(status.success(), "certutil {args:?}");
        };
        certutil(&["-N", "-d", &db, "--empty-password"]);
        let ca = ca.display().to_string();
        certutil(&[
            "-A",
            "-d",
            &db,
            "-t",
            "C,,",
            "-n",
            "tillor-local-ca",
            "-i",
            &ca,
        ]);
    }
    let port = tillor_harness::free_port();
    let driver = Chromedriver(
        Command::new(
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()),
        )
        .env("HOME", home.path())
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (apt-get install chromium-driver; scripts/test does)"),
    );
    let profile = tempfile::tempdir().unwrap();
    let scheme = match theme {
        Theme::Light => "--blink-settings=preferredColorScheme=1",
        Theme::Dark => "--blink-settings=preferredColorScheme=0",
    };
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM_BINARY").unwrap_or_else(|_| "/usr/lib/chromium/chromium".into()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-extensions", "--no-first-run",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()), scheme,
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
    let outcome = tokio::spawn(test(Browser(client.clone()))).await;
    let _ = client.close().await;
    drop(driver);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// The browser a test drives; page objects wrap it.
#[derive(Clone)]
pub struct Browser(pub Client);

impl Browser {
    /// Opens `url` and starts collecting console errors, so a timeout can show
    /// a panic, and what the page's Content-Security-Policy blocked.
    pub async fn open(&self, url: &str) {
        self.0.goto(url).await.unwrap();
        let _ = self
            .0
            .execute(
                "window.__tillorErrors = []; const e = console.error; console.error = (...a) => { window.__tillorErrors.push(a.join(' ')); e(...a); };\
                 window.__tillorCsp = []; document.addEventListener('securitypolicyviolation', v => window.__tillorCsp.push(v.violatedDirective + ' blocked ' + (v.blockedURI || 'inline') + ' ' + (v.sample || '')));",
                vec![],
            )
            .await;
    }

    /// What axe-core (WCAG 2.1 A and AA rules) finds wrong on the page as it
    /// is now: one line per rule, naming the elements. axe is put in through
    /// WebDriver, which the page's Content-Security-Policy does not govern.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        if !self.holds("return !!window.axe").await {
            let path = super::paths::tools_dir().join("node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (scripts/setup.sh installs tools/ from npm)",
                    path.display()
                )
            });
            self.0
                .execute(&format!("{source}\nreturn true;"), vec![])
                .await
                .expect("axe-core loads");
        }
        let found = self
            .0
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
                   .then(r => done(JSON.stringify(r.violations.map(v => v.id + ' (' + v.impact + '): ' +\
                     v.nodes.map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | ')))))\
                   .catch(e => done(JSON.stringify(['axe failed: ' + e])));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        serde_json::from_str(found.as_str().unwrap_or("[]")).unwrap_or_default()
    }

    /// What the page's Content-Security-Policy blocked since `open`: the
    /// console must run under its own policy without a single refusal.
    pub async fn csp_violations(&self) -> Vec<String> {
        let json = self
            .eval("return JSON.stringify(window.__tillorCsp || [])")
            .await;
        serde_json::from_str(&json).unwrap_or_default()
    }

    /// Waits for an element; WebDriver's own wait, so no sleeps in tests.
    pub async fn find(&self, css: &str) -> Element {
        self.0
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    pub async fn exists(&self, css: &str) -> bool {
        self.0.find(Locator::Css(css)).await.is_ok()
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.0.find_all(Locator::Css(css)).await.unwrap()
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Flips a checkbox. The page can move under a click (a list above it
    /// grows as the broker reports a connection), so it clicks until the box
    /// has flipped, as a user would look and click again.
    pub async fn toggle(&self, css: &str) {
        let checked = format!("return document.querySelector({}).checked", js(css));
        let before = self.holds(&checked).await;
        for _ in 0..5 {
            self.click(css).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            if self.holds(&checked).await != before {
                return;
            }
        }
        panic!("{css} did not change when clicked");
    }

    /// Types into a field after clearing it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.unwrap()
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn is_enabled(&self, css: &str) -> bool {
        self.find(css).await.is_enabled().await.unwrap()
    }

    /// Sets a field or select the way a user's input does (with its event).
    pub async fn set_value(&self, css: &str, value: &str, event: &str) {
        let script = format!(
            "const s = document.querySelector({}); s.value = {}; s.dispatchEvent(new Event({})); return ''",
            serde_json::to_string(css).unwrap(),
            serde_json::to_string(value).unwrap(),
            serde_json::to_string(event).unwrap(),
        );
        self.eval(&script).await;
    }

    /// Sends a key (WebDriver code) to the focused element.
    /// Whether the focused element shows that it has focus: an outline or a
    /// shadow, as `:focus-visible` draws it (not the page itself).
    pub async fn focus_is_visible(&self) -> bool {
        self.holds(
            "const e = document.activeElement; if (!e || e === document.body) return false;\
             const s = getComputedStyle(e);\
             return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');",
        )
        .await
    }

    /// What has focus, for messages: tag, id and class.
    pub async fn focused(&self) -> String {
        self.eval(
            "const e = document.activeElement; return e ? e.tagName + '#' + e.id + '.' + e.className : 'nothing'",
        )
        .await
    }

    /// Presses Tab (Shift+Tab when `backwards`) until the focused element
    /// matches `css`, at most `limit` times; the focus must be visible at
    /// every stop on the way. Returns how many presses it took.
    pub async fn tab_to(&self, css: &str, backwards: bool, limit: usize) -> usize {
        let key = if backwards {
            "\u{e008}\u{e004}"
        } else {
            "\u{e004}"
        };
        let matches = format!(
            "return document.activeElement?.matches({}) === true",
            js(css)
        );
        for presses in 1..=limit {
            self.press(key).await;
            assert!(
                self.focus_is_visible().await,
                "focus is not visible on {} (on the way to {css})",
                self.focused().await
            );
            if self.holds(&matches).await {
                return presses;
            }
        }
        panic!(
            "{css} not reached in {limit} presses; focus is on {}",
            self.focused().await
        );
    }

    pub async fn press(&self, key: &str) {
        self.0
            .active_element()
            .await
            .unwrap()
            .send_keys(key)
            .await
            .unwrap();
    }

    /// Runs a script and returns its value as a string.
    pub async fn eval(&self, script: &str) -> String {
        match self.0.execute(script, vec![]).await.unwrap() {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }
    }

    pub async fn holds(&self, script: &str) -> bool {
        self.0.execute(script, vec![]).await.unwrap() == serde_json::Value::Bool(true)
    }

    /// Waits for an element and reads an attribute of it in the same look:
    /// a live list may replace the element between two looks.
    pub async fn wait_for_attr(&self, css: &str, name: &str, what: &str) -> Option<String> {
        let script = format!(
            "const e = document.querySelector({}); return e ? [e.getAttribute({})] : null",
            js(css),
            js(name)
        );
        let deadline = Instant::now() + WAIT;
        loop {
            if let serde_json::Value::Array(found) = self.0.execute(&script, vec![]).await.unwrap()
            {
                return found.first().and_then(|v| v.as_str()).map(str::to_owned);
            }
            if Instant::now() >= deadline {
                // Gives up the way every wait does, with what the page showed.
                self.wait_until_within("return false", what, Duration::ZERO)
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until `script` returns true.
    pub async fn wait_until(&self, script: &str, what: &str) {
        self.wait_until_within(script, what, WAIT).await
    }

    /// `wait_until` for what takes longer, such as a token's expiry.
    pub async fn wait_until_within(&self, script: &str, what: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            if self.holds(script).await {
                return;
            }
            if Instant::now() >= deadline {
                // What the page showed when it gave up, for whoever reads the failure.
                self.screenshot(&format!("timeout-{}", what.replace(' ', "-")))
                    .await;
                let text = self.eval("return document.body.innerText").await;
                let errors = self
                    .eval("return JSON.stringify(window.__tillorErrors || [])")
                    .await;
                panic!(
                    "timed out waiting for {what}; console errors: {errors}; the page said:\n{text}"
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) {
        let dir = super::paths::screenshot_dir();
        let png = self.0.screenshot().await.expect("screenshot");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// The page's HTML, storage and address, to prove a secret is nowhere.
    pub async fn everything_stored(&self) -> String {
        self.eval("return document.documentElement.outerHTML + JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + location.href + history.length").await
    }
}

/// A JavaScript string literal.
pub fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}
