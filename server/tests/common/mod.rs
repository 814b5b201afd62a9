//! The shared harness (tests/harness) plus the paths these tests call.

// Each test file uses a part of this.
#![allow(dead_code, unused_imports)]

pub mod feed;
pub mod instances;
pub mod mqtt;

pub use tillor_harness::{mosquitto, mosquitto_as, Stack, KEY_B, ORG_B};

pub fn creds_path(org: &str) -> String {
    tillor_contract::api::jwt_credentials_path(org)
}

pub fn static_path(org: &str) -> String {
    tillor_contract::api::static_credentials_path(org)
}
