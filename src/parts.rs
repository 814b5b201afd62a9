//! The parts of the console fetched when the user first opens them. Each
//! `wasm_split` function below becomes a wasm module of its own
//! (scripts/build-wasm), and the code only it reaches moves there with it: the
//! first screen (sign-in and credentials) downloads none of the test client's
//! MQTT stack or the support view's feed.
//!
//! Each card declares its own part (`split_part!`) beside the view it builds,
//! and hands the resulting `Loader` to the component that shows the part, so
//! this module names no component (no two modules import each other).
//!
//! A part hands back a plain function that builds its view; the card calls it
//! inside its own reactive owner, so the part sees the same context as the rest
//! of the page. The split happens with the `split` feature, which only
//! scripts/build-wasm turns on: a test build is one module, with no loader
//! script to import.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
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
}

/// The future a part's module arrives with.
pub type Loading = Pin<Box<dyn Future<Output = Result<MakeView, PartNotLoaded>>>>;

/// How one part's code is fetched: made by `split_part!` in the card that
/// owns the part.
#[derive(Clone, Copy)]
pub struct Loader {
    pub part: Part,
    load: fn() -> Loading,
    preload: fn(),
}

impl Loader {
    #[doc(hidden)]
    pub const fn new(part: Part, load: fn() -> Loading, preload: fn()) -> Self {
        Loader {
            part,
            load,
            preload,
        }
    }

    /// Fetches the part's module (once) and returns how to build its view.
    pub async fn load(self) -> Result<MakeView, PartNotLoaded> {
        (self.load)().await
    }

    /// Starts fetching when the user shows intent (pointer over or focus on the
    /// open button), so the part is often there by the time of the click. A
    /// failure here is left for `load` to report.
    pub fn preload(self) {
        (self.preload)()
    }
}

/// Declares a part: `$name`, the `Loader` of `$part`, whose view `$panel`
/// builds. With the `split` feature the view's code becomes the wasm module
/// `$split` (scripts/build-wasm), preloaded by `$preload`; without it, the
/// part is in the one module and loads at once.
macro_rules! split_part {
    ($vis:vis const $name:ident = $part:expr, $panel:path, $split:ident, $preload:ident) => {
        #[cfg_attr(
            feature = "split",
            ::leptos::wasm_split::wasm_split(
                $split,
                wasm_split_path = ::leptos::wasm_split,
                fallible,
                preload($preload)
            )
        )]
        fn $split() -> Result<$crate::parts::MakeView, $crate::parts::PartNotLoaded> {
            Ok($panel)
        }

        $vis const $name: $crate::parts::Loader = $crate::parts::Loader::new(
            $part,
            || {
                Box::pin(async {
                    #[cfg(feature = "split")]
                    return $split().await;
                    #[cfg(not(feature = "split"))]
                    $split()
                })
            },
            || {
                #[cfg(feature = "split")]
                ::leptos::task::spawn_local(async {
                    let _ = $preload().await;
                });
            },
        );
    };
}
pub(crate) use split_part;
