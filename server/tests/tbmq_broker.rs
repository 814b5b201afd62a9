//! The TBMQ implementation of the broker interface against a stand-in for
//! TBMQ's REST API (`tbmq/standin.rs`, which says what it is and is not):
//! every interface command, the facts it must work around (delete does not
//! disconnect, change-password needs the old one, duplicates), login tokens
//! that expire, and TBMQ away. Then the same through the real API.

mod common;
#[path = "tbmq/standin.rs"]
mod standin;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use standin::{StandIn, ADMIN, TENANT};
use tillor_contract::{Env, Namespace};
use tillor_local::broker::tbmq::{Account, Tbmq, CALL_TIMEOUT};
use tillor_local::broker::{Broker, BrokerError, NewStatic};

fn account(standin: &StandIn, who: (&str, &str)) -> Account {
    Account {
        url: standin.url.clone(),
        username: who.0.into(),
        password: who.1.into(),
        ca_pem: None,
        timeout: CALL_TIMEOUT,
    }
}

fn ns() -> Namespace {
    Namespace::new(Env::Prod, "acme").unwrap()
}

async fn create(
    tbmq: &Tbmq,
    user: &str,
    client_id: &str,
    password: &str,
) -> Result<(), BrokerError> {
    let ns = ns();
    tbmq.create_static(NewStatic {
        namespace: &ns,
        user_name: user,
        password,
        client_id,
    })
    .await
}

#[tokio::test]
async fn a_created_credential_connects_in_its_namespace_and_delete_also_disconnects() {
    let standin = StandIn::start().await;
    let tbmq = Tbmq::connect(account(&standin, ADMIN)).unwrap();
    create(&tbmq, "acme-abcd1234", "prod-till-1", "pw-1")
        .await
        .unwrap();

    let stored = standin.credentials();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].name, "tillor:acme-abcd1234");
    assert_eq!(stored[0].client_type, "DEVICE");
    assert_eq!(
        stored[0].pub_patterns,
        vec![r"^tillor/prod/acme/integration(/.*)?$".to_owned()]
    );
    assert_eq!(stored[0].sub_patterns, stored[0].pub_patterns);
    assert!(!standin.connect("prod-till-1", "acme-abcd1234", "wrong"));
    assert!(standin.connect("prod-till-1", "acme-abcd1234", "pw-1"));
    assert_eq!(
        tbmq.list_static().await.unwrap(),
        ["acme-abcd1234".to_owned()].into()
    );

    tbmq.delete_static("acme-abcd1234").await.unwrap();
    assert!(standin.credentials().is_empty());
    // TBMQ's delete alone would have left it connected.
    assert_eq!(
        standin.session_state("prod-till-1").as_deref(),
        Some("DISCONNECTED")
    );
    assert!(!standin.connect("prod-till-1", "acme-abcd1234", "pw-1"));
    // Deleting again is harmless (the interface's commands are idempotent).
    tbmq.delete_static("acme-abcd1234").await.unwrap();
}

#[tokio::test]
async fn a_retried_create_replaces_the_duplicate_so_the_new_password_is_the_one_that_works() {
    let standin = StandIn::start().await;
    let tbmq = Tbmq::connect(account(&standin, ADMIN)).unwrap();
    create(&tbmq, "acme-abcd1234", "prod-till-1", "first")
        .await
        .unwrap();
    create(&tbmq, "acme-abcd1234", "prod-till-1", "second")
        .await
        .unwrap();
    assert_eq!(standin.credentials().len(), 1);
    assert!(!standin.connect("prod-till-1", "acme-abcd1234", "first"));
    assert!(standin.connect("prod-till-1", "acme-abcd1234", "second"));
}

#[tokio::test]
async fn rotation_keeps_client_id_user_name_and_rules_and_ends_the_old_session() {
    let standin = StandIn::start().await;
    let tbmq = Tbmq::connect(account(&standin, ADMIN)).unwrap();
    create(&tbmq, "acme-abcd1234", "prod-till-1", "old")
        .await
        .unwrap();
    assert!(standin.connect("prod-till-1", "acme-abcd1234", "old"));
    let before = standin.credentials()[0].clone();

    tbmq.set_static_password("acme-abcd1234", "new")
        .await
        .unwrap();
    let after = standin.credentials();
    assert_eq!(after.len(), 1);
    assert_eq!(
        (
            &after[0].client_id,
            &after[0].user_name,
            &after[0].name,
            &after[0].pub_patterns
        ),
        (
            &before.client_id,
            &before.user_name,
            &before.name,
            &before.pub_patterns
        )
    );
    assert_eq!(
        standin.session_state("prod-till-1").as_deref(),
        Some("DISCONNECTED")
    );
    assert!(!standin.connect("prod-till-1", "acme-abcd1234", "old"));
    assert!(standin.connect("prod-till-1", "acme-abcd1234", "new"));

    let err = tbmq
        .set_static_password("acme-unknown1", "x")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("tillor:acme-unknown1"), "{err}");
}

#[tokio::test]
async fn revoking_ends_the_sessions_of_the_tokens_clients_and_kick_ends_one() {
    let standin = StandIn::start().await;
    let tbmq = Tbmq::connect(account(&standin, ADMIN)).unwrap();
    create(&tbmq, "acme-abcd1234", "prod-a", "pw")
        .await
        .unwrap();
    create(&tbmq, "acme-efgh5678", "prod-b", "pw")
        .await
        .unwrap();
    assert!(standin.connect("prod-a", "acme-abcd1234", "pw"));
    assert!(standin.connect("prod-b", "acme-efgh5678", "pw"));
    tbmq.revoke(&[], &["prod-a".to_owned(), "prod-nobody".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        standin.session_state("prod-a").as_deref(),
        Some("DISCONNECTED")
    );
    assert_eq!(
        standin.session_state("prod-b").as_deref(),
        Some("CONNECTED")
    );
    tbmq.kick("prod-b").await.unwrap();
    assert_eq!(
        standin.session_state("prod-b").as_deref(),
        Some("DISCONNECTED")
    );
}

#[tokio::test]
async fn an_expired_login_is_renewed_before_use_and_a_refused_one_once_on_401() {
    let standin = StandIn::start().await;
    // TBMQ's tokens last 61 s here: renewed a minute before exp, so after a
    // second the next call logs in again first, without meeting a 401.
    standin.set_token_ttl(61);
    let tbmq = Tbmq::connect(account(&standin, ADMIN)).unwrap();
    tbmq.list_static().await.unwrap();
    assert_eq!(standin.logins(), 1);
    tbmq.list_static().await.unwrap();
    assert_eq!(standin.logins(), 1, "a fresh token is reused");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    tbmq.list_static().await.unwrap();
    assert_eq!((standin.logins(), standin.unauthorised()), (2, 0));

    // TBMQ forgot every token (a restart): one 401, one new login, success.
    let standin = StandIn::start().await;
    let tbmq = Tbmq::connect(account(&standin, ADMIN)).unwrap();
    tbmq.list_static().await.unwrap();
    standin.expire_tokens();
    tbmq.list_static().await.unwrap();
    assert_eq!((standin.logins(), standin.unauthorised()), (2, 1));
}

#[tokio::test]
async fn an_account_without_sys_admin_or_a_wrong_password_is_named_in_the_error() {
    let standin = StandIn::start().await;
    let tenant = Tbmq::connect(account(&standin, TENANT)).unwrap();
    let err = tenant.list_static().await.unwrap_err();
    assert!(matches!(err, BrokerError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("SYS_ADMIN"), "{err}");

    let wrong = Tbmq::connect(account(&standin, (ADMIN.0, "nope"))).unwrap();
    let err = wrong.list_static().await.unwrap_err();
    assert!(err.to_string().contains("TILLOR_TBMQ_PASSWORD"), "{err}");
}

#[tokio::test]
async fn tbmq_slow_or_gone_is_unavailable() {
    let standin = StandIn::start().await;
    let impatient = Tbmq::connect(Account {
        timeout: Duration::from_millis(300),
        ..account(&standin, ADMIN)
    })
    .unwrap();
    impatient.list_static().await.unwrap();
    standin.set_delay(Duration::from_secs(2));
    let err = impatient.list_static().await.unwrap_err();
    assert!(matches!(err, BrokerError::Unavailable(_)), "{err}");

    standin.stop();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let gone = Tbmq::connect(account(&standin, ADMIN)).unwrap();
    let err = create(&gone, "acme-abcd1234", "prod-x", "pw")
        .await
        .unwrap_err();
    assert!(matches!(err, BrokerError::Unavailable(_)), "{err}");
    assert!(err.to_string().contains(&standin.url), "{err}");
}

/// The real server with TILLOR_BROKER=tbmq: the API provisions the stand-in,
/// and with TBMQ gone a create is a 503 that leaves nothing behind. (Two
/// threads: starting the stack blocks one while the stand-in answers it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_on_tbmq_creates_and_deletes_and_answers_503_with_nothing_half_done() {
    let standin = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let s = common::Stack::start(
        &dir.path().join("data"),
        &[
            ("TILLOR_BROKER", "tbmq"),
            ("TILLOR_TBMQ_URL", &standin.url),
            ("TILLOR_TBMQ_USERNAME", ADMIN.0),
            ("TILLOR_TBMQ_PASSWORD", ADMIN.1),
        ],
    );
    let created = s.create_static("till").await;
    let user = created["userName"].as_str().unwrap();
    let stored = standin.credentials();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].user_name, user);
    assert_eq!(stored[0].client_id, created["clientId"].as_str().unwrap());
    let own = Namespace::new(Env::Local, &s.org).unwrap();
    assert_eq!(created["topicPrefix"], own.prefix());
    assert_eq!(stored[0].pub_patterns, vec![own.topic_regex()]);
    assert!(standin.connect(
        &stored[0].client_id,
        user,
        created["password"].as_str().unwrap()
    ));

    let id = created["id"].as_str().unwrap();
    let path = format!("{}/{id}", common::static_path(&s.org));
    let resp = s.as_demo(Method::DELETE, &path).send().await.unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    assert!(standin.credentials().is_empty());
    assert_eq!(
        standin.session_state(&stored[0].client_id).as_deref(),
        Some("DISCONNECTED")
    );

    let ready = reqwest::get(s.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(
        (&body["database"], &body["broker"]),
        (&"ok".into(), &"ok".into()),
        "{body}"
    );

    standin.stop();
    let ready = reqwest::get(s.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "ok", "{body}");
    assert!(
        body["broker"].as_str().unwrap().contains(&standin.url),
        "{body}"
    );

    let resp = s
        .as_demo(Method::POST, &common::static_path(&s.org))
        .json(&serde_json::json!({ "name": "while TBMQ is away" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "broker_unavailable", "{body}");
    let list: Value = s
        .as_demo(Method::GET, &common::static_path(&s.org))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(0),
        "nothing half-done: {list}"
    );
}
