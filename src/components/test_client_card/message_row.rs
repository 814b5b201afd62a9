//! One row of the message log: a fixed slot whose text changes as the list
//! scrolls or grows.

use leptos::prelude::*;

use crate::format::time_of_day;
use crate::mqtt::log::MessageEntry;
use crate::mqtt::payload::{preview, PayloadFormat};

/// Row height of the message log; rows have a fixed height so that only the
/// rows in view need to exist in the DOM, whatever the log holds.
/// Whole pixels: formatting an f64 would link core's float printing (~13 KB).
pub const ROW_PX: usize = 28;

/// A message as one row of the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RowText {
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
    pub fn new(row: usize, seq: u64, m: &MessageEntry, format: PayloadFormat) -> RowText {
        RowText {
            row,
            seq,
            class: m.direction.as_str(),
            icon: m.direction.icon(),
            time: time_of_day(m.at_ms),
            topic: m.topic.clone(),
            payload: preview(format, &m.payload),
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
pub fn MessageRow(
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
    // Through the CSSOM (`style:`), not a `style=` attribute: the console's
    // Content-Security-Policy allows no inline styles.
    let top = move || {
        rows.with(|s| match s.get(index).and_then(Option::as_ref) {
            Some(r) => format!("{}px", r.row * ROW_PX),
            None => String::new(),
        })
    };
    let display = move || {
        rows.with(|s| match s.get(index).and_then(Option::as_ref) {
            Some(_) => "",
            None => "none",
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
        <li class=row_class style:top=top style:height=format!("{ROW_PX}px") style:display=display>
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
