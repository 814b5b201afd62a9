pub mod credentials;
pub mod meta;
pub mod static_credentials;
