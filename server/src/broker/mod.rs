//! The server's one way to the MQTT broker: the `Broker` interface, broker
//! commands only (no store, no bookkeeping: `provisioning` keeps the books).
//! The API provisions static credentials through it and never sees which
//! broker is behind it: the local Mosquitto (`mosquitto/`), or the production TBMQ
//! over its REST API (`tbmq/`).
//!
//! Tree: `interface` (the `Broker` trait), `error` (the layer's one error),
//! `mosquitto/`
//! (settings, process supervision, the dynamic-security client, and the
//! facade implementing `Broker`), `tbmq/` (the production broker: REST
//! client, wire format, facade, and its JWT provider settings).

mod error;
mod interface;
pub mod mosquitto;
pub mod tbmq;

// The facade only re-exports; the modules below import each other directly,
// never through here, so no two modules import each other.
pub use error::BrokerError;
pub use interface::{Broker, NewStatic};
