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

    /// A JWT credential's token id (`jti`), read from the token's payload
    /// (not verified: only to tell which listed token this is).
    pub fn token_id(&self) -> Option<String> {
        if self.kind != CredentialKind::Jwt {
            return None;
        }
        token_id(&self.password)
    }
}

/// The `jti` claim of a JWT, unverified.
pub fn token_id(token: &str) -> Option<String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    // Only the claim it needs, typed: a `serde_json::Value` here pulled the
    // whole untyped JSON tree into the first screen's module.
    #[derive(serde::Deserialize)]
    struct Claims {
        jti: Option<String>,
    }
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice::<Claims>(&URL_SAFE_NO_PAD.decode(payload).ok()?)
        .ok()?
        .jti
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_token_id_comes_out_of_the_payload_and_anything_else_has_none() {
        // {"alg":"ES256"} . {"jti":"j-1","sub":"local-x"} . signature
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiJqLTEiLCJzdWIiOiJsb2NhbC14In0.c2ln";
        assert_eq!(super::token_id(token).as_deref(), Some("j-1"));
        assert_eq!(super::token_id("not a token"), None);
        assert_eq!(super::token_id("a.%%%.c"), None);
    }
}
