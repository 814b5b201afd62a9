use leptos::prelude::*;

use crate::components::ca_row::{ca_file, CaRow};
use tillor_contract::api::CreatedStaticCredential;

use crate::components::copy_button::CopyButton;
use crate::components::modal::Modal;
use crate::components::snippet_list::SnippetList;
use crate::components::test_client_card::use_test_client_link;
use crate::components::value_row::ValueRow;
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::params::{ConnectParams, CredentialKind};
use crate::snippets::{dotenv, SnippetParams};

/// Shows a new static credential's password once. Done is enabled only after
/// "Ik heb het wachtwoord veilig opgeslagen"; Escape or Close before that asks
/// first. `on_close` must drop the credential: nothing else keeps the password.
#[component]
pub fn RevealOnceDialog(
    /// The credential just created, with its password.
    created: CreatedStaticCredential,
    /// Closing for good: the owner drops `created`.
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let acknowledged = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let c = created.credential.clone();
    let params = SnippetParams {
        broker_url: c.broker_url.clone().unwrap_or_default(),
        user_name: c.user_name.clone(),
        password: Some(created.password.clone()),
        client_id: c.client_id.clone(),
        topic_prefix: c.topic_prefix.clone(),
        ca_file: ca_file(),
    };
    let env_file = dotenv(&params);
    let ws_url = use_context::<crate::state::ConsoleState>()
        .map(|s| s.broker_ws_url())
        .unwrap_or_default();
    let test_client = use_test_client_link();
    // Handed over in memory only: the test client keeps it while it may need to
    // reconnect and drops it on disconnect, organisation switch or page unload.
    let test_params = ConnectParams {
        kind: CredentialKind::Static,
        ws_url,
        client_id: c.client_id.clone(),
        user_name: c.user_name.clone(),
        password: created.password.clone(),
        topic_prefix: c.topic_prefix.clone(),
        expires_at_ms: None,
    };
    let try_close = move || {
        if acknowledged.get_untracked() {
            on_close.run(());
        } else {
            confirming.set(true);
        }
    };
    view! {
        <Modal title_id="reveal-title" on_escape=Callback::new(move |_| try_close()) class="reveal-once">
            <h2 id="reveal-title">{i18n.t(Msg::RevealTitle)}</h2>
            <p class="warning" role="note">{i18n.t(Msg::RevealWarning)}</p>
            <dl class="values">
                <ValueRow id="reveal-user-name" label=Msg::ColUserName value=c.user_name.clone()/>
                <ValueRow id="reveal-client-id" label=Msg::ColClientId value=c.client_id.clone()/>
                <ValueRow id="reveal-password" label=Msg::PasswordLabel value=created.password.clone() secret=true/>
                <ValueRow id="reveal-topic-prefix" label=Msg::ColTopicPrefix value=c.topic_prefix.clone()/>
                <ValueRow id="reveal-broker-url" label=Msg::BrokerUrlLabel value=c.broker_url.clone().unwrap_or_default()/>
                <CaRow id="reveal-ca"/>
            </dl>
            <div class="env-copy">
                <CopyButton value=env_file label=".env".to_string() text=Msg::CopyEnv/>
                {test_client.map(|tc| view! {
                    <button type="button" class="secondary" id="reveal-use-in-test-client"
                        on:click=move |_| tc.hand_over(test_params.clone())>
                        {i18n.t(Msg::UseInTestClient)}
                    </button>
                })}
            </div>
            <SnippetList params=Signal::stored(params) id_prefix="reveal"/>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <div class="dialog-footer">
                        <label class="acknowledge">
                            <input type="checkbox" id="reveal-ack"
                                prop:checked=acknowledged
                                on:change=move |ev| acknowledged.set(event_target_checked(&ev))/>
                            {i18n.t(Msg::Acknowledge)}
                        </label>
                        <button type="button" class="secondary" id="reveal-close" on:click=move |_| try_close()>
                            {i18n.t(Msg::Close)}
                        </button>
                        <button type="button" class="primary" id="reveal-done"
                            disabled=move || !acknowledged.get()
                            on:click=move |_| on_close.run(())>
                            {i18n.t(Msg::Done)}
                        </button>
                    </div>
                }
            >
                <div class="dialog-footer confirm" role="alertdialog" aria-labelledby="confirm-lose-title" aria-describedby="confirm-lose-text">
                    <p><strong id="confirm-lose-title">{i18n.t(Msg::ConfirmLoseTitle)}</strong>" "
                        <span id="confirm-lose-text">{i18n.t(Msg::ConfirmLoseText)}</span></p>
                    <button type="button" class="secondary" id="confirm-lose-no" data-autofocus
                        on:click=move |_| confirming.set(false)>{i18n.t(Msg::ConfirmLoseNo)}</button>
                    <button type="button" class="danger" id="confirm-lose-yes"
                        on:click=move |_| on_close.run(())>{i18n.t(Msg::ConfirmLoseYes)}</button>
                </div>
            </Show>
        </Modal>
    }
}
