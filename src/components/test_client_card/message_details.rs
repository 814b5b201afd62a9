//! The message open below the log, whole (up to the details cap).

use std::rc::Rc;

use leptos::prelude::*;

use super::context::use_prefs;
use crate::format::time_of_day;
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::log::MessageEntry;
use crate::mqtt::packet::properties::{name, show};
use crate::mqtt::payload::details;

/// The chosen message whole: JSON pretty-printed (when it parses), hex, or text.
#[component]
pub fn MessageDetails(
    m: Rc<MessageEntry>,
    selected: RwSignal<Option<Rc<MessageEntry>>, LocalStorage>,
    selected_seq: RwSignal<Option<u64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let prefs = use_prefs();
    let icon = m.direction.icon();
    // Views want `Send` closures; one copy of the payload, made when opened.
    let payload = {
        let bytes = m.payload.clone();
        move || details(prefs.log_format.get(), &bytes)
    };
    view! {
        <section class="message-details" id="tc-details" aria-label=move || i18n.t(Msg::MessageDetails)()>
            <header>
                <span aria-hidden="true">{icon}</span>" "
                <code class="topic">{m.topic.clone()}</code>
                " · "<time>{time_of_day(m.at_ms)}</time>" · QoS "{m.qos.as_u8()}{m.retain.then_some(" · retain")}" · "{m.payload.len()}" B "
                <button type="button" class="secondary" on:click=move |_| { selected.set(None); selected_seq.set(None); }>{i18n.t(Msg::Close)}</button>
            </header>
            {(!m.properties.is_empty()).then(|| view! {
                <dl class="values message-properties" id="tc-details-properties">
                    {m.properties.0.iter().map(|(id, value)| view! {
                        <div class="value-row" data-property=format!("0x{id:02X}")><dt>{name(*id)}</dt><dd><code>{show(value)}</code></dd></div>
                    }).collect_view()}
                </dl>
            })}
            <pre class="payload-full">{payload}</pre>
        </section>
    }
}
