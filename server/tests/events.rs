//! The broker's events reach the organisation they belong to, and no other:
//! real Mosquitto with our plugin, mosquitto_pub as the failing integration,
//! the API as the reader.

mod common;

use std::time::{Duration, Instant};

use common::feed::*;
use common::{mosquitto, mosquitto_as, Stack, KEY_B, ORG_B};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};
use tillor_contract::claims::MqttTokenClaims;
use tillor_contract::{Env, Namespace};

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_connection_and_its_refusals_reach_their_organisation_with_the_reason() {
    let (_dir, s) = stack();
    let (token, id) = jwt(&s, "sensor-1").await;

    assert!(connect(&s, &id, &token));
    let connected = event_of(&s, &id, "connected").await;
    assert_eq!(connected["what"]["credential"]["type"], "jwt");
    assert!(connected["what"]["credential"]["jti"]
        .as_str()
        .is_some_and(|j| !j.is_empty()));

    // The same token from another clientId: refused, and the event says why.
    assert!(!connect(&s, "local-sensor-2", &token));
    let refused = event_of(&s, "local-sensor-2", "refused").await;
    assert_eq!(
        refused["what"]["reason"],
        json!({"code": "client_id_mismatch", "expected": id, "connecting": "local-sensor-2"})
    );
    assert_eq!(refused["count"], 1);

    // Another organisation sees none of it.
    assert!(events(&s, ORG_B, KEY_B).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_token_says_when_it_expired() {
    let (_dir, s) = stack();
    let ns = Namespace::new(Env::Local, ORG_A).unwrap();
    let exp = now() - 60;
    let claims = MqttTokenClaims::new(&ns, "local-old", "j-old".into(), exp - 60, exp);
    let pem = std::fs::read(s.data_dir.join("jwt-signing-key.pem")).unwrap();
    let token = encode(
        &Header::new(Algorithm::ES256),
        &claims,
        &EncodingKey::from_ec_pem(&pem).unwrap(),
    )
    .unwrap();
    assert!(!connect(&s, "local-old", &token));
    let e = event_of(&s, "local-old", "refused").await;
    assert_eq!(e["what"]["reason"], json!({"code": "expired", "exp": exp}));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_token_naming_an_organisation_reaches_no_organisation() {
    let (_dir, s) = stack();
    // Signed with a key of the attacker's own: it names acme, proves nothing.
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &rng,
    )
    .unwrap();
    let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
    let ns = Namespace::new(Env::Local, ORG_A).unwrap();
    let claims = MqttTokenClaims::new(&ns, "local-forged", "j".into(), now(), now() + 60);
    let forged = encode(
        &Header::new(Algorithm::ES256),
        &claims,
        &EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
    )
    .unwrap();
    assert!(!connect(&s, "local-forged", &forged));
    // A genuine event after it: once that one is in, the forged one would be too.
    let (token, id) = jwt(&s, "after-forgery").await;
    assert!(connect(&s, &id, &token));
    event_of(&s, &id, "connected").await;
    for (org, key) in [(ORG_A, KEY_A), (ORG_B, KEY_B)] {
        let all = events(&s, org, key).await;
        assert!(
            all.iter().all(|e| e["clientId"] != "local-forged"),
            "{org} sees the forged attempt: {all:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_retrying_a_hundred_times_is_one_entry_with_a_count() {
    let (_dir, s) = stack();
    let (token, _) = jwt(&s, "retrying-original").await;
    for _ in 0..100 {
        assert!(!connect(&s, "local-retrying-copy", &token));
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let entries: Vec<Value> = events(&s, ORG_A, KEY_A)
            .await
            .into_iter()
            .filter(|e| e["clientId"] == "local-retrying-copy")
            .collect();
        if entries.len() == 1 && entries[0]["count"] == 100 {
            assert!(entries[0]["firstAt"].as_str() <= entries[0]["lastAt"].as_str());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not one entry of 100: {entries:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_limit_is_refused_field_by_field() {
    let (_dir, s) = stack();
    for (query, code) in [
        ("limit=0", "out_of_range"),
        ("limit=many", "not_an_integer"),
        ("kind=everything", "unknown_value"),
        ("since=yesterday", "not_a_time"),
        ("before=x", "unknown_field"),
    ] {
        let field = query.split('=').next().unwrap();
        let (got_code, got_field) = refused_query(&s, query).await;
        assert_eq!(
            (got_code, got_field),
            (json!(code), json!(field)),
            "{query}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_client_but_the_server_may_read_the_events_topic() {
    use common::mqtt::{connect as mqtt_connect, SubOutcome, Via};
    use tillor_contract::broker_event::EVENTS_TOPIC;
    let (_dir, s) = stack();
    let created: Value = as_org(
        &s,
        ORG_A,
        KEY_A,
        Method::POST,
        &tillor_contract::api::static_credentials_path(ORG_A),
    )
    .json(&json!({ "name": "Curious" }))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let mut curious = mqtt_connect(
        s.mqtt_port,
        Via::Tcp,
        created["clientId"].as_str().unwrap(),
        created["userName"].as_str().unwrap(),
        created["password"].as_str().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(curious.subscribe(EVENTS_TOPIC).await, SubOutcome::Refused);
    assert_eq!(curious.subscribe("$tillor/#").await, SubOutcome::Refused);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_credential_refused_by_the_broker_is_explained_from_the_store() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "Refused").await;
    let user = cred["userName"].as_str().unwrap();
    let id = cred["clientId"].as_str().unwrap();
    let password = cred["password"].as_str().unwrap();
    let publish = ["-t", "tillor/local/acme/integration/x", "-m", "x"];

    assert!(!cli(
        &s,
        "mosquitto_pub",
        user,
        "not-the-password",
        id,
        &publish
    ));
    let wrong = event_of(&s, id, "refused").await;
    assert_eq!(wrong["what"]["reason"], json!({"code": "wrong_password"}));

    assert!(!cli(
        &s,
        "mosquitto_pub",
        user,
        password,
        "local-elsewhere",
        &publish
    ));
    let moved = event_of(&s, "local-elsewhere", "refused").await;
    assert_eq!(
        moved["what"]["reason"],
        json!({"code": "client_id_mismatch", "expected": id, "connecting": "local-elsewhere"})
    );

    // A username nobody has: seen by no organisation.
    assert!(!cli(
        &s,
        "mosquitto_pub",
        "acme-nobody",
        "x",
        "local-ghost",
        &publish
    ));

    // After a delete, the old username is reported as deleted.
    let resp = as_org(
        &s,
        ORG_A,
        KEY_A,
        Method::DELETE,
        &tillor_contract::api::static_credential_path(ORG_A, cred["id"].as_str().unwrap()),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 204);
    assert!(!cli(
        &s,
        "mosquitto_pub",
        user,
        password,
        "local-after-delete",
        &publish
    ));
    let deleted = event_of(&s, "local-after-delete", "refused").await;
    assert_eq!(
        deleted["what"]["reason"],
        json!({"code": "deleted_credential"})
    );

    for (org, key) in [(ORG_A, KEY_A), (ORG_B, KEY_B)] {
        let all = events(&s, org, key).await;
        assert!(
            all.iter().all(|e| e["clientId"] != "local-ghost"),
            "{org}: {all:?}"
        );
    }
    assert!(events(&s, ORG_B, KEY_B).await.is_empty());
}

/// A client (username, password, clientId) subscribes and publishes in
/// org-b's namespace: both are refused, each event names its topic and
/// reason, and it reaches acme alone.
async fn refused_topics_reach_their_organisation_only(
    s: &Stack,
    user: &str,
    password: &str,
    id: &str,
) {
    let other = "tillor/local/org-b/integration/#";
    // SUBACK 0x80: mosquitto_sub gives up at once or after its wait.
    cli(
        s,
        "mosquitto_sub",
        user,
        password,
        id,
        &["-t", other, "-C", "1", "-W", "1"],
    );
    let sub = event_of(s, id, "subscribe_refused").await;
    assert_eq!(sub["what"]["filter"], other);
    assert_eq!(
        sub["what"]["reason"],
        json!({"code": "outside_namespace", "topic": other})
    );

    let topic = "tillor/local/org-b/integration/x";
    // Under MQTT 3.1.1 the publish is dropped without a word to the client.
    assert!(cli(
        s,
        "mosquitto_pub",
        user,
        password,
        id,
        &["-t", topic, "-m", "x"]
    ));
    let publish = event_of(s, id, "publish_refused").await;
    assert_eq!(publish["what"]["topic"], topic);
    assert!(
        events(s, ORG_B, KEY_B).await.is_empty(),
        "org-b's topics, acme's events"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_subscribe_and_a_dropped_publish_name_their_topic() {
    let (_dir, s) = stack();
    let (token, id) = jwt(&s, "nosy").await;
    refused_topics_reach_their_organisation_only(&s, "", &token, &id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_clients_refused_topics_are_reported_to_its_organisation_only() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "Sensor").await;
    let id = cred["clientId"].as_str().unwrap();
    let (user, password) = (
        cred["userName"].as_str().unwrap(),
        cred["password"].as_str().unwrap(),
    );
    refused_topics_reach_their_organisation_only(&s, user, password, id).await;

    // Inside its namespace dynamic security still decides, and allows: a
    // message published there reaches a subscriber of the same credential.
    let mine = "tillor/local/acme/integration/ok";
    let receiver = mosquitto_as(
        "mosquitto_sub",
        s.mqtt_port,
        user,
        password,
        id,
        &["-t", mine, "-C", "1", "-W", "5"],
    )
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !connections(&s, ORG_A, KEY_A)
        .await
        .iter()
        .any(|c| c["clientId"] == id)
    {
        assert!(Instant::now() < deadline, "the receiver never connected");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let other_cred = create_static(&s, "Sender").await;
    assert!(mosquitto(
        "mosquitto_pub",
        s.mqtt_port,
        &other_cred,
        &["-t", mine, "-m", "hello"]
    )
    .status()
    .unwrap()
    .success());
    let out = receiver.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hello");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_session_is_listed_while_it_lasts_and_its_end_is_explained() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "Listener").await;
    let id = cred["clientId"].as_str().unwrap();
    let sub = subscriber(&s, &cred);
    let connected = event_of(&s, id, "connected").await;
    assert_eq!(
        connected["what"]["credential"],
        json!({"type": "static", "id": cred["id"], "name": "Listener"})
    );
    let live = connections(&s, ORG_A, KEY_A).await;
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0]["clientId"], id);
    assert_eq!(live[0]["peer"]["protocolVersion"], 4);
    assert!(connections(&s, ORG_B, KEY_B).await.is_empty());

    // Killed: the socket closes without a DISCONNECT.
    drop(sub);
    let gone = event_of(&s, id, "disconnected").await;
    assert_eq!(gone["what"]["cause"], "connection_lost");
    assert!(connections(&s, ORG_A, KEY_A).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_connection_with_the_same_client_id_is_reported_as_a_takeover() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "Twice").await;
    let id = cred["clientId"].as_str().unwrap();
    let _first = subscriber(&s, &cred);
    event_of(&s, id, "connected").await;
    // The same credential and clientId from somewhere else.
    assert!(cli(
        &s,
        "mosquitto_pub",
        cred["userName"].as_str().unwrap(),
        cred["password"].as_str().unwrap(),
        id,
        &["-t", "tillor/local/acme/integration/x", "-m", "x"],
    ));
    // The first connection is taken over; the second says goodbye itself.
    event_where(&s, id, "disconnected", |e| {
        e["what"]["cause"] == "taken_over"
    })
    .await;
    event_where(&s, id, "disconnected", |e| {
        e["what"]["cause"] == "client_disconnected"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_events_narrow_to_a_client_id_a_kind_and_a_time() {
    let (_dir, s) = stack();
    let (token, id) = jwt(&s, "narrow").await;
    assert!(connect(&s, &id, &token));
    assert!(!connect(&s, "local-not-narrow", &token));
    event_of(&s, "local-not-narrow", "refused").await;
    let get = |q: String| {
        let s = &s;
        async move {
            page(s, ORG_A, KEY_A, &q).await["events"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let mine = get(format!("clientId={id}")).await;
    assert!(!mine.is_empty() && mine.iter().all(|e| e["clientId"] == id.as_str()));
    let refused = get("kind=refused".into()).await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["clientId"], "local-not-narrow");
    assert!(get("since=2999-01-01T00:00:00Z".into()).await.is_empty());
    assert_eq!(
        get("since=2000-01-01T00:00:00Z&limit=500".into())
            .await
            .len(),
        events(&s, ORG_A, KEY_A).await.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn support_can_kick_a_session_of_its_own_organisation_only() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "Kickable").await;
    let id = cred["clientId"].as_str().unwrap();
    let _sub = subscriber(&s, &cred);
    event_of(&s, id, "connected").await;
    let kick = |org: &str, key: &str, client: &str| {
        let path = format!("{}/{client}", tillor_contract::api::connections_path(org));
        as_org(&s, org, key, Method::DELETE, &path).send()
    };
    // Not another organisation's, and not one that is not connected.
    assert_eq!(kick(ORG_B, KEY_B, id).await.unwrap().status(), 404);
    assert_eq!(
        kick(ORG_A, KEY_A, "local-nobody").await.unwrap().status(),
        404
    );

    assert_eq!(kick(ORG_A, KEY_A, id).await.unwrap().status(), 204);
    event_where(&s, id, "disconnected", |e| e["what"]["cause"] == "kicked").await;
}
