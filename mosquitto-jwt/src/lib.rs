//! A Mosquitto 2.0 auth plugin (plugin interface version 5) for Tillor's MQTT JWTs.
//!
//! Design: the FFI layer (`ffi`, `plugin`) only translates Mosquitto events into
//! calls on the pure `verifier`, which decides with the contract crate's claims and
//! namespace rules. The public key is read once at start, so an ACL check does no
//! I/O: it is a map lookup, a clock read and a string comparison.
//!
//! Loaded first, before the dynamic-security plugin: a client with a username is
//! not ours and is deferred (`MOSQ_ERR_PLUGIN_DEFER`) to dynamic security.

mod client;
mod control;
pub mod events;
mod ffi;
mod plugin;
pub mod revocations;
pub mod sessions;
mod state;
pub mod throttle;
pub mod verifier;
