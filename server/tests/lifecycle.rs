//! Credential lifecycle against the real broker: an organisation lists its
//! JWTs, revokes one or all of a clientId's before they expire, and gives a
//! static credential a new password in place. Mosquitto's own clients are
//! the integrations; the events say when the broker cut them off.

mod common;

use std::time::Duration;

use common::feed::*;
use common::{mosquitto, mosquitto_as, Stack, KEY_B, ORG_B};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tillor_contract::api::{
    jwt_credential_path, jwt_credentials_path, jwt_revoke_path, static_rotate_path,
};

const TOPIC: &str = "tillor/local/acme/integration/#";

async fn call(
    s: &Stack,
    org: &str,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = as_org(s, org, key, method, path);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A JWT session held open by mosquitto_sub.
fn jwt_subscriber(s: &Stack, client_id: &str, token: &str) -> std::process::Child {
    mosquitto_as(
        "mosquitto_sub",
        s.mqtt_port,
        "",
        token,
        client_id,
        &["-t", TOPIC],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap()
}

/// Waits for the disconnect of `client_id` with `cause`, and checks the
/// broker cut it off within 1 s of `since_ms` (Unix ms, when the API was
/// asked), by the broker's own event time.
async fn cut_off_within_1s(s: &Stack, client_id: &str, cause: &str, since_ms: i64) {
    let e = event_where(s, client_id, "disconnected", |e| {
        e["what"]["cause"] == cause
    })
    .await;
    let at = time::OffsetDateTime::parse(
        e["lastAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let at_ms = (at.unix_timestamp_nanos() / 1_000_000) as i64;
    let took = Duration::from_millis((at_ms - since_ms).max(0) as u64);
    assert!(took <= Duration::from_secs(1), "cut off after {took:?}");
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_token_is_cut_off_at_once_refused_after_a_restart_and_a_newer_one_works() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = [
        ("TILLOR_DEMO_ORG_ID", ORG_A),
        ("TILLOR_DEMO_API_KEY", KEY_A),
    ];
    let s = Stack::start(&data, &env);
    let (token, id) = jwt(&s, "sensor").await;
    let (other, _) = jwt(&s, "other").await;

    // Listed without the token itself; another organisation sees nothing.
    let (status, list) = call(
        &s,
        ORG_A,
        KEY_A,
        Method::GET,
        &jwt_credentials_path(ORG_A),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(
        !list.to_string().contains(&token),
        "the token is never returned"
    );
    let (_, theirs) = call(
        &s,
        ORG_B,
        KEY_B,
        Method::GET,
        &jwt_credentials_path(ORG_B),
        None,
    )
    .await;
    assert_eq!(theirs, json!([]));

    let mut sub = jwt_subscriber(&s, &id, &token);
    event_of(&s, &id, "connected").await;
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["clientId"] == id.as_str())
        .unwrap()
        .clone();
    let jti = entry["jti"].as_str().unwrap().to_owned();

    // Another organisation cannot revoke it.
    let (status, body) = call(
        &s,
        ORG_B,
        KEY_B,
        Method::DELETE,
        &jwt_credential_path(ORG_B, &jti),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("token_not_found"))
    );

    let asked = now_ms();
    let (status, _) = call(
        &s,
        ORG_A,
        KEY_A,
        Method::DELETE,
        &jwt_credential_path(ORG_A, &jti),
        None,
    )
    .await;
    assert_eq!(status, 204);
    cut_off_within_1s(&s, &id, "token_revoked", asked).await;
    event_where(&s, &id, "revoked", |e| e["what"]["jti"] == jti.as_str()).await;
    let _ = sub.kill();
    let _ = sub.wait();
    // Idempotent, and listed as revoked.
    let (status, _) = call(
        &s,
        ORG_A,
        KEY_A,
        Method::DELETE,
        &jwt_credential_path(ORG_A, &jti),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, list) = call(
        &s,
        ORG_A,
        KEY_A,
        Method::GET,
        &jwt_credentials_path(ORG_A),
        None,
    )
    .await;
    let revoked = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["jti"] == jti.as_str())
        .unwrap();
    assert_eq!(revoked["revoked"], true);

    // Refused from now on, with its reason, in this organisation's feed.
    assert!(!connect(&s, &id, &token));
    let refused = event_where(&s, &id, "refused", |e| {
        e["what"]["reason"]["code"] == "revoked"
    })
    .await;
    assert_eq!(refused["clientId"], id.as_str());

    // After a restart of the whole stack: still refused, from the first try;
    // a newer token for the same clientId and an untouched one work.
    let (mqtt, ws) = (s.mqtt_port, s.ws_port);
    s.stop();
    let s = Stack::start_on(&data, mqtt, ws, &env);
    assert!(!connect(&s, &id, &token), "revoked across a restart");
    assert!(connect(&s, "local-other", &other));
    let (newer, same_id) = jwt(&s, "sensor").await;
    assert_eq!(same_id, id);
    assert!(connect(&s, &id, &newer));
}

#[tokio::test(flavor = "multi_thread")]
async fn revoking_a_client_id_cuts_off_every_token_issued_so_far_and_not_later_ones() {
    let (_dir, s) = stack();
    let (first, id) = jwt(&s, "gateway").await;
    let (second, _) = jwt(&s, "gateway").await;
    let mut sub = jwt_subscriber(&s, &id, &second);
    event_of(&s, &id, "connected").await;

    let path = jwt_revoke_path(ORG_A);
    let (status, body) = call(
        &s,
        ORG_B,
        KEY_B,
        Method::POST,
        &jwt_revoke_path(ORG_B),
        Some(json!({"clientId": "gateway"})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("client_id_not_found"))
    );
    let (status, body) = call(&s, ORG_A, KEY_A, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("clientId"))
    );

    let asked = now_ms();
    let (status, body) = call(
        &s,
        ORG_A,
        KEY_A,
        Method::POST,
        &path,
        Some(json!({"clientId": "gateway"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["clientId"], id.as_str());
    assert_eq!(body["jtis"].as_array().unwrap().len(), 2);
    cut_off_within_1s(&s, &id, "token_revoked", asked).await;
    let _ = sub.kill();
    let _ = sub.wait();

    // Idempotent: nothing more to revoke.
    let (_, again) = call(
        &s,
        ORG_A,
        KEY_A,
        Method::POST,
        &path,
        Some(json!({"clientId": id})),
    )
    .await;
    assert_eq!(again["jtis"], json!([]));
    assert!(!connect(&s, &id, &first));
    assert!(!connect(&s, &id, &second));

    // The broker alone restarts (the server stays): it reads the revoked
    // tokens at start and refuses them from its first connect.
    s.kill_broker();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", s.mqtt_port)).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the broker never went"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    while std::net::TcpStream::connect(("127.0.0.1", s.mqtt_port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the broker never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!connect(&s, &id, &first), "refused by the restarted broker");
    assert!(
        !connect(&s, &id, &second),
        "refused by the restarted broker"
    );
    let (later, _) = jwt(&s, "gateway").await;
    assert!(connect(&s, &id, &later), "a token issued afterwards works");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_cuts_off_the_old_password_at_once_and_the_new_one_works() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "Rotating").await;
    let id = cred["clientId"].as_str().unwrap();
    let credential_id = cred["id"].as_str().unwrap();
    let sub = subscriber(&s, &cred);
    event_of(&s, id, "connected").await;

    let (status, _) = call(
        &s,
        ORG_B,
        KEY_B,
        Method::POST,
        &static_rotate_path(ORG_B, credential_id),
        None,
    )
    .await;
    assert_eq!(status, 404);

    let asked = now_ms();
    let (status, rotated) = call(
        &s,
        ORG_A,
        KEY_A,
        Method::POST,
        &static_rotate_path(ORG_A, credential_id),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(rotated["userName"], cred["userName"]);
    assert_eq!(rotated["clientId"], cred["clientId"]);
    let new_password = rotated["password"].as_str().unwrap();
    assert_ne!(new_password, cred["password"].as_str().unwrap());
    cut_off_within_1s(&s, id, "password_rotated", asked).await;
    event_of(&s, id, "rotated").await;
    drop(sub);

    let publish = |c: &Value| {
        mosquitto(
            "mosquitto_pub",
            s.mqtt_port,
            c,
            &["-t", "tillor/local/acme/integration/x", "-m", "x"],
        )
        .output()
        .unwrap()
        .status
        .success()
    };
    assert!(!publish(&cred), "the old password is refused");
    let mut fresh = cred.clone();
    fresh["password"] = new_password.into();
    assert!(publish(&fresh), "the new password works");
}
