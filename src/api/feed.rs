//! The events feed as the console holds it: the first page, then what the
//! live requests bring. Pure (no browser), so its merging is tested natively.
//!
//! A grouped entry grows in place on the server and comes again, with the
//! same id and a higher count: it replaces the copy held here and moves to
//! the top, where the newest change belongs.

use tillor_contract::api::{ConnectionEvent, EventPage};

/// How long one live request waits for a change, in seconds: under the
/// API's maximum (30), and well under common proxies' idle timeout (60).
pub const LIVE_WAIT_S: u32 = 25;

/// Entries held at most; the oldest go first. The API's first page is 100.
pub const HOLD: usize = 500;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Feed {
    /// Newest first.
    pub entries: Vec<ConnectionEvent>,
    /// Where the next live request starts (`after`).
    pub cursor: Option<String>,
    /// Broker reports the server lost (its `dropped`).
    pub dropped: u64,
}

impl Feed {
    /// The first page: it is the whole feed.
    pub fn start(page: EventPage) -> Feed {
        Feed {
            entries: page.events,
            cursor: Some(page.live_cursor),
            dropped: page.dropped,
        }
    }

    /// A live answer. Returns whether it says a session began or ended (the
    /// live sessions are then worth fetching again).
    pub fn apply(&mut self, page: EventPage) -> bool {
        self.cursor = Some(page.live_cursor);
        self.dropped = page.dropped;
        let sessions_changed = page
            .events
            .iter()
            .any(|e| matches!(e.what.as_str(), "connected" | "disconnected"));
        let fresh: Vec<i64> = page.events.iter().map(|e| e.id).collect();
        self.entries.retain(|e| !fresh.contains(&e.id));
        let mut entries = page.events;
        entries.append(&mut self.entries);
        entries.truncate(HOLD);
        self.entries = entries;
        sessions_changed
    }
}

#[cfg(test)]
mod tests {
    use tillor_contract::broker_event::{DisconnectCause, EventKind};
    use tillor_contract::refusal::RefusalReason;

    use super::*;

    fn refused(id: i64, count: u64) -> ConnectionEvent {
        ConnectionEvent {
            id,
            client_id: format!("local-{id}"),
            what: EventKind::Refused {
                reason: RefusalReason::WrongPassword,
            },
            count,
            first_at: "2026-11-26T12:00:00Z".into(),
            last_at: "2026-11-26T12:00:00Z".into(),
        }
    }

    fn page(events: Vec<ConnectionEvent>, cursor: &str) -> EventPage {
        EventPage {
            events,
            next_cursor: None,
            live_cursor: cursor.into(),
            dropped: 0,
        }
    }

    fn ids(feed: &Feed) -> Vec<i64> {
        feed.entries.iter().map(|e| e.id).collect()
    }

    #[test]
    fn a_grown_entry_replaces_its_copy_and_moves_to_the_top() {
        let mut feed = Feed::start(page(
            vec![refused(3, 1), refused(2, 5), refused(1, 1)],
            "e3",
        ));
        assert_eq!(feed.cursor.as_deref(), Some("e3"));
        let changed = feed.apply(page(vec![refused(4, 1), refused(2, 6)], "e5"));
        assert!(!changed, "refusals start or end no session");
        assert_eq!(ids(&feed), [4, 2, 3, 1]);
        assert_eq!(feed.entries[1].count, 6);
        assert_eq!(feed.cursor.as_deref(), Some("e5"));
    }

    #[test]
    fn a_session_that_begins_or_ends_says_so_and_the_oldest_entries_go() {
        let mut feed = Feed::start(page(
            (0..HOLD as i64).rev().map(|i| refused(i, 1)).collect(),
            "e1",
        ));
        let mut gone = refused(10_000, 1);
        gone.what = EventKind::Disconnected {
            cause: DisconnectCause::BrokerRestarted,
        };
        assert!(feed.apply(page(vec![gone], "e2")));
        assert_eq!(feed.entries.len(), HOLD);
        assert_eq!(feed.entries[0].id, 10_000);
        assert_eq!(feed.entries.last().unwrap().id, 1, "entry 0 is the oldest");
    }

    #[test]
    fn an_empty_answer_moves_only_the_cursor() {
        let mut feed = Feed::start(page(vec![refused(1, 1)], "e1"));
        assert!(!feed.apply(page(vec![], "e9")));
        assert_eq!(ids(&feed), [1]);
        assert_eq!(feed.cursor.as_deref(), Some("e9"));
    }
}
