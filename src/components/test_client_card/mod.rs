//! The test client: MQTT over WebSocket with the chosen credential, staged
//! diagnostics, the namespace guard, subscriptions, publishing and the log.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::MqttClient;
use crate::mqtt::params::ConnectParams;

mod connect_panel;
mod context;
mod diagnostics;
mod manual_credential_form;
mod message_details;
mod message_list;
mod message_row;
mod properties_fields;
mod protocol_choice;
mod publish_form;
mod qos_select;
mod subscribe_form;
mod subscription_list;
mod topic_input;
mod will_form;

use connect_panel::ConnectPanel;
pub use context::provide_test_client;
use context::use_test_client;
use manual_credential_form::ManualCredentialForm;

/// Hands a credential to the test client and scrolls to it. Take the client
/// from context when the component is built: event handlers run outside it.
pub fn hand_over(client: MqttClient, params: ConnectParams) {
    client.set_params(params);
    request_animation_frame(|| {
        if let Some(el) = document().get_element_by_id("test-client") {
            el.scroll_into_view();
        }
    });
}

#[component]
pub fn TestClientCard() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    // Only "has a credential or not" rebuilds the panel: a renewed token keeps
    // what the user typed, the log and the scroll position.
    let has_params = Memo::new(move |_| client.params().with(Option::is_some));
    view! {
        <section class="card test-client" id="test-client" aria-labelledby="test-client-title">
            <h2 id="test-client-title">{i18n.t(Msg::TestClientTitle)}</h2>
            <Show when=move || has_params.get() fallback=|| view! { <ManualCredentialForm/> }>
                <ConnectPanel/>
            </Show>
        </section>
    }
}
