//! Several API instances on one PostgreSQL database behave as one service.
//! These need the PostgreSQL server scripts/test starts, so they are ignored
//! in the SQLite round and run with `--include-ignored` in the PostgreSQL
//! one (where a missing server fails them rather than skipping).

mod common;

use common::instances::{external, publish_jwt, publish_static, Service, SharedBroker};
use common::{creds_path, Stack};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tillor_harness::fresh_postgres_database;

/// A request as the second seeded organisation (ORG_B), on either instance.
fn as_org_b(s: &Stack, method: Method, path: &str) -> reqwest::RequestBuilder {
    common::feed::as_org(s, common::ORG_B, common::KEY_B, method, path)
}

/// Two instances on one new database and one broker (a supervises it).
fn two_instances(dir: &std::path::Path) -> (Stack, Stack) {
    let service = Service::start(dir);
    (service.a, service.b)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/test runs it in its PostgreSQL round"]
async fn a_client_id_raced_by_two_organisations_through_two_instances_has_one_owner() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    // Instance a's demo organisation against the organisation both seed (ORG_B).
    for round in 0..20 {
        let client_id = format!("race-{round}");
        let body = json!({ "clientId": client_id });
        let from_a = a
            .as_demo(Method::POST, &creds_path(&a.org))
            .json(&body)
            .send();
        let from_b = as_org_b(&b, Method::POST, &creds_path(common::ORG_B))
            .json(&body)
            .send();
        let (ra, rb) = tokio::join!(from_a, from_b);
        let mut statuses = [ra.unwrap().status(), rb.unwrap().status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::CONFLICT],
            "round {round}: exactly one organisation owns {client_id}"
        );
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/test runs it in its PostgreSQL round"]
async fn what_one_instance_creates_the_other_lists_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    let org = common::ORG_B;
    let jwt = as_org_b(&a, Method::POST, &creds_path(org))
        .json(&json!({ "clientId": "shared-1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(jwt.status(), StatusCode::CREATED);
    let tokens: serde_json::Value = as_org_b(&b, Method::GET, &creds_path(org))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tokens.to_string().contains("local-shared-1"), "{tokens}");
    // The clientId is org B's on both instances.
    let theirs = a
        .as_demo(Method::POST, &creds_path(&a.org))
        .json(&json!({ "clientId": "shared-1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::CONFLICT);

    // A static credential made through a: b lists it, sees its session,
    // kicks it and deletes it; then a lists nothing and the broker refuses it.
    let cred: serde_json::Value = as_org_b(&a, Method::POST, &common::static_path(org))
        .json(&json!({ "name": "till" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statics = |s: &Stack| {
        let request = as_org_b(s, Method::GET, &common::static_path(org)).send();
        async move {
            request
                .await
                .unwrap()
                .json::<Vec<serde_json::Value>>()
                .await
                .unwrap()
        }
    };
    assert_eq!(statics(&b).await[0]["id"], cred["id"]);
    let topic = format!("tillor/local/{org}/integration/#");
    let _session = common::feed::Subscriber(
        common::mosquitto("mosquitto_sub", a.mqtt_port, &cred, &["-t", &topic])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let client_id = cred["clientId"].as_str().unwrap();
    for s in [&a, &b] {
        // Each instance hears the broker's reports and keeps the sessions.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !common::feed::connections(s, org, common::KEY_B)
            .await
            .iter()
            .any(|c| c["clientId"] == client_id)
        {
            assert!(
                std::time::Instant::now() < deadline,
                "{} lists no session",
                s.base
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    let kick = as_org_b(
        &b,
        Method::DELETE,
        &format!(
            "{}/{client_id}",
            tillor_contract::api::connections_path(org)
        ),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(kick.status(), StatusCode::NO_CONTENT);
    // The broker reports the kick; a records it, both serve it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !common::feed::events(&b, org, common::KEY_B)
        .await
        .iter()
        .any(|e| e["clientId"] == client_id && e["what"]["cause"] == "kicked")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "b's kick did not end the session"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let id = cred["id"].as_str().unwrap();
    let deleted = as_org_b(
        &b,
        Method::DELETE,
        &format!("{}/{id}", common::static_path(org)),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(statics(&a).await.is_empty());
    assert!(
        publish_static(a.mqtt_port, &cred, "x").is_err(),
        "the deleted credential still connects"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/test runs it in its PostgreSQL round"]
async fn migrate_store_moves_an_sqlite_store_into_postgresql_whole_and_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // SQLite explicitly: an empty TILLOR_DATABASE_URL means the data directory.
    let sqlite = [("TILLOR_DATABASE_URL", "")];
    let s = Stack::start(&data, &sqlite);
    let created = s.create_static("kassa").await;
    let jwt = s.create_jwt("till-9").await;
    let listed = |s: &Stack, path: String| {
        let request = s.as_demo(Method::GET, &path).send();
        async move {
            request
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let statics_before = listed(&s, common::static_path(&s.org)).await;
    let tokens_before = listed(&s, creds_path(&s.org)).await;
    let ports = (s.mqtt_port, s.ws_port);
    s.stop();

    let url = fresh_postgres_database().expect("the test PostgreSQL server");
    let migrate = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_tillor-local"))
            .arg("migrate-store")
            .env_clear()
            .env("TILLOR_DATA_DIR", &data)
            .env("TILLOR_DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let out = migrate();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("1 static credential(s)"), "{said}");
    let password = tillor_harness::test_database_password().expect("the test PostgreSQL server");
    assert!(
        !said.contains(&password),
        "the database password was printed: {said}"
    );

    // The same data directory on PostgreSQL: everything is there, in order.
    let s = Stack::start_on(
        &data,
        ports.0,
        ports.1,
        &[("TILLOR_DATABASE_URL", url.as_str())],
    );
    assert_eq!(
        listed(&s, common::static_path(&s.org)).await,
        statics_before
    );
    assert_eq!(listed(&s, creds_path(&s.org)).await, tokens_before);
    assert_eq!(statics_before[0]["id"], created["id"]);
    assert!(tokens_before
        .to_string()
        .contains(jwt["clientId"].as_str().unwrap()));
    s.stop();

    // A second run would duplicate: refused, and nothing changes.
    let again = migrate();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty database only"));
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/test runs it in its PostgreSQL round"]
async fn an_event_recorded_by_one_instance_reaches_a_live_feed_on_the_other_within_2_s() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    let events = tillor_contract::api::events_path(common::ORG_B);
    let page: serde_json::Value = as_org_b(&b, Method::GET, &events)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let live = page["liveCursor"].as_str().unwrap().to_owned();
    // A credential of org B, made through instance a, used on a's broker.
    let cred: serde_json::Value = as_org_b(&a, Method::POST, &common::static_path(common::ORG_B))
        .json(&json!({ "name": "feed" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let waiting = as_org_b(&b, Method::GET, &format!("{events}?after={live}&wait=20")).send();
    let publish = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let topic = format!("tillor/local/{}/integration/feed", common::ORG_B);
        publish_static(a.mqtt_port, &cred, &topic).unwrap();
        std::time::Instant::now()
    };
    let (answer, published) = tokio::join!(waiting, publish);
    let answered = std::time::Instant::now();
    let page: serde_json::Value = answer.unwrap().json().await.unwrap();
    assert!(
        page["events"].as_array().is_some_and(|e| !e.is_empty()),
        "b's live feed got a's event: {page}"
    );
    let after = answered.saturating_duration_since(published);
    assert!(
        after < std::time::Duration::from_secs(2),
        "b answered {after:?} after the publish"
    );
    // Both instances heard the broker's reports; only a recorded them.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let all = common::feed::events(&a, common::ORG_B, common::KEY_B).await;
    let connects: Vec<_> = all
        .iter()
        .filter(|e| e["clientId"] == cred["clientId"] && e["what"]["kind"] == "connected")
        .collect();
    assert_eq!(connects.len(), 1, "one connect, recorded once: {all:?}");
    assert_eq!(
        connects[0]["count"], 1,
        "one connect, recorded once: {all:?}"
    );
    assert_eq!(
        common::feed::events(&b, common::ORG_B, common::KEY_B).await,
        all,
        "both instances serve the same events"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/test runs it in its PostgreSQL round"]
async fn credentials_from_the_instance_without_the_broker_work_at_the_shared_broker() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    assert_eq!(b.mqtt_port, a.mqtt_port, "b uses a's broker");
    // Both publish the same keys, sealed in the shared database.
    let jwks = |s: &Stack| {
        let get = reqwest::get(s.url("/.well-known/jwks.json"));
        async move {
            get.await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(jwks(&a).await, jwks(&b).await);

    let jwt = b.create_jwt("roaming").await;
    let topic = format!("tillor/local/{}/integration/roaming", b.org);
    publish_jwt(a.mqtt_port, &jwt, &topic)
        .unwrap_or_else(|e| panic!("the broker refused b's token: {e}"));
    // A static credential b made is provisioned on the one broker.
    let cred = b.create_static("through-b").await;
    publish_static(a.mqtt_port, &cred, &topic)
        .unwrap_or_else(|e| panic!("the broker refused b's static credential: {e}"));
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/test runs it in its PostgreSQL round"]
async fn instances_starting_at_once_while_others_create_delete_none_of_their_broker_clients() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start(dir.path());
    let (a, b, url) = (service.a, service.b, service.database_url);
    // Each round two more instances start at once, each reconciling the
    // shared broker with the store, while a and b have creates between
    // their broker write and their stored row.
    let restarts = {
        let (dir, broker, url) = (dir.path().to_owned(), SharedBroker::of(&a), url.clone());
        tokio::task::spawn_blocking(move || {
            for round in 0..3 {
                std::thread::scope(|scope| {
                    for who in ["c", "d"] {
                        let data = dir.join(format!("{who}{round}"));
                        let (broker, url) = (&broker, &url);
                        scope.spawn(move || external(&data, broker, url).stop());
                    }
                });
            }
        })
    };
    let creates = async {
        let mut made = Vec::new();
        for i in 0..30 {
            let create = as_org_b(&a, Method::POST, &common::static_path(common::ORG_B))
                .json(&json!({ "name": format!("busy-{i}") }))
                .send();
            let (r1, r2) = tokio::join!(create, async {
                as_org_b(&b, Method::POST, &common::static_path(common::ORG_B))
                    .json(&json!({ "name": format!("busier-{i}") }))
                    .send()
                    .await
            });
            for r in [r1.unwrap(), r2.unwrap()] {
                assert_eq!(r.status(), StatusCode::CREATED);
                made.push(r.json::<serde_json::Value>().await.unwrap());
            }
        }
        made
    };
    let (made, restarted) = tokio::join!(creates, restarts);
    restarted.unwrap();
    let topic = format!("tillor/local/{}/integration/busy", common::ORG_B);
    for cred in &made {
        publish_static(a.mqtt_port, cred, &topic).unwrap_or_else(|e| {
            panic!(
                "{} was deleted from the broker by a starting instance: {e}",
                cred["userName"]
            )
        });
    }
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test runs it in its PostgreSQL round"]
fn the_signing_keys_open_only_with_the_key_they_were_sealed_with() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_postgres_database().expect("the test PostgreSQL server");
    let env = [("TILLOR_DATABASE_URL", url.as_str())];
    Stack::start(&dir.path().join("a"), &env).stop();
    let wrong = [
        ("TILLOR_DATABASE_URL", url.as_str()),
        (
            "TILLOR_KEY_ENCRYPTION_KEY",
            "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=",
        ),
    ];
    let refused = std::panic::catch_unwind(|| Stack::start(&dir.path().join("b"), &wrong));
    let message = refused
        .err()
        .and_then(|e| e.downcast::<String>().ok())
        .expect("b does not start");
    assert!(
        message.contains("TILLOR_KEY_ENCRYPTION_KEY is not the key"),
        "{message}"
    );
}
