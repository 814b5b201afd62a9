//! Where a part fetched on first open (`crate::parts`) appears: a loading
//! state while its module arrives, and when it cannot, an error that says so
//! with a retry. Once loaded, the part's view is built here, inside this
//! component's owner, so it reads the page's context.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::parts::{MakeView, Part, PartNotLoaded};

#[derive(Clone, Copy)]
enum Load {
    Loading,
    Failed,
    Ready(MakeView),
}

#[component]
pub fn LazyPart(part: Part) -> impl IntoView {
    let i18n = use_i18n();
    let load = RwSignal::new(Load::Loading);
    let start = move || {
        load.set(Load::Loading);
        leptos::task::spawn_local(async move {
            let outcome = match part.load().await {
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

/// The closed state of a card whose part loads on first open: what it offers,
/// and the button that opens it (fetching starts on intent).
#[component]
pub fn OpenPartButton(part: Part, label: Msg, on_open: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="primary" data-open-part=part.name()
            on:pointerenter=move |_| part.preload()
            on:focus=move |_| part.preload()
            on:click=move |_| on_open.run(())>
            {i18n.t(label)}
        </button>
    }
}
