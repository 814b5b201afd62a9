//! The console's languages, end to end. The only end-to-end tests that read
//! translated copy: what they check is the translation itself.

mod support;

use support::{with_browser, ConsolePage, E2eStack, KEY_B};

#[tokio::test(flavor = "multi_thread")]
async fn a_key_of_another_organisation_is_explained_in_the_chosen_language() {
    let stack = E2eStack::start();
    let url = stack.url("/");
    let org = stack.org.clone();
    with_browser(move |b| async move {
        let page = ConsolePage::new(&b);
        page.open(&url).await;
        assert_eq!(page.language().await, "nl");
        assert_eq!(b.text("h1").await, "Ontwikkelaars");
        page.choose_organisation(&org, KEY_B).await;
        assert_eq!(
            page.error_text().await,
            "Deze API-sleutel hoort niet bij deze organisatie. De API-sleutel en de organisatie horen niet bij elkaar: controleer beide."
        );

        page.switch_language("en").await;
        assert_eq!(
            page.error_text().await,
            "This API key does not belong to this organisation. The API key and the organisation do not match: check both."
        );
        assert_eq!(b.text("h1").await, "Developers");
        b.screenshot("wrong-organisation-en").await;
    })
    .await;
}
