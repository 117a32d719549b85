//! The SQLite backend: one file in the data dir, WAL, one writer connection behind a mutex and one
//! read-only connection beside it (WAL lets it read while the writer writes). rusqlite is
//! synchronous, so every call runs on tokio's blocking pool (`spawn_blocking`); the writer mutex
//! makes writes one at a time, which is also what SQLite itself allows. Pushes, the bulk of the
//! writes, are committed in groups (`sync::PushQueue`): whoever holds the writer applies every push
//! waiting for it in one transaction.
//!
//! The SQL sticks to what PostgreSQL (and Postgres-compatible distributed engines) also accept:
//! `ON CONFLICT`, no `INSERT OR ...`, no `ROWID` tricks; conditional updates check the rows they
//! changed instead of relying on the writer lock.

mod checkpoint;
mod devices;
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
    pushes: sync::PushQueue,
    checkpointer: checkpoint::Checkpointer,
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
        writer.pragma_update(None, "cache_size", -16384)?;
        writer.pragma_update(None, "temp_store", "MEMORY")?;
        migrations::migrate(&mut writer)?;
        // The WAL is copied into the file by `checkpointer`, not inside the writer's commits.
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpointer = checkpoint::Checkpointer::start(&path)?;
        let reader = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&reader)?;
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
            pushes: sync::PushQueue::default(),
            checkpointer,
        })
    }

    /// Runs `f` with the writer connection on the blocking pool.
    async fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        let written = run_blocking(Arc::clone(&self.writer), f).await;
        self.checkpointer.nudge();
        written
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
    tokio::task::spawn_blocking(move || f(&mut lock(&conn)))
        .await
        .map_err(|_| DbError::Task)?
}

/// Locks `mutex`. A panic while holding a connection cannot leave a transaction open (rusqlite
/// rolls back a dropped `Transaction`), and the queue of pushes is only ever taken whole, so a
/// poisoned lock still guards a usable value.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
