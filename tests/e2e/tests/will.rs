//! The test client's last will in headless Chromium against the real stack:
//! cut off by support, its will reaches an observer (mosquitto_sub); a will
//! topic outside the namespace, or MQTT 5 will properties that do not parse,
//! are refused before connecting.

mod support;

use std::process::Stdio;

use support::{mosquitto, with_browser, ConnectionsPage, ConsolePage, E2eStack, TestClientPage};

#[tokio::test(flavor = "multi_thread")]
async fn the_test_clients_will_reaches_an_observer_when_support_cuts_it_off() {
    let stack = E2eStack::start();
    let tester = stack.create_static("With a will").await;
    let watcher = stack.create_static("Observer").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    with_browser(move |b| async move {
        let (page, client, connections) = (
            ConsolePage::new(&b),
            TestClientPage::new(&b),
            ConnectionsPage::new(&b),
        );
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        connections.open().await;
        client.use_static(&tester).await;

        // Outside the namespace: refused before CONNECT.
        client
            .set_will("tillor/local/other-org/integration/status", false, "gone")
            .await;
        client.connect().await;
        client.wait_for_step("will-outside-namespace").await;
        assert_eq!(client.status().await, "closed");
        b.screenshot("test-client-will-refused").await;

        // Properties that do not parse (MQTT 5, the default): refused before
        // CONNECT too, never sent without them.
        client.set_will_topic("status/console", true).await;
        client.set_will_delay("soon").await;
        client.connect().await;
        client.wait_for_step("will-properties-invalid").await;
        assert_eq!(client.status().await, "closed");
        client.set_will_delay("").await;

        // Inside: connected with the will; support's Disconnect sends it.
        client.set_will_topic("status/console", true).await;
        let observer = mosquitto(
            "mosquitto_sub",
            port,
            &watcher,
            &[
                "-t",
                &format!("{prefix}/status/console"),
                "-C",
                "1",
                "-W",
                "15",
            ],
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
        connections
            .wait_for_event(watcher["clientId"].as_str().unwrap(), "connected")
            .await;
        client.connect_and_wait().await;
        let id = tester["clientId"].as_str().unwrap();
        connections.wait_for_live(id).await;
        connections.kick(id).await;
        let out = observer.wait_with_output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "gone");
    })
    .await;
}
