//! `tillor-local tbmq-provider-config`: the `configuration` of TBMQ's JWT
//! auth provider under which TBMQ (2.2+) accepts exactly our tokens.
//!
//! Each setting answers a fact read in TBMQ's source (JwtClaimsValidator,
//! DefaultAuthorizationRuleService, JwtMqttAuthProviderConfiguration):
//! - The topic rules come from token claims only when the provider names the
//!   claims (`pubAuthRuleClaim`/`subAuthRuleClaim`; there is no default name).
//!   A token without them falls back to the provider's static `authRules`,
//!   whose default is `.*` (everything). So the claims are named, and the
//!   static rules are empty lists, which TBMQ reads as "nothing allowed".
//! - Required claims are compared as strings (`getClaimAsString`). Nimbus
//!   keeps a string `aud` as a list, so requiring `aud` throws and refuses
//!   every token: `aud` is never required, `iss` is.
//! - The JWKS is fetched again every `refreshInterval` seconds, at least 300:
//!   a new signing key must be published that long before it signs.
//! - `defaultClientType` is DEVICE. TBMQ gives every persistent APPLICATION
//!   client a Kafka topic of its own (`tbmq.msg.app.<clientId>`), kept after
//!   the client is gone until cleanup; JWT clients are many and short-lived,
//!   exactly what DEVICE (messages kept in Redis) is for.

use serde::Serialize;
use tillor_contract::claims::ISSUER;

use tillor_contract::api::JWKS_PATH;

/// TBMQ's floor for `refreshInterval` (JwksVerifierConfiguration).
pub const MIN_JWKS_REFRESH_SECS: u32 = 300;

/// The claims TBMQ reads the topic regexes from (`MqttTokenClaims` serialises
/// `pub_topics`/`sub_topics` under these names; a test pins that they agree).
pub const PUB_RULES_CLAIM: &str = "pubTopics";
pub const SUB_RULES_CLAIM: &str = "subTopics";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProviderConfigError {
    #[error("--api-url must be an http:// or https:// URL of the management API as TBMQ reaches it (got {0:?})")]
    ApiUrl(String),
    #[error("--jwks-refresh-secs must be at least {MIN_JWKS_REFRESH_SECS}: TBMQ raises anything lower to {MIN_JWKS_REFRESH_SECS} (got {0})")]
    Refresh(u32),
}

/// The provider's `configuration`, serialised in this order (`--help`-like
/// reading order: what it is, how keys are found, what is required, what is
/// allowed).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConfig {
    /// TBMQ's type tag for the configuration (`MqttAuthProviderConfiguration`).
    r#type: &'static str,
    default_client_type: &'static str,
    jwt_verifier_configuration: Jwks,
    auth_claims: AuthClaims,
    auth_rules: AuthRules,
    pub_auth_rule_claim: &'static str,
    sub_auth_rule_claim: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Jwks {
    jwt_verifier_type: &'static str,
    endpoint: String,
    refresh_interval: u32,
    /// The JWKS is public: no credentials.
    credentials: Anonymous,
}

#[derive(Debug, Serialize)]
struct Anonymous {
    r#type: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthClaims {
    /// `${clientId}`: TBMQ compares the claim with the CONNECT's clientId.
    client_id: &'static str,
    iss: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthRules {
    pub_auth_rule_patterns: [String; 0],
    sub_auth_rule_patterns: [String; 0],
}

/// The provider's `configuration` for an API whose public base URL is
/// `api_url` (TBMQ fetches `<api_url>/.well-known/jwks.json`).
pub fn provider_config(
    api_url: &str,
    refresh_secs: u32,
) -> Result<ProviderConfig, ProviderConfigError> {
    let base = api_url.trim().trim_end_matches('/');
    let scheme_ok = ["http://", "https://"]
        .iter()
        .any(|s| base.len() > s.len() && base[..s.len()].eq_ignore_ascii_case(s));
    if !scheme_ok || base.contains(char::is_whitespace) {
        return Err(ProviderConfigError::ApiUrl(api_url.to_owned()));
    }
    if refresh_secs < MIN_JWKS_REFRESH_SECS {
        return Err(ProviderConfigError::Refresh(refresh_secs));
    }
    Ok(ProviderConfig {
        r#type: "JWT",
        default_client_type: "DEVICE",
        jwt_verifier_configuration: Jwks {
            jwt_verifier_type: "JWKS",
            endpoint: format!("{base}{JWKS_PATH}"),
            refresh_interval: refresh_secs,
            credentials: Anonymous {
                r#type: "anonymous",
            },
        },
        auth_claims: AuthClaims {
            client_id: "${clientId}",
            iss: ISSUER,
        },
        auth_rules: AuthRules {
            pub_auth_rule_patterns: [],
            sub_auth_rule_patterns: [],
        },
        pub_auth_rule_claim: PUB_RULES_CLAIM,
        sub_auth_rule_claim: SUB_RULES_CLAIM,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tillor_contract::claims::MqttTokenClaims;
    use tillor_contract::{Env, Namespace};

    #[test]
    fn the_rule_claims_named_are_the_ones_our_tokens_carry() {
        let ns = Namespace::new(Env::Prod, "acme").unwrap();
        let claims =
            serde_json::to_value(MqttTokenClaims::new(&ns, "prod-x", "j".into(), 0, 60)).unwrap();
        assert!(claims[PUB_RULES_CLAIM].is_array(), "{claims}");
        assert!(claims[SUB_RULES_CLAIM].is_array(), "{claims}");
        assert_eq!(claims["iss"], ISSUER);
    }

    #[test]
    fn a_bad_url_or_a_refresh_below_tbmqs_floor_is_refused_with_what_to_give() {
        for bad in ["", "api.example", "ftp://x", "http://", "https://a b"] {
            let e = provider_config(bad, 300).unwrap_err();
            assert_eq!(e, ProviderConfigError::ApiUrl(bad.into()));
            assert!(e.to_string().contains("--api-url"), "{e}");
        }
        let e = provider_config("https://api.example", 299).unwrap_err();
        assert!(e.to_string().contains("at least 300"), "{e}");
    }

    #[test]
    fn a_trailing_slash_does_not_double_the_path() {
        let c = serde_json::to_value(provider_config("https://api.example/tillor/", 300).unwrap())
            .unwrap();
        assert_eq!(
            c["jwtVerifierConfiguration"]["endpoint"],
            "https://api.example/tillor/.well-known/jwks.json"
        );
    }
}
