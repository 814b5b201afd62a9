//! The one error type of the broker layer, whichever broker is behind it.

#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("the MQTT broker is not reachable: {0}")]
    Unavailable(String),
    #[error("the broker refused {command}: {error}")]
    Refused { command: String, error: String },
}
