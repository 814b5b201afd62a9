//! Account > Ontwikkelaars.

use leptos::prelude::*;

use crate::api;
use crate::components::{
    ContextBar, ErrorNotice, LanguageSwitch, OrganisationPicker, StaticCredentialsTable,
};
use crate::i18n::{use_i18n, Msg};
use crate::state::use_console;

#[component]
pub fn DevelopersPage() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let signed_in = move || state.session.with(Option::is_some);
    view! {
        <main class="tillor-console">
            <header class="page-header">
                <div>
                    <h1>{i18n.t(Msg::Title)}</h1>
                    <p class="subtitle">{i18n.t(Msg::Subtitle)}</p>
                </div>
                <LanguageSwitch/>
            </header>
            <ContextBar/>
            <Show when=signed_in fallback=|| view! { <OrganisationPicker/> }>
                <StaticCredentialsSection/>
            </Show>
        </main>
    }
}

/// The static credentials of the chosen organisation, reloaded when it changes.
#[component]
fn StaticCredentialsSection() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    let credentials = LocalResource::new(move || {
        let session = state.session.get();
        let base = state.api_base();
        async move {
            match session {
                Some(s) => api::list_static_credentials(&base, &s).await,
                None => Ok(Vec::new()),
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="static-title">
            <h2 id="static-title">{i18n.t(Msg::StaticTitle)}</h2>
            <Transition fallback=move || {
                view! { <p class="loading" aria-busy="true">{i18n.t(Msg::StaticLoading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match credentials.await {
                        Ok(rows) => view! { <StaticCredentialsTable rows/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
