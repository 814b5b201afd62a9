//! The server's one way to the MQTT broker: the `Broker` interface. The API
//! provisions static credentials through it and never sees which broker is
//! behind it. Today that is the local Mosquitto (`mosquitto/`); a production
//! broker (TBMQ, over its REST API) implements the same interface.
//!
//! Tree: `error` (the layer's error), `reconcile` (store and broker agree, for
//! any broker), `mosquitto/` (settings, process supervision, the
//! dynamic-security client, and the facade implementing `Broker`).

mod error;
pub mod mosquitto;
mod reconcile;

use std::collections::HashSet;

use tillor_contract::api::BrokerStatus;
use tillor_contract::Namespace;

pub use error::BrokerError;
pub use reconcile::reconcile;

/// A static credential as the broker needs it: the password in plain text,
/// which exists only while it is provisioned (the store keeps a hash).
pub struct NewStatic<'a> {
    pub namespace: &'a Namespace,
    pub user_name: &'a str,
    pub password: &'a str,
    pub client_id: &'a str,
}

/// What the API needs from a broker. Every command is idempotent, so a retry
/// after an unknown outcome is harmless.
#[async_trait::async_trait]
pub trait Broker: Send + Sync {
    /// Provisions a static credential, bound to its clientId and allowed only
    /// its namespace.
    async fn create_static(&self, credential: NewStatic<'_>) -> Result<(), BrokerError>;

    /// Removes a static credential and disconnects every session using it.
    async fn delete_static(&self, user_name: &str) -> Result<(), BrokerError>;

    /// The user names of the static credentials the broker holds, without the
    /// broker's own administrative clients.
    async fn list_static(&self) -> Result<HashSet<String>, BrokerError>;

    /// Whether a stored credential can connect, as far as the broker knows.
    fn health(&self, user_name: &str) -> BrokerStatus;
}
