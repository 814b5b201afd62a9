//! Pure: how often a repeating refusal is reported. A client flooding
//! publishes outside its namespace, or a device retrying a bad password in a
//! tight loop, would otherwise cost the broker one report per attempt (the
//! broker bench measured half its publish rate). The first of a kind goes out
//! at once; repeats within a second are counted and go out as one report
//! with their count when the second is over.

use std::collections::HashMap;

use tillor_contract::broker_event::Report;

/// Repeats of one report by one clientId within this window are one report.
pub const WINDOW_MS: i64 = 1_000;
/// Kinds of report held at most; past this, reports go out unthrottled
/// rather than grow the broker's memory.
pub const MAX_SLOTS: usize = 10_000;

/// What one clientId reported, and the repeats held back since.
#[derive(Debug)]
struct Slot {
    org: Option<String>,
    sent_ms: i64,
    held: u64,
}

/// A report to publish: whose, which clientId, what, how many times.
#[derive(Debug, PartialEq, Eq)]
pub struct Due {
    pub org: Option<String>,
    pub client_id: String,
    pub what: Report,
    pub count: u64,
}

#[derive(Debug, Default)]
pub struct Throttle {
    slots: HashMap<(String, Report), Slot>,
}

impl Throttle {
    /// A refusal happened: `Some(report)` to publish now, `None` when it is
    /// held (counted into the next report of its kind).
    pub fn offer(
        &mut self,
        org: Option<String>,
        client_id: &str,
        what: Report,
        now_ms: i64,
    ) -> Option<Due> {
        let key = (client_id.to_owned(), what);
        let full = self.slots.len() >= MAX_SLOTS;
        match self.slots.get_mut(&key) {
            Some(slot) if now_ms - slot.sent_ms < WINDOW_MS => {
                slot.held += 1;
                None
            }
            Some(slot) => {
                let count = slot.held + 1;
                slot.held = 0;
                slot.sent_ms = now_ms;
                Some(due(key, org, count))
            }
            None if full => Some(due(key, org, 1)),
            None => {
                self.slots.insert(
                    key.clone(),
                    Slot {
                        org: org.clone(),
                        sent_ms: now_ms,
                        held: 0,
                    },
                );
                Some(due(key, org, 1))
            }
        }
    }

    /// Held repeats whose second is over, to publish now; kinds quiet for a
    /// whole window are forgotten.
    pub fn due(&mut self, now_ms: i64) -> Vec<Due> {
        let mut out = Vec::new();
        self.slots.retain(|(client_id, what), slot| {
            if now_ms - slot.sent_ms < WINDOW_MS {
                return true;
            }
            if slot.held == 0 {
                return false;
            }
            out.push(Due {
                org: slot.org.clone(),
                client_id: client_id.clone(),
                what: what.clone(),
                count: slot.held,
            });
            slot.held = 0;
            slot.sent_ms = now_ms;
            true
        });
        out
    }
}

fn due((client_id, what): (String, Report), org: Option<String>, count: u64) -> Due {
    Due {
        org,
        client_id,
        what,
        count,
    }
}

#[cfg(test)]
mod tests {
    use tillor_contract::refusal::RefusalReason;

    use super::*;

    fn refused() -> Report {
        Report::JwtRefused {
            reason: RefusalReason::BadSignature,
        }
    }

    #[test]
    fn the_first_goes_out_at_once_and_repeats_within_a_second_as_one_count() {
        let mut t = Throttle::default();
        let first = t.offer(None, "local-a", refused(), 0).unwrap();
        assert_eq!(first.count, 1);
        for ms in 1..=99 {
            assert_eq!(t.offer(None, "local-a", refused(), ms * 10), None);
        }
        assert_eq!(t.due(999), [], "the second is not over");
        let held = t.due(1_000);
        assert_eq!(held.len(), 1);
        assert_eq!((held[0].client_id.as_str(), held[0].count), ("local-a", 99));
        // Quiet for a whole window: forgotten, and the next goes out at once.
        assert_eq!(t.due(2_000), []);
        assert_eq!(t.due(3_000), []);
        assert_eq!(t.offer(None, "local-a", refused(), 3_001).unwrap().count, 1);
    }

    #[test]
    fn another_client_or_another_refusal_is_its_own_report() {
        let mut t = Throttle::default();
        assert!(t.offer(None, "local-a", refused(), 0).is_some());
        assert!(t.offer(None, "local-b", refused(), 1).is_some());
        let other = Report::JwtRefused {
            reason: RefusalReason::Expired { exp: 5 },
        };
        assert!(t.offer(None, "local-a", other, 2).is_some());
    }

    #[test]
    fn a_repeat_after_its_second_goes_out_with_what_was_held() {
        let mut t = Throttle::default();
        t.offer(Some("acme".into()), "local-a", refused(), 0);
        t.offer(Some("acme".into()), "local-a", refused(), 500);
        let next = t
            .offer(Some("acme".into()), "local-a", refused(), 1_200)
            .unwrap();
        assert_eq!((next.org.as_deref(), next.count), (Some("acme"), 2));
    }
}
