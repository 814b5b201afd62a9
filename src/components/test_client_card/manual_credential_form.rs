use leptos::prelude::*;

use super::context::use_test_client;
use crate::components::field::{Control, Field};
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::params::{ConnectParams, CredentialKind};
use crate::state::use_console;

/// Typed credentials, for a static credential whose password the user has.
#[component]
pub fn ManualCredentialForm() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_console();
    let client = use_test_client();
    let user = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let env = state.env().unwrap_or(tillor_contract::Env::Local);
        // The picker only accepts organisation ids that make a namespace.
        let Some(namespace) = state.session.with_untracked(|s| {
            s.as_ref()
                .and_then(|s| tillor_contract::Namespace::new(env, &s.org_id))
        }) else {
            return;
        };
        client.set_params(ConnectParams {
            kind: CredentialKind::Static,
            ws_url: state.broker_ws_url(),
            client_id: client_id.get_untracked(),
            user_name: user.get_untracked(),
            password: password.get_untracked(),
            topic_prefix: namespace.prefix(),
            expires_at_ms: None,
        });
        password.set(String::new());
    };
    view! {
        <p class="hint">{i18n.t(Msg::TestClientIntro)}</p>
        <form class="manual-credential" on:submit=on_submit>
            <Field id="tc-user" label=Msg::ColUserName value=user on_input=move |v| user.set(v)/>
            <Field id="tc-client-id" label=Msg::ColClientId value=client_id on_input=move |v| client_id.set(v)/>
            <Field id="tc-password" label=Msg::PasswordLabel control=Control::Password
                value=password on_input=move |v| password.set(v)/>
            <button type="submit" class="secondary">{i18n.t(Msg::UseCredential)}</button>
        </form>
    }
}
