//! Who owns a clientId. MQTT lets one session per clientId on a broker, so a
//! clientId belongs to one organisation: for good once asked for by name or
//! given to a static credential (also after that credential is deleted), or
//! for one token's life when the API made it up for a JWT request.

use super::{on_pool, Dialect, Store};

#[derive(Debug, PartialEq, Eq)]
pub enum ClientIdClaim {
    /// Newly reserved for this organisation, or already its own.
    Ours,
    /// Used by another organisation.
    TakenByOther,
}

impl Store {
    /// Reserves `client_id` for `org_id` unless another organisation holds
    /// it: for good, or `until` (Unix s) for a clientId the API generated
    /// for one token. One statement decides, so two instances claiming the
    /// same clientId at once get one owner: the other's insert does nothing
    /// and it reads the winner. Claiming by name a clientId the organisation
    /// holds for a while makes it its own for good.
    pub async fn claim_client_id(
        &self,
        org_id: &str,
        client_id: &str,
        now: &str,
        until: Option<i64>,
    ) -> Result<ClientIdClaim, sqlx::Error> {
        let owner: String = on_pool!(self, |pool| {
            pool.query("INSERT INTO client_ids (client_id, org_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(client_id) DO NOTHING")
                .bind(client_id)
                .bind(org_id)
                .bind(now)
                .bind(until)
                .execute(pool)
                .await?;
            if until.is_none() {
                pool.query(
                    "UPDATE client_ids SET expires_at = NULL WHERE client_id = ?1 AND org_id = ?2",
                )
                .bind(client_id)
                .bind(org_id)
                .execute(pool)
                .await?;
            }
            pool.query_scalar("SELECT org_id FROM client_ids WHERE client_id = ?1")
                .bind(client_id)
                .fetch_one(pool)
                .await?
        });
        Ok(if owner == org_id {
            ClientIdClaim::Ours
        } else {
            ClientIdClaim::TakenByOther
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ClientIdClaim::{Ours, TakenByOther};
    use crate::store::test_store;

    async fn with_orgs() -> (crate::store::Store, tempfile::TempDir) {
        let (store, dir) = test_store().await;
        for org in ["acme", "other"] {
            store
                .upsert_org(org, &format!("digest-{org}"), "now")
                .await
                .unwrap();
        }
        (store, dir)
    }

    #[tokio::test]
    async fn a_deleted_static_credentials_client_id_stays_with_its_organisation() {
        let (store, _dir) = with_orgs().await;
        let row = crate::store::StaticRow {
            id: "s1".into(),
            org_id: "acme".into(),
            name: None,
            user_name: "acme-kept".into(),
            client_id: "local-static-kept".into(),
            password_hash: "$argon2id$not-a-real-hash".into(),
            created_at: "now".into(),
            rotation_unconfirmed: false,
        };
        store.insert_static(&row).await.unwrap();
        assert!(store.delete_static("acme", &row.id).await.unwrap());
        let claim = |org| store.claim_client_id(org, "local-static-kept", "now", None);
        assert_eq!(claim("other").await.unwrap(), TakenByOther);
        assert_eq!(claim("acme").await.unwrap(), Ours);
    }

    #[tokio::test]
    async fn a_generated_client_id_is_free_again_once_its_token_expired() {
        let (store, _dir) = with_orgs().await;
        let made_up = |org, until| store.claim_client_id(org, "local-made-up", "now", until);
        assert_eq!(made_up("acme", Some(1_000)).await.unwrap(), Ours);
        store.prune_tokens(999).await.unwrap();
        assert_eq!(made_up("other", Some(2_000)).await.unwrap(), TakenByOther);
        store.prune_tokens(1_000).await.unwrap();
        assert_eq!(made_up("other", Some(2_000)).await.unwrap(), Ours);
    }

    #[tokio::test]
    async fn asking_by_name_for_a_held_client_id_keeps_it_for_good() {
        let (store, _dir) = with_orgs().await;
        let claim = |org, until| store.claim_client_id(org, "local-till-1", "now", until);
        assert_eq!(claim("acme", Some(1_000)).await.unwrap(), Ours);
        assert_eq!(claim("acme", None).await.unwrap(), Ours);
        store.prune_tokens(5_000).await.unwrap();
        assert_eq!(claim("other", None).await.unwrap(), TakenByOther);
    }
}
