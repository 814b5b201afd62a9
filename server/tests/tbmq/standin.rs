//! A STAND-IN FOR TBMQ'S REST API, not TBMQ: TBMQ needs Kafka and cannot run
//! here. It behaves as TBMQ 2.3.0's controllers do for the calls the server
//! makes (each rule below was read in TBMQ's source), so the TBMQ broker
//! implementation is tested against that contract:
//! - `POST /api/auth/login` gives a JWT-shaped token that expires; an expired
//!   or unknown token is a 401, an account without SYS_ADMIN a 403;
//! - `credentialsValue` must be a JSON *string*; a second credential with the
//!   same clientId and userName answers 400 "Specified credentials are
//!   already registered!", one with the same name 400 "MQTT Client
//!   credentials with such name are already created!";
//! - a credential stored without a password matches any password;
//! - deleting credentials leaves the client's session connected; only
//!   `DELETE /api/client-session/disconnect` ends it;
//! - errors are `{status, message, errorCode}`.
//!
//! MQTT itself is not spoken: `connect` authenticates as TBMQ's basic
//! provider would and records the session a real client would have.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

#[derive(Clone)]
pub struct Credential {
    pub id: String,
    pub name: String,
    pub client_type: String,
    pub client_id: String,
    pub user_name: String,
    pub password: Option<String>,
    pub pub_patterns: Vec<String>,
    pub sub_patterns: Vec<String>,
}

#[derive(Default)]
struct Inner {
    /// username -> (password, authority)
    accounts: HashMap<String, (String, String)>,
    /// token -> (username, expires at, unix seconds)
    tokens: HashMap<String, (String, i64)>,
    token_ttl_secs: i64,
    credentials: Vec<Credential>,
    /// clientId -> (sessionId, connectionState)
    sessions: HashMap<String, (String, String)>,
    logins: usize,
    unauthorised: usize,
    delay: Duration,
}

#[derive(Clone)]
pub struct StandIn {
    inner: Arc<Mutex<Inner>>,
    pub url: String,
    stop: Arc<Mutex<Option<tokio::sync::oneshot::Sender<()>>>>,
}

pub const ADMIN: (&str, &str) = ("sysadmin@thingsboard.org", "sysadmin");
pub const TENANT: (&str, &str) = ("viewer@example.org", "viewer");

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn error(status: StatusCode, message: &str, code: u32) -> Response {
    let body = json!({ "status": status.as_u16(), "message": message, "errorCode": code,
                       "timestamp": now() * 1000 });
    (status, Json(body)).into_response()
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Requested item wasn't found!", 32)
}

impl StandIn {
    /// Starts on a free port with a SYS_ADMIN and a tenant account.
    pub async fn start() -> StandIn {
        let mut inner = Inner {
            token_ttl_secs: 9000, // TBMQ's default JWT lifetime
            ..Inner::default()
        };
        inner
            .accounts
            .insert(ADMIN.0.into(), (ADMIN.1.into(), "SYS_ADMIN".into()));
        inner
            .accounts
            .insert(TENANT.0.into(), (TENANT.1.into(), "TENANT_ADMIN".into()));
        let inner = Arc::new(Mutex::new(inner));
        let app = Router::new()
            .route("/api/auth/login", post(login))
            .route(
                "/api/mqtt/client/credentials",
                post(create).get(list_or_find),
            )
            .route("/api/mqtt/client/credentials/{id}", delete(remove))
            .route("/api/client-session", get(session))
            .route("/api/client-session/disconnect", delete(disconnect))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        StandIn {
            inner,
            url: format!("http://{addr}"),
            stop: Arc::new(Mutex::new(Some(tx))),
        }
    }

    /// TBMQ goes away: the port stops answering.
    pub fn stop(&self) {
        if let Some(tx) = self.stop.lock().unwrap().take() {
            let _ = tx.send(());
        }
    }

    pub fn set_token_ttl(&self, secs: i64) {
        self.inner.lock().unwrap().token_ttl_secs = secs;
    }

    /// Every login token stops working (TBMQ restarted with a new key).
    pub fn expire_tokens(&self) {
        self.inner.lock().unwrap().tokens.clear();
    }

    pub fn set_delay(&self, delay: Duration) {
        self.inner.lock().unwrap().delay = delay;
    }

    pub fn logins(&self) -> usize {
        self.inner.lock().unwrap().logins
    }

    pub fn unauthorised(&self) -> usize {
        self.inner.lock().unwrap().unauthorised
    }

    pub fn credentials(&self) -> Vec<Credential> {
        self.inner.lock().unwrap().credentials.clone()
    }

    /// An MQTT CONNECT as TBMQ's basic provider checks it: a credential for
    /// this clientId and userName whose password matches, or has none. On
    /// success the client is connected (replacing an earlier session).
    pub fn connect(&self, client_id: &str, user_name: &str, password: &str) -> bool {
        let mut inner = self.inner.lock().unwrap();
        let ok = inner.credentials.iter().any(|c| {
            c.client_id == client_id
                && c.user_name == user_name
                && c.password.as_deref().is_none_or(|p| p == password)
        });
        if ok {
            let session = (uuid::Uuid::new_v4().to_string(), "CONNECTED".to_owned());
            inner.sessions.insert(client_id.to_owned(), session);
        }
        ok
    }

    pub fn session_state(&self, client_id: &str) -> Option<String> {
        self.inner
            .lock()
            .unwrap()
            .sessions
            .get(client_id)
            .map(|s| s.1.clone())
    }
}

type Shared = State<Arc<Mutex<Inner>>>;

async fn login(State(inner): Shared, Json(body): Json<Value>) -> Response {
    let mut inner = inner.lock().unwrap();
    let (user, password) = (body["username"].as_str(), body["password"].as_str());
    let known = user
        .and_then(|u| inner.accounts.get(u))
        .is_some_and(|(p, _)| Some(p.as_str()) == password);
    if !known {
        return error(StatusCode::UNAUTHORIZED, "Invalid username or password", 10);
    }
    inner.logins += 1;
    let exp = now() + inner.token_ttl_secs;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS512"}"#);
    let claims = json!({ "sub": user, "scopes": ["SYS_ADMIN"], "iat": now(), "exp": exp,
                         "jti": uuid::Uuid::new_v4().to_string() });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let token = format!(
        "{header}.{payload}.{}",
        URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4())
    );
    inner
        .tokens
        .insert(token.clone(), (user.unwrap().to_owned(), exp));
    Json(json!({ "token": token, "refreshToken": uuid::Uuid::new_v4().to_string() }))
        .into_response()
}

/// Spring Security in front of every controller: the token, then SYS_ADMIN.
/// The refusal, if any.
fn authorise(inner: &mut Inner, headers: &HeaderMap) -> Option<Response> {
    let token = headers
        .get("X-Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some((user, exp)) = token.and_then(|t| inner.tokens.get(t)).cloned() else {
        inner.unauthorised += 1;
        return Some(error(StatusCode::UNAUTHORIZED, "Authentication failed", 10));
    };
    if now() > exp {
        inner.unauthorised += 1;
        return Some(error(StatusCode::UNAUTHORIZED, "Token has expired", 11));
    }
    if inner
        .accounts
        .get(&user)
        .is_none_or(|(_, a)| a != "SYS_ADMIN")
    {
        return Some(error(
            StatusCode::FORBIDDEN,
            "You don't have permission to perform this operation!",
            20,
        ));
    }
    None
}

/// Waits as long as the test asked (a slow TBMQ), then authorises.
async fn enter(inner: &Arc<Mutex<Inner>>, headers: &HeaderMap) -> Option<Response> {
    let delay = inner.lock().unwrap().delay;
    tokio::time::sleep(delay).await;
    authorise(&mut inner.lock().unwrap(), headers)
}

/// As TBMQ answers: `credentialsValue` without the password.
fn sanitized(c: &Credential) -> Value {
    let value = json!({ "clientId": c.client_id, "userName": c.user_name,
        "authRules": { "pubAuthRulePatterns": c.pub_patterns, "subAuthRulePatterns": c.sub_patterns } });
    json!({ "id": c.id, "name": c.name, "clientType": c.client_type, "credentialsType": "MQTT_BASIC",
            "credentialsId": format!("{}|{}", c.client_id, c.user_name),
            "credentialsValue": value.to_string(), "createdTime": now() * 1000 })
}

async fn create(State(inner): Shared, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(r) = enter(&inner, &headers).await {
        return r;
    }
    let bad = |m: &str| error(StatusCode::BAD_REQUEST, m, 31);
    // Jackson: credentialsValue is a String field.
    let Some(raw) = body["credentialsValue"].as_str() else {
        return bad("Cannot deserialize value of type `java.lang.String` from Object value");
    };
    if body["credentialsType"] != "MQTT_BASIC" {
        return bad("Unknown credentials type!");
    }
    let Ok(value) = serde_json::from_str::<Value>(raw) else {
        return bad("Failed to parse credentials value");
    };
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    let credential = Credential {
        id: uuid::Uuid::new_v4().to_string(),
        name: body["name"].as_str().unwrap_or_default().to_owned(),
        client_type: body["clientType"].as_str().unwrap_or("DEVICE").to_owned(),
        client_id: value["clientId"].as_str().unwrap_or_default().to_owned(),
        user_name: value["userName"].as_str().unwrap_or_default().to_owned(),
        password: value["password"]
            .as_str()
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
        pub_patterns: list(&value["authRules"]["pubAuthRulePatterns"]),
        sub_patterns: list(&value["authRules"]["subAuthRulePatterns"]),
    };
    let mut inner = inner.lock().unwrap();
    if inner
        .credentials
        .iter()
        .any(|c| c.client_id == credential.client_id && c.user_name == credential.user_name)
    {
        return bad("Specified credentials are already registered!");
    }
    if inner.credentials.iter().any(|c| c.name == credential.name) {
        return bad("MQTT Client credentials with such name are already created!");
    }
    let answer = sanitized(&credential);
    inner.credentials.push(credential);
    Json(answer).into_response()
}

async fn list_or_find(
    State(inner): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = enter(&inner, &headers).await {
        return r;
    }
    let inner = inner.lock().unwrap();
    if let Some(name) = q.get("name") {
        return match inner.credentials.iter().find(|c| &c.name == name) {
            Some(c) => Json(sanitized(c)).into_response(),
            None => not_found(),
        };
    }
    let (Some(size), Some(page)) = (
        q.get("pageSize").and_then(|s| s.parse::<usize>().ok()),
        q.get("page").and_then(|s| s.parse::<usize>().ok()),
    ) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Required parameter 'pageSize' is not present.",
            31,
        );
    };
    let all = &inner.credentials;
    let data: Vec<Value> = all
        .iter()
        .skip(size * page)
        .take(size)
        .map(|c| {
            json!({ "id": c.id, "name": c.name, "clientType": c.client_type,
                         "credentialsType": "MQTT_BASIC", "createdTime": now() * 1000 })
        })
        .collect();
    let pages = all.len().div_ceil(size.max(1));
    Json(
        json!({ "data": data, "totalPages": pages, "totalElements": all.len(),
                 "hasNext": page + 1 < pages }),
    )
    .into_response()
}

/// Deletes the credentials only: a connected client stays connected.
async fn remove(State(inner): Shared, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Some(r) = enter(&inner, &headers).await {
        return r;
    }
    let mut inner = inner.lock().unwrap();
    let before = inner.credentials.len();
    inner.credentials.retain(|c| c.id != id);
    if inner.credentials.len() == before {
        return not_found();
    }
    StatusCode::OK.into_response()
}

async fn session(
    State(inner): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = enter(&inner, &headers).await {
        return r;
    }
    let inner = inner.lock().unwrap();
    let client_id = q.get("clientId").cloned().unwrap_or_default();
    match inner.sessions.get(&client_id) {
        Some((session_id, state)) => Json(json!({
            "id": client_id, "clientId": client_id, "sessionId": session_id,
            "connectionState": state, "clientType": "DEVICE", "cleanStart": true,
            "subscriptions": [] }))
        .into_response(),
        None => not_found(),
    }
}

async fn disconnect(
    State(inner): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = enter(&inner, &headers).await {
        return r;
    }
    let mut inner = inner.lock().unwrap();
    let (Some(client_id), Some(session_id)) = (q.get("clientId"), q.get("sessionId")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Required parameter 'sessionId' is not present.",
            31,
        );
    };
    match inner.sessions.get_mut(client_id) {
        Some(s) if &s.0 == session_id => {
            s.1 = "DISCONNECTED".into();
            StatusCode::OK.into_response()
        }
        _ => not_found(),
    }
}
