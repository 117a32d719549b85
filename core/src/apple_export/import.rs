//! The importer: an Apple Health export (`export.xml` or `export.zip`) into the [`Store`].
//!
//! [`import_export`] streams the file through the parser ([`mod@super::parse`]) and writes what it
//! emits in batches, each one [`Store::ingest_quantities`] or [`Store::ingest`] call, so each one
//! transaction (`store/batch.rs`): an interrupted import keeps every batch it committed and a
//! crash never leaves a half-written batch. What is stored:
//! - quantity samples as the parser emits them;
//! - each HRV record's beat list as a heartbeat series;
//! - sleep samples grouped into sessions per source and night (`platform/healthkit/nights.rs`);
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
//! # Two threads
//!
//! The parse runs on the calling thread (which also reports progress and takes the cancel) and the
//! store's writes on a second one, each batch handed over when the writer is done with the one
//! before (`QUEUED_BATCHES`): a phone has the cores, and the import then takes about as long as the
//! slower of the two instead of their sum. The writer is the slower, so what a quantity sample
//! needs before the database (its validation and its content key with the SHA-1 in it,
//! [`KeyedSample`]) is done on the parse thread. The writer stores the batches in the order parsed,
//! one transaction each, as a single thread would; when it fails it stops, the queue closes, and
//! the parse stops at its next record with the store's error as the import's.
//!
//! # Documented drops
//!
//! What is in the export and not stored: records of types the core does not read, correlation
//! children (their top-level copies are stored), activity summaries, records the parser skips
//! ([`ImportReport::parse_skipped`]), records the store refuses ([`ImportReport::store_skipped`]),
//! byte-identical duplicates (counted as duplicates) and sleep samples that repeat one already in
//! their session ([`ImportReport::duplicate_sleep_samples`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender};

use super::parse::{
    Flow, HrvBeats, Outcome, ParseError, ParseOptions, ParseReport, Progress, Sink, SkipReason,
    SleepSample, parse_path,
};
use crate::health::{HeartbeatSeries, QuantitySample, SleepSession, Workout};
use crate::platform::healthkit::nights::Nights;
use crate::store::{IngestReport, KeyedSample, Record, SourceIdentities, Store, StoreError};

pub use crate::platform::healthkit::nights::SESSION_GAP_S;

/// The store stream the export's records are written to.
pub const STREAM: &str = "apple_export";

/// Records per transaction: large enough that the commit is a small part of
/// the time and that a page of the (random) id index is written to the log few times over an
/// import, small enough that an interruption loses little work (a fraction of a second).
pub const BATCH_SIZE: usize = 25_000;

/// Quantity samples the parse hands to the writer at a time (module doc, "Two threads"): small, so
/// that little is held in memory, and large enough that handing over is a small part of the time.
pub const HANDOVER_SIZE: usize = 2_500;

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

/// [`import_export`] with the store in bulk-import mode: the parse on this thread, the writes on
/// another (module doc, "Two threads").
fn import_bulk(
    store: &mut Store,
    path: &Path,
    on_progress: impl FnMut(Progress) -> Flow,
) -> Result<ImportReport, ImportError> {
    let (batches, received) = mpsc::sync_channel(QUEUED_BATCHES);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || write_batches(store, received));
        let mut sink = Importer {
            batches,
            on_progress,
            quantities: Vec::with_capacity(HANDOVER_SIZE),
            identities: SourceIdentities::default(),
            records: Records::default(),
            nights: Nights::default(),
            writer_stopped: false,
        };
        let parsed = parse_path(path, &mut sink, &ParseOptions::default());
        if let Ok(parse) = &parsed
            && parse.outcome != Outcome::Cancelled
        {
            let open = sink.nights.close_all();
            sink.records.sessions.extend(open);
        }
        // Also after a parse failure: the complete records parsed before it are kept.
        sink.flush_all();
        let Importer {
            batches, nights, ..
        } = sink;
        // Closing the queue ends the writer once it has written what is queued.
        drop(batches);
        // A panic in the writer is a bug; it goes on as a panic here, as it would on one thread.
        let counts = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // A store failure stopped the parse (the queue closed under it): it is the import's error.
        let counts = counts?;
        let parse = parsed?;
        let Counts {
            quantities,
            heartbeat_series,
            sleep_sessions,
            workouts,
            store_skipped,
        } = counts;
        Ok(ImportReport {
            quantities,
            heartbeat_series,
            sleep_sessions,
            workouts,
            duplicate_sleep_samples: nights.duplicate_samples,
            parse_skipped: parse.skipped.clone(),
            store_skipped,
            invalid_characters: parse.invalid_characters,
            outcome: parse.outcome,
            parse,
        })
    })
}

/// Slices handed to the writer thread and not yet taken: none, a hand-over waits for the writer to
/// finish the slice before. Parsing and writing still overlap (the next slice fills while one is
/// written), and at most two slices are held in memory.
const QUEUED_BATCHES: usize = 0;

/// What the parse hands to the writer: a slice of a quantity transaction, or a batch of the other
/// records (one transaction).
enum Batch {
    Quantities(Vec<KeyedSample>),
    Records(Records),
}

/// Pending records of the kinds that go through [`Store::ingest`].
#[derive(Default)]
struct Records {
    series: Vec<HeartbeatSeries>,
    sessions: Vec<SleepSession>,
    workouts: Vec<Workout>,
}

impl Records {
    fn len(&self) -> usize {
        self.series.len() + self.sessions.len() + self.workouts.len()
    }
}

#[derive(Debug, Default)]
struct Counts {
    quantities: KindCounts,
    heartbeat_series: KindCounts,
    sleep_sessions: KindCounts,
    workouts: KindCounts,
    store_skipped: BTreeMap<String, u64>,
}

/// The writer thread: stores what arrives, in order, until the queue closes; stops at the first
/// failure (dropping the queue, which stops the parse). Quantity samples arrive in slices of
/// [`HANDOVER_SIZE`] and are stored in transactions of [`BATCH_SIZE`]: a transaction stays open
/// while the next slice is parsed, and is committed when full, when other records come, or at the
/// end.
fn write_batches(store: &mut Store, batches: Receiver<Batch>) -> Result<Counts, StoreError> {
    let mut counts = Counts::default();
    let mut batches = batches.into_iter().peekable();
    while let Some(batch) = batches.next() {
        let skipped = &mut counts.store_skipped;
        match batch {
            Batch::Quantities(samples) => {
                let mut transaction = store.begin_quantities(STREAM)?;
                transaction.add_keyed(&samples)?;
                drop(samples);
                while transaction.len() < BATCH_SIZE {
                    match batches.next_if(|next| matches!(next, Batch::Quantities(_))) {
                        Some(Batch::Quantities(samples)) => transaction.add_keyed(&samples)?,
                        _ => break,
                    }
                }
                let report = transaction.finish(&[], None)?;
                counts.quantities.add(&report, skipped);
            }
            Batch::Records(records) => {
                write(
                    store,
                    &records.series,
                    &mut counts.heartbeat_series,
                    skipped,
                )?;
                write(
                    store,
                    &records.sessions,
                    &mut counts.sleep_sessions,
                    skipped,
                )?;
                write(store, &records.workouts, &mut counts.workouts, skipped)?;
            }
        }
    }
    Ok(counts)
}

/// Writes `records` as one batch of kind `K` and counts it.
fn write<K: Record>(
    store: &mut Store,
    records: &[K],
    counts: &mut KindCounts,
    store_skipped: &mut BTreeMap<String, u64>,
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    let report = store.ingest(STREAM, records, &[], None)?;
    counts.add(&report, store_skipped);
    Ok(())
}

/// The parser's sink: collects records into batches and queues each full batch for the writer.
struct Importer<P> {
    batches: SyncSender<Batch>,
    on_progress: P,
    /// Quantity samples checked and keyed here, on the parse thread (module doc, "Two threads").
    quantities: Vec<KeyedSample>,
    identities: SourceIdentities,
    records: Records,
    nights: Nights,
    /// The writer has stopped (a store failure): the parse must stop too.
    writer_stopped: bool,
}

impl<P> Importer<P> {
    /// Queues every pending batch.
    fn flush_all(&mut self) {
        self.flush_quantities();
        if self.records.len() > 0 {
            let full = std::mem::take(&mut self.records);
            self.send(Batch::Records(full));
        }
    }

    fn flush_quantities(&mut self) {
        if !self.quantities.is_empty() {
            let full = std::mem::replace(&mut self.quantities, Vec::with_capacity(HANDOVER_SIZE));
            self.send(Batch::Quantities(full));
        }
    }

    /// Queues `batch`, waiting while the writer is a batch behind.
    fn send(&mut self, batch: Batch) {
        if !self.writer_stopped && self.batches.send(batch).is_err() {
            self.writer_stopped = true;
        }
    }

    /// Queues the pending batches once one is full; `Cancel` once the writer has stopped.
    fn after_push(&mut self) -> Flow {
        if self.quantities.len() >= HANDOVER_SIZE {
            self.flush_quantities();
        } else if self.records.len() >= BATCH_SIZE {
            // Beat lists are the bulk of these; keep the batch small in bytes too.
            self.flush_all();
        }
        if self.writer_stopped {
            Flow::Cancel
        } else {
            Flow::Continue
        }
    }
}

impl<P: FnMut(Progress) -> Flow> Sink for Importer<P> {
    fn quantity(&mut self, sample: QuantitySample) -> Flow {
        self.quantities
            .push(KeyedSample::new(sample, &mut self.identities));
        self.after_push()
    }

    fn heartbeats(&mut self, beats: HrvBeats) -> Flow {
        self.records.series.push(beats.series);
        self.after_push()
    }

    fn sleep(&mut self, sample: SleepSample) -> Flow {
        if let Some(closed) = self.nights.add(sample.segment, sample.source) {
            self.records.sessions.push(closed);
        }
        self.after_push()
    }

    fn workout(&mut self, workout: Workout) -> Flow {
        self.records.workouts.push(workout);
        self.after_push()
    }

    fn progress(&mut self, progress: Progress) -> Flow {
        if self.writer_stopped {
            return Flow::Cancel;
        }
        (self.on_progress)(progress)
    }
}

#[cfg(test)]
mod tests;
