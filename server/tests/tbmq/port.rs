//! A port of TBMQ's JWT checks (v2.3.0), so that our tokens and the provider
//! settings `tillor-local tbmq-provider-config` prints are tested without
//! TBMQ, which needs Kafka and cannot run here. Each step names the Java it
//! ports; the behaviour, not the code, is what is carried over:
//! - `JwksVerificationStrategy.authenticateJwt`: the keys of the header's
//!   algorithm (and kid, when the header names one) from the JWKS; the first
//!   that verifies the signature wins, none is a refusal.
//! - Nimbus `JWTClaimsSet.parse`: a string `aud` is kept as a one-element
//!   list, and `getClaimAsString` throws for anything but a string.
//! - `JwtClaimsValidator.validateAll`: `exp` and `nbf` only when present and
//!   without leeway (`now.after(exp)`, `now.before(nbf)`, in milliseconds);
//!   every `authClaims` entry by exact string equality, `${clientId}` and
//!   `${username}` taken from the CONNECT; the topic regexes from the claims
//!   the provider names, else (or when the claim is not a string list) the
//!   provider's own `authRules`.
//! - `DefaultAuthorizationRuleService.isAuthorized`: allowed when any pattern
//!   matches the whole topic (`Matcher.matches`); no pattern, no access.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey};
use regex::Regex;
use serde_json::{Map, Value};

/// What a client sends in CONNECT.
pub struct Connect<'a> {
    pub client_id: &'a str,
    pub username: &'a str,
    pub password: &'a str,
}

/// Why TBMQ would refuse the CONNECT (its `AuthResponse.skip` reasons).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a signed JWT, or its claims are not a JSON object of the right types.
    Parse(String),
    NoMatchingKey,
    Signature,
    Expired,
    NotYetValid,
    /// A required claim differs from what the provider expects.
    AuthClaims,
    /// `getClaimAsString` threw: the claim is there but not a string.
    ClaimNotString(String),
}

/// An accepted session's topic rules.
pub struct Session {
    publish: Vec<Regex>,
    subscribe: Vec<Regex>,
}

impl Session {
    pub fn may_publish(&self, topic: &str) -> bool {
        self.publish.iter().any(|r| r.is_match(topic))
    }
    pub fn may_subscribe(&self, filter: &str) -> bool {
        self.subscribe.iter().any(|r| r.is_match(filter))
    }
}

/// TBMQ's JWT provider, as configured by `config` (the provider's
/// `configuration` JSON) with `jwks` fetched from its endpoint.
pub fn authenticate(
    config: &Value,
    jwks: &Value,
    connect: &Connect,
    now_ms: i64,
) -> Result<Session, Refused> {
    let token = connect.password;
    let header = jsonwebtoken::decode_header(token).map_err(|e| Refused::Parse(e.to_string()))?;
    let keys = matching_keys(jwks, header.alg, header.kid.as_deref());
    if keys.is_empty() {
        return Err(Refused::NoMatchingKey);
    }
    let (message, signature) = token.rsplit_once('.').ok_or(Refused::Signature)?;
    let verified = keys.iter().any(|key| {
        jsonwebtoken::crypto::verify(signature, message.as_bytes(), key, header.alg)
            .unwrap_or(false)
    });
    if !verified {
        return Err(Refused::Signature);
    }
    let payload = message.split('.').nth(1).ok_or(Refused::Signature)?;
    let claims = parse_claims(payload)?;
    validate_all(config, &claims, connect, now_ms)
}

fn matching_keys(jwks: &Value, alg: Algorithm, kid: Option<&str>) -> Vec<DecodingKey> {
    let family = match alg {
        Algorithm::ES256 | Algorithm::ES384 => "EC",
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => "RSA",
        Algorithm::EdDSA => "OKP",
        _ => return Vec::new(),
    };
    let alg_name = format!("{alg:?}");
    let keys = jwks["keys"].as_array().cloned().unwrap_or_default();
    keys.iter()
        .filter(|k| k["kty"] == family)
        .filter(|k| k.get("alg").is_none_or(|a| a == alg_name.as_str()))
        .filter(|k| k.get("use").is_none_or(|u| u == "sig"))
        .filter(|k| kid.is_none_or(|kid| k["kid"] == kid))
        .filter_map(|k| serde_json::from_value(k.clone()).ok())
        .filter_map(|jwk: jsonwebtoken::jwk::Jwk| DecodingKey::from_jwk(&jwk).ok())
        .collect()
}

/// Nimbus' `JWTClaimsSet.parse`: registered claims must have their types,
/// and `aud` becomes a list.
fn parse_claims(payload: &str) -> Result<Map<String, Value>, Refused> {
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| Refused::Parse(e.to_string()))?;
    let mut claims: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|e| Refused::Parse(e.to_string()))?;
    for time in ["exp", "nbf", "iat"] {
        if claims.get(time).is_some_and(|v| !v.is_number()) {
            return Err(Refused::Parse(format!("{time} is not a number")));
        }
    }
    if let Some(Value::String(aud)) = claims.get("aud") {
        let list = Value::Array(vec![Value::String(aud.clone())]);
        claims.insert("aud".into(), list);
    }
    Ok(claims)
}

fn validate_all(
    config: &Value,
    claims: &Map<String, Value>,
    connect: &Connect,
    now_ms: i64,
) -> Result<Session, Refused> {
    let time_ms = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_f64)
            .map(|s| (s * 1000.0) as i64)
    };
    if time_ms("exp").is_some_and(|exp| now_ms > exp) {
        return Err(Refused::Expired);
    }
    if time_ms("nbf").is_some_and(|nbf| now_ms < nbf) {
        return Err(Refused::NotYetValid);
    }
    let required = config["authClaims"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (name, expected) in &required {
        let expected = match expected.as_str().unwrap_or_default() {
            "${username}" => connect.username,
            "${clientId}" => connect.client_id,
            literal => literal,
        };
        let actual = match claims.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(Refused::ClaimNotString(name.clone())),
        };
        if actual != Some(expected) {
            return Err(Refused::AuthClaims);
        }
    }
    let defaults = &config["authRules"];
    let rules = |claim_key: &str, default_key: &str| {
        let fallback = || patterns(&defaults[default_key]);
        match config[claim_key].as_str().filter(|c| !c.trim().is_empty()) {
            None => fallback(),
            Some(claim) => match claims.get(claim) {
                None | Some(Value::Null) => fallback(),
                Some(list) if is_string_list(list) => patterns(list),
                // getStringListClaim threw: TBMQ logs it and falls back.
                Some(_) => fallback(),
            },
        }
    };
    Ok(Session {
        publish: rules("pubAuthRuleClaim", "pubAuthRulePatterns"),
        subscribe: rules("subAuthRuleClaim", "subAuthRulePatterns"),
    })
}

fn is_string_list(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
}

/// Java's `Pattern.compile` + `matches()`: the whole input must match.
fn patterns(list: &Value) -> Vec<Regex> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|p| Regex::new(&format!("^(?:{p})$")).expect("a valid pattern"))
        .collect()
}
