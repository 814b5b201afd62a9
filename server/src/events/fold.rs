//! Records of a batch, and the repeats among them folded in the way the
//! store groups them: one entry, counted.

use std::collections::HashMap;

use tillor_contract::broker_event::EventKind;

use super::GROUP_WINDOW_MS;

/// One event for one organisation, about to be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub org: String,
    pub client_id: String,
    pub what: EventKind,
    pub at_ms: i64,
    /// How many times (the plugin counts a repeating refusal).
    pub count: u64,
}

/// Records of a batch with their repeats folded in: the same event of the
/// same clientId right after itself (as the store would group it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folded {
    pub record: Record,
    pub count: i64,
    pub first_at_ms: i64,
}

pub fn fold(records: Vec<Record>) -> Vec<Folded> {
    let mut out: Vec<Folded> = Vec::new();
    // The last folded entry of each (org, clientId) in this batch.
    let mut last: HashMap<(String, String), usize> = HashMap::new();
    for r in records {
        let key = (r.org.clone(), r.client_id.clone());
        if let Some(&i) = last.get(&key) {
            let f = &mut out[i];
            if f.record.what == r.what && r.at_ms - f.record.at_ms <= GROUP_WINDOW_MS {
                f.count += r.count as i64;
                f.record.at_ms = f.record.at_ms.max(r.at_ms);
                continue;
            }
        }
        last.insert(key, out.len());
        out.push(Folded {
            first_at_ms: r.at_ms,
            count: r.count as i64,
            record: r,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use tillor_contract::broker_event::DisconnectCause;

    use super::*;

    fn record(client_id: &str, code: DisconnectCause, at_ms: i64) -> Record {
        Record {
            org: "acme".into(),
            client_id: client_id.into(),
            what: EventKind::Disconnected { cause: code },
            at_ms,
            count: 1,
        }
    }

    #[test]
    fn a_batch_folds_repeats_the_way_the_store_groups_them() {
        use DisconnectCause::{ConnectionLost as Lost, KeepAliveTimeout as Timeout};
        let folded = fold(vec![
            record("a", Lost, 1),
            record("b", Lost, 2),
            record("a", Lost, 3),
            record("a", Timeout, 4),
            // Not folded into the first: another event came in between.
            record("a", Lost, 5),
            record("a", Lost, 5 + GROUP_WINDOW_MS + 1),
        ]);
        let summary: Vec<_> = folded
            .iter()
            .map(|f| {
                (
                    f.record.client_id.as_str(),
                    f.count,
                    f.first_at_ms,
                    f.record.at_ms,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a", 2, 1, 3),
                ("b", 1, 2, 2),
                ("a", 1, 4, 4),
                ("a", 1, 5, 5),
                ("a", 1, 5 + GROUP_WINDOW_MS + 1, 5 + GROUP_WINDOW_MS + 1),
            ]
        );
    }
}
