use leptos::prelude::*;

/// The one polite live region: copy results and countdown thresholds are
/// announced here, so screen readers hear them once.
#[derive(Clone, Copy)]
pub struct Announcer(pub RwSignal<String>);

impl Announcer {
    pub fn say(self, text: impl Into<String>) {
        // Clearing first makes a repeated message ("Gekopieerd" twice) heard again.
        self.0.set(String::new());
        let text = text.into();
        let signal = self.0;
        request_animation_frame(move || signal.set(text));
    }
}

pub fn provide_announcer() -> Announcer {
    let a = Announcer(RwSignal::new(String::new()));
    provide_context(a);
    a
}

pub fn use_announcer() -> Announcer {
    expect_context::<Announcer>()
}

#[component]
pub fn LiveRegion() -> impl IntoView {
    let a = use_announcer();
    view! { <div class="sr-only" role="status" aria-live="polite" id="tillor-status">{move || a.0.get()}</div> }
}
