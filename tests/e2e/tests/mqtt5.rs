//! The test client under MQTT 5 and 3.1.1, in headless Chromium against the
//! real stack: both credential kinds connect under both versions, refusals
//! show the broker's own codes (0x87 under 5, 0x80 under 3.1.1), properties
//! round-trip with mosquitto_pub/mosquitto_sub -V mqttv5, and QoS 0/1/2 go
//! both ways with an MQTT 5 peer nobody here wrote.

mod support;

use support::{mosquitto, with_browser, ConsolePage, E2eStack, TestClientPage};

#[tokio::test(flavor = "multi_thread")]
async fn refusals_show_the_brokers_code_under_both_protocols() {
    let stack = E2eStack::start();
    let created = stack.create_static("Both protocols").await;
    let url = stack.url("/");
    let (org, key) = (stack.org.clone(), stack.key.clone());
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        let outside = "tillor/local/other-org/integration";

        // A JWT connects under both versions (empty username, token as password).
        page.create_jwt().await;
        page.use_jwt_in_test_client().await;
        assert_eq!(client.protocol().await, "5", "MQTT 5 is the default");
        client.connect_and_wait().await;
        assert!(client
            .step_text("connack-accepted")
            .await
            .contains("CONNACK"));
        // Disconnecting forgets the credential: hand the token over again.
        client.disconnect().await;
        page.use_jwt_in_test_client().await;
        client.choose_protocol("3.1.1").await;
        client.connect_and_wait().await;
        client.disconnect().await;

        for (version, suback, puback_step, puback) in [
            ("5", "0x87", "puback-refused", "0x87"),
            ("3.1.1", "0x80", "delivered", ""),
        ] {
            client.use_static(&created).await;
            client.choose_protocol(version).await;
            client.connect_and_subscribe().await;

            client.type_full_filter(&format!("{outside}/#")).await;
            client.subscribe_anyway().await;
            client.wait_for_step("suback-refused").await;
            let text = client.step_text("suback-refused").await;
            assert!(text.contains(suback), "{version}: {text}");

            // QoS 1 outside: MQTT 5 gets PUBACK 0x87; 3.1.1 a PUBACK that
            // says nothing (Mosquitto drops the message silently).
            client
                .type_publish_topic(&format!("{outside}/x"), false)
                .await;
            client.choose_publish_qos(1).await;
            client.publish_anyway().await;
            client.wait_for_step(puback_step).await;
            let text = client.step_text(puback_step).await;
            assert!(text.contains(puback), "{version}: {text}");
            client.show_diagnostics().await;
            b.screenshot(&format!("mqtt{}-refusals", version.replace('.', "")))
                .await;
            client.disconnect().await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn properties_and_qos_0_1_2_round_trip_with_an_mqtt5_peer() {
    let stack = E2eStack::start();
    let tester = stack.create_static("Console").await;
    let peer = stack.create_static("mosquitto v5 peer").await;
    let url = stack.url("/");
    let (org, key, prefix) = (stack.org.clone(), stack.key.clone(), stack.prefix());
    let port = stack.mqtt_port;
    with_browser(move |b| async move {
        let (page, client) = (ConsolePage::new(&b), TestClientPage::new(&b));
        page.open(&url).await;
        page.choose_organisation(&org, &key).await;
        client.use_static(&tester).await;
        client.connect_and_wait().await;
        client.choose_subscribe_qos(2).await;
        client.subscribe().await;
        client.wait_for_step("suback-granted").await;

        // The console publishes at QoS 0, 1 and 2, retained, with a content
        // type and user properties; a v5 mosquitto_sub that subscribes
        // afterwards gets the three retained messages and prints them (%q QoS,
        // %C content type, %P user properties). Retained, so no sleep decides
        // whether it subscribed in time; QoS 2's PUBCOMP comes after the broker
        // took the two before it (one connection keeps order).
        client.type_publish_topic("props/q0", true).await;
        client.toggle_retain().await;
        client
            .set_publish_properties("application/json", "k=v\nsecond=2")
            .await;
        for qos in 0..3u8 {
            client
                .type_publish_topic(&format!("props/q{qos}"), true)
                .await;
            client.choose_publish_qos(qos).await;
            client.type_payload(&format!("{{\"n\":{qos}}}")).await;
            client.publish().await;
        }
        client.wait_for_steps("delivered", 2).await;
        let out = mosquitto(
            "mosquitto_sub",
            port,
            &peer,
            &[
                "-V",
                "mqttv5",
                "-q",
                "2",
                "-t",
                &format!("{prefix}/props/+"),
                "-F",
                "%q|%C|%P|%p",
                "-C",
                "3",
                "-W",
                "20",
            ],
        )
        .output()
        .unwrap();
        let mut heard: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        heard.sort();
        assert_eq!(
            heard,
            (0..3)
                .map(|q| format!("{q}|application/json|k:v second:2|{{\"n\":{q}}}"))
                .collect::<Vec<_>>()
        );
        client.toggle_retain().await;

        // mosquitto_pub -V mqttv5 at QoS 0, 1 and 2 with properties: all
        // three reach the console, and the details show the properties.
        for qos in ["0", "1", "2"] {
            let status = mosquitto(
                "mosquitto_pub",
                port,
                &peer,
                &[
                    "-V",
                    "mqttv5",
                    "-q",
                    qos,
                    "-t",
                    &format!("{prefix}/from-peer"),
                    "-m",
                    &format!("qos {qos} from v5 peer"),
                    "-D",
                    "publish",
                    "content-type",
                    "text/plain",
                    "-D",
                    "publish",
                    "user-property",
                    "sent-with",
                    qos,
                ],
            )
            .status()
            .unwrap();
            assert!(status.success());
            client
                .wait_for_message(&format!("qos {qos} from v5 peer"))
                .await;
        }
        client.open_newest_received().await;
        client
            .wait_for_details_containing("qos 2 from v5 peer")
            .await;
        let shown = client.details_properties().await;
        assert!(
            shown.contains("text/plain") && shown.contains("sent-with=2"),
            "{shown}"
        );
        b.screenshot("mqtt5-properties").await;
        let export = client.export_log().await;
        assert!(
            export.contains("\"contentType\":\"text/plain\"")
                && export.contains("\"userProperties\":[[\"sent-with\",\"2\"]]"),
            "{export}"
        );
    })
    .await;
}
