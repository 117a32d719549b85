//! The Apple Health export import across the FFI: the listener through which the shell sees
//! progress and can cancel, and the report of counts.
//!
//! The listener is a foreign trait (`with_foreign`): the shell implements it (a progress bar and a
//! cancel button) and the core calls it about every megabyte parsed. Answering `false` cancels;
//! the import then stops after the current record with everything parsed so far committed, and
//! running the same import again later resumes it (core `apple_export/import.rs`).

use alyze_core::apple_export::{ImportReport, KindCounts, Outcome};

/// Progress of an import, and the way to cancel it.
#[uniffi::export(with_foreign)]
pub trait ImportListener: Send + Sync {
    /// Called about every megabyte of `export.xml` parsed, and once at the end (whose answer is
    /// ignored). `bytes_total` is the size of `export.xml` when known. Return `false` to cancel.
    fn on_progress(&self, bytes_done: u64, bytes_total: Option<u64>) -> bool;
}

/// How the parse of an import ended.
#[uniffi::remote(Enum)]
pub enum Outcome {
    /// The whole export was read.
    Complete,
    /// The listener cancelled; what was parsed before is stored.
    Cancelled,
    /// The file ends inside the document (a cut file); every complete record before is stored.
    Truncated,
    /// The XML is broken at byte `at`; records before it are stored.
    Malformed {
        /// Offset in `export.xml` where the reader gave up.
        at: u64,
    },
}

/// What happened to the records of one kind.
#[uniffi::remote(Record)]
pub struct KindCounts {
    /// Stored for the first time.
    pub inserted: u64,
    /// Already stored as they are.
    pub duplicates: u64,
    /// Stored before with other content, now replaced.
    pub updated: u64,
    /// Refused by the store's validation.
    pub skipped: u64,
}

/// What an import stored, found and skipped: counts only.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiImportReport {
    /// How the parse ended.
    pub outcome: Outcome,
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
    /// Records the parser skipped (unreadable or implausible).
    pub parse_skipped: u64,
    /// Records the store refused.
    pub store_skipped: u64,
    /// Bytes of `export.xml` parsed up to the last complete record.
    pub bytes_parsed: u64,
}

impl From<ImportReport> for FfiImportReport {
    fn from(report: ImportReport) -> Self {
        Self {
            outcome: report.outcome,
            quantities: report.quantities,
            heartbeat_series: report.heartbeat_series,
            sleep_sessions: report.sleep_sessions,
            workouts: report.workouts,
            duplicate_sleep_samples: report.duplicate_sleep_samples,
            parse_skipped: report.parse_skipped.values().sum(),
            store_skipped: report.store_skipped.values().sum(),
            bytes_parsed: report.parse.resume_offset,
        }
    }
}
