//! A client of Mosquitto's dynamic-security control API
//! (`$CONTROL/dynamic-security/v1`), connected as the admin whose password lives
//! only in the data directory. Each command carries correlation data so its
//! response finds the caller.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use serde_json::{json, Value};
use tillor_contract::Namespace;
use tokio::sync::oneshot;

use super::settings::ADMIN_USER;
use crate::broker::error::BrokerError;
use crate::events::EventSink;
use tillor_contract::broker_event::{BrokerReport, ControlCommand, CONTROL_TOPIC, EVENTS_TOPIC};

use super::log_line::{self, LogLine};

/// Mosquitto's log levels that say who connected and how they left (notice),
/// and who was taken over (error).
const LOG_TOPICS: [&str; 2] = ["$SYS/broker/log/N", "$SYS/broker/log/E"];

const COMMAND_TOPIC: &str = "$CONTROL/dynamic-security/v1";
const RESPONSE_TOPIC: &str = "$CONTROL/dynamic-security/v1/response";
const TIMEOUT: Duration = Duration::from_secs(5);
const LOGIN_WAIT: Duration = Duration::from_secs(60);
/// The largest message the admin takes from the broker: room for a snapshot
/// of some 300,000 sessions.
const ADMIN_MAX_INCOMING: usize = 64 * 1024 * 1024;
/// Its own commands are small.
const ADMIN_MAX_OUTGOING: usize = 1024 * 1024;

type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<Value>>>>;

pub struct Dynsec {
    client: AsyncClient,
    ready: Arc<AtomicBool>,
    pending: Pending,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Dynsec {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Dynsec {
    /// Logs in as the admin at `addr`; broker events (`EVENTS_TOPIC`) go
    /// to `sink`.
    pub async fn connect(
        addr: SocketAddr,
        admin_password: String,
        sink: EventSink,
    ) -> Result<Dynsec, String> {
        let mut options = MqttOptions::new(
            format!("tillor-local-admin-{}", crate::secrets::random_slug(8)),
            addr.ip().to_string(),
            addr.port(),
        );
        options.set_credentials(ADMIN_USER, admin_password);
        options.set_keep_alive(Duration::from_secs(10));
        options.set_clean_session(true);
        // What the broker sends the admin grows with the service: the list
        // of every client (15 KB for 500) and the plugin's snapshot of every
        // session (210 KB for 1,000). rumqttc's default of 10 KiB dropped
        // the connection, so a stack with a few hundred credentials could
        // not even start (found by scripts/soak).
        options.set_max_packet_size(ADMIN_MAX_INCOMING, ADMIN_MAX_OUTGOING);
        let (client, mut events) = AsyncClient::new(options, 64);
        let ready = Arc::new(AtomicBool::new(false));
        let pending: Pending = Arc::default();
        let task = {
            let (client, ready, pending) = (client.clone(), ready.clone(), pending.clone());
            crate::background::spawn(async move {
                loop {
                    match events.poll().await {
                        Ok(Event::Incoming(Packet::ConnAck(_))) => {
                            // Failing here means the connection is going; the
                            // next ConnAck subscribes again.
                            let _lost = client.subscribe(RESPONSE_TOPIC, QoS::AtLeastOnce).await;
                            let _lost = client.subscribe(EVENTS_TOPIC, QoS::AtMostOnce).await;
                            for level in LOG_TOPICS {
                                let _lost = client.subscribe(level, QoS::AtMostOnce).await;
                            }
                            // Clients that connected while nobody listened
                            // (a broker restart lets them in before us): the
                            // plugin lists every session, after the
                            // subscriptions above, on the same connection.
                            let body = serde_json::to_vec(&ControlCommand::Snapshot)
                                .expect("a command always serializes");
                            let _lost = client
                                .publish(CONTROL_TOPIC, QoS::AtLeastOnce, false, body)
                                .await;
                        }
                        Ok(Event::Incoming(Packet::SubAck(_))) => {
                            ready.store(true, Ordering::SeqCst);
                            tracing::info!(
                                "connected to the broker's dynamic-security control API"
                            );
                        }
                        Ok(Event::Incoming(Packet::Publish(p))) if p.topic == RESPONSE_TOPIC => {
                            dispatch(&pending, &p.payload);
                        }
                        Ok(Event::Incoming(Packet::Publish(p))) if p.topic == EVENTS_TOPIC => {
                            match serde_json::from_slice(&p.payload) {
                                Ok(report) => sink.offer(report),
                                Err(e) => tracing::warn!(%e, "a broker report that is not one"),
                            }
                        }
                        Ok(Event::Incoming(Packet::Publish(p)))
                            if LOG_TOPICS.contains(&p.topic.as_str()) =>
                        {
                            let line = String::from_utf8_lossy(&p.payload);
                            if let Some((client_id, what)) =
                                log_line::parse(&line).and_then(LogLine::report)
                            {
                                sink.offer(BrokerReport {
                                    seq: 0,
                                    at_ms: crate::clock::now_ms(),
                                    org: None,
                                    client_id,
                                    what,
                                    count: 1,
                                });
                            }
                        }
                        Ok(_) => {}
                        Err(e) => {
                            if ready.swap(false, Ordering::SeqCst) {
                                tracing::warn!(%e, "lost the broker's control API; reconnecting");
                            }
                            tokio::time::sleep(Duration::from_millis(250)).await;
                        }
                    }
                }
            })
        };
        let dynsec = Dynsec {
            client,
            ready,
            pending,
            task,
        };
        // A restarted broker is met by every integration reconnecting at
        // once (1,000 in the soak took it past 10 s): the admin waits its turn.
        let deadline = std::time::Instant::now() + LOGIN_WAIT;
        while std::time::Instant::now() < deadline {
            if dynsec.ready.load(Ordering::SeqCst) {
                return Ok(dynsec);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "could not log in to the broker at {addr} as {ADMIN_USER} within {} s",
            LOGIN_WAIT.as_secs()
        ))
    }

    /// Sends commands in one message and returns their responses in order.
    async fn run(&self, mut commands: Vec<Value>) -> Result<Vec<Value>, BrokerError> {
        if !self.ready.load(Ordering::SeqCst) {
            // Nothing is queued for later: a command sent after we gave up would
            // change the broker behind the caller's back.
            return Err(BrokerError::Unavailable("not connected".into()));
        }
        let mut waits = Vec::new();
        for c in &mut commands {
            let id = uuid::Uuid::new_v4().to_string();
            c["correlationData"] = json!(id);
            let (tx, rx) = oneshot::channel();
            self.pending.lock().expect("pending").insert(id.clone(), tx);
            waits.push((id, rx));
        }
        let body = serde_json::to_vec(&json!({ "commands": commands })).expect("json");
        self.client
            .publish(COMMAND_TOPIC, QoS::AtLeastOnce, false, body)
            .await
            .map_err(|e| BrokerError::Unavailable(e.to_string()))?;
        let mut responses = Vec::new();
        for (id, rx) in waits {
            match tokio::time::timeout(TIMEOUT, rx).await {
                Ok(Ok(r)) => responses.push(r),
                _ => {
                    self.pending.lock().expect("pending").remove(&id);
                    return Err(BrokerError::Unavailable("no answer within 5 s".into()));
                }
            }
        }
        Ok(responses)
    }

    pub async fn create_client(
        &self,
        ns: &Namespace,
        user_name: &str,
        password: &str,
        client_id: &str,
    ) -> Result<(), BrokerError> {
        let role = role_name(ns);
        let mut commands = vec![json!({"command": "createRole", "rolename": role})];
        for pattern in ns.acl_patterns() {
            for acltype in [
                "publishClientSend",
                "publishClientReceive",
                "subscribePattern",
            ] {
                commands.push(json!({"command": "addRoleACL", "rolename": role,
                    "acltype": acltype, "topic": pattern, "allow": true}));
            }
        }
        commands.push(json!({"command": "createClient", "username": user_name,
            "password": password, "clientid": client_id,
            "roles": [{"rolename": role, "priority": -1}]}));
        for r in self.run(commands).await? {
            check(
                &r,
                &[
                    "Role already exists",
                    "ACL with this topic already exists",
                    "Client already exists",
                ],
            )?;
        }
        Ok(())
    }

    pub async fn delete_client(&self, user_name: &str) -> Result<(), BrokerError> {
        let r = self
            .run(vec![
                json!({"command": "deleteClient", "username": user_name}),
            ])
            .await?;
        check(&r[0], &["Client not found"])
    }

    /// A new password; dynamic security disconnects the client's sessions.
    pub async fn set_client_password(
        &self,
        user_name: &str,
        password: &str,
    ) -> Result<(), BrokerError> {
        let r = self
            .run(vec![json!({
                "command": "setClientPassword", "username": user_name, "password": password
            })])
            .await?;
        check(&r[0], &[])
    }

    /// Asks our plugin to disconnect a session. Mosquitto answers nothing on
    /// `$CONTROL/tillor/v1`: the broker's log reports the disconnect.
    pub async fn kick(&self, client_id: &str) -> Result<(), BrokerError> {
        self.command(&ControlCommand::Kick {
            client_id: client_id.to_owned(),
        })
        .await
    }

    /// A command for our plugin on `$CONTROL/tillor/v1` (it answers nothing).
    pub async fn command(&self, command: &ControlCommand) -> Result<(), BrokerError> {
        if !self.ready.load(Ordering::SeqCst) {
            return Err(BrokerError::Unavailable("not connected".into()));
        }
        let body = serde_json::to_vec(command).expect("a command always serializes");
        self.client
            .publish(CONTROL_TOPIC, QoS::AtLeastOnce, false, body)
            .await
            .map_err(|e| BrokerError::Unavailable(e.to_string()))
    }

    /// Queues a deleteClient without waiting: after a timed-out create, the broker
    /// (if it was only slow) executes this after the create, leaving nothing behind.
    pub async fn forget_client(&self, user_name: &str) {
        let body = json!({"commands": [{"command": "deleteClient", "username": user_name}]});
        let _ = self
            .client
            .publish(COMMAND_TOPIC, QoS::AtLeastOnce, false, body.to_string())
            .await;
    }

    pub async fn list_clients(&self) -> Result<HashSet<String>, BrokerError> {
        let r = self
            .run(vec![json!({"command": "listClients", "verbose": false})])
            .await?;
        check(&r[0], &[])?;
        Ok(r[0]["data"]["clients"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect())
    }
}

/// One role per organisation, so its clients share exactly its namespace.
pub fn role_name(ns: &Namespace) -> String {
    format!("tillor-{}-{}", ns.env(), ns.org_id())
}

fn check(response: &Value, tolerated: &[&str]) -> Result<(), BrokerError> {
    match response["error"].as_str() {
        None => Ok(()),
        Some(e) if tolerated.contains(&e) => Ok(()),
        Some(e) => Err(BrokerError::Refused {
            command: response["command"].as_str().unwrap_or("?").to_owned(),
            error: e.to_owned(),
        }),
    }
}

fn dispatch(pending: &Pending, payload: &[u8]) {
    let Ok(doc) = serde_json::from_slice::<Value>(payload) else {
        tracing::warn!("unreadable dynamic-security response");
        return;
    };
    for r in doc["responses"].as_array().into_iter().flatten() {
        let Some(id) = r["correlationData"].as_str() else {
            continue;
        };
        if let Some(tx) = pending.lock().expect("pending").remove(id) {
            let _ = tx.send(r.clone());
        }
    }
}
