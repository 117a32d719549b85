//! The schema, its version and the migrations that bring an older file up to date.
//!
//! The version lives in SQLite's `PRAGMA user_version` (0 in a new, empty file). [`MIGRATIONS`] is
//! ordered: entry `i` takes a file from version `i` to `i + 1`. Each runs in its own transaction
//! together with the `user_version` update (the pragma is part of the file header and so commits or
//! rolls back with the transaction), so a crash mid-upgrade leaves the file at the last complete
//! version and the next open carries on from there. A migration is never edited once released:
//! a change is a new entry, and `upgrades_every_earlier_version` creates a file at each earlier
//! version and upgrades it.
//!
//! A file newer than the code is refused rather than opened: an older app writing into a schema it
//! does not know could lose or corrupt the newer app's data (an app downgrade, or a backup restored
//! onto an older install).
//!
//! # Schema version 1
//!
//! - `source`: provenance, deduplicated. `identity` is the source's stable identity, the same text
//!   the content key uses (name, bundle id, version, device without Apple's memory address; not
//!   the device kind, which importers may infer better later, so the first kind recorded is kept).
//!   `has_device` tells "no device" from "a device with nothing known about it", as the key does.
//! - `quantity_sample`: one row per sample. `id` is the platform id (HealthKit UUID, Health Connect
//!   record id; `from_platform` = 1) or, for rows without one (Apple's export), a UUIDv5 of
//!   [`crate::health::QuantitySample::content_key`] (`from_platform` = 0). `stream` names the
//!   platform stream that last delivered the row (what a full re-read sweeps). `kind` is the stored
//!   code of the kind (see `quantity.rs`), `value` is in the kind's canonical unit. Instants are UTC
//!   nanoseconds since 1970 (`*_ns`, the precision of the content key) with the member's offset in
//!   seconds (`*_offset_s`) and IANA zone (`*_zone`) when known. `deleted_at_ms` is NULL for a live
//!   row and the tombstone's time (UTC ms) once the platform deleted it: rows are kept so that sync
//!   can carry the deletion and a replayed batch cannot bring them back.
//! - `sync_anchor`: per platform stream (`healthkit:<type>`, a Health Connect changes token's
//!   name...), the opaque anchor or changes token the platform gave, and when it was saved. It is
//!   written in the transaction of the batch it covers.

use rusqlite::{Connection, Transaction};

use super::error::{Result, StoreError};

/// The ordered migrations; entry `i` upgrades version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1];

/// The schema version this code writes and reads.
pub(crate) const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Version 0 (empty) to 1: sources, quantity samples and sync anchors.
const V1: &str = "
CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bundle_id TEXT,
    version TEXT,
    has_device INTEGER NOT NULL CHECK (has_device IN (0, 1)),
    device_name TEXT,
    device_manufacturer TEXT,
    device_model TEXT,
    device_hardware_version TEXT,
    device_firmware_version TEXT,
    device_software_version TEXT,
    device_kind TEXT
) STRICT;

CREATE TABLE quantity_sample (
    id TEXT PRIMARY KEY NOT NULL,
    from_platform INTEGER NOT NULL CHECK (from_platform IN (0, 1)),
    stream TEXT NOT NULL,
    kind TEXT NOT NULL,
    value REAL NOT NULL,
    start_ns INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    start_zone TEXT,
    end_ns INTEGER NOT NULL CHECK (end_ns >= start_ns),
    end_offset_s INTEGER NOT NULL,
    end_zone TEXT,
    source_id INTEGER NOT NULL REFERENCES source (id),
    deleted_at_ms INTEGER
) STRICT;

-- Reads ask for live samples of one kind by time.
CREATE INDEX quantity_sample_live_by_kind
    ON quantity_sample (kind, start_ns) WHERE deleted_at_ms IS NULL;
-- A sweep looks at the live rows of one stream in a time range.
CREATE INDEX quantity_sample_live_by_stream
    ON quantity_sample (stream, start_ns) WHERE deleted_at_ms IS NULL;

CREATE TABLE sync_anchor (
    stream TEXT PRIMARY KEY NOT NULL,
    anchor BLOB NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;
";

/// The file's schema version.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| StoreError::sqlite("reading the schema version", &e))
}

/// Brings the file up to [`CURRENT_VERSION`], or refuses a file newer than the code.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, CURRENT_VERSION)
}

/// The file's schema version, refused when negative or newer than the code.
pub(crate) fn checked_version(conn: &Connection) -> Result<i64> {
    let found = version(conn)?;
    if found < 0 {
        return Err(StoreError::InvalidVersion { found });
    }
    if found > CURRENT_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: CURRENT_VERSION,
        });
    }
    Ok(found)
}

/// Applies the migrations from the file's version up to `target`, one transaction each.
fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let found = checked_version(conn)?;
    for (next, sql) in (1_i64..).zip(MIGRATIONS) {
        if next <= found {
            continue;
        }
        if next > target {
            break;
        }
        let tx = conn
            .transaction()
            .map_err(|e| StoreError::sqlite("starting a migration", &e))?;
        apply(&tx, sql, next)?;
        tx.commit()
            .map_err(|e| StoreError::sqlite("committing a migration", &e))?;
    }
    Ok(())
}

/// Runs one migration script and records its version, inside `tx`.
fn apply(tx: &Transaction<'_>, sql: &str, version: i64) -> Result<()> {
    tx.execute_batch(sql)
        .map_err(|e| StoreError::sqlite("migrating the schema", &e))?;
    tx.pragma_update(None, "user_version", version)
        .map_err(|e| StoreError::sqlite("recording the schema version", &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut statement = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .expect("prepares");
        statement
            .query_map([], |row| row.get(0))
            .expect("queries")
            .collect::<Result<_, _>>()
            .expect("reads")
    }

    #[test]
    fn a_new_file_gets_the_current_schema() {
        let mut conn = Connection::open_in_memory().expect("opens");
        assert_eq!(version(&conn).expect("reads"), 0);
        migrate(&mut conn).expect("migrates");
        assert_eq!(version(&conn).expect("reads"), CURRENT_VERSION);
        assert_eq!(
            tables(&conn),
            ["quantity_sample", "source", "sync_anchor"].map(String::from)
        );
        // Migrating an up-to-date file does nothing.
        migrate(&mut conn).expect("migrates again");
        assert_eq!(version(&conn).expect("reads"), CURRENT_VERSION);
    }

    #[test]
    fn upgrades_every_earlier_version() {
        for old in 0..CURRENT_VERSION {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("old.db");
            {
                let mut conn = Connection::open(&path).expect("opens");
                migrate_to(&mut conn, old).expect("builds the old version");
                assert_eq!(version(&conn).expect("reads"), old);
            }
            let store = Store::open(&path).expect("upgrades");
            assert_eq!(
                version(&store.conn).expect("reads"),
                CURRENT_VERSION,
                "from {old}"
            );
            assert_eq!(
                tables(&store.conn),
                ["quantity_sample", "source", "sync_anchor"].map(String::from)
            );
        }
    }

    #[test]
    fn a_newer_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("newer.db");
        {
            let conn = Connection::open(&path).expect("opens");
            conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
                .expect("sets");
        }
        let error = Store::open(&path).map(|_| ()).expect_err("refused");
        assert_eq!(
            error,
            StoreError::TooNew {
                found: CURRENT_VERSION + 1,
                supported: CURRENT_VERSION
            }
        );
        assert!(error.to_string().contains("update the app"));
        let conn = Connection::open(&path).expect("opens");
        assert_eq!(version(&conn).expect("reads"), CURRENT_VERSION + 1);
        assert!(tables(&conn).is_empty());
    }

    #[test]
    fn a_negative_version_is_refused() {
        let mut conn = Connection::open_in_memory().expect("opens");
        conn.pragma_update(None, "user_version", -3).expect("sets");
        assert_eq!(
            migrate(&mut conn),
            Err(StoreError::InvalidVersion { found: -3 })
        );
    }

    #[test]
    fn a_failed_migration_leaves_the_previous_version() {
        // A migration that fails part-way must leave neither its tables nor its version.
        let mut conn = Connection::open_in_memory().expect("opens");
        let tx = conn.transaction().expect("begins");
        let failed = apply(&tx, "CREATE TABLE half (x); SELECT * FROM missing;", 1);
        assert!(matches!(failed, Err(StoreError::Sqlite { .. })));
        drop(tx);
        assert_eq!(version(&conn).expect("reads"), 0);
        assert!(tables(&conn).is_empty());
    }
}
