use leptos::prelude::*;

use super::context::{use_test_client, PALETTE};
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::SubState;

/// The subscriptions, each with its colour, label and what the broker granted.
#[component]
pub fn SubscriptionList() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    view! {
        <ul class="subscriptions">
            {move || client.subscriptions().get().into_iter().map(|s| {
                let colour = PALETTE[s.colour % PALETTE.len()];
                let state = match &s.state {
                    SubState::Pending => i18n.t(Msg::SubPending)().to_owned(),
                    SubState::Granted(q) => format!("QoS {}", q.as_u8()),
                    SubState::Refused(code) => format!("{} ({code})", i18n.t(Msg::SubRefused)()),
                };
                let filter = s.filter.clone();
                let granted_qos = match &s.state {
                    SubState::Granted(q) => Some(q.as_u8().to_string()),
                    _ => None,
                };
                view! {
                    <li data-state=s.state.as_str() data-qos=granted_qos>
                        <span class="swatch" style:background=format!("{colour}") aria-hidden="true"></span>
                        <strong>{s.label.clone()}</strong>" "<code>{s.filter.clone()}</code>" · "<span class="sub-state">{state}</span>
                        <button type="button" class="secondary" on:click=move |_| client.unsubscribe(&filter)>{i18n.t(Msg::Remove)}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
