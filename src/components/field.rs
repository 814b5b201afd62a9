//! One form field: its label, its control, an optional hint, and the error
//! that says why the value cannot be used, wired together once (`for`,
//! `aria-describedby`, `aria-invalid`) so no form gets one of them wrong.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// What kind of control the field is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Control {
    #[default]
    Text,
    /// Hidden as typed.
    Password,
    /// Digits, with the numeric keyboard on phones.
    Numeric,
    /// Several lines, this many shown.
    Lines(u32),
}

#[component]
pub fn Field(
    /// The control's id; the hint and the error take it as their prefix.
    #[prop(into)]
    id: String,
    /// The label.
    label: Msg,
    /// The value shown.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new value as the user types.
    #[prop(into)]
    on_input: Callback<String>,
    /// The control: a line of text unless given.
    #[prop(optional)]
    control: Control,
    /// Why the value cannot be used, shown under the field; a field given no
    /// error signal has no error line.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    /// A hint under the control.
    #[prop(optional)]
    hint: Option<Msg>,
    /// A datalist of suggestions, by id.
    #[prop(optional)]
    list: Option<&'static str>,
    /// The longest value the control takes, in characters.
    #[prop(optional)]
    maxlength: Option<usize>,
    /// Beside the control, in one row (a button that submits it).
    #[prop(optional)]
    beside: Option<ChildrenFn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = [
        hint.map(|_| hint_id.clone()),
        error.map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described_by = (!described_by.is_empty()).then_some(described_by);
    let invalid = move || error.map(|e| e.with(Option::is_some).to_string());
    let input = move |ev| on_input.run(event_target_value(&ev));
    let control_view = match control {
        Control::Lines(rows) => view! {
            <textarea id=id.clone() rows=rows prop:value=value on:input=input
                aria-describedby=described_by.clone() aria-invalid=invalid></textarea>
        }
        .into_any(),
        other => view! {
            <input id=id.clone() autocomplete="off" spellcheck="false"
                type=(other == Control::Password).then_some("password")
                inputmode=(other == Control::Numeric).then_some("numeric")
                list=list maxlength=maxlength prop:value=value on:input=input
                aria-describedby=described_by.clone() aria-invalid=invalid/>
        }
        .into_any(),
    };
    let control_view = match beside {
        Some(beside) => view! { <div class="inline">{control_view}{beside()}</div> }.into_any(),
        None => control_view,
    };
    view! {
        <label for=id.clone()>{i18n.t(label)}</label>
        {control_view}
        {hint.map(|msg| view! { <p id=hint_id class="hint">{i18n.t(msg)}</p> })}
        {error.map(|error| view! { <p id=error_id class="field-error">{error}</p> })}
    }
}
