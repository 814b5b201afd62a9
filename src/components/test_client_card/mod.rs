//! The test client: MQTT over WebSocket with the chosen credential, staged
//! diagnostics, the namespace guard, subscriptions, publishing and the log.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::{MqttClient, SubState, Subscription};
use crate::mqtt::params::ConnectParams;
use crate::mqtt::payload::PayloadFormat;
use crate::settings::{self, OrgSettings, SavedPublish, SavedSubscription};

mod connect_panel;
mod diagnostics;
mod manual_credential_form;
mod message_details;
mod message_list;
mod message_row;
mod publish_form;
mod qos_select;
mod subscribe_form;
mod subscription_list;
mod topic_input;

use connect_panel::ConnectPanel;
use manual_credential_form::ManualCredentialForm;

/// Colours for subscriptions; each always comes with its label.
const PALETTE: [&str; 6] = [
    "#1f55e0", "#b25e00", "#1f6f2b", "#a4237a", "#5b4bd6", "#00778a",
];

/// The test client's remembered preferences that are not the client's own
/// state (that is: not subscriptions or the log cap).
#[derive(Clone, Copy)]
pub struct TestClientPrefs {
    /// How payloads show in the log.
    pub log_format: RwSignal<PayloadFormat>,
    pub recent_publishes: RwSignal<Vec<SavedPublish>>,
    pub auto_renew: RwSignal<bool>,
}

/// The test client for this organisation, with its remembered settings
/// restored, and saved again whenever they change.
pub fn provide_test_client(org_id: String) -> MqttClient {
    let client = MqttClient::new();
    let saved = settings::load(&org_id);
    client.restore_subscriptions(
        saved
            .subscriptions
            .iter()
            .map(|s| Subscription {
                filter: s.filter.clone(),
                qos: s.qos,
                label: s.label.clone(),
                colour: s.colour,
                state: SubState::Pending,
            })
            .collect(),
    );
    if let Some(cap) = saved.log_cap {
        client.log().set_cap(cap);
    }
    let prefs = TestClientPrefs {
        log_format: RwSignal::new(saved.log_format.unwrap_or_default()),
        recent_publishes: RwSignal::new(saved.recent_publishes),
        auto_renew: RwSignal::new(saved.auto_renew),
    };
    Effect::new(move |_| {
        let subscriptions = client.subscriptions().with(|list| {
            list.iter()
                .map(|s| SavedSubscription {
                    filter: s.filter.clone(),
                    qos: s.qos,
                    label: s.label.clone(),
                    colour: s.colour,
                })
                .collect()
        });
        let settings = OrgSettings {
            subscriptions,
            log_cap: Some(client.log().cap()),
            log_format: Some(prefs.log_format.get()),
            recent_publishes: prefs.recent_publishes.get(),
            auto_renew: prefs.auto_renew.get(),
        };
        settings::save(&org_id, &settings);
    });
    provide_context(client);
    provide_context(prefs);
    client
}

pub fn use_test_client() -> MqttClient {
    expect_context::<MqttClient>()
}

fn use_prefs() -> TestClientPrefs {
    expect_context::<TestClientPrefs>()
}

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
