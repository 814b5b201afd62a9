//! The last will: topic (relative to the prefix, checked by the namespace
//! guard), message, QoS and retain. What is typed goes to the client for its
//! next connection; a topic outside the namespace is refused there, before
//! CONNECT, since the broker would drop such a will silently.

use leptos::prelude::*;

use super::context::use_test_client;
use super::properties_fields::PropertiesFields;
use super::qos_select::QosSelect;
use super::topic_input::{TopicField, TopicInput};
use crate::components::field::Field;
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::properties_input::PropertiesInput;
use crate::mqtt::qos::Qos;
use crate::mqtt::session::{Will, WillChoice};

#[component]
pub fn WillForm() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let on = RwSignal::new(false);
    let topic = TopicField::new("status", false);
    let payload = RwSignal::new(String::from("offline"));
    let qos = RwSignal::new(Qos::AtLeastOnce);
    let retain = RwSignal::new(false);
    let properties = RwSignal::new(PropertiesInput::default());
    Effect::new(move |_| {
        let props = properties.with(|p| p.for_protocol(client.protocol().get()));
        let choice = if !on.get() {
            WillChoice::None
        } else if !topic.findings.with(Vec::is_empty) {
            WillChoice::OutsideNamespace(topic.full.get())
        } else {
            match props {
                Err(problem) => WillChoice::BadProperties(problem),
                Ok(properties) => WillChoice::Will(Will {
                    topic: topic.full.get(),
                    payload: payload.get().into_bytes(),
                    qos: qos.get(),
                    retain: retain.get(),
                    properties,
                }),
            }
        };
        client.set_will(choice);
    });
    view! {
        <details class="will-form">
            <summary>{i18n.t(Msg::WillTitle)}</summary>
            <p class="hint">{i18n.t(Msg::WillHint)}</p>
            <label class="checkbox">
                <input type="checkbox" id="tc-will-on" prop:checked=on
                    on:change=move |ev| on.set(event_target_checked(&ev))/>
                {i18n.t(Msg::WillOn)}
            </label>
            <TopicInput field=topic id="tc-will-topic" label=Msg::WillTopicLabel/>
            <Field id="tc-will-payload" label=Msg::WillPayload value=payload on_input=move |v| payload.set(v)/>
            <div class="inline">
                <QosSelect qos id="tc-will-qos"/>
                <label class="checkbox">
                    <input type="checkbox" id="tc-will-retain" prop:checked=retain
                        on:change=move |ev| retain.set(event_target_checked(&ev))/>
                    {i18n.t(Msg::WillRetain)}
                </label>
            </div>
            <PropertiesFields input=properties id="tc-will" will=true/>
        </details>
    }
}
