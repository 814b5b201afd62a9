use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::state::use_console;

/// Always visible: the env, the organisation and the org header every request
/// carries (spelled as the documentation spells it), so support staff switching organisations cannot test the wrong one.
#[component]
pub fn ContextBar() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let env = state.env().map(|e| e.as_str()).unwrap_or("?");
    let org = move || state.session.with(|s| s.as_ref().map(|s| s.org_id.clone()));
    view! {
        <dl class="context-bar" aria-live="polite">
            <div>
                <dt>{i18n.t(Msg::ContextEnv)}</dt>
                <dd class="context-env" data-env=env>{env}</dd>
            </div>
            <div>
                <dt>{i18n.t(Msg::ContextOrg)}</dt>
                <dd class="context-org">
                    {move || org().unwrap_or_else(|| i18n.now(Msg::ContextNone).to_owned())}
                </dd>
            </div>
            <div>
                <dt>{i18n.t(Msg::ContextHeader)}</dt>
                <dd class="context-header mono">
                    {move || org().map(|o| format!("X-Tillor-Org-Id: {o}")).unwrap_or_else(|| "—".into())}
                </dd>
            </div>
            <Show when=move || org().is_some()>
                <button
                    type="button"
                    class="secondary switch-org"
                    on:click=move |_| state.switch_organisation()
                >
                    {i18n.t(Msg::SwitchOrganisation)}
                </button>
            </Show>
        </dl>
    }
}
