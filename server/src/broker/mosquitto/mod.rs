//! The local broker: Mosquitto 2.0 from Debian, configured, started and
//! supervised by tillor-local, with two plugins in this order:
//! 1. our JWT plugin (mosquitto-jwt/), which handles clients with an empty username;
//! 2. Mosquitto's dynamic-security plugin, which holds the static credentials and
//!    which we drive through its control API as an admin client.
//!
//! Several instances on one database share one such broker: one supervises
//! it (`start`), the others only log in as its admin (`connect`,
//! `TILLOR_BROKER=external`).

mod dynsec;
mod log_line;
pub mod settings;
mod supervisor;

use std::collections::HashSet;
use std::sync::Arc;

use tillor_contract::broker_event::{ControlCommand, RevokedToken};

use super::error::BrokerError;
use super::interface::{Broker, NewStatic};
use crate::events::EventSink;
use dynsec::Dynsec;
use settings::ADMIN_USER;
pub use settings::{BrokerTls, Settings};
pub use supervisor::BeforeStart;
use supervisor::Supervisor;

pub struct Mosquitto {
    dynsec: Dynsec,
    /// None when another instance supervises the broker.
    process: Option<Supervisor>,
}

impl Mosquitto {
    /// Starts Mosquitto (`before_start` runs before each start: it writes
    /// the files the broker reads), connects the admin client (which also
    /// hands the broker's events to `events`).
    pub async fn start(
        settings: Settings,
        events: EventSink,
        before_start: BeforeStart,
    ) -> Result<Arc<dyn Broker>, String> {
        let process = Supervisor::start(&settings, events.clone(), before_start).await?;
        let dynsec = Dynsec::connect(settings.tcp_addr, settings.admin_password()?, events).await?;
        Ok(Arc::new(Mosquitto {
            dynsec,
            process: Some(process),
        }))
    }

    /// Logs in to the Mosquitto another instance supervises, at `addr`, as its
    /// admin.
    pub async fn connect(
        addr: std::net::SocketAddr,
        admin_password: String,
        events: EventSink,
    ) -> Result<Arc<dyn Broker>, String> {
        let dynsec = Dynsec::connect(addr, admin_password, events)
            .await
            .map_err(|e| {
                format!(
                    "{e}: is the supervising instance running there, and is \
                     TILLOR_BROKER_ADMIN_PASSWORD the content of its data directory's \
                     mosquitto/{}?",
                    settings::ADMIN_PASSWORD_FILE
                )
            })?;
        Ok(Arc::new(Mosquitto {
            dynsec,
            process: None,
        }))
    }
}

#[async_trait::async_trait]
impl Broker for Mosquitto {
    fn restart_for_new_certificate(&self) {
        if let Some(process) = &self.process {
            process.restart();
        }
    }

    /// The supervising instance wrote the JWKS file the plugin reads; the
    /// others' files are not the broker's.
    async fn reload_keys(&self) -> Result<(), BrokerError> {
        if self.process.is_none() {
            return Ok(());
        }
        self.dynsec.command(&ControlCommand::ReloadKeys).await
    }

    async fn create_static(&self, c: NewStatic<'_>) -> Result<(), BrokerError> {
        let result = self
            .dynsec
            .create_client(c.namespace, c.user_name, c.password, c.client_id)
            .await;
        if matches!(result, Err(BrokerError::Unavailable(_))) {
            // The broker may still apply it: take it back once it answers.
            self.dynsec.forget_client(c.user_name).await;
        }
        result
    }

    /// Dynamic security disconnects a session using the client it deletes.
    async fn delete_static(&self, user_name: &str) -> Result<(), BrokerError> {
        self.dynsec.delete_client(user_name).await
    }

    async fn list_static(&self) -> Result<HashSet<String>, BrokerError> {
        let mut clients = self.dynsec.list_clients().await?;
        clients.remove(ADMIN_USER);
        Ok(clients)
    }

    async fn set_static_password(
        &self,
        user_name: &str,
        password: &str,
    ) -> Result<(), BrokerError> {
        self.dynsec.set_client_password(user_name, password).await
    }

    /// The JWT plugin refuses the tokens and ends their sessions by jti.
    async fn revoke(&self, tokens: &[RevokedToken], _: &[String]) -> Result<(), BrokerError> {
        self.dynsec
            .command(&ControlCommand::Revoke {
                tokens: tokens.to_vec(),
            })
            .await
    }

    async fn kick(&self, client_id: &str) -> Result<(), BrokerError> {
        self.dynsec.kick(client_id).await
    }
}
