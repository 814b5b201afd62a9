//! Account > Ontwikkelaars.

use leptos::prelude::*;

use crate::components::connections_card::SessionsChanged;
use crate::components::test_client_card::TestClientLink;
use crate::components::{
    ConnectionsCard, ContextBar, JwtCredentialsCard, LanguageSwitch, LiveRegion,
    OrganisationPicker, StaticCredentialsCard, TestClientCard,
};
use crate::i18n::{use_i18n, Msg};
use crate::state::use_console;

#[component]
pub fn DevelopersPage() -> impl IntoView {
    let state = use_console();
    let i18n = use_i18n();
    // Keyed on the organisation: switching re-creates everything below, so nothing
    // of the previous organisation (results, dialogs, errors) survives.
    let org = Memo::new(move |_| state.session.with(|s| s.as_ref().map(|s| s.org_id.clone())));
    view! {
        <main class="tillor-console" lang=move || i18n.0.get().as_str()>
            <header class="page-header">
                <div>
                    <h1>{i18n.t(Msg::Title)}</h1>
                    <p class="subtitle">{i18n.t(Msg::Subtitle)}</p>
                </div>
                <LanguageSwitch/>
            </header>
            <ContextBar/>
            {move || match org.get() {
                None => view! { <OrganisationPicker/> }.into_any(),
                Some(org_id) => view! { <Workspace org_id/> }.into_any(),
            }}
            <LiveRegion/>
        </main>
    }
}

/// Everything for one organisation; re-created when the organisation changes,
/// which also drops the test client's session and any password it held.
#[component]
fn Workspace(
    /// The organisation: the test client restores its settings, and which
    /// parts were open is remembered for it.
    org_id: String,
) -> impl IntoView {
    TestClientLink::provide(org_id.clone());
    provide_context(SessionsChanged(RwSignal::new(0)));
    view! {
        <JwtCredentialsCard/>
        <StaticCredentialsCard/>
        <ConnectionsCard org_id/>
        <TestClientCard/>
    }
}
