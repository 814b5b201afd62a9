use leptos::prelude::*;

use crate::components::ca_row::{ca_file, CaRow};
use crate::components::field::Field;
use tillor_contract::api::{CreateJwtCredentialsRequest, JwtCredentials};
use tillor_contract::error::{ErrorCode, FieldError};
use tillor_contract::rules::{self, field};

use crate::action::Submit;
use crate::api::{self, ApiError};
use crate::components::copy_button::CopyButton;
use crate::components::error_notice::ErrorNotice;
use crate::components::expiry_countdown::ExpiryCountdown;
use crate::components::jwt_tokens_list::JwtTokensList;
use crate::components::snippet_list::SnippetList;
use crate::components::test_client_card::use_test_client_link;
use crate::components::value_row::ValueRow;
use crate::i18n::{self, use_i18n, Doing, Msg};
use crate::mqtt::params::{ConnectParams, CredentialKind};
use crate::snippets::SnippetParams;
use crate::state::use_console;

/// Expiry choices; `None` is "custom seconds".
const PRESETS: [(Msg, Option<u32>); 6] = [
    (Msg::Preset1m, Some(60)),
    (Msg::Preset15m, Some(900)),
    (Msg::Preset1h, Some(3600)),
    (Msg::Preset8h, Some(28_800)),
    (Msg::Preset24h, Some(86_400)),
    (Msg::PresetCustom, None),
];

/// The expiry the form would send, by the same rule the server applies.
pub fn chosen_expiry(preset: Option<u32>, custom: &str) -> Result<u32, FieldError> {
    match preset {
        Some(secs) => Ok(secs),
        None => match custom.trim().parse::<i64>() {
            Ok(n) => rules::check_expires_in_seconds(n),
            Err(_) => Err(
                FieldError::new(field::EXPIRES_IN_SECONDS, ErrorCode::NotAnInteger)
                    .with_range(rules::EXPIRES_IN_SECONDS_MIN, rules::EXPIRES_IN_SECONDS_MAX),
            ),
        },
    }
}

/// Create a temporary JWT credential, then show it with a live countdown.
#[component]
pub fn JwtCredentialsCard() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let client_id = RwSignal::new(String::new());
    let preset = RwSignal::new(Some(rules::EXPIRES_IN_SECONDS_DEFAULT));
    let custom = RwSignal::new(rules::EXPIRES_IN_SECONDS_DEFAULT.to_string());
    let submitted = RwSignal::new(false);
    let result = RwSignal::new(None::<JwtCredentials>);
    let test_client = use_test_client_link();
    let error = RwSignal::new(None::<ApiError>);

    let expiry = move || chosen_expiry(preset.get(), &custom.get());
    let client_id_check = move || {
        let id = client_id.get();
        if id.is_empty() {
            return Ok(None);
        }
        let env = state.env().unwrap_or(tillor_contract::Env::Local);
        rules::normalize_client_id(env, &id).map(Some)
    };

    let create = Submit::new();
    // Counts the tokens made here: the list below fetches again.
    let made = RwSignal::new(0u32);
    // The token lives in `result` alone, so a new one replaces it everywhere.
    let on_created = move |outcome: Result<JwtCredentials, ApiError>| match outcome {
        Ok(creds) => {
            error.set(None);
            client_id.set(creds.client_id.clone());
            result.set(Some(creds));
            made.update(|n| *n += 1);
        }
        Err(e) => error.set(Some(e)),
    };
    let send = move |client: Option<String>| {
        let Ok(secs) = expiry() else { return };
        let body = CreateJwtCredentialsRequest {
            client_id: client,
            expires_in_seconds: Some(secs),
        };
        let target = state.request_target();
        create.send(
            async move {
                let (base, session) = target?;
                api::create_jwt_credentials(&base, &session, &body).await
            },
            on_created,
        );
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if let (Ok(_), Ok(id)) = (expiry(), client_id_check()) {
            send(id);
        }
    };

    // An error is shown at the field it names (the server's 400 or our own check).
    let field_message = move |name: &str| -> Option<String> {
        let own = match name {
            field::EXPIRES_IN_SECONDS => expiry().err(),
            _ => client_id_check().err(),
        };
        let own = own.filter(|_| submitted.get());
        error.with(|e| i18n::field_message(i18n.0.get(), own, e.as_ref(), name))
    };
    let general_error = move || error.get().filter(|e| e.field().is_none());

    let presets = PRESETS
        .into_iter()
        .map(|(msg, secs)| {
            let id = format!(
                "expiry-{}",
                secs.map(|s| s.to_string()).unwrap_or("custom".into())
            );
            let input_id = id.clone();
            view! {
                <label class="preset" for=id>
                    <input
                        type="radio"
                        id=input_id
                        name="expiry"
                        prop:checked=move || preset.get() == secs
                        on:change=move |_| preset.set(secs)
                    />
                    {i18n.t(msg)}
                </label>
            }
        })
        .collect_view();

    view! {
        <section class="card jwt-card" aria-labelledby="jwt-title">
            <h2 id="jwt-title">{i18n.t(Msg::JwtTitle)}</h2>
            <p class="hint">{i18n.t(Msg::JwtIntro)}</p>
            <form class="jwt-form" on:submit=on_submit novalidate>
                <div class="field">
                    <Field id="jwt-client-id" label=Msg::ClientIdLabel hint=Msg::ClientIdHint
                        value=client_id on_input=move |v| client_id.set(v)
                        error=Signal::derive(move || field_message(field::CLIENT_ID))/>
                </div>
                <fieldset class="field">
                    <legend>{i18n.t(Msg::ExpiryLabel)}</legend>
                    <div class="presets">{presets}</div>
                    <Show when=move || preset.get().is_none()>
                        <label for="jwt-custom-seconds">{i18n.t(Msg::CustomSecondsLabel)}</label>
                        <input
                            id="jwt-custom-seconds"
                            inputmode="numeric"
                            prop:value=custom
                            on:input=move |ev| custom.set(event_target_value(&ev))
                            aria-describedby="jwt-expiry-error"
                            aria-invalid=move || field_message(field::EXPIRES_IN_SECONDS).is_some().to_string()
                        />
                    </Show>
                    <p id="jwt-expiry-error" class="field-error">{move || field_message(field::EXPIRES_IN_SECONDS)}</p>
                </fieldset>
                <button type="submit" class="primary" disabled=move || create.pending()>
                    {move || if create.pending() { i18n.t(Msg::Working)() } else { i18n.t(Msg::CreateJwt)() }}
                </button>
            </form>
            {move || general_error().map(|e| view! { <ErrorNotice error=e doing=Doing::Creating/> })}
            {move || result.get().map(|creds| {
                let renew_id = creds.client_id.clone();
                let params = ConnectParams {
                    kind: CredentialKind::Jwt,
                    ws_url: state.broker_ws_url(),
                    client_id: creds.client_id.clone(),
                    user_name: String::new(),
                    password: creds.token.clone(),
                    topic_prefix: creds.topic_prefix.clone(),
                    expires_at_ms: Some(js_sys::Date::parse(&creds.expires_at)),
                };
                view! {
                    <JwtResult creds=creds/>
                    <div class="toolbar">
                        <button
                            type="button"
                            class="secondary renew"
                            disabled=move || create.pending()
                            on:click=move |_| send(Some(renew_id.clone()))
                        >
                            {i18n.t(Msg::Renew)}
                        </button>
                        {test_client.map(|tc| view! {
                            <button type="button" class="primary" id="jwt-use-in-test-client"
                                on:click=move |_| tc.hand_over(params.clone())>
                                {i18n.t(Msg::UseInTestClient)}
                            </button>
                        })}
                    </div>
                }
            })}
            <JwtTokensList made/>
        </section>
    }
}

/// The issued credential: token masked until revealed, every value copyable,
/// the countdown, and ready-made snippets.
#[component]
fn JwtResult(creds: JwtCredentials) -> impl IntoView {
    let i18n = use_i18n();
    let revealed = RwSignal::new(false);
    let token = creds.token.clone();
    let masked = move || {
        if revealed.get() {
            token.clone()
        } else {
            "•".repeat(24)
        }
    };
    let params = SnippetParams {
        broker_url: creds.broker_url.clone(),
        user_name: String::new(),
        password: None,
        client_id: creds.client_id.clone(),
        topic_prefix: creds.topic_prefix.clone(),
        ca_file: ca_file(),
    };
    view! {
        <dl class="jwt-result values">
            <div class="value-row">
                <dt>{i18n.t(Msg::TokenLabel)}</dt>
                <dd>
                    <code id="jwt-token" class="mono token">{masked}</code>
                    <button type="button" class="secondary" aria-pressed=move || revealed.get().to_string()
                        on:click=move |_| revealed.update(|r| *r = !*r)>
                        {move || if revealed.get() { i18n.t(Msg::Hide)() } else { i18n.t(Msg::Show)() }}
                    </button>
                    <CopyButton value=creds.token.clone() label=i18n.now(Msg::TokenLabel).to_string()/>
                </dd>
            </div>
            <ValueRow id="jwt-client-id-value" label=Msg::ColClientId value=creds.client_id.clone()/>
            <ValueRow id="jwt-broker-url" label=Msg::BrokerUrlLabel value=creds.broker_url.clone()/>
            <CaRow id="jwt-ca"/>
            <ValueRow id="jwt-topic-prefix" label=Msg::ColTopicPrefix value=creds.topic_prefix.clone()/>
            <div class="value-row">
                <dt>{i18n.t(Msg::ExpiresAtLabel)}</dt>
                <dd>
                    <time datetime=creds.expires_at.clone()>{creds.expires_at.clone()}</time>
                    " "
                    <ExpiryCountdown expires_at=creds.expires_at.clone()/>
                </dd>
            </div>
        </dl>
        <SnippetList params=Signal::stored(params) id_prefix="jwt"/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_sent_as_they_are_and_custom_seconds_follow_the_server_rule() {
        assert_eq!(chosen_expiry(Some(900), "junk"), Ok(900));
        assert_eq!(chosen_expiry(None, " 120 "), Ok(120));
        assert_eq!(
            chosen_expiry(None, "59").unwrap_err().code,
            ErrorCode::OutOfRange
        );
        assert_eq!(
            chosen_expiry(None, "86401").unwrap_err().code,
            ErrorCode::OutOfRange
        );
        let e = chosen_expiry(None, "1.5").unwrap_err();
        assert_eq!(
            (e.code, e.min, e.max),
            (ErrorCode::NotAnInteger, Some(60), Some(86400))
        );
    }
}
