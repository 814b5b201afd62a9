//! The one place SQL text meets a database. Every statement is written once
//! in the common dialect of SQLite and PostgreSQL (`ON CONFLICT`,
//! `RETURNING`) with SQLite's numbered `?N` placeholders, and reaches sqlx
//! only through `Dialect::query*`, which turn them into PostgreSQL's `$N`.
//! A bare `sqlx::query*` elsewhere is refused by clippy (`clippy.toml`,
//! `disallowed-methods`), so no statement can skip the dialect and fail on
//! PostgreSQL alone. (sqlx's `QueryBuilder` writes each backend's own
//! placeholders itself.)

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Database, FromRow, PgPool, SqlitePool};

type Args<'q, Db> = <Db as Database>::Arguments<'q>;

/// What differs between the two backends, and the only way to a statement.
pub trait Dialect {
    type Db: Database;

    /// The statement in this backend's dialect.
    fn sql<'a>(&self, statement: &'a str) -> &'a str;

    /// The larger of two values: SQLite's two-argument `max`, PostgreSQL's `greatest`.
    fn greatest(&self) -> &'static str;

    /// The column holding a token row's insertion order (SQLite's implicit rowid).
    fn token_order(&self) -> &'static str;

    #[allow(clippy::disallowed_methods)] // the one place: through `sql`
    fn query<'a>(&self, statement: &'a str) -> Query<'a, Self::Db, Args<'a, Self::Db>> {
        sqlx::query(self.sql(statement))
    }

    #[allow(clippy::disallowed_methods)] // the one place: through `sql`
    fn query_as<'a, O>(&self, statement: &'a str) -> QueryAs<'a, Self::Db, O, Args<'a, Self::Db>>
    where
        O: for<'r> FromRow<'r, <Self::Db as Database>::Row>,
    {
        sqlx::query_as(self.sql(statement))
    }

    #[allow(clippy::disallowed_methods)] // the one place: through `sql`
    fn query_scalar<'a, O>(
        &self,
        statement: &'a str,
    ) -> QueryScalar<'a, Self::Db, O, Args<'a, Self::Db>>
    where
        (O,): for<'r> FromRow<'r, <Self::Db as Database>::Row>,
    {
        sqlx::query_scalar(self.sql(statement))
    }
}

impl Dialect for SqlitePool {
    type Db = sqlx::Sqlite;
    fn sql<'a>(&self, statement: &'a str) -> &'a str {
        statement
    }
    fn greatest(&self) -> &'static str {
        "max"
    }
    fn token_order(&self) -> &'static str {
        "rowid"
    }
}

impl Dialect for PgPool {
    type Db = sqlx::Postgres;
    fn sql<'a>(&self, statement: &'a str) -> &'a str {
        in_dollars(statement)
    }
    fn greatest(&self) -> &'static str {
        "greatest"
    }
    fn token_order(&self) -> &'static str {
        "seq"
    }
}

/// `statement` with `$N` placeholders, converted once and kept: sqlx
/// borrows the text for as long as the query lives. The statements are the
/// store's own texts (values are always bound, never formatted in), a
/// fixed set of a few dozen, so the cache stays that size.
fn in_dollars(statement: &str) -> &'static str {
    static CONVERTED: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut converted = CONVERTED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(done) = converted.get(statement) {
        return done;
    }
    let done: &'static str = Box::leak(dollar_placeholders(statement).into_boxed_str());
    converted.insert(statement.to_owned(), done);
    done
}

fn dollar_placeholders(statement: &str) -> String {
    let mut out = String::with_capacity(statement.len());
    let mut chars = statement.chars().peekable();
    while let Some(c) = chars.next() {
        let numbered = c == '?' && chars.peek().is_some_and(char::is_ascii_digit);
        out.push(if numbered { '$' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbered_placeholders_become_dollars_and_nothing_else_changes() {
        assert_eq!(
            super::dollar_placeholders("SET a = ?3 WHERE b = ?1 AND c = '?' AND d = ?12"),
            "SET a = $3 WHERE b = $1 AND c = '?' AND d = $12"
        );
    }

    #[test]
    fn a_statement_is_converted_once_and_the_same_text_comes_back() {
        let a = super::in_dollars("SELECT ?1");
        let b = super::in_dollars("SELECT ?1");
        assert_eq!(a, "SELECT $1");
        assert!(std::ptr::eq(a, b));
    }
}
