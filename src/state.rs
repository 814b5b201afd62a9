//! What the whole screen shares: the configuration and the organisation session.

use leptos::prelude::*;
use tillor_contract::config::ConsoleConfig;
use tillor_contract::Env;

use crate::api::{ApiError, OrgSession};

#[derive(Clone, Copy)]
pub struct ConsoleState {
    pub config: StoredValue<ConsoleConfig>,
    pub session: RwSignal<Option<OrgSession>>,
}

impl ConsoleState {
    pub fn new(config: ConsoleConfig) -> Self {
        // A host page that passes both an organisation and a key starts signed in.
        let session = match (config.organisations.first(), &config.api_key) {
            (Some(org_id), Some(api_key)) => Some(OrgSession {
                org_id: org_id.clone(),
                api_key: api_key.clone(),
            }),
            _ => remembered_session(),
        };
        ConsoleState {
            config: StoredValue::new(config),
            session: RwSignal::new(session),
        }
    }

    pub fn env(&self) -> Option<Env> {
        self.config.with_value(|c| c.env)
    }

    /// Where the test client connects (`brokerWsUrl` of the configuration).
    pub fn broker_ws_url(&self) -> String {
        self.config
            .with_value(|c| c.broker_ws_url.clone().unwrap_or_default())
    }

    /// Where the broker's private CA certificate can be downloaded, when it
    /// has one: a path is on the API's origin.
    pub fn ca_url(&self) -> Option<String> {
        let ca = self.config.with_value(|c| c.ca_url.clone())?;
        if ca.starts_with('/') {
            Some(format!("{}{ca}", self.api_base()))
        } else {
            Some(ca)
        }
    }

    pub fn api_base(&self) -> String {
        self.config
            .with_value(|c| c.api_base.clone().unwrap_or_default())
            .trim_end_matches('/')
            .to_owned()
    }

    /// What a request for the chosen organisation needs, taken now: the API
    /// base and the session, or `NoOrganisation` (which the page says as such,
    /// never as a network failure).
    pub fn request_target(&self) -> Result<(String, OrgSession), ApiError> {
        let session = self
            .session
            .get_untracked()
            .ok_or(ApiError::NoOrganisation)?;
        Ok((self.api_base(), session))
    }
}

impl ConsoleState {
    /// Starts working for an organisation; the key goes to sessionStorage only
    /// when the user asked ("remember for this tab"), never to localStorage.
    pub fn choose(&self, session: OrgSession, remember: bool) {
        if remember {
            if let Some(storage) = session_storage() {
                if let Ok(value) = serde_json::to_string(&session) {
                    let _ = storage.set_item(SESSION_KEY, &value);
                }
            }
        } else {
            forget_session();
        }
        self.session.set(Some(session));
    }

    /// Back to the organisation picker; everything of the previous one goes.
    pub fn switch_organisation(&self) {
        forget_session();
        self.session.set(None);
    }
}

const SESSION_KEY: &str = "tillor-console:session";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn remembered_session() -> Option<OrgSession> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    let raw = session_storage()?.get_item(SESSION_KEY).ok()??;
    serde_json::from_str(&raw).ok()
}

fn forget_session() {
    if !cfg!(target_arch = "wasm32") {
        return;
    }
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(SESSION_KEY);
    }
}

pub fn use_console() -> ConsoleState {
    expect_context::<ConsoleState>()
}

#[cfg(test)]
mod tests {
    use super::OrgSession;

    #[test]
    fn a_remembered_session_is_stored_as_org_id_and_api_key_and_read_back() {
        let session = OrgSession {
            org_id: "acme".into(),
            api_key: "tk_1".into(),
        };
        let stored = serde_json::to_string(&session).unwrap();
        assert_eq!(stored, r#"{"orgId":"acme","apiKey":"tk_1"}"#);
        // What an earlier console stored reads back the same.
        let read: OrgSession = serde_json::from_str(r#"{"apiKey":"tk_1","orgId":"acme"}"#).unwrap();
        assert!(read == session);
        assert!(serde_json::from_str::<OrgSession>(r#"{"orgId":"acme"}"#).is_err());
    }
}
