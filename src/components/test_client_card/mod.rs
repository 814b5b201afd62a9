//! The test client: MQTT over WebSocket with the chosen credential, staged
//! diagnostics, the namespace guard, subscriptions, publishing and the log.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::parts::{split_part, Part};

mod connect_panel;
mod context;
mod diagnostics;
mod link;
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
use context::provide_test_client;
pub use link::{use_test_client_link, TestClientLink};
use manual_credential_form::ManualCredentialForm;

use crate::components::lazy_part::OnDemandPart;

/// The card on the first screen: closed, it offers the test client; opened (by
/// its button, or by a credential handed over), it shows the part, whose code
/// is fetched then.
#[component]
pub fn TestClientCard() -> impl IntoView {
    let i18n = use_i18n();
    let link = use_test_client_link().expect("the workspace provides the test client link");
    view! {
        <section class="card test-client" id="test-client" aria-labelledby="test-client-title">
            <h2 id="test-client-title">{i18n.t(Msg::TestClientTitle)}</h2>
            <OnDemandPart state=link.open_state() label=Msg::OpenTestClient
                offer=Msg::TestClientOffer/>
        </section>
    }
}

split_part!(pub(super) const TEST_CLIENT = Part::TestClient, panel, test_client, preload_test_client);

/// The test client itself (`crate::parts`): the client for this organisation,
/// then the credential form, or the connect panel once there is a credential.
fn panel() -> AnyView {
    let link = use_test_client_link().expect("the workspace provides the test client link");
    let client = provide_test_client(link);
    // Only "has a credential or not" rebuilds the panel: a renewed token keeps
    // what the user typed, the log and the scroll position.
    let has_params = Memo::new(move |_| client.params().with(Option::is_some));
    view! {
        <Show when=move || has_params.get() fallback=|| view! { <ManualCredentialForm/> }>
            <ConnectPanel/>
        </Show>
    }
    .into_any()
}
