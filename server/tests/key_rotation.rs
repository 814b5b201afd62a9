//! Rotating the JWT signing key on a running service of two instances and
//! one broker: the new key is published everywhere before it signs, the
//! broker verifies it without a restart, and tokens of the old key keep
//! working. Needs the PostgreSQL server scripts/test starts (ignored in the
//! SQLite round, run with `--include-ignored` in the PostgreSQL one).

mod common;

use std::time::{Duration, Instant};

use common::instances::{kid_of, publish_jwt, published_kids, Service};
use common::Stack;
use tillor_harness::TEST_KEY_ENCRYPTION_KEY;

/// How long an instance may take to see the store's new keys (it looks
/// every 5 s); wide, as this checks what happens, not how fast.
const FOLLOW: Duration = Duration::from_secs(30);

async fn until_both_publish(a: &Stack, b: &Stack, kid: &str) {
    let deadline = Instant::now() + FOLLOW;
    loop {
        let (on_a, on_b) = (published_kids(a).await, published_kids(b).await);
        if on_a.iter().any(|k| k == kid) && on_b.iter().any(|k| k == kid) {
            assert_eq!(on_a, on_b, "both instances publish the same keys");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "key {kid} not published by both within {FOLLOW:?}: a {on_a:?}, b {on_b:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Connects with a JWT credential and publishes one message.
fn connects(s: &Stack, jwt: &serde_json::Value) -> Result<(), String> {
    let topic = format!("tillor/local/{}/integration/rotation", s.org);
    publish_jwt(s.mqtt_port, jwt, &topic)
}

fn rotate_key(s: &Stack, database_url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tillor-local"))
        .arg("rotate-key")
        .args(args)
        .env_clear()
        .env("TILLOR_DATA_DIR", &s.data_dir)
        .env("TILLOR_DATABASE_URL", database_url)
        .env("TILLOR_KEY_ENCRYPTION_KEY", TEST_KEY_ENCRYPTION_KEY)
        .output()
        .unwrap()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/test runs it in its PostgreSQL round"]
async fn a_rotated_key_is_published_first_then_signs_and_the_broker_takes_it_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let Service {
        a,
        b,
        database_url: url,
    } = Service::start(dir.path());
    let before = b.create_jwt("before").await;
    let old = kid_of(before["token"].as_str().unwrap());
    let broker_pid = a.mosquitto_pid();
    // A session in flight on a token of the old key, through the rotation.
    let in_flight = b.create_jwt("in-flight").await;
    let mut session = common::feed::Subscriber(
        common::mosquitto_as(
            "mosquitto_sub",
            a.mqtt_port,
            "",
            in_flight["token"].as_str().unwrap(),
            in_flight["clientId"].as_str().unwrap(),
            &["-t", &format!("tillor/local/{}/integration/#", a.org)],
        )
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap(),
    );

    // Less than TBMQ's shortest refresh ahead is refused.
    let early = rotate_key(&a, &url, &["--publish-ahead-secs", "60"]);
    assert_eq!(early.status.code(), Some(2));

    // The command: published on both instances at once, signing in 300 s.
    let out = rotate_key(&a, &url, &[]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("in 300 s"), "{said}");
    let waiting = said
        .split_whitespace()
        .nth(3)
        .expect("published signing key <kid>:")
        .trim_end_matches(':')
        .to_owned();
    until_both_publish(&a, &b, &waiting).await;
    let meanwhile = a.create_jwt("meanwhile").await;
    assert_eq!(
        kid_of(meanwhile["token"].as_str().unwrap()),
        old,
        "a published key does not sign before its time"
    );

    // A rotation whose time has come (as 300 s after the command): the
    // time is passed in, the rest is the real service.
    let store =
        tillor_local::store::Store::open(&tillor_local::store::Location::Postgres(url.clone()))
            .await
            .unwrap();
    let sealer = tillor_local::secrets::Sealer::from_base64(TEST_KEY_ENCRYPTION_KEY).unwrap();
    let now = common::feed::now();
    let due = tillor_local::key_rotation::rotate(&store, &sealer, now - 300, now)
        .await
        .unwrap();
    until_both_publish(&a, &b, &due.kid).await;
    for s in [&a, &b] {
        let after = s.create_jwt("after").await;
        assert_eq!(kid_of(after["token"].as_str().unwrap()), due.kid);
        connects(s, &after)
            .unwrap_or_else(|e| panic!("the broker refused a token of the new key: {e}"));
    }
    // The old key's tokens still verify: it stays until they expire.
    assert!(published_kids(&a).await.contains(&old));
    connects(&a, &before).unwrap_or_else(|e| panic!("a token of the old key was refused: {e}"));
    assert_eq!(
        a.mosquitto_pid(),
        broker_pid,
        "the broker was not restarted"
    );
    // Still the same session: never refused, never disconnected.
    assert!(!session.exited(), "the old key's session was refused");
    let events = common::feed::events(&a, &a.org, &a.key).await;
    let ended: Vec<_> = events
        .iter()
        .filter(|e| e["clientId"] == in_flight["clientId"] && e["what"]["kind"] != "connected")
        .collect();
    assert!(
        ended.is_empty(),
        "the rotation touched a session in flight: {ended:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["clientId"] == in_flight["clientId"]),
        "the session in flight was seen at all: {events:?}"
    );
}
