//! Where a part fetched on first open (`crate::parts`) appears: a loading
//! state while its module arrives, and when it cannot, an error that says so
//! with a retry. Once loaded, the part's view is built here, inside this
//! component's owner, so it reads the page's context.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::parts::{Loader, MakeView, PartNotLoaded};
use crate::settings;

/// Whether a part is open for one organisation. Remembered, so a reload opens
/// it again (and fetches it) without a click.
#[derive(Clone, Copy)]
pub struct PartOpen {
    loader: Loader,
    org_id: StoredValue<String>,
    open: RwSignal<bool>,
}

impl PartOpen {
    pub fn new(loader: Loader, org_id: String) -> Self {
        PartOpen {
            loader,
            open: RwSignal::new(settings::part_open(&org_id, loader.part)),
            org_id: StoredValue::new(org_id),
        }
    }

    /// Tracked.
    pub fn is_open(&self) -> bool {
        self.open.get()
    }

    pub fn is_open_untracked(&self) -> bool {
        self.open.get_untracked()
    }

    /// Opens the part, also after the next reload.
    pub fn open(&self) {
        if !self.open.get_untracked() {
            settings::remember_part_open(&self.org_id.get_value(), self.loader.part);
            self.open.set(true);
        }
    }
}

/// A part that loads on first open: closed, what it offers (if the card says
/// it only then) and the button that opens it, fetching on intent; open, the
/// part itself.
#[component]
pub fn OnDemandPart(
    state: PartOpen,
    /// The button's text.
    label: Msg,
    /// Shown above the button while closed.
    #[prop(optional)]
    offer: Option<Msg>,
) -> impl IntoView {
    let i18n = use_i18n();
    let loader = state.loader;
    let part = loader.part;
    view! {
        <Show when=move || state.is_open() fallback=move || view! {
            {offer.map(|msg| view! { <p class="hint">{i18n.t(msg)}</p> })}
            <button type="button" class="primary" data-open-part=part.name()
                on:pointerenter=move |_| loader.preload()
                on:focus=move |_| loader.preload()
                on:click=move |_| state.open()>
                {i18n.t(label)}
            </button>
        }>
            <LazyPart loader/>
        </Show>
    }
}

#[derive(Clone, Copy)]
enum Load {
    Loading,
    Failed,
    Ready(MakeView),
}

#[component]
pub fn LazyPart(loader: Loader) -> impl IntoView {
    let part = loader.part;
    let i18n = use_i18n();
    let load = RwSignal::new(Load::Loading);
    let start = move || {
        load.set(Load::Loading);
        leptos::task::spawn_local(async move {
            let outcome = match loader.load().await {
                Ok(make) => Load::Ready(make),
                Err(PartNotLoaded) => Load::Failed,
            };
            // The card may be gone (organisation switched) by the time it arrives.
            let _ = load.try_set(outcome);
        });
    };
    start();
    move || match load.get() {
        Load::Loading => view! {
            <p class="loading" aria-busy="true" data-part-loading=part.name()>
                {i18n.t(Msg::PartLoading)}
            </p>
        }
        .into_any(),
        Load::Failed => view! {
            <div class="error-notice" role="alert" data-part-failed=part.name()>
                <p>{i18n.t(Msg::PartFailed)}</p>
                <button type="button" class="secondary" on:click=move |_| start()>
                    {i18n.t(Msg::Retry)}
                </button>
            </div>
        }
        .into_any(),
        // Built once; what the part reads while building must not rebuild it.
        Load::Ready(make) => untrack(make),
    }
}
