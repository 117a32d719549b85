//! The PostgreSQL backend: a pool of connections (deadpool-postgres over tokio-postgres, both
//! async, so nothing here blocks a runtime thread), versioned migrations of its own
//! (`migrations`), and the same methods as the SQLite backend with the same semantics.
//!
//! Every method is one transaction, run by `PostgresDb::write` or `PostgresDb::read`: writes at
//! SERIALIZABLE, reads SERIALIZABLE READ ONLY, so a method sees and leaves the database as if it
//! ran alone, as it does on SQLite's single writer. A transaction that loses a race is aborted by
//! the database (serialization failure, deadlock) and run again from the start a bounded number
//! of times (`retry`); the closure that makes it must therefore be safe to run twice, which each
//! method's is: it reads what it needs inside the transaction and keeps nothing from a failed run.
//!
//! The SQL also suits Postgres-compatible distributed engines (CockroachDB, YugabyteDB): no
//! advisory locks, no LISTEN/NOTIFY, no `SELECT ... FOR UPDATE` needed for correctness; random
//! text ids; conditional updates whose row counts say whether they won. The one exception is sync's
//! writes (`sync`, `PostgresDb::write_locked`): READ COMMITTED behind the member's row lock, so a
//! member's concurrent ops queue on that row instead of aborting each other.

mod devices;
mod members;
mod migrations;
mod retry;
mod sessions;
mod sync;
mod tenancy;
mod views;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use deadpool_postgres::{
    Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime, Transaction,
};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, NoTls, Row};

use super::DbError;
use crate::random;

/// How long a request waits for a free pooled connection, and how long opening or checking one
/// may take, before it fails with a 500. A database that cannot answer within seconds is down or
/// overloaded; failing lets the client retry later instead of piling up waiting requests.
const POOL_TIMEOUT: Duration = Duration::from_secs(5);

pub use migrations::LATEST as SCHEMA_VERSION;

/// The PostgreSQL database.
pub struct PostgresDb {
    pool: Pool,
}

/// The future a transaction's body returns: boxed, because its type borrows the transaction.
type TxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DbError>> + Send + 'a>>;

/// Parameters of one statement.
type Params<'a> = [&'a (dyn ToSql + Sync)];

impl PostgresDb {
    /// Makes a pool of at most `pool_size` connections to `config` and migrates the schema (which
    /// also checks that the database answers).
    pub async fn connect(
        config: tokio_postgres::Config,
        pool_size: usize,
    ) -> Result<Self, DbError> {
        Self::connect_at_version(config, pool_size, migrations::LATEST).await
    }

    /// `connect`, migrating only up to schema version `version`: what an older server would
    /// have left. For the migration tests; a server always uses `connect`.
    #[doc(hidden)]
    pub async fn connect_at_version(
        mut config: tokio_postgres::Config,
        pool_size: usize,
        version: i64,
    ) -> Result<Self, DbError> {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(POOL_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            // Names the server's sessions in `pg_stat_activity`.
            config.application_name("alyze-server");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // Fast: a connection goes back into use without a test query. A broken one fails
                // its next statement, which fails that request (never retried: whether a commit
                // happened is unknown) and the pool drops it.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_TIMEOUT))
            .create_timeout(Some(POOL_TIMEOUT))
            .recycle_timeout(Some(POOL_TIMEOUT))
            .build()
            .map_err(|e| DbError::Pool(e.to_string()))?;
        let db = Self { pool };
        migrations::migrate_to(&db, version).await?;
        Ok(db)
    }

    /// Runs `body` in a SERIALIZABLE read-write transaction, retried on serialization failures.
    async fn write<T, F>(&self, body: F) -> Result<T, DbError>
    where
        F: for<'a> FnMut(&'a Transaction<'a>) -> TxFuture<'a, T>,
    {
        self.transaction(false, IsolationLevel::Serializable, body)
            .await
    }

    /// Runs `body` in a READ COMMITTED read-write transaction, retried like `write`. For the sync
    /// writes, whose first statement takes the member's row lock (`SELECT ... FOR NO KEY
    /// UPDATE`): every later statement then sees what the member's previous change committed, so
    /// a member's changes apply one after the other instead of aborting each other as
    /// serialization failures, as they would at SERIALIZABLE on that one hot row. (Engines
    /// without READ COMMITTED run it as SERIALIZABLE, and the retries cover the aborts.)
    async fn write_locked<T, F>(&self, body: F) -> Result<T, DbError>
    where
        F: for<'a> FnMut(&'a Transaction<'a>) -> TxFuture<'a, T>,
    {
        self.transaction(false, IsolationLevel::ReadCommitted, body)
            .await
    }

    /// Runs `body` in a SERIALIZABLE read-only transaction (one consistent snapshot), retried
    /// like a write: distributed engines may abort reads too.
    async fn read<T, F>(&self, body: F) -> Result<T, DbError>
    where
        F: for<'a> FnMut(&'a Transaction<'a>) -> TxFuture<'a, T>,
    {
        self.transaction(true, IsolationLevel::Serializable, body)
            .await
    }

    /// The one place that begins, commits and retries transactions.
    async fn transaction<T, F>(
        &self,
        read_only: bool,
        isolation: IsolationLevel,
        mut body: F,
    ) -> Result<T, DbError>
    where
        F: for<'a> FnMut(&'a Transaction<'a>) -> TxFuture<'a, T>,
    {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let mut attempt = 1;
        loop {
            let outcome = async {
                let tx = client
                    .build_transaction()
                    .isolation_level(isolation)
                    .read_only(read_only)
                    .start()
                    .await?;
                match body(&tx).await {
                    // The commit can fail with a serialization failure too: retried alike.
                    Ok(value) => tx.commit().await.map(|()| value).map_err(DbError::from),
                    Err(e) => {
                        // Best effort: if the rollback fails the connection is broken, and the
                        // error that matters is the body's.
                        let _ = tx.rollback().await;
                        Err(e)
                    }
                }
            }
            .await;
            let e = match outcome {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            let jitter = random::bytes::<2>().map(u16::from_le_bytes).unwrap_or(0);
            match retry::delay_after(attempt, sqlstate(&e), jitter) {
                Some(delay) => {
                    tracing::debug!(
                        attempt,
                        ?delay,
                        "transaction aborted by a conflict; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => return Err(e),
            }
        }
    }
}

/// The SQLSTATE of a database error, if the database sent one.
fn sqlstate(e: &DbError) -> Option<&SqlState> {
    match e {
        DbError::Postgres(e) => e.code(),
        _ => None,
    }
}

fn pool_error(e: PoolError) -> DbError {
    match e {
        PoolError::Backend(e) => DbError::Postgres(e),
        other => DbError::Pool(other.to_string()),
    }
}

/// A statement through the connection's statement cache: prepared once per connection.
async fn execute(tx: &Transaction<'_>, sql: &str, params: &Params<'_>) -> Result<u64, DbError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.execute(&statement, params).await?)
}

/// At most one row of a cached statement.
async fn query_opt(
    tx: &Transaction<'_>,
    sql: &str,
    params: &Params<'_>,
) -> Result<Option<Row>, DbError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query_opt(&statement, params).await?)
}

/// Every row of a cached statement.
async fn query(tx: &Transaction<'_>, sql: &str, params: &Params<'_>) -> Result<Vec<Row>, DbError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query(&statement, params).await?)
}

/// Maps a failed insert to `Conflict` when a unique constraint refused it.
fn conflict_or(e: DbError, what: &'static str) -> DbError {
    match sqlstate(&e) {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => DbError::Conflict(what),
        _ => e,
    }
}

/// An error as it may be shown in a log line: the SQLSTATE and the server's message, without the
/// DETAIL and HINT lines, which can quote the values of a row (an e-mail address, a hash). Other
/// errors (connecting, I/O, authentication) with their causes, which the operator needs ("connection
/// refused") and which quote no values.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_database_errors_are_never_retried() {
        let e = DbError::NotFound("clinic");
        assert!(sqlstate(&e).is_none());
        assert_eq!(conflict_or(e, "x").to_string(), "clinic not found");
    }
}
