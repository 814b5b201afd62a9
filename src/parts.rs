//! The parts of the console fetched when the user first opens them. Each
//! `wasm_split` function below becomes a wasm module of its own
//! (scripts/build-wasm), and the code only it reaches moves there with it: the
//! first screen (sign-in and credentials) downloads none of the test client's
//! MQTT stack or the support view's feed.
//!
//! A part hands back a plain function that builds its view; the card calls it
//! inside its own reactive owner, so the part sees the same context as the rest
//! of the page. The split happens with the `split` feature, which only
//! scripts/build-wasm turns on: a test build is one module, with no loader
//! script to import.

use leptos::prelude::*;
#[cfg(feature = "split")]
use leptos::wasm_split::wasm_split;
use leptos::wasm_split::SplitLoaderError;

/// Builds a part's view.
pub type MakeView = fn() -> AnyView;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The MQTT-over-WebSocket test client.
    TestClient,
    /// Verbindingen: what the broker saw (live sessions and the event feed).
    Support,
}

/// A part's module could not be fetched or started: offline, or the server
/// went away. Nothing is cached, so asking again retries from scratch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartNotLoaded;

impl From<SplitLoaderError> for PartNotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        PartNotLoaded
    }
}

impl Part {
    pub const ALL: [Part; 2] = [Part::TestClient, Part::Support];

    /// The `data-part` name tests and styles find the part by.
    pub fn name(self) -> &'static str {
        match self {
            Part::TestClient => "test-client",
            Part::Support => "support",
        }
    }

    /// Fetches the part's module (once) and returns how to build its view.
    pub async fn load(self) -> Result<MakeView, PartNotLoaded> {
        #[cfg(feature = "split")]
        return match self {
            Part::TestClient => test_client().await,
            Part::Support => support().await,
        };
        #[cfg(not(feature = "split"))]
        match self {
            Part::TestClient => test_client(),
            Part::Support => support(),
        }
    }

    /// Starts fetching when the user shows intent (pointer over or focus on the
    /// open button), so the part is often there by the time of the click. A
    /// failure here is left for `load` to report.
    pub fn preload(self) {
        #[cfg(feature = "split")]
        leptos::task::spawn_local(async move {
            let _ = match self {
                Part::TestClient => preload_test_client().await,
                Part::Support => preload_support().await,
            };
        });
    }
}

#[cfg_attr(
    feature = "split",
    wasm_split(test_client, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_test_client))
)]
fn test_client() -> Result<MakeView, PartNotLoaded> {
    Ok(crate::components::test_client_card::panel)
}

#[cfg_attr(
    feature = "split",
    wasm_split(support, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_support))
)]
fn support() -> Result<MakeView, PartNotLoaded> {
    Ok(crate::components::connections_card::panel)
}
