//! TBMQ, the production broker, behind the `Broker` interface. Written from
//! TBMQ's own source (v2.2.0-v2.3.0), never from its docs alone:
//! - `rest`: the REST client (login, token renewal, errors);
//! - `wire`: the JSON of its credential and session endpoints;
//! - `provider_config`: the JWT provider settings under which TBMQ accepts
//!   exactly our tokens;
//! - here, the facade: what each interface command takes on TBMQ.
//!
//! Facts it is built on, each checked in TBMQ's controllers and services:
//! deleting credentials does not disconnect the client, so every delete is
//! followed by the client-session API's disconnect; changing a password needs
//! the current one, which the server never keeps, so a rotation deletes and
//! creates again; a duplicate answers 400 "... already ..."; and TBMQ has no
//! deny list for JWTs, so a revocation can only end their sessions.

pub mod provider_config;
mod rest;
mod wire;

use std::collections::HashSet;
use std::sync::Arc;

use reqwest::{Method, StatusCode};
use tillor_contract::broker_event::RevokedToken;

use super::error::BrokerError;
use super::interface::{Broker, NewStatic};
pub use rest::{Account, CALL_TIMEOUT};
use rest::{Refusal, Rest};
use wire::{AuthRules, Basic, ClientSession, NewCredentials, Page, Stored, NAME_PREFIX};

const CREDENTIALS: &str = "/api/mqtt/client/credentials";
/// Page size when listing credentials.
const PAGE: usize = 100;

pub struct Tbmq {
    rest: Rest,
}

impl Tbmq {
    /// The REST client of TBMQ's API; its first call logs in.
    pub fn connect(account: Account) -> Result<Tbmq, String> {
        Ok(Tbmq {
            rest: Rest::new(account)?,
        })
    }

    /// As `connect`, behind the interface.
    pub fn start(account: Account) -> Result<Arc<dyn Broker>, String> {
        Ok(Arc::new(Tbmq::connect(account)?))
    }

    async fn create(
        &self,
        command: &str,
        basic: &Basic,
    ) -> Result<Result<(), Refusal>, BrokerError> {
        let body = serde_json::to_value(NewCredentials::basic(basic)).expect("JSON");
        Ok(self
            .rest
            .call(command, Method::POST, CREDENTIALS, Some(&body))
            .await?
            .map(drop))
    }

    /// Our credential for `user_name`, if TBMQ has it.
    async fn find(&self, command: &str, user_name: &str) -> Result<Option<Stored>, BrokerError> {
        let path = format!(
            "{CREDENTIALS}?{}",
            query(&[("name", &wire::credential_name(user_name))])
        );
        let answer = self.rest.json(command, Method::GET, &path, None).await?;
        unless_missing(command, answer)
    }

    async fn delete_by_id(&self, command: &str, id: &str) -> Result<(), BrokerError> {
        let path = format!("{CREDENTIALS}/{}", encode(id));
        let answer = self.rest.call(command, Method::DELETE, &path, None).await?;
        // Gone already is what a delete wants.
        unless_missing(command, answer).map(drop)
    }

    /// Ends the live session of `client_id`, if there is one.
    async fn disconnect(&self, command: &str, client_id: &str) -> Result<(), BrokerError> {
        let path = format!("/api/client-session?{}", query(&[("clientId", client_id)]));
        let answer = self
            .rest
            .json::<ClientSession>(command, Method::GET, &path, None)
            .await?;
        let Some(session) = unless_missing(command, answer)? else {
            return Ok(());
        };
        if session.connection_state != "CONNECTED" {
            return Ok(());
        }
        let path = format!(
            "/api/client-session/disconnect?{}",
            query(&[("clientId", client_id), ("sessionId", &session.session_id)])
        );
        let answer = self.rest.call(command, Method::DELETE, &path, None).await?;
        // Not found: it ended on its own meanwhile.
        unless_missing(command, answer).map(drop)
    }
}

#[async_trait::async_trait]
impl Broker for Tbmq {
    /// Idempotent: a credential of that name left by an earlier attempt whose
    /// outcome was unknown is replaced, so the password given now is the one
    /// that works.
    async fn create_static(&self, c: NewStatic<'_>) -> Result<(), BrokerError> {
        let command = "create credentials";
        let basic = Basic {
            client_id: c.client_id.to_owned(),
            user_name: c.user_name.to_owned(),
            password: Some(c.password.to_owned()),
            auth_rules: AuthRules::of(c.namespace),
        };
        match self.create(command, &basic).await? {
            Ok(()) => Ok(()),
            Err(r) if r.status == StatusCode::BAD_REQUEST && r.message.contains("already") => {
                if let Some(old) = self.find(command, c.user_name).await? {
                    self.delete_by_id(command, &old.id).await?;
                }
                self.create(command, &basic)
                    .await?
                    .map_err(|r| refused(command, r))
            }
            Err(r) => Err(refused(command, r)),
        }
    }

    /// TBMQ's delete leaves the client connected: its session is ended after.
    async fn delete_static(&self, user_name: &str) -> Result<(), BrokerError> {
        let command = "delete credentials";
        let Some(stored) = self.find(command, user_name).await? else {
            return Ok(());
        };
        self.delete_by_id(command, &stored.id).await?;
        if let Some(basic) = stored.basic() {
            self.disconnect(command, &basic.client_id).await?;
        }
        Ok(())
    }

    async fn list_static(&self) -> Result<HashSet<String>, BrokerError> {
        let mut names = HashSet::new();
        for page in 0.. {
            let path = format!("{CREDENTIALS}?pageSize={PAGE}&page={page}");
            let answer = self
                .rest
                .json::<Page>("list credentials", Method::GET, &path, None)
                .await?
                .map_err(|r| refused("list credentials", r))?;
            names.extend(
                answer
                    .data
                    .iter()
                    .filter_map(|c| c.name.strip_prefix(NAME_PREFIX).map(str::to_owned)),
            );
            if !answer.has_next {
                break;
            }
        }
        Ok(names)
    }

    async fn kick(&self, client_id: &str) -> Result<(), BrokerError> {
        self.disconnect("disconnect", client_id).await
    }

    /// TBMQ changes a password only when given the current one, which the
    /// server never keeps: the credential is made again with the same
    /// clientId, userName and rules, and its session is ended.
    async fn set_static_password(
        &self,
        user_name: &str,
        password: &str,
    ) -> Result<(), BrokerError> {
        let command = "rotate credentials";
        let stored = self
            .find(command, user_name)
            .await?
            .ok_or_else(|| BrokerError::Refused {
                command: command.to_owned(),
                error: format!(
                    "TBMQ has no credentials named {:?}",
                    wire::credential_name(user_name)
                ),
            })?;
        let old = stored.basic().ok_or_else(|| BrokerError::Refused {
            command: command.to_owned(),
            error: format!("TBMQ's credentials {:?} are not MQTT_BASIC", stored.name),
        })?;
        let new = Basic {
            password: Some(password.to_owned()),
            ..old.clone()
        };
        self.delete_by_id(command, &stored.id).await?;
        self.create(command, &new)
            .await?
            .map_err(|r| refused(command, r))?;
        self.disconnect(command, &old.client_id).await
    }

    /// No deny list on TBMQ: the tokens' sessions are ended; a client that
    /// reconnects with a token that has not expired is let in again.
    async fn revoke(&self, _: &[RevokedToken], client_ids: &[String]) -> Result<(), BrokerError> {
        for client_id in client_ids {
            self.disconnect("revoke", client_id).await?;
        }
        Ok(())
    }
}

/// The TBMQ settings of TILLOR_BROKER=tbmq, as given.
pub struct AccountSettings {
    pub url: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub ca: Option<std::path::PathBuf>,
}

/// The TBMQ account of TILLOR_BROKER=tbmq; what is missing, by name.
pub fn account(config: &AccountSettings) -> Result<Account, String> {
    let need = |v: &Option<String>, name: &str| {
        v.clone()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| format!("TILLOR_BROKER=tbmq needs {name}"))
    };
    let ca_pem = match &config.ca {
        None => None,
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| format!("cannot read TILLOR_TBMQ_CA {}: {e}", path.display()))?,
        ),
    };
    Ok(Account {
        url: need(&config.url, "TILLOR_TBMQ_URL")?,
        username: need(&config.username, "TILLOR_TBMQ_USERNAME")?,
        password: need(&config.password, "TILLOR_TBMQ_PASSWORD")?,
        ca_pem,
        timeout: CALL_TIMEOUT,
    })
}

/// An answer where TBMQ's 404 (ITEM_NOT_FOUND) means "not there", and any
/// other refusal is an error.
fn unless_missing<T>(command: &str, answer: Result<T, Refusal>) -> Result<Option<T>, BrokerError> {
    match answer {
        Ok(found) => Ok(Some(found)),
        Err(r) if r.status == StatusCode::NOT_FOUND => Ok(None),
        Err(r) => Err(refused(command, r)),
    }
}

fn refused(command: &str, r: Refusal) -> BrokerError {
    BrokerError::Refused {
        command: command.to_owned(),
        error: format!("TBMQ answered {}: {}", r.status, r.message),
    }
}

fn query(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn encode(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}
