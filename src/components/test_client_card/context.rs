//! What the test client's parts share through context: the client itself
//! and the remembered preferences, restored from and saved to the settings.

use leptos::prelude::*;

use super::link::{Request, TestClientLink};
use crate::mqtt::client::{MqttClient, SubState, Subscription};
use crate::mqtt::payload::PayloadFormat;
use crate::settings::{self, OrgSettings, SavedPublish, SavedSubscription};

/// Colours for subscriptions; each always comes with its label.
pub const PALETTE: [&str; 6] = [
    "#1f55e0", "#b25e00", "#1f6f2b", "#a4237a", "#5b4bd6", "#00778a",
];

/// The test client's remembered preferences that are not the client's own
/// state (that is: not subscriptions or the log cap).
#[derive(Clone, Copy)]
pub struct TestClientPrefs {
    /// How payloads show in the log.
    pub log_format: RwSignal<PayloadFormat>,
    pub recent_publishes: RwSignal<Vec<SavedPublish>>,
    /// Whether recent publishes are kept (and so saved) at all.
    pub remember_publishes: RwSignal<bool>,
    pub auto_renew: RwSignal<bool>,
}

/// The test client for this organisation, with its remembered settings
/// restored, and saved again whenever they change. It keeps its credential in
/// the link's signal, and carries out what the credential cards asked of it
/// through the link, including what they asked before its code arrived.
pub fn provide_test_client(link: TestClientLink) -> MqttClient {
    let org_id = link.org_id();
    let client = MqttClient::new(link.params_signal());
    Effect::new(move |_| {
        for request in link.take_requests() {
            match request {
                Request::Use(params) => client.set_params(params),
                Request::TokenRevoked(jti) => client.token_revoked(&jti),
            }
        }
    });
    let saved = settings::load(&org_id);
    client.restore_subscriptions(
        saved
            .subscriptions
            .iter()
            .map(|s| Subscription {
                filter: s.filter.clone(),
                options: s.options,
                label: s.label.clone(),
                colour: s.colour,
                state: SubState::Pending,
            })
            .collect(),
    );
    client.protocol().set(saved.protocol);
    client.session_expiry_secs().set(saved.session_expiry_secs);
    if let Some(cap) = saved.log_cap {
        client.log().set_cap(cap);
    }
    let prefs = TestClientPrefs {
        log_format: RwSignal::new(saved.log_format.unwrap_or_default()),
        recent_publishes: RwSignal::new(saved.recent_publishes),
        remember_publishes: RwSignal::new(!saved.forget_publishes),
        auto_renew: RwSignal::new(saved.auto_renew),
    };
    Effect::new(move |_| {
        let subscriptions = client.subscriptions().with(|list| {
            list.iter()
                .map(|s| SavedSubscription {
                    filter: s.filter.clone(),
                    options: s.options,
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
            protocol: client.protocol().get(),
            session_expiry_secs: client.session_expiry_secs().get(),
            forget_publishes: !prefs.remember_publishes.get(),
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

pub fn use_prefs() -> TestClientPrefs {
    expect_context::<TestClientPrefs>()
}
