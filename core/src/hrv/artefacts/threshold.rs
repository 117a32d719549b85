//! The threshold-based artefact detection of Kubios HRV (its "threshold based correction").
//!
//! Kubios HRV user's guide (version 3.x), "Artefact correction algorithms": every RR interval is
//! compared with a local average obtained by median filtering the RR series (so the average is not
//! pulled by the outlier itself); an interval that differs from it by more than the threshold is an
//! artefact and is replaced by cubic-spline interpolation. The preset thresholds are given for a
//! heart rate of 60 bpm — very low 450 ms, low 350 ms, medium 250 ms, strong 150 ms, very strong
//! 50 ms — and are adjusted to the mean heart rate of the recording, smaller at higher rates.
//!
//! What is implemented, where the guide gives no number:
//! - the local average is the centred median of 11 intervals (the median window of Lipponen &
//!   Tarvainen 2019; the guide does not state the width of its median filter);
//! - the threshold is scaled in proportion to the mean RR interval, `threshold × mean RR / 1000 ms`
//!   (1000 ms being the interval at 60 bpm), with the mean over the whole series being corrected.
//!
//! The method does not classify: every detection counts as a long/short beat.

use super::ArtefactKind;
use super::window::moving_median;

/// Half of the 11-interval median window of the local average (see the module documentation).
const MEDIAN_HALF_WINDOW: usize = 5;

/// RR interval at 60 bpm, in ms: the heart rate at which Kubios states its thresholds.
const RR_AT_60_BPM_MS: f64 = 1000.0;

/// The threshold in ms for a recording of mean interval `mean_rr_ms`, from a threshold stated for
/// 60 bpm. A threshold that is not a positive number yields NaN, which flags nothing.
pub(super) fn scaled_threshold(threshold_ms_at_60_bpm: f64, mean_rr_ms: f64) -> f64 {
    if threshold_ms_at_60_bpm > 0.0 && threshold_ms_at_60_bpm.is_finite() && mean_rr_ms > 0.0 {
        threshold_ms_at_60_bpm * mean_rr_ms / RR_AT_60_BPM_MS
    } else {
        f64::NAN
    }
}

/// Flags, in one contiguous run, the intervals farther than `threshold_ms` (already scaled) from
/// the local median.
pub(super) fn classify(rr: &[f64], threshold_ms: f64) -> Vec<Option<ArtefactKind>> {
    let median = moving_median(rr, MEDIAN_HALF_WINDOW);
    rr.iter()
        .zip(&median)
        .map(|(r, m)| ((r - m).abs() > threshold_ms).then_some(ArtefactKind::LongShort))
        .collect()
}
