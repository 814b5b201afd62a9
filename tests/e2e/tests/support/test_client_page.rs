//! The test client: credential, connection, diagnostics (found by their
//! `data-step` kind), subscriptions, publishing and the message log.

use std::time::Duration;

use super::browser::{js, Browser};

pub struct TestClientPage(pub Browser);

/// Pixel height of one log row (the list is virtual, rows are fixed).
pub const ROW_PX: u32 = 28;
const MESSAGES: &str = "#tc-messages li";
const GRANTED_QOS_1: &str = ".subscriptions li[data-state='granted'][data-qos='1']";
const OPEN: &str = "[data-open-part=test-client]";
const LOAD_FAILED: &str = "[data-part-failed=test-client]";

fn steps_of(kind: &str) -> String {
    format!(
        "document.querySelectorAll('.diagnostics li[data-step={}]').length",
        js(kind)
    )
}

impl TestClientPage {
    pub fn new(b: &Browser) -> TestClientPage {
        TestClientPage(b.clone())
    }

    /// Opens the test client by its button (its code is fetched then), unless
    /// it is open already; "Use in test client" opens it too.
    pub async fn open(&self) {
        if self.0.exists(OPEN).await {
            self.press_open().await;
        }
        self.0.find(".manual-credential, #tc-connect").await;
    }

    /// Clicks the open button, without waiting for the code to arrive.
    pub async fn press_open(&self) {
        self.0.click(OPEN).await;
    }

    /// Waits for the card to say its code could not be fetched (an alert).
    pub async fn wait_for_load_failure(&self) {
        self.0.find(&format!("{LOAD_FAILED}[role=alert]")).await;
    }

    /// The alert's retry button.
    pub async fn retry_load(&self) {
        self.0.click(&format!("{LOAD_FAILED} button")).await;
    }

    // The credential and the connection.

    /// Types a static credential into the test client and uses it.
    pub async fn type_credential(&self, cred: &serde_json::Value, password: &str) {
        self.open().await;
        let b = &self.0;
        b.type_into("#tc-user", cred["userName"].as_str().unwrap())
            .await;
        b.type_into("#tc-client-id", cred["clientId"].as_str().unwrap())
            .await;
        b.type_into("#tc-password", password).await;
        b.click(".manual-credential button[type=submit]").await;
    }

    /// Uses a static credential with its own (just revealed) password.
    pub async fn use_static(&self, cred: &serde_json::Value) {
        self.type_credential(cred, cred["password"].as_str().unwrap())
            .await;
    }

    pub async fn connect(&self) {
        self.0.click("#tc-connect").await;
    }

    /// Disconnects; the console then forgets the credential and its panel.
    pub async fn disconnect(&self) {
        self.0.click("#tc-disconnect").await;
        self.0
            .wait_until(
                "return !document.querySelector('#tc-disconnect')",
                "the connection to end",
            )
            .await;
    }

    /// Where the CA download link points (only with a private CA).
    pub async fn ca_link(&self) -> String {
        self.0
            .attr("#tc-ca", "href")
            .await
            .expect("a CA download link")
    }

    /// "5" or "3.1.1", for the next connection.
    pub async fn choose_protocol(&self, version: &str) {
        self.0.set_value("#tc-protocol", version, "change").await;
    }

    pub async fn protocol(&self) -> String {
        self.0.value("#tc-protocol").await
    }

    pub async fn connect_and_wait(&self) {
        self.connect().await;
        self.wait_for_step("connack-accepted").await;
    }

    /// Connects and subscribes with the default filter (`#`), waiting for
    /// CONNACK and SUBACK.
    pub async fn connect_and_subscribe(&self) {
        self.connect_and_wait().await;
        self.subscribe().await;
        self.wait_for_granted_subscription().await;
    }

    pub async fn check_connectivity(&self) {
        self.0.click("#tc-check").await;
    }

    pub async fn wait_for_check(&self, state: &str) {
        self.0
            .wait_until(
                &format!(
                    "return document.getElementById('tc-check-result').dataset.check === {}",
                    js(state)
                ),
                &format!("the connectivity check: {state}"),
            )
            .await;
    }

    /// The connection's state (`idle`, `connecting`, `connected`, `closed`).
    pub async fn status(&self) -> String {
        self.0
            .attr(".toolbar .status", "data-status")
            .await
            .unwrap_or_default()
    }

    pub async fn wait_for_status(&self, status: &str) {
        self.0
            .wait_until(
                &format!(
                    "return document.querySelector('.toolbar .status')?.dataset.status === {}",
                    js(status)
                ),
                &format!("status {status}"),
            )
            .await;
    }

    pub async fn turn_on_auto_renew(&self) {
        self.0.click("#tc-auto-renew").await;
    }

    pub async fn renew_and_reconnect(&self) {
        self.0.click("#tc-renew").await;
    }

    /// The credential's expiry as the summary counts it down.
    pub async fn expiry_countdown(&self) -> String {
        self.0.text(".connect-summary .countdown").await
    }

    // Diagnostics.

    pub async fn step_count(&self, kind: &str) -> usize {
        self.0
            .eval(&format!("return String({})", steps_of(kind)))
            .await
            .parse()
            .unwrap()
    }

    pub async fn has_step(&self, kind: &str) -> bool {
        self.step_count(kind).await > 0
    }

    pub async fn wait_for_step(&self, kind: &str) {
        self.wait_for_steps(kind, 1).await;
    }

    /// Waits until `n` steps of `kind` are shown.
    pub async fn wait_for_steps(&self, kind: &str, n: usize) {
        self.wait_for_steps_within(kind, n, Duration::from_secs(15))
            .await;
    }

    pub async fn wait_for_steps_within(&self, kind: &str, n: usize, limit: Duration) {
        self.0
            .wait_until_within(
                &format!("return {} >= {n}", steps_of(kind)),
                &format!("{n} × step {kind}"),
                limit,
            )
            .await;
    }

    /// Scrolls the diagnostics into view (for a screenshot of them).
    pub async fn show_diagnostics(&self) {
        self.0
            .eval("document.querySelector('.diagnostics').scrollIntoView(); return ''")
            .await;
    }

    /// The words of the first step of `kind`.
    pub async fn step_text(&self, kind: &str) -> String {
        self.0
            .text(&format!(".diagnostics li[data-step={}]", js(kind)))
            .await
    }

    // Subscriptions.

    pub async fn subscribe(&self) {
        self.0.click("#tc-subscribe").await;
    }

    pub async fn can_subscribe(&self) -> bool {
        self.0.is_enabled("#tc-subscribe").await
    }

    pub async fn wait_for_granted_subscription(&self) {
        self.0.find(GRANTED_QOS_1).await;
    }

    pub async fn label_subscription(&self, label: &str) {
        self.0.type_into("#tc-sub-label", label).await;
    }

    pub async fn subscription_label(&self) -> String {
        self.0.text(".subscriptions li strong").await
    }

    /// Types a whole filter (not relative to the prefix).
    /// Sets a last will: `topic` relative to the prefix, or in full.
    pub async fn set_will(&self, topic: &str, relative: bool, payload: &str) {
        self.0.click(".will-form summary").await;
        self.0.toggle("#tc-will-on").await;
        if !relative {
            self.0.toggle("#tc-will-topic-relative").await;
        }
        self.0.type_into("#tc-will-topic", topic).await;
        self.0.type_into("#tc-will-payload", payload).await;
    }

    /// Changes the will's topic (the will form is open and on).
    pub async fn set_will_topic(&self, topic: &str, relative: bool) {
        let is_relative = self
            .0
            .holds("return document.getElementById('tc-will-topic-relative').checked")
            .await;
        if is_relative != relative {
            self.0.toggle("#tc-will-topic-relative").await;
        }
        self.0.type_into("#tc-will-topic", topic).await;
    }

    /// The will's MQTT 5 delay, as typed (the will form is open).
    pub async fn set_will_delay(&self, delay: &str) {
        let open = "return document.querySelector('[data-properties=tc-will]').open";
        if !self.0.holds(open).await {
            self.0.click("[data-properties=tc-will] summary").await;
        }
        self.0
            .set_value("#tc-will-will-delay", delay, "input")
            .await;
    }

    pub async fn type_full_filter(&self, filter: &str) {
        self.0.toggle(".subscribe-form label.checkbox input").await;
        self.0.type_into("#tc-sub-filter", filter).await;
    }

    /// The namespace guard's findings for the filter, once it has some.
    pub async fn filter_findings(&self) -> Vec<String> {
        self.0
            .wait_until(
                "return !!document.querySelector('.subscribe-form .guard li')",
                "the guard's findings",
            )
            .await;
        let mut out = Vec::new();
        for li in self.0.find_all(".subscribe-form .guard li").await {
            out.push(li.text().await.unwrap());
        }
        out
    }

    pub async fn choose_subscribe_qos(&self, qos: u8) {
        self.0
            .set_value("#tc-sub-qos", &qos.to_string(), "change")
            .await;
    }

    pub async fn subscribe_anyway(&self) {
        self.0.click("#tc-sub-anyway").await;
        self.subscribe().await;
    }

    // Publishing.

    pub async fn publish(&self) {
        self.0.click("#tc-publish").await;
    }

    /// Sets the publish topic, `relative` to the prefix or in full.
    pub async fn type_publish_topic(&self, topic: &str, relative: bool) {
        let is_relative = self
            .0
            .holds("return document.getElementById('tc-pub-topic-relative').checked")
            .await;
        if is_relative != relative {
            self.0.toggle("#tc-pub-topic-relative").await;
        }
        self.0.type_into("#tc-pub-topic", topic).await;
    }

    pub async fn choose_publish_qos(&self, qos: u8) {
        self.0
            .set_value("#tc-pub-qos", &qos.to_string(), "change")
            .await;
    }

    pub async fn toggle_retain(&self) {
        self.0.toggle("#tc-retain").await;
    }

    pub async fn publish_anyway(&self) {
        self.0.toggle("#tc-pub-anyway").await;
        self.publish().await;
    }

    /// MQTT 5 publish properties: a content type and `name=value` lines.
    pub async fn set_publish_properties(&self, content_type: &str, user_properties: &str) {
        self.0.click("[data-properties=tc-pub] summary").await;
        self.0.type_into("#tc-pub-content-type", content_type).await;
        self.0
            .set_value("#tc-pub-user-properties", user_properties, "input")
            .await;
    }

    /// The open message's MQTT 5 properties, as shown in the details.
    pub async fn details_properties(&self) -> String {
        self.0.text("#tc-details-properties").await
    }

    pub async fn type_payload(&self, payload: &str) {
        self.0.set_value("#tc-payload", payload, "input").await;
    }

    pub async fn payload(&self) -> String {
        self.0.value("#tc-payload").await
    }

    pub async fn check_as_json(&self) {
        self.0.click("#tc-json").await;
    }

    pub async fn checked_as_json(&self) -> bool {
        self.0
            .holds("return document.getElementById('tc-json').checked")
            .await
    }

    /// Switches remembering recent publishes on or off.
    pub async fn toggle_remember_publishes(&self) {
        self.0.click("[data-remember-publishes]").await;
    }

    /// Waits until the form offers `n` recent publishes (none: no picker).
    pub async fn wait_for_recent(&self, n: usize) {
        self.0
            .wait_until(
                &format!(
                    "return document.querySelectorAll('#tc-recent option:not([value=\\'\\'])').length === {n}"
                ),
                &format!("{n} recent publishes offered"),
            )
            .await;
    }

    /// Picks a recent publish (0 is the newest).
    pub async fn pick_recent(&self, index: usize) {
        self.0
            .set_value("#tc-recent", &index.to_string(), "change")
            .await;
    }

    // The message log.

    async fn counter(&self, id: &str) -> u64 {
        self.0
            .attr(&format!("#{id}"), "data-value")
            .await
            .unwrap_or_default()
            .parse()
            .unwrap_or(0)
    }

    pub async fn received(&self) -> u64 {
        self.counter("tc-received").await
    }

    pub async fn in_log(&self) -> u64 {
        self.counter("tc-in-log").await
    }

    pub async fn wait_for_counter(&self, id: &str, n: u64) {
        self.0
            .wait_until(
                &format!(
                    "return document.getElementById({})?.dataset.value === {}",
                    js(id),
                    js(&n.to_string())
                ),
                &format!("{id} = {n}"),
            )
            .await;
    }

    pub async fn wait_for_received(&self, n: u64) {
        self.wait_for_counter("tc-received", n).await;
    }

    pub async fn wait_for_sent(&self, n: u64) {
        self.wait_for_counter("tc-sent", n).await;
    }

    /// Waits until a row of the log shows `text`.
    pub async fn wait_for_message(&self, text: &str) {
        self.0
            .wait_until(
                &format!(
                    "return document.getElementById('tc-messages').textContent.includes({})",
                    js(text)
                ),
                &format!("the message {text}"),
            )
            .await;
    }

    /// How many rows of the log show `text`.
    pub async fn rows_showing(&self, text: &str) -> usize {
        self.0
            .eval(&format!(
                "return String([...document.querySelectorAll({})].filter(li => li.textContent.includes({})).length)",
                js(MESSAGES),
                js(text)
            ))
            .await
            .parse()
            .unwrap()
    }

    /// Row elements in the page, and how many of them are hidden.
    pub async fn row_slots(&self) -> (usize, usize) {
        let rows = self.0.find_all(MESSAGES).await.len();
        let hidden: usize = self
            .0
            .eval(&format!(
                "return String([...document.querySelectorAll({})].filter(li => li.style.display === 'none').length)",
                js(MESSAGES)
            ))
            .await
            .parse()
            .unwrap();
        (rows, hidden)
    }

    pub async fn newest_row(&self) -> String {
        self.0.text(MESSAGES).await
    }

    pub async fn filter_log(&self, text: &str) {
        self.0.set_value("#tc-log-filter", text, "input").await;
    }

    /// The visible rows, when they settle on `n`.
    pub async fn wait_for_visible_rows(&self, n: usize, containing: &str) {
        self.0
            .wait_until(
                &format!(
                    "const rows = [...document.querySelectorAll({})].filter(li => li.style.display !== 'none'); \
                     return rows.length === {n} && rows.every(r => r.textContent.includes({}))",
                    js(MESSAGES),
                    js(containing)
                ),
                &format!("{n} rows with {containing}"),
            )
            .await;
    }

    pub async fn scroll_log_to(&self, px: u32) {
        self.0
            .eval(&format!(
                "const v = document.querySelector('.log-viewport'); v.scrollTop = {px}; v.dispatchEvent(new Event('scroll')); return ''"
            ))
            .await;
    }

    pub async fn wait_for_log_scrolled_to(&self, px: u32) {
        self.0
            .wait_until(
                &format!("return document.querySelector('.log-viewport').scrollTop === {px}"),
                &format!("the log scrolled to {px} px"),
            )
            .await;
    }

    /// The payload of the row at the top of the view.
    pub async fn top_row_payload(&self) -> String {
        self.0
            .eval(&format!(
                "const v = document.querySelector('.log-viewport'); \
                 const li = [...document.querySelectorAll({})].find(li => parseInt(li.style.top) === Math.floor(v.scrollTop / {ROW_PX}) * {ROW_PX}); \
                 return li ? li.querySelector('.payload').textContent : ''",
                js(MESSAGES)
            ))
            .await
    }

    pub async fn show_counters(&self) {
        self.0
            .eval("document.getElementById('tc-counters').scrollIntoView(); return ''")
            .await;
    }

    pub async fn set_log_format(&self, format: &str) {
        self.0.set_value("#tc-log-format", format, "change").await;
    }

    pub async fn log_format(&self) -> String {
        self.0.value("#tc-log-format").await
    }

    pub async fn set_log_cap(&self, cap: usize) {
        self.0
            .set_value("#tc-log-cap", &cap.to_string(), "change")
            .await;
    }

    pub async fn log_cap(&self) -> String {
        self.0.value("#tc-log-cap").await
    }

    /// Opens the newest received message in the details view.
    pub async fn open_newest_received(&self) {
        self.0.click("#tc-messages li.received .message-row").await;
    }

    pub async fn wait_for_details_containing(&self, text: &str) {
        self.0
            .wait_until(
                &format!(
                    "return !!document.querySelector('#tc-details pre')?.textContent.includes({})",
                    js(text)
                ),
                "the details",
            )
            .await;
    }

    /// How many rows are marked as the one open in the details.
    pub async fn rows_marked_open(&self) -> usize {
        self.0
            .find_all("#tc-messages li.open [aria-current=true]")
            .await
            .len()
    }

    pub async fn show_details(&self) {
        self.0
            .eval(
                "document.getElementById('tc-details').scrollIntoView({ block: 'end' }); return ''",
            )
            .await;
    }
}

impl TestClientPage {
    /// Exports the log and returns the file's text, caught as the page hands
    /// it to the browser (headless downloads land nowhere a test can read).
    pub async fn export_log(&self) -> String {
        self.0
            .eval(
                "window.__exports = []; const make = URL.createObjectURL; \
                 URL.createObjectURL = (blob) => { window.__exports.push(blob); return make.call(URL, blob); }; return ''",
            )
            .await;
        self.0.click("#tc-export").await;
        let text = self
            .0
             .0
            .execute_async(
                "const done = arguments[arguments.length - 1]; window.__exports[0].text().then(done);",
                vec![],
            )
            .await
            .unwrap();
        text.as_str().unwrap_or_default().to_owned()
    }
}
