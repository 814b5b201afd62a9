//! Verbindingen in headless Chromium: integrations that fail at the real
//! broker, with Mosquitto's own clients, show up with their reason.

mod support;

use std::process::Command;

use support::{mosquitto, with_browser, ConnectionsPage, ConsolePage, E2eStack, KEY_B, ORG_B};

#[tokio::test(flavor = "multi_thread")]
async fn failing_integrations_show_their_reason_in_their_organisation_only() {
    let stack = E2eStack::start();
    let cred = stack.create_static("Warehouse").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    // A JWT for a device that subscribes where it may not.
    let jwt: serde_json::Value = stack
        .as_demo(
            reqwest::Method::POST,
            &tillor_contract::api::jwt_credentials_path(&org),
        )
        .json(&serde_json::json!({ "clientId": "nosy-device" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    with_browser(move |b| async move {
        let (page, connections) = (ConsolePage::new(&b), ConnectionsPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        assert!(connections.shows_nothing().await);

        // The warehouse's integration has the wrong password.
        let mut wrong = cred.clone();
        wrong["password"] = "not-the-password".into();
        let out = mosquitto("mosquitto_pub", port, &wrong, &["-t", &format!("{prefix}/x"), "-m", "x"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let id = cred["clientId"].as_str().unwrap();
        assert_eq!(
            connections.wait_for_event(id, "refused").await.as_deref(),
            Some("wrong_password")
        );

        // The device subscribes in another organisation's namespace.
        let token = jwt["token"].as_str().unwrap();
        let device = jwt["clientId"].as_str().unwrap();
        let _ = Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(["-u", "", "-P", token, "-i", device])
            .args(["-t", "tillor/local/org-b/integration/#", "-C", "1", "-W", "1"])
            .output()
            .unwrap();
        assert_eq!(
            connections.wait_for_event(device, "subscribe_refused").await.as_deref(),
            Some("outside_namespace")
        );
        // Level by level, as the test client's guard says it.
        let text = connections.text_of(device, "subscribe_refused").await;
        assert!(text.contains("`org-b`") && text.contains(&format!("`{org}`")), "{text}");
        connections.show().await;
        b.screenshot("connections").await;

        // Filtering by clientId leaves the device's lines.
        connections.filter_by_client(device).await;
        b.wait_until(
            "return [...document.querySelectorAll('.events li[data-kind]')].every(li => li.dataset.clientId.includes('nosy-device'))",
            "only the device's events",
        )
        .await;

        // Another organisation sees none of it.
        page.switch_organisation().await;
        page.choose_organisation(ORG_B, KEY_B).await;
        assert!(connections.shows_nothing().await);
    })
    .await;
}
