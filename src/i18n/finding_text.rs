//! Why a topic or filter is outside the namespace, in a phrase: which level,
//! which part of the prefix it should have been, and what differs, decided
//! here once; a language holds only the wording (`finding_wording`), with
//! `{name}` where an argument goes.

use tillor_contract::namespace::{Finding, TOPIC_MAX_BYTES};

use super::translation::{fill, Translation};

/// Every phrase a finding can be, and the parts they are built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray)]
pub enum FindingWording {
    /// What level 3 of the prefix is: the organisation.
    WhatOrganisation,
    /// What level 2 is: the env.
    WhatEnv,
    /// Any other level of the prefix.
    WhatExpected,
    /// " (stray whitespace)", after a level that differs only by it.
    HintWhitespace,
    /// " (only the case differs)".
    HintCase,
    /// `{level}`, `{got}`, `{what}`, `{expected}`, `{hint}`
    LevelDiffers,
    /// `{level}`, `{wildcard}`
    WildcardInPrefix,
    /// `{levels}`
    TooShort,
    /// `{level}`
    HashNotLast,
    /// `{level}`
    PlusNotAlone,
    WildcardInTopic,
    DollarTopic,
    Empty,
    /// `{max}`
    TooLong,
    ContainsNul,
}

/// The finding in `t`'s words.
pub fn finding_text(t: &dyn Translation, finding: &Finding) -> String {
    use FindingWording as W;
    // Levels as people count them, from 1.
    let level = |index: &usize| ("level", (index + 1).to_string());
    let (wording, args): (W, Vec<(&str, String)>) = match finding {
        Finding::LevelDiffers {
            index,
            expected,
            got,
            case_only,
            whitespace_only,
        } => {
            let what = match index {
                2 => W::WhatOrganisation,
                1 => W::WhatEnv,
                _ => W::WhatExpected,
            };
            let hint = if *whitespace_only {
                t.finding_wording(W::HintWhitespace)
            } else if *case_only {
                t.finding_wording(W::HintCase)
            } else {
                ""
            };
            (
                W::LevelDiffers,
                vec![
                    level(index),
                    ("got", got.clone()),
                    ("what", t.finding_wording(what).to_owned()),
                    ("expected", expected.clone()),
                    ("hint", hint.to_owned()),
                ],
            )
        }
        Finding::WildcardInPrefix { index, wildcard } => (
            W::WildcardInPrefix,
            vec![level(index), ("wildcard", wildcard.to_string())],
        ),
        Finding::TooShort { levels } => (W::TooShort, vec![("levels", levels.to_string())]),
        Finding::HashNotLast { index } => (W::HashNotLast, vec![level(index)]),
        Finding::PlusNotAlone { index } => (W::PlusNotAlone, vec![level(index)]),
        Finding::WildcardInTopic => (W::WildcardInTopic, vec![]),
        Finding::DollarTopic => (W::DollarTopic, vec![]),
        Finding::Empty => (W::Empty, vec![]),
        Finding::TooLong => (W::TooLong, vec![("max", TOPIC_MAX_BYTES.to_string())]),
        Finding::ContainsNul => (W::ContainsNul, vec![]),
    };
    fill(t.finding_wording(wording), &args)
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;
    use tillor_contract::config::Language;

    use super::*;
    use crate::i18n::translation as of;
    use crate::i18n::translation::placeholders;

    #[test]
    fn both_languages_word_every_finding_with_the_same_arguments() {
        for &w in FindingWording::VARIANTS {
            let (nl, en) = (
                of(Language::Nl).finding_wording(w),
                of(Language::En).finding_wording(w),
            );
            assert_eq!(placeholders(nl), placeholders(en), "{w:?}");
        }
    }
}
