//! JWTs: issuing one within the organisation's quota, and revoking them so
//! that the broker refuses them, also after a restart.

use tillor_contract::broker_event::RevokedToken;
use tillor_contract::rules;
use tillor_contract::Namespace;

use super::{Error, Provisioning};
use crate::clock::now_ms;
use crate::events::Action;
use crate::revocations;
use crate::secrets::random_slug;
use crate::store::tokens::{Revocation, TokenRow};
use crate::store::ClientIdClaim;

/// A signed token and what the client needs beside it.
pub struct IssuedJwt {
    pub token: String,
    pub client_id: String,
    /// Unix seconds.
    pub expires_at: i64,
}

/// The window of the per-minute quota, in seconds.
const QUOTA_WINDOW_SECS: i64 = 60;

impl Provisioning {
    /// Issues a token for `client_id` (already normalised), or for a clientId
    /// made up here when None, valid from `now` (Unix s) for `ttl` seconds.
    pub async fn issue_jwt(
        &self,
        org: &str,
        namespace: &Namespace,
        client_id: Option<String>,
        ttl: u32,
        now: i64,
    ) -> Result<IssuedJwt, Error> {
        let expires_at = now + i64::from(ttl);
        // A clientId asked for by name is the organisation's for good; one
        // made up here is held only while its token may be used.
        let (client_id, until) = match client_id {
            Some(requested) => (requested, None),
            None => (
                rules::normalize_client_id(self.settings.env, &random_slug(16))
                    .map_err(|e| Error::Internal(e.message()))?,
                Some(expires_at),
            ),
        };
        let at = crate::clock::rfc3339_ms(now * 1000);
        if self
            .store
            .claim_client_id(org, &client_id, &at, until)
            .await?
            == ClientIdClaim::TakenByOther
        {
            return Err(Error::ClientIdTaken(client_id));
        }
        let jti = uuid::Uuid::new_v4().to_string();
        let issued = self
            .signer
            .issue(namespace, &client_id, jti.clone(), now, ttl)
            .map_err(Error::Internal)?;
        let row = TokenRow {
            jti,
            client_id: client_id.clone(),
            issued_at: now,
            expires_at,
            revoked_at: None,
        };
        let limit = self.settings.max_jwts_per_minute;
        let since = now - QUOTA_WINDOW_SECS;
        // Counted and stored in one step. A made-up clientId claimed above
        // for a token refused here is held until `until`, as if issued.
        if let Err(first) = self
            .store
            .insert_token_within(org, &issued.kid, &row, since, limit)
            .await?
        {
            // Until the first token of the minute drops out of it.
            let wait = first.map_or(QUOTA_WINDOW_SECS, |f| f + QUOTA_WINDOW_SECS - now);
            return Err(Error::QuotaExceeded {
                what: "JWTs a minute",
                limit,
                retry_after_secs: Some(wait.clamp(1, QUOTA_WINDOW_SECS) as u64),
            });
        }
        tracing::info!(%org, %client_id, ttl, "issued MQTT JWT");
        Ok(IssuedJwt {
            token: issued.token,
            client_id,
            expires_at,
        })
    }

    /// Revokes one token; revoking it again is not an error.
    pub async fn revoke_jwt(&self, org: &str, jti: &str, now: i64) -> Result<(), Error> {
        match self.store.revoke_token(org, jti, now).await? {
            Revocation::Revoked(row) => self.enforce(org, vec![row], now).await,
            Revocation::AlreadyRevoked(_) => Ok(()),
            Revocation::NotFound => Err(Error::TokenNotFound),
        }
    }

    /// Revokes every token issued so far for `client_id` (normalised);
    /// returns the ids of those revoked by this call.
    pub async fn revoke_client(
        &self,
        org: &str,
        client_id: &str,
        now: i64,
    ) -> Result<Vec<String>, Error> {
        if self.store.org_of_client_id(client_id).await?.as_deref() != Some(org) {
            return Err(Error::ClientIdNotFound(client_id.to_owned()));
        }
        let rows = self.store.revoke_client(org, client_id, now).await?;
        let jtis = rows.iter().map(|r| r.jti.clone()).collect();
        if !rows.is_empty() {
            self.enforce(org, rows, now).await?;
        }
        Ok(jtis)
    }

    /// Makes revocations stick: the file the broker reads at start first,
    /// then the events (before the disconnects, which they explain), then
    /// the running broker. A broker that cannot be told now has the file at
    /// its next start, and refuses nothing it should not meanwhile only if
    /// it is down.
    async fn enforce(&self, org: &str, rows: Vec<TokenRow>, now: i64) -> Result<(), Error> {
        revocations::write(&self.store, &self.settings.data_dir, now)
            .await
            .map_err(Error::Internal)?;
        if let Some(recorder) = &self.recorder {
            for r in &rows {
                recorder
                    .action(Action::Revoked {
                        org: org.to_owned(),
                        client_id: r.client_id.clone(),
                        jti: r.jti.clone(),
                        at_ms: now_ms(),
                    })
                    .await;
            }
        }
        if let Some(broker) = &self.broker {
            let client_ids: Vec<String> = rows.iter().map(|r| r.client_id.clone()).collect();
            let tokens: Vec<RevokedToken> = rows
                .into_iter()
                .map(|r| RevokedToken {
                    jti: r.jti,
                    expires_at: r.expires_at,
                })
                .collect();
            if let Err(e) = self.bounded(broker.revoke(&tokens, &client_ids)).await {
                // Stored and in the file: the broker refuses them from its
                // next start; it is down or unreachable now.
                tracing::warn!(%e, "the broker did not hear of a revocation now");
            }
        }
        tracing::info!(%org, "revoked MQTT JWTs");
        Ok(())
    }
}
