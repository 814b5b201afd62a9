//! Who is calling: the `x-api-key` must belong to the organisation in the path and
//! `X-Tillor-Org-Id` must name that same organisation. The second header is what
//! protects support staff who switch organisations from acting on the wrong one.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use tillor_contract::api::{API_KEY_HEADER, ORG_HEADER};
use tillor_contract::Namespace;

use crate::http::AppState;
use crate::http::Error;
use crate::secrets::api_key_digest;

/// An authenticated organisation, with its topic namespace.
pub struct Org {
    pub id: String,
    pub namespace: Namespace,
}

impl FromRequestParts<AppState> for Org {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| Error::internal("route without path parameters"))?;
        let path_org = params
            .iter()
            .find(|(name, _)| *name == "orgId")
            .map(|(_, value)| value.to_owned())
            .ok_or_else(|| Error::internal("route without :orgId"))?;

        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .map(|v| v.to_str().map(str::to_owned).unwrap_or_default())
        };
        let key = header(API_KEY_HEADER)
            .filter(|k| !k.is_empty())
            .ok_or(Error::MissingApiKey)?;
        let Some(key_org) = state.store.org_for_key(&api_key_digest(&key)).await? else {
            // Someone guessing keys waits longer with each wrong one.
            let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
            if let Some(ConnectInfo(addr)) = peer {
                let wait = state.guesses.failed(addr.ip(), std::time::Instant::now());
                tokio::time::sleep(wait).await;
            }
            return Err(Error::InvalidApiKey);
        };
        if key_org != path_org {
            return Err(Error::WrongOrganisation(path_org));
        }
        let header_org = header(ORG_HEADER);
        if header_org.as_deref() != Some(path_org.as_str()) {
            return Err(Error::OrgHeaderMismatch {
                header: header_org,
                path: path_org,
            });
        }
        let namespace = Namespace::new(state.config.env, &path_org)
            .ok_or_else(|| Error::internal("stored organisation id is not a topic level"))?;
        Ok(Org {
            id: path_org,
            namespace,
        })
    }
}
