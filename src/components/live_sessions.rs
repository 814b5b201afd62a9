//! Who is connected now, with support's Disconnect (which asks first).

use leptos::prelude::*;
use tillor_contract::api::Connection;
use tillor_contract::broker_event::CredentialRef;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::modal::Modal;
use crate::format::{ago, local_time};
use crate::i18n::{use_i18n, Doing, Msg};
use crate::state::use_console;

/// The sessions, as the card's poll last fetched them.
#[component]
pub fn LiveSessions(
    /// The organisation's live sessions.
    sessions: ReadSignal<Vec<Connection>>,
    /// The clientId the console's own test client uses, if any.
    #[prop(into)]
    own: Signal<Option<String>>,
    /// Asks the card to fetch again (after a disconnect).
    refresh: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_console();
    let asking = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let kick = Callback::new(move |client_id: String| {
        asking.set(None);
        let Some(session) = state.session.get_untracked() else {
            return;
        };
        let base = state.api_base();
        leptos::task::spawn_local(async move {
            let outcome = api::kick_connection(&base, &session, &client_id).await;
            error.try_set(outcome.err());
            refresh.run(());
        });
    });
    view! {
        <h3>{i18n.t(Msg::LiveSessions)}</h3>
        {move || error.get().map(|e| view! { <ErrorNotice error=e doing=Doing::Deleting/> })}
        <ul class="live-sessions">
            {move || {
                let lang = i18n.0.get();
                let list = sessions.get();
                if list.is_empty() {
                    return view! { <li class="empty-state">{i18n.t(Msg::NoLiveSessions)}</li> }.into_any();
                }
                let own = own.get();
                list.into_iter().map(|c| {
                    let with = match &c.credential {
                        CredentialRef::Jwt { .. } => "JWT".to_owned(),
                        CredentialRef::Static { name, .. } => name.clone().unwrap_or_else(|| i18n.now(Msg::Unnamed).to_owned()),
                    };
                    let since = js_sys::Date::parse(&c.since);
                    let is_own = own.as_deref() == Some(c.client_id.as_str());
                    let client_id = c.client_id.clone();
                    view! {
                        <li data-client-id=c.client_id.clone()>
                            <code>{c.client_id.clone()}</code>" · "{with}" · "{c.peer.address.clone()}" · "
                            <time datetime=c.since.clone() title=local_time(since, lang)>{ago(since, js_sys::Date::now(), lang)}</time>
                            {is_own.then(|| view! { " " <span class="badge" data-own="true">{i18n.t(Msg::TestClientBadge)}</span> })}
                            " "
                            <button type="button" class="secondary danger kick" on:click=move |_| asking.set(Some(client_id.clone()))>
                                {i18n.t(Msg::Kick)}
                            </button>
                        </li>
                    }
                }).collect_view().into_any()
            }}
        </ul>
        {move || asking.get().map(|client_id| {
            let confirm = client_id.clone();
            view! {
                <Modal title_id="kick-title" on_escape=Callback::new(move |_| asking.set(None)) class="kick-dialog">
                    <h2 id="kick-title">{i18n.t(Msg::KickTitle)}</h2>
                    <p><strong class="mono">{client_id}</strong></p>
                    <p>{i18n.t(Msg::KickText)}</p>
                    <div class="dialog-footer">
                        <button type="button" class="secondary" id="kick-cancel" data-autofocus
                            on:click=move |_| asking.set(None)>{i18n.t(Msg::Cancel)}</button>
                        <button type="button" class="danger" id="kick-confirm"
                            on:click=move |_| kick.run(confirm.clone())>{i18n.t(Msg::Kick)}</button>
                    </div>
                </Modal>
            }
        })}
    }
}
