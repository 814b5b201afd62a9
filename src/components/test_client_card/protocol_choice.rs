//! MQTT 5 (the default) or 3.1.1 for the next connection, and MQTT 5's session
//! expiry. Remembered per organisation with the other test client settings.

use leptos::prelude::*;

use super::context::use_test_client;
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::Status;
use crate::mqtt::packet::Protocol;

#[component]
pub fn ProtocolChoice() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let protocol = client.protocol();
    let expiry = client.session_expiry_secs();
    // A change applies to the next connection; while one is open the choice
    // stays as it was connected, so the screen never claims otherwise.
    let busy = move || {
        matches!(
            client.status().get(),
            Status::Connected | Status::Connecting
        )
    };
    view! {
        <div class="inline protocol-choice">
            <label>{i18n.t(Msg::ProtocolLabel)}" "
                <select id="tc-protocol" disabled=busy
                    prop:value=move || protocol.get().label()
                    on:change=move |ev| if let Some(p) = Protocol::parse(&event_target_value(&ev)) { protocol.set(p) }>
                    {Protocol::ALL.map(|p| view! { <option value=p.label()>{format!("MQTT {}", p.label())}</option> })}
                </select>
            </label>
            <Show when=move || protocol.get() == Protocol::V5>
                <label>{i18n.t(Msg::SessionExpiry)}" "
                    <input id="tc-session-expiry" type="number" min="0" class="narrow" disabled=busy
                        prop:value=move || expiry.get().to_string()
                        on:input=move |ev| expiry.set(event_target_value(&ev).parse().unwrap_or(0))/>
                </label>
            </Show>
        </div>
    }
}
