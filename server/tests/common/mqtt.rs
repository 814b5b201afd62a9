//! A thin test wrapper around rumqttc (a real client nobody here wrote): it drives
//! the event loop in a task and hands back what the broker said.

use std::time::Duration;

use rumqttc::{
    AsyncClient, ConnectReturnCode, Event, MqttOptions, Packet, QoS, SubscribeReasonCode, Transport,
};
use tokio::sync::mpsc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Tcp,
    WebSocket,
}

#[derive(Debug)]
pub enum Seen {
    Publish { topic: String, payload: Vec<u8> },
    SubAck(Vec<SubscribeReasonCode>),
    PubAck,
    Closed(String),
}

pub struct Conn {
    pub client: AsyncClient,
    rx: mpsc::UnboundedReceiver<Seen>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConnectError {
    Refused(ConnectReturnCode),
    Other(String),
}

const WAIT: Duration = Duration::from_secs(5);

pub async fn connect(
    port: u16,
    via: Via,
    client_id: &str,
    user: &str,
    password: &str,
) -> Result<Conn, ConnectError> {
    let mut opts = match via {
        Via::Tcp => MqttOptions::new(client_id, "127.0.0.1", port),
        Via::WebSocket => {
            let mut o = MqttOptions::new(client_id, format!("ws://127.0.0.1:{port}/mqtt"), port);
            o.set_transport(Transport::Ws);
            o
        }
    };
    opts.set_credentials(user, password);
    opts.set_keep_alive(Duration::from_secs(30));
    opts.set_clean_session(true);
    let (client, mut events) = AsyncClient::new(opts, 100);
    // Wait for the CONNACK in this task, so a refusal is a return value.
    let first = tokio::time::timeout(WAIT, async {
        loop {
            match events.poll().await {
                Ok(Event::Incoming(Packet::ConnAck(ack))) => return Ok(ack.code),
                Ok(_) => {}
                Err(rumqttc::ConnectionError::ConnectionRefused(code)) => {
                    return Err(ConnectError::Refused(code))
                }
                Err(e) => return Err(ConnectError::Other(e.to_string())),
            }
        }
    })
    .await
    .map_err(|_| ConnectError::Other("no CONNACK within 5 s".into()))??;
    if first != ConnectReturnCode::Success {
        return Err(ConnectError::Refused(first));
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        loop {
            let seen = match events.poll().await {
                Ok(Event::Incoming(Packet::Publish(p))) => Seen::Publish {
                    topic: p.topic.clone(),
                    payload: p.payload.to_vec(),
                },
                Ok(Event::Incoming(Packet::SubAck(s))) => Seen::SubAck(s.return_codes),
                Ok(Event::Incoming(Packet::PubAck(_))) => Seen::PubAck,
                Ok(_) => continue,
                Err(e) => {
                    let _ = tx.send(Seen::Closed(e.to_string()));
                    return;
                }
            };
            if tx.send(seen).is_err() {
                return;
            }
        }
    });
    Ok(Conn { client, rx, task })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubOutcome {
    Granted,
    /// SUBACK 0x80.
    Refused,
    /// The client library would not send it.
    RejectedByClient,
    /// The broker closed the connection (a protocol error).
    Disconnected,
}

impl Conn {
    pub async fn next(&mut self) -> Option<Seen> {
        tokio::time::timeout(WAIT, self.rx.recv())
            .await
            .ok()
            .flatten()
    }

    pub async fn subscribe(&mut self, filter: &str) -> SubOutcome {
        if self
            .client
            .subscribe(filter, QoS::AtLeastOnce)
            .await
            .is_err()
        {
            return SubOutcome::RejectedByClient;
        }
        loop {
            match self.next().await {
                Some(Seen::SubAck(codes)) => {
                    return match codes.first() {
                        Some(SubscribeReasonCode::Success(_)) => SubOutcome::Granted,
                        _ => SubOutcome::Refused,
                    }
                }
                Some(Seen::Closed(_)) | None => return SubOutcome::Disconnected,
                Some(_) => {}
            }
        }
    }

    /// Publishes at QoS 1 and waits for the PUBACK (Mosquitto acknowledges a
    /// publish its ACL drops, as MQTT 3.1.1 allows).
    pub async fn publish(&mut self, topic: &str, payload: &[u8]) -> Result<(), String> {
        self.client
            .publish(topic, QoS::AtLeastOnce, false, payload.to_vec())
            .await
            .map_err(|e| format!("client refused: {e}"))?;
        loop {
            match self.next().await {
                Some(Seen::PubAck) => return Ok(()),
                Some(Seen::Closed(e)) => return Err(format!("closed: {e}")),
                None => return Err("no PUBACK".into()),
                Some(_) => {}
            }
        }
    }

    /// The next message received, skipping other events.
    pub async fn next_message(&mut self) -> Option<(String, Vec<u8>)> {
        loop {
            match self.next().await? {
                Seen::Publish { topic, payload } => return Some((topic, payload)),
                Seen::Closed(_) => return None,
                _ => {}
            }
        }
    }

    /// Waits until the broker closes the connection.
    pub async fn closed_within(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Seen::Closed(_))) | Ok(None) => return true,
                Ok(Some(_)) => {}
                Err(_) => return false,
            }
        }
    }
}
