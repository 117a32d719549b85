//! The frame both ingest paths share (quantity samples and every other record kind).
//!
//! One write transaction holds the whole batch: each record's outcome is counted in an
//! [`IngestReport`], then the batch's deletions become tombstones, then the anchor is saved, then
//! the transaction commits. Any database failure returns before the commit, so the batch, its
//! deletions and its anchor are stored together or not at all.

use std::collections::HashSet;

use chrono::Utc;
use rusqlite::Transaction;

use super::error::{Result, SkipReason};
use super::quantity::commit;
use super::source::SourceCache;
use super::{Store, anchor};

/// What one [`Store::ingest_quantities`] or [`Store::ingest`] call did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestReport {
    /// Records stored for the first time.
    pub inserted: usize,
    /// Records already stored with other content, now replaced (an edited record), or for a
    /// check-in given a new revision.
    pub updated: usize,
    /// Records already stored as they are, or already deleted: nothing changed.
    pub duplicates: usize,
    /// Stored live records that the batch's deletions turned into tombstones.
    pub deleted: usize,
    /// Records not stored: their position in the batch and why.
    pub skipped: Vec<(usize, SkipReason)>,
}

/// What storing one valid record did.
pub(crate) enum Outcome {
    /// Stored for the first time.
    Inserted,
    /// Replaced other content under the same id (or, for a check-in, added a revision).
    Updated,
    /// Already stored as it is, or already deleted.
    Duplicate,
}

impl Store {
    /// Runs one batch (module doc). `store_one` stores one record in the transaction and says
    /// what it did, or why the record was skipped; `tombstone` turns one id into a tombstone at
    /// the given time (UTC ms) and says whether it did.
    pub(super) fn ingest_batch<T>(
        &mut self,
        stream: &str,
        items: &[T],
        deleted_ids: &[String],
        anchor: Option<&[u8]>,
        mut store_one: impl FnMut(
            &Transaction<'_>,
            &T,
            &mut SourceCache,
        ) -> Result<Result<Outcome, SkipReason>>,
        tombstone: impl Fn(&Transaction<'_>, &str, i64) -> Result<usize>,
    ) -> Result<IngestReport> {
        let tx = self.write_transaction()?;
        let mut report = IngestReport::default();
        let mut sources = SourceCache::new();
        for (index, item) in items.iter().enumerate() {
            match store_one(&tx, item, &mut sources)? {
                Ok(Outcome::Inserted) => report.inserted += 1,
                Ok(Outcome::Updated) => report.updated += 1,
                Ok(Outcome::Duplicate) => report.duplicates += 1,
                Err(reason) => report.skipped.push((index, reason)),
            }
        }
        let now_ms = Utc::now().timestamp_millis();
        for id in deleted_ids {
            report.deleted += tombstone(&tx, id, now_ms)?;
        }
        if let Some(anchor) = anchor {
            anchor::save(&tx, stream, anchor)?;
        }
        commit(tx)?;
        Ok(report)
    }

    /// Ends a full re-read of `stream` (see `quantity.rs`): of the live rows `candidates` lists,
    /// those whose id is not in `seen_ids` become tombstones, and `anchor`, when given, is saved in
    /// the same transaction. Returns how many rows were swept.
    pub(super) fn sweep_stream(
        &mut self,
        stream: &str,
        seen_ids: &[String],
        anchor: Option<&[u8]>,
        candidates: impl FnOnce(&Transaction<'_>) -> Result<Vec<String>>,
        tombstone: impl Fn(&Transaction<'_>, &str, i64) -> Result<usize>,
    ) -> Result<usize> {
        let seen: HashSet<&str> = seen_ids.iter().map(String::as_str).collect();
        let tx = self.write_transaction()?;
        let now_ms = Utc::now().timestamp_millis();
        let mut swept = 0;
        for id in candidates(&tx)?
            .iter()
            .filter(|id| !seen.contains(id.as_str()))
        {
            swept += tombstone(&tx, id, now_ms)?;
        }
        if let Some(anchor) = anchor {
            anchor::save(&tx, stream, anchor)?;
        }
        commit(tx)?;
        Ok(swept)
    }
}
