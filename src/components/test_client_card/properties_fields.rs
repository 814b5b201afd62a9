//! MQTT 5 message properties (content type, payload format, expiry, response
//! topic, correlation data, user properties; for a will also its delay), shown
//! only while the connect panel says MQTT 5. The publish form and the will form
//! each own an input; `PropertiesInput` turns it into wire properties.

use leptos::prelude::*;

use super::context::use_test_client;
use crate::components::field::{Control, Field};
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::packet::Protocol;
use crate::mqtt::properties_input::PropertiesInput;

#[component]
pub fn PropertiesFields(
    input: RwSignal<PropertiesInput>,
    /// Prefix of every field's id ("tc-pub", "tc-will"), for labels and tests.
    id: &'static str,
    /// A will's fields also have the will delay.
    #[prop(optional)]
    will: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let v5 = move || client.protocol().get() == Protocol::V5;
    let problem = move || {
        input
            .with(PropertiesInput::to_properties)
            .err()
            .map(|p| crate::i18n::translation(i18n.0.get()).property_problem(&p))
    };
    let text = move |label: Msg,
                     suffix: &'static str,
                     get: fn(&PropertiesInput) -> String,
                     set: fn(&mut PropertiesInput, String)| {
        view! {
            <Field id=format!("{id}-{suffix}") label value=Signal::derive(move || input.with(get))
                on_input=move |v| input.update(|i| set(i, v))/>
        }
    };
    view! {
        <Show when=v5>
            <details class="properties-fields" data-properties=id>
                <summary>{i18n.t(Msg::Mqtt5Properties)}</summary>
                <div class="properties-grid">
                {will.then(|| text(Msg::WillDelay, "will-delay", |i| i.will_delay.clone(), |i, v| i.will_delay = v))}
                {text(Msg::ContentType, "content-type", |i| i.content_type.clone(), |i, v| i.content_type = v)}
                <label class="checkbox wide">
                    <input type="checkbox" id=format!("{id}-utf8") prop:checked=move || input.with(|i| i.utf8)
                        on:change=move |ev| input.update(|i| i.utf8 = event_target_checked(&ev))/>
                    {i18n.t(Msg::PayloadUtf8)}
                </label>
                {text(Msg::MessageExpiry, "message-expiry", |i| i.message_expiry.clone(), |i, v| i.message_expiry = v)}
                {text(Msg::ResponseTopic, "response-topic", |i| i.response_topic.clone(), |i, v| i.response_topic = v)}
                {text(Msg::CorrelationData, "correlation-data", |i| i.correlation_data.clone(), |i, v| i.correlation_data = v)}
                <Field id=format!("{id}-user-properties") label=Msg::UserProperties control=Control::Lines(2)
                    value=Signal::derive(move || input.with(|i| i.user_properties.clone()))
                    on_input=move |v| input.update(|i| i.user_properties = v)/>
                </div>
                <p class="field-error" data-field-error=format!("{id}-properties")>{problem}</p>
            </details>
        </Show>
    }
}
