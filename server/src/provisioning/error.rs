//! The one error of provisioning: what a create, delete, rotation or
//! revocation could not do, and whether anything changed.

use crate::broker::BrokerError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("this server runs without a broker (TILLOR_BROKER=none)")]
    NoBroker,
    #[error("no static credential with this id in this organisation")]
    CredentialNotFound,
    #[error("no token with this id in this organisation")]
    TokenNotFound,
    #[error("clientId {0:?} is not one of this organisation's")]
    ClientIdNotFound(String),
    #[error("clientId {0:?} is already used by another organisation")]
    ClientIdTaken(String),
    /// What is counted, and the organisation's limit of it.
    #[error("this organisation has reached its limit of {limit} {what}")]
    QuotaExceeded {
        what: &'static str,
        limit: i64,
        retry_after_secs: Option<u64>,
    },
    /// Every place in the password hashing pool is taken.
    #[error("the server is busy hashing other passwords")]
    Busy,
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    #[error(transparent)]
    Broker(#[from] BrokerError),
    /// Recorded, but the broker or the store did not finish it; the sweep
    /// or reconciliation will.
    #[error("the delete began but did not finish ({0})")]
    DeleteUnfinished(String),
    /// The broker's answer is unknown: the new password may or may not work.
    #[error("the broker did not confirm the new password ({0})")]
    RotationUnconfirmed(String),
    #[error("{0}")]
    Internal(String),
}
