use leptos::prelude::*;
use tillor_contract::namespace::is_valid_org_id;

use crate::api::OrgSession;
use crate::i18n::{use_i18n, Msg};
use crate::state::use_console;

/// The settings panel: which organisation, and its API key (kept in memory only).
#[component]
pub fn OrganisationPicker() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let first_org = state
        .config
        .with_value(|c| c.organisations.first().cloned());
    let org_id = RwSignal::new(first_org.unwrap_or_default());
    let api_key = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let submitted = RwSignal::new(false);

    let org_error = move || {
        let org = org_id.get();
        if org.is_empty() {
            Some(Msg::FieldRequired)
        } else if !is_valid_org_id(&org) {
            Some(Msg::OrgIdInvalid)
        } else {
            None
        }
    };
    let key_error = move || api_key.with(|k| k.is_empty()).then_some(Msg::FieldRequired);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if org_error().is_none() && key_error().is_none() {
            state.choose(
                OrgSession {
                    org_id: org_id.get_untracked(),
                    api_key: api_key.get_untracked(),
                },
                remember.get_untracked(),
            );
            // The key now lives in the session only.
            api_key.set(String::new());
        }
    };
    let shown = move |e: Option<Msg>| submitted.get().then_some(e).flatten().map(|m| i18n.now(m));

    view! {
        <form class="organisation-picker card" on:submit=on_submit novalidate>
            <h2>{i18n.t(Msg::SettingsTitle)}</h2>
            <p class="hint">{i18n.t(Msg::SettingsHint)}</p>
            <label for="org-id">{i18n.t(Msg::OrgIdLabel)}</label>
            <input
                id="org-id"
                name="org-id"
                autocomplete="off"
                spellcheck="false"
                list="known-organisations"
                prop:value=org_id
                on:input=move |ev| org_id.set(event_target_value(&ev))
                aria-invalid=move || shown(org_error()).is_some().to_string()
                aria-describedby="org-id-error"
            />
            <datalist id="known-organisations">
                {state.config.with_value(|c| c.organisations.clone()).into_iter()
                    .map(|o| view! { <option value=o/> }).collect_view()}
            </datalist>
            <p id="org-id-error" class="field-error">{move || shown(org_error())}</p>
            <label for="api-key">{i18n.t(Msg::ApiKeyLabel)}</label>
            <input
                id="api-key"
                name="api-key"
                type="password"
                autocomplete="off"
                spellcheck="false"
                prop:value=api_key
                on:input=move |ev| api_key.set(event_target_value(&ev))
                aria-invalid=move || shown(key_error()).is_some().to_string()
                aria-describedby="api-key-error"
            />
            <p id="api-key-error" class="field-error">{move || shown(key_error())}</p>
            <label class="checkbox">
                <input type="checkbox" id="remember-key" prop:checked=remember
                    on:change=move |ev| remember.set(event_target_checked(&ev))/>
                {i18n.t(Msg::Remember)}
            </label>
            <button type="submit" class="primary">{i18n.t(Msg::Apply)}</button>
        </form>
    }
}
