//! Static credentials: create, delete and rotate, each a fixed order of
//! store and broker steps (the module's opening comment in `mod.rs` says
//! which, and why).

use tillor_contract::broker_event::CredentialRef;
use tillor_contract::rules;
use tillor_contract::{static_user, Namespace};

use super::reconcile::PENDING_GRACE_SECS;
use super::{Error, Provisioning};
use crate::broker::{BrokerError, NewStatic};
use crate::clock::{now_ms, now_rfc3339, now_s};
use crate::events::Action;
use crate::secrets::{new_password, random_slug};
use crate::store::StaticRow;

/// A credential as stored, and its password, which leaves the server once.
pub struct Issued {
    pub row: StaticRow,
    pub password: String,
}

impl Provisioning {
    /// Creates a static credential for `org`, allowed only `namespace`.
    pub async fn create_static(
        &self,
        org: &str,
        namespace: &Namespace,
        name: Option<&str>,
    ) -> Result<Issued, Error> {
        let broker = self.broker()?;
        let env = self.settings.env;
        let row = StaticRow {
            id: uuid::Uuid::new_v4().to_string(),
            org_id: org.to_owned(),
            name: name.map(str::to_owned),
            user_name: static_user::user_name(org, &random_slug(static_user::SLUG_LEN)),
            client_id: rules::normalize_client_id(env, &format!("static-{}", random_slug(12)))
                .map_err(|e| Error::Internal(e.message()))?,
            password_hash: String::new(),
            created_at: now_rfc3339(),
            rotation_unconfirmed: false,
        };
        // The intent first, within the quota: reconciliation on another
        // instance, starting meanwhile, leaves this broker client alone, and
        // parallel creates count each other.
        let now = now_s();
        let limit = self.settings.max_static_credentials;
        if !self
            .store
            .begin_static(org, &row.user_name, now, now - PENDING_GRACE_SECS, limit)
            .await?
        {
            return Err(Error::QuotaExceeded {
                what: "static credentials",
                limit,
                retry_after_secs: None,
            });
        }
        let password = new_password();
        let row = match self.hashing.hash(&password).await {
            Ok(hash) => StaticRow {
                password_hash: hash,
                ..row
            },
            Err(e) => {
                let _ = self.store.abandon_static(&row.user_name).await;
                return Err(e);
            }
        };
        // Broker before store: the broker keeps the only usable form of the
        // password, so a row without a broker client would be a dead credential.
        let created = self
            .bounded(broker.create_static(NewStatic {
                namespace,
                user_name: &row.user_name,
                password: &password,
                client_id: &row.client_id,
            }))
            .await;
        if let Err(e) = created {
            // Refused: nothing to keep. Unknown outcome: the intent stays
            // until it ages out, and then reconciliation removes any client.
            if matches!(e, BrokerError::Refused { .. }) {
                let _ = self.store.abandon_static(&row.user_name).await;
            }
            return Err(e.into());
        }
        if let Err(e) = self.store.insert_static(&row).await {
            if let Err(undo) = self.bounded(broker.delete_static(&row.user_name)).await {
                // The intent stays: reconciliation removes it.
                tracing::error!(user_name = %row.user_name, %undo, "could not undo a broker client");
            }
            return Err(e.into());
        }
        tracing::info!(%org, id = %row.id, user_name = %row.user_name, "created static credential");
        Ok(Issued { row, password })
    }

    /// Deletes the credential; once the broker has answered, it can no
    /// longer connect and its sessions are cut off.
    pub async fn delete_static(&self, org: &str, id: &str) -> Result<(), Error> {
        let row = self
            .store
            .find_static(org, id)
            .await?
            .ok_or(Error::CredentialNotFound)?;
        let broker = self.broker()?;
        // The mark first: a store that cannot be written refuses here,
        // before anything changed.
        if !self.store.begin_delete(org, id, now_s()).await? {
            return Err(Error::CredentialNotFound);
        }
        if let Err(e) = self.bounded(broker.delete_static(&row.user_name)).await {
            tracing::warn!(%org, %id, %e, "delete begun; the broker did not take it");
            return Err(Error::DeleteUnfinished(e.to_string()));
        }
        if let Err(e) = self.store.delete_static(org, id).await {
            // The broker's half is done and cannot be taken back (the store
            // keeps only the password's hash): list it as what it now is.
            self.missing.note(&row.user_name);
            tracing::warn!(%org, %id, %e, "deleted at the broker but not in the store");
            let why = crate::store::unwritable(&e).unwrap_or("the database failed");
            return Err(Error::DeleteUnfinished(why.to_owned()));
        }
        self.missing.forget(&row.user_name);
        tracing::info!(%org, %id, user_name = %row.user_name, "deleted static credential");
        Ok(())
    }

    /// A new password for the credential, in place; the old one stops
    /// working and its sessions are disconnected.
    pub async fn rotate_static(&self, org: &str, id: &str) -> Result<Issued, Error> {
        let mut row = self
            .store
            .find_static(org, id)
            .await?
            .ok_or(Error::CredentialNotFound)?;
        let broker = self.broker()?;
        let password = new_password();
        let hash = self.hashing.hash(&password).await?;
        if let Some(recorder) = &self.recorder {
            // Before the broker: the disconnects it causes may come first.
            recorder
                .action(Action::Rotating {
                    credential_id: row.id.clone(),
                    at_ms: now_ms(),
                })
                .await;
        }
        match self
            .bounded(broker.set_static_password(&row.user_name, &password))
            .await
        {
            Ok(()) => {}
            Err(BrokerError::Unavailable(why)) => {
                // It may still apply it: say so, and keep saying so until
                // the next rotation settles it.
                self.store
                    .set_static_password(org, id, &hash, false)
                    .await?;
                tracing::warn!(%org, %id, %why, "rotation not confirmed by the broker");
                return Err(Error::RotationUnconfirmed(why));
            }
            Err(other) => return Err(other.into()),
        }
        self.store.set_static_password(org, id, &hash, true).await?;
        row.password_hash = hash;
        row.rotation_unconfirmed = false;
        tracing::info!(%org, %id, user_name = %row.user_name, "rotated static credential");
        if let Some(recorder) = &self.recorder {
            recorder
                .action(Action::Rotated {
                    org: org.to_owned(),
                    client_id: row.client_id.clone(),
                    credential: CredentialRef::Static {
                        id: row.id.clone(),
                        name: row.name.clone(),
                    },
                    at_ms: now_ms(),
                })
                .await;
        }
        Ok(Issued { row, password })
    }
}
