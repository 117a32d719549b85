//! The SQLite backend: one file in the data dir, WAL, one writer connection behind a mutex and one
//! read-only connection beside it (WAL lets it read while the writer writes). rusqlite is
//! synchronous, so every call runs on tokio's blocking pool (`spawn_blocking`); the writer mutex
//! makes writes one at a time, which is also what SQLite itself allows.
//!
//! The SQL sticks to what PostgreSQL (and Postgres-compatible distributed engines) also accept:
//! `ON CONFLICT`, no `INSERT OR ...`, no `ROWID` tricks; conditional updates check the rows they
//! changed instead of relying on the writer lock.

mod members;
mod migrations;
mod sessions;
mod sync;
mod tenancy;
mod views;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::DbError;

/// The database file's name inside the data dir.
pub const FILE_NAME: &str = "alyze-server.sqlite3";

/// How long a connection waits for another process's lock (an admin subcommand run beside a
/// serving server) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite database.
pub struct SqliteDb {
    writer: Arc<Mutex<Connection>>,
    reader: Arc<Mutex<Connection>>,
}

impl SqliteDb {
    /// Opens `data_dir/alyze-server.sqlite3`, creating the folder (owner-only on Unix: it holds
    /// health data) and the file, and migrates the schema.
    pub fn open_in(data_dir: &Path) -> Result<Self, DbError> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(FILE_NAME);
        let mut writer = Connection::open(&path)?;
        configure(&writer)?;
        // WAL is a property of the file: set once by the writer, kept by every later open.
        writer.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit the server has answered survives a power loss (health data: nothing may
        // be lost); NORMAL, cheaper in WAL mode, may lose the last commits.
        writer.pragma_update(None, "synchronous", "FULL")?;
        migrations::migrate(&mut writer)?;
        let reader = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&reader)?;
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
        })
    }

    /// Runs `f` with the writer connection on the blocking pool.
    async fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        run_blocking(Arc::clone(&self.writer), f).await
    }

    /// Runs `f` with the read-only connection on the blocking pool.
    async fn read<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        run_blocking(Arc::clone(&self.reader), f).await
    }
}

/// A write transaction that takes the write lock at once. A deferred one (rusqlite's default)
/// takes it at its first write, and when another connection to the file (an admin subcommand
/// beside the running server, or the server beside it) committed in between, SQLite answers
/// `SQLITE_BUSY` at once instead of waiting out the busy timeout.
pub(super) fn immediate(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>, DbError> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

async fn run_blocking<T, F>(conn: Arc<Mutex<Connection>>, f: F) -> Result<T, DbError>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        // A panic while holding the lock cannot leave a transaction open (rusqlite rolls back a
        // dropped `Transaction`), so a poisoned lock is still a usable connection.
        let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut conn)
    })
    .await
    .map_err(|_| DbError::Task)?
}

fn configure(conn: &Connection) -> Result<(), DbError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<(), DbError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    Ok(())
}

/// Maps a failed insert to `Conflict` when a unique constraint refused it.
fn conflict_or(e: rusqlite::Error, what: &'static str) -> DbError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            DbError::Conflict(what)
        }
        _ => DbError::Sqlite(e),
    }
}
