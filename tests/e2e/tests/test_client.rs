//! The console's MQTT test client in headless Chromium against the real broker,
//! with Mosquitto's own clients on the other side.

mod harness;

use std::process::Stdio;

use harness::{
    choose_organisation, click, eval, find, mosquitto, screenshot, wait_for_text, wait_until,
    wait_until_within, with_browser, Stack,
};

/// Types a static credential into the test client and uses it.
async fn type_credential(c: &fantoccini::Client, cred: &serde_json::Value, password: &str) {
    find(c, "#tc-user")
        .await
        .send_keys(cred["userName"].as_str().unwrap())
        .await
        .unwrap();
    find(c, "#tc-client-id")
        .await
        .send_keys(cred["clientId"].as_str().unwrap())
        .await
        .unwrap();
    find(c, "#tc-password")
        .await
        .send_keys(password)
        .await
        .unwrap();
    click(c, ".manual-credential button[type=submit]").await;
}

/// Types a static credential with its own (just revealed) password.
async fn use_static_credential(c: &fantoccini::Client, cred: &serde_json::Value) {
    type_credential(c, cred, cred["password"].as_str().unwrap()).await;
}

/// Connects and subscribes with the default filter (`#`), waiting for CONNACK and SUBACK.
async fn connect_and_subscribe(c: &fantoccini::Client) {
    click(c, "#tc-connect").await;
    wait_until(c, &steps_contain("CONNACK 0"), "CONNACK 0").await;
    click(c, "#tc-subscribe").await;
    wait_until(
        c,
        "return document.querySelector('.subscriptions li .sub-state')?.textContent === 'QoS 1'",
        "SUBACK",
    )
    .await;
}

/// One QoS 1 message from mosquitto_pub with a static credential.
fn publish(port: u16, cred: &serde_json::Value, topic: &str, message: &str) {
    let status = mosquitto(
        "mosquitto_pub",
        port,
        cred,
        &["-t", topic, "-m", message, "-q", "1"],
    )
    .status()
    .unwrap();
    assert!(status.success());
}

/// QoS 1 messages from one mosquitto_pub, one per line of its stdin.
fn publish_lines(
    port: u16,
    cred: &serde_json::Value,
    topic: &str,
    lines: impl Iterator<Item = String>,
) {
    use std::io::Write;
    let text: String = lines.map(|l| l + "\n").collect();
    let mut publisher = mosquitto("mosquitto_pub", port, cred, &["-t", topic, "-q", "1", "-l"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    publisher
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    assert!(publisher.wait().unwrap().success());
}

/// Chooses an option of a `<select>` the way a user does (a change event).
async fn set_select(c: &fantoccini::Client, css: &str, value: &str) {
    let script = format!(
        "const s = document.querySelector({}); s.value = {}; s.dispatchEvent(new Event('change')); return s.value",
        serde_json::to_string(css).unwrap(),
        serde_json::to_string(value).unwrap()
    );
    eval(c, &script).await;
}

fn steps_contain(text: &str) -> String {
    format!(
        "return [...document.querySelectorAll('.diagnostics li')].some(li => li.textContent.includes({}))",
        serde_json::to_string(text).unwrap()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_session_is_verified_and_what_it_publishes_reaches_mosquitto_sub() {
    let stack = Stack::start().await;
    let peer = stack.create_static("CLI peer").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    let prefix = format!("tillor/local/{org}/integration");
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
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        click(&c, ".jwt-form button[type=submit]").await;
        click(&c, "#jwt-use-in-test-client").await;
        click(&c, "#tc-check").await;
        wait_until(&c, "return document.getElementById('tc-check-result').textContent.includes('geverifieerd')", "the connectivity check").await;
        wait_until(&c, &steps_contain("gebruikersnaam (leeg)"), "CONNECT with an empty username").await;
        wait_until(&c, &steps_contain("CONNACK 0"), "CONNACK 0").await;
        screenshot(&c, "test-client-verified").await;

        // Subscribe to everything of the namespace (the default filter is `#`).
        click(&c, "#tc-subscribe").await;
        wait_until(&c, "return document.querySelector('.subscriptions li .sub-state')?.textContent === 'QoS 1'", "SUBACK").await;
        // Publish from the console: mosquitto_sub (started before) receives it.
        click(&c, "#tc-publish").await;
        wait_until(&c, &steps_contain("Bevestigd door de broker"), "the PUBACK").await;
    })
    .await;
    let out = sub.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("{prefix}/test hallo"),
        "mosquitto_sub received the console's message"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_from_mosquitto_pub_arrive_and_a_filter_outside_is_flagged_then_refused() {
    let stack = Stack::start().await;
    let created = stack.create_static("Tester").await;
    let peer = stack.create_static("CLI peer").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    let prefix = format!("tillor/local/{org}/integration");
    let port = stack.mqtt_port;
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        // Type the static credential into the test client.
        use_static_credential(&c, &created).await;
        connect_and_subscribe(&c).await;

        assert!(c.execute(&steps_contain("(in een worker)"), vec![]).await.unwrap().as_bool().unwrap());
        publish(port, &peer, &format!("{prefix}/from-cli"), "van mosquitto_pub");
        wait_until(&c, "return document.getElementById('tc-messages').textContent.includes('van mosquitto_pub')", "the message").await;

        // A filter in another organisation: flagged before sending, level named.
        click(&c, ".subscribe-form label.checkbox input").await;
        let filter = find(&c, "#tc-sub-filter").await;
        filter.clear().await.unwrap();
        filter.send_keys("tillor/local/other-org/integration/#").await.unwrap();
        wait_for_text(&c, ".subscribe-form .guard li", &format!("niveau 3 is `other-org`, uw organisatie: `{org}`")).await;
        assert!(!find(&c, "#tc-subscribe").await.is_enabled().await.unwrap(), "refused before sending");
        screenshot(&c, "test-client-guard").await;
        // Sent anyway, the broker answers 0x80 and the console shows it beside the prediction.
        click(&c, "#tc-sub-anyway").await;
        click(&c, "#tc-subscribe").await;
        wait_until(&c, &steps_contain("geweigerd (0x80), zoals voorspeld"), "SUBACK 0x80").await;
        screenshot(&c, "test-client-refused").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_a_client_id_takeover_and_a_deleted_credential_are_explained() {
    let stack = Stack::start().await;
    let created = stack.create_static("Will be deleted").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    let port = stack.mqtt_port;
    let delete_url = stack.url(&format!(
        "/api/orgs/{org}/mqtt/static-credentials/{}",
        created["id"].as_str().unwrap()
    ));
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        let fill = |password: String| {
            let (c, created) = (c.clone(), created.clone());
            async move {
                type_credential(&c, &created, &password).await;
                click(&c, "#tc-connect").await;
            }
        };
        fill("wrong-password".into()).await;
        wait_until(&c, &steps_contain("CONNACK 5"), "the CONNACK 5 explanation").await;
        wait_until(&c, &steps_contain("Niet opnieuw geprobeerd: de broker weigerde"), "no retry loop").await;
        screenshot(&c, "test-client-connack-5").await;

        // Start over with the right password.
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        fill(created["password"].as_str().unwrap().to_owned()).await;
        wait_until(&c, &steps_contain("CONNACK 0"), "connected").await;

        // The same clientId connecting elsewhere takes the session over.
        let status = std::process::Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(["-u", created["userName"].as_str().unwrap(), "-P", created["password"].as_str().unwrap()])
            .args(["-i", created["clientId"].as_str().unwrap()])
            .args(["-t", &format!("tillor/local/{org}/integration/x"), "-m", "takeover"])
            .status()
            .unwrap();
        assert!(status.success());
        wait_until(&c, &steps_contain("dezelfde client-id is elders verbonden"), "the takeover explained").await;
        screenshot(&c, "test-client-takeover").await;
        // A single takeover is followed by a reconnect on its own.
        wait_until(
            &c,
            "return [...document.querySelectorAll('.diagnostics li')].filter(li => li.textContent.includes('CONNACK 0')).length === 2",
            "reconnected",
        )
        .await;

        // Another client that keeps reconnecting with the same clientId would make
        // the two take the session from each other forever: the console stops.
        let mut rival = std::process::Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(["-u", created["userName"].as_str().unwrap(), "-P", created["password"].as_str().unwrap()])
            .args(["-i", created["clientId"].as_str().unwrap()])
            .args(["-t", &format!("tillor/local/{org}/integration/#")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        wait_until(&c, &steps_contain("Niet opnieuw geprobeerd: de verbinding werd steeds"), "the takeover loop stopped").await;
        let _ = rival.kill();
        let _ = rival.wait();
        screenshot(&c, "test-client-takeover-loop").await;
        click(&c, "#tc-connect").await;
        wait_until(
            &c,
            "return document.querySelector('.toolbar .status').dataset.status === 'Connected'",
            "connected again by hand",
        )
        .await;

        let resp = reqwest::Client::new()
            .delete(&delete_url)
            .header("x-api-key", &key)
            .header("X-Tillor-Org-Id", &org)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
        wait_until(
            &c,
            &steps_contain("De broker verbrak de verbinding"),
            "the cut-off explained",
        )
        .await;
        assert_eq!(
            eval(
                &c,
                "return document.querySelector('.toolbar .status').dataset.status"
            )
            .await,
            "Closed"
        );
        screenshot(&c, "test-client-cut-off").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_broker_restart_the_client_reconnects_resubscribes_and_shows_a_message_once() {
    let stack = Stack::start().await;
    let created = stack.create_static("Survivor").await;
    let peer = stack.create_static("CLI peer").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    let prefix = format!("tillor/local/{org}/integration");
    let port = stack.mqtt_port;
    let stack = std::sync::Arc::new(stack);
    let killer = stack.clone();
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        use_static_credential(&c, &created).await;
        connect_and_subscribe(&c).await;

        killer.kill_broker();
        wait_until(&c, &steps_contain("Opnieuw verbinden over"), "a scheduled reconnect").await;
        // Connected again and the subscription granted a second time.
        wait_until(
            &c,
            "return [...document.querySelectorAll('.diagnostics li')].filter(li => li.textContent.includes('toegestaan met QoS 1')).length === 2",
            "the resubscription",
        )
        .await;
        publish(port, &peer, &format!("{prefix}/after-restart"), "na de herstart");
        wait_until(&c, "return document.getElementById('tc-messages').textContent.includes('na de herstart')", "the message").await;
        assert_eq!(
            eval(&c, "return String([...document.querySelectorAll('#tc-messages li')].filter(li => li.textContent.includes('na de herstart')).length)").await,
            "1",
            "exactly once"
        );
        screenshot(&c, "test-client-reconnected").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_thousand_messages_keep_the_log_at_its_cap_with_true_counters() {
    let stack = Stack::start().await;
    let created = stack.create_static("Flood reader").await;
    let peer = stack.create_static("Flood writer").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    let prefix = format!("tillor/local/{org}/integration");
    let port = stack.mqtt_port;
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        use_static_credential(&c, &created).await;
        connect_and_subscribe(&c).await;

        publish_lines(port, &peer, &format!("{prefix}/flood"), (1..=20_000).map(|i| format!("message {i}")));

        wait_until(&c, "return document.getElementById('tc-received').dataset.value === '20000'", "all 20,000 counted").await;
        assert_eq!(eval(&c, "return document.getElementById('tc-in-log').textContent").await, "10.000", "the log stays at its cap");
        // Only the rows in view exist in the page, and they are all in use.
        let rows: usize = eval(&c, "return String(document.querySelectorAll('#tc-messages li').length)").await.parse().unwrap();
        assert!(rows < 30, "{rows} rows rendered");
        let hidden = eval(&c, "return String([...document.querySelectorAll('#tc-messages li')].filter(li => li.style.display === 'none').length)").await;
        assert_eq!(hidden, "0", "a full log leaves no row slot empty");
        let newest = eval(&c, "return document.querySelector('#tc-messages li').textContent").await;
        assert!(newest.contains("message 20000"), "{newest}");
        eval(&c, "document.getElementById('tc-counters').scrollIntoView(); return ''").await;
        screenshot(&c, "test-client-flood").await;

        // Filtering by payload text finds one message among 10,000.
        find(&c, "#tc-log-filter").await.send_keys("message 19999").await.unwrap();
        wait_until(
            &c,
            "const rows = [...document.querySelectorAll('#tc-messages li')].filter(li => li.style.display !== 'none'); return rows.length === 1 && rows[0].textContent.includes('message 19999')",
            "one matching row",
        )
        .await;

        // Scrolled down, the messages in view stay in view while new ones arrive.
        eval(&c, "const f = document.getElementById('tc-log-filter'); f.value = ''; f.dispatchEvent(new Event('input')); return ''").await;
        let top_row = "(() => { const v = document.querySelector('.log-viewport'); \
            const li = [...document.querySelectorAll('#tc-messages li')].find(li => parseInt(li.style.top) === Math.floor(v.scrollTop / 28) * 28); \
            return li ? li.querySelector('.payload').textContent : ''; })()";
        eval(&c, "const v = document.querySelector('.log-viewport'); v.scrollTop = 280; v.dispatchEvent(new Event('scroll')); return ''").await;
        wait_until(&c, &format!("return {top_row} === 'message 19990'"), "scrolled to message 19990").await;
        publish_lines(port, &peer, &format!("{prefix}/flood"), (1..=5).map(|i| format!("more {i}")));
        wait_until(&c, "return document.getElementById('tc-received').dataset.value === '20005'", "5 more counted").await;
        wait_until(
            &c,
            &format!("return document.querySelector('.log-viewport').scrollTop === {}", 280 + 5 * 28),
            "the view moved down by the five new rows",
        )
        .await;
        assert_eq!(eval(&c, &format!("return {top_row}")).await, "message 19990", "the view stayed on the same message");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_survive_a_reload_and_no_secret_is_stored() {
    let stack = Stack::start().await;
    let created = stack.create_static("Remembered").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        use_static_credential(&c, &created).await;
        click(&c, "#tc-connect").await;
        wait_until(&c, &steps_contain("CONNACK 0"), "connected").await;
        find(&c, "#tc-sub-label").await.send_keys("alles van ons").await.unwrap();
        click(&c, "#tc-subscribe").await;
        wait_until(&c, "return document.querySelector('.subscriptions li .sub-state')?.textContent === 'QoS 1'", "SUBACK").await;
        // A publish to remember, and log preferences.
        eval(&c, r#"const p = document.getElementById('tc-payload'); p.value = '{"kamer":"keuken","temp":21}'; p.dispatchEvent(new Event('input')); return ''"#).await;
        click(&c, "#tc-json").await;
        click(&c, "#tc-publish").await;
        wait_until(&c, "return document.getElementById('tc-sent').dataset.value === '1'", "the publish in the log").await;
        set_select(&c, "#tc-log-format", "json").await;
        set_select(&c, "#tc-log-cap", "1000").await;
        eval(&c, "const s = document.querySelector('.language-switch select'); s.value = 'en'; s.dispatchEvent(new Event('change')); return ''").await;

        c.goto(&url).await.unwrap();
        wait_for_text(&c, "h1", "Developers").await;
        choose_organisation(&c, &org, &key).await;
        use_static_credential(&c, &created).await;
        wait_for_text(&c, ".subscriptions li strong", "alles van ons").await;

        let stored = eval(&c, "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)").await;
        assert!(stored.contains("alles van ons"), "{stored}");
        for secret in [created["password"].as_str().unwrap(), key.as_str()] {
            assert!(!stored.contains(secret), "a secret in storage: {stored}");
        }
        assert_eq!(eval(&c, "return document.getElementById('tc-log-format').value").await, "json");
        assert_eq!(eval(&c, "return document.getElementById('tc-in-log').parentElement.textContent").await, "In the log: 0 / 1,000");
        // The remembered subscription is requested again on connect.
        click(&c, "#tc-connect").await;
        wait_until(&c, "return document.querySelector('.subscriptions li .sub-state')?.textContent === 'QoS 1'", "the resubscription").await;
        // The remembered publish fills the form again and can be sent as it was.
        eval(&c, "const p = document.getElementById('tc-payload'); p.value = ''; p.dispatchEvent(new Event('input')); return ''").await;
        set_select(&c, "#tc-recent", "0").await;
        assert_eq!(eval(&c, "return document.getElementById('tc-payload').value").await, r#"{"kamer":"keuken","temp":21}"#);
        assert_eq!(eval(&c, "return String(document.getElementById('tc-json').checked)").await, "true");
        click(&c, "#tc-publish").await;
        // Received back through the subscription, shown as JSON, and opened whole.
        wait_until(&c, "return document.getElementById('tc-received').dataset.value === '1'", "the message back").await;
        click(&c, "#tc-messages li.received .message-row").await;
        wait_until(&c, "return document.querySelector('#tc-details pre')?.textContent.includes('\"temp\": 21')", "pretty JSON in the details").await;
        assert_eq!(
            eval(&c, "return String(document.querySelectorAll('#tc-messages li.open [aria-current=true]').length)").await,
            "1",
            "the open message is marked in the list"
        );
        eval(&c, "document.getElementById('tc-details').scrollIntoView({ block: 'end' }); return ''").await;
        screenshot(&c, "test-client-remembered").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_jwt_is_not_retried_and_renew_and_reconnect_works() {
    let stack = Stack::start().await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        // The shortest token the API gives: one minute.
        click(&c, "#expiry-60").await;
        click(&c, ".jwt-form button[type=submit]").await;
        click(&c, "#jwt-use-in-test-client").await;
        connect_and_subscribe(&c).await;
        // The plugin cuts the session at expiry; the console does not retry.
        wait_until_within(
            &c,
            &steps_contain("Niet opnieuw geprobeerd: het token is verlopen"),
            "the expiry handled",
            std::time::Duration::from_secs(90),
        )
        .await;
        assert_eq!(
            eval(&c, "return String([...document.querySelectorAll('.diagnostics li')].filter(li => li.textContent.includes('Opnieuw verbinden over')).length)").await,
            "0",
            "no reconnect was attempted with the expired token"
        );
        screenshot(&c, "test-client-token-expired").await;
        click(&c, "#tc-renew").await;
        wait_until(
            &c,
            "return document.querySelector('.toolbar .status').dataset.status === 'Connected' && document.querySelector('.subscriptions li .sub-state')?.textContent === 'QoS 1'",
            "renewed, reconnected and resubscribed",
        )
        .await;
        // The renewal is one more step in the same story, not a fresh start.
        for step in ["Nieuw JWT voor dezelfde client-id", "het token is verlopen"] {
            assert!(c.execute(&steps_contain(step), vec![]).await.unwrap().as_bool().unwrap(), "{step}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_renew_replaces_a_jwt_before_it_expires_and_the_session_carries_on() {
    let stack = Stack::start().await;
    let peer = stack.create_static("Renew peer").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    let prefix = format!("tillor/local/{org}/integration");
    let port = stack.mqtt_port;
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        choose_organisation(&c, &org, &key).await;
        // A one-minute token renews halfway (30 s) rather than a minute ahead.
        click(&c, "#expiry-60").await;
        click(&c, ".jwt-form button[type=submit]").await;
        click(&c, "#jwt-use-in-test-client").await;
        click(&c, "#tc-auto-renew").await;
        connect_and_subscribe(&c).await;
        let first_expiry = eval(&c, "return document.querySelector('.connect-summary .countdown').textContent").await;
        wait_until_within(
            &c,
            &steps_contain("Nieuw JWT voor dezelfde client-id"),
            "the renewal",
            std::time::Duration::from_secs(50),
        )
        .await;
        wait_until(
            &c,
            "return document.querySelector('.toolbar .status').dataset.status === 'Connected' && document.querySelector('.subscriptions li .sub-state')?.textContent === 'QoS 1'",
            "reconnected and resubscribed with the new token",
        )
        .await;
        // The new token outlives the old one: past the first token's expiry the
        // session is still up and receives.
        tokio::time::sleep(std::time::Duration::from_secs(32)).await;
        publish(port, &peer, &format!("{prefix}/after-expiry"), "nog steeds verbonden");
        wait_until(
            &c,
            "return document.querySelector('#tc-messages li')?.textContent.includes('nog steeds verbonden')",
            "a message after the first token's expiry",
        )
        .await;
        assert_eq!(eval(&c, "return document.querySelector('.toolbar .status').dataset.status").await, "Connected");
        assert!(!c.execute(&steps_contain("het token is verlopen"), vec![]).await.unwrap().as_bool().unwrap());
        assert_ne!(eval(&c, "return document.querySelector('.connect-summary .countdown').textContent").await, first_expiry);
        // The diagnostics of before the renewal are still there.
        assert!(c.execute(&steps_contain("CONNACK 0"), vec![]).await.unwrap().as_bool().unwrap());
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
    <script type="module">
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.effectiveDirective));
      import init, { mountTillorConsole } from "/tillor-console.js";
      await init({ module_or_path: "/tillor-console_bg.wasm" });
      mountTillorConsole(document.getElementById("host-slot"), { language: "nl", apiBase: "" });
    </script>
  </body>
</html>"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_host_page_that_forbids_workers_gets_the_socket_on_the_page_and_it_works() {
    let stack = Stack::start_with_pages(&[("strict-host.html", STRICT_HOST_PAGE)]).await;
    let created = stack.create_static("Strict host").await;
    let peer = stack.create_static("Strict peer").await;
    let url = stack.url("/strict-host.html");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    let prefix = format!("tillor/local/{org}/integration");
    let port = stack.mqtt_port;
    with_browser(move |c| async move {
        c.goto(&url).await.unwrap();
        wait_for_text(&c, "#host-slot h1", "Ontwikkelaars").await;
        choose_organisation(&c, &org, &key).await;
        use_static_credential(&c, &created).await;
        connect_and_subscribe(&c).await;
        publish(port, &peer, &format!("{prefix}/strict"), "zonder worker");
        wait_until(
            &c,
            "return document.getElementById('tc-messages').textContent.includes('zonder worker')",
            "the message",
        )
        .await;
        assert!(c
            .execute(&steps_contain("op de pagina"), vec![])
            .await
            .unwrap()
            .as_bool()
            .unwrap());
        // The worker really was refused; the console fell back to the page.
        assert!(
            eval(&c, "return window.__violations.join(',')")
                .await
                .contains("worker-src"),
            "the CSP did not refuse the worker, so this test proves nothing"
        );
    })
    .await;
}
