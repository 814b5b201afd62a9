//! The built console in headless Chromium, served by the real local stack:
//! organisations, JWT and static credentials, and the embedding contract.

mod support;

use support::{with_browser, ConsolePage, E2eStack, TestClientPage, KEY_B};

#[tokio::test(flavor = "multi_thread")]
async fn the_console_lists_the_organisations_static_credentials_from_the_api() {
    let stack = E2eStack::start();
    let older = stack.create_static("ERP link").await;
    let newer = stack.create_static("Till branch 2").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    with_browser(move |b| async move {
        let page = ConsolePage::new(&b);
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;

        let rows = page.static_rows(2).await;
        b.screenshot("static-credentials").await;
        assert!(
            rows[0].contains("Till branch 2"),
            "newest first: {}",
            rows[0]
        );
        assert!(rows[0].contains(newer["userName"].as_str().unwrap()));
        assert!(rows[0].contains(newer["clientId"].as_str().unwrap()));
        assert!(rows[1].contains("ERP link"));
        assert!(rows[1].contains(&prefix));

        let (env, shown_org, header) = page.context().await;
        assert_eq!(env, "local");
        assert_eq!(shown_org, org);
        assert_eq!(header, format!("X-Tillor-Org-Id: {org}"));

        // The list never carries a password, so the page cannot show one.
        let html = b.0.source().await.unwrap();
        for created in [&older, &newer] {
            assert!(!html.contains(created["password"].as_str().unwrap()));
        }
        // Nor does the API key stay in the page once it is in use.
        assert!(!html.contains(&key));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_of_another_organisation_is_refused_with_its_own_code() {
    let stack = E2eStack::start();
    let url = stack.url("/");
    let org = stack.org.clone();
    with_browser(move |b| async move {
        let page = ConsolePage::new(&b);
        page.open(&url).await;
        page.choose_organisation(&org, KEY_B).await;
        assert_eq!(page.error_code().await, "wrong_organisation");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_organisation_shows_the_empty_state_and_bad_input_stays_in_the_form() {
    let stack = E2eStack::start();
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let page = ConsolePage::new(&b);
        page.open(&url).await;
        page.fill_organisation("bad/org", "").await;
        page.submit_organisation().await;
        assert!(!page.field_error("org-id").await.is_empty());
        assert!(!page.field_error("api-key").await.is_empty());
        // Nothing was lost: the typed id is still there to correct.
        assert_eq!(page.typed_organisation().await, "bad/org");

        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        page.wait_for_empty_list().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_credential_is_validated_created_and_counts_down() {
    let stack = E2eStack::start();
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    with_browser(move |b| async move {
        let page = ConsolePage::new(&b);
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;

        // Custom seconds outside 60..=86400: the console refuses before sending,
        // naming the range.
        page.choose_custom_expiry("59").await;
        page.create_jwt().await;
        assert!(page.field_error("jwt-expiry").await.contains("60–86400"));
        assert!(!page.has_jwt_result().await, "nothing was created");
        b.screenshot("jwt-invalid-expiry").await;

        page.choose_expiry(3600).await;
        page.type_client_id("console-e2e").await;
        page.create_jwt().await;
        page.wait_for_jwt_value("jwt-client-id-value", "local-console-e2e")
            .await;
        page.wait_for_jwt_value("jwt-topic-prefix", &prefix).await;
        let left = page.countdown_clock().await;
        assert!(left == "1:00:00" || left.starts_with("59:"), "{left}");
        // The token is masked until asked for.
        assert!(page.jwt_value("jwt-token").await.starts_with('•'));
        let snippet = page.jwt_value("jwt-mosquitto-sub").await;
        assert!(
            snippet.contains("-u '' -P \"$TILLOR_MQTT_PASSWORD\""),
            "{snippet}"
        );
        assert!(snippet.contains("-i 'local-console-e2e'"), "{snippet}");
        b.screenshot("jwt-created").await;

        // One minute: the countdown is a warning from the start.
        page.choose_expiry(60).await;
        page.renew_jwt().await;
        page.wait_for_countdown_phase("warning").await;
        b.screenshot("jwt-expiring").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_password_is_shown_once_and_is_gone_after_the_dialog() {
    let stack = E2eStack::start();
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let page = ConsolePage::new(&b);
        page.open(&url).await;
        page.choose_organisation_remembering(&org, &key).await;

        page.create_static("Till 1").await;
        assert_eq!(page.dialog_label().await.as_deref(), Some("reveal-title"));
        let password = page.revealed_password().await;
        assert_eq!(password.len(), 32, "{password}");
        page.wait_for_focus_in_dialog().await;
        assert!(!page.done_enabled().await, "Done waits for the checkbox");
        b.screenshot("reveal-once-dialog").await;

        // Tab wraps inside the dialog.
        for _ in 0..40 {
            b.press("\u{e004}").await;
            assert!(page.focus_is_in_dialog().await);
        }

        page.copy_password().await;
        assert!(page.escape_asks_first().await);
        b.screenshot("reveal-once-confirm").await;
        page.keep_dialog_open().await;
        page.acknowledge_and_close().await;

        // Focus returns to the new row.
        let rows = page.static_rows(1).await;
        assert!(rows[0].contains("Till 1"));
        let row_id = page.first_row_id().await;
        b.wait_until(
            &format!("return document.activeElement?.id === '{row_id}'"),
            "focus on the new row",
        )
        .await;

        // The password is nowhere: not in the DOM, not in storage, not in the URL.
        let everywhere = b.everything_stored().await;
        assert!(!everywhere.contains(&password), "the password is still on the page or in storage");
        // Only the API key was remembered, as asked, and only in sessionStorage.
        assert!(b.eval("return JSON.stringify(sessionStorage)").await.contains(&key));
        let local = b.eval("return JSON.stringify(localStorage)").await;
        assert!(!local.contains(&key), "the API key reached localStorage: {local}");
        assert_eq!(
            b.eval("return Object.keys(localStorage).filter(k => !k.startsWith('tillor-console:settings:') && k !== 'tillor-console:language').join(',')").await,
            "",
            "localStorage holds only non-secret settings"
        );
        b.screenshot("static-created").await;

        // Delete asks first, names the credential, and the row goes.
        let dialog = page.delete_first_static().await;
        assert!(dialog.contains("Till 1"), "{dialog}");
        b.screenshot("delete-confirm").await;
        page.confirm_delete().await;
        page.wait_for_empty_list().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_host_page_mounts_the_console_with_its_own_configuration() {
    let stack = E2eStack::start();
    stack.create_static("Embedded").await;
    let url = stack.url("/embed-example.html");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let page = ConsolePage::new(&b);
        page.open(&url).await;
        // The host asked for English and gets it, inside its own slot, once.
        assert_eq!(page.language().await, "en");
        assert_eq!(b.find_all("#host-slot .tillor-console").await.len(), 1);
        assert_eq!(
            b.find_all(".tillor-console").await.len(),
            1,
            "mounted once, by the host"
        );
        page.choose_organisation(&org, &key).await;
        let rows = page.static_rows(1).await;
        assert!(rows[0].contains("Embedded"));
        b.screenshot("embedded-host-page").await;
        assert_eq!(b.csp_violations().await, Vec::<String>::new());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_test_client_is_fetched_when_opened_and_a_failed_fetch_can_be_retried() {
    let stack = E2eStack::start();
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        page.wait_for_empty_list().await;
        // The credentials are usable, and only the first screen's module came.
        assert_eq!(page.fetched_wasm().await, ["tillor-console_bg.wasm"]);

        // Its module cannot be fetched: the card says so, the rest still works.
        page.parts_unreachable(true).await;
        client.press_open().await;
        client.wait_for_load_failure().await;
        b.screenshot("test-client-failed-to-load").await;
        page.create_jwt().await;
        page.wait_for_jwt_result().await;

        // Reachable again, a retry loads it (a failure is not remembered).
        page.parts_unreachable(false).await;
        client.retry_load().await;
        client.open().await;
        let fetched = page.fetched_wasm().await;
        assert!(
            fetched.iter().any(|f| f.starts_with("split_test_client")),
            "{fetched:?}"
        );
        assert!(
            !fetched.iter().any(|f| f.starts_with("split_support")),
            "{fetched:?}"
        );
    })
    .await;
}
