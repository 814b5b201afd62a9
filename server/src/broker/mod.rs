//! The local MQTT broker: Mosquitto 2.0 from Debian, configured, started and
//! supervised by tillor-local, with two plugins in this order:
//! 1. our JWT plugin (mosquitto-jwt/), which handles clients with an empty username;
//! 2. Mosquitto's dynamic-security plugin, which holds the static credentials and
//!    which we drive through its control API as an admin client.

pub mod dynsec;
pub mod mosquitto;

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use tillor_contract::Namespace;

pub use dynsec::{BrokerError, Dynsec};

/// What the API needs from the broker.
pub struct Broker {
    dynsec: Dynsec,
    /// Static credentials the store has and the broker lacks (found at start).
    missing: RwLock<HashSet<String>>,
    _process: mosquitto::Supervisor,
}

impl Broker {
    pub async fn start(
        settings: mosquitto::Settings,
        stored_user_names: Vec<String>,
    ) -> Result<Arc<Broker>, String> {
        let process = mosquitto::Supervisor::start(&settings).await?;
        let dynsec = Dynsec::connect(&settings).await?;
        let broker = Broker {
            dynsec,
            missing: RwLock::new(HashSet::new()),
            _process: process,
        };
        broker
            .reconcile(stored_user_names)
            .await
            .map_err(|e| format!("cannot reconcile the broker with the store: {e}"))?;
        Ok(Arc::new(broker))
    }

    /// Provisions one client for a static credential, with its organisation's role.
    /// Every command tolerates "already exists", so a retry is harmless.
    pub async fn create_static(
        &self,
        ns: &Namespace,
        user_name: &str,
        password: &str,
        client_id: &str,
    ) -> Result<(), BrokerError> {
        let result = self
            .dynsec
            .create_client(ns, user_name, password, client_id)
            .await;
        if matches!(result, Err(BrokerError::Unavailable(_))) {
            self.dynsec.forget_client(user_name).await;
        }
        result
    }

    /// Removes the client; dynamic security also disconnects a session using it.
    pub async fn delete_static(&self, user_name: &str) -> Result<(), BrokerError> {
        self.dynsec.delete_client(user_name).await?;
        if let Ok(mut m) = self.missing.write() {
            m.remove(user_name);
        }
        Ok(())
    }

    pub fn is_missing(&self, user_name: &str) -> bool {
        self.missing
            .read()
            .map(|m| m.contains(user_name))
            .unwrap_or(false)
    }

    /// The broker and the store must agree: a broker client the store does not
    /// know is deleted; a stored credential the broker lacks is reported, since its
    /// password (only its hash is stored) cannot be given to the broker again.
    async fn reconcile(&self, stored: Vec<String>) -> Result<(), BrokerError> {
        let on_broker = self.dynsec.list_clients().await?;
        let stored: HashSet<String> = stored.into_iter().collect();
        for user in on_broker.iter().filter(|u| !stored.contains(*u)) {
            if *user == dynsec::ADMIN_USER {
                continue;
            }
            tracing::warn!(user_name = %user, "broker client unknown to the store: deleting it");
            self.dynsec.delete_client(user).await?;
        }
        let missing: HashSet<String> = stored
            .into_iter()
            .filter(|u| !on_broker.contains(u))
            .collect();
        for user in &missing {
            tracing::warn!(
                user_name = %user,
                "static credential missing on the broker: it cannot connect; delete it and create a new one"
            );
        }
        if let Ok(mut m) = self.missing.write() {
            *m = missing;
        }
        Ok(())
    }
}
