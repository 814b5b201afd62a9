//! One entry of the Verbindingen feed: when, which clientId, what happened
//! and what to do, in the words the test client's diagnostics use.

use leptos::prelude::*;
use tillor_contract::api::ConnectionEvent;
use tillor_contract::broker_event::EventKind;
use tillor_contract::config::Language;
use tillor_contract::refusal::RefusalReason;
use tillor_contract::Namespace;

use crate::format::{grouped, local_time};
use crate::i18n::{finding_text, use_i18n, Msg};

fn reason_code(what: &EventKind) -> Option<&'static str> {
    what.reason().map(RefusalReason::code)
}

/// A disconnect's cause, for `data-cause`.
fn cause(what: &EventKind) -> Option<&'static str> {
    match what {
        EventKind::Disconnected { cause } => Some(cause.as_str()),
        _ => None,
    }
}

/// For a topic outside the namespace: level by level what differs, in the
/// words of the test client's guard (one source of truth for that text).
fn findings(ns: Option<&Namespace>, what: &EventKind, lang: Language) -> Option<String> {
    let (topic, filter) = match what {
        EventKind::SubscribeRefused {
            reason: RefusalReason::OutsideNamespace { topic },
            ..
        } => (topic, true),
        EventKind::PublishRefused {
            reason: RefusalReason::OutsideNamespace { topic },
            ..
        } => (topic, false),
        _ => return None,
    };
    let found = ns?.explain(topic, filter);
    (!found.is_empty()).then(|| {
        let words: Vec<String> = found.iter().map(|f| finding_text(lang, f)).collect();
        format!(" ({})", words.join("; "))
    })
}

#[component]
pub fn EventRow(
    event: ConnectionEvent,
    /// The organisation's namespace, to explain a refused topic level by level.
    namespace: Option<Namespace>,
    /// The clientId of the console's own test client, if any.
    own: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let e = event;
    let when = js_sys::Date::parse(&e.last_at);
    let is_own = {
        let id = e.client_id.clone();
        move || own.with(|o| o.as_deref() == Some(id.as_str()))
    };
    let count = e.count;
    let what = e.what.clone();
    view! {
        <li data-kind=e.what.as_str() data-reason=reason_code(&e.what) data-cause=cause(&e.what)
            data-client-id=e.client_id.clone() data-count=e.count.to_string()
            class:refused=e.what.reason().is_some()>
            <time datetime=e.last_at.clone()>{move || local_time(when, i18n.0.get())}</time>" "
            <code>{e.client_id.clone()}</code>" "
            {move || is_own().then(|| view! { <span class="badge" data-own="true">{i18n.t(Msg::TestClientBadge)}</span>" " })}
            <span class="what">{move || {
                let lang = i18n.0.get();
                format!("{}{}", crate::i18n::event_text(lang, &what), findings(namespace.as_ref(), &what, lang).unwrap_or_default())
            }}</span>
            {move || (count > 1).then(|| format!(" · {} {}", grouped(count, i18n.0.get()), i18n.now(Msg::Times)))}
        </li>
    }
}
