//! Properties of the namespace rules, over generated topics and filters built from
//! levels that matter (the namespace's own, near misses, wildcards, empty levels).

use proptest::prelude::*;
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

fn topic() -> impl Strategy<Value = String> {
    prop_oneof![path(8), near_namespace()]
        .prop_filter("a topic name has no wildcards", no_wildcards)
}

fn filter() -> impl Strategy<Value = String> {
    prop_oneof![path(8), near_namespace()]
}

fn ns() -> Namespace {
    Namespace::new(Env::Local, "acme").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn no_allowed_filter_matches_a_topic_outside_the_namespace(f in filter(), t in topic()) {
        if ns().is_filter_allowed(&f) && matches(&f, &t) {
            prop_assert!(ns().is_topic_allowed(&t), "{f:?} is allowed and matches {t:?}");
        }
    }

    #[test]
    fn a_topic_is_allowed_exactly_when_it_is_the_prefix_or_below(t in topic()) {
        let prefix = "tillor/local/acme/integration";
        let inside = t == prefix || t.starts_with(&format!("{prefix}/"));
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
