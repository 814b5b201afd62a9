//! Components in a real browser (wasm-bindgen-test, headless Chromium). No network:
//! components are mounted with data, as the page would give it.

#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos::task::tick;
use tillor_console::components::{OrganisationPicker, StaticCredentialsTable};
use tillor_console::i18n::{provide_i18n, I18n};
use tillor_console::state::ConsoleState;
use tillor_contract::api::StaticCredential;
use tillor_contract::config::{ConsoleConfig, Language};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn credential(id: &str, name: Option<&str>) -> StaticCredential {
    StaticCredential {
        id: id.into(),
        name: name.map(Into::into),
        user_name: format!("acme-{id}"),
        client_id: format!("local-static-{id}"),
        topic_prefix: "tillor/local/acme/integration".into(),
        broker_url: Some("mqtt://127.0.0.1:1883".into()),
        created_at: "2026-11-25T17:34:49.715Z".into(),
        broker_status: None,
        connected: None,
        last_seen_at: None,
        rotation_unconfirmed: false,
    }
}

/// A fresh element to mount into, so tests do not see each other's DOM.
fn container() -> HtmlElement {
    let doc = document();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

fn texts(root: &HtmlElement, css: &str) -> Vec<String> {
    let list = root.query_selector_all(css).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn the_table_shows_every_credential_and_a_placeholder_for_a_missing_name() {
    let root = container();
    let rows = vec![credential("b", None), credential("a", Some("ERP"))];
    mount_to(root.clone(), move || {
        provide_i18n(Language::Nl);
        tillor_console::components::announcer::provide_announcer();
        view! { <StaticCredentialsTable rows/> }
    })
    .forget();
    tick().await;

    assert_eq!(texts(&root, ".name"), vec!["(zonder naam)", "ERP"]);
    assert_eq!(texts(&root, ".user-name .mono"), vec!["acme-b", "acme-a"]);
    assert_eq!(
        texts(&root, ".user-name button.copy").len(),
        2,
        "each value is copyable"
    );
    assert_eq!(texts(&root, ".created")[0], "2026-11-25 17:34 UTC");
    assert_eq!(
        texts(&root, "th")[0..2],
        ["Naam".to_string(), "Gebruikersnaam".to_string()]
    );
}

#[wasm_bindgen_test]
async fn switching_to_english_rewrites_the_headers_and_the_empty_state() {
    let root = container();
    let lang = RwSignal::new(None::<I18n>);
    mount_to(root.clone(), move || {
        provide_i18n(Language::Nl);
        lang.set(use_context::<I18n>());
        view! { <StaticCredentialsTable rows=Vec::new()/> }
    })
    .forget();
    tick().await;
    assert_eq!(
        texts(&root, ".empty-state"),
        vec!["Deze organisatie heeft nog geen statische inloggegevens."]
    );

    lang.get_untracked().unwrap().0.set(Language::En);
    tick().await;
    assert_eq!(
        texts(&root, ".empty-state"),
        vec!["This organisation has no static credentials yet."]
    );
}

fn type_into(root: &HtmlElement, css: &str, value: &str) {
    let input: HtmlInputElement = root.query_selector(css).unwrap().unwrap().unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn submit(root: &HtmlElement) {
    let button: HtmlElement = root
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
}

#[wasm_bindgen_test]
async fn the_picker_refuses_an_org_id_that_is_not_a_topic_level_and_starts_no_session() {
    let root = container();
    let state = ConsoleState::new(ConsoleConfig::default());
    mount_to(root.clone(), move || {
        provide_i18n(Language::Nl);
        provide_context(state);
        view! { <OrganisationPicker/> }
    })
    .forget();
    tick().await;

    type_into(&root, "#org-id", "acme/#");
    type_into(&root, "#api-key", "tk_secret-key-value");
    submit(&root);
    tick().await;
    assert_eq!(
        texts(&root, "#org-id-error"),
        vec!["Alleen letters, cijfers, - en _ (maximaal 64 tekens)."]
    );
    assert!(state.session.get_untracked().is_none());

    type_into(&root, "#org-id", "acme");
    submit(&root);
    tick().await;
    let session = state.session.get_untracked().expect("a session starts");
    assert_eq!(session.org_id, "acme");
    assert_eq!(session.api_key, "tk_secret-key-value");
    // The key leaves the form once it is in the session.
    let key_input: HtmlInputElement = root
        .query_selector("#api-key")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(key_input.value(), "");
}

#[wasm_bindgen_test]
async fn a_host_config_with_organisation_and_key_starts_signed_in() {
    let state = ConsoleState::new(ConsoleConfig {
        organisations: vec!["acme".into()],
        api_key: Some("tk_from-the-host-page".into()),
        ..Default::default()
    });
    assert_eq!(state.session.get_untracked().unwrap().org_id, "acme");
    assert!(!format!("{:?}", state.session.get_untracked()).contains("tk_from"));
}

fn created() -> tillor_contract::api::CreatedStaticCredential {
    tillor_contract::api::CreatedStaticCredential {
        credential: credential("n1", Some("Kassa")),
        password: "Secr3tPassw0rdSecr3tPassw0rd1234".into(),
    }
}

fn element(root: &HtmlElement, css: &str) -> HtmlElement {
    root.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("{css} missing"))
        .unchecked_into()
}

fn focus_is_inside(root: &HtmlElement) -> bool {
    let active = document().active_element();
    active.is_some_and(|a| root.contains(Some(a.unchecked_ref())))
}

fn press(target: &HtmlElement, key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

fn mount_dialog() -> (HtmlElement, RwSignal<bool>) {
    use tillor_console::components::announcer::provide_announcer;
    use tillor_console::components::RevealOnceDialog;
    let root = container();
    let closed = RwSignal::new(false);
    mount_to(root.clone(), move || {
        provide_i18n(Language::Nl);
        provide_announcer();
        provide_context(ConsoleState::new(ConsoleConfig::default()));
        view! { <RevealOnceDialog created=created() on_close=Callback::new(move |_| closed.set(true))/> }
    })
    .forget();
    (root, closed)
}

#[wasm_bindgen_test]
async fn the_reveal_dialog_is_a_labelled_modal_that_takes_focus_and_wraps_tab() {
    let (root, _) = mount_dialog();
    tick().await;
    let dialog = element(&root, "[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(
        texts(&root, "#reveal-title"),
        vec!["Nieuwe statische inloggegevens"]
    );
    assert!(focus_is_inside(&dialog), "focus moved into the dialog");

    // Tab on the last enabled control wraps to the first, Shift+Tab back.
    let close = element(&root, "#reveal-close");
    close.focus().unwrap();
    press(&close, "Tab", false);
    assert!(focus_is_inside(&dialog));
    assert_ne!(
        document().active_element().map(|a| a.id()),
        Some("reveal-close".into())
    );
    let first = document().active_element().unwrap();
    press(first.unchecked_ref(), "Tab", true);
    assert_eq!(
        document().active_element().map(|a| a.id()),
        Some("reveal-close".into()),
        "Shift+Tab on the first control wraps to the last enabled one"
    );
}

#[wasm_bindgen_test]
async fn done_waits_for_the_acknowledgement_and_escape_asks_first() {
    let (root, closed) = mount_dialog();
    tick().await;
    let done: web_sys::HtmlButtonElement = element(&root, "#reveal-done").unchecked_into();
    assert!(done.disabled());

    press(&element(&root, "[role=dialog]"), "Escape", false);
    tick().await;
    assert_eq!(
        texts(&root, "#confirm-lose-text"),
        vec!["U kunt dit wachtwoord hierna niet meer zien."]
    );
    assert!(!closed.get_untracked(), "Escape alone does not close");
    element(&root, "#confirm-lose-no").click();
    tick().await;

    element(&root, "#reveal-ack").click();
    tick().await;
    let done: web_sys::HtmlButtonElement = element(&root, "#reveal-done").unchecked_into();
    assert!(!done.disabled());
    done.click();
    tick().await;
    assert!(closed.get_untracked());
}

#[wasm_bindgen_test]
async fn the_jwt_form_refuses_an_expiry_outside_the_range_before_sending() {
    use tillor_console::api::OrgSession;
    use tillor_console::components::announcer::provide_announcer;
    use tillor_console::components::JwtCredentialsCard;
    let root = container();
    let state = ConsoleState::new(ConsoleConfig::default());
    state.session.set(Some(OrgSession {
        org_id: "acme".into(),
        api_key: "tk_not-used-in-this-test".into(),
    }));
    mount_to(root.clone(), move || {
        provide_i18n(Language::En);
        provide_announcer();
        provide_context(state);
        view! { <JwtCredentialsCard/> }
    })
    .forget();
    tick().await;
    element(&root, "#expiry-custom").click();
    tick().await;
    type_into(&root, "#jwt-custom-seconds", "86401");
    type_into(&root, "#jwt-client-id", "bad id");
    submit(&root);
    tick().await;
    assert_eq!(
        texts(&root, "#jwt-expiry-error"),
        vec!["This value is outside the allowed range. (60–86400)"]
    );
    assert_eq!(
        texts(&root, "#jwt-client-id-error"),
        vec!["This value contains characters that are not allowed."]
    );
    let button: web_sys::HtmlButtonElement = element(&root, "button[type=submit]").unchecked_into();
    assert!(!button.disabled(), "no request is running");
}

#[wasm_bindgen_test]
async fn a_submit_sends_once_while_pending_and_hands_the_secret_only_to_its_handler() {
    let owner = Owner::new();
    owner.set();
    let submit = tillor_console::action::Submit::new();
    let got = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let sink = got.clone();
    submit.send(async { String::from("one-time-password") }, move |p| {
        sink.borrow_mut().push(p)
    });
    assert!(submit.pending());
    // A second click while the first request runs sends nothing.
    let sink = got.clone();
    submit.send(async { String::from("second") }, move |p| {
        sink.borrow_mut().push(p)
    });
    for _ in 0..10 {
        tick().await;
    }
    assert_eq!(*got.borrow(), vec!["one-time-password".to_string()]);
    assert!(!submit.pending(), "free for the next request");
}

/// Fix (e): with no organisation chosen the user saw the network/CORS hint.
#[wasm_bindgen_test]
async fn creating_without_an_organisation_says_so_and_not_that_the_network_failed() {
    use tillor_console::components::announcer::provide_announcer;
    use tillor_console::components::JwtCredentialsCard;
    let root = container();
    let state = ConsoleState::new(ConsoleConfig::default());
    assert!(state.session.get_untracked().is_none());
    mount_to(root.clone(), move || {
        provide_i18n(Language::En);
        provide_announcer();
        provide_context(state);
        view! { <JwtCredentialsCard/> }
    })
    .forget();
    tick().await;
    submit(&root);
    for _ in 0..10 {
        tick().await;
    }
    let notice = element(&root, ".error-notice");
    assert_eq!(
        notice.get_attribute("data-code").as_deref(),
        Some("no-organisation")
    );
    let text = notice.text_content().unwrap_or_default();
    assert!(text.contains("Choose an organisation first"), "{text}");
    assert!(!text.contains("CORS"), "{text}");
}
