//! The Tillor MQTT developer console: the Account > Ontwikkelaars screen.

pub mod action;
pub mod api;
pub mod components;
pub mod countdown;
pub mod download;
pub mod fetched;
pub mod format;
pub mod i18n;
pub mod mqtt;
pub mod pages;
pub mod parts;
pub mod settings;
pub mod snippets;
pub mod state;

use leptos::prelude::*;
use tillor_contract::config::ConsoleConfig;
use wasm_bindgen::prelude::*;

use crate::i18n::provide_i18n;
use crate::pages::developers::DevelopersPage;
use crate::state::ConsoleState;

/// Providers and the one page; nothing else.
#[component]
pub fn App(
    /// The merged configuration (host page, then `/config.json`).
    config: ConsoleConfig,
) -> impl IntoView {
    // The host's or /config.json's language wins; otherwise the user's last choice.
    provide_i18n(
        config
            .language
            .or_else(settings::load_language)
            .unwrap_or_default(),
    );
    components::announcer::provide_announcer();
    provide_context(ConsoleState::new(config));
    view! { <DevelopersPage/> }
}

/// Standalone start (called by `main`): mounts into the element marked
/// `data-tillor-standalone`, with `/config.json`. A host page has no such element
/// and calls `mountTillorConsole` instead, so nothing mounts twice.
pub fn boot() {
    let Some(target) = document()
        .query_selector("[data-tillor-standalone]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    mount_with(target, ConsoleConfig::default());
}

/// Embedded start, for the Tillor dashboard (or any host page):
/// `mountTillorConsole(element, { apiBase, organisations, apiKey, language, env,
/// brokerUrl, brokerWsUrl })`. The host's values win over `/config.json`.
#[wasm_bindgen(js_name = mountTillorConsole)]
pub fn mount_tillor_console(element: web_sys::HtmlElement, config: JsValue) -> Result<(), JsValue> {
    let host = if config.is_undefined() || config.is_null() {
        ConsoleConfig::default()
    } else {
        let json = String::from(js_sys::JSON::stringify(&config)?);
        serde_json::from_str(&json)
            .map_err(|e| JsValue::from_str(&format!("mountTillorConsole: invalid config: {e}")))?
    };
    mount_with(element, host);
    Ok(())
}

fn mount_with(target: web_sys::HtmlElement, host: ConsoleConfig) {
    // Not leptos' spawn_local: its executor starts only when something mounts.
    wasm_bindgen_futures::spawn_local(async move {
        let file = match api::load_config().await {
            Ok(c) => c,
            Err(e) => {
                // Without /config.json the console still works: the settings
                // panel asks for what it needs, and the API is on this origin.
                leptos::logging::warn!("config.json: {e}; using the host's values and defaults");
                ConsoleConfig::default()
            }
        };
        // Language: the host's explicit choice, then the user's last choice, then
        // the server's default.
        let language = host
            .language
            .or_else(settings::load_language)
            .or(file.language);
        let config = ConsoleConfig {
            language,
            ..host.or(file)
        };
        mount_to(target, move || view! { <App config/> }).forget();
    });
}
