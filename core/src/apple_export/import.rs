//! The importer: an Apple Health export (`export.xml` or `export.zip`) into the [`Store`].
//!
//! [`import_export`] streams the file through the parser ([`mod@super::parse`]) and writes what it
//! emits in batches, each one [`Store::ingest_quantities`] or [`Store::ingest`] call, so each one
//! transaction (`store/batch.rs`): an interrupted import keeps every batch it committed and a
//! crash never leaves a half-written batch. What is stored:
//! - quantity samples as the parser emits them;
//! - each HRV record's beat list as a heartbeat series;
//! - sleep samples grouped into sessions per source and night (`import/nights.rs`);
//! - workouts as they are.
//!
//! Everything goes to the stream [`STREAM`] without an anchor: an export has no change list.
//!
//! # Idempotence and resuming
//!
//! Records from the export carry no identifier, so the store gives each one a content-derived id
//! ([`crate::store::quantity_id`], [`crate::store::record_id`]) whose key never includes the
//! `HKDevice` memory address (data brief). Storing a record already stored changes nothing and
//! counts as a duplicate; so re-importing the same export adds nothing, and a newer export (which
//! repeats everything exported before) adds only what is new.
//!
//! That is also how an interrupted import resumes: after a cancel, a failure or a kill, run the
//! import of the same file again from the start. The batches committed before the interruption
//! come back as duplicates, the rest is inserted, and the final state is that of one uninterrupted
//! import. The parser's resume offset is not used to skip ahead: re-reading is cheap (the parse
//! is about a second for a year) next to the certainty of not missing a record. Sleep sessions
//! still open when a parse is cancelled or fails are not written (the re-run writes them whole);
//! those open at the end of a complete, truncated or malformed document are.
//!
//! # Documented drops
//!
//! What is in the export and not stored: records of types the core does not read, correlation
//! children (their top-level copies are stored), activity summaries, records the parser skips
//! ([`ImportReport::parse_skipped`]), records the store refuses ([`ImportReport::store_skipped`]),
//! byte-identical duplicates (counted as duplicates) and sleep samples that repeat one already in
//! their session ([`ImportReport::duplicate_sleep_samples`]).

mod nights;

use std::collections::BTreeMap;
use std::path::Path;

use super::parse::{
    Flow, HrvBeats, Outcome, ParseError, ParseOptions, ParseReport, Progress, Sink, SkipReason,
    SleepSample, parse_path,
};
use crate::health::{HeartbeatSeries, QuantitySample, SleepSession, Workout};
use crate::store::{IngestReport, Record, Store, StoreError};

pub use nights::SESSION_GAP_S;

/// The store stream the export's records are written to.
pub const STREAM: &str = "apple_export";

/// Records per batch (one transaction each): large enough that the commit is a small part of
/// the time and that a page of the (random) id index is written to the log few times over an
/// import, small enough that an interruption loses little work (a fraction of a second).
pub const BATCH_SIZE: usize = 25_000;

/// What happened to the records of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindCounts {
    /// Stored for the first time.
    pub inserted: u64,
    /// Already stored as they are (a re-import, or a duplicate within the export).
    pub duplicates: u64,
    /// Already stored with other content, now replaced (a re-grouped night, a corrected workout).
    pub updated: u64,
    /// Refused by the store's validation.
    pub skipped: u64,
}

impl KindCounts {
    fn add(&mut self, report: &IngestReport, store_skipped: &mut BTreeMap<String, u64>) {
        self.inserted += report.inserted as u64;
        self.duplicates += report.duplicates as u64;
        self.updated += report.updated as u64;
        self.skipped += report.skipped.len() as u64;
        for (_, reason) in &report.skipped {
            // The reason names a field and a bound, never a value (`store/error.rs`).
            *store_skipped.entry(reason.to_string()).or_default() += 1;
        }
    }

    /// Records of this kind handed to the store.
    pub fn total(&self) -> u64 {
        self.inserted + self.duplicates + self.updated + self.skipped
    }
}

/// What an import stored, found and skipped. Holds counts only, never a health value.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// Quantity samples.
    pub quantities: KindCounts,
    /// Heartbeat series (HRV beat lists).
    pub heartbeat_series: KindCounts,
    /// Sleep sessions built from the sleep samples.
    pub sleep_sessions: KindCounts,
    /// Workouts.
    pub workouts: KindCounts,
    /// Sleep samples dropped because their session already held them.
    pub duplicate_sleep_samples: u64,
    /// Records the parser skipped, by reason.
    pub parse_skipped: BTreeMap<SkipReason, u64>,
    /// Records the store refused, by reason (its message, which holds no value).
    pub store_skipped: BTreeMap<String, u64>,
    /// Characters XML forbids, replaced by the parser.
    pub invalid_characters: u64,
    /// How the parse ended: [`Outcome::Complete`], or the import stopped early with what it
    /// committed kept.
    pub outcome: Outcome,
    /// The parser's full report.
    pub parse: ParseReport,
}

/// Why an import stopped. Batches committed before the failure stay; nothing else is touched.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not an export or could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The store failed.
    #[error("storing the export failed: {0}")]
    Store(#[from] StoreError),
}

/// Imports the export at `path` into `store` (module doc). `on_progress` is called about every
/// megabyte parsed; returning [`Flow::Cancel`] stops the import after the current record, with
/// everything parsed so far committed and [`Outcome::Cancelled`] in the report.
pub fn import_export(
    store: &mut Store,
    path: &Path,
    on_progress: impl FnMut(Progress) -> Flow,
) -> Result<ImportReport, ImportError> {
    store.set_bulk_import(true)?;
    let result = import_bulk(store, path, on_progress);
    // Ends the bulk mode (and checkpoints) whatever happened; the import's own error comes first.
    let ended = store.set_bulk_import(false);
    let report = result?;
    ended?;
    Ok(report)
}

/// [`import_export`] with the store in bulk-import mode.
fn import_bulk(
    store: &mut Store,
    path: &Path,
    on_progress: impl FnMut(Progress) -> Flow,
) -> Result<ImportReport, ImportError> {
    let mut sink = Importer {
        store,
        on_progress,
        quantities: Vec::with_capacity(BATCH_SIZE),
        series: Vec::new(),
        sessions: Vec::new(),
        workouts: Vec::new(),
        nights: nights::Nights::default(),
        counts: Counts::default(),
        error: None,
    };
    let parsed = parse_path(path, &mut sink, &ParseOptions::default());
    // The sink stops the parse on a store failure; that failure is the import's error.
    if let Some(error) = sink.error.take() {
        return Err(error.into());
    }
    let parse = match parsed {
        Ok(parse) => parse,
        Err(error) => {
            // Keep the complete records parsed before the failure (their batches are whole).
            sink.flush_all()?;
            return Err(error.into());
        }
    };
    if parse.outcome != Outcome::Cancelled {
        let open = sink.nights.close_all();
        sink.sessions.extend(open);
    }
    sink.flush_all()?;
    let Counts {
        quantities,
        heartbeat_series,
        sleep_sessions,
        workouts,
        store_skipped,
    } = sink.counts;
    Ok(ImportReport {
        quantities,
        heartbeat_series,
        sleep_sessions,
        workouts,
        duplicate_sleep_samples: sink.nights.duplicate_samples,
        parse_skipped: parse.skipped.clone(),
        store_skipped,
        invalid_characters: parse.invalid_characters,
        outcome: parse.outcome,
        parse,
    })
}

#[derive(Debug, Default)]
struct Counts {
    quantities: KindCounts,
    heartbeat_series: KindCounts,
    sleep_sessions: KindCounts,
    workouts: KindCounts,
    store_skipped: BTreeMap<String, u64>,
}

/// The parser's sink: collects records into batches and writes each full batch.
struct Importer<'s, P> {
    store: &'s mut Store,
    on_progress: P,
    quantities: Vec<QuantitySample>,
    series: Vec<HeartbeatSeries>,
    sessions: Vec<SleepSession>,
    workouts: Vec<Workout>,
    nights: nights::Nights,
    counts: Counts,
    /// The store's failure, which stopped the parse.
    error: Option<StoreError>,
}

impl<P> Importer<'_, P> {
    /// Writes every pending batch.
    fn flush_all(&mut self) -> Result<(), StoreError> {
        self.flush_quantities()?;
        flush(
            self.store,
            &mut self.series,
            &mut self.counts.heartbeat_series,
            &mut self.counts.store_skipped,
        )?;
        flush(
            self.store,
            &mut self.sessions,
            &mut self.counts.sleep_sessions,
            &mut self.counts.store_skipped,
        )?;
        flush(
            self.store,
            &mut self.workouts,
            &mut self.counts.workouts,
            &mut self.counts.store_skipped,
        )
    }

    fn flush_quantities(&mut self) -> Result<(), StoreError> {
        if self.quantities.is_empty() {
            return Ok(());
        }
        let report = self
            .store
            .ingest_quantities(STREAM, &self.quantities, &[], None)?;
        self.counts
            .quantities
            .add(&report, &mut self.counts.store_skipped);
        self.quantities.clear();
        Ok(())
    }

    /// Writes the pending batches once one is full; `Cancel` (keeping the error) when the store
    /// fails.
    fn after_push(&mut self) -> Flow {
        let result = if self.quantities.len() >= BATCH_SIZE {
            self.flush_quantities()
        } else if self.series.len() + self.sessions.len() + self.workouts.len() >= BATCH_SIZE {
            // Beat lists are the bulk of these; keep the batch small in bytes too.
            self.flush_all()
        } else {
            Ok(())
        };
        match result {
            Ok(()) => Flow::Continue,
            Err(error) => {
                self.error = Some(error);
                Flow::Cancel
            }
        }
    }
}

/// Writes `pending` as one batch of kind `K` and counts it.
fn flush<K: Record>(
    store: &mut Store,
    pending: &mut Vec<K>,
    counts: &mut KindCounts,
    store_skipped: &mut BTreeMap<String, u64>,
) -> Result<(), StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    let report = store.ingest(STREAM, pending, &[], None)?;
    counts.add(&report, store_skipped);
    pending.clear();
    Ok(())
}

impl<P: FnMut(Progress) -> Flow> Sink for Importer<'_, P> {
    fn quantity(&mut self, sample: QuantitySample) -> Flow {
        self.quantities.push(sample);
        self.after_push()
    }

    fn heartbeats(&mut self, beats: HrvBeats) -> Flow {
        self.series.push(beats.series);
        self.after_push()
    }

    fn sleep(&mut self, sample: SleepSample) -> Flow {
        if let Some(closed) = self.nights.add(sample) {
            self.sessions.push(closed);
        }
        self.after_push()
    }

    fn workout(&mut self, workout: Workout) -> Flow {
        self.workouts.push(workout);
        self.after_push()
    }

    fn progress(&mut self, progress: Progress) -> Flow {
        if self.error.is_some() {
            return Flow::Cancel;
        }
        (self.on_progress)(progress)
    }
}

#[cfg(test)]
mod tests;
