//! The local Tillor stack: the MQTT credentials management API and the built
//! console, on one HTTP port.
//!
//! Layers, top down: `start` (the ordered start steps) and `http` (routes,
//! extractors, headers, HTTPS); `provisioning` (every change that touches
//! store and broker, and its halfway rules); `events` (the broker's reports,
//! grouped into entries) and `sessions`; then `store`, `broker` and `tokens`,
//! which know nothing of the layers above them.

pub mod background;
pub mod broker;
pub mod clock;
pub mod config;
pub mod events;
pub mod http;
pub mod key_rotation;
pub mod limits;
pub mod orgs;
pub mod provisioning;
pub mod revocations;
pub mod secrets;
pub mod sessions;
mod start;
pub mod store;
pub mod tls;
pub mod tokens;
mod uses;

pub use config::Config;
pub use http::{app, AppState};
pub use start::{start, Running, StartError};
