//! A whole night of RR intervals across the FFI, analysed in short windows the way wearables report
//! overnight HRV: the records of `alyze_core::hrv::night` with `u32` counts, and the exports
//! [`analyse_night`] and [`default_night_settings`].

use alyze_core::hrv as core_hrv;

use crate::AlyzeError;
use crate::hrv::{HrvSettings, ffi_count, gap_positions};

/// Settings of the windowed analysis.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NightSettings {
    /// Window length, s.
    pub window_s: f64,
    /// Share of a window the beats must cover for it to count, 0..1.
    pub min_coverage: f64,
    /// Settings of each window's analysis.
    pub hrv: HrvSettings,
}

impl From<NightSettings> for core_hrv::NightSettings {
    fn from(s: NightSettings) -> Self {
        Self {
            window_s: s.window_s,
            min_coverage: s.min_coverage,
            hrv: s.hrv.into(),
        }
    }
}

impl From<core_hrv::NightSettings> for NightSettings {
    fn from(s: core_hrv::NightSettings) -> Self {
        Self {
            window_s: s.window_s,
            min_coverage: s.min_coverage,
            hrv: s.hrv.into(),
        }
    }
}

/// One window of the night.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WindowResult {
    /// Start of the window from the first beat, s.
    pub start_s: f64,
    /// Beats in the window.
    pub n_beats: u32,
    /// RMSSD of the window, ms; absent when it could not be analysed.
    pub rmssd_ms: Option<f64>,
    /// ln RMSSD of the window.
    pub ln_rmssd: Option<f64>,
    /// Mean HR of the window, bpm.
    pub mean_hr_bpm: Option<f64>,
    /// Artefact share, percent.
    pub artefact_pct: f64,
    /// Whether the window counts towards the night's value.
    pub clean: bool,
}

impl From<core_hrv::WindowResult> for WindowResult {
    fn from(w: core_hrv::WindowResult) -> Self {
        Self {
            start_s: w.start_s,
            n_beats: ffi_count(w.n_beats),
            rmssd_ms: w.rmssd_ms,
            ln_rmssd: w.ln_rmssd,
            mean_hr_bpm: w.mean_hr_bpm,
            artefact_pct: w.artefact_pct,
            clean: w.clean,
        }
    }
}

/// The night's HRV.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NightReport {
    /// Every window, in order.
    pub windows: Vec<WindowResult>,
    /// Windows that count.
    pub clean_windows: u32,
    /// Mean ln RMSSD of the clean windows.
    pub mean_ln_rmssd: Option<f64>,
    /// Mean RMSSD of the clean windows, ms.
    pub mean_rmssd_ms: Option<f64>,
    /// Mean HR over the clean windows, bpm.
    pub mean_hr_bpm: Option<f64>,
}

impl From<core_hrv::NightReport> for NightReport {
    fn from(r: core_hrv::NightReport) -> Self {
        Self {
            windows: r.windows.into_iter().map(Into::into).collect(),
            clean_windows: ffi_count(r.clean_windows),
            mean_ln_rmssd: r.mean_ln_rmssd,
            mean_rmssd_ms: r.mean_rmssd_ms,
            mean_hr_bpm: r.mean_hr_bpm,
        }
    }
}

/// Analyses a night of RR intervals (ms) in windows. `gaps` lists the positions of intervals
/// preceded by a gap in the recording.
#[uniffi::export]
pub fn analyse_night(
    rr_ms: Vec<f64>,
    gaps: Vec<u32>,
    settings: NightSettings,
) -> Result<NightReport, AlyzeError> {
    let report = core_hrv::analyse_night(&rr_ms, &gap_positions(&gaps), &settings.into())?;
    Ok(report.into())
}

/// The default settings of the windowed analysis (five-minute windows).
#[uniffi::export]
pub fn default_night_settings() -> NightSettings {
    core_hrv::NightSettings::default().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_ffi_form() {
        let core = core_hrv::NightSettings {
            window_s: 120.0,
            ..core_hrv::NightSettings::default()
        };
        let back: core_hrv::NightSettings = NightSettings::from(core.clone()).into();
        assert_eq!(back, core);
    }
}
