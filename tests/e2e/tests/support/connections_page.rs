//! Verbindingen: the broker's events for the organisation, found by their
//! `data-kind`, `data-reason` and `data-client-id`.

use super::browser::{js, Browser};

pub struct ConnectionsPage(pub Browser);

fn row(client_id: &str, kind: &str) -> String {
    format!(
        ".events li[data-client-id={}][data-kind={}]",
        js(client_id),
        js(kind)
    )
}

impl ConnectionsPage {
    pub fn new(b: &Browser) -> ConnectionsPage {
        ConnectionsPage(b.clone())
    }

    /// Opens the support view (its code is fetched then) and waits until its
    /// feed has answered.
    pub async fn open(&self) {
        self.0.click("[data-open-part=support]").await;
        self.0
            .wait_until(
                "return document.querySelector('.events')?.dataset.loaded === 'true'",
                "the support view to load and its feed to answer",
            )
            .await;
    }

    /// Waits (the product promises 2 s; the wait allows for a slow machine)
    /// for an event of `client_id`, and returns its reason code.
    pub async fn wait_for_event(&self, client_id: &str, kind: &str) -> Option<String> {
        self.0
            .wait_for_attr(
                &row(client_id, kind),
                "data-reason",
                &format!("a {kind} event of {client_id}"),
            )
            .await
    }

    /// Waits for a disconnect of `client_id` with this cause.
    pub async fn wait_for_cause(&self, client_id: &str, cause: &str) -> String {
        let css = format!(
            "{}[data-cause={}]",
            row(client_id, "disconnected"),
            js(cause)
        );
        self.0
            .wait_for_attr(&css, "data-cause", &format!("{client_id} {cause}"))
            .await
            .unwrap_or_default()
    }

    /// The words of an event (for the facts in them: ids, topics, levels).
    pub async fn text_of(&self, client_id: &str, kind: &str) -> String {
        self.0.text(&row(client_id, kind)).await
    }

    /// Waits until `client_id` is among the live sessions.
    pub async fn wait_for_live(&self, client_id: &str) {
        self.0
            .find(&format!(
                ".live-sessions li[data-client-id={}]",
                js(client_id)
            ))
            .await;
    }

    /// Disconnects a live session the way support does: the button, then
    /// the confirmation.
    pub async fn kick(&self, client_id: &str) {
        self.0
            .click(&format!(
                ".live-sessions li[data-client-id={}] button.kick",
                js(client_id)
            ))
            .await;
        self.0.find("[role=dialog][aria-modal=true]").await;
        self.0.click("#kick-confirm").await;
    }

    /// Whether an event of `client_id` is marked as the console's own.
    pub async fn marked_as_own(&self, client_id: &str, kind: &str) -> bool {
        self.0
            .exists(&format!("{} [data-own=true]", row(client_id, kind)))
            .await
    }

    pub async fn count_of(&self, client_id: &str, kind: &str) -> u64 {
        self.0
            .attr(&row(client_id, kind), "data-count")
            .await
            .unwrap_or_default()
            .parse()
            .unwrap_or(0)
    }

    /// Waits until the entry of `client_id` and `kind` counts `n` times.
    pub async fn wait_for_count(&self, client_id: &str, kind: &str, n: u64) {
        let css = format!("{}[data-count=\"{n}\"]", row(client_id, kind));
        self.0
            .wait_for_attr(&css, "data-count", &format!("{client_id} {kind} × {n}"))
            .await;
    }

    /// Whether any entry of `client_id` is shown.
    pub async fn shows_client(&self, client_id: &str) -> bool {
        self.0
            .exists(&format!(".events li[data-client-id={}]", js(client_id)))
            .await
    }

    /// True when the server answered and had nothing for this organisation.
    pub async fn shows_nothing(&self) -> bool {
        self.0.find(".events[data-loaded=true]").await;
        self.0.find_all(".events li[data-kind]").await.is_empty()
    }

    pub async fn filter_by_client(&self, text: &str) {
        self.0
            .set_value("#events-client-filter", text, "input")
            .await;
    }

    pub async fn rows(&self) -> usize {
        self.0.find_all(".events li[data-kind]").await.len()
    }

    pub async fn show(&self) {
        self.0
            .eval("document.getElementById('connections').scrollIntoView(); return ''")
            .await;
    }
}
