//! The HTTP layer: everything that knows about requests and responses. The
//! routes parse, call provisioning or the store, and map the outcome; the
//! rest are the extractors (`auth`, `body`), the one error type (`error`),
//! the headers and CSP every response gets (`headers`), HTTPS (`https`), the
//! key-guessing throttle (`guessing`), and the router with its state and
//! middleware (`app`). Nothing below this layer imports from it.

mod app;
pub mod auth;
pub mod body;
pub mod error;
pub mod guessing;
pub mod headers;
pub mod https;
pub mod routes;

pub use app::{app, AppState};
pub use error::Error;
