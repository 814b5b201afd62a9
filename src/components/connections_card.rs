//! Verbindingen: what the broker saw of the organisation's integrations, as
//! the server recorded it. Support reads here why a device cannot connect.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use tillor_contract::api::{Connection, ConnectionEvent, EventPage};
use tillor_contract::broker_event::EventKind;
use tillor_contract::error::ErrorCode;
use tillor_contract::{Env, Namespace};

use crate::api::feed::Feed;
use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::event_row::EventRow;
use crate::components::lazy_part::{OnDemandPart, PartOpen};
use crate::components::live_sessions::LiveSessions;
use crate::components::test_client_card::use_test_client_link;
use crate::format::grouped;
use crate::i18n::{use_i18n, Doing, Msg};
use crate::parts::{split_part, Part};
use crate::state::use_console;

/// The kinds the filter offers, with their names on screen.
const KINDS: [(&str, Msg); 7] = [
    ("refused", Msg::KindRefused),
    ("connected", Msg::KindConnected),
    ("disconnected", Msg::KindDisconnected),
    ("subscribe_refused", Msg::KindSubscribeRefused),
    ("publish_refused", Msg::KindPublishRefused),
    ("revoked", Msg::KindRevoked),
    ("rotated", Msg::KindRotated),
];

/// Counts the times the feed saw a session begin or end: the static
/// credentials list tracks it, so "verbonden (2)" follows the broker while
/// the feed runs (Verbindingen open).
#[derive(Clone, Copy)]
pub struct SessionsChanged(pub RwSignal<u32>);

/// The card on the first screen: what it offers, and the feed once opened,
/// whose code is fetched then (`crate::parts`).
#[component]
pub fn ConnectionsCard(
    /// Whose connections; the support view's open state is remembered for it.
    org_id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = PartOpen::new(SUPPORT, org_id);
    view! {
        <section class="card connections" id="connections" aria-labelledby="connections-title">
            <h2 id="connections-title">{i18n.t(Msg::ConnectionsTitle)}</h2>
            <p class="hint">{i18n.t(Msg::ConnectionsIntro)}</p>
            <OnDemandPart state label=Msg::OpenConnections/>
        </section>
    }
}

/// The support view itself (`crate::parts`).
fn panel() -> AnyView {
    view! { <ConnectionsFeed/> }.into_any()
}

split_part!(const SUPPORT = Part::Support, panel, support, preload_support);

/// Live sessions and the event feed, filtered and pausable.
#[component]
fn ConnectionsFeed() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    // Always up to date; `frozen` holds what a paused feed shows.
    let feed = RwSignal::new(Feed::default());
    let frozen = RwSignal::new(None::<Vec<ConnectionEvent>>);
    let live = RwSignal::new(Vec::<Connection>::new());
    let error = RwSignal::new(None::<ApiError>);
    let client_filter = RwSignal::new(String::new());
    let kind_filter = RwSignal::new(String::new());
    // The test client's own connection, marked as the console's.
    let test_client = use_test_client_link();
    let own_client_id = move || {
        test_client.and_then(|c| c.params().with(|p| p.as_ref().map(|p| p.client_id.clone())))
    };
    let namespace = state.session.with_untracked(|s| {
        s.as_ref()
            .and_then(|s| Namespace::new(state.env().unwrap_or(Env::Local), &s.org_id))
    });
    // Set once the server answered: "nothing seen" means something only then.
    let loaded = RwSignal::new(false);

    let load_sessions = move || {
        let Some(session) = state.session.get_untracked() else {
            return;
        };
        let base = state.api_base();
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::list_connections(&base, &session).await {
                live.try_set(list);
            }
        });
    };
    let refresh = Callback::new(move |_| load_sessions());
    load_sessions();
    let changed = use_context::<SessionsChanged>();
    let on_change = move |revoked: Vec<String>| {
        load_sessions();
        if let Some(SessionsChanged(n)) = changed {
            n.try_update(|n| *n += 1);
        }
        // The test client explains its own token's revocation.
        if let Some(tc) = test_client {
            revoked.iter().for_each(|jti| tc.token_revoked(jti));
        }
    };
    follow(feed, error, loaded, on_change);

    let paused = move || frozen.with(Option::is_some);
    let toggle_pause = move |_| {
        if paused() {
            frozen.set(None);
        } else {
            frozen.set(Some(feed.with_untracked(|f| f.entries.clone())));
        }
    };
    let shown = Memo::new(move |_| {
        let (client, kind) = (client_filter.get(), kind_filter.get());
        let keep = |e: &&ConnectionEvent| {
            (client.is_empty() || e.client_id.contains(&client))
                && (kind.is_empty() || e.what.as_str() == kind)
        };
        match frozen.get() {
            Some(list) => list.iter().filter(keep).cloned().collect::<Vec<_>>(),
            None => feed.with(|f| f.entries.iter().filter(keep).cloned().collect()),
        }
    });
    view! {
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
                <button type="button" class="secondary" id="events-pause"
                    aria-pressed=move || paused().to_string()
                    on:click=toggle_pause>
                    {move || if paused() { i18n.t(Msg::Resume)() } else { i18n.t(Msg::Pause)() }}
                </button>
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e doing=Doing::Loading/> })}
            <LiveSessions sessions=live.read_only() own=Signal::derive(own_client_id) refresh/>
            <h3>{i18n.t(Msg::EventsHeading)}</h3>
            {move || {
                let dropped = feed.with(|f| f.dropped);
                (dropped > 0).then(|| view! {
                    <p class="warning" role="note" data-dropped=dropped.to_string()>
                        {format!("{} {}", grouped(dropped, i18n.0.get()), i18n.now(Msg::EventsDropped))}
                    </p>
                })
            }}
            <ol class="events" aria-live="polite" data-loaded=move || loaded.get().to_string()>
                <Show when=move || shown.with(|l| l.is_empty())>
                    <li class="empty-state">{i18n.t(Msg::EventsEmpty)}</li>
                </Show>
                // Keyed by entry and count: a grown entry is drawn again, the
                // others keep their elements (and screen readers stay quiet
                // about them).
                <For each=move || shown.get() key=|e| (e.id, e.count) let:event>
                    <EventRow event namespace=namespace.clone() own=Signal::derive(own_client_id)/>
                </For>
            </ol>
    }
}

/// Keeps `feed` current while the card lives: the first page, then one live
/// request after the other, each answered by the server at the next change.
/// A failed request is shown and tried again after a pause. `on_change`
/// hears of sessions that began or ended and of tokens revoked (their ids).
fn follow(
    feed: RwSignal<Feed>,
    error: RwSignal<Option<ApiError>>,
    loaded: RwSignal<bool>,
    on_change: impl Fn(Vec<String>) + 'static,
) {
    let state = use_console();
    let Some(session) = state.session.get_untracked() else {
        return;
    };
    let base = state.api_base();
    let alive = Arc::new(AtomicBool::new(true));
    // Ends a live request that is still waiting when the card goes (another
    // organisation): it would hold one of the browser's few connections.
    let abort = web_sys::AbortController::new().ok();
    let signal = abort.as_ref().map(|a| a.signal());
    let abort = SendWrapper::new(abort);
    on_cleanup({
        let alive = alive.clone();
        move || {
            alive.store(false, Ordering::Relaxed);
            if let Some(a) = abort.take() {
                a.abort();
            }
        }
    });
    leptos::task::spawn_local(async move {
        let Some(signal) = signal else {
            return;
        };
        while alive.load(Ordering::Relaxed) {
            let cursor = feed.with_untracked(|f| f.cursor.clone());
            let outcome = match &cursor {
                None => api::events_page(&base, &session).await,
                Some(after) => api::events_after(&base, &session, after, &signal).await,
            };
            if !alive.load(Ordering::Relaxed) {
                return;
            }
            match outcome {
                Ok(page) => {
                    error.try_set(None);
                    loaded.try_set(true);
                    let revoked = revoked_tokens(&page);
                    let changed = match cursor {
                        None => {
                            feed.try_set(Feed::start(page));
                            false
                        }
                        Some(_) => feed.try_update(|f| f.apply(page)).unwrap_or(false),
                    };
                    if changed || !revoked.is_empty() {
                        on_change(revoked);
                    }
                }
                Err(e) => {
                    // A cursor the server no longer knows (its data was
                    // reset): start again from the first page.
                    if e.kind() == ErrorCode::NotACursor.as_str() {
                        feed.try_update(|f| f.cursor = None);
                    }
                    error.try_set(Some(e));
                    wait_ms(RETRY_MS).await;
                }
            }
        }
    });
}

/// The ids of the tokens an answer says were revoked.
fn revoked_tokens(page: &EventPage) -> Vec<String> {
    page.events
        .iter()
        .filter_map(|e| match &e.what {
            EventKind::Revoked { jti } => Some(jti.clone()),
            _ => None,
        })
        .collect()
}

/// How long a failed request waits before the next try.
const RETRY_MS: i32 = 3_000;

async fn wait_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
