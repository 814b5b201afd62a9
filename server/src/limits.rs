//! What one organisation, and the broker, may use: the quotas, each
//! configurable (flags or environment). Going over an organisation's quota
//! answers 429 `quota_exceeded` with the limit as `max`; the password
//! hashing pool (`provisioning::Hashing`) answers 503 `busy` with
//! `Retry-After` when it is full, rather than queueing without bound (each
//! hash takes 19 MiB).

#[derive(Clone, Debug, clap::Args)]
pub struct Limits {
    /// Static credentials one organisation may hold at once.
    #[arg(long, env = "TILLOR_MAX_STATIC_CREDENTIALS", default_value_t = 100,
          value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub max_static_credentials: i64,

    /// JWTs one organisation may be issued per minute.
    #[arg(long, env = "TILLOR_MAX_JWTS_PER_MINUTE", default_value_t = 60,
          value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub max_jwts_per_minute: i64,

    /// Password hashes (Argon2id, 19 MiB each) computed at once; unset: one
    /// per core.
    #[arg(long, env = "TILLOR_HASHING_THREADS",
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub hashing_threads: Option<u32>,

    /// The largest message payload the broker accepts, in bytes; larger
    /// ones are dropped. At least 4 KiB: the API's own commands to the broker
    /// are messages too.
    #[arg(long, env = "TILLOR_MQTT_MAX_PAYLOAD_BYTES", default_value_t = 262_144,
          value_parser = clap::value_parser!(u32).range(4096..=268_435_455))]
    pub mqtt_max_payload_bytes: u32,

    /// Messages queued for one client (offline durable sessions included),
    /// in bytes, beside Mosquitto's count limit. With the payload limit, this
    /// is what bounds the broker's memory: Mosquitto's own `memory_limit`
    /// cut the API's admin connections under ordinary load (measured with
    /// 2.0.11 at 1 GiB, three instances starting at once), so it is not set.
    #[arg(long, env = "TILLOR_MQTT_MAX_QUEUED_BYTES", default_value_t = 16_777_216,
          value_parser = clap::value_parser!(u64).range(1024..=4_294_967_296))]
    pub mqtt_max_queued_bytes: u64,

    /// How long an offline durable session (clean session off) is kept:
    /// a number and h, d, w, m or y (Mosquitto's form), e.g. 7d.
    #[arg(long, env = "TILLOR_MQTT_SESSION_EXPIRY", default_value = "7d",
          value_parser = session_expiry)]
    pub mqtt_session_expiry: String,
}

fn session_expiry(s: &str) -> Result<String, String> {
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let number = n.parse::<u32>().ok().filter(|n| *n > 0);
    match (number, unit) {
        (Some(_), "h" | "d" | "w" | "m" | "y") => Ok(s.to_owned()),
        _ => Err(format!(
            "{s:?} is not a period such as 12h, 7d, 2w, 1m or 1y"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_expiry_is_a_number_and_a_unit_mosquitto_knows() {
        for good in ["12h", "7d", "2w", "1m", "1y"] {
            assert_eq!(session_expiry(good).as_deref(), Ok(good));
        }
        for bad in ["", "d", "0d", "7", "7s", "-1d", "7 d"] {
            assert!(session_expiry(bad).is_err(), "{bad}");
        }
    }
}
