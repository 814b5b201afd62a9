use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::i18n::{use_i18n, Msg};

/// A labelled value in a `<dl>`, with a copy button that selects the value when
/// the clipboard refuses.
#[component]
pub fn ValueRow(
    /// Id of the value's element (tests and the copy fallback use it).
    #[prop(into)]
    id: String,
    /// What the value is.
    label: Msg,
    /// The value itself.
    value: String,
    /// Shown larger: the one thing the user must store.
    #[prop(optional)]
    secret: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="value-row" class:secret=secret>
            <dt>{i18n.t(label)}</dt>
            <dd>
                <code id=id.clone() class="mono">{value.clone()}</code>
                <CopyButton value=value label=i18n.now(label).to_string() select_on_failure=id/>
            </dd>
        </div>
    }
}
