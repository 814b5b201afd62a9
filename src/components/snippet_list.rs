use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::i18n::{use_i18n, Msg};
use crate::snippets::{snippet, SnippetKind, SnippetParams};

/// mosquitto_sub, mosquitto_pub, MQTT.js and paho snippets, each with a copy button.
#[component]
pub fn SnippetList(
    /// The credential the snippets connect with.
    #[prop(into)]
    params: Signal<SnippetParams>,
    /// Prefix for element ids, unique per place on the page.
    #[prop(into)]
    id_prefix: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = SnippetKind::ALL
        .into_iter()
        .map(|kind| {
            let id = format!("{id_prefix}-{}", kind.id());
            let code = Signal::derive(move || snippet(kind, &params.get()));
            view! {
                <details class="snippet" open=kind == SnippetKind::MosquittoSub>
                    <summary>{kind.title()}</summary>
                    <pre id=id.clone()><code>{code}</code></pre>
                    <CopyButton value=code label=kind.title().to_string() select_on_failure=id/>
                </details>
            }
        })
        .collect_view();
    view! {
        <section class="snippets">
            <h3>{i18n.t(Msg::Snippets)}</h3>
            {items}
        </section>
    }
}
