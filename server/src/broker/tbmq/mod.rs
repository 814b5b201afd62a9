//! TBMQ, the production broker. What lives here is written from TBMQ's own
//! source (v2.2.0-v2.3.0), never from its docs alone: `provider_config`, the
//! JWT provider settings under which TBMQ accepts our tokens and nothing more.

pub mod provider_config;
