use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{api_error_text, use_i18n, Doing, Msg};

/// An API failure in the user's language, with the technical detail one click away
/// for support staff.
#[component]
pub fn ErrorNotice(
    /// The failure to explain.
    error: ApiError,
    /// What was being done, for the next-step hint.
    doing: Doing,
) -> impl IntoView {
    let i18n = use_i18n();
    let detail = error.to_string();
    let code = error.kind().to_owned();
    view! {
        <div class="error-notice" role="alert" data-code=code>
            <strong>{i18n.t(Msg::ErrorTitle)}</strong>
            <p>{move || api_error_text(i18n.0.get(), &error, doing)}</p>
            <details>
                <summary>"HTTP"</summary>
                <code>{detail}</code>
            </details>
        </div>
    }
}
