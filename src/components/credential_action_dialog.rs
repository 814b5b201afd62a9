use leptos::prelude::*;
use tillor_contract::api::StaticCredential;

use crate::components::modal::Modal;
use crate::i18n::{translation, use_i18n, Msg};

/// What is asked about a static credential: both cut off the connections
/// using it now, so both ask first in the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialAction {
    /// Delete it.
    Delete,
    /// Give it a new password.
    Rotate,
}

impl CredentialAction {
    /// The prefix of the dialog's ids and class (`delete-confirm`, …).
    fn name(self) -> &'static str {
        match self {
            CredentialAction::Delete => "delete",
            CredentialAction::Rotate => "rotate",
        }
    }

    /// Title, what it does, and the confirming button.
    fn texts(self) -> (Msg, Msg, Msg) {
        match self {
            CredentialAction::Delete => (Msg::DeleteTitle, Msg::DeleteText, Msg::Delete),
            CredentialAction::Rotate => (Msg::RotateTitle, Msg::RotateText, Msg::Rotate),
        }
    }
}

/// Asks before deleting a credential or giving it a new password, naming
/// the credential, what the action does and how many connections it cuts
/// off now.
#[component]
pub fn CredentialActionDialog(
    action: CredentialAction,
    /// The credential acted on.
    credential: StaticCredential,
    /// Confirmed.
    on_confirm: Callback<StaticCredential>,
    /// Cancelled (button or Escape).
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = action.name();
    let (title, text, confirm) = action.texts();
    let label = credential
        .name
        .clone()
        .map(|n| format!("{n} ({})", credential.user_name))
        .unwrap_or_else(|| credential.user_name.clone());
    view! {
        <Modal title_id=format!("{name}-title") on_escape=on_cancel class=format!("{name}-dialog")>
            <h2 id=format!("{name}-title")>{i18n.t(title)}</h2>
            <p><strong class="mono">{label}</strong></p>
            <p>{i18n.t(text)}</p>
            {credential.connected.filter(|n| *n > 0).map(|n| view! {
                <p class="warning" data-sessions=n.to_string()>{move || translation(i18n.0.get()).sessions_cut(n)}</p>
            })}
            <div class="dialog-footer">
                <button type="button" class="secondary" id=format!("{name}-cancel") data-autofocus
                    on:click=move |_| on_cancel.run(())>{i18n.t(Msg::Cancel)}</button>
                <button type="button" class="danger" id=format!("{name}-confirm")
                    on:click=move |_| on_confirm.run(credential.clone())>{i18n.t(confirm)}</button>
            </div>
        </Modal>
    }
}
