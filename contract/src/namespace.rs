//! The topic namespace: an organisation may use `tillor/{env}/{orgId}/integration`
//! and everything below it, nothing else. Console, server and broker plugin all
//! decide with these functions, so the rule lives in one place.
//!
//! Design: comparison is byte-exact (no case folding, no trimming). A filter is
//! allowed only when *every* topic it can match is inside, so wildcards may appear
//! only below the prefix, and `integration2`-style siblings never match.

use std::fmt;
use std::str::FromStr;

/// The deployment a credential belongs to; it is both a topic level and the clientId prefix.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Env {
    Prod,
    Staging,
    Local,
}

impl Env {
    pub const ALL: &'static [Env] = <Env as strum::VariantArray>::VARIANTS;

    /// The stable name (the JSON value, a topic level).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The prefix every clientId of this env carries, e.g. `local-`.
    pub fn client_id_prefix(self) -> String {
        format!("{}-", self.as_str())
    }
}

impl fmt::Display for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Env {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Env::ALL
            .iter()
            .copied()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| format!("unknown env {s:?}: expected prod, staging or local"))
    }
}

/// Why a topic or filter is refused; the console shows these to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TopicError {
    Empty,
    /// Longer than MQTT's 65,535-byte string limit.
    TooLong,
    /// U+0000 is forbidden in MQTT strings.
    ContainsNul,
    /// `+` or `#` in a topic name used for publishing.
    WildcardInTopicName,
    /// `#` not alone in the last level, or `+` sharing a level with other characters.
    MalformedWildcard,
    /// Syntactically fine but outside `prefix` (and outside everything below it).
    OutsideNamespace {
        prefix: String,
    },
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopicError::Empty => f.write_str("the topic is empty"),
            TopicError::TooLong => write!(f, "the topic is longer than {TOPIC_MAX_BYTES} bytes"),
            TopicError::ContainsNul => f.write_str("the topic contains a NUL character"),
            TopicError::WildcardInTopicName => {
                f.write_str("a topic to publish to may not contain + or #")
            }
            TopicError::MalformedWildcard => {
                f.write_str("# must be the whole last level and + must be a whole level")
            }
            TopicError::OutsideNamespace { prefix } => {
                write!(f, "only {prefix} and topics below it are allowed")
            }
        }
    }
}

/// Allowed characters of an organisation id: they become one topic level, so no
/// `/`, `+`, `#`, `$` or whitespace can ever appear in it.
pub const ORG_ID_MAX_LEN: usize = 64;

pub fn is_valid_org_id(org_id: &str) -> bool {
    !org_id.is_empty()
        && org_id.len() <= ORG_ID_MAX_LEN
        && org_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// One organisation's namespace in one env.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    env: Env,
    org_id: String,
}

impl Namespace {
    /// `None` when `org_id` could not be a single, wildcard-free topic level.
    pub fn new(env: Env, org_id: &str) -> Option<Self> {
        is_valid_org_id(org_id).then(|| Namespace {
            env,
            org_id: org_id.to_owned(),
        })
    }

    pub fn env(&self) -> Env {
        self.env
    }

    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    /// `tillor/{env}/{orgId}/integration`
    pub fn prefix(&self) -> String {
        format!("tillor/{}/{}/integration", self.env, self.org_id)
    }

    /// The namespace a topic prefix (as the API returns it) names; `None` for
    /// anything `prefix` would not have produced.
    pub fn from_prefix(prefix: &str) -> Option<Self> {
        match prefix.split('/').collect::<Vec<_>>()[..] {
            ["tillor", env, org_id, "integration"] => Namespace::new(env.parse().ok()?, org_id),
            _ => None,
        }
    }

    fn levels(&self) -> [&str; 4] {
        ["tillor", self.env.as_str(), &self.org_id, "integration"]
    }

    /// A topic name to publish to (no wildcards) must be the prefix or below it.
    /// Derived from [`Namespace::explain`], the one place the rule is written.
    pub fn check_topic(&self, topic: &str) -> Result<(), TopicError> {
        self.verdict(topic, false)
    }

    /// A subscription filter is allowed only when every topic it can match is
    /// inside. Derived from [`Namespace::explain`] too.
    pub fn check_filter(&self, filter: &str) -> Result<(), TopicError> {
        self.verdict(filter, true)
    }

    pub fn is_topic_allowed(&self, topic: &str) -> bool {
        self.explain(topic, false).is_empty()
    }

    pub fn is_filter_allowed(&self, filter: &str) -> bool {
        self.explain(filter, true).is_empty()
    }

    /// The first finding decides the category: `explain` lists string problems
    /// first, then wildcard syntax, then the levels.
    fn verdict(&self, topic: &str, filter: bool) -> Result<(), TopicError> {
        match self.explain(topic, filter).first() {
            None => Ok(()),
            Some(finding) => Err(finding.category(self)),
        }
    }

    /// The patterns a broker with MQTT-style ACLs (Mosquitto's dynamic security,
    /// EMQX's `acl` claim) must be given: exactly the prefix and everything below.
    pub fn acl_patterns(&self) -> [String; 2] {
        let prefix = self.prefix();
        let below = format!("{prefix}/#");
        [prefix, below]
    }

    /// A regular expression matching exactly the allowed topics (and, since `+`/`#`
    /// only ever appear below the prefix, exactly the allowed filters), for brokers
    /// such as TBMQ that read topic regexes from a JWT claim.
    pub fn topic_regex(&self) -> String {
        format!("^{}(/.*)?$", regex_escape(&self.prefix()))
    }
}

/// One reason, level by level, why a topic or filter is outside the namespace,
/// so the console can say "level 3 is `acme`, your organisation is `4711`".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// Level `index` (0-based) should be `expected`.
    LevelDiffers {
        index: usize,
        expected: String,
        got: String,
        /// Only letter case differs.
        case_only: bool,
        /// Only surrounding whitespace differs.
        whitespace_only: bool,
    },
    /// A wildcard at `index`, in the part that must be spelled out.
    WildcardInPrefix {
        index: usize,
        wildcard: char,
    },
    /// Fewer levels than the prefix.
    TooShort {
        levels: usize,
    },
    /// `#` somewhere other than alone in the last level.
    HashNotLast {
        index: usize,
    },
    /// `+` sharing a level with other characters.
    PlusNotAlone {
        index: usize,
    },
    /// `+` or `#` in a topic to publish to.
    WildcardInTopic,
    /// Starts with `$`: broker-internal topics are never inside.
    DollarTopic,
    Empty,
    /// Longer than MQTT's string limit.
    TooLong,
    ContainsNul,
}

/// MQTT's limit for a UTF-8 string (a two-byte length prefix).
pub const TOPIC_MAX_BYTES: usize = 65_535;

impl Finding {
    /// The coarse reason a check reports for this finding.
    fn category(&self, ns: &Namespace) -> TopicError {
        match self {
            Finding::Empty => TopicError::Empty,
            Finding::TooLong => TopicError::TooLong,
            Finding::ContainsNul => TopicError::ContainsNul,
            Finding::WildcardInTopic => TopicError::WildcardInTopicName,
            Finding::HashNotLast { .. } | Finding::PlusNotAlone { .. } => {
                TopicError::MalformedWildcard
            }
            Finding::LevelDiffers { .. }
            | Finding::WildcardInPrefix { .. }
            | Finding::TooShort { .. }
            | Finding::DollarTopic => TopicError::OutsideNamespace {
                prefix: ns.prefix(),
            },
        }
    }
}

impl Namespace {
    /// Every problem with `topic` (a filter when `filter` is true); empty when it
    /// is inside. This is the namespace rule; every check is derived from it.
    /// Findings come in order: string problems, wildcard syntax, then levels.
    pub fn explain(&self, topic: &str, filter: bool) -> Vec<Finding> {
        let mut findings = Vec::new();
        if topic.is_empty() {
            return vec![Finding::Empty];
        }
        if topic.len() > TOPIC_MAX_BYTES {
            findings.push(Finding::TooLong);
        }
        if topic.contains('\0') {
            findings.push(Finding::ContainsNul);
        }
        let levels: Vec<&str> = topic.split('/').collect();
        if !filter && topic.contains(['+', '#']) {
            findings.push(Finding::WildcardInTopic);
        }
        if filter {
            for (i, level) in levels.iter().enumerate() {
                if level.contains('#') && (*level != "#" || i != levels.len() - 1) {
                    findings.push(Finding::HashNotLast { index: i });
                }
                if level.contains('+') && *level != "+" {
                    findings.push(Finding::PlusNotAlone { index: i });
                }
            }
        }
        if topic.starts_with('$') {
            findings.push(Finding::DollarTopic);
        }
        for (i, expected) in self.levels().iter().enumerate() {
            let Some(got) = levels.get(i) else {
                // `tillor/local/acme/#` is caught at its wildcard below, not here.
                if !levels.contains(&"#") {
                    findings.push(Finding::TooShort {
                        levels: levels.len(),
                    });
                }
                break;
            };
            if got == expected {
                continue;
            }
            if *got == "+" || *got == "#" {
                findings.push(Finding::WildcardInPrefix {
                    index: i,
                    wildcard: got.chars().next().unwrap_or('+'),
                });
                continue;
            }
            findings.push(Finding::LevelDiffers {
                index: i,
                expected: (*expected).to_owned(),
                got: (*got).to_owned(),
                case_only: got.to_lowercase() == expected.to_lowercase(),
                whitespace_only: got.trim() == *expected,
            });
        }
        findings
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns() -> Namespace {
        Namespace::new(Env::Local, "acme").unwrap()
    }

    #[test]
    fn prefix_is_tillor_env_org_integration() {
        assert_eq!(ns().prefix(), "tillor/local/acme/integration");
        assert_eq!(Namespace::from_prefix(&ns().prefix()), Some(ns()));
        for not_a_prefix in [
            "tillor/local/acme",
            "tillor/test/acme/integration",
            "tillor/local/+/integration",
            "tillor/local/acme/integration/x",
            "/tillor/local/acme/integration",
        ] {
            assert_eq!(Namespace::from_prefix(not_a_prefix), None, "{not_a_prefix}");
        }
    }

    #[test]
    fn the_prefix_itself_and_topics_below_it_are_allowed() {
        for t in [
            "tillor/local/acme/integration",
            "tillor/local/acme/integration/",
            "tillor/local/acme/integration/orders/42",
        ] {
            assert_eq!(ns().check_topic(t), Ok(()), "{t}");
        }
    }

    #[test]
    fn siblings_parents_other_orgs_envs_and_case_variants_are_refused() {
        for t in [
            "tillor/local/acme/integration2",
            "tillor/local/acme/integrationx/a",
            "tillor/local/acme",
            "tillor/local/acme/other",
            "tillor/local/acme2/integration",
            "tillor/local/evil/integration/x",
            "tillor/prod/acme/integration",
            "Tillor/local/acme/integration",
            "tillor/local/ACME/integration",
            " tillor/local/acme/integration",
            "/tillor/local/acme/integration",
            "$SYS/broker",
            "tillor//local/acme/integration",
        ] {
            assert!(
                matches!(
                    ns().check_topic(t),
                    Err(TopicError::OutsideNamespace { .. })
                ),
                "{t}"
            );
        }
    }

    #[test]
    fn wildcards_never_reach_above_or_beside_the_prefix() {
        for f in [
            "#",
            "+/#",
            "tillor/#",
            "tillor/local/+/integration/#",
            "tillor/local/acme/#",
            "tillor/local/acme/+",
            "tillor/+/acme/integration",
            "+/local/acme/integration",
            "$SYS/#",
        ] {
            assert!(
                matches!(
                    ns().check_filter(f),
                    Err(TopicError::OutsideNamespace { .. })
                ),
                "{f}"
            );
        }
    }

    #[test]
    fn wildcards_below_the_prefix_are_allowed() {
        for f in [
            "tillor/local/acme/integration",
            "tillor/local/acme/integration/#",
            "tillor/local/acme/integration/+",
            "tillor/local/acme/integration/+/status/#",
        ] {
            assert_eq!(ns().check_filter(f), Ok(()), "{f}");
        }
    }

    #[test]
    fn malformed_wildcards_are_refused_as_such() {
        for f in [
            "tillor/local/acme/integration/#/x",
            "tillor/local/acme/integration/a#",
            "tillor/local/acme/integration/a+",
            "tillor/local/acme/integration#",
        ] {
            assert_eq!(
                ns().check_filter(f),
                Err(TopicError::MalformedWildcard),
                "{f}"
            );
        }
    }

    #[test]
    fn a_topic_name_with_a_wildcard_cannot_be_published_to() {
        assert_eq!(
            ns().check_topic("tillor/local/acme/integration/#"),
            Err(TopicError::WildcardInTopicName)
        );
    }

    #[test]
    fn empty_and_nul_topics_are_refused() {
        assert_eq!(ns().check_topic(""), Err(TopicError::Empty));
        assert_eq!(ns().check_filter(""), Err(TopicError::Empty));
        assert_eq!(
            ns().check_topic("tillor/local/acme/integration/\0"),
            Err(TopicError::ContainsNul)
        );
    }

    #[test]
    fn org_ids_that_are_not_a_plain_topic_level_are_refused() {
        for bad in ["", "a/b", "a+", "#", "$sys", "a b", &"x".repeat(65)] {
            assert!(Namespace::new(Env::Local, bad).is_none(), "{bad:?}");
        }
        assert!(Namespace::new(Env::Prod, "Org_1-x").is_some());
    }

    #[test]
    fn acl_patterns_are_the_prefix_and_everything_below() {
        assert_eq!(
            ns().acl_patterns(),
            [
                "tillor/local/acme/integration".to_string(),
                "tillor/local/acme/integration/#".to_string()
            ]
        );
    }

    #[test]
    fn topic_regex_escapes_the_org_id() {
        let ns = Namespace::new(Env::Staging, "a-b_c").unwrap();
        assert_eq!(
            ns.topic_regex(),
            r"^tillor/staging/a\-b_c/integration(/.*)?$"
        );
    }

    #[test]
    fn explain_names_the_level_and_what_was_expected() {
        let f = ns().explain("tillor/local/4711/integration/x", false);
        assert_eq!(
            f,
            vec![Finding::LevelDiffers {
                index: 2,
                expected: "acme".into(),
                got: "4711".into(),
                case_only: false,
                whitespace_only: false
            }]
        );
        let f = ns().explain("Tillor/local/acme/integration ", false);
        assert!(matches!(
            &f[0],
            Finding::LevelDiffers {
                index: 0,
                case_only: true,
                ..
            }
        ));
        assert!(matches!(
            &f[1],
            Finding::LevelDiffers {
                index: 3,
                whitespace_only: true,
                ..
            }
        ));
        assert_eq!(
            ns().explain("tillor/local/acme/#", true),
            vec![Finding::WildcardInPrefix {
                index: 3,
                wildcard: '#'
            }]
        );
        assert_eq!(
            ns().explain("tillor/local/acme/integration/#/x", true),
            vec![Finding::HashNotLast { index: 4 }]
        );
        assert_eq!(
            ns().explain("tillor/local", false),
            vec![Finding::TooShort { levels: 2 }]
        );
        assert!(ns()
            .explain("tillor/local/acme/integration/+/y", true)
            .is_empty());
    }

    #[test]
    fn explain_agrees_with_the_checks() {
        for t in [
            "tillor/local/acme/integration",
            "tillor/local/acme/integration/a",
            "tillor/local/acme/integration2",
            "#",
            "$SYS/x",
            "tillor/local/acme/integration/a+",
            "tillor/local/acme/integration/#",
        ] {
            assert_eq!(
                ns().explain(t, true).is_empty(),
                ns().is_filter_allowed(t),
                "{t}"
            );
            assert_eq!(
                ns().explain(t, false).is_empty(),
                ns().is_topic_allowed(t),
                "{t}"
            );
        }
    }

    #[test]
    fn env_parses_its_own_names_only() {
        for &e in Env::ALL {
            assert_eq!(e.as_str().parse::<Env>(), Ok(e));
        }
        assert!("PROD".parse::<Env>().is_err());
    }
}
