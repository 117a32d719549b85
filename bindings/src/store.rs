//! The member's on-device store across the FFI: [`AlyzeStore`], one object per database file.
//!
//! Every method is one coarse call: a whole platform batch in (with its deletions and the anchor
//! that follows it, stored in one transaction by the core), summaries or a report out. The core's
//! [`Store`] takes `&mut self` to write, so the object holds it behind a mutex; the shells call it
//! off the main thread (a batch of thousands of samples or an export import takes a while) and
//! calls from several threads simply queue.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use alyze_core::apple_export::{Flow, import_export};
use alyze_core::health::{HeartbeatSeries, SleepSession, Source, Workout};
use alyze_core::store::{Record, Store};
use alyze_core::summary::{SummarySettings, daily_summaries};
use chrono::{DateTime, NaiveDate, Utc};

use crate::AlyzeError;
use crate::heartbeat::FfiHeartbeatSeries;
use crate::import::{FfiImportReport, ImportListener};
use crate::samples::{Converted, FfiQuantitySample, IngestReport, IntoCore};
use crate::series::{ConvertedSeries, FfiQuantitySeries};
use crate::sleep::FfiSleepSession;
use crate::summary::FfiDailySummary;
use crate::workout::FfiWorkout;

/// The member's health data in one SQLite file.
#[derive(Debug, uniffi::Object)]
pub struct AlyzeStore {
    store: Mutex<Store>,
}

#[uniffi::export]
impl AlyzeStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date. The
    /// shell chooses a protected, non-backed-up location (core `store/mod.rs`, "Protection at
    /// rest").
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>, AlyzeError> {
        let store = Store::open(path)?;
        Ok(Arc::new(Self {
            store: Mutex::new(store),
        }))
    }

    /// Signs the member out of this device's data: erases everything the store holds, in one
    /// transaction, with the freed pages overwritten (core `Store::erase`). The shell checks first
    /// that nothing is waiting to be sent (`sync_backlog`), or asks the member to confirm losing
    /// it; has the server end the login (`end_login`); and then, after this, deletes the saved
    /// credentials (the keychain or keystore entry).
    pub fn sign_out(&self) -> Result<(), AlyzeError> {
        Ok(self.lock().erase()?)
    }

    /// Changes made here that the clinic has not received yet (the sync's outbox and what is
    /// still to be queued).
    pub fn sync_backlog(&self) -> Result<u64, AlyzeError> {
        Ok(self.lock().sync_backlog()?)
    }

    /// Stores one batch of quantity samples from platform stream `stream` (e.g.
    /// `healthkit:heart_rate`), each naming its writer by position in `sources` and its time
    /// zone, if any, by position in `zones` (each listed once per batch), the ids the platform
    /// reports deleted and, when given, the anchor
    /// (HealthKit `HKQueryAnchor` archived, Health Connect changes token) that follows the batch.
    /// Idempotent: a replayed batch counts as duplicates. Invalid samples are skipped with their
    /// position; the call fails only when the database does, and then stores nothing.
    pub fn ingest_quantities(
        &self,
        stream: String,
        sources: Vec<Source>,
        zones: Vec<String>,
        samples: Vec<FfiQuantitySample>,
        deleted_ids: Vec<String>,
        anchor: Option<Vec<u8>>,
    ) -> Result<IngestReport, AlyzeError> {
        let converted = Converted::of(samples, &sources, &zones);
        let report = self.lock().ingest_quantities(
            &stream,
            &converted.records,
            &deleted_ids,
            anchor.as_deref(),
        )?;
        Ok(converted.report(report))
    }

    /// Stores one batch of series from stream `stream` (Health Connect `HeartRateRecord`s: a
    /// record of many samples, edited and deleted as a whole), as [`Self::ingest_quantities`]
    /// does for samples: each sample under an id derived from its record's, an edit replacing the
    /// record's samples, and a deleted id reaching every sample of its record; with the anchor, in
    /// one transaction. A sample skipped is reported at its position counted across the batch's
    /// series; a deletion counts once per record.
    pub fn ingest_quantity_series(
        &self,
        stream: String,
        sources: Vec<Source>,
        zones: Vec<String>,
        series: Vec<FfiQuantitySeries>,
        deleted_ids: Vec<String>,
        anchor: Option<Vec<u8>>,
    ) -> Result<IngestReport, AlyzeError> {
        let converted = ConvertedSeries::of(series, &sources, &zones);
        let report = self.lock().ingest_quantity_series(
            &stream,
            &converted.series,
            &deleted_ids,
            anchor.as_deref(),
        )?;
        Ok(converted.report(report))
    }

    /// Stores one batch of sleep sessions from stream `stream`, as [`Self::ingest_quantities`]
    /// does for samples: with the deleted ids and the anchor, in one transaction; a re-grouped
    /// night under the same id replaces the stored one.
    pub fn ingest_sleep_sessions(
        &self,
        stream: String,
        sources: Vec<Source>,
        zones: Vec<String>,
        sessions: Vec<FfiSleepSession>,
        deleted_ids: Vec<String>,
        anchor: Option<Vec<u8>>,
    ) -> Result<IngestReport, AlyzeError> {
        self.ingest_records::<_, SleepSession>(
            &stream,
            &sources,
            &zones,
            sessions,
            &deleted_ids,
            anchor.as_deref(),
        )
    }

    /// Stores one batch of workouts from stream `stream`, as [`Self::ingest_quantities`] does
    /// for samples: with the deleted ids and the anchor, in one transaction.
    pub fn ingest_workouts(
        &self,
        stream: String,
        sources: Vec<Source>,
        zones: Vec<String>,
        workouts: Vec<FfiWorkout>,
        deleted_ids: Vec<String>,
        anchor: Option<Vec<u8>>,
    ) -> Result<IngestReport, AlyzeError> {
        self.ingest_records::<_, Workout>(
            &stream,
            &sources,
            &zones,
            workouts,
            &deleted_ids,
            anchor.as_deref(),
        )
    }

    /// Stores one batch of heartbeat series from stream `stream`, as [`Self::ingest_quantities`]
    /// does for samples: with the deleted ids and the anchor, in one transaction.
    pub fn ingest_heartbeat_series(
        &self,
        stream: String,
        sources: Vec<Source>,
        zones: Vec<String>,
        series: Vec<FfiHeartbeatSeries>,
        deleted_ids: Vec<String>,
        anchor: Option<Vec<u8>>,
    ) -> Result<IngestReport, AlyzeError> {
        self.ingest_records::<_, HeartbeatSeries>(
            &stream,
            &sources,
            &zones,
            series,
            &deleted_ids,
            anchor.as_deref(),
        )
    }

    /// The anchor last saved for `stream`; `None` when the stream was never read.
    pub fn anchor(&self, stream: String) -> Result<Option<Vec<u8>>, AlyzeError> {
        Ok(self.lock().anchor(&stream)?)
    }

    /// One summary per local day of `from..=to` (`YYYY-MM-DD`), days without data included.
    pub fn daily_summaries(
        &self,
        from: String,
        to: String,
    ) -> Result<Vec<FfiDailySummary>, AlyzeError> {
        let (from, to) = (date("from", &from)?, date("to", &to)?);
        let days = daily_summaries(&self.lock(), from, to, &SummarySettings::default())?;
        Ok(days.into_iter().map(Into::into).collect())
    }

    /// Ends a full re-read of `stream` (a Health Connect changes token that expired, a HealthKit
    /// anchor lost): its live records of `content` whose start lies in `[from_ms, to_ms)` and whose
    /// platform id is not in `seen_ids`, every id the re-read delivered, become tombstones (they
    /// were deleted on the platform while the stream was not followed), and `anchor` is saved in
    /// the same transaction. Read everything first with no anchor, then call this once: a re-read
    /// cut short sweeps nothing and starts again. How many were swept.
    pub fn sweep_stream(
        &self,
        content: StreamContent,
        stream: String,
        seen_ids: Vec<String>,
        from_ms: i64,
        to_ms: i64,
        anchor: Option<Vec<u8>>,
    ) -> Result<u64, AlyzeError> {
        let (from, to) = (instant("from_ms", from_ms)?, instant("to_ms", to_ms)?);
        let anchor = anchor.as_deref();
        let mut store = self.lock();
        let swept = match content {
            StreamContent::Quantities => {
                store.sweep_quantities(&stream, &seen_ids, from, to, anchor)?
            }
            StreamContent::SleepSessions => {
                store.sweep::<SleepSession>(&stream, &seen_ids, from, to, anchor)?
            }
            StreamContent::Workouts => {
                store.sweep::<Workout>(&stream, &seen_ids, from, to, anchor)?
            }
            StreamContent::HeartbeatSeries => {
                store.sweep::<HeartbeatSeries>(&stream, &seen_ids, from, to, anchor)?
            }
        };
        Ok(u64::try_from(swept).unwrap_or(u64::MAX))
    }

    /// Imports the Apple Health export (`export.zip` or `export.xml`) at `path`, reporting
    /// progress to `listener`, which can cancel. Importing the same file again adds nothing new and
    /// finishes a cancelled import.
    pub fn import_apple_export(
        &self,
        path: String,
        listener: Arc<dyn ImportListener>,
    ) -> Result<FfiImportReport, AlyzeError> {
        let report = import_export(&mut self.lock(), Path::new(&path), |progress| {
            if listener.on_progress(progress.bytes_read, progress.total_bytes) {
                Flow::Continue
            } else {
                Flow::Cancel
            }
        })?;
        Ok(report.into())
    }
}

/// What a platform stream holds, for [`AlyzeStore::sweep_stream`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StreamContent {
    /// Quantity samples (`ingest_quantities`).
    Quantities,
    /// Sleep sessions (`ingest_sleep_sessions`).
    SleepSessions,
    /// Workouts (`ingest_workouts`).
    Workouts,
    /// Heartbeat series (`ingest_heartbeat_series`).
    HeartbeatSeries,
}

impl AlyzeStore {
    /// The store's mutex, for a sync run that locks it one step at a time.
    pub(crate) fn store(&self) -> &Mutex<Store> {
        &self.store
    }

    /// The store, also after a panic in another call: every write is one transaction that rolls
    /// back when dropped unfinished, so a poisoned lock still guards a consistent database.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One batch of a record kind through the core's generic ingest: the body of the exported
    /// `ingest_*` methods but [`Self::ingest_quantities`], which has its own core path.
    fn ingest_records<F: IntoCore<Core = K>, K: Record>(
        &self,
        stream: &str,
        sources: &[Source],
        zones: &[String],
        batch: Vec<F>,
        deleted_ids: &[String],
        anchor: Option<&[u8]>,
    ) -> Result<IngestReport, AlyzeError> {
        let converted = Converted::of(batch, sources, zones);
        let report = self
            .lock()
            .ingest::<K>(stream, &converted.records, deleted_ids, anchor)?;
        Ok(converted.report(report))
    }
}

/// An epoch-milliseconds argument `name` as an instant.
pub(crate) fn instant(name: &str, ms: i64) -> Result<DateTime<Utc>, AlyzeError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| AlyzeError::InvalidArgument {
        name: name.to_owned(),
        reason: "not a time the store can hold".to_owned(),
    })
}

/// A `YYYY-MM-DD` date argument.
pub(crate) fn date(name: &str, text: &str) -> Result<NaiveDate, AlyzeError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| AlyzeError::InvalidArgument {
        name: name.to_owned(),
        reason: "not a date of the form YYYY-MM-DD".to_owned(),
    })
}
