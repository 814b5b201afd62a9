use leptos::prelude::*;
use tillor_contract::config::Language;

use crate::i18n::{use_i18n, Msg};

/// Nederlands / English.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev| {
        let lang = match event_target_value(&ev).as_str() {
            "en" => Language::En,
            _ => Language::Nl,
        };
        i18n.0.set(lang);
        crate::settings::save_language(lang);
    };
    view! {
        <label class="language-switch">
            <span>{i18n.t(Msg::LanguageLabel)}</span>
            <select on:change=on_change prop:value=move || i18n.0.get().as_str()>
                <option value="nl">"Nederlands"</option>
                <option value="en">"English"</option>
            </select>
        </label>
    }
}
