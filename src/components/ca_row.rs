//! The private CA's certificate, offered for download beside a broker URL
//! when the broker's TLS certificate needs it (`caUrl` in the configuration).

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::state::use_console;

/// The file name the download and the snippets use alike.
pub const CA_FILE: &str = "tillor-local-ca.pem";

#[component]
pub fn CaRow(
    /// Id of the link (tests find it by it).
    id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let ca = use_console().ca_url();
    ca.map(|href| {
        view! {
            <div class="value-row">
                <dt>{i18n.t(Msg::CaLabel)}</dt>
                <dd>
                    <a id=id href=href download=CA_FILE data-ca="download">{i18n.t(Msg::CaDownload)}</a>
                    <span class="hint">" "{i18n.t(Msg::CaHint)}</span>
                </dd>
            </div>
        }
    })
}

/// The CA file the snippets name, when there is a CA to download.
pub fn ca_file() -> Option<String> {
    use_context::<crate::state::ConsoleState>()
        .and_then(|s| s.ca_url())
        .map(|_| CA_FILE.to_owned())
}
