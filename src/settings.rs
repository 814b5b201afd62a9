//! Non-secret settings that survive a reload: the language (for every
//! organisation) and, per organisation, the test client's subscriptions and log
//! cap. Kept in localStorage; passwords, tokens and API keys never go there.

use serde::{Deserialize, Serialize};
use tillor_contract::config::Language;

use crate::mqtt::session::Qos;

const LANGUAGE_KEY: &str = "tillor-console:language";

fn org_key(org_id: &str) -> String {
    format!("tillor-console:settings:{org_id}")
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgSettings {
    #[serde(default)]
    pub subscriptions: Vec<SavedSubscription>,
    #[serde(default)]
    pub log_cap: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSubscription {
    pub filter: String,
    pub qos: u8,
    pub label: String,
    pub colour: usize,
}

impl SavedSubscription {
    pub fn qos(&self) -> Qos {
        match self.qos {
            2 => Qos::ExactlyOnce,
            1 => Qos::AtLeastOnce,
            _ => Qos::AtMostOnce,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load_language() -> Option<Language> {
    match storage()?.get_item(LANGUAGE_KEY).ok()??.as_str() {
        "en" => Some(Language::En),
        "nl" => Some(Language::Nl),
        _ => None,
    }
}

pub fn save_language(lang: Language) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANGUAGE_KEY, lang.as_str());
    }
}

pub fn load(org_id: &str) -> OrgSettings {
    storage()
        .and_then(|s| s.get_item(&org_key(org_id)).ok().flatten())
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .unwrap_or_default()
}

pub fn save(org_id: &str, settings: &OrgSettings) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(settings)) {
        let _ = s.set_item(&org_key(org_id), &json);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_json_and_hold_no_secret_fields() {
        let s = OrgSettings {
            subscriptions: vec![SavedSubscription {
                filter: "tillor/local/acme/integration/#".into(),
                qos: 1,
                label: "alles".into(),
                colour: 2,
            }],
            log_cap: Some(5000),
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<OrgSettings>(&json).unwrap(), s);
        for secret in ["password", "token", "apiKey", "api_key"] {
            assert!(!json.contains(secret), "{json}");
        }
    }
}
