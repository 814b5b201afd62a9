//! The broker with real clients nobody here wrote: Mosquitto's own
//! `mosquitto_pub`/`mosquitto_sub` (MQTT 3.1.1 over TCP), rumqttc (TCP and
//! WebSocket) and MQTT.js (WebSocket).
//!
//! rumqttc cannot hold a JWT session: it drops the username flag when the
//! username is empty, and Mosquitto refuses "password without username". JWT
//! sessions therefore use the Mosquitto CLI and MQTT.js, which send an empty
//! username as the rules require.

mod common;

use std::process::Command;
use std::time::Duration;

use common::mqtt::{connect, Conn, ConnectError, SubOutcome, Via};
use common::{creds_path, mosquitto_as, static_path, Stack, KEY_B, ORG_B};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use rumqttc::ConnectReturnCode;
use serde_json::{json, Value};
use tillor_contract::claims::MqttTokenClaims;
use tillor_contract::{Env, Namespace};
use SubOutcome::{Disconnected, Granted, Refused, RejectedByClient};

const ORG_A: &str = "acme";
const KEY_A: &str = "tk_acme-broker-test-key-0123456789";
const PREFIX_A: &str = "tillor/local/acme/integration";
const PREFIX_B: &str = "tillor/local/org-b/integration";

fn stack() -> (tempfile::TempDir, Stack) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The signing key made up front: `forge` signs with it, and on
    // PostgreSQL the stack takes it into the database as its first key.
    std::fs::create_dir_all(&data).unwrap();
    tillor_local::tokens::TokenSigner::file_key(&data).unwrap();
    let s = Stack::start(
        &data,
        &[
            ("TILLOR_DEMO_ORG_ID", ORG_A),
            ("TILLOR_DEMO_API_KEY", KEY_A),
        ],
    );
    (dir, s)
}

/// A credential as the broker sees it: username, password, clientId.
#[derive(Clone, Debug)]
struct Cred {
    user: String,
    password: String,
    client_id: String,
}

async fn post(s: &Stack, org: &str, key: &str, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(s.url(path))
        .header("x-api-key", key)
        .header("X-Tillor-Org-Id", org)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{path}");
    resp.json().await.unwrap()
}

async fn static_cred(s: &Stack, org: &str, key: &str) -> (Value, Cred) {
    let v = post(s, org, key, &static_path(org), json!({})).await;
    let c = Cred {
        user: v["userName"].as_str().unwrap().into(),
        password: v["password"].as_str().unwrap().into(),
        client_id: v["clientId"].as_str().unwrap().into(),
    };
    (v, c)
}

async fn jwt_cred(s: &Stack, org: &str, key: &str, client: &str) -> Cred {
    let v = post(s, org, key, &creds_path(org), json!({ "clientId": client })).await;
    Cred {
        user: String::new(),
        password: v["token"].as_str().unwrap().into(),
        client_id: v["clientId"].as_str().unwrap().into(),
    }
}

/// A rumqttc session (static credentials only, see the top of this file).
async fn open(s: &Stack, via: Via, c: &Cred) -> Conn {
    let port = if via == Via::Tcp {
        s.mqtt_port
    } else {
        s.ws_port
    };
    connect(port, via, &c.client_id, &c.user, &c.password)
        .await
        .unwrap_or_else(|e| {
            let logs = s.logs();
            let tail: Vec<&str> = logs.lines().rev().take(15).collect();
            panic!(
                "{c:?} could not connect over {via:?}: {e:?}\nlast log lines:\n{}",
                tail.join("\n")
            )
        })
}

async fn refused(s: &Stack, c: &Cred) -> ConnectError {
    match connect(s.mqtt_port, Via::Tcp, &c.client_id, &c.user, &c.password).await {
        Ok(_) => panic!("{c:?} was accepted"),
        Err(e) => e,
    }
}

const NOT_AUTHORISED: ConnectError = ConnectError::Refused(ConnectReturnCode::NotAuthorized);

/// Watches every topic, `$CONTROL` and `$SYS` included, as the dynamic-security
/// admin: if a hostile publish got through, this is where it would show.
async fn observer(s: &Stack) -> Conn {
    let admin = Cred {
        user: "tillor-admin".into(),
        password: s.admin_password(),
        client_id: "test-observer".into(),
    };
    let mut o = open(s, Via::Tcp, &admin).await;
    for f in ["#", "$CONTROL/#", "$SYS/#"] {
        o.subscribe(f).await;
    }
    o
}

/// Runs mosquitto_pub or mosquitto_sub (MQTT 3.1.1, TCP) with a credential.
async fn cli(s: &Stack, tool: &str, c: &Cred, args: &[&str]) -> std::process::Output {
    let (tool, port, c) = (tool.to_owned(), s.mqtt_port, c.clone());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        mosquitto_as(&tool, port, &c.user, &c.password, &c.client_id, &args)
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e} (apt-get install mosquitto-clients)"))
    })
    .await
    .unwrap()
}

/// Connects with mosquitto_pub and publishes once; Err(exit code) when refused
/// (5: CONNACK 5, "not authorised").
async fn cli_connect(s: &Stack, c: &Cred) -> Result<(), i32> {
    let topic = format!("{PREFIX_A}/probe");
    let out = cli(s, "mosquitto_pub", c, &["-t", &topic, "-m", "x", "-q", "1"]).await;
    match out.status.code() {
        Some(0) => Ok(()),
        code => {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("not authorised"), "{err}");
            Err(code.unwrap_or(-1))
        }
    }
}

/// MQTT.js (tools/node_modules) in Node, subscribed over WebSocket.
struct MqttJs {
    child: std::process::Child,
    lines: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl MqttJs {
    fn start(s: &Stack, c: &Cred, filter: &str) -> MqttJs {
        use std::io::BufRead;
        // At run time, not env!(): a target directory shared between clones
        // can hold a binary built in another checkout.
        let root = std::path::PathBuf::from(
            std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into()),
        )
        .join("..");
        assert!(
            root.join("tools/node_modules/mqtt").exists(),
            "MQTT.js is missing: npm ci --prefix tools (scripts/test does)"
        );
        let url = format!("ws://127.0.0.1:{}/mqtt", s.ws_port);
        let mut child = Command::new("node")
            .arg(root.join("tests/clients/mqttjs-receive.mjs"))
            .args([&url, &c.client_id, &c.user, &c.password, filter])
            .env("TILLOR_TOOLS", root.join("tools"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("node");
        let lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut js = MqttJs { child, lines };
        assert_eq!(js.next_line(), "ready");
        js
    }

    fn next_line(&mut self) -> String {
        match self.lines.next() {
            Some(Ok(line)) => line,
            _ => {
                use std::io::Read;
                let status = self.child.wait().unwrap();
                let mut err = String::new();
                self.child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                panic!("MQTT.js ended ({status}): {err}");
            }
        }
    }
}

impl Drop for MqttJs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn both_credential_kinds_publish_and_receive_inside_the_namespace_with_stock_clients() {
    let (_dir, s) = stack();
    let (_, stat) = static_cred(&s, ORG_A, KEY_A).await;
    let jwt = jwt_cred(&s, ORG_A, KEY_A, "both-kinds").await;

    // TCP: a rumqttc session with the static credential receives what
    // mosquitto_pub sends with the JWT (empty username, token, exact clientId).
    let mut stat_tcp = open(&s, Via::Tcp, &stat).await;
    assert_eq!(stat_tcp.subscribe(&format!("{PREFIX_A}/#")).await, Granted);
    let topic = format!("{PREFIX_A}/orders/1");
    let out = cli(
        &s,
        "mosquitto_pub",
        &jwt,
        &["-t", &topic, "-m", "from-jwt", "-q", "1"],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stat_tcp.next_message().await,
        Some((topic, b"from-jwt".to_vec()))
    );

    // WebSocket (subprotocol mqtt): MQTT.js holds the JWT session and subscribes,
    // rumqttc publishes with the static credential.
    let mut mqttjs = MqttJs::start(&s, &jwt, &format!("{PREFIX_A}/+"));
    let mut stat_ws = open(&s, Via::WebSocket, &stat).await;
    stat_ws
        .publish(&format!("{PREFIX_A}/status"), b"from-static")
        .await
        .unwrap();
    assert_eq!(mqttjs.next_line(), format!("{PREFIX_A}/status from-static"));
}

/// Hostile filters and what the client sees, checked against rumqttc 0.24,
/// mosquitto_sub 2.0.11 and Mosquitto 2.0.11: SUBACK 0x80 for well-formed ones;
/// for malformed ones `malformed` (mosquitto_sub will not send them; rumqttc
/// sends them and Mosquitto closes the connection for a protocol error).
fn hostile_filters(malformed: SubOutcome) -> Vec<(String, SubOutcome)> {
    let refused = [
        "#",
        "+/#",
        "+",
        "tillor/#",
        "tillor/+/acme/integration/#",
        "tillor/local/+/integration/#",
        "tillor/local/acme/#",
        "tillor/local/acme/+",
        "tillor/local/acme/integration2",
        "tillor/local/acme/integration2/#",
        "tillor/local/acme/integrationx",
        "tillor/local/acme2/integration/#",
        "tillor/local/acm/integration/#",
        "tillor/local/org-b/integration/#",
        "tillor/local/org-b/integration",
        "tillor/local/org-b/#",
        "tillor/prod/acme/integration/#",
        "tillor/staging/acme/integration",
        "Tillor/local/acme/integration/#",
        "tillor/LOCAL/acme/integration/#",
        "tillor/local/ACME/integration/#",
        "tillor/local/acme/Integration/#",
        "$SYS/#",
        "$SYS/broker/clients/connected",
        "$CONTROL/#",
        "$CONTROL/dynamic-security/v1",
        "$CONTROL/dynamic-security/v1/response",
        "/tillor/local/acme/integration/#",
        "tillor//local/acme/integration/#",
        "tillor/local//acme/integration",
        " tillor/local/acme/integration",
        "tillor/local/acme/integration ",
        "tillor/local/acme",
        "tillor",
        "+/local/acme/integration",
        "+/+/+/+",
        "+/+/+/integration/#",
        "tillor/local/acme/+/#",
    ];
    let mut cases: Vec<(String, SubOutcome)> =
        refused.iter().map(|f| (f.to_string(), Refused)).collect();
    for f in [
        "tillor/local/acme/integration/#/x",
        "tillor/local/acme/integration#",
        "#/tillor/local/acme/integration",
    ] {
        cases.push((f.into(), malformed));
    }
    cases
}

/// Hostile topics to publish to: Ok when the broker acknowledges and drops the
/// message (MQTT 3.1.1 lets it stay silent), Err when the client will not send it.
fn hostile_topics() -> Vec<(String, Result<(), ()>)> {
    let dropped = [
        "tillor/local/org-b/integration/x",
        "tillor/local/org-b/integration",
        "tillor/local/acme2/integration/x",
        "tillor/local/acme/integration2",
        "tillor/local/acme/integrationx/y",
        "tillor/local/acme",
        "tillor/local/acme/other",
        "tillor/prod/acme/integration/x",
        "tillor/staging/acme/integration",
        "Tillor/local/acme/integration/x",
        "tillor/local/ACME/integration/x",
        "tillor/local/acme/INTEGRATION/x",
        "$SYS/broker/x",
        "$CONTROL/dynamic-security/v1",
        "/tillor/local/acme/integration/x",
        "tillor//local/acme/integration",
        " tillor/local/acme/integration",
        "foo",
        "tillor",
    ];
    let mut cases: Vec<(String, Result<(), ()>)> =
        dropped.iter().map(|t| (t.to_string(), Ok(()))).collect();
    for t in [
        "tillor/local/acme/integration/#",
        "tillor/local/acme/integration/+",
        "#",
        "tillor/local/+/integration",
    ] {
        cases.push((t.into(), Err(())));
    }
    cases
}

/// One credential of org A, driven by a real client: rumqttc keeps a session;
/// the Mosquitto CLI connects once per action.
enum Driver {
    Rumqttc(Conn, Cred),
    Cli(Cred),
}

impl Driver {
    async fn subscribe(&mut self, s: &Stack, filter: &str) -> SubOutcome {
        match self {
            Driver::Rumqttc(conn, c) => {
                let got = conn.subscribe(filter).await;
                if got == Disconnected {
                    *conn = open(s, Via::Tcp, c).await;
                }
                got
            }
            Driver::Cli(c) => {
                let out = cli(s, "mosquitto_sub", c, &["-t", filter, "-E", "-q", "1"]).await;
                let err = String::from_utf8_lossy(&out.stderr);
                if err.contains("All subscription requests were denied") {
                    Refused
                } else if err.contains("Invalid subscription topic") {
                    RejectedByClient
                } else {
                    assert!(out.status.success(), "mosquitto_sub {filter:?}: {err}");
                    Granted
                }
            }
        }
    }

    async fn publish(&mut self, s: &Stack, topic: &str, payload: &str) -> Result<(), String> {
        match self {
            Driver::Rumqttc(conn, _) => conn.publish(topic, payload.as_bytes()).await,
            Driver::Cli(c) => {
                let out = cli(
                    s,
                    "mosquitto_pub",
                    c,
                    &["-t", topic, "-m", payload, "-q", "1"],
                )
                .await;
                let err = String::from_utf8_lossy(&out.stderr);
                if err.contains("Invalid publish topic") {
                    Err(format!("client refused: {err}"))
                } else if out.status.success() {
                    Ok(())
                } else {
                    Err(err.into_owned())
                }
            }
        }
    }
}

/// The hostile matrix for one kind of org A's credentials.
async fn hostile_matrix(s: &Stack, mut sub: Driver, mut publisher: Driver) {
    let malformed = match sub {
        Driver::Rumqttc(..) => Disconnected,
        Driver::Cli(_) => RejectedByClient,
    };
    let filters = hostile_filters(malformed);
    let topics = hostile_topics();
    assert!(filters.len() + topics.len() >= 40);

    // Org B: a subscriber to all of its namespace, and a publisher.
    let (_, b) = static_cred(s, ORG_B, KEY_B).await;
    let (_, b_watch) = static_cred(s, ORG_B, KEY_B).await;
    let mut b_sub = open(s, Via::Tcp, &b_watch).await;
    assert_eq!(b_sub.subscribe(&format!("{PREFIX_B}/#")).await, Granted);

    assert_eq!(
        sub.subscribe(s, &format!("{PREFIX_A}/sentinel")).await,
        Granted
    );
    for (filter, expected) in &filters {
        assert_eq!(
            &sub.subscribe(s, filter).await,
            expected,
            "filter {filter:?}"
        );
    }
    // Odd-looking but inside: MQTT has no path traversal, `..` is a plain level.
    let odd = format!("{PREFIX_A}/../../org-b");
    assert_eq!(sub.subscribe(s, &odd).await, Granted, "{odd}");

    // Every hostile publish is followed by a sentinel on an allowed topic; the
    // observer, who sees everything, must see the sentinel and never the hostile
    // message before it. No sleeps: the sentinel proves the broker got that far.
    let mut watch = observer(s).await;
    let sentinel_topic = format!("{PREFIX_A}/sentinel");
    for (i, (topic, expected)) in topics.iter().enumerate() {
        let hostile = format!("hostile-{i}");
        let sent = publisher.publish(s, topic, &hostile).await;
        match expected {
            Ok(()) => assert_eq!(sent, Ok(()), "{topic:?}: acknowledged and dropped"),
            Err(()) => assert!(
                sent.as_ref()
                    .is_err_and(|e| e.starts_with("client refused")),
                "{topic:?}: {sent:?}"
            ),
        }
        let sentinel = format!("sentinel-{i}");
        publisher
            .publish(s, &sentinel_topic, &sentinel)
            .await
            .unwrap();
        loop {
            let (t, p) = watch
                .next_message()
                .await
                .expect("the observer sees the sentinel");
            assert_ne!(p, hostile.as_bytes(), "{topic:?} was delivered on {t}");
            if p == sentinel.as_bytes() {
                break;
            }
        }
    }
    // A session that tried every filter above still only ever got sentinels.
    if let Driver::Rumqttc(conn, _) = &mut sub {
        while let Ok(Some((t, _))) =
            tokio::time::timeout(Duration::from_millis(1), conn.next_message()).await
        {
            assert_eq!(t, sentinel_topic);
        }
    }
    // Org B's subscriber never saw anything of A's, though A aimed at B's topics:
    // its first message is B's own sentinel.
    let mut b_pub = open(s, Via::Tcp, &b).await;
    b_pub
        .publish(&format!("{PREFIX_B}/sentinel"), b"b-sentinel")
        .await
        .unwrap();
    assert_eq!(
        b_sub.next_message().await,
        Some((format!("{PREFIX_B}/sentinel"), b"b-sentinel".to_vec()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_topics_and_filters_are_refused_for_static_credentials() {
    let (_dir, s) = stack();
    let (_, a) = static_cred(&s, ORG_A, KEY_A).await;
    let (_, a_pub) = static_cred(&s, ORG_A, KEY_A).await;
    let sub = Driver::Rumqttc(open(&s, Via::Tcp, &a).await, a);
    let publisher = Driver::Rumqttc(open(&s, Via::Tcp, &a_pub).await, a_pub);
    hostile_matrix(&s, sub, publisher).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_topics_and_filters_are_refused_for_jwt_credentials() {
    let (_dir, s) = stack();
    let a = jwt_cred(&s, ORG_A, KEY_A, "matrix-sub").await;
    let a_pub = jwt_cred(&s, ORG_A, KEY_A, "matrix-pub").await;
    hostile_matrix(&s, Driver::Cli(a), Driver::Cli(a_pub)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_filter_with_a_nul_character_ends_the_session() {
    let (_dir, s) = stack();
    let (_, a) = static_cred(&s, ORG_A, KEY_A).await;
    let mut sub = open(&s, Via::Tcp, &a).await;
    assert_eq!(
        sub.subscribe(&format!("{PREFIX_A}/a\0b")).await,
        Disconnected
    );
}

/// Signs claims with the stack's own key, to make tokens the API would never issue.
fn forge(s: &Stack, claims: &MqttTokenClaims) -> String {
    let pem = std::fs::read(s.data_dir.join("jwt-signing-key.pem")).unwrap();
    let key = EncodingKey::from_ec_pem(&pem).unwrap();
    encode(&Header::new(Algorithm::ES256), claims, &key).unwrap()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_jwt_is_refused_at_connect() {
    let (_dir, s) = stack();
    let good = jwt_cred(&s, ORG_A, KEY_A, "jwt-bad").await;
    let ns = Namespace::new(Env::Local, ORG_A).unwrap();
    let id = good.client_id.clone();
    let claims =
        |ns: &Namespace, iat: i64, exp: i64| MqttTokenClaims::new(ns, &id, "t".into(), iat, exp);
    let with = |password: String| Cred {
        password,
        ..good.clone()
    };

    let mut tampered = good.password.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let payload = good.password.split('.').nth(1).unwrap();
    let alg_none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    let mut bad_org = claims(&ns, now(), now() + 60);
    bad_org.org_id = "acme/#".into();
    let prod = Namespace::new(Env::Prod, ORG_A).unwrap();

    let cases: Vec<(&str, Cred)> = vec![
        ("wrong signature", with(tampered)),
        ("alg none", with(alg_none)),
        (
            "expired",
            with(forge(&s, &claims(&ns, now() - 120, now() - 60))),
        ),
        (
            "not yet valid",
            with(forge(&s, &claims(&ns, now() + 60, now() + 120))),
        ),
        (
            "clientId mismatch",
            Cred {
                client_id: "local-someone-else".into(),
                ..good.clone()
            },
        ),
        (
            "other env",
            with(forge(&s, &claims(&prod, now(), now() + 60))),
        ),
        (
            "organisation that is not a topic level",
            with(forge(&s, &bad_org)),
        ),
        (
            "non-empty username",
            Cred {
                user: "acme".into(),
                ..good.clone()
            },
        ),
        ("empty password", with(String::new())),
        ("garbage", with("not-a-jwt".into())),
    ];
    for (what, cred) in cases {
        assert_eq!(cli_connect(&s, &cred).await, Err(5), "{what}");
    }
    // The real one still works, so the refusals above are about the token.
    assert_eq!(cli_connect(&s, &good).await, Ok(()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_is_cut_off_when_its_token_expires_and_the_token_cannot_be_reused() {
    let (_dir, s) = stack();
    let _ = jwt_cred(&s, ORG_A, KEY_A, "short").await;
    let ns = Namespace::new(Env::Local, ORG_A).unwrap();
    let exp = now() + 2;
    let short = Cred {
        user: String::new(),
        password: forge(
            &s,
            &MqttTokenClaims::new(&ns, "local-short", "s".into(), now(), exp),
        ),
        client_id: "local-short".into(),
    };
    // mosquitto_sub stays connected until the broker cuts it off; it then tries
    // to reconnect with the same token, is refused, and exits.
    let mut session = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &s.mqtt_port.to_string(),
            "-u",
            "",
            "-P",
            &short.password,
        ])
        .args([
            "-i",
            &short.client_id,
            "-t",
            &format!("{PREFIX_A}/#"),
            "-q",
            "1",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = session.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = session.kill();
            panic!("the expired session was not disconnected");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(now() >= exp);
    assert!(!status.success());
    assert!(
        s.logs()
            .contains("local-short: token expired, disconnecting"),
        "the plugin cut it off"
    );
    assert_eq!(
        cli_connect(&s, &short).await,
        Err(5),
        "the token cannot be reused"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn static_credentials_refuse_wrong_passwords_other_client_ids_and_deletion() {
    let (_dir, s) = stack();
    let key = "tk_acme-broker-test-key-0123456789";
    let (v, cred) = static_cred(&s, ORG_A, key).await;
    assert_eq!(v["brokerStatus"], "active");
    let wrong_pw = Cred {
        password: format!("{}x", cred.password),
        ..cred.clone()
    };
    assert_eq!(refused(&s, &wrong_pw).await, NOT_AUTHORISED);
    let other_id = Cred {
        client_id: "local-not-mine".into(),
        ..cred.clone()
    };
    assert_eq!(refused(&s, &other_id).await, NOT_AUTHORISED);

    let mut session = open(&s, Via::Tcp, &cred).await;
    let path = format!("{}/{}", static_path(ORG_A), v["id"].as_str().unwrap());
    let resp = s.as_demo(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(resp.status(), 204);
    assert!(
        session.closed_within(Duration::from_secs(5)).await,
        "the open session was not cut off"
    );
    assert_eq!(refused(&s, &cred).await, NOT_AUTHORISED);
}

/// Org A's static credentials as the API lists them.
async fn listed(s: &Stack) -> Value {
    let resp = s
        .as_demo(Method::GET, &static_path(ORG_A))
        .send()
        .await
        .unwrap();
    resp.json().await.unwrap()
}

/// The clients in dynamic security's file (Mosquitto rewrites it in place, so a
/// read can catch it half-written: read again until it parses).
fn dynsec_clients(s: &Stack) -> Vec<String> {
    let path = s.data_dir.join("mosquitto/dynamic-security.json");
    let doc: Value = (0..500)
        .find_map(|_| {
            let parsed = serde_json::from_slice(&std::fs::read(&path).unwrap()).ok();
            if parsed.is_none() {
                std::thread::sleep(Duration::from_millis(10));
            }
            parsed
        })
        .expect("dynamic-security.json parses");
    let mut users: Vec<String> = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["username"].as_str().unwrap().to_owned())
        .collect();
    users.sort();
    users
}

fn ctrl(s: &Stack, args: &[&str]) {
    let out = Command::new("mosquitto_ctrl")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &s.mqtt_port.to_string(),
            "-u",
            "tillor-admin",
            "-P",
            &s.admin_password(),
        ])
        .args(["dynsec"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_keeps_static_credentials_working_and_reconciles_the_broker() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = [
        ("TILLOR_DEMO_ORG_ID", ORG_A),
        ("TILLOR_DEMO_API_KEY", "tk_acme-broker-test-key-0123456789"),
    ];
    let s = Stack::start(&data, &env);
    let key = "tk_acme-broker-test-key-0123456789";
    let (_, kept) = static_cred(&s, ORG_A, key).await;
    let (lost_v, lost) = static_cred(&s, ORG_A, key).await;
    // Behind the API's back: the broker loses one client and gains a stray one.
    ctrl(&s, &["deleteClient", &lost.user]);
    ctrl(&s, &["createClient", "stray", "-p", "stray-password-123"]);
    let (mqtt, ws) = (s.mqtt_port, s.ws_port);
    s.stop();

    let s = Stack::start_on(&data, mqtt, ws, &env);
    let mut conn = open(&s, Via::Tcp, &kept).await;
    assert_eq!(
        conn.subscribe(&format!("{PREFIX_A}/#")).await,
        SubOutcome::Granted
    );
    let mut expected = vec!["tillor-admin".to_string(), kept.user.clone()];
    expected.sort();
    assert_eq!(
        dynsec_clients(&s),
        expected,
        "nothing duplicated, the stray client deleted"
    );

    let list = listed(&s).await;
    let status_of = |id: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| &c["id"] == id)
            .unwrap()["brokerStatus"]
            .clone()
    };
    assert_eq!(status_of(&lost_v["id"]), "missing");
    assert!(s.logs().contains("static credential missing on the broker"));
    assert_eq!(refused(&s, &lost).await, NOT_AUTHORISED);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_broker_gives_503_and_leaves_nothing_half_done() {
    let (_dir, s) = stack();
    let pid = s.mosquitto_pid().to_string();
    let signal = |sig: &str| {
        assert!(Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap()
            .success())
    };
    signal("-STOP");
    let resp = s
        .as_demo(Method::POST, &static_path(ORG_A))
        .json(&json!({"name": "while frozen"}))
        .send()
        .await
        .unwrap();
    signal("-CONT");
    assert_eq!(resp.status(), 503);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "broker_unavailable");

    let list = listed(&s).await;
    assert_eq!(list, json!([]), "nothing stored");
    // The broker ran the queued create when it woke, then the compensating delete.
    let mut clients = dynsec_clients(&s);
    for _ in 0..100 {
        if clients == ["tillor-admin"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        clients = dynsec_clients(&s);
    }
    let logs = s.logs();
    let dynsec: Vec<&str> = logs.lines().filter(|l| l.contains("dynsec")).collect();
    assert_eq!(
        clients,
        ["tillor-admin"],
        "no client left on the broker:\n{}",
        dynsec.join("\n")
    );
}

#[test]
fn the_websocket_listener_listens_on_loopback_only() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(&dir.path().join("data"), &[]);
    let mut listening = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        for line in std::fs::read_to_string(table).unwrap().lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let (addr, state) = (cols[1], cols[3]);
            let (host, port) = addr.split_once(':').unwrap();
            if state == "0A" && u16::from_str_radix(port, 16).unwrap() == s.ws_port {
                listening.push(host.to_owned());
            }
        }
    }
    assert!(!listening.is_empty(), "nothing listens on {}", s.ws_port);
    for host in listening {
        // 127.0.0.1, ::1, or ::ffff:127.0.0.1, as the kernel writes them.
        let loopback = [
            "0100007F",
            "00000000000000000000000001000000",
            "0000000000000000FFFF00000100007F",
        ];
        assert!(
            loopback.contains(&host.as_str()),
            "WebSocket listener bound to {host}"
        );
    }
}
