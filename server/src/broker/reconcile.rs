//! The store and the broker must agree. Static credentials live in both (the
//! store keeps metadata and a hash, the broker the usable password), so after a
//! crash between the two writes, or a broker that lost its state:
//! - a broker client the store does not know is deleted;
//! - a stored credential the broker lacks is reported as missing, since its
//!   password (only its hash is stored) cannot be given to the broker again;
//! - a delete that was begun and cut short is finished, first.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tillor_contract::api::BrokerStatus;

use super::error::BrokerError;
use super::interface::Broker;
use crate::store::Store;

/// The stored credentials a broker lacks, as the last reconciliation found
/// them: what `Broker::health` reports, whichever broker it is.
#[derive(Default)]
pub struct Missing(RwLock<HashSet<String>>);

impl Missing {
    /// Reconciles `broker` with `store` and remembers what it lacks.
    pub async fn reconcile(&self, broker: &dyn Broker, store: &Store) -> Result<(), String> {
        let missing = reconcile(broker, store).await?;
        if let Ok(mut m) = self.0.write() {
            *m = missing;
        }
        Ok(())
    }

    /// The broker no longer holds a credential the store still lists.
    pub fn note(&self, user_name: &str) {
        if let Ok(mut m) = self.0.write() {
            m.insert(user_name.to_owned());
        }
    }

    /// The credential is gone from the store too.
    pub fn forget(&self, user_name: &str) {
        if let Ok(mut m) = self.0.write() {
            m.remove(user_name);
        }
    }

    pub fn status(&self, user_name: &str) -> BrokerStatus {
        let missing = self
            .0
            .read()
            .map(|m| m.contains(user_name))
            .unwrap_or(false);
        if missing {
            BrokerStatus::Missing
        } else {
            BrokerStatus::Active
        }
    }
}

/// How long a create may take between its intent and its stored row before
/// a reconciliation counts it as crashed (creates take well under a second;
/// TBMQ's calls time out after 10 s each).
pub const PENDING_GRACE_SECS: i64 = 600;

/// Makes the broker match the store and returns the stored user names the
/// broker lacks. The broker is listed first, the store read after: every
/// create, on any instance, records its intent before it reaches the broker,
/// so a client listed here that the store does not know is truly an orphan,
/// never another instance's create in progress.
pub async fn reconcile(broker: &dyn Broker, store: &Store) -> Result<HashSet<String>, String> {
    finish_deletes(broker, store, i64::MAX).await?;
    let on_broker = broker.list_static().await.map_err(|e| e.to_string())?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    // Alone on its store (SQLite), nothing else can be creating now: every
    // intent is a create this instance was killed in the middle of, and its
    // broker client goes at once rather than after the grace.
    let since = if store.is_shared() {
        now - PENDING_GRACE_SECS
    } else {
        i64::MAX
    };
    let known: HashSet<String> = store
        .known_static_user_names(since)
        .await
        .map_err(|e| format!("cannot read the store: {e}"))?
        .into_iter()
        .collect();
    settle(broker, on_broker, &known)
        .await
        .map_err(|e| e.to_string())
}

/// How often, and after how long, a delete that answered
/// `delete_unfinished` (the broker or the store failed it) is finished
/// without waiting for the next reconciliation.
const UNFINISHED_DELETES_EVERY_SECS: u64 = 30;
const UNFINISHED_AFTER_SECS: i64 = 10;

/// Finishes, every 30 s, the deletes begun more than 10 s ago and not
/// finished (one still in progress is younger, and is left to its request).
pub fn finish_deletes_regularly(broker: Arc<dyn Broker>, store: Store) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(UNFINISHED_DELETES_EVERY_SECS)).await;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            if let Err(e) = finish_deletes(&*broker, &store, now - UNFINISHED_AFTER_SECS).await {
                tracing::warn!(%e, "cannot finish the deletes cut short; trying again later");
            }
        }
    });
}

/// Finishes every delete begun before `before` and cut short
/// (store::deleting), on any instance: both halves are idempotent, so one
/// still running elsewhere is finished twice, harmlessly.
async fn finish_deletes(broker: &dyn Broker, store: &Store, before: i64) -> Result<(), String> {
    let begun = store
        .deleting_static(before)
        .await
        .map_err(|e| format!("cannot read the store: {e}"))?;
    for (org_id, id, user_name) in begun {
        tracing::warn!(%org_id, %id, %user_name, "finishing a delete that was cut short");
        broker
            .delete_static(&user_name)
            .await
            .map_err(|e| e.to_string())?;
        store
            .delete_static(&org_id, &id)
            .await
            .map_err(|e| format!("cannot write the store: {e}"))?;
    }
    Ok(())
}

/// Deletes the broker's clients that are not `known`; returns the known ones
/// the broker lacks.
async fn settle(
    broker: &dyn Broker,
    on_broker: HashSet<String>,
    known: &HashSet<String>,
) -> Result<HashSet<String>, BrokerError> {
    let stored = known;
    for user in on_broker.difference(stored) {
        tracing::warn!(user_name = %user, "broker client unknown to the store: deleting it");
        broker.delete_static(user).await?;
    }
    let missing: HashSet<String> = stored.difference(&on_broker).cloned().collect();
    for user in &missing {
        tracing::warn!(
            user_name = %user,
            "static credential missing on the broker: it cannot connect; delete it and create a new one"
        );
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tillor_contract::api::BrokerStatus;

    use super::super::interface::NewStatic;
    use super::*;

    /// A broker as a set of user names: enough to check the decisions.
    struct Names(Mutex<HashSet<String>>);

    #[async_trait::async_trait]
    impl Broker for Names {
        async fn create_static(&self, c: NewStatic<'_>) -> Result<(), BrokerError> {
            self.0.lock().unwrap().insert(c.user_name.to_owned());
            Ok(())
        }
        async fn delete_static(&self, user_name: &str) -> Result<(), BrokerError> {
            self.0.lock().unwrap().remove(user_name);
            Ok(())
        }
        async fn list_static(&self) -> Result<HashSet<String>, BrokerError> {
            Ok(self.0.lock().unwrap().clone())
        }
        async fn kick(&self, _: &str) -> Result<(), BrokerError> {
            Ok(())
        }
        async fn set_static_password(&self, _: &str, _: &str) -> Result<(), BrokerError> {
            Ok(())
        }
        async fn revoke(
            &self,
            _: &[tillor_contract::broker_event::RevokedToken],
            _: &[String],
        ) -> Result<(), BrokerError> {
            Ok(())
        }
        fn health(&self, _: &str) -> BrokerStatus {
            BrokerStatus::Active
        }
        // Reconciliation never calls it: only the delete route does.
        fn lacks(&self, _: &str) {}
    }

    fn set(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[tokio::test]
    async fn an_intent_protects_its_broker_client_only_where_another_instance_may_own_it() {
        let (store, _dir) = crate::store::test_store().await;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        store.begin_static("in-flight", now).await.unwrap();
        let broker = Names(Mutex::new(set(&["in-flight"])));
        reconcile(&broker, &store).await.unwrap();
        let kept = broker.list_static().await.unwrap().contains("in-flight");
        // Alone on SQLite it can only be this instance's crashed create.
        assert_eq!(kept, store.is_shared());
    }

    /// Stores a credential for `user` in organisation "acme".
    async fn stored(store: &Store, user: &str) {
        store.upsert_org("acme", "digest", "t").await.unwrap();
        let row = crate::store::StaticRow {
            id: format!("id-{user}"),
            org_id: "acme".into(),
            name: None,
            user_name: user.into(),
            client_id: format!("local-static-{user}"),
            password_hash: "h".into(),
            created_at: "t".into(),
            rotation_unconfirmed: false,
        };
        store.insert_static(&row).await.unwrap();
    }

    #[tokio::test]
    async fn a_delete_cut_short_at_either_half_is_finished_and_nothing_else_is_touched() {
        let (store, _dir) = crate::store::test_store().await;
        for user in ["acme-before", "acme-after", "acme-kept"] {
            stored(&store, user).await;
        }
        // Cut short before the broker's half, and after it (the broker
        // already lacks it).
        for user in ["acme-before", "acme-after"] {
            assert!(store
                .begin_delete("acme", &format!("id-{user}"), 1)
                .await
                .unwrap());
        }
        let broker = Names(Mutex::new(set(&["acme-before", "acme-kept"])));
        let missing = reconcile(&broker, &store).await.unwrap();
        assert_eq!(broker.list_static().await.unwrap(), set(&["acme-kept"]));
        assert_eq!(
            store.known_static_user_names(0).await.unwrap(),
            ["acme-kept"]
        );
        assert_eq!(
            missing,
            set(&[]),
            "a finished delete is not reported as missing"
        );
        assert!(store.deleting_static(i64::MAX).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn the_regular_sweep_finishes_old_deletes_and_leaves_one_in_progress_to_its_request() {
        let (store, _dir) = crate::store::test_store().await;
        for user in ["acme-old", "acme-young"] {
            stored(&store, user).await;
        }
        assert!(store
            .begin_delete("acme", "id-acme-old", 100)
            .await
            .unwrap());
        assert!(store
            .begin_delete("acme", "id-acme-young", 200)
            .await
            .unwrap());
        let broker = Names(Mutex::new(set(&["acme-old", "acme-young"])));
        finish_deletes(&broker, &store, 150).await.unwrap();
        assert_eq!(broker.list_static().await.unwrap(), set(&["acme-young"]));
        assert_eq!(
            store.known_static_user_names(0).await.unwrap(),
            ["acme-young"]
        );
    }

    #[tokio::test]
    async fn unknown_broker_clients_go_and_stored_ones_the_broker_lacks_are_reported() {
        let broker = Names(Mutex::new(set(&["kept", "orphan"])));
        let on_broker = broker.list_static().await.unwrap();
        let missing = settle(&broker, on_broker, &set(&["kept", "lost"]))
            .await
            .unwrap();
        assert_eq!(missing, set(&["lost"]));
        assert_eq!(broker.list_static().await.unwrap(), set(&["kept"]));
    }
}
