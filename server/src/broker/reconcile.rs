//! The store and the broker must agree. Static credentials live in both (the
//! store keeps metadata and a hash, the broker the usable password), so after a
//! crash between the two writes, or a broker that lost its state:
//! - a broker client the store does not know is deleted;
//! - a stored credential the broker lacks is reported as missing, since its
//!   password (only its hash is stored) cannot be given to the broker again.

use std::collections::HashSet;
use std::sync::RwLock;

use tillor_contract::api::BrokerStatus;

use super::error::BrokerError;
use super::interface::Broker;

/// The stored credentials a broker lacks, as the last reconciliation found
/// them: what `Broker::health` reports, whichever broker it is.
#[derive(Default)]
pub struct Missing(RwLock<HashSet<String>>);

impl Missing {
    /// Reconciles `broker` with `stored` (user names) and remembers what it lacks.
    pub async fn reconcile(
        &self,
        broker: &dyn Broker,
        stored: Vec<String>,
    ) -> Result<(), BrokerError> {
        let missing = reconcile(broker, &stored.into_iter().collect()).await?;
        if let Ok(mut m) = self.0.write() {
            *m = missing;
        }
        Ok(())
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

/// Makes the broker match `stored` (user names, including creates in
/// progress) and returns the stored ones the broker lacks.
pub async fn reconcile(
    broker: &dyn Broker,
    stored: &HashSet<String>,
) -> Result<HashSet<String>, BrokerError> {
    let on_broker = broker.list_static().await?;
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
    }

    fn set(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[tokio::test]
    async fn unknown_broker_clients_go_and_stored_ones_the_broker_lacks_are_reported() {
        let broker = Names(Mutex::new(set(&["kept", "orphan"])));
        let missing = reconcile(&broker, &set(&["kept", "lost"])).await.unwrap();
        assert_eq!(missing, set(&["lost"]));
        assert_eq!(broker.list_static().await.unwrap(), set(&["kept"]));
    }
}
