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

/// Every closed set of the contract spells each value once: `as_str` is
/// derived (strum), and here held equal to the serde name, every variant.
#[cfg(test)]
mod closed_sets {
    use strum::VariantArray;

    fn same_as_serde<T: VariantArray + serde::Serialize + Copy>(as_str: fn(T) -> &'static str) {
        for &v in T::VARIANTS {
            assert_eq!(serde_json::to_value(v).unwrap(), as_str(v));
        }
    }

    #[test]
    fn every_name_is_its_serde_name() {
        same_as_serde(crate::error::ErrorCode::as_str);
        same_as_serde(crate::broker_event::EventKindName::as_str);
        same_as_serde(crate::broker_event::DisconnectCause::as_str);
        same_as_serde(crate::namespace::Env::as_str);
        same_as_serde(crate::config::Language::as_str);
    }
}
