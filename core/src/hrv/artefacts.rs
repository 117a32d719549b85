//! Artefact detection and correction. (Interface; being implemented.)

use serde::Serialize;

use super::rr::RrSeries;

/// How artefacts are corrected.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// Lipponen & Tarvainen 2019 automatic detection and correction.
    Automatic,
    /// Kubios-style threshold correction.
    Threshold {
        /// Threshold in ms at 60 bpm.
        threshold_ms: f64,
    },
    /// Detect only; the series is analysed as given.
    None,
}

/// What detection found and correction did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArtefactSummary {
    /// Beats detected as artefacts.
    pub detected: usize,
    /// Beats corrected.
    pub corrected: usize,
    /// Detected beats as a percentage of the input beats.
    pub pct: f64,
    /// Ectopic beats among the detected.
    pub ectopic: usize,
    /// Missed beats among the detected.
    pub missed: usize,
    /// Extra beats among the detected.
    pub extra: usize,
    /// Long or short intervals among the detected.
    pub long_short: usize,
}

/// Detects artefacts in each run of `series` and corrects them as `correction` says.
pub fn correct_series(series: &RrSeries, correction: &Correction) -> (RrSeries, ArtefactSummary) {
    let _ = correction;
    (
        series.clone(),
        ArtefactSummary {
            detected: 0,
            corrected: 0,
            pct: 0.0,
            ectopic: 0,
            missed: 0,
            extra: 0,
            long_short: 0,
        },
    )
}
