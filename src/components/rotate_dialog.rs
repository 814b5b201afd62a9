use leptos::prelude::*;
use tillor_contract::api::StaticCredential;

use crate::components::modal::Modal;
use crate::i18n::{translation, use_i18n, Msg};

/// Asks before giving a static credential a new password: the old one stops
/// working at once, and the integrations using it are cut off now.
#[component]
pub fn RotateDialog(
    /// The credential to rotate.
    credential: StaticCredential,
    /// Confirmed.
    on_confirm: Callback<StaticCredential>,
    /// Cancelled (button or Escape).
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = credential
        .name
        .clone()
        .map(|n| format!("{n} ({})", credential.user_name))
        .unwrap_or_else(|| credential.user_name.clone());
    view! {
        <Modal title_id="rotate-title" on_escape=on_cancel class="rotate-dialog">
            <h2 id="rotate-title">{i18n.t(Msg::RotateTitle)}</h2>
            <p><strong class="mono">{label}</strong></p>
            <p>{i18n.t(Msg::RotateText)}</p>
            {credential.connected.filter(|n| *n > 0).map(|n| view! {
                <p class="warning" data-sessions=n.to_string()>{move || translation(i18n.0.get()).sessions_cut(n)}</p>
            })}
            <div class="dialog-footer">
                <button type="button" class="secondary" id="rotate-cancel" data-autofocus
                    on:click=move |_| on_cancel.run(())>{i18n.t(Msg::Cancel)}</button>
                <button type="button" class="danger" id="rotate-confirm"
                    on:click=move |_| on_confirm.run(credential.clone())>{i18n.t(Msg::Rotate)}</button>
            </div>
        </Modal>
    }
}
