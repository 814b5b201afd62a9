//! Verbindingen in headless Chromium: integrations that fail at the real
//! broker, with Mosquitto's own clients, show up with their reason.

mod support;

use support::{
    mosquitto, mosquitto_as, with_browser, ConnectionsPage, ConsolePage, E2eStack, TestClientPage,
    KEY_B, ORG_B,
};

#[tokio::test(flavor = "multi_thread")]
async fn failing_integrations_show_their_reason_in_their_organisation_only() {
    let stack = E2eStack::start();
    let cred = stack.create_static("Warehouse").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    // A JWT for a device that subscribes where it may not.
    let jwt = stack.create_jwt("nosy-device").await;
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
        with_jwt(port, "mosquitto_sub", device, token, &["-t", "tillor/local/org-b/integration/#", "-C", "1", "-W", "1"]);
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

        // The console's own test client is marked as such.
        connections.filter_by_client("").await;
        page.create_jwt().await;
        page.use_jwt_in_test_client().await;
        let own_id = page.jwt_value("jwt-client-id-value").await;
        TestClientPage::new(&b).connect_and_wait().await;
        connections.wait_for_event(&own_id, "connected").await;
        assert!(connections.marked_as_own(&own_id, "connected").await);
        assert!(!connections.marked_as_own(device, "connected").await);

        // Another organisation sees none of it.
        page.switch_organisation().await;
        page.choose_organisation(ORG_B, KEY_B).await;
        assert!(connections.shows_nothing().await);
    })
    .await;
}

/// An expired token, signed with the stack's own key, as an integration
/// would still hold one a day later.
fn expired_token(stack: &E2eStack, client_id: &str) -> (String, i64) {
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    let ns = tillor_contract::Namespace::new(tillor_contract::Env::Local, &stack.org).unwrap();
    let exp = time_now() - 3600;
    let claims =
        tillor_contract::claims::MqttTokenClaims::new(&ns, client_id, "old".into(), exp - 60, exp);
    let pem = std::fs::read(stack.data_dir.join("jwt-signing-key.pem")).unwrap();
    let token = encode(
        &Header::new(Algorithm::ES256),
        &claims,
        &EncodingKey::from_ec_pem(&pem).unwrap(),
    )
    .unwrap();
    (token, exp)
}

fn time_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Runs one of Mosquitto's clients with a JWT (an empty username).
fn with_jwt(port: u16, tool: &str, client_id: &str, token: &str, args: &[&str]) {
    let _ = mosquitto_as(tool, port, "", token, client_id, args)
        .output()
        .unwrap();
}

/// The six ways support hears about, each in the organisation's
/// Verbindingen with its specific reason, and none in another's.
#[tokio::test(flavor = "multi_thread")]
async fn six_failing_integrations_each_show_their_specific_reason() {
    let stack = E2eStack::start();
    let cred = stack.create_static("Counter").await;
    let jwt = stack.create_jwt("device").await;
    let (old_token, _) = expired_token(&stack, "local-old-device");
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    with_browser(move |b| async move {
        let (page, connections) = (ConsolePage::new(&b), ConnectionsPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        let (token, device) = (
            jwt["token"].as_str().unwrap(),
            jwt["clientId"].as_str().unwrap(),
        );
        let static_id = cred["clientId"].as_str().unwrap();
        let publish = ["-t", &format!("{prefix}/x") as &str, "-m", "x"];

        // 1. The wrong password.
        let mut wrong = cred.clone();
        wrong["password"] = "not-the-password".into();
        let _ = mosquitto("mosquitto_pub", port, &wrong, &publish).output();
        assert_eq!(
            connections
                .wait_for_event(static_id, "refused")
                .await
                .as_deref(),
            Some("wrong_password")
        );

        // 2. An expired JWT.
        with_jwt(
            port,
            "mosquitto_pub",
            "local-old-device",
            &old_token,
            &publish,
        );
        assert_eq!(
            connections
                .wait_for_event("local-old-device", "refused")
                .await
                .as_deref(),
            Some("expired")
        );

        // 3. A JWT with another clientId than its own.
        with_jwt(port, "mosquitto_pub", "local-borrowed", token, &publish);
        assert_eq!(
            connections
                .wait_for_event("local-borrowed", "refused")
                .await
                .as_deref(),
            Some("client_id_mismatch")
        );

        // 4. A subscription outside the namespace.
        with_jwt(
            port,
            "mosquitto_sub",
            device,
            token,
            &[
                "-t",
                "tillor/local/org-b/integration/#",
                "-C",
                "1",
                "-W",
                "1",
            ],
        );
        assert_eq!(
            connections
                .wait_for_event(device, "subscribe_refused")
                .await
                .as_deref(),
            Some("outside_namespace")
        );

        // 5. A publish outside the namespace.
        with_jwt(
            port,
            "mosquitto_pub",
            device,
            token,
            &["-t", "tillor/local/org-b/integration/x", "-m", "x"],
        );
        assert_eq!(
            connections
                .wait_for_event(device, "publish_refused")
                .await
                .as_deref(),
            Some("outside_namespace")
        );

        // 6. A second connection with the same clientId takes the first over.
        let mut first = mosquitto(
            "mosquitto_sub",
            port,
            &cred,
            &["-t", &format!("{prefix}/#")],
        )
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
        connections.wait_for_event(static_id, "connected").await;
        let _ = mosquitto("mosquitto_pub", port, &cred, &publish).output();
        assert_eq!(
            connections.wait_for_cause(static_id, "taken_over").await,
            "taken_over"
        );
        // mosquitto_sub reconnects: the credential is in use, and deleting
        // it says so first.
        let cred_id = cred["id"].as_str().unwrap();
        page.reload_static_list().await;
        page.wait_for_connected(cred_id, 1).await;
        b.eval("document.getElementById('static-title').scrollIntoView(); return ''")
            .await;
        b.screenshot("static-credentials-connected").await;
        assert_eq!(
            page.delete_warns_of_sessions(cred_id).await.as_deref(),
            Some("1")
        );
        // Support disconnects it from Verbindingen, after a confirmation.
        connections.wait_for_live(static_id).await;
        connections.kick(static_id).await;
        assert_eq!(
            connections.wait_for_cause(static_id, "kicked").await,
            "kicked"
        );
        let _ = first.kill();
        let _ = first.wait();
        connections.show().await;
        b.screenshot("connections-six-failures").await;

        // None of it reaches another organisation.
        page.switch_organisation().await;
        page.choose_organisation(ORG_B, KEY_B).await;
        assert!(connections.shows_nothing().await);
    })
    .await;
}
