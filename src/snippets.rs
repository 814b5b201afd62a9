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
}

pub const PASSWORD_VAR: &str = "TILLOR_MQTT_PASSWORD";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnippetKind {
    MosquittoSub,
    MosquittoPub,
    MqttJs,
    PythonPaho,
}

impl SnippetKind {
    pub const ALL: [SnippetKind; 4] = [
        SnippetKind::MosquittoSub,
        SnippetKind::MosquittoPub,
        SnippetKind::MqttJs,
        SnippetKind::PythonPaho,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SnippetKind::MosquittoSub => "mosquitto_sub",
            SnippetKind::MosquittoPub => "mosquitto_pub",
            SnippetKind::MqttJs => "MQTT.js",
            SnippetKind::PythonPaho => "Python (paho-mqtt 2)",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            SnippetKind::MosquittoSub => "mosquitto-sub",
            SnippetKind::MosquittoPub => "mosquitto-pub",
            SnippetKind::MqttJs => "mqtt-js",
            SnippetKind::PythonPaho => "python-paho",
        }
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
    match kind {
        SnippetKind::MosquittoSub | SnippetKind::MosquittoPub => {
            let password = match &p.password {
                Some(pw) => sh(pw),
                None => format!("\"${PASSWORD_VAR}\""),
            };
            let tool = if kind == SnippetKind::MosquittoSub {
                "mosquitto_sub"
            } else {
                "mosquitto_pub"
            };
            let tls = if tls { " --capath /etc/ssl/certs" } else { "" };
            let action = if kind == SnippetKind::MosquittoSub {
                format!("-t {} -v", sh(&filter))
            } else {
                format!("-t {} -m 'hello'", sh(&topic))
            };
            format!(
                "{tool} -h {} -p {port}{tls} \\\n  -u {} -P {password} \\\n  -i {} \\\n  {action}",
                sh(&host),
                sh(&p.user_name),
                sh(&p.client_id)
            )
        }
        SnippetKind::MqttJs => {
            let scheme = if tls { "mqtts" } else { "mqtt" };
            let password = match &p.password {
                Some(pw) => lit(pw),
                None => format!("process.env.{PASSWORD_VAR}"),
            };
            format!(
                "import mqtt from \"mqtt\";\n\n\
                 const client = mqtt.connect({url}, {{\n  clientId: {cid},\n  username: {user},\n  password: {password},\n}});\n\
                 client.on(\"connect\", () => {{\n  client.subscribe({filter});\n  client.publish({topic}, \"hello\");\n}});\n\
                 client.on(\"message\", (topic, payload) => console.log(topic, payload.toString()));\n",
                url = lit(&format!("{scheme}://{host}:{port}")),
                cid = lit(&p.client_id),
                user = lit(&p.user_name),
                filter = lit(&filter),
                topic = lit(&topic),
            )
        }
        SnippetKind::PythonPaho => {
            let password = match &p.password {
                Some(pw) => lit(pw),
                None => format!("os.environ[\"{PASSWORD_VAR}\"]"),
            };
            let tls = if tls { "client.tls_set()\n" } else { "" };
            format!(
                "import os\nimport paho.mqtt.client as mqtt\n\n\
                 client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id={cid})\n\
                 client.username_pw_set({user}, {password})\n{tls}\
                 client.on_connect = lambda c, userdata, flags, rc, props: c.subscribe({filter})\n\
                 client.on_message = lambda c, userdata, msg: print(msg.topic, msg.payload.decode())\n\
                 client.connect({host}, {port})\nclient.loop_forever()\n",
                cid = lit(&p.client_id),
                user = lit(&p.user_name),
                filter = lit(&filter),
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
    fn tls_brokers_get_certificate_options() {
        let p = SnippetParams {
            broker_url: "mqtts://b.example:8883".into(),
            ..jwt()
        };
        assert!(snippet(SnippetKind::MosquittoSub, &p).contains("--capath /etc/ssl/certs"));
        assert!(snippet(SnippetKind::PythonPaho, &p).contains("client.tls_set()"));
        assert!(snippet(SnippetKind::MqttJs, &p).contains("\"mqtts://b.example:8883\""));
    }
}
