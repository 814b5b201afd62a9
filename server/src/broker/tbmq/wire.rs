//! The JSON TBMQ's credential and session endpoints take and give (v2.3.0:
//! `MqttClientCredentials`, `BasicMqttCredentials`, `PageData`,
//! `DetailedClientSessionInfoDto`).

use serde::{Deserialize, Serialize};
use tillor_contract::Namespace;

/// How our credentials are named in TBMQ: `tillor:<userName>`. Only these
/// are ours to list, reconcile and delete; TBMQ's own (its WebSocket client)
/// and an operator's are left alone.
pub const NAME_PREFIX: &str = "tillor:";

pub fn credential_name(user_name: &str) -> String {
    format!("{NAME_PREFIX}{user_name}")
}

/// `MqttClientCredentials` as created. `credentialsValue` is a JSON *string*.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCredentials {
    pub name: String,
    /// DEVICE: see the README ("Production: TBMQ"): an APPLICATION client
    /// gets a Kafka topic of its own, for few high-rate consumers.
    pub client_type: &'static str,
    pub credentials_type: &'static str,
    pub credentials_value: String,
}

/// `BasicMqttCredentials`, the content of `credentialsValue`. TBMQ answers
/// with the password removed.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Basic {
    pub client_id: String,
    pub user_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    pub auth_rules: AuthRules,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthRules {
    #[serde(default)]
    pub pub_auth_rule_patterns: Vec<String>,
    #[serde(default)]
    pub sub_auth_rule_patterns: Vec<String>,
}

impl AuthRules {
    /// The namespace as TBMQ's regexes, which it full-matches.
    pub fn of(namespace: &Namespace) -> AuthRules {
        AuthRules {
            pub_auth_rule_patterns: vec![namespace.topic_regex()],
            sub_auth_rule_patterns: vec![namespace.topic_regex()],
        }
    }
}

impl NewCredentials {
    /// A static credential. The password is always set: TBMQ matches a
    /// credential stored without one against any password.
    pub fn basic(basic: &Basic) -> NewCredentials {
        debug_assert!(basic.password.as_deref().is_some_and(|p| !p.is_empty()));
        NewCredentials {
            name: credential_name(&basic.user_name),
            client_type: "DEVICE",
            credentials_type: "MQTT_BASIC",
            credentials_value: serde_json::to_string(basic).expect("plain data serialises"),
        }
    }
}

/// A stored credential (`MqttClientCredentials`), as TBMQ answers.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub credentials_value: Option<String>,
}

impl Stored {
    pub fn basic(&self) -> Option<Basic> {
        serde_json::from_str(self.credentials_value.as_deref()?).ok()
    }
}

/// One page of `GET /api/mqtt/client/credentials` (`ShortMqttClientCredentials`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub data: Vec<Short>,
    pub has_next: bool,
}

#[derive(Deserialize)]
pub struct Short {
    pub name: String,
}

/// `GET /api/client-session?clientId=` (`DetailedClientSessionInfoDto`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSession {
    pub session_id: String,
    pub connection_state: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use tillor_contract::Env;

    #[test]
    fn credentials_value_is_a_json_string_with_the_namespace_as_regexes() {
        let ns = Namespace::new(Env::Prod, "acme").unwrap();
        let body = serde_json::to_value(NewCredentials::basic(&Basic {
            client_id: "prod-till".into(),
            user_name: "acme-abcd1234".into(),
            password: Some("secret".into()),
            auth_rules: AuthRules::of(&ns),
        }))
        .unwrap();
        assert_eq!(body["name"], "tillor:acme-abcd1234");
        assert_eq!(body["credentialsType"], "MQTT_BASIC");
        let value: serde_json::Value =
            serde_json::from_str(body["credentialsValue"].as_str().unwrap()).unwrap();
        assert_eq!(value["clientId"], "prod-till");
        assert_eq!(value["password"], "secret");
        assert_eq!(
            value["authRules"]["subAuthRulePatterns"][0],
            r"^tillor/prod/acme/integration(/.*)?$"
        );
    }
}
