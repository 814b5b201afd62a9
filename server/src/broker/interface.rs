//! What the API needs from a broker, whichever broker it is.

use std::collections::HashSet;

use tillor_contract::broker_event::RevokedToken;
use tillor_contract::Namespace;

use super::error::BrokerError;

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
    /// Starts the broker again so it reads its certificate anew (after a
    /// renewal). Nothing to do for a broker without TLS files of ours.
    fn restart_for_new_certificate(&self) {}

    /// Provisions a static credential, bound to its clientId and allowed only
    /// its namespace.
    async fn create_static(&self, credential: NewStatic<'_>) -> Result<(), BrokerError>;

    /// Removes a static credential and disconnects every session using it.
    async fn delete_static(&self, user_name: &str) -> Result<(), BrokerError>;

    /// The user names of the static credentials the broker holds, without the
    /// broker's own administrative clients.
    async fn list_static(&self) -> Result<HashSet<String>, BrokerError>;

    /// Disconnects the session with this clientId, whatever its credential
    /// (support's "kick"). The broker reports the end like any other.
    async fn kick(&self, client_id: &str) -> Result<(), BrokerError>;

    /// Gives a static credential a new password; the broker disconnects the
    /// sessions that used the old one.
    async fn set_static_password(&self, user_name: &str, password: &str)
        -> Result<(), BrokerError>;

    /// Refuses these tokens from now on and disconnects their sessions. The
    /// list is also in the revocations file the broker reads at start.
    /// `client_ids` are the tokens' clients, for a broker that can only end
    /// sessions by clientId (TBMQ keeps no deny list).
    async fn revoke(
        &self,
        tokens: &[RevokedToken],
        client_ids: &[String],
    ) -> Result<(), BrokerError>;

    /// Tells the broker the published signing keys changed (a rotation), for
    /// a broker that does not fetch them itself (TBMQ does, from the JWKS URL).
    async fn reload_keys(&self) -> Result<(), BrokerError> {
        Ok(())
    }

    /// Answers when the broker can take commands now (`/readyz`): one real
    /// round trip, the cheapest every broker has.
    async fn ready(&self) -> Result<(), BrokerError> {
        self.list_static().await.map(drop)
    }
}
