//! Last wills through the real broker: a JWT client's and a static client's
//! will reach an observer when they are cut off uncleanly, also after a will
//! delay and after a revocation; a will outside the namespace does not.
//! Mosquitto's own clients on both ends.

mod common;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::feed::*;
use common::{mosquitto, mosquitto_as, Stack};
use reqwest::Method;
use serde_json::Value;
use tillor_contract::api::jwt_credential_path;

const NS: &str = "tillor/local/acme/integration";

/// Waits for one message on `topic`, for up to `secs`; prints it.
fn observer(s: &Stack, cred: &Value, topic: &str, secs: u32) -> Child {
    mosquitto(
        "mosquitto_sub",
        s.mqtt_port,
        cred,
        &["-t", topic, "-C", "1", "-W", &secs.to_string()],
    )
    .stdout(Stdio::piped())
    .spawn()
    .unwrap()
}

fn heard(observer: Child) -> String {
    let out = observer.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A client that holds a session with a will, until it is killed (the
/// socket then closes without a DISCONNECT: the broker sends the will).
fn with_will(s: &Stack, user: &str, password: &str, id: &str, will: &str, extra: &[&str]) -> Child {
    let mut args = vec![
        "-t",
        "tillor/local/acme/integration/x",
        "--will-topic",
        will,
    ];
    args.extend_from_slice(&["--will-payload", "offline"]);
    args.extend_from_slice(extra);
    mosquitto_as("mosquitto_sub", s.mqtt_port, user, password, id, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn kill(mut c: Child) {
    let _ = c.kill();
    let _ = c.wait();
}

/// The observer's own credential, connected before the test's client.
async fn watching(s: &Stack, topic: &str, secs: u32) -> Child {
    let cred = create_static(s, "Observer").await;
    let o = observer(s, &cred, topic, secs);
    event_of(s, cred["clientId"].as_str().unwrap(), "connected").await;
    o
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_clients_will_is_delivered_when_it_drops() {
    let (_dir, s) = stack();
    let status = format!("{NS}/status/jwt");
    let obs = watching(&s, &status, 10).await;
    let (token, id) = jwt(&s, "with-will").await;
    let client = with_will(&s, "", &token, &id, &status, &[]);
    event_of(&s, &id, "connected").await;
    kill(client);
    assert_eq!(heard(obs), "offline");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_clients_will_is_delivered_when_it_drops() {
    let (_dir, s) = stack();
    let status = format!("{NS}/status/static");
    let obs = watching(&s, &status, 10).await;
    let cred = create_static(&s, "With will").await;
    let id = cred["clientId"].as_str().unwrap();
    let (user, password) = (
        cred["userName"].as_str().unwrap(),
        cred["password"].as_str().unwrap(),
    );
    let client = with_will(&s, user, password, id, &status, &[]);
    event_of(&s, id, "connected").await;
    kill(client);
    assert_eq!(heard(obs), "offline");
}

/// A client (username, password, clientId) on MQTT 5 with a will delayed
/// 2 s and a session that outlives it (expiry 30 s): killed, its will comes,
/// but not before its delay.
async fn delayed_will_comes_after_its_delay(s: &Stack, user: &str, password: &str, id: &str) {
    let status = format!("{NS}/status/{id}");
    let obs = watching(s, &status, 15).await;
    let v5 = [
        "-V",
        "mqttv5",
        "-x",
        "30",
        "-D",
        "will",
        "will-delay-interval",
        "2",
    ];
    let client = with_will(s, user, password, id, &status, &v5);
    event_of(s, id, "connected").await;
    let dropped = Instant::now();
    kill(client);
    assert_eq!(heard(obs), "offline");
    let took = dropped.elapsed();
    assert!(
        took >= Duration::from_millis(1500),
        "delivered after {took:?}, before its delay"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delayed_will_comes_after_its_delay() {
    let (_dir, s) = stack();
    let (token, id) = jwt(&s, "delayed-will").await;
    delayed_will_comes_after_its_delay(&s, "", &token, &id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_clients_delayed_will_comes_after_its_delay_too() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "Delayed will").await;
    let field = |k: &str| cred[k].as_str().unwrap().to_owned();
    let (user, password, id) = (field("userName"), field("password"), field("clientId"));
    delayed_will_comes_after_its_delay(&s, &user, &password, &id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_session_still_says_it_went_offline() {
    let (_dir, s) = stack();
    let status = format!("{NS}/status/revoked");
    let obs = watching(&s, &status, 10).await;
    let (token, id) = jwt(&s, "revoked-with-will").await;
    let client = with_will(&s, "", &token, &id, &status, &[]);
    event_of(&s, &id, "connected").await;
    let listed: Vec<Value> = as_org(
        &s,
        ORG_A,
        KEY_A,
        Method::GET,
        &tillor_contract::api::jwt_credentials_path(ORG_A),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let jti = listed[0]["jti"].as_str().unwrap();
    let resp = as_org(
        &s,
        ORG_A,
        KEY_A,
        Method::DELETE,
        &jwt_credential_path(ORG_A, jti),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(heard(obs), "offline");
    kill(client);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_will_outside_the_namespace_is_dropped_and_reported() {
    let (_dir, s) = stack();
    let elsewhere = "tillor/local/org-b/integration/status";
    let (token, id) = jwt(&s, "will-elsewhere").await;
    let client = with_will(&s, "", &token, &id, elsewhere, &[]);
    event_of(&s, &id, "connected").await;
    kill(client);
    let refused = event_of(&s, &id, "publish_refused").await;
    assert_eq!(refused["what"]["topic"], elsewhere);
}
