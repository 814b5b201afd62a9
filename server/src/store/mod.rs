//! Persistence, behind one type so a PostgreSQL backend can replace SQLite without
//! touching the handlers. Every method is one statement or one transaction.

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub mod event_batch;
pub mod events;
pub mod tokens;

pub use events::EventRow;

pub const DATABASE_FILE: &str = "tillor.sqlite3";

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

/// A static credential as stored: the password exists only as its hash.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaticRow {
    pub id: String,
    pub org_id: String,
    pub name: Option<String>,
    pub user_name: String,
    pub client_id: String,
    pub password_hash: String,
    pub created_at: String,
    /// The last rotation was not confirmed by the broker.
    #[sqlx(default)]
    pub rotation_unconfirmed: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ClientIdClaim {
    /// Newly reserved for this organisation, or already its own.
    Ours,
    /// Used by another organisation.
    TakenByOther,
}

impl Store {
    pub async fn open(data_dir: &Path) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(data_dir.join(DATABASE_FILE))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL syncs at checkpoints rather than at every
            // commit: still consistent after a crash, and a power cut can
            // lose only the last commits. A sync per commit cost the broker
            // events a third of the broker's connection rate.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool })
    }

    /// One round trip to the database (`/readyz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }

    /// Creates the organisation or replaces its API key (seeding is idempotent).
    pub async fn upsert_org(
        &self,
        org_id: &str,
        api_key_digest: &str,
        now: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        // A key belongs to one organisation: drop it from any other first.
        sqlx::query("UPDATE organisations SET api_key_sha256 = 'revoked:' || org_id WHERE api_key_sha256 = ?1 AND org_id <> ?2")
            .bind(api_key_digest)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO organisations (org_id, api_key_sha256, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(org_id) DO UPDATE SET api_key_sha256 = excluded.api_key_sha256",
        )
        .bind(org_id)
        .bind(api_key_digest)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    pub async fn org_for_key(&self, api_key_digest: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT org_id FROM organisations WHERE api_key_sha256 = ?1")
            .bind(api_key_digest)
            .fetch_optional(&self.pool)
            .await
    }

    /// Reserves `client_id` for `org_id` unless another organisation holds it.
    pub async fn claim_client_id(
        &self,
        org_id: &str,
        client_id: &str,
        now: &str,
    ) -> Result<ClientIdClaim, sqlx::Error> {
        sqlx::query("INSERT INTO client_ids (client_id, org_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT(client_id) DO NOTHING")
            .bind(client_id)
            .bind(org_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        let owner: String =
            sqlx::query_scalar("SELECT org_id FROM client_ids WHERE client_id = ?1")
                .bind(client_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(if owner == org_id {
            ClientIdClaim::Ours
        } else {
            ClientIdClaim::TakenByOther
        })
    }

    /// Stores a new static credential and reserves its (fresh, random) clientId in
    /// one transaction, so neither can exist without the other.
    pub async fn insert_static(&self, row: &StaticRow) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO client_ids (client_id, org_id, created_at) VALUES (?1, ?2, ?3)")
            .bind(&row.client_id)
            .bind(&row.org_id)
            .bind(&row.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO static_credentials (id, org_id, name, user_name, client_id, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(&row.id)
        .bind(&row.org_id)
        .bind(&row.name)
        .bind(&row.user_name)
        .bind(&row.client_id)
        .bind(&row.password_hash)
        .bind(&row.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The organisation's credentials, newest first.
    pub async fn list_static(&self, org_id: &str) -> Result<Vec<StaticRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, org_id, name, user_name, client_id, password_hash, created_at,
                    rotation_unconfirmed
             FROM static_credentials WHERE org_id = ?1 ORDER BY seq DESC",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn find_static(
        &self,
        org_id: &str,
        id: &str,
    ) -> Result<Option<StaticRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, org_id, name, user_name, client_id, password_hash, created_at,
                    rotation_unconfirmed
             FROM static_credentials WHERE org_id = ?1 AND id = ?2",
        )
        .bind(org_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// After a rotation: the new password's hash, and whether the broker
    /// confirmed it (unconfirmed: it may or may not be in effect).
    pub async fn set_static_password(
        &self,
        org_id: &str,
        id: &str,
        password_hash: &str,
        confirmed: bool,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE static_credentials SET password_hash = ?3, rotation_unconfirmed = ?4
             WHERE org_id = ?1 AND id = ?2",
        )
        .bind(org_id)
        .bind(id)
        .bind(password_hash)
        .bind(!confirmed)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Every organisation's static usernames, to reconcile with the broker.
    pub async fn all_static_user_names(&self) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT user_name FROM static_credentials")
            .fetch_all(&self.pool)
            .await
    }

    /// Deletes the credential if this organisation owns it; false when there was none.
    /// Its random clientId is released with it.
    pub async fn delete_static(&self, org_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let gone: Option<(String, String)> = sqlx::query_as(
            "DELETE FROM static_credentials WHERE org_id = ?1 AND id = ?2 RETURNING client_id, user_name",
        )
        .bind(org_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((client_id, user_name)) = gone else {
            return Ok(false);
        };
        // A tombstone: an integration still using the deleted username is
        // told so, in this organisation's events.
        sqlx::query(
            "INSERT OR REPLACE INTO deleted_static_credentials (user_name, org_id) VALUES (?1, ?2)",
        )
        .bind(&user_name)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM client_ids WHERE client_id = ?1")
            .bind(client_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
