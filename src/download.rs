//! Offers text as a file download, through an object URL and a link click.

use leptos::prelude::document;
use wasm_bindgen::{JsCast, JsValue};

/// Downloads `text` as `name`. Blocked downloads fail silently in every
/// browser; there is nothing the page could report.
pub fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a") {
        if a.set_attribute("href", &url).is_ok() && a.set_attribute("download", name).is_ok() {
            if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
                a.click();
            }
        }
    }
    // Revoking after the click is safe: the download already holds the blob.
    let _revoked = web_sys::Url::revoke_object_url(&url);
}
