//! Verbindingen: what the broker saw of the organisation's integrations, as
//! the server recorded it. Support reads here why a device cannot connect.

use leptos::prelude::*;
use tillor_contract::api::{Connection, ConnectionEvent};
use tillor_contract::broker_event::EventKind;
use tillor_contract::config::Language;
use tillor_contract::refusal::RefusalReason;
use tillor_contract::{Env, Namespace};

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::live_sessions::LiveSessions;
use crate::format::{grouped, local_time};
use crate::i18n::{finding_text, translation, use_i18n, Doing, Msg};
use crate::mqtt::client::MqttClient;
use crate::state::use_console;

/// How often the feed asks the server for news. The product promises a new
/// event on screen within 2 s of the broker seeing it.
const POLL_MS: u64 = 1_500;

/// The kinds the filter offers, with their names on screen.
const KINDS: [(&str, Msg); 5] = [
    ("refused", Msg::KindRefused),
    ("connected", Msg::KindConnected),
    ("disconnected", Msg::KindDisconnected),
    ("subscribe_refused", Msg::KindSubscribeRefused),
    ("publish_refused", Msg::KindPublishRefused),
];

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
pub fn ConnectionsCard() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let events = RwSignal::new(Vec::<ConnectionEvent>::new());
    let live = RwSignal::new(Vec::<Connection>::new());
    let error = RwSignal::new(None::<ApiError>);
    let paused = RwSignal::new(false);
    let client_filter = RwSignal::new(String::new());
    let kind_filter = RwSignal::new(String::new());
    let in_flight = StoredValue::new(false);
    // The test client's own connection, marked as the console's.
    let test_client = use_context::<MqttClient>();
    let own_client_id = move || {
        test_client.and_then(|c| c.params().with(|p| p.as_ref().map(|p| p.client_id.clone())))
    };
    let namespace = state.session.with_untracked(|s| {
        s.as_ref()
            .and_then(|s| Namespace::new(state.env().unwrap_or(Env::Local), &s.org_id))
    });
    // Set once the server answered: "nothing seen" means something only then.
    let loaded = RwSignal::new(false);

    let poll = move || {
        if paused.get_untracked() || in_flight.get_value() {
            return;
        }
        let Some(session) = state.session.get_untracked() else {
            return;
        };
        in_flight.set_value(true);
        let base = state.api_base();
        leptos::task::spawn_local(async move {
            // One after the other, in one poll: the sessions and the feed
            // then describe the same moment, give or take a request.
            let sessions = api::list_connections(&base, &session).await;
            let outcome = api::list_events(&base, &session).await;
            if let Ok(list) = sessions {
                live.try_set(list);
            }
            // The card may be gone (another organisation): then nothing is set.
            in_flight.try_set_value(false);
            match outcome {
                Ok(list) => {
                    error.try_set(None);
                    events.try_set(list);
                    loaded.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let refresh = Callback::new(move |_| poll());
    poll();
    let timer = set_interval_with_handle(poll, std::time::Duration::from_millis(POLL_MS)).ok();
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear();
        }
    });

    let shown = move || {
        let (client, kind) = (client_filter.get(), kind_filter.get());
        events.with(|list| {
            list.iter()
                .filter(|e| client.is_empty() || e.client_id.contains(&client))
                .filter(|e| kind.is_empty() || e.what.as_str() == kind)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card connections" id="connections" aria-labelledby="connections-title">
            <div class="card-header">
                <h2 id="connections-title">{i18n.t(Msg::ConnectionsTitle)}</h2>
                <button type="button" class="secondary" id="events-pause"
                    aria-pressed=move || paused.get().to_string()
                    on:click=move |_| paused.update(|p| *p = !*p)>
                    {move || if paused.get() { i18n.t(Msg::Resume)() } else { i18n.t(Msg::Pause)() }}
                </button>
            </div>
            <p class="hint">{i18n.t(Msg::ConnectionsIntro)}</p>
            <div class="inline log-tools">
                <input id="events-client-filter" type="search"
                    aria-label=move || i18n.t(Msg::FilterClientId)()
                    placeholder=move || i18n.t(Msg::FilterClientId)()
                    prop:value=client_filter on:input=move |ev| client_filter.set(event_target_value(&ev))/>
                <select id="events-kind-filter" aria-label=move || i18n.t(Msg::EventKindLabel)()
                    on:change=move |ev| kind_filter.set(event_target_value(&ev))>
                    <option value="">{i18n.t(Msg::AllKinds)}</option>
                    {KINDS.map(|(value, msg)| view! { <option value=value>{i18n.t(msg)}</option> })}
                </select>
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e doing=Doing::Loading/> })}
            <LiveSessions sessions=live.read_only() own=Signal::derive(own_client_id) refresh/>
            <h3>{i18n.t(Msg::EventsHeading)}</h3>
            <ol class="events" aria-live="polite" data-loaded=move || loaded.get().to_string()>
                {move || {
                    let lang = i18n.0.get();
                    let own = own_client_id();
                    let list = shown();
                    if list.is_empty() {
                        return view! { <li class="empty-state">{i18n.t(Msg::EventsEmpty)}</li> }.into_any();
                    }
                    list.into_iter().map(|e| {
                        let when = js_sys::Date::parse(&e.last_at);
                        let count = (e.count > 1).then(|| format!(" · {} {}", grouped(e.count, lang), i18n.now(Msg::Times)));
                        let is_own = own.as_deref() == Some(e.client_id.as_str());
                        view! {
                            <li data-kind=e.what.as_str() data-reason=reason_code(&e.what) data-cause=cause(&e.what)
                                data-client-id=e.client_id.clone() data-count=e.count.to_string()
                                class:refused=e.what.reason().is_some()>
                                <time datetime=e.last_at.clone()>{local_time(when, lang)}</time>" "
                                <code>{e.client_id.clone()}</code>" "
                                {is_own.then(|| view! { <span class="badge" data-own="true">{i18n.t(Msg::TestClientBadge)}</span>" " })}
                                <span class="what">{translation(lang).event(&e.what)}{findings(namespace.as_ref(), &e.what, lang)}</span>
                                {count}
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ol>
        </section>
    }
}
