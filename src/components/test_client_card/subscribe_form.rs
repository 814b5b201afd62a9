use leptos::prelude::*;

use super::context::use_test_client;
use super::qos_select::QosSelect;
use super::topic_input::{TopicField, TopicInput};
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::Status;
use crate::mqtt::packet::{Protocol, SubOptions};
use crate::mqtt::qos::Qos;

/// Subscribe to a filter in the namespace; one outside it needs "send anyway".
#[component]
pub fn SubscribeForm() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let topic = TopicField::new("#", true);
    let qos = RwSignal::new(Qos::AtLeastOnce);
    let no_local = RwSignal::new(false);
    let retain_as_published = RwSignal::new(false);
    let retain_handling = RwSignal::new(0u8);
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
        // Under 3.1.1 only the QoS goes on the wire; the session drops the rest.
        let options = SubOptions {
            qos: qos.get_untracked(),
            no_local: no_local.get_untracked(),
            retain_as_published: retain_as_published.get_untracked(),
            retain_handling: retain_handling.get_untracked(),
        };
        match client.subscribe(filter, options, l, anyway.get_untracked()) {
            Ok(()) => error.set(None),
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <form class="subscribe-form" on:submit=on_submit>
            <h3>{i18n.t(Msg::Subscribe)}</h3>
            <TopicInput field=topic id="tc-sub-filter" label=Msg::SubscribeFilterLabel/>
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
            <Show when=move || client.protocol().get() == Protocol::V5>
                <div class="inline sub-options">
                    <label class="checkbox"><input type="checkbox" id="tc-sub-no-local" prop:checked=no_local on:change=move |ev| no_local.set(event_target_checked(&ev))/>{i18n.t(Msg::NoLocal)}</label>
                    <label class="checkbox"><input type="checkbox" id="tc-sub-rap" prop:checked=retain_as_published on:change=move |ev| retain_as_published.set(event_target_checked(&ev))/>{i18n.t(Msg::RetainAsPublished)}</label>
                    <label>{i18n.t(Msg::RetainHandling)}" "
                        <select id="tc-sub-retain-handling" prop:value=move || retain_handling.get().to_string()
                            on:change=move |ev| retain_handling.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">{i18n.t(Msg::RetainHandlingAlways)}</option>
                            <option value="1">{i18n.t(Msg::RetainHandlingNew)}</option>
                            <option value="2">{i18n.t(Msg::RetainHandlingNever)}</option>
                        </select>
                    </label>
                </div>
            </Show>
            <Show when=refused>
                <label class="checkbox anyway"><input type="checkbox" id="tc-sub-anyway" prop:checked=anyway on:change=move |ev| anyway.set(event_target_checked(&ev))/>{i18n.t(Msg::SendAnyway)}</label>
            </Show>
            <p class="field-error">{move || error.get()}</p>
        </form>
    }
}
