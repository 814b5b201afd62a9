use leptos::prelude::*;
use tillor_contract::namespace::Finding;

use super::context::use_test_client;
use crate::i18n::finding_text;
use crate::i18n::{use_i18n, Msg};

/// A topic (or filter) as typed: relative to the prefix or in full, the full
/// topic it makes, and what the namespace guard says about it. Shared by the
/// subscribe and publish forms, which differ only in `filter`.
#[derive(Clone, Copy)]
pub struct TopicField {
    pub typed: RwSignal<String>,
    pub relative: RwSignal<bool>,
    pub prefix: Signal<String>,
    pub full: Signal<String>,
    pub findings: Signal<Vec<Finding>>,
}

impl TopicField {
    pub fn new(initial: &str, filter: bool) -> Self {
        let client = use_test_client();
        let typed = RwSignal::new(initial.to_owned());
        let relative = RwSignal::new(true);
        let prefix = Signal::derive(move || {
            client.params().with(|p| {
                p.as_ref()
                    .map(|p| p.topic_prefix.clone())
                    .unwrap_or_default()
            })
        });
        let full = Signal::derive(move || full_topic(&prefix.get(), relative.get(), &typed.get()));
        let findings = Signal::derive(move || {
            client
                .params()
                .with(|p| p.as_ref().and_then(|p| p.namespace()))
                .map(|ns| ns.explain(&full.get(), filter))
                .unwrap_or_default()
        });
        TopicField {
            typed,
            relative,
            prefix,
            full,
            findings,
        }
    }

    /// Shows `topic` in the field: relative when it lies below the prefix.
    pub fn set_full(&self, topic: &str) {
        let prefix = self.prefix.get_untracked();
        match topic
            .strip_prefix(&prefix)
            .and_then(|t| t.strip_prefix('/'))
        {
            Some(rest) => {
                self.relative.set(true);
                self.typed.set(rest.to_owned());
            }
            None => {
                self.relative.set(false);
                self.typed.set(topic.to_owned());
            }
        }
    }
}

fn full_topic(prefix: &str, relative: bool, typed: &str) -> String {
    if !relative {
        typed.to_owned()
    } else if typed.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}/{typed}")
    }
}

/// The input with the prefix in front, the relative/full switch, the full topic
/// and the guard's findings as the user types.
#[component]
pub fn TopicInput(
    field: TopicField,
    /// The input's id; the full topic's is `{id}-full`, the relative/full
    /// switch's `{id}-relative`.
    id: &'static str,
    /// What the input is called (its visible `label`).
    label: Msg,
) -> impl IntoView {
    let i18n = use_i18n();
    let TopicField {
        typed,
        relative,
        prefix,
        full,
        findings,
    } = field;
    view! {
        <label for=id>{i18n.t(label)}</label>
        <div class="topic-input">
            <Show when=move || relative.get()><span class="prefix mono">{prefix}"/"</span></Show>
            <input id=id autocomplete="off" spellcheck="false" prop:value=typed
                on:input=move |ev| typed.set(event_target_value(&ev))/>
        </div>
        <label class="checkbox"><input type="checkbox" id=format!("{id}-relative") prop:checked=relative on:change=move |ev| relative.set(event_target_checked(&ev))/>{i18n.t(Msg::RelativeToPrefix)}</label>
        <p class="full-topic">{i18n.t(Msg::FullTopic)}": "<code id=format!("{id}-full")>{full}</code></p>
        {move || {
            let lang = i18n.0.get();
            findings.with(|f| (!f.is_empty()).then(|| view! {
                <div class="guard" role="alert">
                    <strong>{i18n.t(Msg::OutsideNamespace)}</strong>
                    <ul>{f.iter().map(|f| view! { <li>{finding_text(lang, f)}</li> }).collect_view()}</ul>
                </div>
            }))
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::full_topic;

    #[test]
    fn a_relative_topic_goes_below_the_prefix_and_a_full_one_stays_as_typed() {
        let p = "tillor/local/acme/integration";
        assert_eq!(full_topic(p, true, "a/b"), format!("{p}/a/b"));
        assert_eq!(full_topic(p, true, ""), p);
        assert_eq!(full_topic(p, false, "x/y"), "x/y");
    }
}
