//! What a connection needs: the credential and where to use it.

use tillor_contract::Namespace;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    Jwt,
    Static,
}

/// What a connection needs. The password lives here only while the session
/// may need to reconnect; `disconnect` by the user drops it.
#[derive(Clone, PartialEq)]
pub struct ConnectParams {
    pub kind: CredentialKind,
    pub ws_url: String,
    pub client_id: String,
    pub user_name: String,
    pub password: String,
    pub topic_prefix: String,
    /// JWT expiry (Unix ms), to explain a cut-off at expiry.
    pub expires_at_ms: Option<f64>,
}

impl std::fmt::Debug for ConnectParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectParams")
            .field("kind", &self.kind)
            .field("ws_url", &self.ws_url)
            .field("client_id", &self.client_id)
            .field("user_name", &self.user_name)
            .field("password", &"<hidden>")
            .field("topic_prefix", &self.topic_prefix)
            .finish()
    }
}

impl ConnectParams {
    /// The namespace the prefix names (`tillor/{env}/{org}/integration`).
    pub fn namespace(&self) -> Option<Namespace> {
        Namespace::from_prefix(&self.topic_prefix)
    }
}
