//! The management API through real HTTP against the real binary and database file.

mod common;

use common::{creds_path, static_path, Stack, KEY_B, ORG_B};
use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tillor_contract::claims::MqttTokenClaims;

fn stack() -> (tempfile::TempDir, Stack) {
    let dir = tempfile::tempdir().unwrap();
    let stack = Stack::start(&dir.path().join("data"), &[]);
    (dir, stack)
}

async fn json_of(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let body = resp.text().await.unwrap();
    let value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body:?}"));
    (status, value)
}

fn assert_error(v: &Value, code: &str) {
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
}

async fn verify(stack: &Stack, token: &str) -> MqttTokenClaims {
    let jwks: Value = reqwest::get(stack.url("/.well-known/jwks.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwk = &jwks["keys"][0];
    assert_eq!(jwk["alg"], "ES256");
    let key =
        DecodingKey::from_ec_components(jwk["x"].as_str().unwrap(), jwk["y"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&["tillor-mqtt"]);
    validation.set_issuer(&["tillor"]);
    validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
    decode::<MqttTokenClaims>(token, &key, &validation)
        .expect("token verifies with the published key")
        .claims
}

#[tokio::test]
async fn a_jwt_credential_defaults_to_one_hour_and_binds_org_env_and_client_id() {
    let (_dir, s) = stack();
    let (status, v) = json_of(
        s.as_demo(Method::POST, &creds_path(&s.org))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let prefix = format!("tillor/local/{}/integration", s.org);
    assert_eq!(v["topicPrefix"], prefix);
    assert_eq!(v["brokerUrl"], format!("mqtt://127.0.0.1:{}", s.mqtt_port));
    let client_id = v["clientId"].as_str().unwrap();
    assert!(client_id.starts_with("local-"), "{client_id}");

    let claims = verify(&s, v["token"].as_str().unwrap()).await;
    assert_eq!(claims.exp - claims.iat, 3600);
    assert_eq!(claims.nbf, claims.iat);
    assert_eq!(
        (claims.sub.as_str(), claims.client_id.as_str()),
        (client_id, client_id)
    );
    assert_eq!(claims.org_id, s.org);
    assert_eq!(claims.env, tillor_contract::Env::Local);
    assert!(claims
        .acl
        .iter()
        .any(|r| r.permission == "allow" && r.topic == format!("{prefix}/#")));
    assert_eq!(claims.acl.last().unwrap().permission, "deny");
    assert_eq!(claims.pub_topics, claims.sub_topics);

    let expires_at = time::OffsetDateTime::parse(
        v["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires_at.unix_timestamp(), claims.exp);
    assert_eq!(expires_at.offset(), time::UtcOffset::UTC);
}

#[tokio::test]
async fn expiry_and_client_id_are_honoured_and_the_prefix_is_added_once() {
    let (_dir, s) = stack();
    for (sent, expected) in [("foo", "local-foo"), ("local-foo", "local-foo")] {
        let (status, v) = json_of(
            s.as_demo(Method::POST, &creds_path(&s.org))
                .json(&json!({"clientId": sent, "expiresInSeconds": 60}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["clientId"], expected);
        let claims = verify(&s, v["token"].as_str().unwrap()).await;
        assert_eq!(claims.exp - claims.iat, 60);
        assert_eq!(claims.client_id, expected);
    }
}

#[tokio::test]
async fn every_invalid_expiry_is_a_400_naming_the_field_and_range() {
    let (_dir, s) = stack();
    for (bad, code) in [
        (json!(0), "out_of_range"),
        (json!(59), "out_of_range"),
        (json!(86401), "out_of_range"),
        (json!(-1), "out_of_range"),
        (json!(1.5), "not_an_integer"),
        (json!("3600"), "not_an_integer"),
        (json!(null), "not_an_integer"),
    ] {
        let (status, v) = json_of(
            s.as_demo(Method::POST, &creds_path(&s.org))
                .json(&json!({ "expiresInSeconds": bad }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert_error(&v, code);
        assert_eq!(v["error"]["field"], "expiresInSeconds", "{bad}");
        assert_eq!(
            (v["error"]["min"].clone(), v["error"]["max"].clone()),
            (json!(60), json!(86400))
        );
    }
}

#[tokio::test]
async fn invalid_client_ids_and_names_are_400_at_their_field() {
    let (_dir, s) = stack();
    for (body, field, code) in [
        (
            json!({"clientId": "has space"}),
            "clientId",
            "invalid_characters",
        ),
        (json!({"clientId": "a/b"}), "clientId", "invalid_characters"),
        (json!({"clientId": "x".repeat(80)}), "clientId", "too_long"),
        (json!({"clientId": ""}), "clientId", "empty"),
        (json!({"clientId": 5}), "clientId", "not_a_string"),
        (json!({"expiresIn": 60}), "expiresIn", "unknown_field"),
    ] {
        let (status, v) = json_of(
            s.as_demo(Method::POST, &creds_path(&s.org))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_error(&v, code);
        assert_eq!(v["error"]["field"], field);
    }
    for (body, code) in [
        (json!({"name": ""}), "empty"),
        (json!({"name": "é".repeat(65)}), "too_long"),
        (json!({"name": "a\u{7}b"}), "invalid_characters"),
        (json!({"name": null}), "not_a_string"),
    ] {
        let (status, v) = json_of(
            s.as_demo(Method::POST, &static_path(&s.org))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_error(&v, code);
        assert_eq!(v["error"]["field"], "name");
    }
}

#[tokio::test]
async fn malformed_bodies_get_the_same_error_shape() {
    let (_dir, s) = stack();
    let post = || s.as_demo(Method::POST, &creds_path(&s.org));
    let cases = [
        (
            post()
                .header("content-type", "application/json")
                .body("{\"clientId\":"),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            post()
                .header("content-type", "application/json")
                .body("[1]"),
            StatusCode::BAD_REQUEST,
            "not_an_object",
        ),
        (
            post().header("content-type", "text/plain").body("{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            post()
                .header("content-type", "application/json")
                .body(format!("{{\"clientId\":\"{}\"}}", "x".repeat(20_000))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (req, status, code) in cases {
        let (got, v) = json_of(req.send().await.unwrap()).await;
        assert_eq!(got, status, "{v}");
        assert_error(&v, code);
    }
    let (status, v) = json_of(s.as_demo(Method::GET, "/api/nowhere").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&v, "not_found");
    let (status, v) = json_of(
        s.as_demo(Method::PUT, &creds_path(&s.org))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&v, "method_not_allowed");
}

#[tokio::test]
async fn the_auth_matrix_refuses_every_wrong_combination() {
    let (_dir, s) = stack();
    let client = reqwest::Client::new();
    let list = |org: &str| client.get(s.url(&static_path(org)));
    let cases = [
        (
            list(&s.org).header("X-Tillor-Org-Id", &s.org),
            StatusCode::UNAUTHORIZED,
            "missing_api_key",
        ),
        (
            list(&s.org)
                .header("x-api-key", "tk_not-a-real-key-at-all")
                .header("X-Tillor-Org-Id", &s.org),
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
        ),
        // Org A's key on org B's path, with a consistent header.
        (
            list(ORG_B)
                .header("x-api-key", &s.key)
                .header("X-Tillor-Org-Id", ORG_B),
            StatusCode::FORBIDDEN,
            "wrong_organisation",
        ),
        // Org B's key on org A's path.
        (
            list(&s.org)
                .header("x-api-key", KEY_B)
                .header("X-Tillor-Org-Id", &s.org),
            StatusCode::FORBIDDEN,
            "wrong_organisation",
        ),
        // Right key and path, header naming another organisation.
        (
            list(&s.org)
                .header("x-api-key", &s.key)
                .header("X-Tillor-Org-Id", ORG_B),
            StatusCode::FORBIDDEN,
            "org_header_mismatch",
        ),
        (
            list(&s.org).header("x-api-key", &s.key),
            StatusCode::FORBIDDEN,
            "org_header_mismatch",
        ),
        // An organisation that does not exist is no different from someone else's.
        (
            list("ghost")
                .header("x-api-key", &s.key)
                .header("X-Tillor-Org-Id", "ghost"),
            StatusCode::FORBIDDEN,
            "wrong_organisation",
        ),
    ];
    for (i, (req, status, code)) in cases.into_iter().enumerate() {
        let (got, v) = json_of(req.send().await.unwrap()).await;
        assert_eq!(got, status, "case {i}: {v}");
        assert_error(&v, code);
    }
    let ok = client
        .get(s.url(&static_path(ORG_B)))
        .header("x-api-key", KEY_B)
        .header("X-Tillor-Org-Id", ORG_B)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_id_used_by_one_organisation_is_refused_to_another() {
    let (_dir, s) = stack();
    let as_b = |method, path: &str| {
        reqwest::Client::new()
            .request(method, s.url(path))
            .header("x-api-key", KEY_B)
            .header("X-Tillor-Org-Id", ORG_B)
    };
    let (status, _) = json_of(
        s.as_demo(Method::POST, &creds_path(&s.org))
            .json(&json!({"clientId": "shared"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, v) = json_of(
        as_b(Method::POST, &creds_path(ORG_B))
            .json(&json!({"clientId": "local-shared"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_error(&v, "client_id_taken");

    // The same holds for a static credential's clientId.
    let (_, created) = json_of(
        s.as_demo(Method::POST, &static_path(&s.org))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let static_id = created["clientId"].as_str().unwrap();
    let (status, v) = json_of(
        as_b(Method::POST, &creds_path(ORG_B))
            .json(&json!({"clientId": static_id}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    // The owner may renew with what it was given.
    let (status, _) = json_of(
        s.as_demo(Method::POST, &creds_path(&s.org))
            .json(&json!({"clientId": "local-shared"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn static_credentials_are_created_listed_newest_first_and_deleted() {
    let (_dir, s) = stack();
    let (status, first) = json_of(
        s.as_demo(Method::POST, &static_path(&s.org))
            .json(&json!({"name": "ERP koppeling"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    for field in [
        "id",
        "userName",
        "clientId",
        "password",
        "topicPrefix",
        "brokerUrl",
        "createdAt",
    ] {
        assert!(
            first[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}: {first}"
        );
    }
    assert!(
        first["password"].as_str().unwrap().len() >= 22,
        "at least 128 bits"
    );
    assert!(first["clientId"].as_str().unwrap().starts_with("local-"));
    uuid::Uuid::parse_str(first["id"].as_str().unwrap()).expect("ids are UUIDs");
    // No body at all is fine too.
    let (status, second) = json_of(
        s.as_demo(Method::POST, &static_path(&s.org))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(second["name"], Value::Null);
    assert_ne!(first["password"], second["password"]);

    let (status, list) = json_of(
        s.as_demo(Method::GET, &static_path(&s.org))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], second["id"], "newest first");
    assert_eq!(list[1]["name"], "ERP koppeling");
    assert!(list.iter().all(|c| c.get("password").is_none()), "{list:?}");

    // Org B sees none of them and cannot delete them.
    let b = reqwest::Client::new();
    let (status, v) = json_of(
        b.delete(s.url(&format!(
            "{}/{}",
            static_path(ORG_B),
            first["id"].as_str().unwrap()
        )))
        .header("x-api-key", KEY_B)
        .header("X-Tillor-Org-Id", ORG_B)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&v, "credential_not_found");

    let path = format!("{}/{}", static_path(&s.org), first["id"].as_str().unwrap());
    let resp = s.as_demo(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let (status, v) = json_of(s.as_demo(Method::DELETE, &path).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    let (_, list) = json_of(
        s.as_demo(Method::GET, &static_path(&s.org))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn data_and_signing_key_survive_a_restart_and_no_password_is_kept_readable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Stack::start(&data, &[]);
    let (org, key) = (s.org.clone(), s.key.clone());
    let (_, created) = json_of(
        s.as_demo(Method::POST, &static_path(&s.org))
            .json(&json!({"name": "kassa"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let password = created["password"].as_str().unwrap().to_owned();
    let (_, jwt) = json_of(
        s.as_demo(Method::POST, &creds_path(&s.org))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let token = jwt["token"].as_str().unwrap().to_owned();
    let logs_before = s.logs();
    s.stop();

    let s = Stack::start(&data, &[]);
    assert_eq!(
        (s.org.as_str(), s.key.as_str()),
        (org.as_str(), key.as_str()),
        "the demo organisation is kept"
    );
    let (_, list) = json_of(
        s.as_demo(Method::GET, &static_path(&s.org))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list[0]["id"], created["id"]);
    verify(&s, &token).await;

    let logs = logs_before + &s.logs();
    assert!(
        logs.contains("created static credential"),
        "logs are written: {logs}"
    );
    assert!(!logs.contains(&password), "a password reached the log");
    assert!(!logs.contains(&token), "a token reached the log");
    assert!(!logs.contains(&key), "an API key reached the log");
    // On PostgreSQL (scripts/test's second round), its password neither.
    if let Some(password) = tillor_harness::test_database_password() {
        assert!(
            !logs.contains(&password),
            "the database password reached the log"
        );
    }
    // Every file the stack keeps, the broker's dynamic-security state included.
    let mut files = vec![data.clone()];
    let mut checked = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        checked += 1;
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&password),
            "password readable in {}",
            path.display()
        );
    }
    assert!(
        checked >= 5,
        "database, key, JWKS, demo org and broker files: {checked}"
    );
}

#[tokio::test]
async fn the_console_config_openapi_and_health_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(
        &dir.path().join("data"),
        &[
            ("TILLOR_PUBLIC_MQTT_WS_URL", "wss://mqtt.example:8084/mqtt"),
            ("TILLOR_CORS_ORIGINS", "https://dashboard.example"),
        ],
    );
    let config: Value = reqwest::get(s.url("/config.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["env"], "local");
    assert_eq!(config["brokerWsUrl"], "wss://mqtt.example:8084/mqtt");
    assert_eq!(
        config["brokerUrl"],
        format!("mqtt://127.0.0.1:{}", s.mqtt_port)
    );
    assert_eq!(config["language"], "nl");
    assert!(config.get("apiKey").is_none());

    let health = reqwest::get(s.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // Ready: SQLite and the supervised Mosquitto both answered just now.
    let ready = reqwest::get(s.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let (_, ready) = json_of(ready).await;
    assert_eq!(
        ready,
        json!({ "status": "ready", "database": "ok", "broker": "ok" })
    );

    let doc: Value = reqwest::get(s.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/orgs/{orgId}/mqtt/credentials",
        "/api/orgs/{orgId}/mqtt/static-credentials",
        "/api/orgs/{orgId}/mqtt/static-credentials/{id}",
        "/api/orgs/{orgId}/mqtt/static-credentials/{id}/rotate",
        "/api/orgs/{orgId}/mqtt/credentials/{jti}",
        "/api/orgs/{orgId}/mqtt/credentials/revoke",
        "/api/orgs/{orgId}/mqtt/events",
        "/api/orgs/{orgId}/mqtt/connections",
        "/api/orgs/{orgId}/mqtt/connections/{clientId}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(
        doc["paths"]["/api/orgs/{orgId}/mqtt/credentials"]
            .get("get")
            .is_some(),
        "the token list"
    );
    for schema in ["JwtCredentials", "JwtToken", "Revoked", "EventPage"] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema} missing"
        );
    }

    let client = reqwest::Client::new();
    let preflight = |origin: &str| {
        client
            .request(Method::OPTIONS, s.url(&static_path(&s.org)))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "x-api-key,x-tillor-org-id,content-type",
            )
            .send()
    };
    let allowed = preflight("https://dashboard.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://dashboard.example"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[tokio::test]
async fn a_given_demo_organisation_is_seeded_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let s = Stack::start(
        &dir.path().join("data"),
        &[
            ("TILLOR_DEMO_ORG_ID", "acme"),
            ("TILLOR_DEMO_API_KEY", "tk_acme-demo-key-0123456789"),
        ],
    );
    assert_eq!(
        (s.org.as_str(), s.key.as_str()),
        ("acme", "tk_acme-demo-key-0123456789")
    );
    let resp = s
        .as_demo(Method::GET, &static_path("acme"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn console_assets_travel_compressed_as_the_browser_accepts_and_are_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    let console = dir.path().join("dist");
    std::fs::create_dir_all(&console).unwrap();
    let js = "console.log('the console, uncompressed');".repeat(50);
    std::fs::write(
        console.join("index.html"),
        "<!doctype html><title>t</title>",
    )
    .unwrap();
    std::fs::write(console.join("app.js"), &js).unwrap();
    // Stand-ins for what the build writes beside each asset.
    std::fs::write(console.join("app.js.br"), b"brotli bytes").unwrap();
    std::fs::write(console.join("app.js.gz"), b"gzip bytes").unwrap();
    let s = Stack::launch(
        &dir.path().join("data"),
        tillor_harness::Launch {
            console_dir: Some(&console),
            ..Default::default()
        },
    );
    let client = reqwest::Client::new();
    let get = |encoding: &'static str| {
        let req = client.get(s.url("/app.js"));
        let req = if encoding.is_empty() {
            req
        } else {
            req.header("Accept-Encoding", encoding)
        };
        async move {
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 200);
            let enc = resp
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned());
            let cache = resp.headers()["cache-control"].to_str().unwrap().to_owned();
            (enc, cache, resp.bytes().await.unwrap())
        }
    };
    let (enc, cache, body) = get("gzip, deflate, br").await;
    assert_eq!(enc.as_deref(), Some("br"), "brotli first when accepted");
    assert_eq!(&body[..], b"brotli bytes");
    assert_eq!(cache, "no-cache", "kept, but checked again before each use");
    let (enc, _, body) = get("gzip").await;
    assert_eq!(
        (enc.as_deref(), &body[..]),
        (Some("gzip"), &b"gzip bytes"[..])
    );
    let (enc, _, body) = get("").await;
    assert_eq!((enc, &body[..]), (None, js.as_bytes()));
    // The API keeps its own caching rules.
    let health = client.get(s.url("/healthz")).send().await.unwrap();
    assert!(health.headers().get("cache-control").is_none());
}
