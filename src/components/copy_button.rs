use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::announcer::use_announcer;
use crate::i18n::{use_i18n, Msg};

/// Copies `value`; says "Gekopieerd" only after the clipboard write really
/// succeeded, and otherwise selects the text in `select_on_failure` so the user
/// can press Ctrl+C.
#[component]
pub fn CopyButton(
    /// What to copy.
    #[prop(into)]
    value: Signal<String>,
    /// Visible label (what is copied), also used for the accessible name.
    #[prop(into)]
    label: Signal<String>,
    /// Id of the element showing the value, selected when copying fails.
    #[prop(optional, into)]
    select_on_failure: Option<String>,
    /// Button text instead of "Kopiëren" (e.g. "Kopiëren als .env").
    #[prop(optional)]
    text: Option<Msg>,
) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        let text = value.get_untracked();
        let target = select_on_failure.clone();
        leptos::task::spawn_local(async move {
            let ok = write_clipboard(&text).await;
            if ok {
                copied.set(true);
                announcer.say(i18n.now(Msg::Copied));
                set_timeout(move || copied.set(false), std::time::Duration::from_secs(2));
            } else {
                if let Some(id) = target {
                    select_contents(&id);
                }
                announcer.say(i18n.now(Msg::CopyFailed));
            }
        });
    };
    view! {
        <button
            type="button"
            class="copy"
            on:click=on_click
            // The name holds the visible words (WCAG 2.5.3): a button with its
            // own words is named by them; a plain "Copy" says what it copies.
            aria-label=move || match text {
                Some(words) => i18n.t(words)().to_owned(),
                None => format!("{} {}", i18n.t(Msg::Copy)(), label.get()),
            }
        >
            {move || if copied.get() { i18n.t(Msg::Copied)() } else { i18n.t(text.unwrap_or(Msg::Copy))() }}
        </button>
    }
}

async fn write_clipboard(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}

fn select_contents(id: &str) {
    let Some(el) = document().get_element_by_id(id) else {
        return;
    };
    if let Some(input) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        input.select();
    } else if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.select();
    } else if let Ok(Some(sel)) = window().get_selection() {
        let _ = sel.select_all_children(&el);
    }
}
