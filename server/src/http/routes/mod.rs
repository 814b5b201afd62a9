pub mod connections;
pub mod credentials;
pub mod events;
pub mod meta;
pub mod static_credentials;
