//! The one error type every fallible export returns, and the one place core errors are mapped to it.
//!
//! The variants carry positions and settings, never an RR interval or any other health value: the
//! messages reach logs and crash reports on the phones (see the PII rule in the architecture notes).

use alyze_core::hrv::HrvError;

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
}
