//! The organisation's JWTs that have not expired, each with Revoke, and
//! "revoke all tokens of this client id": both ask first, naming the client
//! id. The test client's own token is marked.

use leptos::prelude::*;
use tillor_contract::api::JwtToken;

use crate::action::Submit;
use crate::api::{self, ApiError};
use crate::components::connections_card::SessionsChanged;
use crate::components::error_notice::ErrorNotice;
use crate::components::modal::Modal;
use crate::components::test_client_card::use_test_client_link;
use crate::fetched::Fetched;
use crate::format::local_time;
use crate::i18n::{translation, use_i18n, Doing, Msg};
use crate::state::use_console;

/// What the user asked to revoke: one token, or all of its client id's.
#[derive(Clone, Debug, PartialEq)]
struct Ask {
    token: JwtToken,
    all: bool,
}

#[component]
pub fn JwtTokensList(
    /// Changes when the card made a token: the list is fetched again.
    #[prop(into)]
    made: Signal<u32>,
) -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let revoked_now = RwSignal::new(0u32);
    let sessions_changed = use_context::<SessionsChanged>();
    let tokens = Fetched::new(move || {
        made.track();
        revoked_now.track();
        if let Some(SessionsChanged(n)) = sessions_changed {
            n.track();
        }
        let target = state.request_target();
        async move {
            let (base, session) = target?;
            api::list_jwt_tokens(&base, &session).await
        }
    });
    let test_client = use_test_client_link();
    let own = move || {
        test_client.and_then(|c| c.params().with(|p| p.as_ref().and_then(|p| p.token_id())))
    };
    let asking = RwSignal::new(None::<Ask>);
    let error = RwSignal::new(None::<ApiError>);
    // Keyed by what is revoked: a token's id, or its clientId for all of them.
    let revocations = Submit::<String>::new();
    let confirm = Callback::new(move |ask: Ask| {
        asking.set(None);
        let target = state.request_target();
        let key = if ask.all {
            ask.token.client_id.clone()
        } else {
            ask.token.jti.clone()
        };
        let request = async move {
            let (base, session) = target?;
            if ask.all {
                api::revoke_client_id(&base, &session, &ask.token.client_id)
                    .await
                    .map(|r| r.jtis)
            } else {
                api::revoke_jwt(&base, &session, &ask.token.jti)
                    .await
                    .map(|()| vec![ask.token.jti.clone()])
            }
        };
        revocations.send_for(key, request, move |outcome| {
            match outcome {
                Ok(jtis) => {
                    error.set(None);
                    // The test client need not wait for the feed to say so.
                    if let Some(tc) = test_client {
                        jtis.iter().for_each(|jti| tc.token_revoked(jti));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            revoked_now.update(|n| *n += 1);
        });
    });
    view! {
        <h3>{i18n.t(Msg::TokensHeading)}</h3>
        {move || error.get().map(|e| view! { <ErrorNotice error=e doing=Doing::Revoking/> })}
        {move || match tokens.get() {
            None => ().into_any(),
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="empty-state">{i18n.t(Msg::TokensEmpty)}</p> }.into_any()
            }
            Some(Ok(list)) => view! {
                <ul class="jwt-tokens">
                    {list.into_iter().map(|t| view! { <TokenRow token=t own=Signal::derive(own) asking/> }).collect_view()}
                </ul>
            }.into_any(),
            Some(Err(error)) => view! { <ErrorNotice error doing=Doing::Loading/> }.into_any(),
        }}
        {move || asking.get().map(|ask| view! { <RevokeDialog ask on_confirm=confirm on_cancel=Callback::new(move |_| asking.set(None))/> })}
    }
}

#[component]
fn TokenRow(
    token: JwtToken,
    own: Signal<Option<String>>,
    asking: RwSignal<Option<Ask>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let is_own = {
        let jti = token.jti.clone();
        move || own.with(|o| o.as_deref() == Some(jti.as_str()))
    };
    let expires = js_sys::Date::parse(&token.expires_at);
    let (one, all) = (token.clone(), token.clone());
    let revoked = token.revoked;
    let connected = token.connected;
    view! {
        <li data-jti=token.jti.clone() data-client-id=token.client_id.clone()
            data-revoked=revoked.to_string() data-connected=connected.to_string()>
            <code>{token.client_id.clone()}</code>" · "
            <span>{i18n.t(Msg::ExpiresAt)}" "{move || local_time(expires, i18n.0.get())}</span>
            {revoked.then(|| view! { " " <span class="badge danger">{i18n.t(Msg::Revoked)}</span> })}
            {(!revoked && connected > 0).then(|| view! {
                " " <span class="badge">{move || translation(i18n.0.get()).connected_count(connected)}</span>
            })}
            {move || is_own().then(|| view! { " " <span class="badge" data-own="true">{i18n.t(Msg::UsedByTestClient)}</span> })}
            {(!revoked).then(|| view! {
                <span class="toolbar">
                    <button type="button" class="danger revoke"
                        on:click=move |_| asking.set(Some(Ask { token: one.clone(), all: false }))>
                        {i18n.t(Msg::Revoke)}
                    </button>
                    <button type="button" class="secondary revoke-all"
                        on:click=move |_| asking.set(Some(Ask { token: all.clone(), all: true }))>
                        {i18n.t(Msg::RevokeAll)}
                    </button>
                </span>
            })}
        </li>
    }
}

/// Asks before revoking, naming the client id.
#[component]
fn RevokeDialog(ask: Ask, on_confirm: Callback<Ask>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let (title, text) = if ask.all {
        (Msg::RevokeAllTitle, Msg::RevokeAllText)
    } else {
        (Msg::RevokeTitle, Msg::RevokeText)
    };
    let client_id = ask.token.client_id.clone();
    view! {
        <Modal title_id="revoke-title" on_escape=on_cancel class="revoke-dialog">
            <h2 id="revoke-title">{i18n.t(title)}</h2>
            <p><strong class="mono" data-client-id=client_id.clone()>{client_id.clone()}</strong></p>
            <p>{i18n.t(text)}</p>
            <div class="dialog-footer">
                <button type="button" class="secondary" id="revoke-cancel" data-autofocus
                    on:click=move |_| on_cancel.run(())>{i18n.t(Msg::Cancel)}</button>
                <button type="button" class="danger" id="revoke-confirm"
                    on:click=move |_| on_confirm.run(ask.clone())>{i18n.t(Msg::Revoke)}</button>
            </div>
        </Modal>
    }
}
