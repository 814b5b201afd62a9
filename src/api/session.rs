//! Who the API is called as: an organisation and its API key.

/// Which organisation the user acts for. The API key lives only here, in memory.
/// Stored as `{"orgId", "apiKey"}` when the user asks to be remembered.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgSession {
    pub org_id: String,
    pub api_key: String,
}

// Never print the API key, not even in a debug log.
impl std::fmt::Debug for OrgSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgSession")
            .field("org_id", &self.org_id)
            .field("api_key", &"<hidden>")
            .finish()
    }
}
