//! What the whole screen shares: the configuration and the organisation session.

use leptos::prelude::*;
use tillor_contract::config::ConsoleConfig;
use tillor_contract::Env;

/// Which organisation the user acts for. The API key lives only here, in memory.
#[derive(Clone, PartialEq, Eq)]
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
            _ => None,
        };
        ConsoleState {
            config: StoredValue::new(config),
            session: RwSignal::new(session),
        }
    }

    pub fn env(&self) -> Option<Env> {
        self.config.with_value(|c| c.env)
    }

    pub fn api_base(&self) -> String {
        self.config
            .with_value(|c| c.api_base.clone().unwrap_or_default())
            .trim_end_matches('/')
            .to_owned()
    }
}

pub fn use_console() -> ConsoleState {
    expect_context::<ConsoleState>()
}
