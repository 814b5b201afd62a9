//! WCAG 2.1 A and AA, checked by a tool (axe-core) in every screen and state
//! a user meets, in the light and the dark colour scheme: zero violations.

mod support;

use support::{
    with_browser_in, Browser, ConnectionsPage, ConsolePage, E2eStack, LifecyclePage,
    TestClientPage, Theme,
};

/// axe's findings in the state the page is in now, named by that state.
async fn audit(b: &Browser, state: &str, found: &mut Vec<String>) {
    for v in b.accessibility_violations().await {
        found.push(format!("{state}: {v}"));
    }
}

async fn every_screen_and_state_passes_in(theme: Theme) {
    let stack = E2eStack::start();
    let listed = stack.create_static("Kassa").await;
    let peer = stack.create_static("Peer").await;
    let url = stack.url("/");
    let (org, key, prefix, port) = (
        stack.org.clone(),
        stack.key.clone(),
        stack.prefix(),
        stack.mqtt_port,
    );
    with_browser_in(theme, move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        let (lifecycle, connections) = (LifecyclePage::new(&b), ConnectionsPage::new(&b));
        let mut found = Vec::new();
        page.open(&url).await;
        let dark = b
            .holds("return matchMedia('(prefers-color-scheme: dark)').matches")
            .await;
        assert_eq!(
            dark,
            theme == Theme::Dark,
            "the browser asks for the {theme:?} scheme"
        );
        audit(&b, "sign-in", &mut found).await;
        page.fill_organisation("bad/org", "").await;
        page.submit_organisation().await;
        page.field_error("org-id").await;
        audit(&b, "sign-in with field errors", &mut found).await;
        page.fill_organisation(&org, "tk_not-this-organisations-key-000")
            .await;
        page.submit_organisation().await;
        page.error_code().await;
        audit(&b, "error notice", &mut found).await;
        page.switch_organisation().await;

        page.choose_organisation(&org, &key).await;
        page.static_rows(2).await;
        audit(&b, "static list", &mut found).await;
        page.type_client_id("till-7").await;
        page.create_jwt().await;
        page.wait_for_jwt_result().await;
        lifecycle.wait_for_token("local-till-7").await;
        audit(&b, "JWT result and token list", &mut found).await;

        page.create_static("Nieuw").await;
        page.wait_for_focus_in_dialog().await;
        audit(&b, "reveal-once dialog", &mut found).await;
        assert!(page.escape_asks_first().await);
        audit(&b, "reveal-once confirm step", &mut found).await;
        page.keep_dialog_open().await;
        page.acknowledge_and_close().await;
        page.delete_first_static().await;
        audit(&b, "delete dialog", &mut found).await;
        page.cancel_delete().await;
        lifecycle.open_rotate(listed["id"].as_str().unwrap()).await;
        audit(&b, "rotate dialog", &mut found).await;
        lifecycle.cancel_rotate().await;

        client.use_static(&listed).await;
        client.connect_and_subscribe().await;
        support::publish(port, &peer, &format!("{prefix}/a11y"), "{\"ok\":true}");
        client.wait_for_message("ok").await;
        client.open_newest_received().await;
        client.show_details().await;
        audit(&b, "test client connected, with a message open", &mut found).await;

        connections.open().await;
        audit(&b, "support view", &mut found).await;
        assert!(found.is_empty(), "{theme:?}:\n{}", found.join("\n"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_and_state_passes_wcag_2_1_aa_in_the_light_scheme() {
    every_screen_and_state_passes_in(Theme::Light).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_and_state_passes_wcag_2_1_aa_in_the_dark_scheme() {
    every_screen_and_state_passes_in(Theme::Dark).await;
}
