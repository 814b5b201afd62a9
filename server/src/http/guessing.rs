//! Someone guessing API keys is slowed down: from one address, the first few
//! wrong keys a minute are answered at once (a typo, a pasted key with a
//! space), and each one after that waits twice as long as the one before,
//! up to `MAX_DELAY`. A right key is never delayed. Kept per instance and in
//! memory: a restart forgets, and several instances each count their own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong keys a minute from one address that are answered at once.
pub const FREE: u32 = 5;
const WINDOW: Duration = Duration::from_secs(60);
const FIRST_DELAY: Duration = Duration::from_millis(500);
const MAX_DELAY: Duration = Duration::from_secs(8);
/// Addresses remembered at most; past it, windows that ended are dropped.
const REMEMBERED: usize = 10_000;

#[derive(Default)]
pub struct Guesses(Mutex<HashMap<IpAddr, Window>>);

struct Window {
    started: Instant,
    failures: u32,
}

impl Guesses {
    /// A wrong key came from `ip` at `now`: how long to wait before saying so.
    pub fn failed(&self, ip: IpAddr, now: Instant) -> Duration {
        let Ok(mut all) = self.0.lock() else {
            return MAX_DELAY;
        };
        if all.len() >= REMEMBERED {
            all.retain(|_, w| now.duration_since(w.started) < WINDOW);
        }
        let window = all.entry(ip).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(window.started) >= WINDOW {
            *window = Window {
                started: now,
                failures: 0,
            };
        }
        window.failures += 1;
        delay(window.failures)
    }
}

/// The wait for the `failures`-th wrong key in a window.
pub fn delay(failures: u32) -> Duration {
    if failures <= FREE {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE - 1).min(16);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_mistakes_cost_nothing_then_each_guess_waits_twice_as_long_up_to_a_cap() {
        assert_eq!(delay(FREE), Duration::ZERO);
        assert_eq!(delay(FREE + 1), Duration::from_millis(500));
        assert_eq!(delay(FREE + 2), Duration::from_secs(1));
        assert_eq!(delay(FREE + 5), Duration::from_secs(8));
        assert_eq!(delay(1_000), MAX_DELAY);
    }

    #[test]
    fn the_count_is_per_address_and_starts_again_after_a_minute() {
        let guesses = Guesses::default();
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..FREE {
            assert_eq!(guesses.failed(a, t0), Duration::ZERO);
        }
        assert!(guesses.failed(a, t0) > Duration::ZERO);
        assert_eq!(guesses.failed(b, t0), Duration::ZERO, "another address");
        assert_eq!(
            guesses.failed(a, t0 + WINDOW),
            Duration::ZERO,
            "a new minute"
        );
    }
}
