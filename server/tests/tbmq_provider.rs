//! TBMQ's JWT provider with the settings `tillor-local tbmq-provider-config`
//! prints: the output pinned by a golden file, and our tokens taken through a
//! port of TBMQ's checks (`tbmq/port.rs`; TBMQ itself needs Kafka and cannot
//! run here). The tokens come from the real API and the keys from its JWKS
//! URL, as TBMQ would fetch them.

mod common;
#[path = "tbmq/port.rs"]
mod port;

use std::process::Command;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::Stack;
use port::{authenticate, Connect, Refused, Session};
use serde_json::Value;
use tillor_contract::{Env, Namespace};
use tillor_local::tokens::TokenSigner;

const GOLDEN: &str = include_str!("golden/tbmq-provider-config.json");

fn provider_config(api_url: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_tillor-local"))
        .args(["tbmq-provider-config", "--api-url", api_url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn now_ms() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp() * 1000
}

#[test]
fn the_printed_configuration_is_the_golden_one() {
    let out = Command::new(env!("CARGO_BIN_EXE_tillor-local"))
        .args([
            "tbmq-provider-config",
            "--api-url",
            "https://api.tillor.example/",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), GOLDEN);
}

#[test]
fn a_refresh_below_tbmqs_floor_is_refused_with_exit_code_2_and_a_reason() {
    let out = Command::new(env!("CARGO_BIN_EXE_tillor-local"))
        .args([
            "tbmq-provider-config",
            "--api-url",
            "https://api.tillor.example",
        ])
        .args(["--jwks-refresh-secs", "60"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("at least 300"), "{err}");
    assert!(out.stdout.is_empty());
}

/// The API's token for `client_id`, the provider settings for this API and
/// the keys from the endpoint those settings name.
async fn from_the_api(s: &Stack, client_id: &str) -> (Value, Value, Value) {
    let config = provider_config(&s.base);
    let endpoint = config["jwtVerifierConfiguration"]["endpoint"]
        .as_str()
        .unwrap();
    let jwks: Value = reqwest::get(endpoint).await.unwrap().json().await.unwrap();
    let credential = s.create_jwt(client_id).await;
    (config, jwks, credential)
}

fn connect<'a>(credential: &'a Value) -> Connect<'a> {
    Connect {
        client_id: credential["clientId"].as_str().unwrap(),
        username: "",
        password: credential["token"].as_str().unwrap(),
    }
}

fn accepted(r: Result<Session, Refused>) -> Session {
    r.unwrap_or_else(|e| panic!("TBMQ would refuse: {e:?}"))
}

#[tokio::test]
async fn tbmq_accepts_the_apis_token_for_its_client_and_namespace_only() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(&dir.path().join("data"), &[]);
    let (config, jwks, credential) = from_the_api(&s, "till-1").await;
    let session = accepted(authenticate(
        &config,
        &jwks,
        &connect(&credential),
        now_ms(),
    ));

    let ns = format!("tillor/local/{}/integration", s.org);
    assert!(session.may_publish(&ns));
    assert!(session.may_publish(&format!("{ns}/orders/42")));
    assert!(session.may_subscribe(&format!("{ns}/#")));
    assert!(session.may_subscribe(&format!("{ns}/+/status")));
    for outside in [
        format!("tillor/local/{}/integration", common::ORG_B),
        format!("tillor/local/{}/other", s.org),
        format!("tillor/local/{}/integrationx", s.org),
        format!("tillor/prod/{}/integration", s.org),
        "#".to_owned(),
        format!("tillor/local/{}/#", s.org),
        "tillor/local/+/integration/#".to_owned(),
        "$SYS/#".to_owned(),
    ] {
        assert!(!session.may_publish(&outside), "publish {outside}");
        assert!(!session.may_subscribe(&outside), "subscribe {outside}");
    }

    // Another clientId with the same token: the required claim differs.
    let other = Connect {
        client_id: "local-someone-else",
        ..connect(&credential)
    };
    assert_eq!(
        authenticate(&config, &jwks, &other, now_ms()).err(),
        Some(Refused::AuthClaims)
    );
}

#[tokio::test]
async fn a_tampered_token_is_refused_by_its_signature_or_its_key_id() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(&dir.path().join("data"), &[]);
    let (config, jwks, credential) = from_the_api(&s, "till-2").await;
    let token = credential["token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let reencode = |part: &str, from: &str, to: &str| {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap();
        assert!(text.contains(from), "{text}");
        URL_SAFE_NO_PAD.encode(text.replace(from, to))
    };
    let refused = |token: &str| {
        let c = Connect {
            password: token,
            ..connect(&credential)
        };
        authenticate(&config, &jwks, &c, now_ms()).err()
    };

    // The namespace widened to another organisation's: the signature fails.
    let wider = reencode(parts[1], &s.org, common::ORG_B);
    let forged = format!("{}.{wider}.{}", parts[0], parts[2]);
    assert_eq!(refused(&forged), Some(Refused::Signature));
    // A longer life: the same.
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let exp = claims["exp"].to_string();
    let longer = reencode(parts[1], &format!("\"exp\":{exp}"), "\"exp\":4102444800");
    assert_eq!(
        refused(&format!("{}.{longer}.{}", parts[0], parts[2])),
        Some(Refused::Signature)
    );
    // A key id the JWKS does not have: no key to try.
    let kid = jwks["keys"][0]["kid"].as_str().unwrap();
    let header = reencode(parts[0], kid, "not-our-key");
    assert_eq!(
        refused(&format!("{header}.{}.{}", parts[1], parts[2])),
        Some(Refused::NoMatchingKey)
    );
    // Signed by a key of the same kind that is not ours.
    let stranger_dir = tempfile::tempdir().unwrap();
    let stranger = TokenSigner::load_or_create(stranger_dir.path()).unwrap();
    let ns = Namespace::new(Env::Local, &s.org).unwrap();
    let client_id = credential["clientId"].as_str().unwrap();
    let now = now_ms() / 1000;
    let theirs = stranger
        .issue(&ns, client_id, "j".into(), now, 60)
        .unwrap()
        .token;
    assert!(matches!(
        refused(&theirs),
        Some(Refused::Signature | Refused::NoMatchingKey)
    ));
}

#[test]
fn exp_and_nbf_hold_to_the_second_without_leeway() {
    let dir = tempfile::tempdir().unwrap();
    let signer = TokenSigner::load_or_create(dir.path()).unwrap();
    let config = serde_json::from_str::<Value>(GOLDEN).unwrap();
    let ns = Namespace::new(Env::Local, "acme").unwrap();
    let issued = 1_800_000_000;
    let token = signer
        .issue(&ns, "local-x", "j".into(), issued, 60)
        .unwrap()
        .token;
    let c = Connect {
        client_id: "local-x",
        username: "",
        password: &token,
    };
    let at = |s: i64, ms: i64| authenticate(&config, &signer.jwks(), &c, s * 1000 + ms).err();
    assert_eq!(at(issued - 1, 999), Some(Refused::NotYetValid));
    assert_eq!(at(issued, 0), None);
    assert_eq!(at(issued + 60, 0), None, "valid up to and including exp");
    assert_eq!(at(issued + 60, 1), Some(Refused::Expired));
}

/// Why the settings are what they are: each fact read in TBMQ's source,
/// shown on a configuration that lacks the setting.
#[test]
fn requiring_aud_or_leaving_the_rule_claims_unnamed_would_break_the_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let signer = TokenSigner::load_or_create(dir.path()).unwrap();
    let golden = serde_json::from_str::<Value>(GOLDEN).unwrap();
    let ns = Namespace::new(Env::Local, "acme").unwrap();
    let now = now_ms() / 1000;
    let token = signer
        .issue(&ns, "local-x", "j".into(), now, 60)
        .unwrap()
        .token;
    let c = Connect {
        client_id: "local-x",
        username: "",
        password: &token,
    };

    // The README once advised requiring aud: Nimbus keeps it as a list, the
    // string comparison throws, and every token is refused.
    let mut with_aud = golden.clone();
    with_aud["authClaims"]["aud"] = "tillor-mqtt".into();
    assert_eq!(
        authenticate(&with_aud, &signer.jwks(), &c, now_ms()).err(),
        Some(Refused::ClaimNotString("aud".into()))
    );

    // Without the rule claims named, the static rules apply; TBMQ's default
    // for them is `.*`, which would open every topic.
    let mut unnamed = golden.clone();
    unnamed.as_object_mut().unwrap().remove("pubAuthRuleClaim");
    unnamed.as_object_mut().unwrap().remove("subAuthRuleClaim");
    unnamed["authRules"] =
        serde_json::json!({ "pubAuthRulePatterns": [".*"], "subAuthRulePatterns": [".*"] });
    let open = accepted(authenticate(&unnamed, &signer.jwks(), &c, now_ms()));
    assert!(open.may_subscribe("#"));
    // The printed settings: empty static rules, so the named claims alone decide.
    let session = accepted(authenticate(&golden, &signer.jwks(), &c, now_ms()));
    assert!(!session.may_subscribe("#"));
    assert!(session.may_subscribe("tillor/local/acme/integration/#"));
    let mut no_claims = golden.clone();
    no_claims["pubAuthRuleClaim"] = "notInTheToken".into();
    let closed = accepted(authenticate(&no_claims, &signer.jwks(), &c, now_ms()));
    assert!(!closed.may_publish("tillor/local/acme/integration"));
}
