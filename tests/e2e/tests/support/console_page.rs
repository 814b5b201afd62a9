//! The Ontwikkelaars screen outside the test client: the organisation, the
//! JWT card, the static credentials, and their dialogs.

use super::browser::{js, Browser};

pub struct ConsolePage(pub Browser);

/// The root the console mounts (a host page may put it in a slot of its own).
const ROOT: &str = ".tillor-console";
const STATIC_ROWS: &str = "table.static-credentials tbody tr";
const DIALOG: &str = "[role=dialog][aria-modal=true]";

impl ConsolePage {
    pub fn new(b: &Browser) -> ConsolePage {
        ConsolePage(b.clone())
    }

    /// Opens the console and waits until it is mounted.
    pub async fn open(&self, url: &str) {
        self.0.open(url).await;
        self.0.find(ROOT).await;
    }

    /// The language the console is in (its `lang`).
    pub async fn language(&self) -> String {
        self.0.attr(ROOT, "lang").await.unwrap_or_default()
    }

    pub async fn switch_language(&self, lang: &str) {
        self.0
            .set_value(".language-switch select", lang, "change")
            .await;
        self.0
            .wait_until(
                &format!(
                    "return document.querySelector('{ROOT}').lang === {}",
                    js(lang)
                ),
                "the language switch",
            )
            .await;
    }

    pub async fn context(&self) -> (String, String, String) {
        (
            self.0.text(".context-env").await,
            self.0.text(".context-org").await,
            self.0.text(".context-header").await,
        )
    }

    /// Fills the organisation picker and submits it.
    pub async fn choose_organisation(&self, org: &str, key: &str) {
        self.fill_organisation(org, key).await;
        self.0
            .click(".organisation-picker button[type=submit]")
            .await;
    }

    /// The same, asking the console to remember the key for this tab.
    pub async fn choose_organisation_remembering(&self, org: &str, key: &str) {
        self.fill_organisation(org, key).await;
        self.0.click("#remember-key").await;
        self.0
            .click(".organisation-picker button[type=submit]")
            .await;
    }

    pub async fn fill_organisation(&self, org: &str, key: &str) {
        self.0.type_into("#org-id", org).await;
        self.0.type_into("#api-key", key).await;
    }

    pub async fn submit_organisation(&self) {
        self.0
            .click(".organisation-picker button[type=submit]")
            .await;
    }

    /// Back to the organisation picker ("another organisation").
    pub async fn switch_organisation(&self) {
        self.0.click(".switch-org").await;
        self.0.find("#org-id").await;
    }

    /// "Forget this organisation in this browser": back to the picker.
    pub async fn forget_organisation(&self) {
        self.0.click("[data-forget-org]").await;
        self.0.find("#org-id").await;
    }

    pub async fn typed_organisation(&self) -> String {
        self.0.value("#org-id").await
    }

    /// The message under a field, once there is one (`#<field>-error`).
    pub async fn field_error(&self, field: &str) -> String {
        let css = format!("#{field}-error");
        self.0
            .wait_until(
                &format!("return !!document.querySelector({})?.textContent", js(&css)),
                &format!("an error under {field}"),
            )
            .await;
        self.0.text(&css).await
    }

    /// The error notice's code, once one shows.
    pub async fn error_code(&self) -> String {
        self.0
            .attr(".error-notice[data-code]", "data-code")
            .await
            .unwrap_or_default()
    }

    pub async fn error_text(&self) -> String {
        self.0.text(".error-notice p").await
    }

    // Static credentials.

    /// The rows of the static credentials table, as text, once there are `n`.
    pub async fn static_rows(&self, n: usize) -> Vec<String> {
        self.0
            .wait_until(
                &format!(
                    "return document.querySelectorAll({}).length === {n}",
                    js(STATIC_ROWS)
                ),
                &format!("{n} static credentials"),
            )
            .await;
        let mut texts = Vec::new();
        for row in self.0.find_all(STATIC_ROWS).await {
            texts.push(row.text().await.unwrap());
        }
        texts
    }

    pub async fn wait_for_empty_list(&self) {
        self.0.find(".empty-state").await;
    }

    pub async fn create_static(&self, name: &str) {
        self.0.type_into("#static-name", name).await;
        self.0.click(".static-form button[type=submit]").await;
    }

    /// The id of the first row (`cred-<id>`), which gets focus after the dialog.
    pub async fn first_row_id(&self) -> String {
        self.0.attr(STATIC_ROWS, "id").await.unwrap_or_default()
    }

    pub async fn focused_id(&self) -> String {
        self.0.eval("return document.activeElement?.id || ''").await
    }

    /// Asks the server for the list again.
    pub async fn reload_static_list(&self) {
        self.0.click("#static-reload").await;
    }

    /// Waits until a credential's row shows `n` live sessions.
    pub async fn wait_for_connected(&self, credential_id: &str, n: u32) {
        let css = format!(
            "tr[data-credential-id={}] td.connection[data-connected=\"{n}\"]",
            js(credential_id)
        );
        self.0.find(&css).await;
    }

    /// Opens the delete confirmation of a credential; the sessions it says
    /// will be cut off (`None` when it mentions none).
    pub async fn delete_warns_of_sessions(&self, credential_id: &str) -> Option<String> {
        self.0
            .click(&format!(
                "tr[data-credential-id={}] button.delete",
                js(credential_id)
            ))
            .await;
        self.0.find(".delete-dialog").await;
        let warned = self.0.exists(".delete-dialog [data-sessions]").await;
        let sessions = if warned {
            self.0
                .attr(".delete-dialog [data-sessions]", "data-sessions")
                .await
        } else {
            None
        };
        self.0.click("#delete-cancel").await;
        sessions
    }

    pub async fn delete_first_static(&self) -> String {
        self.0.click("button.delete").await;
        self.0.text(".delete-dialog").await
    }

    pub async fn cancel_delete(&self) {
        self.0.click("#delete-cancel").await;
    }

    pub async fn confirm_delete(&self) {
        self.0.click("#delete-confirm").await;
    }

    // The reveal-once dialog.

    /// The open modal dialog's `aria-labelledby`.
    pub async fn dialog_label(&self) -> Option<String> {
        self.0.attr(DIALOG, "aria-labelledby").await
    }

    pub async fn revealed_password(&self) -> String {
        self.0.text("#reveal-password").await
    }

    pub async fn focus_is_in_dialog(&self) -> bool {
        self.0
            .holds("return document.querySelector('.modal').contains(document.activeElement)")
            .await
    }

    pub async fn wait_for_focus_in_dialog(&self) {
        self.0
            .wait_until(
                "return document.querySelector('.modal')?.contains(document.activeElement) === true",
                "focus in the dialog",
            )
            .await;
    }

    pub async fn done_enabled(&self) -> bool {
        self.0.is_enabled("#reveal-done").await
    }

    /// Copies the password and waits until the status region says how it went.
    pub async fn copy_password(&self) {
        self.0.click("#reveal-password + button.copy").await;
        self.0
            .wait_until(
                "return !!document.getElementById('tillor-status').textContent",
                "the copy result in the status region",
            )
            .await;
    }

    /// Escape before acknowledging asks first; true when it asks.
    pub async fn escape_asks_first(&self) -> bool {
        self.0.press("\u{e00c}").await;
        self.0.find("#confirm-lose-text").await;
        self.0.exists("#confirm-lose-no").await
    }

    pub async fn keep_dialog_open(&self) {
        self.0.click("#confirm-lose-no").await;
    }

    /// Acknowledges that the password is saved, and closes the dialog.
    pub async fn acknowledge_and_close(&self) {
        self.0.click("#reveal-ack").await;
        self.0.click("#reveal-done").await;
        self.0
            .wait_until(
                "return !document.querySelector('[role=dialog]')",
                "the dialog to close",
            )
            .await;
    }

    // JWT credentials.

    /// Picks a preset expiry (`#expiry-<seconds>`).
    pub async fn choose_expiry(&self, seconds: u32) {
        self.0.click(&format!("#expiry-{seconds}")).await;
    }

    pub async fn choose_custom_expiry(&self, seconds: &str) {
        self.0.click("#expiry-custom").await;
        self.0.type_into("#jwt-custom-seconds", seconds).await;
    }

    pub async fn type_client_id(&self, client_id: &str) {
        self.0.type_into("#jwt-client-id", client_id).await;
    }

    pub async fn create_jwt(&self) {
        self.0.click(".jwt-form button[type=submit]").await;
    }

    pub async fn has_jwt_result(&self) -> bool {
        self.0.exists(".jwt-result").await
    }

    /// Waits for a created JWT to show (fails if it never does).
    pub async fn wait_for_jwt_result(&self) {
        self.0.find(".jwt-result").await;
    }

    /// A value of the JWT result, by its element id, once it shows `expected`.
    pub async fn wait_for_jwt_value(&self, id: &str, expected: &str) {
        self.0
            .wait_until(
                &format!(
                    "return document.getElementById({})?.textContent === {}",
                    js(id),
                    js(expected)
                ),
                &format!("{id} = {expected}"),
            )
            .await;
    }

    pub async fn jwt_value(&self, id: &str) -> String {
        self.0.text(&format!("#{id}")).await
    }

    /// The countdown's time left (h:mm:ss or m:ss), without its words.
    pub async fn countdown_clock(&self) -> String {
        let text = self.0.text(".countdown").await;
        text.split_whitespace()
            .find(|w| w.contains(':'))
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn wait_for_countdown_phase(&self, phase: &str) {
        self.0
            .wait_until(
                &format!(
                    "return document.querySelector('.countdown')?.dataset.phase === {}",
                    js(phase)
                ),
                &format!("the countdown's {phase} phase"),
            )
            .await;
    }

    pub async fn renew_jwt(&self) {
        self.0.click(".renew").await;
    }

    pub async fn use_jwt_in_test_client(&self) {
        self.0.click("#jwt-use-in-test-client").await;
    }

    // The parts fetched on first open (the test client, the support view).

    /// The wasm modules the page fetched so far, by file name, in order.
    pub async fn fetched_wasm(&self) -> Vec<String> {
        let list = self
            .0
            .eval(
                "return performance.getEntriesByType('resource').map(e => e.name)\
                 .filter(n => n.endsWith('.wasm')).map(n => n.split('/').pop()).join(' ')",
            )
            .await;
        list.split_whitespace().map(str::to_owned).collect()
    }

    /// Makes every fetch of a part's module fail as a dropped network would
    /// (or work again): the console's own requests are left alone.
    pub async fn parts_unreachable(&self, unreachable: bool) {
        self.0
            .eval(&format!(
                "window.__fetch = window.__fetch || window.fetch;\
                 window.fetch = {unreachable} \
                   ? (url, init) => /\\/(split_|chunk_)[^/]*\\.wasm$/.test(String(url)) \
                       ? Promise.reject(new TypeError('network unreachable (test)')) \
                       : window.__fetch(url, init) \
                   : window.__fetch; return ''"
            ))
            .await;
    }
}
