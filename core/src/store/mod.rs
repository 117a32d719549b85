//! The on-device store: the member's health data in one SQLite file on the phone.
//!
//! [`Store`] is the entry point (shared brief, "store as entry point"): the shells and the sync
//! client never see SQL or a connection, they call methods that each run in one transaction. The
//! store owns the single writer connection; writes take `&mut self`, so the borrow checker keeps
//! them one at a time, and the bindings wrap the store in a mutex and call it off the main thread.
//! Sync metadata (platform anchors now, the outbox and the server cursor later) lives in the same
//! file as the rows it describes, so "save the rows and the anchor that covers them" is one
//! transaction and a crash can never leave an anchor ahead of its data (data brief, "Live platform
//! data").
//!
//! - `schema.rs`: the tables (documented there), `PRAGMA user_version` and the migrations.
//! - `quantity.rs`: ingest of quantity-sample batches with deletions and the anchor, the
//!   mark-and-sweep after a full re-read, and the read by kind and time.
//! - `batch.rs`: the transaction frame of a batch both ingest paths share.
//! - `pending.rs`: deletions that arrived before what they delete, applied when it arrives.
//! - `ingest.rs`: the one ingest path, ids and range read for every other record kind, each kind
//!   implementing the sealed [`Record`] trait in its own module: `heartbeat.rs` (beats as blobs),
//!   `sleep.rs` (sessions and stage segments; `nights.rs` regroups HealthKit's live sleep samples
//!   into them), `workout.rs` (totals and events), `checkin.rs`
//!   (every revision kept, reads per day), `recovery.rs`, `lab.rs`, `training.rs`; `parts.rs`
//!   holds the timed child rows of sleep and workouts, `code.rs` the stored form of enumerations.
//! - `priority.rs`: the member's source order per metric and the default, Apple Watch first.
//! - `source.rs`: provenance, stored once per distinct source.
//! - `anchor.rs`: the per-stream platform anchors.
//! - `outbox.rs`: sync's side of the store: changes noted by triggers, the outbox of ops with their
//!   op ids, the server's answers and the pull position (`docs/sync.md`).
//! - `clinic_document.rs`: the clinic's prescription and settings for the member, as saved.
//! - `planned.rs`: the training the member plans, which the protocol's planner counts.
//! - `error.rs`: [`StoreError`] and [`SkipReason`]; neither ever carries a health value.
//!
//! # Connection settings
//!
//! - `journal_mode = WAL`: readers do not block the writer nor the writer the readers, and a commit
//!   is one append to the log rather than a rewrite of pages.
//! - `synchronous = NORMAL`: in WAL mode the log is synced only at checkpoints, not at every commit.
//!   That is durable against a crash or kill of the app (the committed log is in the OS's hands);
//!   a power loss or OS crash may lose the last transactions before the checkpoint but never
//!   corrupts the file. Losing the last transaction is harmless here because its anchor is lost
//!   with it: the platform re-delivers the same samples and the ingest is idempotent. `FULL` would
//!   sync on every commit for no gain in that case.
//! - `foreign_keys = ON`: SQLite leaves them off by default; a sample must point at a source.
//! - `cache_size` of 16 MiB (SQLite's default is 2 MiB), an upper bound the cache grows to only
//!   as pages are used: a batch's dirty pages mostly stay in memory until its commit instead of
//!   spilling into the log mid-transaction, and the id index stays cached across batches. Memory
//!   only (an import's peak RSS goes from ~16 to ~42 MB); no effect on what is on disk.
//! - `temp_store = MEMORY`: the temporary b-trees of sorts and of `IN` lists are built in memory
//!   rather than in temporary files. Transient data only; no effect on durability.
//! - `SQLITE_DBCONFIG_ENABLE_QPSG` (the query planner stability guarantee): a prepared statement
//!   keeps its plan whatever values are bound. Without it SQLite re-prepares a cached statement
//!   whenever a bound value could change its plan (it checks whether an equality value might be 0
//!   or 1), which rusqlite's statement cache met on almost every use: a fifth of reading a
//!   member's 180 days of summaries. The plans are the ones the indexes were made for.
//! - `wal_autocheckpoint`: SQLite's default (1000 pages, 4 MiB) except during an export import
//!   ([`Store::set_bulk_import`]), when it is 16384 pages (64 MiB), so a page the import rewrites
//!   batch after batch (the id index is random, UUIDs) is copied into the database file at far
//!   fewer checkpoints, each with one sync less; the import ends with a checkpoint that truncates
//!   the log. Commits are as durable as ever: a committed batch is in the log whether or not it
//!   has been checkpointed, and a crash before the final checkpoint replays the log at the next
//!   open. The cost is a log of up to about 64 MiB on disk during the import.
//! - `busy_timeout` of [`BUSY_TIMEOUT`]: the store is the only writer, but not the only user of the
//!   file (a checkpoint, a read-only connection of an app extension or of a later reader), and
//!   without a timeout SQLite fails at once with `SQLITE_BUSY` instead of waiting a moment.
//!
//! # Protection at rest
//!
//! The decision for the phone, carried out by the shells (the core has no platform code; the shell
//! passes the path to [`Store::open`]):
//! - **iOS**: the file lives in the app's private container (`Application Support/`, not
//!   `Documents/`, which can be exposed through the Files app), with Data Protection class
//!   `NSFileProtectionCompleteUntilFirstUserAuthentication`, set as the app's default data
//!   protection entitlement so that SQLite's `-wal` and `-shm` files, created later, get the same
//!   class. The file is encrypted with a key derived from the passcode and unreadable from boot until
//!   the member first unlocks. The stricter class `Complete` is not used: background delivery
//!   and background sync run while the phone is locked, and a database that becomes unreadable
//!   mid-transaction at lock time would fail those writes.
//! - **Android**: app-private internal storage (`Context.getNoBackupFilesDir()`), which is
//!   credential-encrypted by file-based encryption (mandatory since Android 10) and readable by no
//!   other app; not device-protected storage, so it stays locked until the first unlock, as on iOS.
//! - **Backups**: the file is excluded from iCloud and Android cloud backups (no-backup directory on
//!   Android, `isExcludedFromBackup` on iOS): the copy that survives a lost phone is the clinic
//!   server's, reached through sync, not a cloud backup outside the clinic's control.
//! - **No SQLCipher for now.** The OS already encrypts the file with a key bound to the device
//!   passcode. An application key would have to live in the Keychain or Keystore with the same
//!   "after first unlock" availability, so it would protect against nothing the OS does not: a
//!   locked, lost phone is already covered, and an attacker in the unlocked app's sandbox can read
//!   the key as well as the file. It would cost a second SQLite build linked to a crypto library
//!   on both platforms, slower I/O and a new way to lose all data (a lost key). To revisit if a
//!   clinic's compliance requires application-level encryption.

mod anchor;
mod batch;
mod checkin;
mod clinic_document;
mod code;
mod content_id;
mod error;
mod heartbeat;
mod ingest;
mod lab;
mod nights;
mod outbox;
mod parts;
mod pending;
mod planned;
mod priority;
mod quantity;
mod recovery;
mod schema;
mod series;
mod sleep;
mod source;
mod training;
mod workout;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::config::DbConfig;

pub use batch::IngestReport;
pub use checkin::CHECK_IN_STREAM;
pub use error::{Result, SkipReason, StoreError};
pub use ingest::{CONTENT_ID_NAMESPACE, Record, record_id};
pub use nights::Regrouped;
pub use outbox::{
    OpOutcome, PULLED_STREAM_PREFIX, PullPosition, RejectedOp, SAMPLE_COLLECTION, SyncOp,
};
pub use planned::{MAX_PLANNED_HOURS, PlannedError};
pub use priority::{Metric, SourceRef, is_apple_watch};
pub use quantity::{KeyedSample, QuantityBatch, SourceIdentities, quantity_id};
pub use series::{QuantitySeries, series_sample_id};

/// How long a statement waits for a lock held by another connection before it fails.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The page cache's upper bound, as `PRAGMA cache_size` takes it (negative: KiB); see the module
/// doc.
const CACHE_SIZE_KIB: i64 = -16 * 1024;

/// `PRAGMA wal_autocheckpoint` (in pages) during a bulk import, and SQLite's default outside one;
/// see the module doc.
const BULK_AUTOCHECKPOINT_PAGES: i64 = 16 * 1024;
const DEFAULT_AUTOCHECKPOINT_PAGES: i64 = 1000;

/// The member's on-device database; see the module doc.
#[derive(Debug)]
pub struct Store {
    /// The one connection, used for every read and write.
    conn: Connection,
    /// The member's source order per metric, as read (`priority.rs`): a day's summary asks for it
    /// once per metric and day, and it changes only through [`Store::set_source_priority`], which
    /// clears this.
    priorities: RefCell<HashMap<Metric, Vec<SourceRef>>>,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    ///
    /// Refuses a file written by a newer app ([`StoreError::TooNew`]) and a file system on which
    /// SQLite cannot use write-ahead logging ([`StoreError::NoWal`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let conn =
            Connection::open(path).map_err(|e| StoreError::sqlite("opening the database", &e))?;
        Self::with_connection(conn, "wal")
    }

    /// Opens a fresh database in memory (tests, previews, a CLI run that keeps nothing). SQLite
    /// keeps an in-memory database's journal in memory, so its journal mode is `memory`, not WAL.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()
            .map_err(|e| StoreError::sqlite("opening the database", &e))?;
        Self::with_connection(conn, "memory")
    }

    /// Starts (`true`) or ends (`false`) a bulk import (module doc, `wal_autocheckpoint`): the
    /// log is checkpointed less often during it, and at its end checkpointed and truncated. Only
    /// when checkpoints happen changes; every commit stays as durable as outside a bulk import.
    pub fn set_bulk_import(&mut self, on: bool) -> Result<()> {
        let pages = if on {
            BULK_AUTOCHECKPOINT_PAGES
        } else {
            DEFAULT_AUTOCHECKPOINT_PAGES
        };
        self.conn
            .pragma_update(None, "wal_autocheckpoint", pages)
            .map_err(|e| StoreError::sqlite("setting the checkpoint interval", &e))?;
        if !on {
            // Answers (busy, log pages, checkpointed pages); a busy reader only delays it, and
            // the next automatic checkpoint catches up.
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .map_err(|e| StoreError::sqlite("checkpointing", &e))?;
        }
        Ok(())
    }

    /// Erases everything the store holds, for a sign-out: every table emptied in one transaction
    /// (a crash leaves all of it or none of it), with SQLite's `secure_delete` on so the freed
    /// pages are overwritten with zeros rather than left holding health data, and the log
    /// checkpointed and truncated so no copy stays in it either. The store is then as new: the
    /// next member's first sync binds it to them.
    pub fn erase(&mut self) -> Result<()> {
        let fail = |e: rusqlite::Error| StoreError::sqlite("erasing the store", &e);
        self.conn
            .pragma_update(None, "secure_delete", true)
            .map_err(fail)?;
        let tx = self.write_transaction()?;
        // Foreign keys are checked at the commit, when every table is empty, whatever the order.
        tx.pragma_update(None, "defer_foreign_keys", true)
            .map_err(fail)?;
        let tables: Vec<String> = tx
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .and_then(|mut statement| {
                statement
                    .query_map([], |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()
            })
            .map_err(fail)?;
        for table in &tables {
            tx.execute(&format!("DELETE FROM \"{table}\""), [])
                .map_err(fail)?;
        }
        // The one row the schema keeps (version 8), as a new store has it.
        tx.execute("INSERT INTO sync_state (id, sample_mark) VALUES (1, 0)", [])
            .and_then(|_| tx.commit())
            .map_err(fail)?;
        self.priorities.borrow_mut().clear();
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(fail)?;
        self.conn
            .pragma_update(None, "secure_delete", false)
            .map_err(fail)
    }

    /// Applies the connection settings (module doc) and migrates.
    fn with_connection(mut conn: Connection, journal_mode: &str) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::sqlite("setting the busy timeout", &e))?;
        // Checked before anything writes to the file, so a newer app's file is left untouched.
        schema::checked_version(&conn)?;
        // `journal_mode` answers with the mode in force, which is not WAL where the file system
        // cannot support it.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(|e| StoreError::sqlite("enabling write-ahead logging", &e))?;
        if !mode.eq_ignore_ascii_case(journal_mode) {
            return Err(StoreError::NoWal);
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| StoreError::sqlite("setting synchronous", &e))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(|e| StoreError::sqlite("enabling foreign keys", &e))?;
        conn.pragma_update(None, "cache_size", CACHE_SIZE_KIB)
            .map_err(|e| StoreError::sqlite("setting the cache size", &e))?;
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(|e| StoreError::sqlite("setting the temp store", &e))?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(|e| StoreError::sqlite("fixing query plans", &e))?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            conn,
            priorities: RefCell::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(store: &Store, name: &str) -> String {
        store
            .conn
            .pragma_query_value(None, name, |row| row.get::<_, rusqlite::types::Value>(0))
            .map(|value| match value {
                rusqlite::types::Value::Text(text) => text,
                rusqlite::types::Value::Integer(n) => n.to_string(),
                other => format!("{other:?}"),
            })
            .expect("pragma reads")
    }

    #[test]
    fn a_file_store_uses_wal_normal_foreign_keys_and_a_timeout() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path().join("alyze.db")).expect("opens");
        assert_eq!(pragma(&store, "journal_mode"), "wal");
        // NORMAL is 1 (OFF 0, NORMAL 1, FULL 2, EXTRA 3).
        assert_eq!(pragma(&store, "synchronous"), "1");
        assert_eq!(pragma(&store, "foreign_keys"), "1");
        assert_eq!(pragma(&store, "busy_timeout"), "5000");
    }

    #[test]
    fn a_bulk_import_checkpoints_less_often_until_it_ends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(dir.path().join("alyze.db")).expect("opens");
        assert_eq!(pragma(&store, "cache_size"), "-16384");
        assert_eq!(pragma(&store, "temp_store"), "2");
        assert_eq!(pragma(&store, "wal_autocheckpoint"), "1000");
        store.set_bulk_import(true).expect("starts");
        assert_eq!(pragma(&store, "wal_autocheckpoint"), "16384");
        store.set_bulk_import(false).expect("ends");
        assert_eq!(pragma(&store, "wal_autocheckpoint"), "1000");
    }

    #[test]
    fn an_in_memory_store_opens_with_the_schema() {
        let store = Store::open_in_memory().expect("opens");
        assert_eq!(pragma(&store, "journal_mode"), "memory");
        assert_eq!(pragma(&store, "foreign_keys"), "1");
        assert_eq!(
            schema::version(&store.conn).expect("reads"),
            schema::CURRENT_VERSION
        );
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("garbage.db");
        std::fs::write(&path, [0x5a_u8; 4096]).expect("writes");
        assert!(matches!(Store::open(&path), Err(StoreError::Sqlite { .. })));
    }
}
