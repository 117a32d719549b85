//! Platform anchors: where each platform stream's next read starts.
//!
//! HealthKit's `HKQueryAnchor` (archived to bytes) and Health Connect's changes token (a string)
//! are opaque to the core; it stores their bytes per stream. An anchor is written only inside the
//! transaction that stores the samples it covers ([`save`] takes a transaction), so after a crash
//! the anchor is never ahead of the data and the platform re-delivers what was lost.

use chrono::Utc;
use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;
use super::error::{Result, StoreError};

/// Saves `anchor` for `stream` as part of `tx`.
pub(crate) fn save(tx: &Transaction<'_>, stream: &str, anchor: &[u8]) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_anchor (stream, anchor, updated_at_ms) VALUES (?1, ?2, ?3) \
         ON CONFLICT (stream) DO UPDATE SET anchor = excluded.anchor, \
         updated_at_ms = excluded.updated_at_ms",
    )
    .and_then(|mut statement| {
        statement.execute(params![stream, anchor, Utc::now().timestamp_millis()])
    })
    .map_err(|e| StoreError::sqlite("saving the anchor", &e))?;
    Ok(())
}

impl Store {
    /// The anchor last saved for `stream`, or `None` when the stream has never been read (the
    /// shell then starts from the beginning, or takes a fresh Health Connect changes token).
    pub fn anchor(&self, stream: &str) -> Result<Option<Vec<u8>>> {
        self.conn
            .prepare_cached("SELECT anchor FROM sync_anchor WHERE stream = ?1")
            .and_then(|mut statement| statement.query_row([stream], |row| row.get(0)).optional())
            .map_err(|e| StoreError::sqlite("reading the anchor", &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_kept_per_stream_and_replaced() {
        let mut store = Store::open_in_memory().expect("opens");
        assert_eq!(store.anchor("healthkit:heart_rate").expect("reads"), None);
        for (stream, anchor) in [
            ("healthkit:heart_rate", b"one".as_slice()),
            ("healthkit:hrv_sdnn", b"other"),
            ("healthkit:heart_rate", b"two"),
        ] {
            let tx = store.conn.transaction().expect("begins");
            save(&tx, stream, anchor).expect("saves");
            tx.commit().expect("commits");
        }
        assert_eq!(
            store.anchor("healthkit:heart_rate").expect("reads"),
            Some(b"two".to_vec())
        );
        assert_eq!(
            store.anchor("healthkit:hrv_sdnn").expect("reads"),
            Some(b"other".to_vec())
        );
    }
}
