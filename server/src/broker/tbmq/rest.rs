//! TBMQ's REST API as the broker interface uses it, written from TBMQ's
//! controllers (v2.3.0): log in as a SYS_ADMIN, keep the token fresh, and
//! turn every answer into data or a `BrokerError` a user can act on.
//!
//! - `POST /api/auth/login {username, password}` answers `{token,
//!   refreshToken}`; the token is a JWT whose `exp` says when to log in again.
//!   It is renewed a minute before then, and once more on a 401 (a clock
//!   apart, or TBMQ restarted with new keys).
//! - Every other call sends `X-Authorization: Bearer <token>`.
//! - Errors come as `{status, message, errorCode}`. No answer, a timeout or a
//!   5xx is `Unavailable` (the API answers 503 `broker_unavailable`); any
//!   other refusal carries TBMQ's message.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;

use super::super::error::BrokerError;

/// How long one call may take before TBMQ counts as unreachable.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Log in again this long before the token's `exp`.
const RENEW_BEFORE_SECS: i64 = 60;

/// Where TBMQ is and who the server is there.
#[derive(Clone)]
pub struct Account {
    /// Base URL of TBMQ's HTTP API, e.g. `https://tbmq.internal:8083`.
    pub url: String,
    pub username: String,
    pub password: String,
    /// A private CA for TBMQ's HTTPS certificate (PEM).
    pub ca_pem: Option<Vec<u8>>,
    /// How long one call may take ([`CALL_TIMEOUT`] unless a test is impatient).
    pub timeout: Duration,
}

struct Session {
    token: String,
    /// Unix seconds; 0 when the token carries no `exp`.
    expires_at: i64,
}

pub struct Rest {
    http: reqwest::Client,
    account: Account,
    session: Mutex<Option<Session>>,
}

/// What a refusal from TBMQ said.
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

impl Rest {
    pub fn new(account: Account) -> Result<Rest, String> {
        let mut http = reqwest::Client::builder().timeout(account.timeout);
        if let Some(pem) = &account.ca_pem {
            let ca = reqwest::Certificate::from_pem(pem)
                .map_err(|e| format!("TILLOR_TBMQ_CA is not a PEM certificate: {e}"))?;
            http = http.add_root_certificate(ca);
        }
        let http = http
            .build()
            .map_err(|e| format!("cannot make an HTTP client for TBMQ: {e}"))?;
        Ok(Rest {
            http,
            account,
            session: Mutex::new(None),
        })
    }

    /// Calls `path` and decodes a JSON answer.
    pub async fn json<T: DeserializeOwned>(
        &self,
        command: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Result<T, Refusal>, BrokerError> {
        match self.call(command, method, path, body).await? {
            Ok(text) => serde_json::from_str(&text).map(Ok).map_err(|e| {
                BrokerError::Unavailable(format!("TBMQ answered {command} with {e}: {text:.200}"))
            }),
            Err(r) => Ok(Err(r)),
        }
    }

    /// Calls `path`; the body of a 2xx answer, or TBMQ's refusal. A missing
    /// or expired login is renewed once.
    pub async fn call(
        &self,
        command: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Result<String, Refusal>, BrokerError> {
        let mut fresh_login = false;
        loop {
            let token = self.token(command, fresh_login).await?;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base()))
                .header("X-Authorization", format!("Bearer {token}"));
            if let Some(body) = body {
                request = request.json(body);
            }
            let answer = self.send(command, request).await?;
            match answer {
                Err(r) if r.status == StatusCode::UNAUTHORIZED && !fresh_login => {
                    fresh_login = true;
                }
                Err(r) if r.status == StatusCode::FORBIDDEN => {
                    return Err(BrokerError::Refused {
                        command: command.to_owned(),
                        error: format!(
                            "TBMQ's account {:?} lacks the SYS_ADMIN authority ({})",
                            self.account.username, r.message
                        ),
                    })
                }
                other => return Ok(other),
            }
        }
    }

    fn base(&self) -> &str {
        self.account.url.trim_end_matches('/')
    }

    async fn send(
        &self,
        command: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Result<String, Refusal>, BrokerError> {
        let unavailable = |e: &dyn std::fmt::Display| {
            BrokerError::Unavailable(format!(
                "TBMQ at {} did not answer {command}: {e}",
                self.base()
            ))
        };
        let response = request.send().await.map_err(|e| unavailable(&e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| unavailable(&e))?;
        if status.is_success() {
            return Ok(Ok(text));
        }
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("{text:.200}"));
        if status.is_server_error() {
            return Err(unavailable(&format!("{status} {message}")));
        }
        Ok(Err(Refusal { status, message }))
    }

    /// A token valid for another minute, logging in when there is none.
    async fn token(&self, command: &str, force: bool) -> Result<String, BrokerError> {
        let mut session = self.session.lock().await;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if let Some(s) = session.as_ref() {
            let fresh = s.expires_at == 0 || now < s.expires_at - RENEW_BEFORE_SECS;
            if fresh && !force {
                return Ok(s.token.clone());
            }
        }
        let body = serde_json::json!({
            "username": self.account.username,
            "password": self.account.password,
        });
        let request = self
            .http
            .post(format!("{}/api/auth/login", self.base()))
            .json(&body);
        let text = match self.send(command, request).await? {
            Ok(text) => text,
            Err(r) => {
                return Err(BrokerError::Refused {
                    command: command.to_owned(),
                    error: format!(
                        "TBMQ refused the login of {:?} ({} {}): check TILLOR_TBMQ_USERNAME and TILLOR_TBMQ_PASSWORD",
                        self.account.username, r.status, r.message
                    ),
                })
            }
        };
        let token = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["token"].as_str().map(str::to_owned))
            .ok_or_else(|| {
                BrokerError::Unavailable(format!("TBMQ's login answer has no token: {text:.200}"))
            })?;
        let expires_at = jwt_exp(&token).unwrap_or(0);
        *session = Some(Session {
            token: token.clone(),
            expires_at,
        });
        Ok(token)
    }
}

/// The `exp` of a JWT, read without verifying it: it only says when to log
/// in again, TBMQ itself decides whether the token is good.
fn jwt_exp(token: &str) -> Option<i64> {
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    serde_json::from_slice::<Value>(&payload).ok()?["exp"].as_i64()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_exp_of_a_login_token_is_read_and_anything_else_has_none() {
        // {"alg":"HS512"} . {"sub":"sysadmin@thingsboard.org","exp":1800000000} . sig
        let token = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJzeXNhZG1pbkB0aGluZ3Nib2FyZC5vcmciLCJleHAiOjE4MDAwMDAwMDB9.c2ln";
        assert_eq!(super::jwt_exp(token), Some(1_800_000_000));
        assert_eq!(super::jwt_exp("opaque"), None);
    }
}
