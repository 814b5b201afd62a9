//! Non-secret settings that survive a reload: the language (for every
//! organisation) and, per organisation, the test client's subscriptions, recent
//! publishes, log preferences and JWT auto-renew, and which parts were open. Kept in localStorage;
//! passwords, tokens and API keys never go there.

use serde::{Deserialize, Serialize};
use tillor_contract::config::Language;

use crate::mqtt::packet::{Protocol, SubOptions};
use crate::mqtt::payload::PayloadFormat;
use crate::mqtt::qos::Qos;
use crate::parts::Part;

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
    #[serde(default)]
    pub log_format: Option<PayloadFormat>,
    /// Newest first, at most `RECENT_PUBLISHES`.
    #[serde(default)]
    pub recent_publishes: Vec<SavedPublish>,
    #[serde(default)]
    pub auto_renew: bool,
    /// The test client's protocol; absent in older settings (then MQTT 5).
    #[serde(default)]
    pub protocol: Protocol,
    #[serde(default)]
    pub session_expiry_secs: u32,
    /// The user switched off remembering recent publishes (on a shared
    /// support machine, say): none are kept.
    #[serde(default)]
    pub forget_publishes: bool,
}

/// How many recent publishes are remembered, and the largest payload kept
/// (localStorage is small and shared by the whole dashboard).
pub const RECENT_PUBLISHES: usize = 10;
pub const RECENT_PAYLOAD_MAX: usize = 4096;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedPublish {
    /// The full topic, as sent.
    pub topic: String,
    pub payload: String,
    pub qos: Qos,
    pub retain: bool,
    #[serde(default)]
    pub json: bool,
}

/// Puts `p` first, drops an older identical entry, and keeps the list short.
/// A payload too large to keep is not remembered at all (rather than cut,
/// which would replay something else).
pub fn remember_publish(list: &mut Vec<SavedPublish>, p: SavedPublish) {
    if p.payload.len() > RECENT_PAYLOAD_MAX {
        return;
    }
    list.retain(|x| !(x.topic == p.topic && x.payload == p.payload));
    list.insert(0, p);
    list.truncate(RECENT_PUBLISHES);
}

/// Older settings hold only `qos`; MQTT 5's options default to off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSubscription {
    pub filter: String,
    #[serde(flatten)]
    pub options: SubOptions,
    pub label: String,
    pub colour: usize,
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

/// Whether the user left a part (`crate::parts`) open for this organisation:
/// it opens again after a reload. Its own key, so the first screen reads it
/// without the test client's settings types.
pub fn part_open(org_id: &str, part: Part) -> bool {
    storage()
        .and_then(|s| s.get_item(&part_key(org_id, part)).ok().flatten())
        .is_some()
}

pub fn remember_part_open(org_id: &str, part: Part) {
    if let Some(s) = storage() {
        let _ = s.set_item(&part_key(org_id, part), "open");
    }
}

fn part_key(org_id: &str, part: Part) -> String {
    format!("tillor-console:open:{}:{org_id}", part.name())
}

/// Everything remembered for `org_id` in this browser goes: its settings
/// (subscriptions, recent publishes and their payloads, preferences) and
/// which parts were open. The language is everyone's and stays.
pub fn forget(org_id: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&org_key(org_id));
        for part in Part::ALL {
            let _ = s.remove_item(&part_key(org_id, part));
        }
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
                options: SubOptions {
                    qos: Qos::AtLeastOnce,
                    no_local: true,
                    ..SubOptions::default()
                },
                label: "alles".into(),
                colour: 2,
            }],
            log_cap: Some(5000),
            log_format: Some(PayloadFormat::Json),
            recent_publishes: vec![SavedPublish {
                topic: "tillor/local/acme/integration/test".into(),
                payload: "{\"a\":1}".into(),
                qos: Qos::AtLeastOnce,
                retain: false,
                json: true,
            }],
            auto_renew: true,
            protocol: Protocol::V311,
            session_expiry_secs: 300,
            forget_publishes: true,
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<OrgSettings>(&json).unwrap(), s);
        for secret in ["password", "token", "apiKey", "api_key"] {
            assert!(!json.contains(secret), "{json}");
        }
    }

    #[test]
    fn settings_from_an_older_console_still_load() {
        let old = r#"{"subscriptions":[{"filter":"f","qos":2,"label":"","colour":0}],"log_cap":2000,"log_format":"hex"}"#;
        let s: OrgSettings = serde_json::from_str(old).unwrap();
        assert_eq!(s.log_cap, Some(2000));
        assert_eq!(s.subscriptions[0].options.qos, Qos::ExactlyOnce);
        assert_eq!(
            s.protocol,
            Protocol::V5,
            "older settings connect with MQTT 5"
        );
        assert_eq!(s.log_format, Some(PayloadFormat::Hex));
        assert!(s.recent_publishes.is_empty() && !s.auto_renew);
        assert!(!s.forget_publishes, "older settings remember publishes");
    }

    fn publish(topic: &str, payload: &str) -> SavedPublish {
        SavedPublish {
            topic: topic.into(),
            payload: payload.into(),
            qos: Qos::AtMostOnce,
            retain: false,
            json: false,
        }
    }

    #[test]
    fn recent_publishes_are_newest_first_without_repeats_and_bounded() {
        let mut list = Vec::new();
        for i in 0..15 {
            remember_publish(&mut list, publish("t", &i.to_string()));
        }
        assert_eq!(list.len(), RECENT_PUBLISHES);
        assert_eq!(list[0].payload, "14");
        remember_publish(&mut list, publish("t", "10"));
        assert_eq!(list.len(), RECENT_PUBLISHES);
        assert_eq!(list[0].payload, "10");
        assert_eq!(list.iter().filter(|p| p.payload == "10").count(), 1);
        remember_publish(&mut list, publish("other", "10"));
        assert_eq!(list[0].topic, "other");
        assert_eq!(
            list[1].topic, "t",
            "same payload on another topic is another entry"
        );
        let big = "x".repeat(RECENT_PAYLOAD_MAX + 1);
        remember_publish(&mut list, publish("t", &big));
        assert_ne!(list[0].payload, big);
    }
}
