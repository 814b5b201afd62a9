use leptos::prelude::*;

use super::context::use_test_client;
use super::qos_select::QosSelect;
use super::topic_input::{TopicField, TopicInput};
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::Status;
use crate::mqtt::qos::Qos;

/// Subscribe to a filter in the namespace; one outside it needs "send anyway".
#[component]
pub fn SubscribeForm() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let topic = TopicField::new("#", true);
    let qos = RwSignal::new(Qos::AtLeastOnce);
    let label = RwSignal::new(String::new());
    let anyway = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let refused = move || !topic.findings.with(Vec::is_empty);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if refused() && !anyway.get_untracked() {
            return;
        }
        let filter = topic.full.get_untracked();
        let l = label.get_untracked();
        let l = if l.is_empty() { filter.clone() } else { l };
        match client.subscribe(filter, qos.get_untracked(), l, anyway.get_untracked()) {
            Ok(()) => error.set(None),
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <form class="subscribe-form" on:submit=on_submit>
            <h3>{i18n.t(Msg::Subscribe)}</h3>
            <TopicInput field=topic id="tc-sub-filter"/>
            <Show when=move || !refused() && topic.full.with(|f| f.ends_with('#'))>
                <p class="hint broad" id="tc-broad">{i18n.t(Msg::BroadFilter)}</p>
            </Show>
            <div class="inline">
                <QosSelect qos id="tc-sub-qos"/>
                <input id="tc-sub-label" placeholder=move || i18n.t(Msg::LabelPlaceholder)() prop:value=label on:input=move |ev| label.set(event_target_value(&ev))/>
                <button type="submit" class="primary" id="tc-subscribe"
                    disabled=move || client.status().get() != Status::Connected || (refused() && !anyway.get())>
                    {i18n.t(Msg::Subscribe)}
                </button>
            </div>
            <Show when=refused>
                <label class="checkbox anyway"><input type="checkbox" id="tc-sub-anyway" prop:checked=anyway on:change=move |ev| anyway.set(event_target_checked(&ev))/>{i18n.t(Msg::SendAnyway)}</label>
            </Show>
            <p class="field-error">{move || error.get()}</p>
        </form>
    }
}
