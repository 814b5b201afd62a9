//! Signing keys on a shared database: every instance signs with the same key
//! and publishes the same JWKS, and keys are rotated without a broker ever
//! meeting a token it cannot verify.
//!
//! A rotated-in key is published at once and signs only `PUBLISH_AHEAD_SECS`
//! later, when every broker has fetched it: TBMQ refreshes its JWKS every
//! 300 s at the least, and our Mosquitto plugin is told to read it again
//! (`Broker::reload_keys`). The old key stays published until the last token
//! it signed has expired, then it is deleted. Every instance follows the
//! store's keys every `POLL`, well within the time a new key waits.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::broker::Broker;
use crate::secrets::Sealer;
use crate::store::signing_keys::StoredKey;
use crate::store::Store;
use crate::tokens::{SigningKey, TokenSigner, PRIVATE_KEY_FILE};

/// How long a new key is published before it signs: TBMQ's shortest JWKS
/// refresh, so a broker that fetched just before the rotation has it in time.
pub const PUBLISH_AHEAD_SECS: i64 = 300;

/// A key whose successor began signing this long ago no longer signs
/// anywhere: a token signed just before the switch is in the store by then.
const RETIRE_AFTER_SECS: i64 = 60;

/// How often an instance reads the store's keys again.
const POLL: Duration = Duration::from_secs(5);

/// The keys (in signing order) that can go at `now`: a later key has signed
/// for `RETIRE_AFTER_SECS`, and no token it signed can still be used.
pub fn retired<'a>(keys: &'a [StoredKey], in_use: &[String], now: i64) -> Vec<&'a str> {
    keys.iter()
        .enumerate()
        .filter(|(i, key)| {
            let succeeded = keys[i + 1..]
                .iter()
                .any(|later| later.sign_from <= now - RETIRE_AFTER_SECS);
            succeeded && !in_use.contains(&key.kid)
        })
        .map(|(_, key)| key.kid.as_str())
        .collect()
}

/// The signer of an instance on a shared database. The first instance puts
/// in the data directory's key if it has one (tokens issued before a
/// `migrate-store` stay valid), else a new one; instances starting at once
/// may each add theirs, and then all agree on the one to sign with.
pub async fn shared_signer(
    store: &Store,
    sealer: &Sealer,
    data_dir: &std::path::Path,
    now: i64,
) -> Result<TokenSigner, String> {
    if stored_keys(store).await?.is_empty() {
        let from_file = data_dir.join(PRIVATE_KEY_FILE).exists();
        let key = if from_file {
            TokenSigner::file_key(data_dir)?
        } else {
            SigningKey::generate(now)?
        };
        add(store, sealer, &key, now).await?;
        if from_file {
            // The copied tokens were signed with it.
            store
                .adopt_unnamed_tokens(&key.kid()?)
                .await
                .map_err(|e| format!("cannot name the copied tokens' key: {e}"))?;
        }
    }
    let signer = TokenSigner::from_keys(&open(sealer, &stored_keys(store).await?)?)?;
    signer.write_jwks(data_dir)?;
    Ok(signer)
}

/// A rotation: the new key, published now, and when it starts signing.
pub struct Rotation {
    pub kid: String,
    pub signs_from: i64,
}

/// Adds a new key that signs from `signs_from` (the command gives now +
/// `PUBLISH_AHEAD_SECS` or more); until then the current key goes on.
pub async fn rotate(
    store: &Store,
    sealer: &Sealer,
    now: i64,
    signs_from: i64,
) -> Result<Rotation, String> {
    if stored_keys(store).await?.is_empty() {
        return Err("the database holds no signing key yet: start tillor-local on it once".into());
    }
    let key = SigningKey::generate(signs_from)?;
    add(store, sealer, &key, now).await?;
    Ok(Rotation {
        kid: key.kid()?,
        signs_from,
    })
}

/// Keeps `signer` equal to the store's keys: retires keys whose last token
/// expired, and on any change publishes the new set (the JWKS file, and a
/// reload for our broker's plugin).
pub fn follow(
    store: Store,
    sealer: Sealer,
    signer: Arc<TokenSigner>,
    data_dir: PathBuf,
    broker: Option<Arc<dyn Broker>>,
) {
    crate::background::spawn(async move {
        loop {
            tokio::time::sleep(POLL).await;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            if let Err(e) = follow_once(&store, &sealer, &signer, &data_dir, &broker, now).await {
                tracing::warn!(%e, "cannot follow the signing keys; trying again");
            }
        }
    });
}

async fn follow_once(
    store: &Store,
    sealer: &Sealer,
    signer: &TokenSigner,
    data_dir: &std::path::Path,
    broker: &Option<Arc<dyn Broker>>,
    now: i64,
) -> Result<(), String> {
    let mut keys = stored_keys(store).await?;
    let in_use = store
        .kids_in_use(now)
        .await
        .map_err(|e| format!("cannot read which keys signed live tokens: {e}"))?;
    let gone: Vec<String> = retired(&keys, &in_use, now)
        .into_iter()
        .map(str::to_owned)
        .collect();
    for kid in &gone {
        store
            .delete_signing_key(kid)
            .await
            .map_err(|e| format!("cannot retire signing key {kid}: {e}"))?;
        tracing::info!(%kid, "retired a signing key: its last token has expired");
    }
    keys.retain(|k| !gone.contains(&k.kid));
    let now_published: Vec<(String, i64)> =
        keys.iter().map(|k| (k.kid.clone(), k.sign_from)).collect();
    if now_published == signer.kids() {
        return Ok(());
    }
    signer.replace(&open(sealer, &keys)?)?;
    signer.write_jwks(data_dir)?;
    tracing::info!(keys = ?now_published, "published a new set of signing keys");
    if let Some(broker) = broker {
        broker
            .reload_keys()
            .await
            .map_err(|e| format!("cannot tell the broker of the new keys: {e}"))?;
    }
    Ok(())
}

async fn stored_keys(store: &Store) -> Result<Vec<StoredKey>, String> {
    store
        .signing_keys()
        .await
        .map_err(|e| format!("cannot read the signing keys: {e}"))
}

async fn add(store: &Store, sealer: &Sealer, key: &SigningKey, now: i64) -> Result<(), String> {
    let kid = key.kid()?;
    store
        .insert_signing_key(
            &kid,
            &sealer.seal(&sealed_name(&kid), &key.pkcs8),
            now,
            key.sign_from,
        )
        .await
        .map_err(|e| format!("cannot store the signing key: {e}"))
}

fn open(sealer: &Sealer, keys: &[StoredKey]) -> Result<Vec<SigningKey>, String> {
    keys.iter()
        .map(|k| {
            sealer
                .open(&sealed_name(&k.kid), &k.sealed)
                .map(|pkcs8| SigningKey {
                    pkcs8,
                    sign_from: k.sign_from,
                })
        })
        .collect()
}

/// What a signing key is sealed under (the sealer's associated data).
fn sealed_name(kid: &str) -> String {
    format!("JWT signing key {kid}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kid: &str, sign_from: i64) -> StoredKey {
        StoredKey {
            kid: kid.into(),
            sealed: Vec::new(),
            sign_from,
        }
    }

    #[test]
    fn a_key_retires_only_when_succeeded_and_its_last_token_expired() {
        let keys = [key("old", 0), key("new", 1_000)];
        // The new key does not sign yet, or only just: the old one stays.
        assert!(retired(&keys, &[], 999).is_empty());
        assert!(retired(&keys, &[], 1_000 + RETIRE_AFTER_SECS - 1).is_empty());
        // Succeeded, but a token it signed is still valid.
        assert!(retired(&keys, &["old".into()], 5_000).is_empty());
        // Succeeded and unused: it goes; the signing key never does.
        assert_eq!(retired(&keys, &[], 1_000 + RETIRE_AFTER_SECS), vec!["old"]);
    }

    #[test]
    fn every_succeeded_unused_key_goes_but_a_waiting_successor_does_not_count() {
        let keys = [key("a", 0), key("b", 100), key("c", 10_000)];
        // At 500, b signs and c only waits: a goes, b stays.
        assert_eq!(retired(&keys, &[], 500), vec!["a"]);
        assert_eq!(retired(&keys, &["b".into()], 20_000), vec!["a"]);
        assert_eq!(retired(&keys, &[], 20_000), vec!["a", "b"]);
    }

    #[tokio::test]
    async fn a_rotated_key_is_published_at_once_and_signs_from_its_time() {
        let (store, _dir) = crate::store::test_store().await;
        let sealer = Sealer::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        let data = tempfile::tempdir().unwrap();
        let signer = shared_signer(&store, &sealer, data.path(), 1_000)
            .await
            .unwrap();
        let first = signer.kids()[0].0.clone();
        let r = rotate(&store, &sealer, 2_000, 2_000 + PUBLISH_AHEAD_SECS)
            .await
            .unwrap();
        follow_once(&store, &sealer, &signer, data.path(), &None, 2_000)
            .await
            .unwrap();
        assert_eq!(
            signer.kids(),
            vec![(first.clone(), 1_000), (r.kid.clone(), 2_300)]
        );
        let file = std::fs::read_to_string(data.path().join(crate::tokens::JWKS_FILE)).unwrap();
        assert!(file.contains(&r.kid), "the broker's file has the new key");
        let ns = tillor_contract::Namespace::new(tillor_contract::Env::Local, "acme").unwrap();
        assert_eq!(
            signer
                .issue(&ns, "local-a", "1".into(), 2_299, 60)
                .unwrap()
                .kid,
            first
        );
        assert_eq!(
            signer
                .issue(&ns, "local-a", "2".into(), 2_300, 60)
                .unwrap()
                .kid,
            r.kid
        );
        // Nothing signed by the first key is in the store: once succeeded,
        // it leaves the JWKS and the store.
        follow_once(
            &store,
            &sealer,
            &signer,
            data.path(),
            &None,
            2_300 + RETIRE_AFTER_SECS,
        )
        .await
        .unwrap();
        assert_eq!(signer.kids(), vec![(r.kid.clone(), 2_300)]);
        assert_eq!(store.signing_keys().await.unwrap().len(), 1);
    }
}
