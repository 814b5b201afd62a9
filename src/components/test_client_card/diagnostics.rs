use leptos::prelude::*;

use super::context::use_test_client;
use crate::i18n::{step_text, use_i18n, Msg};

/// What happened on the wire, step by step, in the user's language.
#[component]
pub fn Diagnostics() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    view! {
        <h3>{i18n.t(Msg::Diagnostics)}</h3>
        <ol class="diagnostics" aria-live="polite">
            {move || {
                let lang = i18n.0.get();
                client.steps().get().into_iter().map(|entry| {
                    let outcome = entry.step.outcome();
                    view! {
                        <li data-outcome=outcome.as_str() data-step=entry.step.kind()>
                            <span class="icon" aria-hidden="true">{outcome.icon()}</span>" "{step_text(lang, &entry.step)}
                        </li>
                    }
                }).collect_view()
            }}
        </ol>
    }
}
