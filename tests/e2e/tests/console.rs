//! The built console in headless Chromium, served by the real local stack.

mod harness;

use fantoccini::Locator;
use harness::{choose_organisation, find, screenshot, wait_for_text, with_browser, Stack, KEY_B};

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
            "Deze API-sleutel hoort niet bij deze organisatie.",
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
            "This API key does not belong to this organisation.",
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
