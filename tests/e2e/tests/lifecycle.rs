//! The credential lifecycle in headless Chromium against the real stack:
//! support revokes a token, or all of a client id's, and gives a static
//! credential a new password, and the integrations (Mosquitto's own
//! clients) using them are cut off.

mod support;

use std::time::Instant;

use support::{
    mosquitto, mosquitto_as, with_browser, ConnectionsPage, ConsolePage, E2eStack, LifecyclePage,
    TestClientPage, KEY_B, ORG_B,
};

/// A JWT integration holding a session open.
fn jwt_subscriber(port: u16, client_id: &str, token: &str, topic: &str) -> std::process::Child {
    mosquitto_as("mosquitto_sub", port, "", token, client_id, &["-t", topic])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn publishes(port: u16, user: &str, password: &str, client_id: &str, topic: &str) -> bool {
    mosquitto_as(
        "mosquitto_pub",
        port,
        user,
        password,
        client_id,
        &["-t", topic, "-m", "x"],
    )
    .output()
    .unwrap()
    .status
    .success()
}

#[tokio::test(flavor = "multi_thread")]
async fn revoking_and_rotating_from_the_console_cut_off_the_integrations_using_them() {
    let stack = E2eStack::start();
    let cred = stack.create_static("Rotated").await;
    let device = stack.create_jwt("lost-laptop").await;
    let older = stack.create_jwt("gateway").await;
    let gateway = stack.create_jwt("gateway").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    let topic = format!("{prefix}/#");
    let value = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap().to_owned();
    let revoked = [device.clone(), older.clone(), gateway.clone()];
    with_browser(move |b| async move {
        let (page, connections, lifecycle) = (
            ConsolePage::new(&b),
            ConnectionsPage::new(&b),
            LifecyclePage::new(&b),
        );
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        connections.open().await;

        // 1. A leaked token, revoked by its id: its session is cut off, the
        // token is refused, a newer one for the same client id works.
        let (token, id) = (value(&device, "token"), value(&device, "clientId"));
        let mut laptop = jwt_subscriber(port, &id, &token, &topic);
        connections.wait_for_event(&id, "connected").await;
        lifecycle.wait_for_token(&id).await;
        let asked = Instant::now();
        assert_eq!(
            lifecycle.revoke(&id).await,
            id,
            "the confirmation names the client id"
        );
        connections.wait_for_cause(&id, "token_revoked").await;
        eprintln!(
            "revoked session shown as cut off after {} ms",
            asked.elapsed().as_millis()
        );
        lifecycle.wait_for_revoked(&id).await;
        let _ = laptop.kill();
        let _ = laptop.wait();
        assert!(!publishes(port, "", &token, &id, &format!("{prefix}/x")));
        assert_eq!(
            connections.wait_for_event(&id, "refused").await.as_deref(),
            Some("revoked")
        );

        // 2. Every token of a client id, revoked at once.
        let gw = value(&gateway, "clientId");
        let mut sub = jwt_subscriber(port, &gw, &value(&gateway, "token"), &topic);
        connections.wait_for_event(&gw, "connected").await;
        assert_eq!(lifecycle.revoke_all(&gw).await, gw);
        connections.wait_for_cause(&gw, "token_revoked").await;
        lifecycle.wait_for_revoked(&gw).await;
        let _ = sub.kill();
        let _ = sub.wait();
        assert!(!publishes(
            port,
            "",
            &value(&older, "token"),
            &gw,
            &format!("{prefix}/x")
        ));

        // 3. A static credential's new password: the integration on the old
        // one is cut off, the old one is refused and the new one works.
        let (cred_id, static_id) = (value(&cred, "id"), value(&cred, "clientId"));
        let mut integration = mosquitto("mosquitto_sub", port, &cred, &["-t", &topic])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        connections.wait_for_event(&static_id, "connected").await;
        page.reload_static_list().await;
        page.wait_for_connected(&cred_id, 1).await;
        assert_eq!(lifecycle.rotate(&cred_id).await.as_deref(), Some("1"));
        // The same reveal-once dialog as on create.
        let password = page.revealed_password().await;
        page.wait_for_focus_in_dialog().await;
        assert_ne!(password, value(&cred, "password"));
        b.screenshot("rotate-reveal-once").await;
        page.acknowledge_and_close().await;
        connections
            .wait_for_cause(&static_id, "password_rotated")
            .await;
        let _ = integration.kill();
        let _ = integration.wait();
        let user = value(&cred, "userName");
        assert!(!publishes(
            port,
            &user,
            &value(&cred, "password"),
            &static_id,
            &format!("{prefix}/x")
        ));
        assert!(publishes(
            port,
            &user,
            &password,
            &static_id,
            &format!("{prefix}/x")
        ));
        connections.wait_for_event(&static_id, "rotated").await;

        // 4. The test client's own token is marked in the list; revoked, the
        // test client says that is why it was cut off, and stops retrying.
        page.create_jwt().await;
        page.use_jwt_in_test_client().await;
        let own_id = page.jwt_value("jwt-client-id-value").await;
        let test_client = TestClientPage::new(&b);
        test_client.connect_and_wait().await;
        assert!(lifecycle.marked_as_test_clients(&own_id).await);
        assert_eq!(lifecycle.revoke(&own_id).await, own_id);
        test_client.wait_for_step("stopped-token-revoked").await;
        connections.wait_for_cause(&own_id, "token_revoked").await;
        b.screenshot("test-client-token-revoked").await;
        connections.show().await;
        b.screenshot("lifecycle-events").await;

        // 5. Another organisation sees none of these tokens.
        page.switch_organisation().await;
        page.choose_organisation(ORG_B, KEY_B).await;
        connections.open().await;
        assert!(connections.shows_nothing().await);
        assert!(!b.exists(".jwt-tokens li").await);
    })
    .await;

    // After a restart of the whole stack the revoked tokens are refused from
    // the first try, and a newer token for the same client id works.
    let stack = stack.restart();
    let x = format!("{}/x", stack.prefix());
    for jwt in &revoked {
        let (token, id) = (value(jwt, "token"), value(jwt, "clientId"));
        assert!(
            !publishes(stack.mqtt_port, "", &token, &id, &x),
            "{id} after a restart"
        );
    }
    for client in ["lost-laptop", "gateway"] {
        let newer = stack.create_jwt(client).await;
        let (token, id) = (value(&newer, "token"), value(&newer, "clientId"));
        assert!(
            publishes(stack.mqtt_port, "", &token, &id, &x),
            "a newer token for {id}"
        );
    }
}
