//! What an MQTT 5 client hears from the local broker when refused, observed
//! with Mosquitto's own clients (`-V mqttv5 -d` prints the reason codes):
//! CONNACK, SUBACK and PUBACK 0x87 (135, "not authorized"), for JWT and
//! static clients alike. The README's refusal table quotes these.

mod common;

use common::feed::*;
use common::{mosquitto_as, Stack};

const OUTSIDE: &str = "tillor/local/other/integration";

/// A v5 client's debug output (`-d`), stdout and stderr together.
fn v5(s: &Stack, tool: &str, user: &str, password: &str, id: &str, args: &[&str]) -> String {
    let mut all = vec!["-V", "mqttv5", "-d"];
    all.extend_from_slice(args);
    let out = mosquitto_as(tool, s.mqtt_port, user, password, id, &all)
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn refusals(s: &Stack, user: &str, password: &str, id: &str) {
    let sub = v5(
        s,
        "mosquitto_sub",
        user,
        password,
        id,
        &["-t", &format!("{OUTSIDE}/#"), "-C", "1", "-W", "2"],
    );
    assert!(
        sub.contains("Subscribed (mid: 1): 135"),
        "SUBACK 0x87 expected:\n{sub}"
    );
    let publish = v5(
        s,
        "mosquitto_pub",
        user,
        password,
        id,
        &["-t", &format!("{OUTSIDE}/x"), "-m", "x", "-q", "1"],
    );
    assert!(
        publish.contains("received PUBACK (Mid: 1, RC:135)"),
        "PUBACK 0x87 expected:\n{publish}"
    );
    // Inside: accepted. With nobody subscribed Mosquitto answers 0x10 ("no
    // matching subscribers"), a success code like 0.
    let fine = v5(
        s,
        "mosquitto_pub",
        user,
        password,
        id,
        &[
            "-t",
            "tillor/local/acme/integration/x",
            "-m",
            "x",
            "-q",
            "1",
        ],
    );
    assert!(
        fine.contains("received PUBACK (Mid: 1, RC:16)")
            || fine.contains("received PUBACK (Mid: 1, RC:0)"),
        "a success code inside:\n{fine}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_client_on_mqtt_5_hears_0x87_for_a_refused_connect_subscribe_and_publish() {
    let (_dir, s) = stack();
    let (token, id) = jwt(&s, "v5-device").await;
    refusals(&s, "", &token, &id);
    let bad = v5(
        &s,
        "mosquitto_pub",
        "",
        "not-a-token",
        &id,
        &["-t", "x", "-m", "x"],
    );
    assert!(
        bad.contains("received CONNACK (135)"),
        "CONNACK 0x87 expected:\n{bad}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_client_on_mqtt_5_hears_0x87_too() {
    let (_dir, s) = stack();
    let cred = create_static(&s, "v5").await;
    let field = |k: &str| cred[k].as_str().unwrap().to_owned();
    refusals(
        &s,
        &field("userName"),
        &field("password"),
        &field("clientId"),
    );
    let wrong = v5(
        &s,
        "mosquitto_pub",
        &field("userName"),
        "wrong",
        &field("clientId"),
        &["-t", "x", "-m", "x"],
    );
    assert!(
        wrong.contains("received CONNACK (135)"),
        "CONNACK 0x87 expected:\n{wrong}"
    );
}
