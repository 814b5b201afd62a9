//! The test client's MQTT: `codec` (stream framing) and `session` (the protocol
//! state machine) are pure and tested natively; the WebSocket lives elsewhere.

pub mod client;
pub mod codec;
pub mod log;
pub mod retry;
pub mod session;
pub mod transport;
pub mod url;
