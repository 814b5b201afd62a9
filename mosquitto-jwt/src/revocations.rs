//! Pure: the tokens an organisation revoked, by id, kept until they would
//! have expired anyway. Loaded at start from the file the server writes, and
//! added to by the server's `revoke` command.

use std::collections::HashMap;

use tillor_contract::broker_event::RevokedToken;
use tillor_contract::refusal::RefusalReason;

use crate::verifier::{Refused, Session};

#[derive(Debug, Default)]
pub struct Revocations(HashMap<String, i64>);

impl Revocations {
    /// The server's file: a JSON list of `{jti, expiresAt}`. A file that is
    /// not one is an error: starting without it could let a revoked token in.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let tokens: Vec<RevokedToken> = serde_json::from_str(text)
            .map_err(|e| format!("the revocations file is not a list of revoked tokens: {e}"))?;
        let mut r = Revocations::default();
        r.add(&tokens);
        Ok(r)
    }

    pub fn add(&mut self, tokens: &[RevokedToken]) {
        for t in tokens {
            self.0.insert(t.jti.clone(), t.expires_at);
        }
    }

    pub fn contains(&self, jti: &str) -> bool {
        self.0.contains_key(jti)
    }

    /// Drops entries whose token has expired: the broker refuses those anyway.
    pub fn prune(&mut self, now: i64) {
        self.0.retain(|_, exp| *exp > now);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A verified token that was revoked is refused, and the refusal is its
    /// organisation's (the signature verified).
    pub fn check(&self, outcome: Result<Session, Refused>) -> Result<Session, Refused> {
        match outcome {
            Ok(s) if self.contains(&s.jti) => Err(Refused {
                reason: RefusalReason::Revoked,
                org: Some(s.org().to_owned()),
            }),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use tillor_contract::{Env, Namespace};

    use super::*;

    fn session(jti: &str) -> Session {
        Session {
            client_id: "local-x".into(),
            namespace: Namespace::new(Env::Local, "acme").unwrap(),
            expires_at: 2_000,
            jti: jti.into(),
        }
    }

    #[test]
    fn a_revoked_token_is_refused_for_its_organisation_and_others_pass() {
        let r = Revocations::from_json(r#"[{"jti":"j1","expiresAt":2000}]"#).unwrap();
        assert_eq!(
            r.check(Ok(session("j1"))),
            Err(Refused {
                reason: RefusalReason::Revoked,
                org: Some("acme".into())
            })
        );
        assert_eq!(r.check(Ok(session("j2"))), Ok(session("j2")));
    }

    #[test]
    fn entries_go_once_their_token_has_expired() {
        let mut r = Revocations::default();
        r.add(&[
            RevokedToken {
                jti: "old".into(),
                expires_at: 100,
            },
            RevokedToken {
                jti: "new".into(),
                expires_at: 300,
            },
        ]);
        r.prune(100);
        assert!(!r.contains("old") && r.contains("new"));
    }

    #[test]
    fn a_file_that_is_not_a_list_stops_the_start() {
        assert!(Revocations::from_json("{}").is_err());
        assert!(Revocations::from_json("[]").unwrap().is_empty());
    }
}
