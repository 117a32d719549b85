//! Heart-rate variability from RR intervals, computed the way the clinical reference (Kubios HRV)
//! computes it.
//!
//! The pipeline of [`analyse`]: validate the intervals ([`rr`]), detect and correct artefacts
//! ([`artefacts`]; Lipponen & Tarvainen 2019 by default), then the time-domain ([`time_domain`]),
//! frequency-domain ([`spectrum`]) and nonlinear ([`nonlinear`]) indices. [`night`] runs the
//! short-window analysis over a whole night the way wearables report overnight HRV.
//!
//! Conventions: `../shared/domain.md` section 3; Tarvainen et al., "Kubios HRV – heart rate
//! variability analysis software", Comput Methods Programs Biomed 113 (2014) 210–220, and the
//! Kubios HRV user's guide (version 3.x).

pub mod artefacts;
pub mod detrend;
pub mod night;
pub mod nonlinear;
pub mod resample;
pub mod rr;
pub mod rr_text;
pub mod spectrum;
pub mod time_domain;

use serde::Serialize;

pub use artefacts::{ArtefactSummary, Correction};

pub use night::{NightReport, NightSettings, WindowResult, analyse_night};
pub use nonlinear::Nonlinear;
pub use rr::RrSeries;
pub use rr_text::{RrText, RrTextError, RrTextProblem, RrUnit, parse_rr_text};
pub use spectrum::{Detrending, FrequencyDomain};
pub use time_domain::TimeDomain;

/// Why a series of RR intervals cannot be analysed. Messages name the position, never the value:
/// the intervals are health data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HrvError {
    /// Fewer beats than the analysis needs.
    #[error("too few beats: {found}, at least {needed} are needed")]
    TooFewBeats {
        /// Beats given.
        found: usize,
        /// Beats needed ([`HrvSettings::min_beats`]).
        needed: usize,
    },
    /// An interval is NaN or infinite.
    #[error("RR interval #{index} is not a finite number")]
    NonFinite {
        /// Zero-based position of the interval.
        index: usize,
    },
    /// An interval lies outside the plausible range of a human heart beat.
    #[error("RR interval #{index} is outside the plausible range {min_ms}-{max_ms} ms")]
    OutOfRange {
        /// Zero-based position of the interval.
        index: usize,
        /// Lower bound of the range ([`HrvSettings::min_rr_ms`]).
        min_ms: f64,
        /// Upper bound of the range ([`HrvSettings::max_rr_ms`]).
        max_ms: f64,
    },
    /// A gap marker points outside the series.
    #[error("gap marker #{marker} points past the end of the series")]
    GapOutOfRange {
        /// Zero-based position of the marker in the gap list.
        marker: usize,
    },
    /// A setting is outside the values it can take.
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting {
        /// Name of the setting.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Settings of one analysis. [`HrvSettings::default`] is the Kubios-conformant configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HrvSettings {
    /// How artefacts are corrected before the indices are computed. Default: automatic
    /// (Lipponen & Tarvainen 2019), as in Kubios HRV Premium.
    pub correction: Correction,
    /// Shortest plausible RR interval in ms. Default 300 (200 bpm); domain brief section 3.
    pub min_rr_ms: f64,
    /// Longest plausible RR interval in ms. Default 2000 (30 bpm); domain brief section 3.
    pub max_rr_ms: f64,
    /// Fewest beats worth analysing. Product choice, default 30: with fewer, SDNN and RMSSD are
    /// too noisy to tell a member anything (the shortest validated ultra-short recordings, 10 s
    /// to 1 min, hold 10-60 beats; Munoz et al. 2015).
    pub min_beats: usize,
    /// Share of artefact beats, in percent, above which a reading is judged unusable. Default 5,
    /// the Kubios guidance (domain brief section 3).
    pub max_artefact_pct: f64,
    /// Detrending of the RR series before the spectrum. Default off, as in Kubios 2.x.
    pub detrending: Detrending,
}

impl Default for HrvSettings {
    fn default() -> Self {
        Self {
            correction: Correction::Automatic,
            min_rr_ms: 300.0,
            max_rr_ms: 2000.0,
            min_beats: 30,
            max_artefact_pct: 5.0,
            detrending: Detrending::None,
        }
    }
}

/// How trustworthy a reading is, from the share of beats that were artefacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// No artefact at all.
    Clean,
    /// Some artefacts, corrected, within [`HrvSettings::max_artefact_pct`].
    Acceptable,
    /// More artefacts than [`HrvSettings::max_artefact_pct`]: the indices are shown but the reading
    /// must not feed a baseline or a readiness call.
    Unusable,
}

/// The full analysis of one recording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HrvReport {
    /// Beats analysed (after correction).
    pub n_beats: usize,
    /// Sum of the analysed intervals, in seconds.
    pub duration_s: f64,
    /// Time-domain indices.
    pub time: TimeDomain,
    /// Frequency-domain indices; `None` when the recording is too short for a spectrum.
    pub frequency: Option<FrequencyDomain>,
    /// Nonlinear indices.
    pub nonlinear: Nonlinear,
    /// What artefact correction found and did.
    pub artefacts: ArtefactSummary,
    /// The verdict on the reading.
    pub quality: Quality,
}

/// Analyses one recording of RR intervals (ms). `gaps` lists the positions of intervals preceded by
/// a gap in the recording (HealthKit's `precededByGap`): no successive difference, correction
/// window or spectrum segment spans a gap.
pub fn analyse(
    rr_ms: &[f64],
    gaps: &[usize],
    settings: &HrvSettings,
) -> Result<HrvReport, HrvError> {
    let (series, artefacts) = corrected(rr_ms, gaps, settings)?;
    let segments: Vec<&[f64]> = series.segments().collect();
    let time = time_domain::time_domain(&segments);
    let frequency = spectrum::frequency_domain(&segments, &settings.detrending);
    let nonlinear = nonlinear::nonlinear(&segments);
    let quality = quality(&artefacts, settings);
    Ok(HrvReport {
        n_beats: series.len(),
        duration_s: series.duration_s(),
        time,
        frequency,
        nonlinear,
        artefacts,
        quality,
    })
}

/// The time-domain indices and the quality verdict of one recording: [`analyse`] without the
/// spectrum and the nonlinear indices, for a caller that reads RMSSD only (a night's short
/// HealthKit series), where those were most of the work.
pub fn analyse_time_domain(
    rr_ms: &[f64],
    gaps: &[usize],
    settings: &HrvSettings,
) -> Result<(TimeDomain, Quality), HrvError> {
    let (series, artefacts) = corrected(rr_ms, gaps, settings)?;
    let segments: Vec<&[f64]> = series.segments().collect();
    Ok((
        time_domain::time_domain(&segments),
        quality(&artefacts, settings),
    ))
}

/// The validated recording after artefact correction, with what the correction did.
fn corrected(
    rr_ms: &[f64],
    gaps: &[usize],
    settings: &HrvSettings,
) -> Result<(RrSeries, ArtefactSummary), HrvError> {
    let series = RrSeries::new(rr_ms, gaps, settings)?;
    Ok(artefacts::correct_series(&series, &settings.correction))
}

/// The verdict from the artefact share.
fn quality(artefacts: &ArtefactSummary, settings: &HrvSettings) -> Quality {
    if artefacts.detected == 0 {
        Quality::Clean
    } else if artefacts.pct <= settings.max_artefact_pct {
        Quality::Acceptable
    } else {
        Quality::Unusable
    }
}
