//! WebSocket frames waiting for the session. Chromium dispatches a burst of
//! frames as one task, so the socket's handler only queues them here and the
//! client works through the queue in slices that each stay well under a
//! frame's time: a flood can then never stall the page. Pure, so its slicing is
//! tested natively.

use std::collections::VecDeque;

/// Bytes handed to the session between two looks at the clock (some 30 small
/// messages). MQTT is a byte stream, so any cut is fine.
pub const BYTES_PER_SLICE: usize = 2048;

#[derive(Debug, Default)]
pub struct Inbound {
    frames: VecDeque<Vec<u8>>,
    /// How much of the front frame the session has had.
    at: usize,
    /// A drain task is already on its way.
    scheduled: bool,
}

impl Inbound {
    /// Queues a frame; true when the caller must schedule a drain.
    pub fn push(&mut self, frame: Vec<u8>) -> bool {
        self.frames.push_back(frame);
        !std::mem::replace(&mut self.scheduled, true)
    }

    /// Hands the next piece (at most `BYTES_PER_SLICE`) to `f`; `None` when the
    /// queue is empty, which also ends the scheduled drain.
    pub fn next_slice<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let Some(front) = self.frames.front() else {
            self.scheduled = false;
            return None;
        };
        let end = (self.at + BYTES_PER_SLICE).min(front.len());
        let out = f(&front[self.at..end]);
        if end == front.len() {
            self.frames.pop_front();
            self.at = 0;
        } else {
            self.at = end;
        }
        // A drain that has emptied the queue is over: the next frame must
        // schedule a new one.
        self.scheduled = self.has_more();
        Some(out)
    }

    /// More is queued; a drain that stops now must be scheduled again.
    pub fn has_more(&self) -> bool {
        !self.frames.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(q: &mut Inbound) -> Vec<Vec<u8>> {
        std::iter::from_fn(|| q.next_slice(<[u8]>::to_vec)).collect()
    }

    #[test]
    fn only_the_first_frame_of_a_burst_asks_for_a_drain() {
        let mut q = Inbound::default();
        assert!(q.push(vec![1]));
        assert!(!q.push(vec![2]));
        drain(&mut q);
        assert!(q.push(vec![3]), "an emptied queue asks again");
    }

    #[test]
    fn a_frame_after_the_queue_was_emptied_asks_for_a_new_drain() {
        let mut q = Inbound::default();
        assert!(q.push(vec![1]));
        q.next_slice(|_| ());
        assert!(!q.has_more());
        assert!(
            q.push(vec![2]),
            "the drain that emptied the queue has ended"
        );
    }

    #[test]
    fn a_big_frame_is_handed_over_in_slices_and_in_order() {
        let mut q = Inbound::default();
        let big: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
        q.push(big.clone());
        q.push(vec![7, 7]);
        let slices = drain(&mut q);
        let lens: Vec<usize> = slices.iter().map(Vec::len).collect();
        assert_eq!(lens, [2048, 2048, 904, 2]);
        assert_eq!(slices.concat(), [big, vec![7, 7]].concat());
        assert!(!q.has_more());
    }
}
