//! Every change that touches both the store and the broker, and what happens
//! when one is cut short halfway, for whichever broker is behind `Broker`.
//! The HTTP routes only parse and map; the order of the steps lives here:
//! - create (`statics`): the intent first (counted against the quota in the
//!   same transaction), then the broker, then the row; a refusal drops the
//!   intent, an unknown outcome keeps it for reconciliation;
//! - delete: the mark first, then the broker, then the row; whatever stops
//!   it halfway is finished by the sweep every 30 s or by reconciliation;
//! - rotate: the broker first, then the new hash, marked unconfirmed when the
//!   broker's answer is unknown;
//! - revoke (`tokens`): the store, the file the broker reads at start, the
//!   events, then the running broker;
//! - `reconcile`: store and broker agree after a crash; `missing`: what the
//!   broker lacks.
//!
//! A broker that does not answer within `Settings::broker_timeout` counts as
//! an unknown outcome (`BrokerError::Unavailable`), whatever its own timeouts.
//! The rules are tested here without HTTP, against a broker that can fail,
//! hang or die at every step (`tests`), on SQLite and on PostgreSQL.

mod error;
mod hashing;
mod missing;
mod reconcile;
mod statics;
mod tokens;

#[cfg(test)]
mod fake_broker;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tillor_contract::api::BrokerStatus;
use tillor_contract::Env;

use crate::broker::{Broker, BrokerError};
use crate::events::EventSink;
use crate::store::Store;
use crate::tokens::TokenSigner;
pub use error::Error;
pub use hashing::Hashing;
use missing::Missing;
pub use statics::Issued as IssuedStatic;
pub use tokens::IssuedJwt;

/// What provisioning needs to know of the configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    pub env: Env,
    /// Where the revoked tokens' file goes, for a broker that reads it at start.
    pub data_dir: PathBuf,
    /// Static credentials one organisation may hold at once.
    pub max_static_credentials: i64,
    /// JWTs one organisation may be issued per minute.
    pub max_jwts_per_minute: i64,
    /// The longest a broker command may take before its outcome counts as
    /// unknown: above the adapters' own timeouts (5-10 s a call), so theirs
    /// say why.
    pub broker_timeout: Duration,
}

/// The default `Settings::broker_timeout`: a bound on a broker that hangs,
/// not a deadline for a slow one. Above every command's own calls (TBMQ's
/// re-create is three REST calls of up to 10 s each, and reconciliation
/// lists every credential page by page).
pub const BROKER_TIMEOUT: Duration = Duration::from_secs(60);

/// The one home of provisioning; cheap to share (`Arc`).
pub struct Provisioning {
    store: Store,
    /// None when started with `--broker none`.
    broker: Option<Arc<dyn Broker>>,
    /// Where the API's own actions (revocations, rotations) go into the
    /// events, in order with the broker's reports; None without a broker.
    recorder: Option<EventSink>,
    signer: Arc<TokenSigner>,
    hashing: Hashing,
    missing: Missing,
    settings: Settings,
}

impl Provisioning {
    pub fn new(
        store: Store,
        broker: Option<Arc<dyn Broker>>,
        recorder: Option<EventSink>,
        signer: Arc<TokenSigner>,
        hashing: Hashing,
        settings: Settings,
    ) -> Provisioning {
        Provisioning {
            store,
            broker,
            recorder,
            signer,
            hashing,
            missing: Missing::default(),
            settings,
        }
    }

    /// The broker, or the error every change that needs one answers without it.
    fn broker(&self) -> Result<&Arc<dyn Broker>, Error> {
        self.broker.as_ref().ok_or(Error::NoBroker)
    }

    /// A broker command, bounded: no answer in time is an unknown outcome.
    async fn bounded<T>(
        &self,
        command: impl std::future::Future<Output = Result<T, BrokerError>>,
    ) -> Result<T, BrokerError> {
        let limit = self.settings.broker_timeout;
        tokio::time::timeout(limit, command)
            .await
            .unwrap_or_else(|_| {
                Err(BrokerError::Unavailable(format!(
                    "no answer within {} s",
                    limit.as_secs_f32()
                )))
            })
    }

    /// Whether a stored static credential can connect, as far as the broker
    /// knows (None without a broker).
    pub fn status(&self, user_name: &str) -> Option<BrokerStatus> {
        self.broker.as_ref().map(|_| self.missing.status(user_name))
    }
}
