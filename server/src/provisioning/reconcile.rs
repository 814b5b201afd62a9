//! The store and the broker must agree. Static credentials live in both (the
//! store keeps metadata and a hash, the broker the usable password), so after
//! a crash between the two writes, or a broker that lost its state:
//! - a delete that was begun and cut short is finished, first;
//! - a broker client the store does not know is deleted;
//! - a stored credential the broker lacks is reported as missing, since its
//!   password (only its hash is stored) cannot be given to the broker again.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::{Error, Provisioning};
use crate::clock::now_s;

/// How long a create may take between its intent and its stored row before
/// a reconciliation counts it as crashed (creates take well under a second;
/// TBMQ's calls time out after 10 s each).
pub const PENDING_GRACE_SECS: i64 = 600;

/// How often, and after how long, a delete that answered
/// `delete_unfinished` is finished without waiting for the next
/// reconciliation.
const UNFINISHED_DELETES_EVERY: Duration = Duration::from_secs(30);
const UNFINISHED_AFTER_SECS: i64 = 10;

impl Provisioning {
    /// Makes the broker match the store and remembers what it lacks. The
    /// broker is listed first, the store read after: every create, on any
    /// instance, records its intent before it reaches the broker, so a
    /// client listed here that the store does not know is truly an orphan,
    /// never another instance's create in progress.
    pub async fn reconcile(&self) -> Result<(), Error> {
        let broker = self.broker()?;
        self.finish_deletes(i64::MAX).await?;
        let on_broker = self.bounded(broker.list_static()).await?;
        // Alone on its store (SQLite), nothing else can be creating now:
        // every intent is a create this instance was killed in the middle
        // of, and its broker client goes at once rather than after the grace.
        let since = if self.store.is_shared() {
            now_s() - PENDING_GRACE_SECS
        } else {
            i64::MAX
        };
        let known: HashSet<String> = self
            .store
            .known_static_user_names(since)
            .await?
            .into_iter()
            .collect();
        for user in on_broker.difference(&known) {
            tracing::warn!(user_name = %user, "broker client unknown to the store: deleting it");
            self.bounded(broker.delete_static(user)).await?;
        }
        let missing: HashSet<String> = known.difference(&on_broker).cloned().collect();
        for user in &missing {
            tracing::warn!(
                user_name = %user,
                "static credential missing on the broker: it cannot connect; delete it and create a new one"
            );
        }
        self.missing.replace(missing);
        Ok(())
    }

    /// Finishes, every 30 s, the deletes begun more than 10 s ago and not
    /// finished (one still in progress is younger, and is left to its request).
    pub fn finish_deletes_regularly(self: &Arc<Self>) {
        if self.broker.is_none() {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(UNFINISHED_DELETES_EVERY).await;
                if let Err(e) = this.finish_deletes(now_s() - UNFINISHED_AFTER_SECS).await {
                    tracing::warn!(%e, "cannot finish the deletes cut short; trying again later");
                }
            }
        });
    }

    /// Finishes every delete begun before `before` (Unix s) and cut short
    /// (store::deleting), on any instance: both halves are idempotent, so
    /// one still running elsewhere is finished twice, harmlessly.
    pub(super) async fn finish_deletes(&self, before: i64) -> Result<(), Error> {
        let broker = self.broker()?;
        for (org_id, id, user_name) in self.store.deleting_static(before).await? {
            tracing::warn!(%org_id, %id, %user_name, "finishing a delete that was cut short");
            self.bounded(broker.delete_static(&user_name)).await?;
            self.store.delete_static(&org_id, &id).await?;
            self.missing.forget(&user_name);
        }
        Ok(())
    }
}
