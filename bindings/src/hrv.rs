//! HRV of one recording across the FFI: the records of `alyze_core::hrv` as the foreign languages
//! see them, and the exports [`analyse_rr`] and [`default_hrv_settings`].
//!
//! Records without a `usize` are mirrored as they are (`#[uniffi::remote]`: the definitions below
//! repeat the core's and must stay identical to it, which the compiler checks). Records with a count
//! or a position get a thin FFI twin with `u32` in its place, converted by the `From` impls here; a
//! count that does not fit (over four billion beats) saturates instead of failing.

use alyze_core::hrv as core_hrv;
use alyze_core::hrv::{Correction, Detrending, FrequencyDomain, Nonlinear, Quality};

use crate::AlyzeError;

/// A count or a position from the core, as the FFI carries it. Saturates at `u32::MAX`.
pub(crate) fn ffi_count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A count or a position from the foreign side, as the core takes it. Saturates at `usize::MAX`
/// (only on a target with a `usize` narrower than 32 bits, where it then fails validation).
pub(crate) fn core_count(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// How artefacts are corrected.
#[uniffi::remote(Enum)]
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

/// Detrending of the RR series before the spectrum.
#[uniffi::remote(Enum)]
pub enum Detrending {
    /// No detrending (Kubios 2.x default).
    None,
    /// Smoothness priors (Tarvainen 2002).
    SmoothnessPriors {
        /// Regularisation parameter.
        lambda: f64,
    },
}

/// How trustworthy a reading is, from the share of beats that were artefacts.
#[uniffi::remote(Enum)]
pub enum Quality {
    /// No artefact at all.
    Clean,
    /// Some artefacts, corrected, within `max_artefact_pct`.
    Acceptable,
    /// More artefacts than `max_artefact_pct`: the indices are shown but the reading must not feed
    /// a baseline or a readiness call.
    Unusable,
}

/// Frequency-domain indices.
#[uniffi::remote(Record)]
pub struct FrequencyDomain {
    /// VLF power, ms².
    pub vlf_ms2: f64,
    /// LF power, ms².
    pub lf_ms2: f64,
    /// HF power, ms².
    pub hf_ms2: f64,
    /// Total power, ms².
    pub total_ms2: f64,
    /// LF/HF.
    pub lf_hf: f64,
    /// LF / (LF + HF).
    pub lf_nu: f64,
    /// HF / (LF + HF).
    pub hf_nu: f64,
    /// VLF peak, Hz.
    pub vlf_peak_hz: f64,
    /// LF peak, Hz.
    pub lf_peak_hz: f64,
    /// HF peak, Hz.
    pub hf_peak_hz: f64,
}

/// Nonlinear indices.
#[uniffi::remote(Record)]
pub struct Nonlinear {
    /// Poincaré SD1, ms.
    pub sd1_ms: f64,
    /// Poincaré SD2, ms.
    pub sd2_ms: f64,
    /// Sample entropy.
    pub sampen: Option<f64>,
    /// DFA short-term exponent.
    pub dfa_alpha1: Option<f64>,
    /// DFA long-term exponent.
    pub dfa_alpha2: Option<f64>,
}

/// Settings of one analysis. [`default_hrv_settings`] gives the Kubios-conformant configuration.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HrvSettings {
    /// How artefacts are corrected before the indices are computed.
    pub correction: Correction,
    /// Shortest plausible RR interval, ms.
    pub min_rr_ms: f64,
    /// Longest plausible RR interval, ms.
    pub max_rr_ms: f64,
    /// Fewest beats worth analysing.
    pub min_beats: u32,
    /// Share of artefact beats, in percent, above which a reading is judged unusable.
    pub max_artefact_pct: f64,
    /// Detrending of the RR series before the spectrum.
    pub detrending: Detrending,
}

impl From<HrvSettings> for core_hrv::HrvSettings {
    fn from(s: HrvSettings) -> Self {
        Self {
            correction: s.correction,
            min_rr_ms: s.min_rr_ms,
            max_rr_ms: s.max_rr_ms,
            min_beats: core_count(s.min_beats),
            max_artefact_pct: s.max_artefact_pct,
            detrending: s.detrending,
        }
    }
}

impl From<core_hrv::HrvSettings> for HrvSettings {
    fn from(s: core_hrv::HrvSettings) -> Self {
        Self {
            correction: s.correction,
            min_rr_ms: s.min_rr_ms,
            max_rr_ms: s.max_rr_ms,
            min_beats: ffi_count(s.min_beats),
            max_artefact_pct: s.max_artefact_pct,
            detrending: s.detrending,
        }
    }
}

/// Time-domain indices of a recording.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TimeDomain {
    /// Mean of the NN intervals, ms.
    pub mean_nn_ms: f64,
    /// Standard deviation of the NN intervals (N-1), ms.
    pub sdnn_ms: f64,
    /// Root mean square of successive differences, ms.
    pub rmssd_ms: f64,
    /// Natural logarithm of RMSSD in ms.
    pub ln_rmssd: f64,
    /// Standard deviation of successive differences (N-1), ms.
    pub sdsd_ms: f64,
    /// Successive differences larger than 50 ms.
    pub nn50: u32,
    /// NN50 as a percentage of the successive differences.
    pub pnn50_pct: f64,
    /// Mean instantaneous heart rate, beats per minute.
    pub mean_hr_bpm: f64,
}

impl From<core_hrv::TimeDomain> for TimeDomain {
    fn from(t: core_hrv::TimeDomain) -> Self {
        Self {
            mean_nn_ms: t.mean_nn_ms,
            sdnn_ms: t.sdnn_ms,
            rmssd_ms: t.rmssd_ms,
            ln_rmssd: t.ln_rmssd,
            sdsd_ms: t.sdsd_ms,
            nn50: ffi_count(t.nn50),
            pnn50_pct: t.pnn50_pct,
            mean_hr_bpm: t.mean_hr_bpm,
        }
    }
}

/// What artefact detection found and correction did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ArtefactSummary {
    /// Beats detected as artefacts.
    pub detected: u32,
    /// Beats corrected.
    pub corrected: u32,
    /// Detected beats as a percentage of the input beats.
    pub pct: f64,
    /// Ectopic beats among the detected.
    pub ectopic: u32,
    /// Missed beats among the detected.
    pub missed: u32,
    /// Extra beats among the detected.
    pub extra: u32,
    /// Long or short intervals among the detected.
    pub long_short: u32,
}

impl From<core_hrv::ArtefactSummary> for ArtefactSummary {
    fn from(a: core_hrv::ArtefactSummary) -> Self {
        Self {
            detected: ffi_count(a.detected),
            corrected: ffi_count(a.corrected),
            pct: a.pct,
            ectopic: ffi_count(a.ectopic),
            missed: ffi_count(a.missed),
            extra: ffi_count(a.extra),
            long_short: ffi_count(a.long_short),
        }
    }
}

/// The full analysis of one recording.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HrvReport {
    /// Beats analysed (after correction).
    pub n_beats: u32,
    /// Sum of the analysed intervals, in seconds.
    pub duration_s: f64,
    /// Time-domain indices.
    pub time: TimeDomain,
    /// Frequency-domain indices; absent when the recording is too short for a spectrum.
    pub frequency: Option<FrequencyDomain>,
    /// Nonlinear indices.
    pub nonlinear: Nonlinear,
    /// What artefact correction found and did.
    pub artefacts: ArtefactSummary,
    /// The verdict on the reading.
    pub quality: Quality,
}

impl From<core_hrv::HrvReport> for HrvReport {
    fn from(r: core_hrv::HrvReport) -> Self {
        Self {
            n_beats: ffi_count(r.n_beats),
            duration_s: r.duration_s,
            time: r.time.into(),
            frequency: r.frequency,
            nonlinear: r.nonlinear,
            artefacts: r.artefacts.into(),
            quality: r.quality,
        }
    }
}

/// The gap positions of the foreign side as the core takes them.
pub(crate) fn gap_positions(gaps: &[u32]) -> Vec<usize> {
    gaps.iter().copied().map(core_count).collect()
}

/// Analyses one recording of RR intervals (ms). `gaps` lists the positions of intervals preceded by
/// a gap in the recording (HealthKit's `precededByGap`).
#[uniffi::export]
pub fn analyse_rr(
    rr_ms: Vec<f64>,
    gaps: Vec<u32>,
    settings: HrvSettings,
) -> Result<HrvReport, AlyzeError> {
    let report = core_hrv::analyse(&rr_ms, &gap_positions(&gaps), &settings.into())?;
    Ok(report.into())
}

/// The default (Kubios-conformant) settings of one analysis.
#[uniffi::export]
pub fn default_hrv_settings() -> HrvSettings {
    core_hrv::HrvSettings::default().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_ffi_form() {
        let core = core_hrv::HrvSettings {
            correction: Correction::Threshold {
                threshold_ms: 250.0,
            },
            min_beats: 42,
            detrending: Detrending::SmoothnessPriors { lambda: 500.0 },
            ..core_hrv::HrvSettings::default()
        };
        let back: core_hrv::HrvSettings = HrvSettings::from(core.clone()).into();
        assert_eq!(back, core);
    }

    #[test]
    fn counts_saturate_instead_of_wrapping() {
        assert_eq!(ffi_count(7), 7);
        assert_eq!(ffi_count(usize::MAX), u32::MAX);
        assert_eq!(core_count(u32::MAX), u32::MAX as usize);
    }

    #[test]
    fn a_bad_interval_is_reported_by_position() {
        let mut rr = vec![800.0; 40];
        rr[3] = f64::NAN;
        let error = analyse_rr(rr, vec![], default_hrv_settings());
        assert_eq!(error, Err(AlyzeError::NonFinite { index: 3 }));
    }

    #[test]
    fn a_clean_series_is_analysed() {
        let rr: Vec<f64> = (0..60)
            .map(|i| if i % 2 == 0 { 800.0 } else { 840.0 })
            .collect();
        let settings = HrvSettings {
            correction: Correction::None,
            ..default_hrv_settings()
        };
        let report = analyse_rr(rr, vec![], settings).ok();
        assert_eq!(report.as_ref().map(|r| r.n_beats), Some(60));
        let rmssd = report.map(|r| r.time.rmssd_ms).unwrap_or_default();
        assert!((rmssd - 40.0).abs() < 1e-9);
    }
}
