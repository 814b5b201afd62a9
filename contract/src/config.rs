//! The console's one configuration type. It is filled from, in order of precedence:
//! the host page (embedded: `mountTillorConsole(element, config)`), `/config.json`
//! (standalone, non-secret values only) and the settings panel (org id, API key).

use serde::{Deserialize, Serialize};

use crate::Env;

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    /// The stable name (the JSON value).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsoleConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Env>,
    /// Base URL of the management API; empty or absent means the console's own origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<String>,
    /// What integrations use: `mqtt://…` or `mqtts://…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_url: Option<String>,
    /// What the browser's test client uses: `ws://…` or `wss://…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_ws_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Where the CA certificate the broker's TLS certificate chains to can be
    /// downloaded (a private CA); absent when the broker needs none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_url: Option<String>,
    /// Organisations the user may switch between (embedded: given by the host).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<String>,
    /// Only ever from the host page or the settings panel; `/config.json` never has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

impl ConsoleConfig {
    /// Fills what `self` leaves open from `lower`, so `host.or(file)` keeps the host's values.
    pub fn or(self, lower: ConsoleConfig) -> ConsoleConfig {
        ConsoleConfig {
            env: self.env.or(lower.env),
            api_base: self.api_base.or(lower.api_base),
            broker_url: self.broker_url.or(lower.broker_url),
            broker_ws_url: self.broker_ws_url.or(lower.broker_ws_url),
            language: self.language.or(lower.language),
            ca_url: self.ca_url.or(lower.ca_url),
            organisations: if self.organisations.is_empty() {
                lower.organisations
            } else {
                self.organisations
            },
            api_key: self.api_key.or(lower.api_key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_config_wins_field_by_field() {
        let host = ConsoleConfig {
            api_base: Some("https://api.example".into()),
            organisations: vec!["acme".into()],
            ..Default::default()
        };
        let file = ConsoleConfig {
            env: Some(Env::Local),
            api_base: Some("http://127.0.0.1:8080".into()),
            organisations: vec!["other".into()],
            ..Default::default()
        };
        let merged = host.or(file);
        assert_eq!(merged.api_base.as_deref(), Some("https://api.example"));
        assert_eq!(merged.env, Some(Env::Local));
        assert_eq!(merged.organisations, vec!["acme".to_string()]);
    }

    #[test]
    fn config_json_reads_camel_case() {
        let c: ConsoleConfig = serde_json::from_str(
            r#"{"env":"local","apiBase":"","brokerWsUrl":"ws://127.0.0.1:8083","language":"en"}"#,
        )
        .unwrap();
        assert_eq!(c.env, Some(Env::Local));
        assert_eq!(c.broker_ws_url.as_deref(), Some("ws://127.0.0.1:8083"));
        assert_eq!(c.language, Some(Language::En));
    }
}
