use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

/// A WAI-ARIA modal dialog: labelled by its title, focus moves in on open and is
/// trapped (Tab and Shift+Tab wrap), Escape asks the owner what to do, and on
/// close focus goes back to what had it before (unless the owner moved it).
#[component]
pub fn Modal(
    /// Id of the visible title inside `children` (aria-labelledby).
    #[prop(into)]
    title_id: String,
    /// Escape pressed: the owner decides (close, or ask first).
    on_escape: Callback<()>,
    /// Extra class for the dialog box.
    #[prop(optional, into)]
    class: String,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Div>::new();
    // Taken before focus moves in; wasm has one thread, so the wrapper only
    // satisfies on_cleanup's bounds.
    let opener = send_wrapper::SendWrapper::new(document().active_element());
    on_cleanup(move || {
        let Some(opener) = opener.take() else {
            return;
        };
        // Focus is lost when it is nowhere, on the page itself, or in the
        // dialog going away; anywhere else, the owner put it there.
        let lost = document().active_element().is_none_or(|a| {
            let on_page = document()
                .body()
                .is_some_and(|body| AsRef::<web_sys::Element>::as_ref(&body) == &a);
            let in_dialog = dialog
                .get_untracked()
                .is_some_and(|d| d.contains(Some(a.unchecked_ref())));
            on_page || in_dialog
        });
        if lost && opener.is_connected() {
            if let Ok(opener) = opener.dyn_into::<web_sys::HtmlElement>() {
                let _ = opener.focus();
            }
        }
    });
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            focus_first(&el);
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let Some(el) = dialog.get_untracked() else {
            return;
        };
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                on_escape.run(());
            }
            "Tab" => {
                let items = focusables(&el);
                let (Some(first), Some(last)) = (items.first(), items.last()) else {
                    return;
                };
                let active = document().active_element();
                let at = |e: &web_sys::HtmlElement| active.as_ref() == Some(e.unchecked_ref());
                if ev.shift_key() && (at(first) || !contains_focus(&el)) {
                    ev.prevent_default();
                    let _ = last.focus();
                } else if !ev.shift_key() && (at(last) || !contains_focus(&el)) {
                    ev.prevent_default();
                    let _ = first.focus();
                }
            }
            _ => {}
        }
    };
    view! {
        <div class="modal-backdrop">
            <div
                node_ref=dialog
                class=format!("modal {class}")
                role="dialog"
                aria-modal="true"
                aria-labelledby=title_id
                tabindex="-1"
                on:keydown=on_keydown
            >
                {children()}
            </div>
        </div>
    }
}

fn focusables(root: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|e| e.offset_parent().is_some())
        .collect()
}

fn contains_focus(root: &web_sys::HtmlElement) -> bool {
    document()
        .active_element()
        .is_some_and(|a| root.contains(Some(a.unchecked_ref())))
}

/// Focuses the element marked `data-autofocus`, else the first focusable one.
pub fn focus_first(root: &web_sys::HtmlElement) {
    let marked = root
        .query_selector("[data-autofocus]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match marked.or_else(|| focusables(root).into_iter().next()) {
        Some(e) => {
            let _ = e.focus();
        }
        None => {
            let _ = root.focus();
        }
    }
}
