//! The local stack with TLS (TILLOR_TLS), against clients nobody here wrote:
//! headless Chromium that trusts the stack's private CA (an NSS database made
//! with Debian's certutil) loads the console over HTTPS and connects over
//! wss://; mosquitto_sub verifies the broker with --cafile over mqtts:// and
//! fails without it; a Chromium that does not trust the CA is told why its
//! wss:// connection fails.

mod support;

use support::{
    mosquitto, with_browser, with_browser_trusting, ConsolePage, E2eStack, TestClientPage,
};
use tillor_harness::free_port;

/// A stack with TLS on free ports; returns it with its mqtts and wss ports.
fn tls_stack() -> (E2eStack, u16, u16) {
    let (mqtts, wss) = (free_port(), free_port());
    let stack = E2eStack::start_with(
        &[],
        &[
            ("TILLOR_TLS", "1"),
            ("TILLOR_MQTTS_ADDR", &format!("127.0.0.1:{mqtts}")),
            ("TILLOR_MQTT_WSS_ADDR", &format!("127.0.0.1:{wss}")),
        ],
    );
    (stack, mqtts, wss)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_trusting_the_ca_publishes_over_wss_and_mosquitto_sub_verifies_over_mqtts() {
    let (stack, mqtts, wss) = tls_stack();
    assert!(stack.url("/").starts_with("https://"), "{}", stack.url("/"));
    let tester = stack.create_static("Console over wss").await;
    let watcher = stack.create_static("mosquitto_sub over mqtts").await;
    assert_eq!(
        tester["brokerUrl"].as_str().unwrap(),
        format!("mqtts://127.0.0.1:{mqtts}")
    );
    // The CA is public, and the same file the stack keeps.
    let served = stack.http().get(stack.url("/ca.pem")).send().await.unwrap();
    assert_eq!(served.status(), 200);
    let ca = stack.ca_file();
    assert_eq!(served.bytes().await.unwrap(), std::fs::read(&ca).unwrap());

    // Without the CA, mosquitto_sub refuses the broker's certificate.
    let untrusting = mosquitto(
        "mosquitto_sub",
        mqtts,
        &watcher,
        &[
            "--capath",
            "/etc/ssl/certs",
            "-t",
            "x",
            "-C",
            "1",
            "-W",
            "5",
        ],
    )
    .output()
    .unwrap();
    assert!(!untrusting.status.success());
    assert!(
        String::from_utf8_lossy(&untrusting.stderr).contains("TLS"),
        "{}",
        String::from_utf8_lossy(&untrusting.stderr)
    );

    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let ca_path = ca.clone();
    with_browser_trusting(Some(&ca), move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&tester).await;
        assert!(client.ca_link().await.ends_with("/ca.pem"));
        client.connect_and_wait().await;
        assert!(client
            .step_text("opened-in-worker")
            .await
            .contains(&format!("wss://127.0.0.1:{wss}")));
        // Retained, so mosquitto_sub gets it whenever it subscribes.
        client.type_publish_topic("over-tls", true).await;
        client.toggle_retain().await;
        client.type_payload("from the console over wss").await;
        client.publish().await;
        client.wait_for_step("delivered").await;
        b.screenshot("tls-console-over-wss").await;
        let ca = ca_path.display().to_string();
        let heard = mosquitto(
            "mosquitto_sub",
            mqtts,
            &watcher,
            &[
                "--cafile",
                &ca,
                "-t",
                &format!("{prefix}/over-tls"),
                "-C",
                "1",
                "-W",
                "10",
            ],
        )
        .output()
        .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&heard.stdout).trim(),
            "from the console over wss",
            "{}",
            String::from_utf8_lossy(&heard.stderr)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_that_does_not_trust_the_ca_is_told_why_wss_fails() {
    let (_tls, _, wss) = tls_stack();
    // A console on plain HTTP whose broker is the TLS stack's wss://: this
    // browser has no reason to trust that certificate.
    let plain = E2eStack::start_with(
        &[],
        &[(
            "TILLOR_PUBLIC_MQTT_WS_URL",
            &format!("wss://127.0.0.1:{wss}"),
        )],
    );
    let cred = plain.create_static("Untrusting browser").await;
    let url = plain.url("/");
    let (org, key) = (plain.org.clone(), plain.key.clone());
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&cred).await;
        client.connect().await;
        client.wait_for_step("closed-certificate-not-trusted").await;
        assert!(!client.has_step("opened-in-worker").await);
        b.screenshot("tls-certificate-not-trusted").await;
    })
    .await;
}
