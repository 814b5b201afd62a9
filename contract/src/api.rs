//! Request and response bodies of `/api/orgs/:orgId/mqtt/...`, in camelCase.
//! Timestamps are RFC 3339 strings in UTC, so the wasm bundle needs no date crate.

use serde::{Deserialize, Serialize};

/// Header carrying the organisation's API key.
pub const API_KEY_HEADER: &str = "x-api-key";
/// Header naming the organisation; must equal the path's `:orgId`.
pub const ORG_HEADER: &str = "x-tillor-org-id";

/// Where the server publishes the signing keys' public halves, where brokers
/// (TBMQ's JWKS verifier) fetch them: served by tillor-local, named in the
/// TBMQ provider settings it prints.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// Where the private CA's certificate is served when TLS is on (the
/// console's configuration links it).
pub const CA_PATH: &str = "/ca.pem";

pub fn jwt_credentials_path(org_id: &str) -> String {
    format!("/api/orgs/{org_id}/mqtt/credentials")
}

/// One JWT by its id (`DELETE` revokes it).
pub fn jwt_credential_path(org_id: &str, jti: &str) -> String {
    format!("/api/orgs/{org_id}/mqtt/credentials/{jti}")
}

/// Revokes every token issued so far for one clientId.
pub fn jwt_revoke_path(org_id: &str) -> String {
    format!("/api/orgs/{org_id}/mqtt/credentials/revoke")
}

/// A new password for a static credential, in place.
pub fn static_rotate_path(org_id: &str, id: &str) -> String {
    format!("/api/orgs/{org_id}/mqtt/static-credentials/{id}/rotate")
}

pub fn static_credentials_path(org_id: &str) -> String {
    format!("/api/orgs/{org_id}/mqtt/static-credentials")
}

pub fn static_credential_path(org_id: &str, id: &str) -> String {
    format!("/api/orgs/{org_id}/mqtt/static-credentials/{id}")
}

pub fn connections_path(org_id: &str) -> String {
    format!("/api/orgs/{org_id}/mqtt/connections")
}

/// An issued JWT that has not expired yet: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JwtToken {
    pub jti: String,
    pub client_id: String,
    pub issued_at: String,
    pub expires_at: String,
    /// Revoked: the broker refuses it and has cut off its sessions.
    pub revoked: bool,
    /// Live sessions using it now.
    pub connected: u32,
}

/// `POST /api/orgs/:orgId/mqtt/credentials/revoke`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeClientRequest {
    /// With or without the env prefix, as on create.
    pub client_id: String,
}

/// What a revocation by clientId did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revoked {
    pub client_id: String,
    /// The tokens revoked now (those revoked before are not repeated).
    pub jtis: Vec<String>,
}

/// A live session of the organisation, as the broker reported it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Connection {
    pub client_id: String,
    pub credential: crate::broker_event::CredentialRef,
    pub peer: crate::broker_event::Peer,
    pub since: String,
}

pub fn events_path(org_id: &str) -> String {
    format!("/api/orgs/{org_id}/mqtt/events")
}

/// What the broker saw of this organisation's connections, newest first.
/// Repeats of the same event by the same clientId are one entry with a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionEvent {
    /// The entry's id: the same entry comes again, with a higher count, as
    /// repeats add to it.
    pub id: i64,
    pub client_id: String,
    pub what: crate::broker_event::EventKind,
    /// How many times it happened between `firstAt` and `lastAt`.
    pub count: u64,
    pub first_at: String,
    pub last_at: String,
}

/// One answer of the events list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPage {
    /// Newest first.
    pub events: Vec<ConnectionEvent>,
    /// Pass as `cursor` for the next, older page; absent on the last page
    /// and on a live answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Pass as `after` (with `wait`) for what is added or changed from now on.
    pub live_cursor: String,
    /// Broker reports lost since the server started (the broker or the
    /// server was too busy to take them): when not 0, the list may miss
    /// events.
    pub dropped: u64,
}

/// `POST /api/orgs/:orgId/mqtt/credentials`; the whole body is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateJwtCredentialsRequest {
    /// Without the env prefix or with it (`foo` or `local-foo`); generated when absent.
    /// 1..=64 characters in total from `A-Z a-z 0-9 . _ -`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Whole seconds, 60..=86400; 3600 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 60, maximum = 86400))]
    pub expires_in_seconds: Option<u32>,
}

/// A temporary credential: connect with an EMPTY username, `token` as the password
/// and exactly `clientId`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JwtCredentials {
    pub token: String,
    pub client_id: String,
    pub broker_url: String,
    pub topic_prefix: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

/// `POST /api/orgs/:orgId/mqtt/static-credentials`; the whole body is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateStaticCredentialRequest {
    /// 1..=64 characters, no control characters, no surrounding whitespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A static credential as listed: never with its password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaticCredential {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub user_name: String,
    pub client_id: String,
    pub topic_prefix: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_url: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Whether the broker knows this credential; absent when the server runs
    /// without a broker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_status: Option<BrokerStatus>,
    /// Live sessions using it now, as the broker reported them; absent
    /// without a broker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected: Option<u32>,
    /// When a session of it was last seen (connected or ended), RFC 3339;
    /// absent when never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<String>,
    /// The last rotation was not confirmed by the broker: rotate again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rotation_unconfirmed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BrokerStatus {
    /// Provisioned on the broker: integrations can connect with it.
    Active,
    /// In the store but not on the broker (found when the server started): it
    /// cannot connect, and since only its hash is kept it cannot be restored.
    /// Delete it and create a new one.
    Missing,
}

/// The response to creating a static credential: the only time `password` is sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedStaticCredential {
    #[serde(flatten)]
    pub credential: StaticCredential,
    pub password: String,
}
