//! How messages reach the log on screen: in batches, at most once per
//! `SCREEN_GAP_MS`, with counters and a rate. A flood then costs a few renders a
//! second instead of one per message (in scripts/bench each render plus its
//! paint took 10-50 ms of the page's time). Pure: the client shell owns the
//! timers and passes the time in.

use std::collections::VecDeque;

use super::log::{Direction, MessageEntry};

/// The shortest time between two updates of the log on screen.
pub const SCREEN_GAP_MS: f64 = 100.0;

/// When the shell should flush next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flush {
    /// In the next animation frame.
    NextFrame,
    /// In the first animation frame after this many ms.
    AfterMs(u32),
}

/// What one flush hands to the log and the counters.
#[derive(Debug, Default, PartialEq)]
pub struct Batch {
    pub entries: VecDeque<MessageEntry>,
    pub received: u64,
    pub sent: u64,
}

#[derive(Debug, Default)]
pub struct LogFeed {
    pending: Batch,
    scheduled: bool,
    last_flush_ms: f64,
    /// When the rate was last measured, and the received total then.
    rate_mark: Option<(f64, u64)>,
}

impl LogFeed {
    /// Queues `m`, keeping at most `cap` waiting (a hidden tab gets no animation
    /// frames). Counted here, not at flush: messages trimmed before the next
    /// frame still count. Returns when to flush, if no flush is on its way.
    pub fn push(&mut self, m: MessageEntry, cap: usize, now_ms: f64) -> Option<Flush> {
        match m.direction {
            Direction::Received => self.pending.received += 1,
            Direction::Sent => self.pending.sent += 1,
        }
        self.pending.entries.push_back(m);
        if self.pending.entries.len() > cap.max(1) {
            self.pending.entries.pop_front();
        }
        if std::mem::replace(&mut self.scheduled, true) {
            return None;
        }
        let wait = self.last_flush_ms + SCREEN_GAP_MS - now_ms;
        Some(if wait <= 0.0 {
            Flush::NextFrame
        } else {
            Flush::AfterMs(wait.ceil() as u32)
        })
    }

    /// Everything waiting, for the log; the next push schedules again.
    pub fn take(&mut self, now_ms: f64) -> Batch {
        self.scheduled = false;
        self.last_flush_ms = now_ms;
        std::mem::take(&mut self.pending)
    }

    /// Drops what waits (the user cleared the log).
    pub fn clear(&mut self) {
        self.pending = Batch::default();
    }

    /// Messages received per second since the last call, given the received
    /// total now; `None` on the first call.
    pub fn rate(&mut self, now_ms: f64, received_total: u64) -> Option<u64> {
        let rate = self.rate_mark.and_then(|(at, seen)| {
            (now_ms > at).then(|| {
                (received_total.saturating_sub(seen) as f64 * 1000.0 / (now_ms - at)).round() as u64
            })
        });
        self.rate_mark = Some((now_ms, received_total));
        rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::qos::Qos;

    fn msg(direction: Direction, n: u32) -> MessageEntry {
        MessageEntry {
            direction,
            topic: "t".into(),
            payload: n.to_string().into_bytes(),
            qos: Qos::AtMostOnce,
            retain: false,
            properties: Default::default(),
            at_ms: 0.0,
        }
    }

    #[test]
    fn a_burst_schedules_one_flush_and_waits_out_the_screen_gap() {
        let mut f = LogFeed::default();
        f.take(1000.0);
        assert_eq!(
            f.push(msg(Direction::Received, 1), 10, 1040.0),
            Some(Flush::AfterMs(60))
        );
        assert_eq!(f.push(msg(Direction::Received, 2), 10, 1041.0), None);
        assert_eq!(f.take(1100.0).entries.len(), 2);
        assert_eq!(
            f.push(msg(Direction::Sent, 3), 10, 1300.0),
            Some(Flush::NextFrame)
        );
    }

    #[test]
    fn a_backlog_keeps_the_newest_up_to_the_cap_but_counts_every_message() {
        let mut f = LogFeed::default();
        for n in 0..5 {
            f.push(msg(Direction::Received, n), 3, 0.0);
        }
        f.push(msg(Direction::Sent, 5), 3, 0.0);
        let batch = f.take(0.0);
        let kept: Vec<&[u8]> = batch.entries.iter().map(|m| &m.payload[..]).collect();
        assert_eq!(kept, [b"3", b"4", b"5"]);
        assert_eq!((batch.received, batch.sent), (5, 1));
    }

    #[test]
    fn clearing_drops_what_waits() {
        let mut f = LogFeed::default();
        f.push(msg(Direction::Received, 1), 3, 0.0);
        f.clear();
        assert_eq!(f.take(0.0), Batch::default());
    }

    #[test]
    fn the_rate_is_messages_per_second_between_two_looks() {
        let mut f = LogFeed::default();
        assert_eq!(f.rate(1000.0, 0), None);
        assert_eq!(f.rate(2000.0, 250), Some(250));
        assert_eq!(f.rate(2500.0, 300), Some(100));
    }
}
