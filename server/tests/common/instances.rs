//! Two instances of one service: a shared PostgreSQL database and one
//! broker, supervised by the first; the second runs with
//! `TILLOR_BROKER=external`. Only with the PostgreSQL server scripts/test
//! starts.

use std::path::Path;

use tillor_harness::{fresh_postgres_database, Launch, Stack, TEST_DATABASE_ENV};

pub struct Service {
    /// Supervises the broker and records its reports.
    pub a: Stack,
    /// Uses a's broker.
    pub b: Stack,
    pub database_url: String,
}

impl Service {
    pub fn start(dir: &Path) -> Service {
        let database_url = fresh_postgres_database()
            .unwrap_or_else(|| panic!("{TEST_DATABASE_ENV} is not set: run scripts/test"));
        let a = Stack::start(&dir.join("a"), &[("TILLOR_DATABASE_URL", &database_url)]);
        let b = external(&dir.join("b"), &SharedBroker::of(&a), &database_url);
        // One demo organisation for the service, made by the first.
        assert_eq!(
            (&a.org, &a.key),
            (&b.org, &b.key),
            "the demo organisation is made once"
        );
        Service { a, b, database_url }
    }
}

/// What another instance needs to use a supervisor's broker.
#[derive(Clone, Debug)]
pub struct SharedBroker {
    pub admin_password: String,
    pub mqtt_port: u16,
    pub ws_port: u16,
}

impl SharedBroker {
    /// The broker `supervisor` runs; the admin password from its data
    /// directory, as an operator would take it.
    pub fn of(supervisor: &Stack) -> SharedBroker {
        let path = supervisor.data_dir.join("mosquitto/admin-password");
        SharedBroker {
            admin_password: std::fs::read_to_string(path).unwrap().trim().to_owned(),
            mqtt_port: supervisor.mqtt_port,
            ws_port: supervisor.ws_port,
        }
    }
}

/// An instance in `data_dir` on `database_url` that uses `broker`.
pub fn external(data_dir: &Path, broker: &SharedBroker, database_url: &str) -> Stack {
    Stack::launch(
        data_dir,
        Launch {
            ports: Some((broker.mqtt_port, broker.ws_port)),
            env: &[
                ("TILLOR_DATABASE_URL", database_url),
                ("TILLOR_BROKER", "external"),
                ("TILLOR_BROKER_ADMIN_PASSWORD", &broker.admin_password),
            ],
            ..Launch::default()
        },
    )
}

/// The key id a token names in its header.
pub fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token)
        .expect("a JWT")
        .kid
        .expect("our tokens name their key")
}

/// The key ids an instance publishes.
pub async fn published_kids(s: &Stack) -> Vec<String> {
    let jwks: serde_json::Value = reqwest::get(s.url("/.well-known/jwks.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

/// Connects to the broker on `port` as `user`/`password`/`client_id` and
/// publishes one message on `topic`: Ok, or mosquitto_pub's complaint.
pub fn publish_once(
    port: u16,
    (user, password, client_id): (&str, &str, &str),
    topic: &str,
) -> Result<(), String> {
    let out = tillor_harness::mosquitto_as(
        "mosquitto_pub",
        port,
        user,
        password,
        client_id,
        &["-t", topic, "-m", "x"],
    )
    .output()
    .unwrap();
    out.status
        .success()
        .then_some(())
        .ok_or_else(|| String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The same with a static credential as the API answered it.
pub fn publish_static(port: u16, cred: &serde_json::Value, topic: &str) -> Result<(), String> {
    let field = |name: &str| cred[name].as_str().unwrap();
    publish_once(
        port,
        (field("userName"), field("password"), field("clientId")),
        topic,
    )
}

/// The same with a JWT credential as the API answered it.
pub fn publish_jwt(port: u16, jwt: &serde_json::Value, topic: &str) -> Result<(), String> {
    let field = |name: &str| jwt[name].as_str().unwrap();
    publish_once(port, ("", field("token"), field("clientId")), topic)
}
