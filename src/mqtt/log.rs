//! The test client's message log: a bounded ring of shared entries. Pure (no
//! signals, no DOM), so its bounds and its filter are tested natively.
//!
//! Entries are `Rc`s so that pausing the screen (a snapshot) and rendering the
//! rows in view cost reference counts, never copies of topics and payloads:
//! cloning a 10,000-entry log per animation frame was what stalled the page.

use std::collections::VecDeque;
use std::rc::Rc;

use super::packet::Properties;
use super::qos::Qos;

/// Messages kept in the log unless the user chooses another cap.
pub const DEFAULT_CAP: usize = 10_000;
/// The caps offered on screen; the default is one of them.
pub const CAPS: [usize; 4] = [1_000, DEFAULT_CAP, 50_000, 100_000];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Received,
    Sent,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Received, Direction::Sent];

    /// The stable name: a CSS class, a select's value, the export's field.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Received => "received",
            Direction::Sent => "sent",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The arrow the list shows (beside words, never alone).
    pub fn icon(self) -> &'static str {
        match self {
            Direction::Received => "⬇",
            Direction::Sent => "⬆",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MessageEntry {
    pub direction: Direction,
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: Qos,
    pub retain: bool,
    /// MQTT 5 properties (content type, user properties, ...); empty under 3.1.1.
    pub properties: Properties,
    pub at_ms: f64,
}

/// What the log shows: a direction (or both) and a text that the topic or
/// the payload must contain (case-sensitive, as topics are).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogFilter {
    pub direction: Option<Direction>,
    pub text: String,
}

impl LogFilter {
    pub fn is_empty(&self) -> bool {
        self.direction.is_none() && self.text.is_empty()
    }

    pub fn matches(&self, m: &MessageEntry) -> bool {
        self.direction.is_none_or(|d| d == m.direction)
            && (self.text.is_empty()
                || m.topic.contains(&self.text)
                || String::from_utf8_lossy(&m.payload).contains(&self.text))
    }
}

#[derive(Clone, Debug)]
pub struct MessageLog {
    entries: VecDeque<Rc<MessageEntry>>,
    cap: usize,
    /// Entries that ever left the front, so that every entry keeps one
    /// sequence number (`dropped + position`) while the log moves on.
    dropped: u64,
}

impl Default for MessageLog {
    fn default() -> Self {
        Self::new(DEFAULT_CAP)
    }
}

impl MessageLog {
    pub fn new(cap: usize) -> Self {
        MessageLog {
            entries: VecDeque::new(),
            cap: cap.max(1),
            dropped: 0,
        }
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A smaller cap drops the oldest entries at once.
    pub fn set_cap(&mut self, cap: usize) {
        self.cap = cap.max(1);
        self.trim();
    }

    /// Appends in arrival order; the oldest go once the cap is reached.
    pub fn extend(&mut self, batch: impl IntoIterator<Item = MessageEntry>) {
        self.entries.extend(batch.into_iter().map(Rc::new));
        self.trim();
    }

    fn trim(&mut self) {
        if self.entries.len() > self.cap {
            let extra = self.entries.len() - self.cap;
            self.entries.drain(..extra);
            self.dropped += extra as u64;
        }
    }

    pub fn clear(&mut self) {
        self.dropped += self.entries.len() as u64;
        self.entries.clear();
    }

    /// The sequence number of the entry `row` places from the newest.
    pub fn seq_of_newest(&self, row: usize) -> Option<u64> {
        self.newest(row)?;
        Some(self.dropped + (self.entries.len() - 1 - row) as u64)
    }

    /// The entry with this sequence number, while it is still in the log.
    pub fn by_seq(&self, seq: u64) -> Option<&Rc<MessageEntry>> {
        let i = usize::try_from(seq.checked_sub(self.dropped)?).ok()?;
        self.entries.get(i)
    }

    /// The entry `row` places from the newest (row 0 is the newest).
    pub fn newest(&self, row: usize) -> Option<&Rc<MessageEntry>> {
        let len = self.entries.len();
        row.checked_add(1)
            .and_then(|n| len.checked_sub(n))
            .and_then(|i| self.entries.get(i))
    }

    /// The sequence number shown at `row` of the list, where the list is the
    /// whole log or (filtered) the rows in `hits`, newest first.
    pub fn seq_at_row(&self, row: usize, hits: Option<&[u32]>) -> Option<u64> {
        let index = match hits {
            Some(h) => *h.get(row)? as usize,
            None => row,
        };
        self.seq_of_newest(index)
    }

    /// The row of the list (as for `seq_at_row`) that shows `seq` now; `None`
    /// once it has left the log (or does not match the filter).
    pub fn row_of_seq(&self, seq: u64, hits: Option<&[u32]>) -> Option<usize> {
        let index = usize::try_from(self.seq_of_newest(0)?.checked_sub(seq)?).ok()?;
        if index >= self.entries.len() {
            return None;
        }
        match hits {
            Some(h) => h.binary_search(&(index as u32)).ok(),
            None => Some(index),
        }
    }

    /// Rows (as for `newest`) of the entries that match, newest first.
    pub fn matching(&self, filter: &LogFilter) -> Vec<u32> {
        self.entries
            .iter()
            .rev()
            .enumerate()
            .filter(|(_, m)| filter.matches(m))
            .map(|(row, _)| row as u32)
            .collect()
    }

    /// Oldest first, as exported.
    pub fn iter(&self) -> impl Iterator<Item = &Rc<MessageEntry>> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(topic: &str, payload: &str) -> MessageEntry {
        MessageEntry {
            direction: if payload == "sent" {
                Direction::Sent
            } else {
                Direction::Received
            },
            topic: topic.into(),
            payload: payload.as_bytes().to_vec(),
            qos: Qos::AtMostOnce,
            retain: false,
            properties: Properties::default(),
            at_ms: 0.0,
        }
    }

    #[test]
    fn the_log_keeps_the_newest_entries_up_to_its_cap() {
        let mut log = MessageLog::new(3);
        log.extend((0..5).map(|i| msg("t", &i.to_string())));
        assert_eq!(log.len(), 3);
        assert_eq!(log.newest(0).unwrap().payload, b"4");
        assert_eq!(log.newest(2).unwrap().payload, b"2");
        assert!(log.newest(3).is_none());
        assert!(log.newest(usize::MAX).is_none());
        log.set_cap(1);
        assert_eq!(log.len(), 1);
        assert_eq!(log.newest(0).unwrap().payload, b"4");
        assert_eq!(
            MessageLog::new(0).cap(),
            1,
            "a zero cap would lose every message"
        );
    }

    #[test]
    fn an_entry_keeps_its_sequence_number_while_the_log_moves_on() {
        let mut log = MessageLog::new(2);
        log.extend([msg("a", "1"), msg("b", "2")]);
        let seq_b = log.seq_of_newest(0).unwrap();
        assert_eq!(log.by_seq(seq_b).unwrap().topic, "b");
        log.extend([msg("c", "3")]);
        assert_eq!(
            log.by_seq(seq_b).unwrap().topic,
            "b",
            "b moved to row 1, same number"
        );
        assert_eq!(log.seq_of_newest(1), Some(seq_b));
        log.extend([msg("d", "4")]);
        assert!(log.by_seq(seq_b).is_none(), "b left the log");
        log.clear();
        assert!(log.by_seq(seq_b + 2).is_none() && log.seq_of_newest(0).is_none());
        log.extend([msg("e", "5")]);
        assert_eq!(
            log.by_seq(log.seq_of_newest(0).unwrap()).unwrap().topic,
            "e"
        );
        assert!(
            log.by_seq(seq_b + 2).is_none(),
            "d's number is not reused for e"
        );
    }

    #[test]
    fn a_message_is_found_at_its_new_row_after_newer_ones_arrive() {
        let mut log = MessageLog::new(5);
        log.extend([msg("a", "1"), msg("b", "sent"), msg("c", "3")]);
        let b = log.seq_at_row(1, None).unwrap();
        log.extend([msg("d", "4"), msg("e", "sent")]);
        assert_eq!(log.row_of_seq(b, None), Some(3));
        let sent = log.matching(&LogFilter {
            direction: Some(Direction::Sent),
            text: String::new(),
        });
        assert_eq!(log.seq_at_row(1, Some(&sent)), Some(b));
        assert_eq!(log.row_of_seq(b, Some(&sent)), Some(1));
        let c = log.seq_at_row(2, None).unwrap();
        assert_eq!(log.row_of_seq(c, Some(&sent)), None, "c is not sent");
        log.extend([msg("f", "6"), msg("g", "7"), msg("h", "8")]);
        assert_eq!(log.row_of_seq(b, None), None, "b left the log");
        assert_eq!(log.row_of_seq(u64::MAX, None), None);
    }

    #[test]
    fn a_snapshot_stays_as_it_was_while_the_log_moves_on() {
        let mut log = MessageLog::new(2);
        log.extend([msg("a", "1"), msg("b", "2")]);
        let paused = log.clone();
        log.extend([msg("c", "3")]);
        assert_eq!(paused.newest(0).unwrap().topic, "b");
        assert_eq!(log.newest(0).unwrap().topic, "c");
        assert!(Rc::ptr_eq(
            paused.newest(0).unwrap(),
            log.newest(1).unwrap()
        ));
    }

    fn text(t: &str) -> LogFilter {
        LogFilter {
            direction: None,
            text: t.into(),
        }
    }

    #[test]
    fn the_filter_matches_topic_payload_and_direction_and_lists_newest_first() {
        let mut log = MessageLog::new(10);
        log.extend([
            msg("x/temp", "21"),
            msg("x/door", "open"),
            msg("x/temp", "22"),
            msg("x/temp", "sent"),
        ]);
        assert_eq!(log.matching(&text("temp")), vec![0, 1, 3]);
        assert_eq!(log.matching(&text("open")), vec![2]);
        assert_eq!(log.matching(&text("")), vec![0, 1, 2, 3]);
        assert!(log.matching(&text("Temp")).is_empty());
        let sent = LogFilter {
            direction: Some(Direction::Sent),
            text: String::new(),
        };
        assert_eq!(log.matching(&sent), vec![0]);
        let received_temp = LogFilter {
            direction: Some(Direction::Received),
            text: "temp".into(),
        };
        assert_eq!(log.matching(&received_temp), vec![1, 3]);
        assert!(LogFilter::default().is_empty() && !sent.is_empty());
    }
}
