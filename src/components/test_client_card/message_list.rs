use std::rc::Rc;

use leptos::prelude::*;
use tillor_contract::config::Language;

use super::{use_prefs, use_test_client};
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::MqttClient;
use crate::mqtt::log::{Direction, LogFilter, MessageEntry, MessageLog, CAPS};

/// Row height of the message log; rows have a fixed height so that only the
/// rows in view need to exist in the DOM, whatever the log holds.
/// Whole pixels: formatting an f64 would link core's float printing (~13 KB).
const ROW_PX: usize = 28;
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
                        Some(RowText::new(row, seq, log.by_seq(seq)?, &format))
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
        let lines = untrack(|| client.log().with(export_lines));
        download("tillor-mqtt-log.jsonl", &lines);
    };
    let set_text = move |ev| {
        let text = event_target_value(&ev);
        filter.update(|f| f.text = text);
        anchor.set_value(None);
        scroll_to(0.0);
    };
    let set_direction = move |ev| {
        let direction = match event_target_value(&ev).as_str() {
            "received" => Some(Direction::Received),
            "sent" => Some(Direction::Sent),
            _ => None,
        };
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
                <option value="received">{i18n.t(Msg::Received)}</option>
                <option value="sent">{i18n.t(Msg::Sent)}</option>
            </select>
            <label>{i18n.t(Msg::ShowAs)}" "
                <select id="tc-log-format" prop:value=prefs.log_format on:change=move |ev| prefs.log_format.set(event_target_value(&ev))>
                    <option value="text">"text"</option>
                    <option value="json">"JSON"</option>
                    <option value="hex">"hex"</option>
                </select>
            </label>
            <label>{i18n.t(Msg::LogCap)}" "
                <select id="tc-log-cap" prop:value=move || client.log().cap().to_string()
                    on:change=move |ev| if let Ok(cap) = event_target_value(&ev).parse() { client.log().set_cap(cap) }>
                    {CAPS.iter().map(|&c| view! { <option value=c.to_string()>{move || grouped(c as u64, i18n.0.get())}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <div class="log-viewport" style=format!("height:{VIEW_PX}px") node_ref=viewport on:scroll=on_scroll>
            <ol class="messages" id="tc-messages" style=move || format!("height:{}px", rows_total() * ROW_PX)>
                {(0..SLOTS).map(|index| view! { <MessageRow index rows=slots open selected=selected_seq/> }).collect_view()}
            </ol>
        </div>
        {move || selected.get().map(|m| view! { <MessageDetails m selected selected_seq/> })}
    }
}

fn direction_icon(d: Direction) -> (&'static str, &'static str) {
    match d {
        Direction::Received => ("⬇", "received"),
        Direction::Sent => ("⬆", "sent"),
    }
}

/// A message as one row of the list shows it.
#[derive(Clone, Debug, PartialEq)]
struct RowText {
    /// Position from the top of the list (newest first).
    row: usize,
    seq: u64,
    class: &'static str,
    icon: &'static str,
    time: String,
    topic: String,
    payload: String,
    meta: String,
}

impl RowText {
    fn new(row: usize, seq: u64, m: &MessageEntry, format: &str) -> RowText {
        let (icon, class) = direction_icon(m.direction);
        RowText {
            row,
            seq,
            class,
            icon,
            time: time_of_day(m.at_ms),
            topic: m.topic.clone(),
            payload: show_payload(format, &m.payload),
            meta: format!(
                " · QoS {}{} · {} B",
                m.qos.as_u8(),
                if m.retain { " · retain" } else { "" },
                m.payload.len()
            ),
        }
    }
}

/// One row slot: a message, payload cut short (a click opens it whole below),
/// or hidden when the list is shorter than the view.
#[component]
fn MessageRow(
    index: usize,
    rows: Memo<Vec<Option<RowText>>>,
    open: Callback<u64>,
    /// The message open in the details, marked in the list.
    selected: RwSignal<Option<u64>>,
) -> impl IntoView {
    let is_open = move || {
        let seq = rows.with(|s| s.get(index).and_then(Option::as_ref).map(|r| r.seq));
        seq.is_some() && seq == selected.get()
    };
    // One class string: `class:open` next to a changing `class` would be wiped
    // whenever the direction class is set again.
    let row_class = move || {
        let direction = rows.with(|s| s.get(index).and_then(Option::as_ref).map(|r| r.class));
        match (direction, is_open()) {
            (Some(d), true) => format!("{d} open"),
            (Some(d), false) => d.to_owned(),
            (None, _) => String::new(),
        }
    };
    let text = move |f: fn(&RowText) -> String| {
        move || {
            rows.with(|s| {
                s.get(index)
                    .and_then(Option::as_ref)
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let style = move || {
        rows.with(|s| match s.get(index).and_then(Option::as_ref) {
            Some(r) => format!("top:{}px;height:{ROW_PX}px", r.row * ROW_PX),
            None => "display:none".to_owned(),
        })
    };
    let click = move |_| {
        if let Some(seq) =
            rows.with_untracked(|s| s.get(index).and_then(Option::as_ref).map(|r| r.seq))
        {
            open.run(seq);
        }
    };
    view! {
        <li class=row_class style=style>
            <button type="button" class="message-row" on:click=click aria-current=move || is_open().then_some("true")>
                <time class="at">{text(|r| r.time.clone())}</time>" "
                <span aria-hidden="true">{text(|r| r.icon.to_owned())}</span>" "
                <code class="topic">{text(|r| r.topic.clone())}</code>" "
                <span class="payload">{text(|r| r.payload.clone())}</span>
                {text(|r| r.meta.clone())}
            </button>
        </li>
    }
}

/// The chosen message whole: JSON pretty-printed (when it parses), hex, or text.
#[component]
fn MessageDetails(
    m: Rc<MessageEntry>,
    selected: RwSignal<Option<Rc<MessageEntry>>, LocalStorage>,
    selected_seq: RwSignal<Option<u64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let prefs = use_prefs();
    let (icon, _) = direction_icon(m.direction);
    // Views want `Send` closures; one copy of the payload, made when opened.
    let payload = {
        let bytes = m.payload.clone();
        move || full_payload(&prefs.log_format.get(), &bytes)
    };
    view! {
        <section class="message-details" id="tc-details" aria-label=move || i18n.t(Msg::MessageDetails)()>
            <header>
                <span aria-hidden="true">{icon}</span>" "
                <code class="topic">{m.topic.clone()}</code>
                " · "<time>{time_of_day(m.at_ms)}</time>" · QoS "{m.qos.as_u8()}{m.retain.then_some(" · retain")}" · "{m.payload.len()}" B "
                <button type="button" class="secondary" on:click=move |_| { selected.set(None); selected_seq.set(None); }>{i18n.t(Msg::Close)}</button>
            </header>
            <pre class="payload-full">{payload}</pre>
        </section>
    }
}

/// Local wall-clock time with milliseconds, as support staff compare it with
/// broker logs.
fn time_of_day(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds(),
        d.get_milliseconds()
    )
}

/// A counter as people read it (10.000 in Dutch, 10,000 in English), with the
/// plain number in `data-value` for scripts and tests.
#[component]
fn Count(id: &'static str, value: Signal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    view! { <strong id=id data-value=move || value.get().to_string()>{move || grouped(value.get(), i18n.0.get())}</strong> }
}

/// 10.000 in Dutch, 10,000 in English.
fn grouped(n: u64, lang: Language) -> String {
    js_sys::Number::from(n as f64)
        .to_locale_string(lang.as_str())
        .into()
}

/// One JSON object per line, oldest first; payloads as text. The log holds no
/// secrets (CONNECT is never logged), so neither does the export.
fn export_lines(log: &MessageLog) -> String {
    log.iter()
        .map(|m| {
            serde_json::json!({
                "direction": if m.direction == Direction::Received { "received" } else { "sent" },
                "at": String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(m.at_ms)).to_iso_string()),
                "topic": m.topic,
                "qos": m.qos.as_u8(),
                "retain": m.retain,
                "payload": String::from_utf8_lossy(&m.payload),
            })
            .to_string()
                + "\n"
        })
        .collect()
}

/// A payload as text, compact JSON (when it parses) or hex; long ones are cut
/// in the list (the export has them whole).
fn show_payload(format: &str, payload: &[u8]) -> String {
    const MAX: usize = 200;
    let text = match format {
        "hex" => payload
            .iter()
            .take(MAX)
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
        "json" => serde_json::from_slice::<serde_json::Value>(payload)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| String::from_utf8_lossy(payload).into_owned()),
        _ => String::from_utf8_lossy(payload).into_owned(),
    };
    if text.chars().count() > MAX {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    } else {
        text
    }
}

/// The whole payload for the details view: pretty JSON, spaced hex, or text.
/// Capped so that a multi-megabyte payload cannot freeze the page.
fn full_payload(format: &str, payload: &[u8]) -> String {
    const MAX: usize = 64 * 1024;
    let cut = &payload[..payload.len().min(MAX)];
    let mut text = match format {
        "hex" => cut
            .chunks(16)
            .map(|line| {
                line.iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        "json" => serde_json::from_slice::<serde_json::Value>(payload)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(cut).into_owned()),
        _ => String::from_utf8_lossy(cut).into_owned(),
    };
    if payload.len() > MAX {
        text.push_str(&format!("\n… (+{} B)", payload.len() - MAX));
    }
    text
}

/// Offers `text` as a file download.
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        if let Some(a) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&a) {
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[cfg(test)]
mod tests {
    use super::{full_payload, show_payload};

    #[test]
    fn payloads_show_as_text_json_or_hex_and_long_ones_are_cut() {
        assert_eq!(show_payload("hex", b"AB"), "41 42");
        assert_eq!(show_payload("json", br#"{ "a" : 1 }"#), r#"{"a":1}"#);
        assert_eq!(show_payload("json", b"not json"), "not json");
        assert!(show_payload("text", &[b'x'; 500]).ends_with('…'));
    }

    #[test]
    fn the_details_show_json_pretty_and_hex_in_lines_of_sixteen() {
        assert_eq!(full_payload("json", br#"{"a":1}"#), "{\n  \"a\": 1\n}");
        assert_eq!(full_payload("hex", &[0u8; 17]).lines().count(), 2);
        let big = vec![b'x'; 70 * 1024];
        assert!(full_payload("text", &big).ends_with(&format!("(+{} B)", 6 * 1024)));
    }
}
