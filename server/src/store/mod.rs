//! Persistence, behind one type so the handlers never see which database is
//! behind it: SQLite (a file in the data directory, one instance) or
//! PostgreSQL (`TILLOR_DATABASE_URL=postgres://…`, shared by several
//! instances). Every method is one statement or one transaction, written
//! once: the SQL is the common dialect of both (`ON CONFLICT`, `RETURNING`),
//! with SQLite's numbered `?N` placeholders, which `Dialect` turns into
//! PostgreSQL's `$N`. Each backend has its own migrations.

use std::path::Path;
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub mod client_ids;
pub mod deleting;
mod dialect;
pub mod event_batch;
pub mod events;
pub mod migrate;
pub mod signing_keys;
#[cfg(test)]
mod testing;
pub mod tokens;

pub use client_ids::ClientIdClaim;
pub use dialect::Dialect;
pub use events::EventRow;

pub const DATABASE_FILE: &str = "tillor.sqlite3";

#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the store's pool, once per backend
/// (each arm is compiled for its own database types).
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Locks the organisation's row until the transaction ends, so that a
/// count and the write it allows (a quota) are one step: a no-op UPDATE
/// takes PostgreSQL's row lock and SQLite's writer lock alike.
macro_rules! lock_org {
    ($pool:expr, $tx:ident, $org_id:expr) => {
        $pool
            .query("UPDATE organisations SET org_id = org_id WHERE org_id = ?1")
            .bind($org_id)
            .execute(&mut *$tx)
    };
}
pub(crate) use lock_org;

/// Why the database cannot be written, when that is the operator's to fix
/// and passes (a full disk, a read-only store): SQLite's codes 13 (full),
/// 8 (read-only) and 10 (I/O); PostgreSQL's 53100 (disk full) and 25006
/// (read-only transaction). None for any other failure.
pub fn unwritable(e: &sqlx::Error) -> Option<&'static str> {
    let sqlx::Error::Database(db) = e else {
        return None;
    };
    let code = db.code().unwrap_or_default();
    let primary = code.parse::<i32>().map(|c| c & 0xff).ok();
    match (primary, code.as_ref()) {
        (Some(13), _) | (_, "53100") => Some("its disk is full"),
        (Some(8), _) | (_, "25006") => Some("it is read-only"),
        (Some(10), _) => Some("its disk cannot be written"),
        _ => None,
    }
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

/// Where the store lives: `TILLOR_DATABASE_URL`, or SQLite in the data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    SqliteIn(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    /// `url` unset: SQLite in `data_dir`; `postgres://…`: PostgreSQL.
    pub fn from_settings(url: Option<&str>, data_dir: &Path) -> Result<Location, String> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Location::SqliteIn(data_dir.to_owned())),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Location::Postgres(u.to_owned()))
            }
            Some(_) => Err("TILLOR_DATABASE_URL must be a postgres:// URL; leave it unset for SQLite in the data directory".into()),
        }
    }

    /// For messages and logs: never the password.
    pub fn describe(&self) -> String {
        match self {
            Location::SqliteIn(dir) => dir.join(DATABASE_FILE).display().to_string(),
            Location::Postgres(url) => match PgConnectOptions::from_str(url) {
                Ok(o) => format!(
                    "PostgreSQL database {:?} on {}:{}",
                    o.get_database().unwrap_or("(default)"),
                    o.get_host(),
                    o.get_port()
                ),
                Err(_) => "PostgreSQL (TILLOR_DATABASE_URL does not parse)".into(),
            },
        }
    }
}

impl Store {
    pub async fn open(location: &Location) -> Result<Self, sqlx::Error> {
        match location {
            Location::SqliteIn(dir) => Self::open_sqlite(dir).await,
            Location::Postgres(url) => Self::open_postgres(url).await,
        }
    }

    async fn open_sqlite(data_dir: &Path) -> Result<Self, sqlx::Error> {
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
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
        })
    }

    async fn open_postgres(url: &str) -> Result<Self, sqlx::Error> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        // Several instances may start at once: sqlx's migrator takes a
        // PostgreSQL advisory lock, so one migrates and the others wait.
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
        })
    }

    /// Whether other instances may write to this database too (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// One round trip to the database (`/readyz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| pool
            .query("SELECT 1")
            .execute(pool)
            .await
            .map(drop))
    }

    /// Creates the organisation or replaces its API key (seeding is idempotent).
    pub async fn upsert_org(
        &self,
        org_id: &str,
        api_key_digest: &str,
        now: &str,
    ) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            // A key belongs to one organisation: drop it from any other first.
            pool.query("UPDATE organisations SET api_key_sha256 = 'revoked:' || org_id WHERE api_key_sha256 = ?1 AND org_id <> ?2")
                .bind(api_key_digest)
                .bind(org_id)
                .execute(&mut *tx)
                .await?;
            pool.query(
                "INSERT INTO organisations (org_id, api_key_sha256, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(org_id) DO UPDATE SET api_key_sha256 = excluded.api_key_sha256",
            )
            .bind(org_id)
            .bind(api_key_digest)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    pub async fn org_for_key(&self, api_key_digest: &str) -> Result<Option<String>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_scalar("SELECT org_id FROM organisations WHERE api_key_sha256 = ?1")
                .bind(api_key_digest)
                .fetch_optional(pool)
                .await
        })
    }

    /// The shared demo organisation: `candidate` (org id, sealed API key)
    /// unless an instance made one first; the one that holds.
    pub async fn demo_organisation(
        &self,
        candidate: (&str, &[u8]),
    ) -> Result<(String, Vec<u8>), sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query(
                "INSERT INTO demo_organisation (org_id, sealed_api_key) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(candidate.0)
            .bind(candidate.1)
            .execute(pool)
            .await?;
            pool.query_as("SELECT org_id, sealed_api_key FROM demo_organisation")
                .fetch_one(pool)
                .await
        })
    }

    /// Records that `user_name` is about to be created at the broker for
    /// `org_id` (before the broker is touched: see `pending_static` in the
    /// migrations), if the organisation holds fewer than `limit` static
    /// credentials, counting the creates begun since `fresh_since` (Unix s);
    /// false when it holds its limit. The count and the intent are one
    /// transaction that first locks the organisation's row (a write, so
    /// SQLite's writer lock too): parallel creates at the limit are counted
    /// one after another, never overshooting it.
    pub async fn begin_static(
        &self,
        org_id: &str,
        user_name: &str,
        now: i64,
        fresh_since: i64,
        limit: i64,
    ) -> Result<bool, sqlx::Error> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            lock_org!(pool, tx, org_id).await?;
            let held: i64 = pool
                .query_scalar(
                    "SELECT (SELECT COUNT(*) FROM static_credentials WHERE org_id = ?1)
                          + (SELECT COUNT(*) FROM pending_static
                             WHERE org_id = ?1 AND started_at >= ?2)",
                )
                .bind(org_id)
                .bind(fresh_since)
                .fetch_one(&mut *tx)
                .await?;
            if held >= limit {
                return Ok(false);
            }
            pool.query(
                "INSERT INTO pending_static (user_name, org_id, started_at) VALUES (?1, ?2, ?3)",
            )
            .bind(user_name)
            .bind(org_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The create of `user_name` ended without a stored credential.
    pub async fn abandon_static(&self, user_name: &str) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query("DELETE FROM pending_static WHERE user_name = ?1")
                .bind(user_name)
                .execute(pool)
                .await
                .map(drop)
        })
    }

    /// Every static username the broker may rightly hold: stored ones, and
    /// ones being created since `since` (older intents are crashed creates,
    /// whose broker clients reconciliation removes). Older intents are
    /// dropped.
    pub async fn known_static_user_names(&self, since: i64) -> Result<Vec<String>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query("DELETE FROM pending_static WHERE started_at < ?1")
                .bind(since)
                .execute(pool)
                .await?;
            pool.query_scalar(
                "SELECT user_name FROM static_credentials
                 UNION SELECT user_name FROM pending_static",
            )
            .fetch_all(pool)
            .await
        })
    }

    /// Stores a new static credential and reserves its (fresh, random) clientId in
    /// one transaction, so neither can exist without the other; its intent
    /// (`begin_static`) ends in the same transaction.
    pub async fn insert_static(&self, row: &StaticRow) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            pool.query("DELETE FROM pending_static WHERE user_name = ?1")
                .bind(&row.user_name)
                .execute(&mut *tx)
                .await?;
            pool.query(
                "INSERT INTO client_ids (client_id, org_id, created_at) VALUES (?1, ?2, ?3)",
            )
            .bind(&row.client_id)
            .bind(&row.org_id)
            .bind(&row.created_at)
            .execute(&mut *tx)
            .await?;
            pool.query(
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
        })
    }

    /// The organisation's credentials, newest first.
    pub async fn list_static(&self, org_id: &str) -> Result<Vec<StaticRow>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_as(
                "SELECT id, org_id, name, user_name, client_id, password_hash, created_at,
                        rotation_unconfirmed
                 FROM static_credentials WHERE org_id = ?1 ORDER BY seq DESC",
            )
            .bind(org_id)
            .fetch_all(pool)
            .await
        })
    }

    pub async fn find_static(
        &self,
        org_id: &str,
        id: &str,
    ) -> Result<Option<StaticRow>, sqlx::Error> {
        on_pool!(self, |pool| {
            pool.query_as(
                "SELECT id, org_id, name, user_name, client_id, password_hash, created_at,
                        rotation_unconfirmed
                 FROM static_credentials WHERE org_id = ?1 AND id = ?2",
            )
            .bind(org_id)
            .bind(id)
            .fetch_optional(pool)
            .await
        })
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
        on_pool!(self, |pool| {
            pool.query(
                "UPDATE static_credentials SET password_hash = ?3, rotation_unconfirmed = ?4
                 WHERE org_id = ?1 AND id = ?2",
            )
            .bind(org_id)
            .bind(id)
            .bind(password_hash)
            .bind(!confirmed)
            .execute(pool)
            .await
            .map(drop)
        })
    }
}

/// A store for a test: on the test PostgreSQL server when `scripts/test`
/// runs one (a fresh database each time), else SQLite in a temporary
/// directory (kept alive by the returned guard).
#[cfg(test)]
pub async fn test_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let location = match tillor_harness::fresh_postgres_database() {
        Some(url) => Location::Postgres(url),
        None => Location::SqliteIn(dir.path().to_owned()),
    };
    (Store::open(&location).await.unwrap(), dir)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_create_in_progress_is_known_until_stored_or_too_old() {
        let (store, _dir) = super::test_store().await;
        store.upsert_org("acme", "digest", "t").await.unwrap();
        store
            .begin_static("acme", "acme-aaaaaaaa", 1_000, 0, i64::MAX)
            .await
            .unwrap();
        store
            .begin_static("acme", "acme-bbbbbbbb", 2_000, 0, i64::MAX)
            .await
            .unwrap();
        let mut known = store.known_static_user_names(1_500).await.unwrap();
        known.sort();
        // The older intent is a crashed create: no longer known, and gone.
        assert_eq!(known, ["acme-bbbbbbbb"]);
        let row = super::StaticRow {
            id: "id-1".into(),
            org_id: "acme".into(),
            name: None,
            user_name: "acme-bbbbbbbb".into(),
            client_id: "local-static-1".into(),
            password_hash: "h".into(),
            created_at: "t".into(),
            rotation_unconfirmed: false,
        };
        store.insert_static(&row).await.unwrap();
        // Stored now: known as a credential, its intent ended with it.
        assert_eq!(
            store.known_static_user_names(0).await.unwrap(),
            ["acme-bbbbbbbb"]
        );
        store
            .begin_static("acme", "acme-cccccccc", 3_000, 0, i64::MAX)
            .await
            .unwrap();
        store.abandon_static("acme-cccccccc").await.unwrap();
        assert_eq!(
            store.known_static_user_names(0).await.unwrap(),
            ["acme-bbbbbbbb"]
        );
    }
}
