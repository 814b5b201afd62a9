//! When to reconnect, as a pure decision: never with a credential the broker
//! refused or a token that has expired (that is how other web clients end up in
//! reconnect loops), otherwise with exponential backoff.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The user disconnected.
    Requested,
    /// CONNACK refused the credential: retrying cannot help.
    Refused,
    /// The JWT expired: renew it first.
    TokenExpired,
    /// Dropped right after connecting, again and again: another connection with
    /// the same clientId (a second tab, a running integration) keeps taking the
    /// session over, and reconnecting would take it back in an endless loop.
    TakeoverLoop,
    /// The organisation revoked the JWT: the broker refuses it from now on.
    Revoked,
    /// The broker said so (MQTT 5 DISCONNECT 0x8E): another connection with
    /// the same clientId took the session; reconnecting would cut it off.
    TakenOver,
}

/// A drop this soon after CONNACK counts as a quick drop.
pub const QUICK_DROP_MS: f64 = 10_000.0;
/// This many quick drops in a row stop the reconnects.
pub const QUICK_DROPS_TO_STOP: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    Never(StopReason),
    AfterMs(u32),
}

pub const MAX_DELAY_MS: u32 = 30_000;

/// `attempt` counts reconnects since the last successful CONNACK (0 for the
/// first); `quick_drops` counts drops in a row that came soon after a CONNACK.
pub fn decide(
    requested: bool,
    refused: bool,
    token_expired: bool,
    attempt: u32,
    quick_drops: u32,
) -> Retry {
    if requested {
        Retry::Never(StopReason::Requested)
    } else if refused {
        Retry::Never(StopReason::Refused)
    } else if token_expired {
        Retry::Never(StopReason::TokenExpired)
    } else if quick_drops >= QUICK_DROPS_TO_STOP {
        Retry::Never(StopReason::TakeoverLoop)
    } else {
        Retry::AfterMs(
            1000u32
                .saturating_mul(1 << attempt.min(5))
                .min(MAX_DELAY_MS),
        )
    }
}

/// The bookkeeping `decide` needs, kept across the connections of one
/// credential: how many reconnects since the last CONNACK, whether the broker
/// refused, and how many drops in a row came right after connecting.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reconnects {
    attempt: u32,
    refused: bool,
    connected_at_ms: Option<f64>,
    quick_drops: u32,
    taken_over: bool,
}

impl Reconnects {
    /// CONNACK 0: the backoff starts again.
    pub fn connected(&mut self, now_ms: f64) {
        self.attempt = 0;
        self.refused = false;
        self.connected_at_ms = Some(now_ms);
    }

    /// CONNACK refused the credential.
    pub fn refused(&mut self) {
        self.refused = true;
    }

    /// The broker ended the connection with an MQTT 5 reason code: a takeover
    /// (0x8E) stops the reconnects at once, a refusal (0x87, 0x8A) like CONNACK's.
    pub fn server_disconnect(&mut self, code: u8) {
        match code {
            0x8E => self.taken_over = true,
            0x87 | 0x8A => self.refused = true,
            _ => {}
        }
    }

    /// The connection ended: what to do, and (for a retry) the attempt it is.
    pub fn dropped(&mut self, requested: bool, token_expired: bool, now_ms: f64) -> Retry {
        let quick = self
            .connected_at_ms
            .take()
            .is_some_and(|at| now_ms - at < QUICK_DROP_MS);
        self.quick_drops = if quick { self.quick_drops + 1 } else { 0 };
        if std::mem::take(&mut self.taken_over) {
            return Retry::Never(StopReason::TakenOver);
        }
        let retry = decide(
            requested,
            self.refused,
            token_expired,
            self.attempt,
            self.quick_drops,
        );
        if let Retry::AfterMs(_) = retry {
            self.attempt += 1;
        }
        retry
    }

    /// The attempt the next reconnect is (1 for the first).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_takeover_the_broker_announces_stops_at_once_and_0x87_counts_as_refused() {
        let mut r = Reconnects::default();
        r.connected(0.0);
        r.server_disconnect(0x8E);
        assert_eq!(
            r.dropped(false, false, 60_000.0),
            Retry::Never(StopReason::TakenOver)
        );
        let mut r = Reconnects::default();
        r.server_disconnect(0x87);
        assert_eq!(
            r.dropped(false, false, 0.0),
            Retry::Never(StopReason::Refused)
        );
        let mut r = Reconnects::default();
        r.server_disconnect(0x8B);
        assert_eq!(r.dropped(false, false, 0.0), Retry::AfterMs(1000));
    }

    #[test]
    fn reconnects_count_attempts_until_a_connack_resets_them() {
        let mut r = Reconnects::default();
        assert_eq!(r.dropped(false, false, 0.0), Retry::AfterMs(1000));
        assert_eq!(r.attempt(), 1);
        assert_eq!(r.dropped(false, false, 0.0), Retry::AfterMs(2000));
        r.connected(100_000.0);
        assert_eq!(r.dropped(false, false, 200_000.0), Retry::AfterMs(1000));
    }

    #[test]
    fn reconnects_stop_after_a_refusal_and_after_two_quick_drops() {
        let mut r = Reconnects::default();
        r.refused();
        assert_eq!(
            r.dropped(false, false, 0.0),
            Retry::Never(StopReason::Refused)
        );
        let mut r = Reconnects::default();
        r.connected(0.0);
        assert_eq!(r.dropped(false, false, 500.0), Retry::AfterMs(1000));
        r.connected(2000.0);
        assert_eq!(
            r.dropped(false, false, 2500.0),
            Retry::Never(StopReason::TakeoverLoop)
        );
    }

    #[test]
    fn a_refused_credential_or_an_expired_token_is_never_retried() {
        let never = |r| Retry::Never(r);
        assert_eq!(decide(false, true, false, 0, 0), never(StopReason::Refused));
        assert_eq!(
            decide(false, false, true, 3, 0),
            never(StopReason::TokenExpired)
        );
        assert_eq!(
            decide(true, false, false, 0, 0),
            never(StopReason::Requested)
        );
    }

    #[test]
    fn repeated_drops_right_after_connecting_stop_a_takeover_loop() {
        assert_eq!(decide(false, false, false, 0, 1), Retry::AfterMs(1000));
        assert_eq!(
            decide(false, false, false, 0, 2),
            Retry::Never(StopReason::TakeoverLoop)
        );
    }

    #[test]
    fn other_drops_back_off_exponentially_up_to_thirty_seconds() {
        let delays: Vec<Retry> = (0..7).map(|a| decide(false, false, false, a, 0)).collect();
        assert_eq!(
            delays,
            [1000, 2000, 4000, 8000, 16000, 30000, 30000].map(Retry::AfterMs)
        );
    }
}
