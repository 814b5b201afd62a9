use leptos::prelude::*;
use tillor_contract::namespace::Finding;

use crate::components::ExpiryCountdown;
use crate::i18n::diagnostics::{finding_text, step_text};
use crate::i18n::{use_i18n, I18n, Msg};
use crate::mqtt::client::{
    CheckState, ConnectParams, CredentialKind, Direction, MqttClient, Status, SubState,
};
use crate::mqtt::retry::StopReason;
use crate::mqtt::session::Qos;
use crate::state::use_console;

/// Colours for subscriptions; each always comes with its label.
const PALETTE: [&str; 6] = [
    "#1f55e0", "#b25e00", "#1f6f2b", "#a4237a", "#5b4bd6", "#00778a",
];

/// The test client for this organisation, with its remembered subscriptions and
/// log cap restored, and saved again whenever they change.
pub fn provide_test_client(org_id: String) -> MqttClient {
    let client = MqttClient::new();
    let saved = crate::settings::load(&org_id);
    client.subscriptions.set(
        saved
            .subscriptions
            .iter()
            .map(|s| crate::mqtt::client::Subscription {
                filter: s.filter.clone(),
                qos: s.qos(),
                label: s.label.clone(),
                colour: s.colour,
                state: SubState::Pending,
            })
            .collect(),
    );
    if let Some(cap) = saved.log_cap {
        client.cap.set(cap);
    }
    Effect::new(move |_| {
        let subscriptions = client.subscriptions.with(|list| {
            list.iter()
                .map(|s| crate::settings::SavedSubscription {
                    filter: s.filter.clone(),
                    qos: s.qos.as_u8(),
                    label: s.label.clone(),
                    colour: s.colour,
                })
                .collect()
        });
        let settings = crate::settings::OrgSettings {
            subscriptions,
            log_cap: Some(client.cap.get()),
        };
        crate::settings::save(&org_id, &settings);
    });
    provide_context(client);
    client
}

pub fn use_test_client() -> MqttClient {
    expect_context::<MqttClient>()
}

/// Hands a credential to the test client and scrolls to it. Take the client
/// from context when the component is built: event handlers run outside it.
pub fn hand_over(client: MqttClient, params: ConnectParams) {
    client.set_params(params);
    request_animation_frame(|| {
        if let Some(el) = document().get_element_by_id("test-client") {
            el.scroll_into_view();
        }
    });
}

fn qos_from(v: &str) -> Qos {
    match v {
        "1" => Qos::AtLeastOnce,
        "2" => Qos::ExactlyOnce,
        _ => Qos::AtMostOnce,
    }
}

/// MQTT over WebSocket with the chosen credential: staged diagnostics, the
/// namespace guard, subscriptions and publishing.
#[component]
pub fn TestClientCard() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    view! {
        <section class="card test-client" id="test-client" aria-labelledby="test-client-title">
            <h2 id="test-client-title">{i18n.t(Msg::TestClientTitle)}</h2>
            {move || match client.params.get() {
                None => view! { <ManualCredentialForm/> }.into_any(),
                Some(p) => view! { <ConnectPanel params=p/> }.into_any(),
            }}
        </section>
    }
}

/// Typed credentials, for a static credential whose password the user has.
#[component]
fn ManualCredentialForm() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_console();
    let client = use_test_client();
    let user = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(org) = state
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.org_id.clone()))
        else {
            return;
        };
        let env = state.env().unwrap_or(tillor_contract::Env::Local);
        client.set_params(ConnectParams {
            kind: CredentialKind::Static,
            ws_url: state
                .config
                .with_value(|c| c.broker_ws_url.clone().unwrap_or_default()),
            client_id: client_id.get_untracked(),
            user_name: user.get_untracked(),
            password: password.get_untracked(),
            topic_prefix: format!("tillor/{env}/{org}/integration"),
            expires_at_ms: None,
        });
        password.set(String::new());
    };
    view! {
        <p class="hint">{i18n.t(Msg::TestClientIntro)}</p>
        <form class="manual-credential" on:submit=on_submit>
            <label for="tc-user">{i18n.t(Msg::ColUserName)}</label>
            <input id="tc-user" autocomplete="off" prop:value=user on:input=move |ev| user.set(event_target_value(&ev))/>
            <label for="tc-client-id">{i18n.t(Msg::ColClientId)}</label>
            <input id="tc-client-id" autocomplete="off" prop:value=client_id on:input=move |ev| client_id.set(event_target_value(&ev))/>
            <label for="tc-password">{i18n.t(Msg::PasswordLabel)}</label>
            <input id="tc-password" type="password" autocomplete="off" prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
            <button type="submit" class="secondary">{i18n.t(Msg::UseCredential)}</button>
        </form>
    }
}

#[component]
fn ConnectPanel(params: ConnectParams) -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let status = client.status;
    let user_shown = if params.user_name.is_empty() {
        i18n.now(Msg::EmptyUser).to_owned()
    } else {
        params.user_name.clone()
    };
    let kind = match params.kind {
        CredentialKind::Jwt => "JWT",
        CredentialKind::Static => "static",
    };
    let state = use_console();
    let is_jwt = params.kind == CredentialKind::Jwt;
    let can_renew = move || {
        is_jwt
            && matches!(
                client.stopped.get(),
                Some(StopReason::TokenExpired | StopReason::Refused)
            )
    };
    // A new token for the same clientId, then connect and resubscribe.
    let renew = {
        let params = params.clone();
        move |_| {
            let (params, session, base) = (
                params.clone(),
                state.session.get_untracked(),
                state.api_base(),
            );
            leptos::task::spawn_local(async move {
                let Some(session) = session else { return };
                let body = tillor_contract::api::CreateJwtCredentialsRequest {
                    client_id: Some(params.client_id.clone()),
                    expires_in_seconds: None,
                };
                if let Ok(creds) = crate::api::create_jwt_credentials(&base, &session, &body).await
                {
                    client.set_params(ConnectParams {
                        password: creds.token,
                        expires_at_ms: Some(js_sys::Date::parse(&creds.expires_at)),
                        ..params
                    });
                    client.connect();
                }
            });
        }
    };
    let expiry = params.expires_at_ms.map(|ms| {
        String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string())
    });
    view! {
        <dl class="values connect-summary">
            <div class="value-row"><dt>"URL"</dt><dd><code>{params.ws_url.clone()}</code></dd></div>
            <div class="value-row"><dt>{i18n.t(Msg::ColClientId)}</dt><dd><code id="tc-summary-client-id">{params.client_id.clone()}</code>" "<span class="badge">{kind}</span></dd></div>
            <div class="value-row"><dt>{i18n.t(Msg::ColUserName)}</dt><dd><code>{user_shown}</code></dd></div>
            <div class="value-row"><dt>{i18n.t(Msg::ColTopicPrefix)}</dt><dd><code>{params.topic_prefix.clone()}</code></dd></div>
            {expiry.map(|e| view! {
                <div class="value-row"><dt>{i18n.t(Msg::ExpiresAtLabel)}</dt><dd><ExpiryCountdown expires_at=e/></dd></div>
            })}
        </dl>
        <div class="toolbar">
            <Show when=move || status.get() != Status::Connected && status.get() != Status::Connecting
                fallback=move || view! {
                    <button type="button" class="secondary" id="tc-disconnect" on:click=move |_| client.disconnect()>{i18n.t(Msg::Disconnect)}</button>
                }>
                <button type="button" class="primary" id="tc-connect" on:click=move |_| client.connect()>{i18n.t(Msg::Connect)}</button>
            </Show>
            <Show when=can_renew>
                <button type="button" class="primary" id="tc-renew" on:click=renew.clone()>{i18n.t(Msg::RenewAndReconnect)}</button>
            </Show>
            <button type="button" class="secondary" id="tc-check"
                disabled=move || client.check.get() == CheckState::Running
                on:click=move |_| client.check_connectivity()>{i18n.t(Msg::CheckConnectivity)}</button>
            <span class="check-result" id="tc-check-result" role="status">
                {move || match client.check.get() {
                    CheckState::Idle => String::new(),
                    CheckState::Running => i18n.t(Msg::Working)().to_owned(),
                    CheckState::Verified { rtt_ms } => format!("✓ {} · {} ms", i18n.t(Msg::Verified)(), rtt_ms.round()),
                    CheckState::Failed => format!("✗ {}", i18n.t(Msg::CheckFailed)()),
                }}
            </span>
            <span class="status" data-status=move || format!("{:?}", status.get())>
                {move || i18n.t(match status.get() {
                    Status::Idle => Msg::StatusIdle,
                    Status::Connecting => Msg::StatusConnecting,
                    Status::Connected => Msg::StatusConnected,
                    Status::Closed => Msg::StatusClosed,
                })()}
            </span>
        </div>
        <Diagnostics/>
        <SubscribeForm prefix=params.topic_prefix.clone()/>
        <SubscriptionList/>
        <PublishForm prefix=params.topic_prefix.clone()/>
        <MessageList/>
    }
}

#[component]
fn Diagnostics() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    view! {
        <h3>{i18n.t(Msg::Diagnostics)}</h3>
        <ol class="diagnostics" aria-live="polite">
            {move || {
                let lang = i18n.0.get();
                client.steps.get().into_iter().map(|entry| {
                    let (outcome, text) = step_text(lang, &entry.step);
                    let icon = match outcome.as_str() { "ok" => "✓", "failed" => "✗", "warning" => "!", _ => "·" };
                    view! { <li data-outcome=outcome.as_str()><span class="icon" aria-hidden="true">{icon}</span>" "{text}</li> }
                }).collect_view()
            }}
        </ol>
    }
}

/// A topic typed relative to the prefix (or in full), with the full topic and
/// the namespace guard's findings shown as the user types.
fn full_topic(prefix: &str, relative: bool, typed: &str) -> String {
    if !relative {
        typed.to_owned()
    } else if typed.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}/{typed}")
    }
}

fn findings_view(i18n: I18n, findings: Vec<Finding>) -> impl IntoView {
    let lang = i18n.0.get();
    (!findings.is_empty()).then(|| view! {
        <div class="guard" role="alert">
            <strong>{i18n.t(Msg::OutsideNamespace)}</strong>
            <ul>{findings.iter().map(|f| view! { <li>{finding_text(lang, f)}</li> }).collect_view()}</ul>
        </div>
    })
}

#[component]
fn SubscribeForm(prefix: String) -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let typed = RwSignal::new(String::from("#"));
    let relative = RwSignal::new(true);
    let qos = RwSignal::new(String::from("1"));
    let label = RwSignal::new(String::new());
    let anyway = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let prefix_shown = prefix.clone();
    let full = {
        let prefix = prefix.clone();
        Signal::derive(move || full_topic(&prefix, relative.get(), &typed.get()))
    };
    let findings = Signal::derive(move || {
        client
            .params
            .with(|p| p.as_ref().and_then(|p| p.namespace()))
            .map(|ns| ns.explain(&full.get(), true))
            .unwrap_or_default()
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !findings.get_untracked().is_empty() && !anyway.get_untracked() {
            return;
        }
        let l = label.get_untracked();
        let filter = full.get_untracked();
        let l = if l.is_empty() { filter.clone() } else { l };
        match client.subscribe(
            filter,
            qos_from(&qos.get_untracked()),
            l,
            anyway.get_untracked(),
        ) {
            Ok(()) => error.set(None),
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <form class="subscribe-form" on:submit=on_submit>
            <h3>{i18n.t(Msg::Subscribe)}</h3>
            <div class="topic-input">
                <Show when=move || relative.get()><span class="prefix mono">{prefix_shown.clone()}"/"</span></Show>
                <input id="tc-sub-filter" autocomplete="off" spellcheck="false" prop:value=typed
                    on:input=move |ev| typed.set(event_target_value(&ev))/>
            </div>
            <label class="checkbox"><input type="checkbox" prop:checked=relative on:change=move |ev| relative.set(event_target_checked(&ev))/>{i18n.t(Msg::RelativeToPrefix)}</label>
            <p class="full-topic">{i18n.t(Msg::FullTopic)}": "<code id="tc-sub-full">{full}</code></p>
            {move || findings_view(i18n, findings.get())}
            <Show when=move || findings.get().is_empty() && full.get().ends_with('#')>
                <p class="hint broad" id="tc-broad">{i18n.t(Msg::BroadFilter)}</p>
            </Show>
            <div class="inline">
                <label>"QoS "<select prop:value=qos on:change=move |ev| qos.set(event_target_value(&ev))>
                    <option value="0">"0"</option><option value="1">"1"</option><option value="2">"2"</option>
                </select></label>
                <input id="tc-sub-label" placeholder=move || i18n.t(Msg::LabelPlaceholder)() prop:value=label on:input=move |ev| label.set(event_target_value(&ev))/>
                <button type="submit" class="primary" id="tc-subscribe"
                    disabled=move || client.status.get() != Status::Connected || (!findings.get().is_empty() && !anyway.get())>
                    {i18n.t(Msg::Subscribe)}
                </button>
            </div>
            <Show when=move || !findings.get().is_empty()>
                <label class="checkbox anyway"><input type="checkbox" id="tc-sub-anyway" prop:checked=anyway on:change=move |ev| anyway.set(event_target_checked(&ev))/>{i18n.t(Msg::SendAnyway)}</label>
            </Show>
            <p class="field-error">{move || error.get()}</p>
        </form>
    }
}

#[component]
fn SubscriptionList() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    view! {
        <ul class="subscriptions">
            {move || client.subscriptions.get().into_iter().map(|s| {
                let colour = PALETTE[s.colour % PALETTE.len()];
                let state = match s.state {
                    SubState::Pending => i18n.t(Msg::SubPending)().to_owned(),
                    SubState::Granted(q) => format!("QoS {}", q.as_u8()),
                    SubState::Refused => i18n.t(Msg::SubRefused)().to_owned(),
                };
                let filter = s.filter.clone();
                view! {
                    <li data-state=format!("{:?}", s.state)>
                        <span class="swatch" style=format!("background:{colour}") aria-hidden="true"></span>
                        <strong>{s.label.clone()}</strong>" "<code>{s.filter.clone()}</code>" · "<span class="sub-state">{state}</span>
                        <button type="button" class="secondary" on:click=move |_| client.unsubscribe(&filter)>{i18n.t(Msg::Remove)}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn PublishForm(prefix: String) -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let typed = RwSignal::new(String::from("test"));
    let relative = RwSignal::new(true);
    let payload = RwSignal::new(String::from("hallo"));
    let json = RwSignal::new(false);
    let qos = RwSignal::new(String::from("1"));
    let retain = RwSignal::new(false);
    let anyway = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let prefix_shown = prefix.clone();
    let full = Signal::derive(move || full_topic(&prefix, relative.get(), &typed.get()));
    let findings = Signal::derive(move || {
        client
            .params
            .with(|p| p.as_ref().and_then(|p| p.namespace()))
            .map(|ns| ns.explain(&full.get(), false))
            .unwrap_or_default()
    });
    let json_error = Signal::derive(move || {
        json.get()
            .then(|| {
                serde_json::from_str::<serde_json::Value>(&payload.get())
                    .err()
                    .map(|e| e.to_string())
            })
            .flatten()
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if json_error.get_untracked().is_some()
            || (!findings.get_untracked().is_empty() && !anyway.get_untracked())
        {
            return;
        }
        let result = client.publish(
            full.get_untracked(),
            payload.get_untracked().into_bytes(),
            qos_from(&qos.get_untracked()),
            retain.get_untracked(),
        );
        error.set(result.err().map(|e| e.to_string()));
    };
    view! {
        <form class="publish-form" on:submit=on_submit>
            <h3>{i18n.t(Msg::Publish)}</h3>
            <div class="topic-input">
                <Show when=move || relative.get()><span class="prefix mono">{prefix_shown.clone()}"/"</span></Show>
                <input id="tc-pub-topic" autocomplete="off" spellcheck="false" prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev))/>
            </div>
            <label class="checkbox"><input type="checkbox" prop:checked=relative on:change=move |ev| relative.set(event_target_checked(&ev))/>{i18n.t(Msg::RelativeToPrefix)}</label>
            <p class="full-topic">{i18n.t(Msg::FullTopic)}": "<code id="tc-pub-full">{full}</code></p>
            {move || findings_view(i18n, findings.get())}
            <textarea id="tc-payload" rows="3" prop:value=payload on:input=move |ev| payload.set(event_target_value(&ev))></textarea>
            <p class="field-error">{move || json_error.get().map(|e| format!("JSON: {e}"))}</p>
            <div class="inline">
                <label class="checkbox"><input type="checkbox" prop:checked=json on:change=move |ev| json.set(event_target_checked(&ev))/>"JSON"</label>
                <label>"QoS "<select prop:value=qos on:change=move |ev| qos.set(event_target_value(&ev))>
                    <option value="0">"0"</option><option value="1">"1"</option><option value="2">"2"</option>
                </select></label>
                <label class="checkbox"><input type="checkbox" prop:checked=retain on:change=move |ev| retain.set(event_target_checked(&ev))/>"retain"</label>
                <button type="submit" class="primary" id="tc-publish"
                    disabled=move || client.status.get() != Status::Connected || json_error.get().is_some() || (!findings.get().is_empty() && !anyway.get())>
                    {i18n.t(Msg::Publish)}
                </button>
            </div>
            <Show when=move || !findings.get().is_empty()>
                <label class="checkbox anyway"><input type="checkbox" id="tc-pub-anyway" prop:checked=anyway on:change=move |ev| anyway.set(event_target_checked(&ev))/>{i18n.t(Msg::SendAnyway)}</label>
                <p class="hint">{i18n.t(Msg::SilentPublish)}</p>
            </Show>
            <p class="field-error">{move || error.get()}</p>
        </form>
    }
}

/// Row height of the message log; rows have a fixed height so that only the
/// rows in view need to exist in the DOM, whatever the log holds.
const ROW_PX: f64 = 28.0;
const VIEW_PX: f64 = 336.0;

#[component]
fn MessageList() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let scroll_top = RwSignal::new(0.0f64);
    let query = RwSignal::new(String::new());
    let format = RwSignal::new(String::from("text"));
    let paused = RwSignal::new(None::<Vec<crate::mqtt::client::MessageEntry>>);
    // Paused: the screen keeps showing what it had; the counters keep counting.
    let source = move || paused.get().unwrap_or_else(|| client.messages.get());
    // The indices of matching messages, newest first.
    let matching = Memo::new(move |_| {
        let q = query.get();
        let list = source();
        let hits: Vec<usize> = (0..list.len())
            .rev()
            .filter(|&i| {
                q.is_empty()
                    || list[i].topic.contains(&q)
                    || String::from_utf8_lossy(&list[i].payload).contains(&q)
            })
            .collect();
        (list, hits)
    });
    let count = Memo::new(move |_| client.messages.with(Vec::len));
    let shown = Memo::new(move |_| matching.with(|(_, hits)| hits.len()));
    let visible = move || {
        let first = (scroll_top.get() / ROW_PX).floor() as usize;
        let rows = (VIEW_PX / ROW_PX).ceil() as usize + 2;
        matching.with(|(list, hits)| {
            (first..(first + rows).min(hits.len()))
                .map(|row| (row, list[hits[row]].clone()))
                .collect::<Vec<_>>()
        })
    };
    let export = move |_| {
        let lines: String = client.messages.with_untracked(|list| {
            list.iter().map(|m| serde_json::json!({
                "direction": if m.direction == Direction::Received { "received" } else { "sent" },
                "at": String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(m.at_ms)).to_iso_string()),
                "topic": m.topic,
                "qos": m.qos.as_u8(),
                "retain": m.retain,
                "payload": String::from_utf8_lossy(&m.payload),
            }).to_string() + "\n").collect()
        });
        download("tillor-mqtt-log.jsonl", &lines);
    };
    view! {
        <h3>{i18n.t(Msg::Messages)}</h3>
        <p class="log-counters" id="tc-counters">
            <span>{i18n.t(Msg::Received)}": "<strong id="tc-received">{move || client.received_total.get()}</strong></span>
            <span>{i18n.t(Msg::Sent)}": "<strong id="tc-sent">{move || client.sent_total.get()}</strong></span>
            <span><strong id="tc-rate">{move || client.rate.get()}</strong>" /s"</span>
            <span>{i18n.t(Msg::InLog)}": "<strong id="tc-in-log">{move || count.get()}</strong>" / "{move || client.cap.get()}</span>
            <button type="button" class="secondary" on:click=move |_| client.clear_log()>{i18n.t(Msg::ClearLog)}</button>
            <button type="button" class="secondary" id="tc-pause"
                on:click=move |_| paused.update(|p| *p = if p.is_some() { None } else { Some(client.messages.get_untracked()) })>
                {move || if paused.get().is_some() { i18n.t(Msg::Resume)() } else { i18n.t(Msg::Pause)() }}
            </button>
            <button type="button" class="secondary" id="tc-export" on:click=export>{i18n.t(Msg::Export)}</button>
        </p>
        <div class="inline log-tools">
            <input id="tc-log-filter" placeholder=move || i18n.t(Msg::FilterLog)() prop:value=query
                on:input=move |ev| { query.set(event_target_value(&ev)); scroll_top.set(0.0); }/>
            <label>{i18n.t(Msg::ShowAs)}" "
                <select prop:value=format on:change=move |ev| format.set(event_target_value(&ev))>
                    <option value="text">"text"</option>
                    <option value="json">"JSON"</option>
                    <option value="hex">"hex"</option>
                </select>
            </label>
        </div>
        <div class="log-viewport" style=format!("height:{VIEW_PX}px")
            on:scroll=move |ev| {
                let el: web_sys::Element = event_target(&ev);
                scroll_top.set(f64::from(el.scroll_top()));
            }>
            <ol class="messages" id="tc-messages" style=move || format!("height:{}px", shown.get() as f64 * ROW_PX)>
                {move || visible().into_iter().map(|(i, m)| {
                    let dir = match m.direction { Direction::Received => "⬇", Direction::Sent => "⬆" };
                    let dir_class = match m.direction { Direction::Received => "received", Direction::Sent => "sent" };
                    view! {
                        <li class=dir_class style=format!("top:{}px;height:{ROW_PX}px", i as f64 * ROW_PX)>
                            <span aria-hidden="true">{dir}</span>" "
                            <code class="topic">{m.topic.clone()}</code>" "
                            <span class="payload">{show_payload(&format.get(), &m.payload)}</span>
                            " · QoS "{m.qos.as_u8()}{m.retain.then_some(" · retain")}" · "{m.payload.len()}" B"
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

/// A payload as text, compact JSON (when it parses) or hex; long ones are cut
/// in the list (the export has them whole).
fn show_payload(format: &str, payload: &[u8]) -> String {
    const MAX: usize = 200;
    let text = match format {
        "hex" => payload
            .iter()
            .take(MAX)
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
        "json" => serde_json::from_slice::<serde_json::Value>(payload)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| String::from_utf8_lossy(payload).into_owned()),
        _ => String::from_utf8_lossy(payload).into_owned(),
    };
    if text.chars().count() > MAX {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    } else {
        text
    }
}

/// Offers `text` as a file download.
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        if let Some(a) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&a) {
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[cfg(test)]
mod tests {
    use super::show_payload;

    #[test]
    fn payloads_show_as_text_json_or_hex_and_long_ones_are_cut() {
        assert_eq!(show_payload("hex", b"AB"), "41 42");
        assert_eq!(show_payload("json", br#"{ "a" : 1 }"#), r#"{"a":1}"#);
        assert_eq!(show_payload("json", b"not json"), "not json");
        assert!(show_payload("text", &[b'x'; 500]).ends_with('…'));
    }
}
