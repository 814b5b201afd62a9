//! The Tillor MQTT developer console: the Account > Ontwikkelaars screen.

pub mod api;
pub mod components;
pub mod countdown;
pub mod i18n;
pub mod pages;
pub mod snippets;
pub mod state;

use leptos::prelude::*;
use tillor_contract::config::ConsoleConfig;

use crate::i18n::provide_i18n;
use crate::pages::developers::DevelopersPage;
use crate::state::ConsoleState;

/// Providers and the one page; nothing else.
#[component]
pub fn App(
    /// The merged configuration (host page, then `/config.json`).
    config: ConsoleConfig,
) -> impl IntoView {
    provide_i18n(config.language.unwrap_or_default());
    provide_context(ConsoleState::new(config));
    view! { <DevelopersPage/> }
}

/// Standalone start: read `/config.json`, then mount into `#tillor-console`
/// (or the body when the page has no such element).
pub fn boot() {
    // Not leptos' spawn_local: its executor starts only when something mounts.
    wasm_bindgen_futures::spawn_local(async {
        let config = match api::load_config().await {
            Ok(c) => c,
            Err(e) => {
                // Without /config.json the console still works: the settings
                // panel asks for what it needs, and the API is on this origin.
                leptos::logging::warn!("config.json: {e}; using defaults");
                ConsoleConfig::default()
            }
        };
        let target = document()
            .get_element_by_id("tillor-console")
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        match target {
            Some(el) => mount_to(el, move || view! { <App config/> }).forget(),
            None => mount_to_body(move || view! { <App config/> }),
        }
    });
}
