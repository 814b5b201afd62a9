//! Which broker this instance uses, started: the configuration's choice
//! (`TILLOR_BROKER`), with the recorder of its reports where it has any.

use std::sync::Arc;

use crate::broker::{self, Broker};
use crate::config::{BrokerKind, Config};
use crate::events::{self, EventSink, Feed};
use crate::sessions::Sessions;
use crate::store::Store;
use crate::tokens::TokenSigner;

/// The broker and, for Mosquitto, where its reports and the API's actions
/// go (`None` for no broker, and for TBMQ, which reports nothing to us).
pub(crate) async fn broker(
    config: &Config,
    store: &Store,
    signer: &Arc<TokenSigner>,
    live: &Arc<Sessions>,
    feed: &Arc<Feed>,
) -> Result<(Option<Arc<dyn Broker>>, Option<EventSink>), String> {
    let recorder = |reports| {
        events::start(
            store.clone(),
            live.clone(),
            feed.clone(),
            config.events_retention(),
            reports,
        )
    };
    match config.broker {
        BrokerKind::None => Ok((None, None)),
        // The support view stays empty on TBMQ.
        BrokerKind::Tbmq => {
            let broker =
                broker::tbmq::Tbmq::start(broker::tbmq::account(&config.tbmq_settings())?)?;
            Ok((Some(broker), None))
        }
        BrokerKind::Mosquitto => {
            let sink = recorder(events::Reports::Record);
            let before_start = broker_files(store.clone(), signer.clone(), config);
            let broker = broker::mosquitto::Mosquitto::start(
                config.broker_settings(),
                sink.clone(),
                before_start,
            )
            .await?;
            Ok((Some(broker), Some(sink)))
        }
        // Another instance supervises the broker and records its reports;
        // this one keeps its own live sessions and records its own actions.
        BrokerKind::External => {
            if !store.is_shared() {
                return Err("TILLOR_BROKER=external shares the broker of another instance, so it needs their shared database: set TILLOR_DATABASE_URL=postgres://… (and TILLOR_KEY_ENCRYPTION_KEY) as on that instance".into());
            }
            let password = config.broker_admin_password.as_ref().ok_or(
                "TILLOR_BROKER=external needs TILLOR_BROKER_ADMIN_PASSWORD: the content of the supervising instance's <data dir>/mosquitto/admin-password",
            )?;
            let sink = recorder(events::Reports::SessionsOnly);
            let broker = broker::mosquitto::Mosquitto::connect(
                config.mqtt_addr,
                password.0.clone(),
                sink.clone(),
            )
            .await?;
            Ok((Some(broker), Some(sink)))
        }
    }
}

/// What a restarting Mosquitto reads must be the store's now: revocations
/// and signing keys may have changed through another instance.
fn broker_files(
    store: Store,
    signer: Arc<TokenSigner>,
    config: &Config,
) -> broker::mosquitto::BeforeStart {
    let dir = config.data_dir.clone();
    Arc::new(move || {
        let (store, signer, dir) = (store.clone(), signer.clone(), dir.clone());
        Box::pin(async move {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            if let Err(e) = crate::revocations::write(&store, &dir, now).await {
                tracing::error!(%e, "the restarted broker may accept revoked tokens");
            }
            if let Err(e) = signer.write_jwks(&dir) {
                tracing::error!(%e, "the restarted broker may lack a signing key");
            }
        })
    })
}
