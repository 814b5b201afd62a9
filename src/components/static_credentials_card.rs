//! The organisation's static credentials: the list, create (then the
//! reveal-once dialog), rotate (the same dialog) and delete, each after a
//! confirmation.

use leptos::prelude::*;
use tillor_contract::api::{
    CreateStaticCredentialRequest, CreatedStaticCredential, StaticCredential,
};
use tillor_contract::rules::{self, field};

use crate::action::Submit;
use crate::api::{self, ApiError};
use crate::components::connections_card::SessionsChanged;
use crate::components::field::Field;
use crate::components::{
    CredentialAction, CredentialActionDialog, ErrorNotice, RevealOnceDialog, StaticCredentialsTable,
};
use crate::fetched::Fetched;
use crate::i18n::{self, use_i18n, Doing, Msg};
use crate::state::use_console;

/// The organisation's static credentials: list, create (then the reveal-once
/// dialog) and delete (after a confirmation).
#[component]
pub fn StaticCredentialsCard() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let refresh = RwSignal::new(0u32);
    let sessions_changed = use_context::<SessionsChanged>();
    let credentials = Fetched::new(move || {
        refresh.track();
        if let Some(SessionsChanged(n)) = sessions_changed {
            n.track();
        }
        let session = state.session.get_untracked();
        let base = state.api_base();
        async move {
            match session {
                Some(s) => api::list_static_credentials(&base, &s).await,
                None => Ok(Vec::new()),
            }
        }
    });

    // Create.
    let name = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let create_error = RwSignal::new(None::<ApiError>);
    let revealed = RwSignal::new(None::<CreatedStaticCredential>);
    let focus_after_close = StoredValue::new(None::<String>);
    let create = Submit::new();
    // The password lives in `revealed` alone, and closing the dialog drops it
    // from there.
    let on_created = move |outcome: Result<CreatedStaticCredential, ApiError>| match outcome {
        Ok(created) => {
            create_error.set(None);
            name.set(String::new());
            submitted.set(false);
            focus_after_close.set_value(Some(created.credential.id.clone()));
            revealed.set(Some(created));
            refresh.update(|n| *n += 1);
        }
        Err(e) => create_error.set(Some(e)),
    };
    let name_error = move || {
        let n = name.get();
        if n.is_empty() {
            return None;
        }
        rules::check_name(&n).err()
    };
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if name_error().is_some() {
            return;
        }
        let n = name.get_untracked();
        let body = CreateStaticCredentialRequest {
            name: (!n.is_empty()).then_some(n),
        };
        let target = state.request_target();
        create.send(
            async move {
                let (base, session) = target?;
                api::create_static_credential(&base, &session, &body).await
            },
            on_created,
        );
    };
    let name_message = move || {
        let own = name_error().filter(|_| submitted.get());
        create_error.with(|e| i18n::field_message(i18n.0.get(), own, e.as_ref(), field::NAME))
    };
    let close_reveal = Callback::new(move |_| {
        // Dropping the value removes the password from every signal and, with the
        // dialog, from the DOM.
        revealed.set(None);
        if let Some(id) = focus_after_close.get_value() {
            request_animation_frame(move || {
                if let Some(row) = document().get_element_by_id(&format!("cred-{id}")) {
                    let _ =
                        wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&row).focus();
                }
            });
        }
    });

    // Delete and rotate, each keyed by the credential's id.
    let deletes = Submit::<String>::new();
    let rotations = Submit::<String>::new();
    let to_delete = RwSignal::new(None::<StaticCredential>);
    let delete_error = RwSignal::new(None::<ApiError>);
    let confirm_delete = Callback::new(move |c: StaticCredential| {
        to_delete.set(None);
        let target = state.request_target();
        let id = c.id.clone();
        deletes.send_for(
            c.id,
            async move {
                let (base, session) = target?;
                api::delete_static_credential(&base, &session, &id).await
            },
            move |outcome| {
                // Either way the list is read again: a delete cut short after
                // the broker's half (delete_unfinished) now shows as missing
                // on the broker, while the row stays and the message says
                // what to do.
                delete_error.set(outcome.err());
                refresh.update(|n| *n += 1);
            },
        );
    });

    // Rotate: after a confirmation, the same reveal-once dialog as create.
    let to_rotate = RwSignal::new(None::<StaticCredential>);
    let rotate_error = RwSignal::new(None::<ApiError>);
    let confirm_rotate = Callback::new(move |c: StaticCredential| {
        to_rotate.set(None);
        let target = state.request_target();
        let id = c.id.clone();
        rotations.send_for(
            c.id,
            async move {
                let (base, session) = target?;
                api::rotate_static_credential(&base, &session, &id).await
            },
            move |outcome| {
                // Either way the list changed (a new password, or an unknown one).
                refresh.update(|n| *n += 1);
                match outcome {
                    Ok(created) => {
                        rotate_error.set(None);
                        focus_after_close.set_value(Some(created.credential.id.clone()));
                        revealed.set(Some(created));
                    }
                    Err(e) => rotate_error.set(Some(e)),
                }
            },
        );
    });
    // A row is busy while it is being deleted or rotated.
    let busy = Signal::derive(move || [deletes.pending_keys(), rotations.pending_keys()].concat());

    view! {
        <section class="card" aria-labelledby="static-title">
            <div class="card-header">
                <h2 id="static-title">{i18n.t(Msg::StaticTitle)}</h2>
                <button type="button" class="secondary" id="static-reload" on:click=move |_| refresh.update(|n| *n += 1)>
                    {i18n.t(Msg::Reload)}
                </button>
            </div>
            <p class="hint">{i18n.t(Msg::StaticIntro)}</p>
            <form class="static-form" on:submit=on_create novalidate>
                <Field id="static-name" label=Msg::NameLabel maxlength=rules::NAME_MAX_CHARS
                    value=name on_input=move |v| name.set(v)
                    error=Signal::derive(name_message)
                    beside=std::sync::Arc::new(move || view! {
                        <button type="submit" class="primary" disabled=move || create.pending()>
                            {move || if create.pending() { i18n.t(Msg::Working)() } else { i18n.t(Msg::CreateStatic)() }}
                        </button>
                    }.into_any())/>
            </form>
            {move || create_error.get().filter(|e| e.field().is_none())
                .map(|e| view! { <ErrorNotice error=e doing=Doing::Creating/> })}
            {move || delete_error.get().map(|e| view! { <ErrorNotice error=e doing=Doing::Deleting/> })}
            {move || rotate_error.get().map(|e| view! { <ErrorNotice error=e doing=Doing::Rotating/> })}
            {move || match credentials.get() {
                None => view! {
                    <p class="loading" aria-busy="true">{i18n.t(Msg::StaticLoading)}</p>
                }.into_any(),
                Some(Ok(rows)) => view! {
                    <StaticCredentialsTable rows
                        on_delete=Callback::new(move |c| to_delete.set(Some(c)))
                        on_rotate=Callback::new(move |c| to_rotate.set(Some(c)))
                        deleting=busy/>
                }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error doing=Doing::Loading/> }.into_any(),
            }}
        </section>
        {move || revealed.get().map(|created| view! { <RevealOnceDialog created on_close=close_reveal/> })}
        {move || to_rotate.get().map(|credential| view! {
            <CredentialActionDialog action=CredentialAction::Rotate credential on_confirm=confirm_rotate
                on_cancel=Callback::new(move |_| to_rotate.set(None))/>
        })}
        {move || to_delete.get().map(|credential| view! {
            <CredentialActionDialog action=CredentialAction::Delete credential on_confirm=confirm_delete
                on_cancel=Callback::new(move |_| to_delete.set(None))/>
        })}
    }
}
