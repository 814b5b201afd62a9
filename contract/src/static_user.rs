//! A static credential's username names its organisation:
//! `{orgId}-{8 × a-z0-9}`. The broker's plugin reads the organisation back
//! from a username that dynamic security has already authenticated, to apply
//! the namespace rule itself and report a refused topic to the right
//! organisation (dynamic security decides the same but says nothing). Only
//! the API makes these usernames, so the name is as certain as the store.

use crate::namespace::is_valid_org_id;

/// Random characters after the organisation id.
pub const SLUG_LEN: usize = 8;
/// What those characters are drawn from.
pub const SLUG_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The username for a new static credential of `org_id`, with `slug` drawn
/// from [`SLUG_ALPHABET`].
pub fn user_name(org_id: &str, slug: &str) -> String {
    debug_assert!(is_slug(slug), "a slug of {SLUG_LEN} × a-z0-9");
    format!("{org_id}-{slug}")
}

/// The organisation a static username names; `None` for any other username
/// (the server's admin, a name an operator made by hand).
pub fn org_of(user_name: &str) -> Option<&str> {
    let split = user_name.len().checked_sub(SLUG_LEN + 1)?;
    if !user_name.is_char_boundary(split) {
        return None;
    }
    let (org, rest) = user_name.split_at(split);
    let slug = rest.strip_prefix('-')?;
    (is_slug(slug) && is_valid_org_id(org)).then_some(org)
}

fn is_slug(s: &str) -> bool {
    s.len() == SLUG_LEN && s.bytes().all(|b| SLUG_ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organisation_comes_back_out_of_the_username() {
        for org in ["acme", "demo-x1y2z3", "a", "org_with-dashes-in-it"] {
            let name = user_name(org, "k3j9x0qa");
            assert_eq!(org_of(&name), Some(org), "{name}");
        }
    }

    #[test]
    fn other_usernames_name_no_organisation() {
        for name in [
            "tillor-admin",
            "k3j9x0qa",
            "-k3j9x0qa",
            "acme-K3J9X0QA",
            "acme_k3j9x0qa",
            "acme-k3j9x0q",
            "ac/me-k3j9x0qa",
            "é-k3j9x0qa",
            "",
            "aé-k3j9x0q",
        ] {
            assert_eq!(org_of(name), None, "{name:?}");
        }
    }
}
