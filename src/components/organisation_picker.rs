use leptos::prelude::*;
use tillor_contract::namespace::is_valid_org_id;

use crate::api::OrgSession;
use crate::components::field::{Control, Field};
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
            <Field id="org-id" label=Msg::OrgIdLabel list="known-organisations"
                value=org_id on_input=move |v| org_id.set(v)
                error=Signal::derive(move || shown(org_error()).map(str::to_owned))/>
            <datalist id="known-organisations">
                {state.config.with_value(|c| c.organisations.clone()).into_iter()
                    .map(|o| view! { <option value=o/> }).collect_view()}
            </datalist>
            <Field id="api-key" label=Msg::ApiKeyLabel control=Control::Password
                value=api_key on_input=move |v| api_key.set(v)
                error=Signal::derive(move || shown(key_error()).map(str::to_owned))/>
            <label class="checkbox">
                <input type="checkbox" id="remember-key" prop:checked=remember
                    on:change=move |ev| remember.set(event_target_checked(&ev))/>
                {i18n.t(Msg::Remember)}
            </label>
            <button type="submit" class="primary">{i18n.t(Msg::Apply)}</button>
        </form>
    }
}
