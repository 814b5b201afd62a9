//! From sign-in to a verified connection with the keyboard only: Tab,
//! Shift+Tab, Enter, Space and Escape (and typing into fields), with the
//! focus visible at every stop.

mod support;

use support::{with_browser, ConsolePage, E2eStack, TestClientPage};

const ENTER: &str = "\u{e007}";
const SPACE: &str = "\u{e00d}";
const ESCAPE: &str = "\u{e00c}";
/// Enough presses to cross any screen of the console.
const FAR: usize = 80;

#[tokio::test(flavor = "multi_thread")]
async fn a_keyboard_user_signs_in_makes_a_token_and_verifies_a_connection() {
    let stack = E2eStack::start();
    stack.create_static("Kassa").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;

        // Sign in.
        b.tab_to("#org-id", false, FAR).await;
        b.press(&org).await;
        b.tab_to("#api-key", false, FAR).await;
        b.press(&key).await;
        b.press(ENTER).await;
        page.static_rows(1).await;

        // A dialog opens and Escape closes it, giving focus back.
        b.tab_to("table.static-credentials button.delete", false, FAR)
            .await;
        b.press(ENTER).await;
        page.wait_for_focus_in_dialog().await;
        assert!(
            b.focus_is_visible().await,
            "in the dialog: {}",
            b.focused().await
        );
        b.press(ESCAPE).await;
        b.wait_until(
            "return !document.querySelector('[role=dialog]')",
            "the dialog to close",
        )
        .await;
        assert!(
            b.holds("return document.activeElement?.matches('button.delete') === true")
                .await,
            "focus went back to what opened the dialog, not to {}",
            b.focused().await
        );
        assert!(b.focus_is_visible().await);

        // A token (its card is above), asked for with Space on the button.
        b.tab_to("#jwt-client-id", true, FAR).await;
        b.press("keyboard-1").await;
        b.tab_to(".jwt-form button[type=submit]", false, FAR).await;
        b.press(SPACE).await;
        page.wait_for_jwt_result().await;

        // Into the test client, then back one stop and forward again.
        b.tab_to("#jwt-use-in-test-client", false, FAR).await;
        b.press(ENTER).await;
        b.tab_to("#tc-connect", false, FAR).await;
        b.tab_to("#jwt-use-in-test-client", true, FAR).await;
        b.tab_to("#tc-connect", false, FAR).await;
        b.press(ENTER).await;
        client.wait_for_step("connack-accepted").await;
        b.tab_to("#tc-check", false, FAR).await;
        b.press(ENTER).await;
        client.wait_for_check("verified").await;
        b.screenshot("keyboard-verified").await;
    })
    .await;
}
