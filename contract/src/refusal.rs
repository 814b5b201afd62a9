//! Why the broker refused a connection, a subscription or a publish: one
//! closed set of reasons, as specific as the broker can tell, shared by the
//! broker plugin (which decides), the server (which records and serves them)
//! and the console (which explains them in words).
//!
//! Design: a reason carries only what is safe to show the organisation the
//! attempt is attributed to: never a password or a token, and for a JWT only
//! claims whose signature verified.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Env;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RefusalReason {
    /// A static username the store does not know.
    UnknownUsername,
    /// A static username with the wrong password.
    WrongPassword,
    /// A static username whose credential was deleted.
    DeletedCredential,
    /// The connection's clientId is not the one the credential is bound to.
    #[serde(rename_all = "camelCase")]
    ClientIdMismatch {
        expected: String,
        connecting: String,
    },
    /// A JWT connection must use an empty username.
    UsernameNotEmpty,
    /// A JWT connection without a token as its password.
    NoToken,
    /// Not a JWT the broker accepts (syntax, algorithm, missing claims).
    MalformedToken,
    /// Signed by a key the broker does not know.
    UnknownSigningKey,
    /// The signature does not verify.
    BadSignature,
    /// Issued for another issuer or audience.
    WrongIssuerOrAudience,
    /// Expired at `exp` (Unix seconds).
    Expired { exp: i64 },
    /// Not valid before `nbf` (Unix seconds).
    NotYetValid { nbf: i64 },
    /// Issued for another env than the broker serves.
    WrongEnv { token: Env, broker: Env },
    /// A topic or filter outside the organisation's namespace.
    OutsideNamespace { topic: String },
    /// A genuine token the organisation revoked.
    Revoked,
}

impl RefusalReason {
    /// The stable code (the JSON `code`), for logs, filters and `data-*` hooks.
    pub fn code(&self) -> &'static str {
        match self {
            RefusalReason::UnknownUsername => "unknown_username",
            RefusalReason::WrongPassword => "wrong_password",
            RefusalReason::DeletedCredential => "deleted_credential",
            RefusalReason::ClientIdMismatch { .. } => "client_id_mismatch",
            RefusalReason::UsernameNotEmpty => "username_not_empty",
            RefusalReason::NoToken => "no_token",
            RefusalReason::MalformedToken => "malformed_token",
            RefusalReason::UnknownSigningKey => "unknown_signing_key",
            RefusalReason::BadSignature => "bad_signature",
            RefusalReason::WrongIssuerOrAudience => "wrong_issuer_or_audience",
            RefusalReason::Expired { .. } => "expired",
            RefusalReason::NotYetValid { .. } => "not_yet_valid",
            RefusalReason::WrongEnv { .. } => "wrong_env",
            RefusalReason::OutsideNamespace { .. } => "outside_namespace",
            RefusalReason::Revoked => "revoked",
        }
    }
}

/// English, for the broker's and the server's logs; the console has its own
/// words in every language.
impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefusalReason::UnknownUsername => f.write_str("unknown username"),
            RefusalReason::WrongPassword => f.write_str("wrong password"),
            RefusalReason::DeletedCredential => f.write_str("the credential was deleted"),
            RefusalReason::ClientIdMismatch {
                expected,
                connecting,
            } => write!(
                f,
                "the credential is for clientId {expected:?}, the connection uses {connecting:?}"
            ),
            RefusalReason::UsernameNotEmpty => {
                f.write_str("a JWT connection must use an empty username")
            }
            RefusalReason::NoToken => f.write_str("no token in the password"),
            RefusalReason::MalformedToken => f.write_str("not a token this broker accepts"),
            RefusalReason::UnknownSigningKey => f.write_str("signed with an unknown key"),
            RefusalReason::BadSignature => f.write_str("the signature does not verify"),
            RefusalReason::WrongIssuerOrAudience => {
                f.write_str("issued for another issuer or audience")
            }
            RefusalReason::Expired { exp } => write!(f, "expired at {exp}"),
            RefusalReason::NotYetValid { nbf } => write!(f, "not valid before {nbf}"),
            RefusalReason::WrongEnv { token, broker } => {
                write!(f, "issued for env {token}, this broker serves {broker}")
            }
            RefusalReason::OutsideNamespace { topic } => {
                write!(f, "{topic:?} is outside the namespace")
            }
            RefusalReason::Revoked => f.write_str("the token was revoked"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_serializes_as_its_code_with_its_facts() {
        let r = RefusalReason::Expired { exp: 1_800_000_000 };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"code": "expired", "exp": 1_800_000_000})
        );
        let m = RefusalReason::ClientIdMismatch {
            expected: "local-a".into(),
            connecting: "local-b".into(),
        };
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["code"], m.code());
        assert_eq!(json["connecting"], "local-b");
        assert_eq!(serde_json::from_value::<RefusalReason>(json).unwrap(), m);
    }

    #[test]
    fn every_code_is_the_json_code() {
        for r in [
            RefusalReason::UnknownUsername,
            RefusalReason::BadSignature,
            RefusalReason::WrongEnv {
                token: Env::Prod,
                broker: Env::Local,
            },
            RefusalReason::OutsideNamespace { topic: "x".into() },
            RefusalReason::Revoked,
        ] {
            assert_eq!(serde_json::to_value(&r).unwrap()["code"], r.code());
        }
    }
}
