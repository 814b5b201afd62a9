//! The test client's MQTT. Pure and tested natively: `codec` (stream framing),
//! `session` (the protocol state machine), `steps`, `probe`, `feed`, `inbound`,
//! `retry`, `log` and `url`. `transport` is the only socket code; `timers` holds
//! every timer; `client` is the reactive shell that ties them together.

pub mod client;
pub mod codec;
pub mod feed;
pub mod inbound;
pub mod live_log;
pub mod log;
pub mod packet;
pub mod params;
pub mod payload;
pub mod probe;
pub mod properties_input;
pub mod qos;
pub mod retry;
pub mod session;
pub mod steps;
pub mod timers;
pub mod transport;
pub mod url;
