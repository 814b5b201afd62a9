//! Test-only faults in the real database: a table that refuses one kind of
//! write (a trigger), as a full disk or a lost connection would, on SQLite
//! and PostgreSQL alike.

use super::{on_pool, Dialect, Pool, Store};

impl Store {
    /// From now on, `op` (INSERT, UPDATE or DELETE) on `table` fails.
    pub async fn refuse(&self, op: &str, table: &str) {
        let name = format!("refuse_{op}_{table}").to_lowercase();
        let statements = match self.pool {
            Pool::Sqlite(_) => vec![format!(
                "CREATE TRIGGER {name} BEFORE {op} ON {table}
                 BEGIN SELECT RAISE(ABORT, 'refused by a test'); END"
            )],
            Pool::Postgres(_) => vec![
                "CREATE OR REPLACE FUNCTION refused_by_a_test() RETURNS trigger
                 LANGUAGE plpgsql AS $f$ BEGIN RAISE EXCEPTION 'refused by a test'; END $f$"
                    .to_owned(),
                format!(
                    "CREATE TRIGGER {name} BEFORE {op} ON {table}
                     FOR EACH ROW EXECUTE FUNCTION refused_by_a_test()"
                ),
            ],
        };
        for statement in statements {
            on_pool!(self, |pool| pool
                .query(&statement)
                .execute(pool)
                .await
                .map(drop))
            .expect("a test trigger");
        }
    }

    /// Undoes `refuse`.
    pub async fn allow(&self, op: &str, table: &str) {
        let name = format!("refuse_{op}_{table}").to_lowercase();
        let statement = match self.pool {
            Pool::Sqlite(_) => format!("DROP TRIGGER {name}"),
            Pool::Postgres(_) => format!("DROP TRIGGER {name} ON {table}"),
        };
        on_pool!(self, |pool| pool
            .query(&statement)
            .execute(pool)
            .await
            .map(drop))
        .expect("a test trigger");
    }
}
