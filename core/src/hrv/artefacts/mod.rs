//! Artefact detection and correction of RR series, before any HRV index is computed.
//!
//! A missed or extra R-peak detection, or an ectopic beat, puts one or two intervals far off the
//! sinus rhythm, and a single one can change RMSSD by tens of percent. Kubios HRV, the clinical
//! reference, offers two corrections, both reproduced here:
//! - [`Correction::Automatic`]: the beat classification of Lipponen & Tarvainen 2019 (module
//!   `lipponen`) with the correction the paper prescribes per class (module `correct`);
//! - [`Correction::Threshold`]: the older threshold method (module `threshold`).
//!
//! [`Correction::None`] still runs the automatic detection, so that the share of artefacts (and the
//! quality verdict built on it) is reported, but leaves the intervals as recorded.
//!
//! Everything works run by run ([`RrSeries::segments`]): no window, difference or interpolation
//! spans a recording gap, and a correction never moves a beat from one run to another.

mod correct;
mod lipponen;
mod threshold;
mod window;

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

/// The class of an artefact beat (Lipponen & Tarvainen 2019).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtefactKind {
    /// An ectopic beat: the short-long (or long-short) pair of intervals around a premature beat;
    /// the interval classified is the one in the middle of the "negative-positive-negative" pattern
    /// of successive differences.
    Ectopic,
    /// A missed beat: the interval holds two beats (corrected by splitting it in two).
    Missed,
    /// An extra beat: the interval and the next one are two halves of one (corrected by merging).
    Extra,
    /// An interval too long or too short for its neighbours, but neither missed nor extra
    /// (corrected by interpolation). The threshold method reports all its detections here.
    LongShort,
}

/// Runs shorter than this are left as they are, undetected and uncorrected: the rules look two
/// differences ahead and compare with medians and quartiles of the neighbourhood, which a handful
/// of beats cannot provide. (In practice a single artefact is only detectable in runs of about 9
/// intervals or more: below that, its own two large differences reach the upper quartile and raise
/// the threshold above them.)
pub const MIN_RUN_BEATS: usize = 5;

/// Classifies the intervals (ms) of one contiguous run with Lipponen & Tarvainen 2019; `None` marks
/// a normal beat. Element `j` classifies `run[j]`, the interval ending at beat `j`. No element is
/// classified in a run shorter than [`MIN_RUN_BEATS`].
pub fn classify_run(run: &[f64]) -> Vec<Option<ArtefactKind>> {
    if run.len() < MIN_RUN_BEATS {
        return vec![None; run.len()];
    }
    lipponen::classify(run)
}

/// Detects artefacts in each run of `series` and corrects them as `correction` says.
pub fn correct_series(series: &RrSeries, correction: &Correction) -> (RrSeries, ArtefactSummary) {
    let mut summary = ArtefactSummary {
        detected: 0,
        corrected: 0,
        pct: 0.0,
        ectopic: 0,
        missed: 0,
        extra: 0,
        long_short: 0,
    };
    // Kubios scales the threshold with the mean heart rate of the recording being analysed.
    let threshold_ms = match correction {
        Correction::Threshold { threshold_ms } => {
            let mean_rr = series.intervals().iter().sum::<f64>() / series.len().max(1) as f64;
            threshold::scaled_threshold(*threshold_ms, mean_rr)
        }
        Correction::Automatic | Correction::None => f64::NAN,
    };

    let mut runs = Vec::new();
    for run in series.segments() {
        if run.len() < MIN_RUN_BEATS {
            runs.push(run.to_vec());
            continue;
        }
        let classes = match correction {
            Correction::Automatic | Correction::None => lipponen::classify(run),
            Correction::Threshold { .. } => threshold::classify(run, threshold_ms),
        };
        tally(&classes, &mut summary);
        if matches!(correction, Correction::None) || classes.iter().all(Option::is_none) {
            runs.push(run.to_vec());
        } else {
            let (fixed, corrected) = correct::correct_run(run, &classes);
            summary.corrected += corrected;
            runs.push(fixed);
        }
    }
    if !series.is_empty() {
        summary.pct = summary.detected as f64 / series.len() as f64 * 100.0;
    }
    let corrected = if summary.corrected == 0 {
        // Nothing changed: hand back the input itself, bit for bit.
        series.clone()
    } else {
        RrSeries::from_runs(runs)
    };
    (corrected, summary)
}

/// Adds the classes of one run to the counts of `summary`.
fn tally(classes: &[Option<ArtefactKind>], summary: &mut ArtefactSummary) {
    for kind in classes.iter().flatten() {
        summary.detected += 1;
        match kind {
            ArtefactKind::Ectopic => summary.ectopic += 1,
            ArtefactKind::Missed => summary.missed += 1,
            ArtefactKind::Extra => summary.extra += 1,
            ArtefactKind::LongShort => summary.long_short += 1,
        }
    }
}

#[cfg(test)]
mod tests;
