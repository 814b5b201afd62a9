//! The contract shared by the Tillor console (wasm32), the local management server
//! and the broker plugin: the REST types, the error shape, the field rules and the
//! topic namespace rules. Keeping them in one crate is what makes "the console
//! validates with the same rule the server uses" true by construction.

pub mod api;
pub mod broker_event;
pub mod claims;
pub mod config;
pub mod error;
pub mod namespace;
pub mod refusal;
pub mod rules;
pub mod static_user;

pub use namespace::{Env, Namespace};
