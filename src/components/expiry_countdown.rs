use leptos::prelude::*;

use crate::components::announcer::use_announcer;
use crate::countdown::Remaining;
use crate::i18n::{use_i18n, Msg};

/// Time left until `expires_at`, ticking every second; turns into a warning in
/// the last minute and into "verlopen" after. Thresholds are announced once.
#[component]
pub fn ExpiryCountdown(
    /// RFC 3339 expiry, as the API returns it.
    expires_at: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let expires_ms = js_sys::Date::parse(&expires_at);
    let left = move || ((expires_ms - js_sys::Date::now()) / 1000.0).ceil() as i64;
    let remaining = RwSignal::new(Remaining::from_secs(left()));
    if let Ok(handle) = set_interval_with_handle(
        move || remaining.set(Remaining::from_secs(left())),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let phase = Memo::new(move |_| remaining.with(|r| r.phase()));
    Effect::new(move |prev: Option<&'static str>| {
        let now = phase.get();
        if prev.is_some_and(|p| p != now) {
            match now {
                "warning" => announcer.say(i18n.now(Msg::ExpiresSoon)),
                "expired" => announcer.say(i18n.now(Msg::Expired)),
                _ => {}
            }
        }
        now
    });
    view! {
        <span class="countdown" data-phase=move || phase.get()>
            {move || match remaining.get() {
                Remaining::Fine(t) => format!("{} {t}", i18n.t(Msg::TimeLeft)()),
                Remaining::Warning(t) => format!("{} {t} · {}", i18n.t(Msg::TimeLeft)(), i18n.t(Msg::ExpiresSoon)()),
                Remaining::Expired => i18n.t(Msg::Expired)().to_owned(),
            }}
        </span>
    }
}
