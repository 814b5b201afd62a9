//! `tillor-local migrate-store`: copies the SQLite store of the data
//! directory into the PostgreSQL database of `TILLOR_DATABASE_URL`, so a
//! single-instance setup can move to several instances. The target must be
//! empty (its migrations are applied when it is opened); the copy is one
//! transaction there, so it lands whole or not at all. Order is kept:
//! credentials and tokens keep their listing order, and broker events keep
//! their revisions (the consoles' live feeds continue from the same point).

use sqlx::QueryBuilder;

use super::{Dialect, Pool, Store};

/// What was copied.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Copied {
    pub organisations: usize,
    pub static_credentials: usize,
    pub tokens: usize,
    pub events: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("migrate-store copies an SQLite store into PostgreSQL: set TILLOR_DATABASE_URL to the postgres:// database to fill")]
    Backends,
    #[error("the target database already holds {0} organisation(s): migrate-store fills an empty database only")]
    TargetNotEmpty(i64),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

type Org = (String, String, String);
type ClientId = (String, String, String);
type Static = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    bool,
);
type Tombstone = (String, String);
type Token = (
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<String>,
);
type Event = (String, String, String, String, i64, i64, i64, i64);

/// Rows per multi-row INSERT.
const CHUNK: usize = 500;

impl Store {
    /// Copies every row of this SQLite store into `target`, an empty
    /// PostgreSQL store.
    pub async fn copy_into(&self, target: &Store) -> Result<Copied, MigrateError> {
        let (Pool::Sqlite(from), Pool::Postgres(to)) = (&self.pool, &target.pool) else {
            return Err(MigrateError::Backends);
        };
        let held: i64 = to
            .query_scalar("SELECT count(*) FROM organisations")
            .fetch_one(to)
            .await?;
        if held > 0 {
            return Err(MigrateError::TargetNotEmpty(held));
        }
        let orgs: Vec<Org> = from
            .query_as("SELECT org_id, api_key_sha256, created_at FROM organisations")
            .fetch_all(from)
            .await?;
        let client_ids: Vec<ClientId> = from
            .query_as("SELECT client_id, org_id, created_at FROM client_ids")
            .fetch_all(from)
            .await?;
        let statics: Vec<Static> = from
            .query_as(
                "SELECT id, org_id, name, user_name, client_id, password_hash, created_at,
                    rotation_unconfirmed
             FROM static_credentials ORDER BY seq",
            )
            .fetch_all(from)
            .await?;
        let tombstones: Vec<Tombstone> = from
            .query_as("SELECT user_name, org_id FROM deleted_static_credentials")
            .fetch_all(from)
            .await?;
        let tokens: Vec<Token> = from
            .query_as(
                "SELECT jti, org_id, client_id, issued_at, expires_at, revoked_at, kid
             FROM jwt_tokens ORDER BY rowid",
            )
            .fetch_all(from)
            .await?;
        let events: Vec<Event> = from
            .query_as(
                "SELECT org_id, client_id, kind, what, count, first_at_ms, last_at_ms, rev
             FROM broker_events ORDER BY id",
            )
            .fetch_all(from)
            .await?;
        let rev: i64 = from
            .query_scalar("SELECT n FROM broker_events_rev")
            .fetch_one(from)
            .await?;

        let mut tx = to.begin().await?;
        macro_rules! copy {
            ($rows:expr, $head:literal, |$b:ident, $row:pat_param| $bind:expr) => {
                for chunk in $rows.chunks(CHUNK) {
                    let mut q = QueryBuilder::new($head);
                    q.push_values(chunk, |mut $b, $row| {
                        $bind;
                    });
                    q.build().execute(&mut *tx).await?;
                }
            };
        }
        copy!(
            orgs,
            "INSERT INTO organisations (org_id, api_key_sha256, created_at) ",
            |b, (o, k, c)| b.push_bind(o).push_bind(k).push_bind(c)
        );
        copy!(
            client_ids,
            "INSERT INTO client_ids (client_id, org_id, created_at) ",
            |b, (id, o, c)| b.push_bind(id).push_bind(o).push_bind(c)
        );
        copy!(statics,
            "INSERT INTO static_credentials (id, org_id, name, user_name, client_id, password_hash, created_at, rotation_unconfirmed) ",
            |b, (id, o, n, u, c, h, at, r)| b.push_bind(id).push_bind(o).push_bind(n).push_bind(u)
                .push_bind(c).push_bind(h).push_bind(at).push_bind(*r));
        copy!(
            tombstones,
            "INSERT INTO deleted_static_credentials (user_name, org_id) ",
            |b, (u, o)| b.push_bind(u).push_bind(o)
        );
        copy!(
            tokens,
            "INSERT INTO jwt_tokens (jti, org_id, client_id, issued_at, expires_at, revoked_at, kid) ",
            |b, (j, o, c, i, e, r, k)| b
                .push_bind(j)
                .push_bind(o)
                .push_bind(c)
                .push_bind(*i)
                .push_bind(*e)
                .push_bind(*r)
                .push_bind(k)
        );
        copy!(events,
            "INSERT INTO broker_events (org_id, client_id, kind, what, count, first_at_ms, last_at_ms, rev) ",
            |b, (o, c, k, w, n, f, l, r)| b.push_bind(o).push_bind(c).push_bind(k).push_bind(w)
                .push_bind(*n).push_bind(*f).push_bind(*l).push_bind(*r));
        to.query("UPDATE broker_events_rev SET n = ?1")
            .bind(rev)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Copied {
            organisations: orgs.len(),
            static_credentials: statics.len(),
            tokens: tokens.len(),
            events: events.len(),
        })
    }
}
