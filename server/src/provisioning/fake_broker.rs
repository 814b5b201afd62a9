//! A broker in memory that can be told to fail each of its commands in the
//! ways a real one does: refuse, be unreachable, or never answer (before or
//! after doing what it was asked). Enough to test the order of provisioning's
//! steps; the real brokers are tested against Mosquitto and a TBMQ stand-in.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use tillor_contract::broker_event::RevokedToken;

use crate::broker::{Broker, BrokerError, NewStatic};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Create,
    Delete,
    List,
    SetPassword,
    Revoke,
}

#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Answers with a refusal; nothing changed.
    Refuse,
    /// Not reachable; nothing changed.
    Unreachable,
    /// Never answers; nothing changed.
    HangBefore,
    /// Does it, then never answers (the answer is lost).
    HangAfter,
}

#[derive(Default)]
struct State {
    /// user name → password.
    clients: HashMap<String, String>,
    revoked: Vec<String>,
    faults: HashMap<Step, Fault>,
}

#[derive(Default)]
pub struct FakeBroker(Mutex<State>);

impl FakeBroker {
    pub fn fail(&self, step: Step, fault: Fault) {
        self.0.lock().unwrap().faults.insert(step, fault);
    }

    pub fn heal(&self) {
        self.0.lock().unwrap().faults.clear();
    }

    pub fn clients(&self) -> HashSet<String> {
        self.0.lock().unwrap().clients.keys().cloned().collect()
    }

    pub fn password(&self, user_name: &str) -> Option<String> {
        self.0.lock().unwrap().clients.get(user_name).cloned()
    }

    pub fn add(&self, user_name: &str) {
        self.0
            .lock()
            .unwrap()
            .clients
            .insert(user_name.to_owned(), "pw".into());
    }

    pub fn revoked(&self) -> Vec<String> {
        self.0.lock().unwrap().revoked.clone()
    }

    async fn step<T>(
        &self,
        step: Step,
        apply: impl FnOnce(&mut State) -> T,
    ) -> Result<T, BrokerError> {
        let fault = {
            let mut state = self.0.lock().unwrap();
            match state.faults.get(&step).copied() {
                None => return Ok(apply(&mut state)),
                Some(Fault::HangAfter) => {
                    apply(&mut state);
                    Fault::HangAfter
                }
                Some(other) => other,
            }
        };
        match fault {
            Fault::Refuse => Err(BrokerError::Refused {
                command: format!("{step:?}"),
                error: "refused by the test".into(),
            }),
            Fault::Unreachable => Err(BrokerError::Unavailable("unreachable in the test".into())),
            Fault::HangBefore | Fault::HangAfter => std::future::pending().await,
        }
    }
}

#[async_trait::async_trait]
impl Broker for FakeBroker {
    async fn create_static(&self, c: NewStatic<'_>) -> Result<(), BrokerError> {
        self.step(Step::Create, |s| {
            s.clients
                .insert(c.user_name.to_owned(), c.password.to_owned());
        })
        .await
    }

    async fn delete_static(&self, user_name: &str) -> Result<(), BrokerError> {
        self.step(Step::Delete, |s| {
            s.clients.remove(user_name);
        })
        .await
    }

    async fn list_static(&self) -> Result<HashSet<String>, BrokerError> {
        self.step(Step::List, |s| s.clients.keys().cloned().collect())
            .await
    }

    async fn kick(&self, _: &str) -> Result<(), BrokerError> {
        Ok(())
    }

    async fn set_static_password(
        &self,
        user_name: &str,
        password: &str,
    ) -> Result<(), BrokerError> {
        self.step(Step::SetPassword, |s| {
            s.clients.insert(user_name.to_owned(), password.to_owned());
        })
        .await
    }

    async fn revoke(&self, tokens: &[RevokedToken], _: &[String]) -> Result<(), BrokerError> {
        self.step(Step::Revoke, |s| {
            s.revoked.extend(tokens.iter().map(|t| t.jti.clone()));
        })
        .await
    }
}
