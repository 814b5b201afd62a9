//! The console's MQTT test client in headless Chromium against the real broker,
//! with Mosquitto's own clients on the other side.

mod support;

use std::process::Stdio;
use std::time::Duration;

use support::{
    mosquitto, publish, publish_lines, with_browser, ConsolePage, E2eStack, TestClientPage,
};

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_session_is_verified_and_what_it_publishes_reaches_mosquitto_sub() {
    let stack = E2eStack::start();
    let peer = stack.create_static("CLI peer").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    // mosquitto_sub waits for what the console will publish.
    let sub = mosquitto(
        "mosquitto_sub",
        stack.mqtt_port,
        &peer,
        &["-t", &format!("{prefix}/test"), "-C", "1", "-v", "-W", "60"],
    )
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        page.create_jwt().await;
        page.use_jwt_in_test_client().await;
        client.check_connectivity().await;
        client.wait_for_check("verified").await;
        client.wait_for_step("connack-accepted").await;
        // A JWT connects with an empty username; the step says so.
        assert!(!client.step_text("connect-sent").await.contains(&org));
        b.screenshot("test-client-verified").await;

        // Subscribe to everything of the namespace (the default filter is `#`).
        client.subscribe().await;
        client.wait_for_granted_subscription().await;
        // Publish from the console: mosquitto_sub (started before) receives it.
        client.type_payload("from the console").await;
        client.publish().await;
        client.wait_for_step("delivered").await;
    })
    .await;
    let out = sub.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("{}/test from the console", stack.prefix()),
        "mosquitto_sub received the console's message"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_from_mosquitto_pub_arrive_and_a_filter_outside_is_flagged_then_refused() {
    let stack = E2eStack::start();
    let created = stack.create_static("Tester").await;
    let peer = stack.create_static("CLI peer").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect_and_subscribe().await;

        assert!(client.has_step("opened-in-worker").await);
        publish(
            port,
            &peer,
            &format!("{prefix}/from-cli"),
            "from mosquitto_pub",
        );
        client.wait_for_message("from mosquitto_pub").await;

        // A filter in another organisation: flagged before sending, level named.
        client
            .type_full_filter("tillor/local/other-org/integration/#")
            .await;
        let findings = client.filter_findings().await;
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].contains("`other-org`") && findings[0].contains(&format!("`{org}`")));
        assert!(!client.can_subscribe().await, "refused before sending");
        b.screenshot("test-client-guard").await;
        // Sent anyway, the broker answers 0x80 and the console shows it beside the prediction.
        client.subscribe_anyway().await;
        client.wait_for_step("suback-refused").await;
        b.screenshot("test-client-refused").await;
        // All of it (the worker, the log's rows, the swatches) ran under the
        // console's own Content-Security-Policy.
        assert_eq!(b.csp_violations().await, Vec::<String>::new());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_a_client_id_takeover_and_a_deleted_credential_are_explained() {
    let stack = E2eStack::start();
    let created = stack.create_static("Will be deleted").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    let delete_url = stack.url(&tillor_contract::api::static_credential_path(
        &org,
        created["id"].as_str().unwrap(),
    ));
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.type_credential(&created, "wrong-password").await;
        client.connect().await;
        client.wait_for_step("connack-refused").await;
        client.wait_for_step("stopped-refused").await;
        b.screenshot("test-client-connack-5").await;

        // Start over with the right password.
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect_and_wait().await;

        // The same clientId connecting elsewhere takes the session over.
        let status = mosquitto(
            "mosquitto_pub",
            port,
            &created,
            &["-t", &format!("{prefix}/x"), "-m", "takeover"],
        )
        .status()
        .unwrap();
        assert!(status.success());
        client.wait_for_step("closed-by-broker").await;
        b.screenshot("test-client-takeover").await;
        // A single takeover is followed by a reconnect on its own.
        client.wait_for_steps("connack-accepted", 2).await;

        // Another client that keeps reconnecting with the same clientId would make
        // the two take the session from each other forever: the console stops.
        let mut rival = mosquitto(
            "mosquitto_sub",
            port,
            &created,
            &["-t", &format!("{prefix}/#")],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        client.wait_for_step("stopped-takeover-loop").await;
        let _ = rival.kill();
        let _ = rival.wait();
        b.screenshot("test-client-takeover-loop").await;
        client.connect().await;
        client.wait_for_status("connected").await;

        let resp = reqwest::Client::new()
            .delete(&delete_url)
            .header("x-api-key", &key)
            .header("X-Tillor-Org-Id", &org)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
        client.wait_for_steps("closed-by-broker", 2).await;
        assert_eq!(client.status().await, "closed");
        b.screenshot("test-client-cut-off").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_broker_restart_the_client_reconnects_resubscribes_and_shows_a_message_once() {
    let stack = std::sync::Arc::new(E2eStack::start());
    let created = stack.create_static("Survivor").await;
    let peer = stack.create_static("CLI peer").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    let killer = stack.clone();
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect_and_subscribe().await;

        killer.kill_broker();
        client.wait_for_step("reconnecting").await;
        // Connected again and the subscription granted a second time.
        client.wait_for_steps("suback-granted", 2).await;
        publish(
            port,
            &peer,
            &format!("{prefix}/after-restart"),
            "after the restart",
        );
        client.wait_for_message("after the restart").await;
        assert_eq!(
            client.rows_showing("after the restart").await,
            1,
            "exactly once"
        );
        b.screenshot("test-client-reconnected").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_thousand_messages_keep_the_log_at_its_cap_with_true_counters() {
    let stack = E2eStack::start();
    let created = stack.create_static("Flood reader").await;
    let peer = stack.create_static("Flood writer").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect_and_subscribe().await;

        publish_lines(
            port,
            &peer,
            &format!("{prefix}/flood"),
            (1..=20_000).map(|i| format!("message {i}")),
        );

        client.wait_for_received(20_000).await;
        assert_eq!(client.in_log().await, 10_000, "the log stays at its cap");
        // Only the rows in view exist in the page, and they are all in use.
        let (rows, hidden) = client.row_slots().await;
        assert!(rows < 30, "{rows} rows rendered");
        assert_eq!(hidden, 0, "a full log leaves no row slot empty");
        let newest = client.newest_row().await;
        assert!(newest.contains("message 20000"), "{newest}");
        client.show_counters().await;
        b.screenshot("test-client-flood").await;

        // Filtering by payload text finds one message among 10,000.
        client.filter_log("message 19999").await;
        client.wait_for_visible_rows(1, "message 19999").await;

        // Scrolled down, the messages in view stay in view while new ones arrive.
        client.filter_log("").await;
        client.scroll_log_to(280).await;
        b.wait_until(
            "return document.querySelector('.log-viewport').scrollTop === 280",
            "the log scrolled",
        )
        .await;
        let mut top = String::new();
        for _ in 0..100 {
            top = client.top_row_payload().await;
            if top == "message 19990" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(top, "message 19990");
        publish_lines(
            port,
            &peer,
            &format!("{prefix}/flood"),
            (1..=5).map(|i| format!("more {i}")),
        );
        client.wait_for_received(20_005).await;
        client
            .wait_for_log_scrolled_to(280 + 5 * support::ROW_PX)
            .await;
        assert_eq!(
            client.top_row_payload().await,
            "message 19990",
            "the view stayed on the same message"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn e_recent_publishes_can_be_switched_off_and_forgetting_an_organisation_clears_it() {
    let stack = E2eStack::start();
    let created = stack.create_static("Shared machine").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        let stored = || b.eval("return JSON.stringify(localStorage)");
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect_and_wait().await;
        client.type_payload("customer data 1").await;
        client.publish().await;
        client.wait_for_sent(1).await;
        client.wait_for_recent(1).await;
        assert!(stored().await.contains("customer data 1"));

        // Off: what was remembered goes, and nothing new is kept.
        client.toggle_remember_publishes().await;
        client.wait_for_recent(0).await;
        client.type_payload("customer data 2").await;
        client.publish().await;
        client.wait_for_sent(2).await;
        let now = stored().await;
        assert!(!now.contains("customer data"), "{now}");

        // Forgetting the organisation leaves nothing of it in this browser.
        client.label_subscription("kept until forgotten").await;
        client.subscribe().await;
        client.wait_for_granted_subscription().await;
        assert!(stored().await.contains("kept until forgotten"));
        page.forget_organisation().await;
        let after = stored().await;
        assert!(!after.contains(&org), "{after}");
        assert!(!after.contains("kept until forgotten"), "{after}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_survive_a_reload_and_no_secret_is_stored() {
    let stack = E2eStack::start();
    let created = stack.create_static("Remembered").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect_and_wait().await;
        client.label_subscription("everything of ours").await;
        client.subscribe().await;
        client.wait_for_granted_subscription().await;
        // A publish to remember, and log preferences.
        client.type_payload(r#"{"room":"kitchen","temp":21}"#).await;
        client.check_as_json().await;
        client.publish().await;
        client.wait_for_sent(1).await;
        client.set_log_format("json").await;
        client.set_log_cap(1000).await;
        page.switch_language("en").await;

        page.open(&url).await;
        assert_eq!(page.language().await, "en");
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        assert_eq!(client.subscription_label().await, "everything of ours");

        let stored = b
            .eval("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
            .await;
        assert!(stored.contains("everything of ours"), "{stored}");
        for secret in [created["password"].as_str().unwrap(), key.as_str()] {
            assert!(!stored.contains(secret), "a secret in storage: {stored}");
        }
        assert_eq!(client.log_format().await, "json");
        assert_eq!(client.log_cap().await, "1000");
        assert_eq!(client.in_log().await, 0);
        // The remembered subscription is requested again on connect.
        client.connect().await;
        client.wait_for_granted_subscription().await;
        // The remembered publish fills the form again and can be sent as it was.
        client.type_payload("").await;
        client.pick_recent(0).await;
        assert_eq!(client.payload().await, r#"{"room":"kitchen","temp":21}"#);
        assert!(client.checked_as_json().await);
        client.publish().await;
        // Received back through the subscription, shown as JSON, and opened whole.
        client.wait_for_received(1).await;
        client.open_newest_received().await;
        client.wait_for_details_containing("\"temp\": 21").await;
        assert_eq!(
            client.rows_marked_open().await,
            1,
            "the open message is marked in the list"
        );
        client.show_details().await;
        b.screenshot("test-client-remembered").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_jwt_is_not_retried_and_renew_and_reconnect_works() {
    let stack = E2eStack::start();
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        // The shortest token the API gives: one minute.
        page.choose_expiry(60).await;
        page.create_jwt().await;
        page.use_jwt_in_test_client().await;
        client.connect_and_subscribe().await;
        // The plugin cuts the session at expiry; the console does not retry.
        client
            .wait_for_steps_within("stopped-token-expired", 1, Duration::from_secs(90))
            .await;
        assert_eq!(
            client.step_count("reconnecting").await,
            0,
            "no reconnect was attempted with the expired token"
        );
        b.screenshot("test-client-token-expired").await;
        client.renew_and_reconnect().await;
        client.wait_for_status("connected").await;
        client.wait_for_granted_subscription().await;
        // The renewal is one more step in the same story, not a fresh start.
        assert!(client.has_step("token-renewed").await);
        assert!(client.has_step("closed-token-expired").await);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_renew_replaces_a_jwt_before_it_expires_and_the_session_carries_on() {
    let stack = E2eStack::start();
    let peer = stack.create_static("Renew peer").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        // A one-minute token renews halfway (30 s) rather than a minute ahead.
        page.choose_expiry(60).await;
        page.create_jwt().await;
        page.use_jwt_in_test_client().await;
        client.turn_on_auto_renew().await;
        client.connect_and_subscribe().await;
        let first_expiry = client.expiry_countdown().await;
        client
            .wait_for_steps_within("token-renewed", 1, Duration::from_secs(50))
            .await;
        client.wait_for_steps("suback-granted", 2).await;
        client.wait_for_status("connected").await;
        // The new token outlives the old one: past the first token's expiry the
        // session is still up and receives.
        tokio::time::sleep(Duration::from_secs(32)).await;
        publish(
            port,
            &peer,
            &format!("{prefix}/after-expiry"),
            "still connected",
        );
        client.wait_for_message("still connected").await;
        assert_eq!(client.status().await, "connected");
        assert!(!client.has_step("closed-token-expired").await);
        assert_ne!(client.expiry_countdown().await, first_expiry);
        // The diagnostics of before the renewal are still there.
        assert_eq!(client.step_count("connack-accepted").await, 2);
    })
    .await;
}

/// The example host page with a Content Security Policy that allows no
/// worker at all, as a strict dashboard might have.
const STRICT_HOST_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*; worker-src 'none'" />
    <link rel="stylesheet" href="/main.css" />
  </head>
  <body>
    <div id="host-slot"></div>
    <script type="module" src="/strict-host.js"></script>
  </body>
</html>"#;

/// Its script, a file: the console's server allows no inline script.
const STRICT_HOST_SCRIPT: &str = r#"
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.effectiveDirective));
import init, { mountTillorConsole } from "/tillor-console.js";
await init({ module_or_path: "/tillor-console_bg.wasm" });
mountTillorConsole(document.getElementById("host-slot"), { language: "nl", apiBase: "" });
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_host_page_that_forbids_workers_gets_the_socket_on_the_page_and_it_works() {
    let stack = E2eStack::start_with(
        &[
            ("strict-host.html", STRICT_HOST_PAGE),
            ("strict-host.js", STRICT_HOST_SCRIPT),
        ],
        &[],
    );
    let created = stack.create_static("Strict host").await;
    let peer = stack.create_static("Strict peer").await;
    let url = stack.url("/strict-host.html");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect_and_subscribe().await;
        publish(port, &peer, &format!("{prefix}/strict"), "without a worker");
        client.wait_for_message("without a worker").await;
        assert!(client.has_step("opened-on-page").await);
        // The worker really was refused; the console fell back to the page.
        assert!(
            b.eval("return window.__violations.join(',')")
                .await
                .contains("worker-src"),
            "the CSP did not refuse the worker, so this test proves nothing"
        );
    })
    .await;
}

/// Fix (a): a reconnect timer that fires after its organisation was switched
/// away read disposed signals, and `panic = "abort"` then killed the console.
#[tokio::test(flavor = "multi_thread")]
async fn switching_organisation_while_a_reconnect_waits_leaves_the_console_working() {
    // The console's broker URL points at a port nothing listens on, so every
    // attempt fails and a reconnect is always waiting.
    let closed = format!("ws://127.0.0.1:{}/mqtt", tillor_harness::free_port());
    let stack = E2eStack::start_with(&[], &[("TILLOR_PUBLIC_MQTT_WS_URL", &closed)]);
    let created = stack.create_static("Unreachable").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect().await;
        // The first backoff is 1 s; the second 2 s: one is always pending.
        client.wait_for_steps("reconnecting", 2).await;

        page.switch_organisation().await;
        // Past every timer the old client had started.
        tokio::time::sleep(Duration::from_secs(5)).await;
        let errors = b
            .eval("return JSON.stringify(window.__tillorErrors || [])")
            .await;
        assert!(
            !errors.contains("panicked"),
            "the console panicked: {errors}"
        );

        // Still alive: the picker works and the organisation's screen comes back.
        page.choose_organisation(&org, &key).await;
        page.static_rows(1).await;
        page.create_jwt().await;
        page.wait_for_jwt_value(
            "jwt-topic-prefix",
            &format!("tillor/local/{org}/integration"),
        )
        .await;
    })
    .await;
}

/// Fix (b): the export ran payloads through a lossy UTF-8 conversion.
#[tokio::test(flavor = "multi_thread")]
async fn the_export_keeps_a_binary_payload_byte_for_byte() {
    let stack = E2eStack::start();
    let created = stack.create_static("Exporter").await;
    let peer = stack.create_static("Binary peer").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    let binary: Vec<u8> = vec![0x00, 0xff, 0xfe, 0x80, b'A', 0xc3];
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &binary).unwrap();
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&created).await;
        client.connect_and_subscribe().await;
        let sent = mosquitto(
            "mosquitto_pub",
            port,
            &peer,
            &[
                "-t",
                &format!("{prefix}/bin"),
                "-f",
                file.path().to_str().unwrap(),
                "-q",
                "1",
            ],
        )
        .status()
        .unwrap();
        assert!(sent.success());
        publish(port, &peer, &format!("{prefix}/text"), "héllo");
        client.wait_for_received(2).await;

        let lines: Vec<serde_json::Value> = client
            .export_log()
            .await
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        let bin = lines
            .iter()
            .find(|l| l["topic"].as_str().unwrap().ends_with("/bin"))
            .unwrap();
        assert_eq!(bin["encoding"], "base64");
        assert_eq!(
            bin["payload"], "AP/+gEHD",
            "the bytes exactly, base64-encoded"
        );
        let text = lines
            .iter()
            .find(|l| l["topic"].as_str().unwrap().ends_with("/text"))
            .unwrap();
        assert_eq!(text["payload"], "héllo");
        assert!(text.get("encoding").is_none());
    })
    .await;
}
