//! What the security review found (issue 16, A–E), each as the behaviour a
//! fix must keep: quotas, private files, safe HTTP, clientIds kept after a
//! delete.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{creds_path, static_path, Stack, KEY_B, ORG_B};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn as_org_b(s: &Stack, method: Method, path: &str) -> reqwest::RequestBuilder {
    common::feed::as_org(s, ORG_B, KEY_B, method, path)
}

/// Every file and directory under `dir` whose mode lets anyone but the
/// owner in, with its mode.
fn readable_by_others(dir: &Path) -> Vec<(String, u32)> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(path) = todo.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            found.push((path.display().to_string(), mode));
        }
        if meta.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
    }
    found
}

#[tokio::test]
async fn b_the_data_directory_and_every_file_in_it_stay_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // What an older version (or a loose umask) left behind is fixed at start.
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(data.join("left-over.json"), "{}").unwrap();
    std::fs::set_permissions(
        data.join("left-over.json"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let s = Stack::start(&data, &[]);
    assert_eq!(readable_by_others(&data), vec![], "after start");

    let cred = s.create_static("till").await;
    let id = cred["id"].as_str().unwrap();
    let jwt = s.create_jwt("till-1").await;
    assert_eq!(readable_by_others(&data), vec![], "after creates");
    let rotated = s
        .as_demo(
            Method::POST,
            &format!("{}/{id}/rotate", static_path(&s.org)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), StatusCode::OK);
    let jti = jwt_id(&s, jwt["clientId"].as_str().unwrap()).await;
    let revoked = s
        .as_demo(Method::DELETE, &format!("{}/{jti}", creds_path(&s.org)))
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success(), "{}", revoked.status());
    assert_eq!(
        readable_by_others(&data),
        vec![],
        "after rotation and revocation"
    );
    let deleted = s
        .as_demo(Method::DELETE, &format!("{}/{id}", static_path(&s.org)))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(readable_by_others(&data), vec![], "after a delete");
}

/// What a list of the demo organisation answers.
async fn listed(s: &Stack, path: &str) -> Vec<Value> {
    let answer = s.as_demo(Method::GET, path).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK, "{path}");
    answer.json().await.unwrap()
}

/// The jti of the demo organisation's token for `client_id`.
async fn jwt_id(s: &Stack, client_id: &str) -> String {
    let tokens = listed(s, &creds_path(&s.org)).await;
    tokens
        .iter()
        .find(|t| t["clientId"] == client_id)
        .and_then(|t| t["jti"].as_str())
        .expect("the token is listed")
        .to_owned()
}

#[tokio::test]
async fn d_a_deleted_static_credentials_client_id_stays_with_its_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(&dir.path().join("data"), &[]);
    let cred = s.create_static("till").await;
    let id = cred["id"].as_str().unwrap();
    let deleted = s
        .as_demo(Method::DELETE, &format!("{}/{id}", static_path(&s.org)))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    // The clientId as another organisation would ask for it (without the
    // env prefix, which the API adds).
    let client_id = cred["clientId"].as_str().unwrap();
    let asked = client_id.strip_prefix("local-").unwrap();
    let theirs = as_org_b(&s, Method::POST, &creds_path(ORG_B))
        .json(&json!({ "clientId": asked }))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::CONFLICT);
    let ours = s
        .as_demo(Method::POST, &creds_path(&s.org))
        .json(&json!({ "clientId": asked }))
        .send()
        .await
        .unwrap();
    assert_eq!(ours.status(), StatusCode::CREATED);
}

/// The start failure's message when tillor-local refuses `env`.
fn refused_start(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let refused = std::panic::catch_unwind(|| Stack::start(&dir.path().join("data"), env));
    refused
        .err()
        .and_then(|e| e.downcast::<String>().ok())
        .map(|m| *m)
        .expect("tillor-local refuses to start")
}

async fn error_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (
        status,
        response.json::<Value>().await.unwrap()["error"].clone(),
    )
}

#[tokio::test]
async fn a_static_credentials_stop_at_the_organisations_limit_with_429() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(
        &dir.path().join("data"),
        &[("TILLOR_MAX_STATIC_CREDENTIALS", "2")],
    );
    s.create_static("one").await;
    s.create_static("two").await;
    let third = s
        .as_demo(Method::POST, &static_path(&s.org))
        .json(&json!({ "name": "three" }))
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(third).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        (error["code"].as_str(), error["max"].as_i64()),
        (Some("quota_exceeded"), Some(2))
    );
    let kept = listed(&s, &static_path(&s.org)).await;
    assert_eq!(kept.len(), 2, "nothing was made of the refused one");
    // Another organisation has its own count.
    let theirs = as_org_b(&s, Method::POST, &static_path(ORG_B))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_jwts_stop_at_the_per_minute_limit_with_429_and_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(
        &dir.path().join("data"),
        &[("TILLOR_MAX_JWTS_PER_MINUTE", "3")],
    );
    let ask = || {
        s.as_demo(Method::POST, &creds_path(&s.org))
            .json(&json!({}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(ask().await.unwrap().status(), StatusCode::CREATED);
    }
    let fourth = ask().await.unwrap();
    let retry: u64 = fourth.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let (status, error) = error_of(fourth).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        (error["code"].as_str(), error["max"].as_i64()),
        (Some("quota_exceeded"), Some(3))
    );
    let theirs = as_org_b(&s, Method::POST, &creds_path(ORG_B))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        theirs.status(),
        StatusCode::CREATED,
        "another organisation's minute"
    );
}

#[tokio::test]
async fn a_password_hashing_beyond_the_pool_answers_busy_instead_of_queueing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(&dir.path().join("data"), &[("TILLOR_HASHING_THREADS", "1")]);
    let mut creates = tokio::task::JoinSet::new();
    for i in 0..6 {
        let create = s
            .as_demo(Method::POST, &static_path(&s.org))
            .json(&json!({ "name": format!("at-once-{i}") }));
        creates.spawn(async move { create.send().await });
    }
    let answers = creates.join_all().await;
    let mut made = 0;
    let mut busy = 0;
    for a in answers {
        let a = a.unwrap();
        match a.status() {
            StatusCode::CREATED => made += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(a.headers()["retry-after"], "1");
                assert_eq!(error_of(a).await.1["code"], "busy");
                busy += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(made >= 1 && busy >= 1, "made {made}, busy {busy}");
    let kept = listed(&s, &static_path(&s.org)).await;
    assert_eq!(kept.len(), made, "a busy answer made nothing");
}

#[tokio::test]
async fn a_the_broker_refuses_a_payload_over_its_limit_and_passes_one_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(
        &dir.path().join("data"),
        &[("TILLOR_MQTT_MAX_PAYLOAD_BYTES", "4096")],
    );
    let cred = s.create_static("sizes").await;
    let topic = format!("tillor/local/{}/integration/sizes", s.org);
    let peer = s.create_static("peer").await;
    let subscriber = common::mosquitto(
        "mosquitto_sub",
        s.mqtt_port,
        &peer,
        &["-t", &topic, "-C", "1", "-q", "1"],
    )
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let big = "x".repeat(5000);
    for message in [big.as_str(), "small"] {
        let _ = common::mosquitto(
            "mosquitto_pub",
            s.mqtt_port,
            &cred,
            &["-t", &topic, "-q", "1", "-m", message],
        )
        .output()
        .unwrap();
    }
    let out = subscriber.wait_with_output().unwrap();
    // In order from one publisher: had the big one passed, it came first.
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "small");
}

#[test]
fn c_a_wildcard_cors_origin_or_frame_ancestor_is_refused_at_start_with_a_message() {
    let cors = refused_start(&[("TILLOR_CORS_ORIGINS", "*")]);
    assert!(
        cors.contains("TILLOR_CORS_ORIGINS") && cors.contains("wildcards"),
        "{cors}"
    );
    assert!(
        !cors.contains("panicked at"),
        "a message, not a backtrace: {cors}"
    );
    let frames = refused_start(&[("TILLOR_FRAME_ANCESTORS", "*")]);
    assert!(frames.contains("TILLOR_FRAME_ANCESTORS"), "{frames}");
}

#[tokio::test]
async fn c_answers_carry_no_absolute_path_and_every_one_the_safety_headers() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(&dir.path().join("data"), &[]);
    let missing = reqwest::get(s.url("/no-such-page")).await.unwrap();
    let headers = missing.headers().clone();
    let body = missing.text().await.unwrap();
    assert!(
        !body.contains(dir.path().to_str().unwrap()) && !body.contains("/tmp"),
        "{body}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert!(
        headers.get("strict-transport-security").is_none(),
        "no HSTS without TLS"
    );
    // What carries passwords and tokens is never stored by a cache.
    let created = s
        .as_demo(Method::POST, &static_path(&s.org))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.headers()["cache-control"], "no-store");
    assert_eq!(created.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn c_a_console_document_gets_the_policy_it_runs_under_with_the_configured_framers() {
    let dir = tempfile::tempdir().unwrap();
    let console = dir.path().join("console");
    std::fs::create_dir_all(&console).unwrap();
    std::fs::write(
        console.join("index.html"),
        "<!DOCTYPE html><title>t</title>",
    )
    .unwrap();
    let s = Stack::launch(
        &dir.path().join("data"),
        tillor_harness::Launch {
            console_dir: Some(&console),
            env: &[("TILLOR_FRAME_ANCESTORS", "'self',https://dash.example.com")],
            ..Default::default()
        },
    );
    let page = reqwest::get(s.url("/")).await.unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for part in [
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self';",
        "worker-src 'self' blob:",
        &format!("connect-src 'self' ws://127.0.0.1:{}", s.ws_port),
        "frame-ancestors 'self' https://dash.example.com",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "{part:?} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // A revalidation (a reload) must not replace the cached page's policy
    // with another: a 304's headers overwrite the cached ones.
    let modified = page.headers()["last-modified"].clone();
    let again = reqwest::Client::new()
        .get(s.url("/"))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let kept = again.headers().get("content-security-policy");
    assert!(kept.is_none_or(|v| v == csp.as_str()), "{kept:?}");
}

#[tokio::test]
async fn c_with_tls_every_answer_asks_for_https_from_now_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(&dir.path().join("data"), &[("TILLOR_TLS", "true")]);
    let health = s.http().get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

#[tokio::test]
async fn c_repeated_wrong_keys_from_one_address_are_slowed_down_and_a_right_key_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(&dir.path().join("data"), &[]);
    let wrong = || {
        common::feed::as_org(
            &s,
            &s.org,
            "tk_a-wrong-key-000000000000",
            Method::GET,
            &static_path(&s.org),
        )
        .send()
    };
    for _ in 0..tillor_local::http::guessing::FREE {
        assert_eq!(wrong().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    // Lower bounds only: a wait can be longer on a busy machine, never shorter.
    let started = std::time::Instant::now();
    assert_eq!(wrong().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(1_500),
        "waited {waited:?}"
    );
    let right = s
        .as_demo(Method::GET, &static_path(&s.org))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::OK);
}

/// Found by the soak: a delete is broker first (so the credential stops
/// working at once), and the broker's half cannot be taken back, as the
/// store keeps only the password's hash. When the store then refuses its
/// half (a full disk, a crash), the answer says so, the list says the broker
/// lacks it (not "active"), and deleting again or the next start finishes
/// it. A trigger stands in for the full disk: it refuses exactly the store's
/// delete, on whichever database the stack runs.
#[tokio::test]
async fn a_delete_cut_short_after_the_broker_is_listed_as_missing_and_then_finished() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Stack::start(&data, &[]);
    let (retried, restarted) = (
        s.create_static("retried").await,
        s.create_static("restarted").await,
    );
    let path = |c: &Value| format!("{}/{}", static_path(&s.org), c["id"].as_str().unwrap());
    let store = Outside::open(&data).await;
    store
        .run(
            "CREATE TRIGGER refuse_deletes BEFORE DELETE ON static_credentials
             BEGIN SELECT RAISE(ABORT, 'refused for the test'); END",
            &[
                "CREATE FUNCTION refused_for_the_test() RETURNS trigger LANGUAGE plpgsql
                 AS $f$ BEGIN RAISE EXCEPTION 'refused for the test'; END $f$",
                "CREATE TRIGGER refuse_deletes BEFORE DELETE ON static_credentials
                 FOR EACH ROW EXECUTE FUNCTION refused_for_the_test()",
            ],
        )
        .await;

    for cred in [&retried, &restarted] {
        let answer = s.as_demo(Method::DELETE, &path(cred)).send().await.unwrap();
        let (status, error) = error_of(answer).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error["code"], "delete_unfinished", "{error}");
        let publish =
            common::mosquitto("mosquitto_pub", s.mqtt_port, cred, &["-t", "x", "-m", "x"])
                .output()
                .unwrap();
        assert!(
            !publish.status.success(),
            "the deleted credential still connects"
        );
    }
    let statuses: Vec<Value> = listed(&s, &static_path(&s.org))
        .await
        .iter()
        .map(|c| c["brokerStatus"].clone())
        .collect();
    assert_eq!(statuses, ["missing", "missing"]);

    store
        .run(
            "DROP TRIGGER refuse_deletes",
            &["DROP TRIGGER refuse_deletes ON static_credentials"],
        )
        .await;
    let again = s
        .as_demo(Method::DELETE, &path(&retried))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
    let left: Vec<Value> = listed(&s, &static_path(&s.org))
        .await
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(left, [restarted["id"].clone()]);
    // The other is finished by the reconciliation at the next start.
    s.stop();
    let s = Stack::start(&data, &[]);
    assert_eq!(listed(&s, &static_path(&s.org)).await, Vec::<Value>::new());
}

/// The stack's database, opened from outside as an operator would (hence
/// sqlx directly rather than the store's dialect): the SQLite file in the
/// data directory, or the PostgreSQL database the harness made for it.
enum Outside {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Outside {
    async fn open(data: &std::path::Path) -> Outside {
        match std::fs::read_to_string(data.with_extension("database-url")) {
            Ok(url) => Outside::Postgres(sqlx::PgPool::connect(&url).await.unwrap()),
            Err(_) => Outside::Sqlite(
                sqlx::SqlitePool::connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new()
                        .filename(data.join(tillor_local::store::DATABASE_FILE)),
                )
                .await
                .unwrap(),
            ),
        }
    }

    /// `sqlite` on SQLite, else each of `postgres` in turn.
    #[allow(clippy::disallowed_methods)]
    async fn run(&self, sqlite: &str, postgres: &[&str]) {
        match self {
            Outside::Sqlite(pool) => {
                sqlx::query(sqlite).execute(pool).await.unwrap();
            }
            Outside::Postgres(pool) => {
                for statement in postgres {
                    sqlx::query(statement).execute(pool).await.unwrap();
                }
            }
        }
    }
}
