//! The credential lifecycle on screen: the JWT card's list of active tokens
//! with Revoke and "revoke all of this client id", and a static credential's
//! New password. Found by `data-jti`, `data-client-id`, `data-credential-id`
//! and ids, never by copy.

use super::browser::{js, Browser};

pub struct LifecyclePage(pub Browser);

fn token(client_id: &str) -> String {
    format!(".jwt-tokens li[data-client-id={}]", js(client_id))
}

impl LifecyclePage {
    pub fn new(b: &Browser) -> LifecyclePage {
        LifecyclePage(b.clone())
    }

    /// Waits until a token of `client_id` is listed, and gives its jti.
    pub async fn wait_for_token(&self, client_id: &str) -> String {
        self.0
            .wait_for_attr(
                &token(client_id),
                "data-jti",
                &format!("a token of {client_id}"),
            )
            .await
            .unwrap_or_default()
    }

    /// Whether the listed token of `client_id` is marked as the test client's.
    pub async fn marked_as_test_clients(&self, client_id: &str) -> bool {
        self.0
            .wait_until(
                &format!(
                    "return !!document.querySelector({})",
                    js(&format!("{} [data-own=true]", token(client_id)))
                ),
                "the test client's token marked",
            )
            .await;
        true
    }

    /// Revoke, then the confirmation; returns the client id the dialog named.
    pub async fn revoke(&self, client_id: &str) -> String {
        self.0
            .click(&format!("{} button.revoke", token(client_id)))
            .await;
        self.confirm_revoke().await
    }

    /// "Revoke all of this client id", then the confirmation.
    pub async fn revoke_all(&self, client_id: &str) -> String {
        self.0
            .click(&format!("{} button.revoke-all", token(client_id)))
            .await;
        self.confirm_revoke().await
    }

    async fn confirm_revoke(&self) -> String {
        let named = self
            .0
            .attr(".revoke-dialog [data-client-id]", "data-client-id")
            .await
            .unwrap_or_default();
        self.0.click("#revoke-confirm").await;
        named
    }

    /// Waits until every listed token of `client_id` shows as revoked.
    pub async fn wait_for_revoked(&self, client_id: &str) {
        let all = format!(
            "const l = [...document.querySelectorAll({})]; return l.length > 0 && l.every(li => li.dataset.revoked === 'true')",
            js(&token(client_id))
        );
        self.0
            .wait_until(&all, &format!("{client_id} revoked"))
            .await;
    }

    /// Opens a static credential's new-password confirmation, and leaves it open.
    pub async fn open_rotate(&self, credential_id: &str) {
        self.0
            .click(&format!(
                "tr[data-credential-id={}] button.rotate",
                js(credential_id)
            ))
            .await;
        self.0.find(".rotate-dialog").await;
    }

    pub async fn cancel_rotate(&self) {
        self.0.click("#rotate-cancel").await;
    }

    /// New password on a static credential's row, then the confirmation
    /// (which says how many sessions it cuts off, when any).
    pub async fn rotate(&self, credential_id: &str) -> Option<String> {
        self.open_rotate(credential_id).await;
        let warns = if self.0.exists(".rotate-dialog [data-sessions]").await {
            self.0
                .attr(".rotate-dialog [data-sessions]", "data-sessions")
                .await
        } else {
            None
        };
        self.0.click("#rotate-confirm").await;
        warns
    }
}
