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

#[cfg(test)]
mod tests {
    use super::*;

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
