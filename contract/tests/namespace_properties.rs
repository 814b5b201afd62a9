//! Properties of the namespace rules, over generated topics and filters built from
//! levels that matter (the namespace's own, near misses, wildcards, empty levels).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use tillor_contract::namespace::TOPIC_MAX_BYTES;
use tillor_contract::{Env, Namespace};

/// MQTT 3.1.1 matching (section 4.7), written from the spec as an independent
/// reference: `+` one level, `#` the rest (including the parent), `$` topics
/// never matched by a wildcard in the first level.
fn matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let f: Vec<&str> = filter.split('/').collect();
    let t: Vec<&str> = topic.split('/').collect();
    for (i, level) in f.iter().enumerate() {
        match *level {
            "#" => return true,
            "+" if i < t.len() => {}
            l if i < t.len() && l == t[i] => {}
            _ => return false,
        }
    }
    f.len() == t.len()
}

const LEVELS: &[&str] = &[
    "tillor",
    "local",
    "prod",
    "acme",
    "acme2",
    "integration",
    "integration2",
    "Integration",
    "x",
    "",
    " ",
    "$SYS",
    "..",
    "+",
    "#",
];

fn path(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(LEVELS), 1..max).prop_map(|v| v.join("/"))
}

// prop_filter hands over a &String.
#[allow(clippy::ptr_arg)]
fn no_wildcards(t: &String) -> bool {
    !t.contains(['+', '#'])
}

/// The first `k` levels of the namespace, then random levels: this is where
/// near misses (siblings, parents, children) come from.
fn near_namespace() -> impl Strategy<Value = String> {
    (0..=4usize, path(5)).prop_map(|(k, rest)| {
        let mut levels: Vec<&str> = ["tillor", "local", "acme", "integration"][..k].to_vec();
        levels.push(&rest);
        levels.join("/")
    })
}

/// Topics around MQTT's 65,535-byte limit: a near-namespace start padded with
/// one long level to within a few bytes either side of the limit.
fn near_the_length_limit() -> impl Strategy<Value = String> {
    (near_namespace(), -3i64..=3).prop_map(|(start, delta)| {
        let pad = (TOPIC_MAX_BYTES as i64 + delta - start.len() as i64 - 1).max(0) as usize;
        format!("{start}/{}", "x".repeat(pad))
    })
}

fn topic() -> impl Strategy<Value = String> {
    prop_oneof![4 => path(8), 4 => near_namespace(), 1 => near_the_length_limit()]
        .prop_filter("a topic name has no wildcards", no_wildcards)
}

fn filter() -> impl Strategy<Value = String> {
    prop_oneof![4 => path(8), 4 => near_namespace(), 1 => near_the_length_limit()]
}

fn ns() -> Namespace {
    Namespace::new(Env::Local, "acme").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn no_allowed_filter_matches_a_topic_outside_the_namespace(f in filter(), t in topic()) {
        // A topic past MQTT's length limit cannot be published at all, so no
        // filter can ever receive it: only topics a broker can carry count.
        if ns().is_filter_allowed(&f) && matches(&f, &t) && t.len() <= TOPIC_MAX_BYTES {
            prop_assert!(ns().is_topic_allowed(&t), "{f:?} is allowed and matches {t:?}");
        }
    }

    #[test]
    fn a_topic_is_allowed_exactly_when_it_is_the_prefix_or_below(t in topic()) {
        let prefix = "tillor/local/acme/integration";
        let inside = (t == prefix || t.starts_with(&format!("{prefix}/")))
            && t.len() <= TOPIC_MAX_BYTES;
        prop_assert_eq!(ns().is_topic_allowed(&t), inside, "{}", t);
    }

    #[test]
    fn the_explanation_is_empty_exactly_when_allowed(f in filter()) {
        prop_assert_eq!(ns().explain(&f, true).is_empty(), ns().is_filter_allowed(&f), "{}", f);
        prop_assert_eq!(ns().explain(&f, false).is_empty(), ns().is_topic_allowed(&f), "{}", f);
    }

    #[test]
    fn an_allowed_topic_is_also_an_allowed_filter(t in topic()) {
        if ns().is_topic_allowed(&t) {
            prop_assert!(ns().is_filter_allowed(&t));
        }
    }
}

#[test]
fn the_length_limit_is_reachable_by_the_generator() {
    // Without this, the property above could pass with no length check at all.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut over, mut at) = (0, 0);
    for _ in 0..200 {
        let t = near_the_length_limit()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let inside = t.starts_with("tillor/local/acme/integration/");
        if inside && t.len() > TOPIC_MAX_BYTES {
            over += 1;
        }
        if inside && t.len() == TOPIC_MAX_BYTES {
            at += 1;
        }
    }
    assert!(over > 0 && at > 0, "over the limit {over}, at it {at}");
}

#[test]
fn the_reference_matcher_follows_the_spec_examples() {
    assert!(matches("sport/tennis/player1/#", "sport/tennis/player1"));
    assert!(matches(
        "sport/tennis/player1/#",
        "sport/tennis/player1/ranking"
    ));
    assert!(matches("sport/+", "sport/"));
    assert!(!matches("sport/+", "sport"));
    assert!(matches("+/+", "/finance"));
    assert!(!matches("#", "$SYS/broker"));
    assert!(matches("$SYS/#", "$SYS/broker"));
}
