//! The one error type every fallible export returns, and the one place core errors are mapped to it.
//!
//! The variants carry positions and settings, never an RR interval or any other health value: the
//! messages reach logs and crash reports on the phones (see the PII rule in the architecture notes).
//! The core's errors already hold no value (their modules say so); what is copied here from them is
//! their fixed words, field names and bounds. Every `From` below is exhaustive on purpose: a new
//! core error must be given its FFI form here before it compiles.

use alyze_core::apple_export::{ImportError, ParseError};
use alyze_core::health::HealthError;
use alyze_core::hrv::HrvError;
use alyze_core::load::LoadError;
use alyze_core::readiness::{BaselineError, HistoryError, ReadinessError};
use alyze_core::store::StoreError;
use alyze_core::summary::SummaryError;

use crate::hrv::ffi_count;

/// Why a call into the alyze core failed. Swift sees it as a thrown `AlyzeError`, Kotlin as
/// `AlyzeException`, Python as `AlyzeError`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum AlyzeError {
    /// Fewer beats than the analysis needs.
    #[error("too few beats: {found}, at least {needed} are needed")]
    TooFewBeats {
        /// Beats given.
        found: u32,
        /// Beats needed (the `min_beats` setting).
        needed: u32,
    },
    /// An RR interval is NaN or infinite.
    #[error("RR interval #{index} is not a finite number")]
    NonFinite {
        /// Zero-based position of the interval.
        index: u32,
    },
    /// An RR interval lies outside the plausible range of a human heart beat.
    #[error("RR interval #{index} is outside the plausible range {min_ms}-{max_ms} ms")]
    OutOfRange {
        /// Zero-based position of the interval.
        index: u32,
        /// Lower bound of the range (the `min_rr_ms` setting).
        min_ms: f64,
        /// Upper bound of the range (the `max_rr_ms` setting).
        max_ms: f64,
    },
    /// A gap marker points past the end of the series.
    #[error("gap marker #{marker} points past the end of the series")]
    GapOutOfRange {
        /// Zero-based position of the marker in the gap list.
        marker: u32,
    },
    /// A setting is outside the values it can take.
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting {
        /// Name of the setting.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An argument of a call is malformed (a date that is not `YYYY-MM-DD`, an empty range).
    #[error("invalid argument {name}: {reason}")]
    InvalidArgument {
        /// Name of the argument.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A health record was refused by the data model's validation, or the readiness engine refused
    /// the daily series built from the stored records (which the core's checks should make
    /// impossible: the reason names the day's position or the series, never a value).
    #[error("invalid record: {reason}")]
    InvalidRecord {
        /// The field and the problem (never the value).
        reason: String,
    },
    /// The database refused an operation.
    #[error("database error while {operation}: {fault} (SQLite code {code})")]
    Database {
        /// What the store was doing.
        operation: String,
        /// The kind of failure, in fixed words.
        fault: String,
        /// SQLite's extended result code, or -1 when the failure did not come from SQLite.
        code: i32,
    },
    /// The database was written by a newer app; it is left untouched.
    #[error(
        "the database has schema version {found}, newer than the {supported} this app supports: update the app"
    )]
    DatabaseTooNew {
        /// The file's schema version.
        found: i64,
        /// The newest schema this app knows.
        supported: i64,
    },
    /// The database cannot be used: an invalid schema version, no write-ahead logging on its file
    /// system, or stored data that cannot be read back or laid out.
    #[error("the database cannot be used: {reason}")]
    DatabaseUnusable {
        /// What is wrong, in fixed words (and the column concerned).
        reason: String,
    },
    /// A logged dose lies outside its safe range and the clinic's override was not given. The
    /// shell may offer to log it as prescribed by the clinic.
    #[error("{field}: outside the safe range {min} to {max} (needs a clinic override)")]
    DoseOutsideSafeRange {
        /// The dose field.
        field: String,
        /// Lowest safe value.
        min: f64,
        /// Highest safe value.
        max: f64,
    },
    /// A logged dose cannot be a dose at all (not positive, or physically implausible); no
    /// override accepts it.
    #[error("dose refused: {reason}")]
    DoseRefused {
        /// The field and the bound (never the value).
        reason: String,
    },
    /// A prescription (or the clinic settings with the saved prescription) cannot be used.
    #[error("invalid prescription: {reason}")]
    InvalidPrescription {
        /// The item and field, and what is wrong (never the value).
        reason: String,
    },
    /// No prescription is saved yet: nothing to plan or count against.
    #[error("no prescription yet: the clinic's prescription has not been synced or entered")]
    NoPrescription,
    /// This device is not enrolled, its enrolment code was refused, or the server signed it out:
    /// the member enrols (again) with a code from the clinic.
    #[error("{reason}")]
    NotEnrolled {
        /// Which of those, in fixed words.
        reason: String,
    },
    /// The store holds another member's data than the enrolled one (the device changed hands
    /// without signing out). Nothing was sent: the shell offers a sign-out, which erases it
    /// ([`crate::store::AlyzeStore::sign_out`]).
    #[error("{reason}")]
    OtherMember {
        /// In fixed words.
        reason: String,
    },
    /// A sync or enrolment stopped: the server could not be reached or answered outside the
    /// protocol, or the credential store failed. Nothing settled is lost; sync again later.
    #[error("sync stopped: {reason}")]
    SyncFailed {
        /// What happened, in fixed words (never a token).
        reason: String,
    },
    /// The file given to the import is not an Apple Health export.
    #[error("not an Apple Health export: {reason}")]
    NotAnExport {
        /// What is missing.
        reason: String,
    },
    /// The export could not be read (a file or archive error).
    #[error("reading the export failed: {reason}")]
    ExportUnreadable {
        /// The kind of failure.
        reason: String,
    },
}

impl From<HrvError> for AlyzeError {
    // Exhaustive on purpose: a new core error must be given its FFI form here before it compiles.
    fn from(error: HrvError) -> Self {
        match error {
            HrvError::TooFewBeats { found, needed } => Self::TooFewBeats {
                found: ffi_count(found),
                needed: ffi_count(needed),
            },
            HrvError::NonFinite { index } => Self::NonFinite {
                index: ffi_count(index),
            },
            HrvError::OutOfRange {
                index,
                min_ms,
                max_ms,
            } => Self::OutOfRange {
                index: ffi_count(index),
                min_ms,
                max_ms,
            },
            HrvError::GapOutOfRange { marker } => Self::GapOutOfRange {
                marker: ffi_count(marker),
            },
            HrvError::InvalidSetting { name, reason } => Self::InvalidSetting {
                name: name.to_owned(),
                reason: reason.to_owned(),
            },
        }
    }
}

impl From<HealthError> for AlyzeError {
    fn from(error: HealthError) -> Self {
        // The message names the field and the bound, never the value (core `health/error.rs`).
        Self::InvalidRecord {
            reason: error.to_string(),
        }
    }
}

impl From<StoreError> for AlyzeError {
    fn from(error: StoreError) -> Self {
        let unusable = |reason: String| Self::DatabaseUnusable { reason };
        match error {
            StoreError::Sqlite {
                operation,
                fault,
                code,
            } => Self::Database {
                operation: operation.to_owned(),
                fault: fault.to_owned(),
                code,
            },
            StoreError::TooNew { found, supported } => Self::DatabaseTooNew { found, supported },
            e @ (StoreError::InvalidVersion { .. }
            | StoreError::NoWal
            | StoreError::Encoding { .. }
            | StoreError::Corrupt { .. }) => unusable(e.to_string()),
        }
    }
}

impl From<ImportError> for AlyzeError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Store(e) => e.into(),
            ImportError::Parse(
                e @ (ParseError::Empty | ParseError::NotAnExport | ParseError::NoExportInArchive),
            ) => Self::NotAnExport {
                reason: e.to_string(),
            },
            // The kind only: an I/O error's text can quote a path, which may name the member.
            ImportError::Parse(ParseError::Io(e)) => Self::ExportUnreadable {
                reason: e.kind().to_string(),
            },
            // Fixed words: the zip crate's messages can quote names from inside the archive.
            ImportError::Parse(ParseError::Zip(_)) => Self::ExportUnreadable {
                reason: "the archive is damaged or in an unsupported format".to_owned(),
            },
        }
    }
}

impl From<SummaryError> for AlyzeError {
    fn from(error: SummaryError) -> Self {
        match error {
            SummaryError::Store(e) => e.into(),
            e @ (SummaryError::EmptyRange | SummaryError::DateOutOfBounds) => {
                Self::InvalidArgument {
                    name: "from, to".to_owned(),
                    reason: e.to_string(),
                }
            }
            SummaryError::InvalidSetting { name, reason } => Self::InvalidSetting {
                name: name.to_owned(),
                reason: reason.to_owned(),
            },
        }
    }
}

impl From<ReadinessError> for AlyzeError {
    fn from(error: ReadinessError) -> Self {
        let setting = |name: &str, reason: &str| Self::InvalidSetting {
            name: name.to_owned(),
            reason: reason.to_owned(),
        };
        match error {
            ReadinessError::InvalidSetting { name, reason }
            | ReadinessError::Baseline(BaselineError::InvalidSetting { name, reason })
            | ReadinessError::Load(LoadError::InvalidSetting { name, reason }) => {
                setting(name, reason)
            }
            // The profile is an argument of the call; the field is named, never its value.
            ReadinessError::Profile { field, reason } => Self::InvalidArgument {
                name: format!("profile.{field}"),
                reason: reason.to_owned(),
            },
            // The series the engine reads are built by the core from stored records: these say the
            // stored data (or the core) is at fault, by position, with no value in the message.
            e @ (ReadinessError::NotConsecutive { .. }
            | ReadinessError::InvalidInput { .. }
            | ReadinessError::Baseline(BaselineError::MixedMetrics { .. })
            | ReadinessError::Load(
                LoadError::NonFinite { .. }
                | LoadError::Negative { .. }
                | LoadError::NotPositive { .. }
                | LoadError::OutOfScale { .. }
                | LoadError::MaxNotAboveRest
                | LoadError::AverageAboveMax
                | LoadError::DayNonFinite { .. }
                | LoadError::DayNegative { .. },
            )) => Self::InvalidRecord {
                reason: e.to_string(),
            },
        }
    }
}

impl From<HistoryError> for AlyzeError {
    fn from(error: HistoryError) -> Self {
        match error {
            HistoryError::EmptyRange => Self::InvalidArgument {
                name: "from, to".to_owned(),
                reason: error.to_string(),
            },
            // The first day less the look-back falls off the calendar.
            HistoryError::OutOfRange => Self::InvalidArgument {
                name: "from, look_back_days".to_owned(),
                reason: error.to_string(),
            },
            HistoryError::Summary(e) => e.into(),
            HistoryError::Readiness(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_error_keeps_its_position() {
        let cases = [
            (
                HrvError::TooFewBeats {
                    found: 4,
                    needed: 30,
                },
                AlyzeError::TooFewBeats {
                    found: 4,
                    needed: 30,
                },
            ),
            (
                HrvError::NonFinite { index: 7 },
                AlyzeError::NonFinite { index: 7 },
            ),
            (
                HrvError::OutOfRange {
                    index: 9,
                    min_ms: 300.0,
                    max_ms: 2000.0,
                },
                AlyzeError::OutOfRange {
                    index: 9,
                    min_ms: 300.0,
                    max_ms: 2000.0,
                },
            ),
            (
                HrvError::GapOutOfRange { marker: 2 },
                AlyzeError::GapOutOfRange { marker: 2 },
            ),
            (
                HrvError::InvalidSetting {
                    name: "min_beats",
                    reason: "too small",
                },
                AlyzeError::InvalidSetting {
                    name: "min_beats".into(),
                    reason: "too small".into(),
                },
            ),
        ];
        for (core, ffi) in cases {
            assert_eq!(core.to_string(), ffi.to_string());
            assert_eq!(AlyzeError::from(core), ffi);
        }
    }

    #[test]
    fn store_import_and_summary_errors_keep_their_fixed_words() {
        assert_eq!(
            AlyzeError::from(StoreError::Sqlite {
                operation: "saving samples",
                fault: "disk full",
                code: 13,
            }),
            AlyzeError::Database {
                operation: "saving samples".into(),
                fault: "disk full".into(),
                code: 13,
            }
        );
        assert_eq!(
            AlyzeError::from(StoreError::TooNew {
                found: 9,
                supported: 3
            }),
            AlyzeError::DatabaseTooNew {
                found: 9,
                supported: 3
            }
        );
        assert!(matches!(
            AlyzeError::from(SummaryError::Store(StoreError::NoWal)),
            AlyzeError::DatabaseUnusable { .. }
        ));
        assert!(matches!(
            AlyzeError::from(SummaryError::EmptyRange),
            AlyzeError::InvalidArgument { .. }
        ));
        assert!(matches!(
            AlyzeError::from(ImportError::Parse(ParseError::NotAnExport)),
            AlyzeError::NotAnExport { .. }
        ));
        assert!(matches!(
            AlyzeError::from(ImportError::Store(StoreError::Corrupt {
                column: "record.start"
            })),
            AlyzeError::DatabaseUnusable { .. }
        ));
    }

    #[test]
    fn an_io_error_keeps_its_kind_and_not_its_text() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "/home/alex-smith/export.zip");
        let error = AlyzeError::from(ImportError::Parse(ParseError::Io(io)));
        assert!(matches!(error, AlyzeError::ExportUnreadable { .. }));
        assert!(!error.to_string().contains("alex"), "{error}");
    }

    #[test]
    fn a_health_error_names_the_field_never_the_value() {
        let error = AlyzeError::from(HealthError::OutOfRange {
            field: "value",
            min: 20.0,
            max: 300.0,
        });
        assert_eq!(
            error.to_string(),
            "invalid record: value: outside the range 20 to 300"
        );
    }

    #[test]
    fn readiness_and_history_errors_name_the_setting_or_argument() {
        let setting = |name: &str, reason: &str| AlyzeError::InvalidSetting {
            name: name.into(),
            reason: reason.into(),
        };
        assert_eq!(
            AlyzeError::from(ReadinessError::InvalidSetting {
                name: "score.push_from",
                reason: "r",
            }),
            setting("score.push_from", "r")
        );
        assert_eq!(
            AlyzeError::from(ReadinessError::Baseline(BaselineError::InvalidSetting {
                name: "hrv.normal_range_sd",
                reason: "r",
            })),
            setting("hrv.normal_range_sd", "r")
        );
        assert_eq!(
            AlyzeError::from(HistoryError::Readiness(ReadinessError::Load(
                LoadError::InvalidSetting {
                    name: "atl_days",
                    reason: "r",
                }
            ))),
            setting("atl_days", "r")
        );
        assert_eq!(
            AlyzeError::from(ReadinessError::Profile {
                field: "max_hr_bpm",
                reason: "r",
            }),
            AlyzeError::InvalidArgument {
                name: "profile.max_hr_bpm".into(),
                reason: "r".into(),
            }
        );
        assert!(matches!(
            AlyzeError::from(ReadinessError::NotConsecutive { day: 3 }),
            AlyzeError::InvalidRecord { reason } if reason.contains("#3")
        ));
        assert!(matches!(
            AlyzeError::from(ReadinessError::Load(LoadError::DayNegative { day: 2 })),
            AlyzeError::InvalidRecord { .. }
        ));
        for (error, name) in [
            (HistoryError::EmptyRange, "from, to"),
            (HistoryError::OutOfRange, "from, look_back_days"),
        ] {
            assert!(matches!(
                AlyzeError::from(error),
                AlyzeError::InvalidArgument { name: n, .. } if n == name
            ));
        }
        assert!(matches!(
            AlyzeError::from(HistoryError::Summary(SummaryError::Store(
                StoreError::NoWal
            ))),
            AlyzeError::DatabaseUnusable { .. }
        ));
    }
}
