use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::state::use_console;

/// Always visible: the env, the organisation and the org header every request
/// carries (spelled as the documentation spells it), so support staff switching organisations cannot test the wrong one.
/// The actions sit beside the list, not in it: a `dl` holds only terms and
/// their descriptions.
#[component]
pub fn ContextBar() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let env = state.env().map(|e| e.as_str()).unwrap_or("?");
    let org = move || state.session.with(|s| s.as_ref().map(|s| s.org_id.clone()));
    // Signing in replaces the form that had focus: focus goes to the
    // organisation now in use (read out, and the start of the next Tab),
    // not back to the top of the page. Not at start: a host page keeps its focus.
    let chosen = NodeRef::<leptos::html::Dd>::new();
    Effect::new(move |before: Option<Option<String>>| {
        let now = org();
        if matches!(before, Some(None)) && now.is_some() {
            if let Some(dd) = chosen.get() {
                let _ = dd.focus();
            }
        }
        now
    });
    view! {
        <div class="context-bar">
            <dl class="context-facts" aria-live="polite">
                <div>
                    <dt>{i18n.t(Msg::ContextEnv)}</dt>
                    <dd class="context-env" data-env=env>{env}</dd>
                </div>
                <div>
                    <dt>{i18n.t(Msg::ContextOrg)}</dt>
                    <dd class="context-org" tabindex="-1" node_ref=chosen>
                        {move || org().unwrap_or_else(|| i18n.now(Msg::ContextNone).to_owned())}
                    </dd>
                </div>
                <div>
                    <dt>{i18n.t(Msg::ContextHeader)}</dt>
                    <dd class="context-header mono">
                        {move || org().map(|o| format!("X-Tillor-Org-Id: {o}")).unwrap_or_else(|| "—".into())}
                    </dd>
                </div>
            </dl>
            <Show when=move || org().is_some()>
                <div class="context-actions">
                    <button
                        type="button"
                        class="secondary switch-org"
                        on:click=move |_| state.switch_organisation()
                    >
                        {i18n.t(Msg::SwitchOrganisation)}
                    </button>
                    <button
                        type="button"
                        class="secondary forget-org"
                        data-forget-org
                        on:click=move |_| {
                            // Leave first, so nothing of it is saved again after.
                            if let Some(org) = org() {
                                state.switch_organisation();
                                crate::settings::forget(&org);
                            }
                        }
                    >
                        {i18n.t(Msg::ForgetOrganisation)}
                    </button>
                </div>
            </Show>
        </div>
    }
}
