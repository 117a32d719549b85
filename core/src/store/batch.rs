//! The frame both ingest paths share (quantity samples and every other record kind).
//!
//! One write transaction holds the whole batch ([`OpenBatch`]): each record's outcome is counted in
//! an [`IngestReport`] (the records may come in several slices, so that a bulk import can hand the
//! store a large transaction without holding all of it in memory), then the batch's deletions
//! become tombstones (the deletion of an id not stored is remembered, `pending.rs`), then the
//! anchor is saved, then the transaction commits. Any database failure returns before the commit,
//! so the batch, its deletions and its anchor are stored together or not at all.

use std::collections::HashSet;

use chrono::Utc;
use rusqlite::Transaction;

use super::error::{Result, SkipReason};
use super::pending::{self, Pending};
use super::quantity::{commit, platform_key};
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
    /// Records already stored as they are, or already deleted: nothing changed. This includes a
    /// record whose deletion arrived in an earlier batch, before the record itself: it is stored
    /// as a tombstone, so that sync can carry the deletion, and counts here, as the same record
    /// delivered after its deletion would.
    pub duplicates: usize,
    /// Stored live records that the batch's deletions turned into tombstones. A deletion of an id
    /// not stored counts nothing here; it is remembered and applied when the id arrives.
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

/// What a batch's deletion of one id found.
pub(super) enum Deletion {
    /// A live record, now a tombstone.
    Deleted,
    /// A tombstone: a replayed deletion, nothing to do.
    AlreadyDeleted,
    /// Nothing stored under the id: the deletion is remembered (`pending.rs`).
    Unknown,
}

/// A batch being written: its open transaction, what its records did so far, and the sources
/// looked up in it. Records are added in one or more slices ([`OpenBatch::add`]); dropped without
/// [`OpenBatch::finish`], the transaction rolls back and nothing of the batch is stored.
pub(super) struct OpenBatch<'s> {
    tx: Transaction<'s>,
    report: IngestReport,
    sources: SourceCache,
    /// Records added so far, so the position in the batch of the next one.
    added: usize,
}

impl<'s> OpenBatch<'s> {
    /// Stores each of `items` with `store_one`, counting what it did; a skip is reported at the
    /// record's position in the whole batch. `prepare` makes, once for the slice, what
    /// `store_one` needs of the transaction (at least the transaction itself; a kind with many
    /// rows also its prepared statements, so that no row pays for the statement cache).
    pub(super) fn add<'t, T, S>(
        &'t mut self,
        items: &[T],
        prepare: impl FnOnce(&'t Transaction<'s>) -> Result<S>,
        mut store_one: impl FnMut(&mut S, &T, &mut SourceCache) -> Result<Result<Outcome, SkipReason>>,
    ) -> Result<()> {
        let Self {
            tx,
            report,
            sources,
            added,
        } = self;
        let mut state = prepare(tx)?;
        for item in items {
            match store_one(&mut state, item, sources)? {
                Ok(Outcome::Inserted) => report.inserted += 1,
                Ok(Outcome::Updated) => report.updated += 1,
                Ok(Outcome::Duplicate) => report.duplicates += 1,
                Err(reason) => report.skipped.push((*added, reason)),
            }
            *added += 1;
        }
        Ok(())
    }

    /// The batch's transaction, its report, its source cache and the count of records added, for
    /// a kind that stores a slice its own way (quantity samples, several to a statement) and
    /// counts each record in the report and the count as [`OpenBatch::add`] does.
    pub(super) fn parts(
        &mut self,
    ) -> (
        &Transaction<'s>,
        &mut IngestReport,
        &mut SourceCache,
        &mut usize,
    ) {
        (
            &self.tx,
            &mut self.report,
            &mut self.sources,
            &mut self.added,
        )
    }

    /// Records added so far.
    pub(super) fn len(&self) -> usize {
        self.added
    }

    /// The pending deletions of ingest path `kind` (`pending.rs`). Read once per batch: entries
    /// are added only by [`OpenBatch::finish`], so what is read holds until then.
    pub(super) fn pending_deletions(&self, kind: &str) -> Result<Pending> {
        Pending::load(&self.tx, kind)
    }

    /// Ends the batch (module doc): its deletions become tombstones, `delete` turning one id into
    /// a tombstone at the given time (UTC ms) and saying what it found; the deletion of an id not
    /// stored is remembered as a pending deletion of path `kind`; the anchor is saved; the
    /// transaction commits.
    pub(super) fn finish(
        self,
        kind: &str,
        stream: &str,
        deleted_ids: &[String],
        anchor: Option<&[u8]>,
        delete: impl Fn(&Transaction<'_>, &str, i64) -> Result<Deletion>,
    ) -> Result<IngestReport> {
        let Self { tx, mut report, .. } = self;
        let now_ms = Utc::now().timestamp_millis();
        for id in deleted_ids {
            match delete(&tx, id, now_ms)? {
                Deletion::Deleted => report.deleted += 1,
                Deletion::AlreadyDeleted => {}
                Deletion::Unknown => {
                    pending::remember(&tx, kind, &platform_key(id), stream, now_ms)?;
                }
            }
        }
        if !deleted_ids.is_empty() {
            // Only a batch with deletions adds entries, so only such a batch drops old ones.
            pending::prune(&tx, now_ms)?;
        }
        if let Some(anchor) = anchor {
            anchor::save(&tx, stream, anchor)?;
        }
        commit(tx)?;
        Ok(report)
    }
}

impl Store {
    /// Starts a batch (module doc).
    pub(super) fn open_batch(&mut self) -> Result<OpenBatch<'_>> {
        Ok(OpenBatch {
            tx: self.write_transaction()?,
            report: IngestReport::default(),
            sources: SourceCache::new(),
            added: 0,
        })
    }

    /// Ends a full re-read of `stream` (see `quantity.rs`): of the live rows `candidates` lists
    /// (each by its id and the handle `tombstone` takes), those whose id is not in `seen_ids`
    /// become tombstones, and `anchor`, when given, is saved in the same transaction. Returns how
    /// many rows were swept.
    pub(super) fn sweep_stream<H>(
        &mut self,
        stream: &str,
        seen_ids: &[String],
        anchor: Option<&[u8]>,
        candidates: impl FnOnce(&Transaction<'_>) -> Result<Vec<(String, H)>>,
        tombstone: impl Fn(&Transaction<'_>, &H, i64) -> Result<usize>,
    ) -> Result<usize> {
        let seen: HashSet<&str> = seen_ids.iter().map(String::as_str).collect();
        let tx = self.write_transaction()?;
        let now_ms = Utc::now().timestamp_millis();
        let mut swept = 0;
        for (_, handle) in candidates(&tx)?
            .iter()
            .filter(|(id, _)| !seen.contains(id.as_str()))
        {
            swept += tombstone(&tx, handle, now_ms)?;
        }
        if let Some(anchor) = anchor {
            anchor::save(&tx, stream, anchor)?;
        }
        commit(tx)?;
        Ok(swept)
    }
}
