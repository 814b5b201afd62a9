use leptos::prelude::*;

use super::context::{use_prefs, use_test_client};
use super::diagnostics::Diagnostics;
use super::message_list::MessageList;
use super::protocol_choice::ProtocolChoice;
use super::publish_form::PublishForm;
use super::subscribe_form::SubscribeForm;
use super::subscription_list::SubscriptionList;
use super::will_form::WillForm;
use crate::api::ApiError;
use crate::components::ca_row::CaRow;
use crate::components::error_notice::ErrorNotice;
use crate::components::expiry_countdown::ExpiryCountdown;
use crate::i18n::{use_i18n, Doing, Msg};
use crate::mqtt::client::{MqttClient, Status};
use crate::mqtt::params::CredentialKind;
use crate::mqtt::probe::CheckState;
use crate::mqtt::retry::StopReason;
use crate::state::{use_console, ConsoleState};

/// How long before expiry auto-renew asks for a new token.
const RENEW_AHEAD_MS: f64 = 60_000.0;

/// When auto-renew should fire, in ms from now: a minute before expiry, or
/// halfway through a token that lives shorter than that (a 60 s token would
/// otherwise be renewed in a loop the moment it connects).
pub fn renew_in_ms(now_ms: f64, expires_at_ms: f64) -> f64 {
    let left = expires_at_ms - now_ms;
    (left - RENEW_AHEAD_MS).max(left / 2.0).max(0.0)
}

/// Asks the API for a new JWT with the same client id and hands it to the
/// session, which reconnects and resubscribes.
fn renew(state: ConsoleState, client: MqttClient, error: RwSignal<Option<ApiError>>) {
    let Some(client_id) = client
        .params()
        .with_untracked(|p| p.as_ref().map(|p| p.client_id.clone()))
    else {
        return;
    };
    let (session, base) = (state.session.get_untracked(), state.api_base());
    leptos::task::spawn_local(async move {
        let Some(session) = session else { return };
        let body = tillor_contract::api::CreateJwtCredentialsRequest {
            client_id: Some(client_id),
            expires_in_seconds: None,
        };
        match crate::api::create_jwt_credentials(&base, &session, &body).await {
            Ok(creds) => {
                error.set(None);
                client.renew_token(creds.token, js_sys::Date::parse(&creds.expires_at));
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

/// The chosen credential, connect/disconnect, renewal and the check; then the
/// diagnostics, subscriptions, publishing and the log.
#[component]
pub fn ConnectPanel() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let prefs = use_prefs();
    let state = use_console();
    let status = client.status();
    let renew_error = RwSignal::new(None::<ApiError>);
    let is_jwt = move || {
        client
            .params()
            .with(|p| p.as_ref().is_some_and(|p| p.kind == CredentialKind::Jwt))
    };
    let expires_at_ms = Memo::new(move |_| {
        client
            .params()
            .with(|p| p.as_ref().and_then(|p| p.expires_at_ms))
    });
    let can_renew = move || {
        is_jwt()
            && matches!(
                client.stopped().get(),
                Some(StopReason::TokenExpired | StopReason::Refused)
            )
    };
    // Auto-renew: one timer for the token in use while connected; a new token
    // (or a disconnect, or switching it off) replaces or clears it.
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    let clear_timer = move || {
        if let Some(Some(t)) = timer.try_update_value(Option::take) {
            t.clear();
        }
    };
    Effect::new(move |_| {
        clear_timer();
        let connected = status.get() == Status::Connected;
        if let (true, true, Some(exp)) = (prefs.auto_renew.get(), connected, expires_at_ms.get()) {
            let delay = renew_in_ms(js_sys::Date::now(), exp);
            let handle = set_timeout_with_handle(
                move || renew(state, client, renew_error),
                std::time::Duration::from_millis(delay as u64),
            );
            timer.set_value(handle.ok());
        }
    });
    on_cleanup(clear_timer);
    let summary = move || {
        client.params().get().map(|p| {
            let user_shown = if p.user_name.is_empty() {
                i18n.now(Msg::EmptyUser).to_owned()
            } else {
                p.user_name.clone()
            };
            let kind = match p.kind {
                CredentialKind::Jwt => "JWT",
                CredentialKind::Static => "static",
            };
            view! {
                <div class="value-row"><dt>"URL"</dt><dd><code>{p.ws_url.clone()}</code></dd></div>
                <div class="value-row"><dt>{i18n.t(Msg::ColClientId)}</dt><dd><code id="tc-summary-client-id">{p.client_id.clone()}</code>" "<span class="badge">{kind}</span></dd></div>
                <div class="value-row"><dt>{i18n.t(Msg::ColUserName)}</dt><dd><code>{user_shown}</code></dd></div>
                <div class="value-row"><dt>{i18n.t(Msg::ColTopicPrefix)}</dt><dd><code>{p.topic_prefix.clone()}</code></dd></div>
            }
        })
    };
    let countdown = move || {
        expires_at_ms.get().map(|ms| {
            let at = crate::format::iso_time(ms);
            view! {
                <div class="value-row"><dt>{i18n.t(Msg::ExpiresAtLabel)}</dt><dd><ExpiryCountdown expires_at=at/></dd></div>
            }
        })
    };
    view! {
        <dl class="values connect-summary">{summary}<CaRow id="tc-ca"/>{countdown}</dl>
        <ProtocolChoice/>
        <div class="toolbar">
            <Show when=move || status.get() != Status::Connected && status.get() != Status::Connecting
                fallback=move || view! {
                    <button type="button" class="secondary" id="tc-disconnect" on:click=move |_| client.disconnect()>{i18n.t(Msg::Disconnect)}</button>
                }>
                <button type="button" class="primary" id="tc-connect" on:click=move |_| client.connect()>{i18n.t(Msg::Connect)}</button>
            </Show>
            <Show when=can_renew>
                <button type="button" class="primary" id="tc-renew" on:click=move |_| renew(state, client, renew_error)>{i18n.t(Msg::RenewAndReconnect)}</button>
            </Show>
            <button type="button" class="secondary" id="tc-check"
                disabled=move || client.check().get() == CheckState::Running
                on:click=move |_| client.check_connectivity()>{i18n.t(Msg::CheckConnectivity)}</button>
            <span class="check-result" id="tc-check-result" role="status" data-check=move || client.check().with(CheckState::as_str)>
                {move || match client.check().get() {
                    CheckState::Idle => String::new(),
                    CheckState::Running => i18n.t(Msg::Working)().to_owned(),
                    CheckState::Verified { rtt_ms } => format!("✓ {} · {} ms", i18n.t(Msg::Verified)(), rtt_ms.round() as u64),
                    CheckState::Failed => format!("✗ {}", i18n.t(Msg::CheckFailed)()),
                }}
            </span>
            <span class="status" data-status=move || status.get().as_str()>
                {move || i18n.t(match status.get() {
                    Status::Idle => Msg::StatusIdle,
                    Status::Connecting => Msg::StatusConnecting,
                    Status::Connected => Msg::StatusConnected,
                    Status::Closed => Msg::StatusClosed,
                })()}
            </span>
        </div>
        <Show when=is_jwt>
            <label class="checkbox auto-renew">
                <input type="checkbox" id="tc-auto-renew" prop:checked=prefs.auto_renew
                    on:change=move |ev| prefs.auto_renew.set(event_target_checked(&ev))/>
                {i18n.t(Msg::AutoRenew)}
            </label>
        </Show>
        {move || renew_error.get().map(|error| view! { <ErrorNotice error doing=Doing::Creating/> })}
        <WillForm/>
        <Diagnostics/>
        <SubscribeForm/>
        <SubscriptionList/>
        <PublishForm/>
        <MessageList/>
    }
}

#[cfg(test)]
mod tests {
    use super::renew_in_ms;

    #[test]
    fn auto_renew_fires_a_minute_ahead_or_halfway_for_short_tokens() {
        assert_eq!(renew_in_ms(0.0, 3_600_000.0), 3_540_000.0);
        assert_eq!(renew_in_ms(0.0, 60_000.0), 30_000.0);
        assert_eq!(renew_in_ms(0.0, 100_000.0), 50_000.0);
        assert_eq!(renew_in_ms(10.0, 0.0), 0.0, "already expired: at once");
    }
}
