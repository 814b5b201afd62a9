//! The message log on screen: counters, tools and a virtual list whose fixed
//! row slots show only what is in view.

use std::rc::Rc;

use leptos::prelude::*;

use super::context::{use_prefs, use_test_client};
use super::message_details::MessageDetails;
use super::message_row::{MessageRow, RowText, ROW_PX};
use crate::download::download;
use crate::format::{grouped, iso_time};
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::MqttClient;
use crate::mqtt::log::{Direction, LogFilter, MessageEntry, MessageLog, CAPS};
use crate::mqtt::payload::{export_line, PayloadFormat};

const VIEW_PX: usize = 336;
/// Row elements in the page: what fits in the view, plus one partly shown at
/// each edge while scrolling.
const SLOTS: usize = VIEW_PX.div_ceil(ROW_PX) + 2;

/// The log the screen shows: a snapshot while paused, else the live one.
fn shown<R>(
    client: MqttClient,
    paused: RwSignal<Option<Rc<MessageLog>>, LocalStorage>,
    f: impl FnOnce(&MessageLog) -> R,
) -> R {
    paused.with(|p| match p {
        Some(log) => f(log),
        None => client.log().with(f),
    })
}

/// Received and sent messages, newest first: counters and rate, filter,
/// text/JSON/hex, pause, clear, cap and export.
#[component]
pub fn MessageList() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let prefs = use_prefs();
    let scroll_top = RwSignal::new(0.0f64);
    let filter = RwSignal::new(LogFilter::default());
    let paused = RwSignal::new_local(None::<Rc<MessageLog>>);
    let selected = RwSignal::new_local(None::<Rc<MessageEntry>>);
    // Rows of the matching messages, newest first; `None` when nothing is
    // filtered, so an unfiltered flood costs nothing here.
    let hits = Memo::new(move |_| {
        filter.with(|f| (!f.is_empty()).then(|| shown(client, paused, |log| log.matching(f))))
    });
    let rows_total = move || {
        hits.with(|h| h.as_ref().map(Vec::len))
            .unwrap_or_else(|| shown(client, paused, MessageLog::len))
    };
    let in_log = Memo::new(move |_| client.log().with(MessageLog::len));
    // What each of the fixed row slots shows. The slots stay in the page and
    // only their text changes: rebuilding the rows on every update was most of
    // an update's cost under a flood.
    let slots = Memo::new(move |_| {
        let first = (scroll_top.get() / ROW_PX as f64).floor() as usize;
        let format = prefs.log_format.get();
        hits.with(|h| {
            shown(client, paused, |log| {
                (first..first + SLOTS)
                    .map(|row| {
                        let seq = log.seq_at_row(row, h.as_deref())?;
                        Some(RowText::new(row, seq, log.by_seq(seq)?, format))
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let selected_seq = RwSignal::new(None::<u64>);
    let open = Callback::new(move |seq: u64| {
        let m = shown(client, paused, |log| log.by_seq(seq).cloned());
        selected_seq.set(m.is_some().then_some(seq));
        selected.set(m);
    });
    // Scrolled away from the newest, the messages in view stay in view while
    // new ones arrive above them (as in a chat): `anchor` is the sequence
    // number of the top row and its offset, and each log update scrolls to
    // wherever that message now is.
    let viewport = NodeRef::<leptos::html::Div>::new();
    let anchor = StoredValue::new(None::<(u64, f64)>);
    let scroll_to = move |px: f64| {
        if let Some(el) = viewport.get_untracked() {
            el.set_scroll_top(px as i32);
        }
        scroll_top.set(px);
    };
    let seq_at_row = move |row: usize| {
        hits.with_untracked(|h| shown(client, paused, |log| log.seq_at_row(row, h.as_deref())))
    };
    let row_of_seq = move |seq: u64| {
        hits.with_untracked(|h| shown(client, paused, |log| log.row_of_seq(seq, h.as_deref())))
    };
    Effect::new(move |_| {
        client.log().with(|_| ());
        let Some((seq, offset)) = anchor.get_value() else {
            return;
        };
        if let Some(row) = untrack(|| row_of_seq(seq)) {
            scroll_to((row * ROW_PX) as f64 + offset);
        }
    });
    let on_scroll = move |ev: leptos::ev::Event| {
        let el: web_sys::Element = event_target(&ev);
        let px = f64::from(el.scroll_top());
        scroll_top.set(px);
        let row = (px / ROW_PX as f64).floor() as usize;
        anchor.set_value(match seq_at_row(row) {
            Some(seq) if px >= 1.0 => Some((seq, px - (row * ROW_PX) as f64)),
            _ => None,
        });
    };
    let toggle_pause = move |_| {
        let snapshot = untrack(|| client.log().with(|log| Rc::new(log.clone())));
        paused.update(|p| *p = if p.is_some() { None } else { Some(snapshot) });
    };
    let export = move |_| {
        // One JSON object per line, oldest first. The log holds no secrets
        // (CONNECT is never logged), so neither does the export.
        let lines: String = untrack(|| {
            client.log().with(|log| {
                log.iter()
                    .map(|m| export_line(m, &iso_time(m.at_ms)))
                    .collect()
            })
        });
        download("tillor-mqtt-log.jsonl", &lines);
    };
    let set_text = move |ev| {
        let text = event_target_value(&ev);
        filter.update(|f| f.text = text);
        anchor.set_value(None);
        scroll_to(0.0);
    };
    let set_direction = move |ev| {
        let direction = Direction::parse(&event_target_value(&ev));
        filter.update(|f| f.direction = direction);
        anchor.set_value(None);
        scroll_to(0.0);
    };
    view! {
        <h3>{i18n.t(Msg::Messages)}</h3>
        <p class="log-counters" id="tc-counters">
            <span>{i18n.t(Msg::Received)}": "<Count id="tc-received" value=Signal::derive(move || client.log().received_total().get())/></span>
            <span>{i18n.t(Msg::Sent)}": "<Count id="tc-sent" value=Signal::derive(move || client.log().sent_total().get())/></span>
            <span><Count id="tc-rate" value=Signal::derive(move || client.log().rate().get())/>" /s"</span>
            <span>{i18n.t(Msg::InLog)}": "<Count id="tc-in-log" value=Signal::derive(move || in_log.get() as u64)/>" / "{move || grouped(client.log().cap() as u64, i18n.0.get())}</span>
            <button type="button" class="secondary" on:click=move |_| client.log().clear()>{i18n.t(Msg::ClearLog)}</button>
            <button type="button" class="secondary" id="tc-pause" aria-pressed=move || paused.with(Option::is_some).to_string() on:click=toggle_pause>
                {move || if paused.with(Option::is_some) { i18n.t(Msg::Resume)() } else { i18n.t(Msg::Pause)() }}
            </button>
            <button type="button" class="secondary" id="tc-export" on:click=export>{i18n.t(Msg::Export)}</button>
        </p>
        <div class="inline log-tools">
            <input id="tc-log-filter" type="search" placeholder=move || i18n.t(Msg::FilterLog)()
                prop:value=move || filter.with(|f| f.text.clone()) on:input=set_text/>
            <select id="tc-log-direction" aria-label=move || i18n.t(Msg::Direction)() on:change=set_direction>
                <option value="">{i18n.t(Msg::AllDirections)}</option>
                <option value=Direction::Received.as_str()>{i18n.t(Msg::Received)}</option>
                <option value=Direction::Sent.as_str()>{i18n.t(Msg::Sent)}</option>
            </select>
            <label>{i18n.t(Msg::ShowAs)}" "
                <select id="tc-log-format" prop:value=move || prefs.log_format.get().as_str()
                    on:change=move |ev| if let Some(f) = PayloadFormat::parse(&event_target_value(&ev)) { prefs.log_format.set(f) }>
                    {PayloadFormat::ALL.map(|f| view! { <option value=f.as_str()>{f.label()}</option> })}
                </select>
            </label>
            <label>{i18n.t(Msg::LogCap)}" "
                <select id="tc-log-cap" prop:value=move || client.log().cap().to_string()
                    on:change=move |ev| if let Ok(cap) = event_target_value(&ev).parse() { client.log().set_cap(cap) }>
                    {CAPS.iter().map(|&c| view! { <option value=c.to_string()>{move || grouped(c as u64, i18n.0.get())}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <div class="log-viewport" style:height=format!("{VIEW_PX}px") node_ref=viewport on:scroll=on_scroll>
            <ol class="messages" id="tc-messages" style:height=move || format!("{}px", rows_total() * ROW_PX)>
                {(0..SLOTS).map(|index| view! { <MessageRow index rows=slots open selected=selected_seq/> }).collect_view()}
            </ol>
        </div>
        {move || selected.get().map(|m| view! { <MessageDetails m selected selected_seq/> })}
    }
}

/// A counter as people read it (10.000 in Dutch, 10,000 in English), with the
/// plain number in `data-value` for scripts and tests.
#[component]
fn Count(id: &'static str, value: Signal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    view! { <strong id=id data-value=move || value.get().to_string()>{move || grouped(value.get(), i18n.0.get())}</strong> }
}
