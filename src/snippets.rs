//! Ready-to-run connection snippets with the rules baked in: the exact clientId,
//! an EMPTY username for JWT credentials, and the password either for real (only
//! in the reveal-once dialog) or as `$TILLOR_MQTT_PASSWORD`.

/// What a snippet needs; `password: None` writes the environment variable instead.
#[derive(Clone, Debug, PartialEq)]
pub struct SnippetParams {
    pub broker_url: String,
    /// Empty for JWT credentials.
    pub user_name: String,
    pub password: Option<String>,
    pub client_id: String,
    pub topic_prefix: String,
    /// The private CA's file, when the broker's certificate needs one
    /// (TLS brokers without it verify against the system's roots).
    pub ca_file: Option<String>,
}

pub const PASSWORD_VAR: &str = "TILLOR_MQTT_PASSWORD";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnippetKind {
    MosquittoSub,
    MosquittoPub,
    MqttJs,
    PythonPaho,
    /// MQTT 5: the broker's reason codes reach the integration's log.
    MosquittoPubV5,
    MqttJsV5,
    PythonPahoV5,
}

impl SnippetKind {
    pub const ALL: [SnippetKind; 7] = [
        SnippetKind::MosquittoSub,
        SnippetKind::MosquittoPub,
        SnippetKind::MqttJs,
        SnippetKind::PythonPaho,
        SnippetKind::MosquittoPubV5,
        SnippetKind::MqttJsV5,
        SnippetKind::PythonPahoV5,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SnippetKind::MosquittoSub => "mosquitto_sub",
            SnippetKind::MosquittoPub => "mosquitto_pub",
            SnippetKind::MqttJs => "MQTT.js",
            SnippetKind::PythonPaho => "Python (paho-mqtt 2)",
            SnippetKind::MosquittoPubV5 => "mosquitto_pub, MQTT 5",
            SnippetKind::MqttJsV5 => "MQTT.js, MQTT 5",
            SnippetKind::PythonPahoV5 => "Python (paho-mqtt 2), MQTT 5",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            SnippetKind::MosquittoSub => "mosquitto-sub",
            SnippetKind::MosquittoPub => "mosquitto-pub",
            SnippetKind::MqttJs => "mqtt-js",
            SnippetKind::PythonPaho => "python-paho",
            SnippetKind::MosquittoPubV5 => "mosquitto-pub-v5",
            SnippetKind::MqttJsV5 => "mqtt-js-v5",
            SnippetKind::PythonPahoV5 => "python-paho-v5",
        }
    }

    fn v5(self) -> bool {
        matches!(
            self,
            SnippetKind::MosquittoPubV5 | SnippetKind::MqttJsV5 | SnippetKind::PythonPahoV5
        )
    }
}

/// `mqtt://host:port` or `mqtts://host:port`, split; defaults 1883 / 8883.
pub fn parse_broker_url(url: &str) -> (String, u16, bool) {
    let (tls, rest) = if let Some(r) = url.strip_prefix("mqtts://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("ssl://") {
        (true, r)
    } else {
        (
            false,
            url.strip_prefix("mqtt://")
                .or_else(|| url.strip_prefix("tcp://"))
                .unwrap_or(url),
        )
    };
    let rest = rest.split('/').next().unwrap_or(rest);
    let default_port = if tls { 8883 } else { 1883 };
    match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || rest.starts_with('[') => {
            (host.to_owned(), port.parse().unwrap_or(default_port), tls)
        }
        _ => (rest.to_owned(), default_port, tls),
    }
}

/// Single-quotes for POSIX shells: safe for any value.
fn sh(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// A JavaScript / Python string literal.
fn lit(value: &str) -> String {
    serde_json::to_string(value).expect("a string serialises")
}

pub fn snippet(kind: SnippetKind, p: &SnippetParams) -> String {
    let (host, port, tls) = parse_broker_url(&p.broker_url);
    let filter = format!("{}/#", p.topic_prefix);
    let topic = format!("{}/test", p.topic_prefix);
    let v5 = kind.v5();
    match kind {
        SnippetKind::MosquittoSub | SnippetKind::MosquittoPub | SnippetKind::MosquittoPubV5 => {
            let password = match &p.password {
                Some(pw) => sh(pw),
                None => format!("\"${PASSWORD_VAR}\""),
            };
            let tool = if kind == SnippetKind::MosquittoSub {
                "mosquitto_sub"
            } else {
                "mosquitto_pub"
            };
            let tls = match (&p.ca_file, tls) {
                (Some(ca), true) => format!(" --cafile {}", sh(ca)),
                (None, true) => " --capath /etc/ssl/certs".to_owned(),
                (_, false) => String::new(),
            };
            let action = if kind == SnippetKind::MosquittoSub {
                format!("-t {} -v", sh(&filter))
            } else if v5 {
                // QoS 1, so a refusal comes back as "Publish 1 failed: Not authorized."
                format!(
                    "-t {} -m 'hello' -q 1 \\\n  -D publish content-type 'text/plain' -D publish user-property 'source' 'snippet'",
                    sh(&topic)
                )
            } else {
                format!("-t {} -m 'hello'", sh(&topic))
            };
            let version = if v5 { " -V mqttv5" } else { "" };
            format!(
                "{tool}{version} -h {} -p {port}{tls} \\\n  -u {} -P {password} \\\n  -i {} \\\n  {action}",
                sh(&host),
                sh(&p.user_name),
                sh(&p.client_id)
            )
        }
        SnippetKind::MqttJs | SnippetKind::MqttJsV5 => {
            let scheme = if tls { "mqtts" } else { "mqtt" };
            let (ca_import, ca_option) = match (&p.ca_file, tls) {
                (Some(ca), true) => (
                    "import fs from \"node:fs\";\n".to_owned(),
                    format!("  ca: fs.readFileSync({}),\n", lit(ca)),
                ),
                _ => (String::new(), String::new()),
            };
            let password = match &p.password {
                Some(pw) => lit(pw),
                None => format!("process.env.{PASSWORD_VAR}"),
            };
            let version = if v5 { "  protocolVersion: 5,\n" } else { "" };
            let head = format!(
                "{ca_import}import mqtt from \"mqtt\";\n\n\
                 const client = mqtt.connect({url}, {{\n{version}  clientId: {cid},\n  username: {user},\n  password: {password},\n{ca_option}}});\n",
                url = lit(&format!("{scheme}://{host}:{port}")),
                cid = lit(&p.client_id),
                user = lit(&p.user_name),
            );
            let (filter, topic) = (lit(&filter), lit(&topic));
            let body = if v5 {
                format!(
                    "client.on(\"connect\", () => {{\n\
                     \x20 // Each filter's reason code: 0-2 granted QoS, 135 (0x87) not authorised.\n\
                     \x20 client.subscribe({filter}, (err, granted) => console.log(\"SUBACK\", granted));\n\
                     \x20 client.publish({topic}, \"hello\", {{ qos: 1, properties: {{ contentType: \"text/plain\" }} }},\n\
                     \x20   (err) => console.log(err ? `PUBACK ${{err.code}}: ${{err.message}}` : \"PUBACK 0\"));\n}});\n\
                     client.on(\"disconnect\", (packet) => console.log(\"DISCONNECT\", packet.reasonCode));\n\
                     client.on(\"message\", (topic, payload, packet) => console.log(topic, payload.toString(), packet.properties));\n"
                )
            } else {
                format!(
                    "client.on(\"connect\", () => {{\n  client.subscribe({filter});\n  client.publish({topic}, \"hello\");\n}});\n\
                     client.on(\"message\", (topic, payload) => console.log(topic, payload.toString()));\n"
                )
            };
            head + &body
        }
        SnippetKind::PythonPaho | SnippetKind::PythonPahoV5 => {
            let password = match &p.password {
                Some(pw) => lit(pw),
                None => format!("os.environ[\"{PASSWORD_VAR}\"]"),
            };
            let tls = match (&p.ca_file, tls) {
                (Some(ca), true) => format!("client.tls_set(ca_certs={})\n", lit(ca)),
                (None, true) => "client.tls_set()\n".to_owned(),
                (_, false) => String::new(),
            };
            let version = if v5 { ", protocol=mqtt.MQTTv5" } else { "" };
            let filter = lit(&filter);
            let callbacks = if v5 {
                format!(
                    "client.on_connect = lambda c, userdata, flags, rc, props: (print(\"CONNACK\", rc), c.subscribe({filter}))\n\
                     # Each filter's reason code: \"Granted QoS 1\" or \"Not authorized\" (0x87).\n\
                     client.on_subscribe = lambda c, userdata, mid, codes, props: print(\"SUBACK\", [str(r) for r in codes])\n\
                     client.on_disconnect = lambda c, userdata, flags, rc, props: print(\"DISCONNECT\", rc)\n\
                     client.on_message = lambda c, userdata, msg: print(msg.topic, msg.payload.decode(), msg.properties)\n"
                )
            } else {
                format!(
                    "client.on_connect = lambda c, userdata, flags, rc, props: c.subscribe({filter})\n\
                     client.on_message = lambda c, userdata, msg: print(msg.topic, msg.payload.decode())\n"
                )
            };
            format!(
                "import os\nimport paho.mqtt.client as mqtt\n\n\
                 client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id={cid}{version})\n\
                 client.username_pw_set({user}, {password})\n{tls}{callbacks}\
                 client.connect({host}, {port})\nclient.loop_forever()\n",
                cid = lit(&p.client_id),
                user = lit(&p.user_name),
                host = lit(&host),
            )
        }
    }
}

/// The credential as a `.env` file, for "Copy as .env".
pub fn dotenv(p: &SnippetParams) -> String {
    let password = p.password.clone().unwrap_or_default();
    format!(
        "TILLOR_MQTT_URL={}\nTILLOR_MQTT_USERNAME={}\n{PASSWORD_VAR}={}\nTILLOR_MQTT_CLIENT_ID={}\nTILLOR_MQTT_TOPIC_PREFIX={}\n",
        p.broker_url, p.user_name, password, p.client_id, p.topic_prefix
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt() -> SnippetParams {
        SnippetParams {
            broker_url: "mqtt://127.0.0.1:1883".into(),
            user_name: String::new(),
            password: None,
            client_id: "local-abc".into(),
            topic_prefix: "tillor/local/acme/integration".into(),
            ca_file: None,
        }
    }

    #[test]
    fn broker_urls_split_into_host_port_and_tls() {
        assert_eq!(
            parse_broker_url("mqtt://127.0.0.1:1883"),
            ("127.0.0.1".into(), 1883, false)
        );
        assert_eq!(
            parse_broker_url("mqtts://mqtt.tillor.nl"),
            ("mqtt.tillor.nl".into(), 8883, true)
        );
        assert_eq!(
            parse_broker_url("mqtts://b.example:8884/"),
            ("b.example".into(), 8884, true)
        );
    }

    #[test]
    fn a_jwt_snippet_has_an_empty_username_the_exact_client_id_and_no_secret() {
        let s = snippet(SnippetKind::MosquittoSub, &jwt());
        assert!(s.contains("-u '' -P \"$TILLOR_MQTT_PASSWORD\""), "{s}");
        assert!(s.contains("-i 'local-abc'"), "{s}");
        assert!(s.contains("-t 'tillor/local/acme/integration/#' -v"), "{s}");
        let js = snippet(SnippetKind::MqttJs, &jwt());
        assert!(js.contains("username: \"\","), "{js}");
        assert!(
            js.contains("password: process.env.TILLOR_MQTT_PASSWORD"),
            "{js}"
        );
        let py = snippet(SnippetKind::PythonPaho, &jwt());
        assert!(
            py.contains("client.username_pw_set(\"\", os.environ[\"TILLOR_MQTT_PASSWORD\"])"),
            "{py}"
        );
        assert!(py.contains("client.connect(\"127.0.0.1\", 1883)"), "{py}");
    }

    #[test]
    fn a_real_password_is_quoted_safely_for_each_language() {
        let p = SnippetParams {
            password: Some("it's\"x".into()),
            user_name: "acme-1".into(),
            ..jwt()
        };
        assert!(snippet(SnippetKind::MosquittoPub, &p).contains(r#"-P 'it'\''s"x'"#));
        assert!(snippet(SnippetKind::MqttJs, &p).contains(r#"password: "it's\"x""#));
        assert!(dotenv(&p).contains("TILLOR_MQTT_PASSWORD=it's\"x\n"));
    }

    #[test]
    fn mqtt_5_snippets_ask_for_version_5_and_print_the_reason_codes() {
        let s = snippet(SnippetKind::MosquittoPubV5, &jwt());
        assert!(s.starts_with("mosquitto_pub -V mqttv5 "), "{s}");
        assert!(
            s.contains("-q 1") && s.contains("-D publish content-type"),
            "{s}"
        );
        let js = snippet(SnippetKind::MqttJsV5, &jwt());
        assert!(
            js.contains("protocolVersion: 5,") && js.contains("granted"),
            "{js}"
        );
        assert!(js.contains("username: \"\","), "{js}");
        let py = snippet(SnippetKind::PythonPahoV5, &jwt());
        assert!(
            py.contains("protocol=mqtt.MQTTv5") && py.contains("on_subscribe"),
            "{py}"
        );
        // The 3.1.1 snippets stay as they were.
        assert!(!snippet(SnippetKind::MqttJs, &jwt()).contains("protocolVersion"));
    }

    #[test]
    fn tls_brokers_get_certificate_options() {
        let p = SnippetParams {
            broker_url: "mqtts://b.example:8883".into(),
            ..jwt()
        };
        assert!(snippet(SnippetKind::MosquittoSub, &p).contains("--capath /etc/ssl/certs"));
        assert!(snippet(SnippetKind::PythonPaho, &p).contains("client.tls_set()"));
        assert!(snippet(SnippetKind::MqttJs, &p).contains("\"mqtts://b.example:8883\""));
        // A private CA: its file, in each language's own way.
        let p = SnippetParams {
            ca_file: Some("tillor-local-ca.pem".into()),
            ..p
        };
        assert!(snippet(SnippetKind::MosquittoSub, &p).contains("--cafile 'tillor-local-ca.pem'"));
        assert!(snippet(SnippetKind::MqttJsV5, &p)
            .contains("ca: fs.readFileSync(\"tillor-local-ca.pem\"),"));
        assert!(snippet(SnippetKind::PythonPaho, &p)
            .contains("client.tls_set(ca_certs=\"tillor-local-ca.pem\")"));
    }
}
