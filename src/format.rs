//! Times and numbers as the screen shows them, through the browser's own
//! formatting (linking Rust's float printing would cost ~13 KB of wasm).

use tillor_contract::config::Language;
use wasm_bindgen::JsValue;

fn date(ms: f64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(ms))
}

/// Local wall-clock time with milliseconds, as support staff compare it with
/// broker logs.
pub fn time_of_day(ms: f64) -> String {
    let d = date(ms);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds(),
        d.get_milliseconds()
    )
}

/// RFC 3339 in UTC, for files.
pub fn iso_time(ms: f64) -> String {
    date(ms).to_iso_string().into()
}

/// A clock time in the user's language, e.g. "14:05:09".
pub fn local_time(ms: f64, lang: Language) -> String {
    date(ms).to_locale_time_string(lang.as_str()).into()
}

/// 10.000 in Dutch, 10,000 in English.
pub fn grouped(n: u64, lang: Language) -> String {
    js_sys::Number::from(n as f64)
        .to_locale_string(lang.as_str())
        .into()
}

/// "10 minutes ago" / "10 minuten geleden", by the browser's own words.
pub fn ago(then_ms: f64, now_ms: f64, lang: Language) -> String {
    let secs = ((now_ms - then_ms) / 1000.0).max(0.0);
    let (value, unit) = if secs < 60.0 {
        (secs.round(), "second")
    } else if secs < 3600.0 {
        ((secs / 60.0).round(), "minute")
    } else if secs < 86_400.0 {
        ((secs / 3600.0).round(), "hour")
    } else {
        ((secs / 86_400.0).round(), "day")
    };
    let locales = js_sys::Array::of1(&JsValue::from_str(lang.as_str()));
    let options = js_sys::Object::new();
    // "numeric: auto" says "now" and "yesterday" where a language has words for them.
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
    js_sys::Intl::RelativeTimeFormat::new(&locales, &options)
        .format(-value, unit)
        .into()
}
