//! The claims of an MQTT JWT. They are chosen so that production brokers can check
//! the token without Tillor-specific code: TBMQ (JWT provider: `exp`/`nbf`, a claim
//! required to equal `${clientId}`, publish/subscribe regex lists from named claims),
//! EMQX and rmqtt (`acl` claim). Our own Mosquitto plugin checks the same claims.

use serde::{Deserialize, Serialize};

use crate::{Env, Namespace};

pub const ISSUER: &str = "tillor";
pub const AUDIENCE: &str = "tillor-mqtt";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MqttTokenClaims {
    pub iss: String,
    pub aud: String,
    /// The MQTT clientId; also in `clientId` for brokers that name the claim.
    pub sub: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: String,
    pub client_id: String,
    pub org_id: String,
    pub env: Env,
    /// Regexes of topics the client may publish to (TBMQ).
    pub pub_topics: Vec<String>,
    /// Regexes of filters the client may subscribe to (TBMQ).
    pub sub_topics: Vec<String>,
    /// EMQX / rmqtt ACL: allow the namespace, deny everything else.
    pub acl: Vec<AclRule>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclRule {
    pub permission: String,
    pub action: String,
    pub topic: String,
}

impl MqttTokenClaims {
    pub fn new(ns: &Namespace, client_id: &str, jti: String, iat: i64, exp: i64) -> Self {
        let regex = ns.topic_regex();
        let allow = |topic: String| AclRule {
            permission: "allow".into(),
            action: "all".into(),
            topic,
        };
        let mut acl: Vec<AclRule> = ns.acl_patterns().into_iter().map(allow).collect();
        acl.push(AclRule {
            permission: "deny".into(),
            action: "all".into(),
            topic: "#".into(),
        });
        MqttTokenClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: client_id.into(),
            iat,
            nbf: iat,
            exp,
            jti,
            client_id: client_id.into(),
            org_id: ns.org_id().into(),
            env: ns.env(),
            pub_topics: vec![regex.clone()],
            sub_topics: vec![regex],
            acl,
        }
    }

    /// The namespace the token grants, when its org id is well-formed.
    pub fn namespace(&self) -> Option<Namespace> {
        Namespace::new(self.env, &self.org_id)
    }
}
