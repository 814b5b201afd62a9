//! The connectivity check as a pure state machine: subscribe to a fresh topic in
//! the namespace, publish a nonce to it, and time the round trip when the nonce
//! comes back. The client shell sends what this asks for; time is passed in.

/// The level below the prefix that probe topics live under.
pub const CHECK_LEVEL: &str = "_tillor-check";

#[derive(Clone, Debug, PartialEq)]
pub enum CheckState {
    Idle,
    Running,
    Verified { rtt_ms: f64 },
    Failed,
}

impl CheckState {
    /// The stable name, for `data-check` on screen.
    pub fn as_str(&self) -> &'static str {
        match self {
            CheckState::Idle => "idle",
            CheckState::Running => "running",
            CheckState::Verified { .. } => "verified",
            CheckState::Failed => "failed",
        }
    }
}

/// What the shell does after a SUBACK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterSuback {
    /// Not the probe's filter: an ordinary subscription.
    NotMine,
    /// Granted: publish `payload` to `topic` at QoS 1.
    Publish { topic: String, payload: Vec<u8> },
    /// Refused: the check failed.
    Refused,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    topic: String,
    nonce: String,
    published_at_ms: Option<f64>,
}

impl Probe {
    /// A probe below `prefix`; `nonce` makes its topic and payload unique.
    pub fn new(prefix: &str, nonce: u64) -> Probe {
        let nonce = format!("{nonce:x}");
        Probe {
            topic: format!("{prefix}/{CHECK_LEVEL}/{nonce}"),
            nonce,
            published_at_ms: None,
        }
    }

    /// The filter to subscribe to (and later unsubscribe from).
    pub fn topic(&self) -> &str {
        &self.topic
    }

    pub fn on_suback(&mut self, filter: &str, granted: bool, now_ms: f64) -> AfterSuback {
        if filter != self.topic {
            return AfterSuback::NotMine;
        }
        if !granted {
            return AfterSuback::Refused;
        }
        self.published_at_ms = Some(now_ms);
        AfterSuback::Publish {
            topic: self.topic.clone(),
            payload: self.nonce.as_bytes().to_vec(),
        }
    }

    /// The round trip in ms when this is the probe's own message coming back.
    pub fn on_message(&self, topic: &str, payload: &[u8], now_ms: f64) -> Option<f64> {
        let sent = self.published_at_ms?;
        (topic == self.topic && payload == self.nonce.as_bytes()).then_some(now_ms - sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIX: &str = "tillor/local/acme/integration";

    #[test]
    fn the_probe_topic_is_inside_the_namespace() {
        let p = Probe::new(PREFIX, 0xbeef);
        assert_eq!(
            p.topic(),
            "tillor/local/acme/integration/_tillor-check/beef"
        );
        let ns = tillor_contract::Namespace::from_prefix(PREFIX).unwrap();
        assert!(ns.is_topic_allowed(p.topic()));
    }

    #[test]
    fn a_granted_suback_publishes_the_nonce_and_its_echo_gives_the_round_trip() {
        let mut p = Probe::new(PREFIX, 0xbeef);
        let topic = p.topic().to_owned();
        assert_eq!(
            p.on_suback(&topic, true, 1000.0),
            AfterSuback::Publish {
                topic: topic.clone(),
                payload: b"beef".to_vec()
            }
        );
        assert_eq!(p.on_message(&topic, b"beef", 1042.0), Some(42.0));
    }

    #[test]
    fn other_subacks_and_other_messages_are_not_the_probe() {
        let mut p = Probe::new(PREFIX, 1);
        let topic = p.topic().to_owned();
        assert_eq!(p.on_suback("x/#", true, 0.0), AfterSuback::NotMine);
        // Before its own SUBACK, even the right message is not yet an echo.
        assert_eq!(p.on_message(&topic, b"1", 5.0), None);
        p.on_suback(&topic, true, 10.0);
        assert_eq!(p.on_message(&topic, b"other", 20.0), None);
        assert_eq!(p.on_message("elsewhere", b"1", 20.0), None);
    }

    #[test]
    fn a_refused_probe_subscription_fails_the_check() {
        let mut p = Probe::new(PREFIX, 1);
        let topic = p.topic().to_owned();
        assert_eq!(p.on_suback(&topic, false, 0.0), AfterSuback::Refused);
    }
}
