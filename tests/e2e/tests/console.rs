//! The built console in headless Chromium, served by the real local stack.

mod harness;

use fantoccini::Locator;
use harness::{
    choose_organisation, click, eval, find, screenshot, wait_for_text, wait_until, with_browser,
    Stack, KEY_B,
};

#[tokio::test(flavor = "multi_thread")]
async fn the_console_lists_the_organisations_static_credentials_from_the_api() {
    let stack = Stack::start().await;
    let older = stack.create_static("ERP koppeling").await;
    let newer = stack.create_static("Kassa filiaal 2").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        wait_for_text(&c, "h1", "Ontwikkelaars").await;
        wait_for_text(&c, ".context-env", "local").await;
        choose_organisation(&c, &org, &key).await;

        find(&c, "table.static-credentials tbody tr").await;
        let rows = c
            .find_all(Locator::Css("table.static-credentials tbody tr"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        screenshot(&c, "static-credentials").await;
        let first = rows[0].text().await.unwrap();
        let second = rows[1].text().await.unwrap();
        assert!(first.contains("Kassa filiaal 2"), "newest first: {first}");
        assert!(first.contains(newer["userName"].as_str().unwrap()));
        assert!(first.contains(newer["clientId"].as_str().unwrap()));
        assert!(second.contains("ERP koppeling"));
        assert!(second.contains(&format!("tillor/local/{org}/integration")));

        wait_for_text(&c, ".context-org", &org).await;
        wait_for_text(&c, ".context-header", &format!("X-Tillor-Org-Id: {org}")).await;

        // The list never carries a password, so the page cannot show one.
        let html = c.source().await.unwrap();
        for created in [&older, &newer] {
            assert!(!html.contains(created["password"].as_str().unwrap()));
        }
        // Nor does the API key stay in the page once it is in use.
        assert!(!html.contains(&key));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_of_another_organisation_is_explained_in_the_chosen_language() {
    let stack = Stack::start().await;
    let url = stack.url("/");
    let org = stack.org.clone();
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, KEY_B).await;
        wait_for_text(
            &c,
            ".error-notice p",
            "Deze API-sleutel hoort niet bij deze organisatie. De API-sleutel en de organisatie horen niet bij elkaar: controleer beide.",
        )
        .await;

        c.execute(
            "const s = document.querySelector('.language-switch select');\
             s.value = 'en'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .unwrap();
        wait_for_text(
            &c,
            ".error-notice p",
            "This API key does not belong to this organisation. The API key and the organisation do not match: check both.",
        )
        .await;
        wait_for_text(&c, "h1", "Developers").await;
        screenshot(&c, "wrong-organisation-en").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_organisation_shows_the_empty_state_and_bad_input_stays_in_the_form() {
    let stack = Stack::start().await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        find(&c, "#org-id")
            .await
            .send_keys("bad/org")
            .await
            .unwrap();
        find(&c, ".organisation-picker button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(
            &c,
            "#org-id-error",
            "Alleen letters, cijfers, - en _ (maximaal 64 tekens).",
        )
        .await;
        wait_for_text(&c, "#api-key-error", "Vul dit veld in.").await;
        // Nothing was lost: the typed id is still there to correct.
        let typed = find(&c, "#org-id").await.prop("value").await.unwrap();
        assert_eq!(typed.as_deref(), Some("bad/org"));

        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        wait_for_text(
            &c,
            ".empty-state",
            "Deze organisatie heeft nog geen statische inloggegevens.",
        )
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_credential_is_validated_created_and_counts_down() {
    let stack = Stack::start().await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;

        // Custom seconds outside 60..=86400: the console refuses before sending,
        // with the same text the server's error code gets.
        click(&c, "#expiry-custom").await;
        let custom = find(&c, "#jwt-custom-seconds").await;
        custom.clear().await.unwrap();
        custom.send_keys("59").await.unwrap();
        click(&c, ".jwt-form button[type=submit]").await;
        wait_for_text(
            &c,
            "#jwt-expiry-error",
            "Deze waarde valt buiten het toegestane bereik. (60–86400)",
        )
        .await;
        assert!(
            c.find(Locator::Css(".jwt-result")).await.is_err(),
            "nothing was created"
        );
        screenshot(&c, "jwt-invalid-expiry").await;

        click(&c, "#expiry-3600").await;
        find(&c, "#jwt-client-id")
            .await
            .send_keys("console-e2e")
            .await
            .unwrap();
        click(&c, ".jwt-form button[type=submit]").await;
        wait_for_text(&c, "#jwt-client-id-value", "local-console-e2e").await;
        wait_for_text(
            &c,
            "#jwt-topic-prefix",
            &format!("tillor/local/{org}/integration"),
        )
        .await;
        let left = find(&c, ".countdown").await.text().await.unwrap();
        assert!(
            left.starts_with("nog 1:00:00") || left.starts_with("nog 59:"),
            "{left}"
        );
        // The token is masked until asked for.
        assert!(find(&c, "#jwt-token")
            .await
            .text()
            .await
            .unwrap()
            .starts_with('•'));
        let snippet = find(&c, "#jwt-mosquitto-sub").await.text().await.unwrap();
        assert!(
            snippet.contains("-u '' -P \"$TILLOR_MQTT_PASSWORD\""),
            "{snippet}"
        );
        assert!(snippet.contains("-i 'local-console-e2e'"), "{snippet}");
        screenshot(&c, "jwt-created").await;

        // One minute: the countdown is a warning from the start.
        click(&c, "#expiry-60").await;
        click(&c, ".renew").await;
        wait_until(
            &c,
            "return document.querySelector('.countdown')?.dataset.phase === 'warning'",
            "the warning phase",
        )
        .await;
        screenshot(&c, "jwt-expiring").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_password_is_shown_once_and_is_gone_after_the_dialog() {
    let stack = Stack::start().await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        find(&c, "#org-id").await.send_keys(&org).await.unwrap();
        find(&c, "#api-key").await.send_keys(&key).await.unwrap();
        click(&c, "#remember-key").await;
        click(&c, ".organisation-picker button[type=submit]").await;

        find(&c, "#static-name").await.send_keys("Kassa 1").await.unwrap();
        click(&c, ".static-form button[type=submit]").await;
        let dialog = find(&c, "[role=dialog][aria-modal=true]").await;
        assert_eq!(dialog.attr("aria-labelledby").await.unwrap().as_deref(), Some("reveal-title"));
        let password = find(&c, "#reveal-password").await.text().await.unwrap();
        assert_eq!(password.len(), 32, "{password}");
        // Focus moved into the dialog.
        wait_until(&c, "return document.querySelector('.modal').contains(document.activeElement)", "focus in the dialog").await;
        assert!(!find(&c, "#reveal-done").await.is_enabled().await.unwrap(), "Done waits for the checkbox");
        screenshot(&c, "reveal-once-dialog").await;

        // Tab wraps inside the dialog.
        for _ in 0..40 {
            c.active_element().await.unwrap().send_keys("\u{e004}").await.unwrap();
            assert_eq!(eval(&c, "return String(document.querySelector('.modal').contains(document.activeElement))").await, "true");
        }

        click(&c, "#reveal-password + button.copy").await;
        wait_until(
            &c,
            "const t = document.getElementById('tillor-status').textContent; return t === 'Gekopieerd' || t.startsWith('Kopiëren lukte niet');",
            "the copy result in the status region",
        )
        .await;

        // Escape before acknowledging asks first.
        c.active_element().await.unwrap().send_keys("\u{e00c}").await.unwrap();
        wait_for_text(&c, "#confirm-lose-text", "U kunt dit wachtwoord hierna niet meer zien.").await;
        screenshot(&c, "reveal-once-confirm").await;
        click(&c, "#confirm-lose-no").await;
        click(&c, "#reveal-ack").await;
        click(&c, "#reveal-done").await;
        wait_until(&c, "return !document.querySelector('[role=dialog]')", "the dialog to close").await;

        // Focus returns to the new row.
        let row = find(&c, "table.static-credentials tbody tr").await;
        let row_id = row.attr("id").await.unwrap().unwrap();
        wait_until(&c, &format!("return document.activeElement?.id === '{row_id}'"), "focus on the new row").await;
        assert!(row.text().await.unwrap().contains("Kassa 1"));

        // The password is nowhere: not in the DOM, not in storage, not in the URL.
        let everywhere = eval(
            &c,
            "return document.documentElement.outerHTML + JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + location.href + history.length",
        )
        .await;
        assert!(!everywhere.contains(&password), "the password is still on the page or in storage");
        // Only the API key was remembered, as asked, and only in sessionStorage.
        assert!(eval(&c, "return JSON.stringify(sessionStorage)").await.contains(&key));
        let local = eval(&c, "return JSON.stringify(localStorage)").await;
        assert!(!local.contains(&key), "the API key reached localStorage: {local}");
        assert_eq!(
            eval(&c, "return Object.keys(localStorage).filter(k => !k.startsWith('tillor-console:settings:') && k !== 'tillor-console:language').join(',')").await,
            "",
            "localStorage holds only non-secret settings"
        );
        screenshot(&c, "static-created").await;

        // Delete asks first, names the credential, and the row goes.
        click(&c, "button.delete").await;
        let text = find(&c, ".delete-dialog").await.text().await.unwrap();
        assert!(text.contains("Kassa 1"), "{text}");
        assert!(text.contains("direct afgesloten"), "{text}");
        screenshot(&c, "delete-confirm").await;
        click(&c, "#delete-confirm").await;
        wait_for_text(&c, ".empty-state", "Deze organisatie heeft nog geen statische inloggegevens.").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_host_page_mounts_the_console_with_its_own_configuration() {
    let stack = Stack::start().await;
    stack.create_static("Embedded").await;
    let url = stack.url("/embed-example.html");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        // The host asked for English and gets it inside its own slot.
        wait_for_text(&c, "#host-slot h1", "Developers").await;
        assert_eq!(
            eval(
                &c,
                "return String(document.querySelectorAll('.tillor-console').length)"
            )
            .await,
            "1",
            "mounted once, by the host"
        );
        choose_organisation(&c, &org, &key).await;
        let row = find(&c, "#host-slot table.static-credentials tbody tr").await;
        assert!(row.text().await.unwrap().contains("Embedded"));
        screenshot(&c, "embedded-host-page").await;
    })
    .await;
}
