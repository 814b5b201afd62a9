//! The events list as a feed: pages back with a cursor, a live request that
//! waits for the next change, retention, and what a broker restart does to
//! the live sessions. Real Mosquitto, Mosquitto's own clients, the API.

mod common;

use std::time::{Duration, Instant};

use common::feed::*;
use reqwest::Method;
use serde_json::{json, Value};
use tillor_contract::api::{events_path, static_credentials_path};

/// `n` refused attempts, each from a clientId of its own (a token used with
/// the wrong clientId), oldest first: `local-{prefix}-0` …
async fn refusals(s: &common::Stack, prefix: &str, n: usize) -> Vec<String> {
    let (token, _) = jwt(s, &format!("{prefix}-owner")).await;
    let ids: Vec<String> = (0..n).map(|i| format!("local-{prefix}-{i}")).collect();
    for id in &ids {
        assert!(!connect(s, id, &token));
        event_of(s, id, "refused").await;
    }
    ids
}

fn client_ids(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["clientId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_go_back_with_a_cursor_until_the_last() {
    let (_dir, s) = stack();
    let mut ids = refusals(&s, "paged", 5).await;
    ids.reverse(); // newest first

    let first = page(&s, ORG_A, KEY_A, "kind=refused&limit=2").await;
    assert_eq!(client_ids(&first), ids[..2]);
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = page(
        &s,
        ORG_A,
        KEY_A,
        &format!("kind=refused&limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(client_ids(&second), ids[2..4]);
    let cursor = second["nextCursor"].as_str().unwrap();
    let last = page(
        &s,
        ORG_A,
        KEY_A,
        &format!("kind=refused&limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(client_ids(&last), ids[4..]);
    assert!(last.get("nextCursor").is_none(), "{last}");
    assert_eq!(first["dropped"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_request_answers_at_the_next_event_and_a_growing_entry_comes_again() {
    let (_dir, s) = stack();
    let (token, _) = jwt(&s, "live-owner").await;
    let live = page(&s, ORG_A, KEY_A, "").await["liveCursor"]
        .as_str()
        .unwrap()
        .to_owned();

    // Nothing happens: the answer comes when the wait is over, empty, and
    // with the same position.
    let idle = page(&s, ORG_A, KEY_A, &format!("after={live}&wait=1")).await;
    assert_eq!(client_ids(&idle), Vec::<String>::new());
    assert_eq!(idle["liveCursor"], live.as_str());

    // A request waiting 20 s answers as soon as a refusal happens.
    let waiting = {
        let (base, live) = (s.base.clone(), live.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let body: Value = reqwest::Client::new()
                .get(format!("{base}{}?after={live}&wait=20", events_path(ORG_A)))
                .header("x-api-key", KEY_A)
                .header("X-Tillor-Org-Id", ORG_A)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (body, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!connect(&s, "local-live-copy", &token));
    let (body, took) = waiting.await.unwrap();
    assert!(took < Duration::from_secs(20), "it waited out its 20 s");
    assert_eq!(client_ids(&body), ["local-live-copy"]);
    let entry = body["events"][0].clone();
    assert_eq!(entry["count"], 1);

    // The same refusal again: the same entry, now counted twice.
    let live = body["liveCursor"].as_str().unwrap();
    assert!(!connect(&s, "local-live-copy", &token));
    let again = page(&s, ORG_A, KEY_A, &format!("after={live}&wait=10")).await;
    assert_eq!(again["events"][0]["id"], entry["id"]);
    assert_eq!(again["events"][0]["count"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_cursors_and_combinations_are_refused_field_by_field() {
    let (_dir, s) = stack();
    for (query, field, code) in [
        ("cursor=xyz", "cursor", "not_a_cursor"),
        ("after=e", "after", "not_a_cursor"),
        ("wait=5", "wait", "invalid_combination"),
        ("cursor=e1&after=e1", "cursor", "invalid_combination"),
        ("after=e0&wait=31", "wait", "out_of_range"),
        ("after=e0&wait=soon", "wait", "not_an_integer"),
    ] {
        let (got_code, got_field) = refused_query(&s, query).await;
        assert_eq!(
            (got_code, got_field),
            (json!(code), json!(field)),
            "{query}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_configured_number_of_newest_entries_is_kept() {
    let (_dir, s) = stack_with(&[("TILLOR_EVENTS_KEEP", "3")]);
    let ids = refusals(&s, "kept", 5).await;
    let newest: Vec<String> = ids[2..].iter().rev().cloned().collect();
    // Retention is applied once a second.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let kept = client_ids(&page(&s, ORG_A, KEY_A, "kind=refused").await);
        if kept == newest {
            break;
        }
        assert!(Instant::now() < deadline, "kept {kept:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn static_list(s: &common::Stack) -> Vec<Value> {
    as_org(
        s,
        ORG_A,
        KEY_A,
        Method::GET,
        &static_credentials_path(ORG_A),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broker_restart_ends_every_session_and_last_seen_stays() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "Through a restart").await;
    let id = cred["clientId"].as_str().unwrap();
    let sub = subscriber(&s, &cred);
    event_of(&s, id, "connected").await;
    assert_eq!(static_list(&s).await[0]["connected"], 1);

    s.kill_broker();
    // Gone before the broker is back, so it cannot reconnect.
    drop(sub);
    event_where(&s, id, "disconnected", |e| {
        e["what"]["cause"] == "broker_restarted"
    })
    .await;
    assert!(connections(&s, ORG_A, KEY_A).await.is_empty());
    let listed = &static_list(&s).await[0];
    assert_eq!(listed["connected"], 0);
    assert!(listed["lastSeenAt"].is_string(), "{listed}");

    // The restarted broker's sessions are listed again. mosquitto_sub gives
    // up while the broker is away, so try until one stays connected.
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut back = subscriber(&s, &cred);
    while static_list(&s).await[0]["connected"] != 1 {
        assert!(
            Instant::now() < deadline,
            "never listed after the restart: {}",
            s.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        if back.exited() {
            back = subscriber(&s, &cred);
        }
    }
}
