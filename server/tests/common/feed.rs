//! What the event tests share: a stack with two organisations, the failing
//! integration (Mosquitto's own clients) and the API as the reader.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use tillor_contract::api::events_path;

use super::{mosquitto, mosquitto_as, Stack, KEY_B, ORG_B};

pub const ORG_A: &str = "acme";
pub const KEY_A: &str = "tk_acme-events-test-key-0123456789";

pub fn stack() -> (tempfile::TempDir, Stack) {
    stack_with(&[])
}

/// The same with more settings.
pub fn stack_with(env: &[(&str, &str)]) -> (tempfile::TempDir, Stack) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec![
        ("TILLOR_DEMO_ORG_ID", ORG_A),
        ("TILLOR_DEMO_API_KEY", KEY_A),
    ];
    all.extend_from_slice(env);
    let data = dir.path().join("data");
    // The signing key made up front, in the data directory: tests forge
    // tokens with it, and on PostgreSQL the stack takes it into the database
    // as its first key (no key file is made there otherwise).
    std::fs::create_dir_all(&data).unwrap();
    tillor_local::tokens::TokenSigner::file_key(&data).unwrap();
    let s = Stack::start(&data, &all);
    (dir, s)
}

pub fn as_org(
    s: &Stack,
    org: &str,
    key: &str,
    method: Method,
    path: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, s.url(path))
        .header("x-api-key", key)
        .header("X-Tillor-Org-Id", org)
}

/// A JWT for `client_id` from the API: (token, clientId with its prefix).
pub async fn jwt(s: &Stack, client_id: &str) -> (String, String) {
    let v = s.create_jwt(client_id).await;
    (
        v["token"].as_str().unwrap().into(),
        v["clientId"].as_str().unwrap().into(),
    )
}

/// mosquitto_pub with an empty username, as a JWT integration connects;
/// true when the broker let it publish.
pub fn connect(s: &Stack, client_id: &str, token: &str) -> bool {
    cli(
        s,
        "mosquitto_pub",
        "",
        token,
        client_id,
        &["-t", "tillor/local/acme/integration/x", "-m", "x"],
    )
}

/// One of Mosquitto's own clients, once; true when it exited 0.
pub fn cli(
    s: &Stack,
    tool: &str,
    user: &str,
    password: &str,
    client_id: &str,
    args: &[&str],
) -> bool {
    mosquitto_as(tool, s.mqtt_port, user, password, client_id, args)
        .output()
        .expect("mosquitto-clients (apt-get install mosquitto-clients)")
        .status
        .success()
}

pub async fn create_static(s: &Stack, name: &str) -> Value {
    as_org(
        s,
        ORG_A,
        KEY_A,
        Method::POST,
        &tillor_contract::api::static_credentials_path(ORG_A),
    )
    .json(&json!({ "name": name }))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

/// The organisation's newest events (the first page).
pub async fn events(s: &Stack, org: &str, key: &str) -> Vec<Value> {
    page(s, org, key, "").await["events"]
        .as_array()
        .unwrap()
        .clone()
}

/// The events list asked with a query string (`a=1&b=2`).
pub async fn ask_events(s: &Stack, org: &str, key: &str, query: &str) -> reqwest::Response {
    as_org(
        s,
        org,
        key,
        Method::GET,
        &format!("{}?{query}", events_path(org)),
    )
    .send()
    .await
    .unwrap()
}

/// One answer of the events list for a query string, which must succeed.
pub async fn page(s: &Stack, org: &str, key: &str, query: &str) -> Value {
    let resp = ask_events(s, org, key, query).await;
    assert_eq!(resp.status(), 200, "{query}");
    resp.json().await.unwrap()
}

/// The 400 the events list answers a bad query with: (code, field).
pub async fn refused_query(s: &Stack, query: &str) -> (Value, Value) {
    let resp = ask_events(s, ORG_A, KEY_A, query).await;
    assert_eq!(resp.status(), 400, "{query}");
    let body: Value = resp.json().await.unwrap();
    (
        body["error"]["code"].clone(),
        body["error"]["field"].clone(),
    )
}

/// Waits up to 2 s (the product's promise) for an event of `client_id`.
pub async fn event_of(s: &Stack, client_id: &str, kind: &str) -> Value {
    event_where(s, client_id, kind, |_| true).await
}

/// The same, for the first event that also satisfies `also`.
pub async fn event_where(
    s: &Stack,
    client_id: &str,
    kind: &str,
    also: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let found = events(s, ORG_A, KEY_A)
            .await
            .into_iter()
            .find(|e| e["clientId"] == client_id && e["what"]["kind"] == kind && also(e));
        if let Some(e) = found {
            return e;
        }
        assert!(
            Instant::now() < deadline,
            "no such {kind} event of {client_id} within 2 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A running `mosquitto_sub` with a static credential, stopped on drop.
pub struct Subscriber(pub std::process::Child);

impl Subscriber {
    pub fn exited(&mut self) -> bool {
        self.0.try_wait().unwrap().is_some()
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn subscriber(s: &Stack, cred: &Value) -> Subscriber {
    Subscriber(
        mosquitto(
            "mosquitto_sub",
            s.mqtt_port,
            cred,
            &["-t", "tillor/local/acme/integration/#"],
        )
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap(),
    )
}

pub async fn connections(s: &Stack, org: &str, key: &str) -> Vec<Value> {
    as_org(
        s,
        org,
        key,
        Method::GET,
        &tillor_contract::api::connections_path(org),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}
