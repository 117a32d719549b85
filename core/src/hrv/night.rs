//! Overnight HRV the way wearables report it: the night cut into short windows, each window
//! checked and analysed on its own, and the night's value the mean of the clean windows.
//!
//! Oura reports night HRV as the average of 5-minute RMSSD samples; HRV4Training and Plews et al.
//! (2012) keep baselines on the ln RMSSD scale. So the night's value here is the mean ln RMSSD of the
//! clean windows, with the mean RMSSD beside it for display. A window counts only when its beats
//! cover enough of it and its artefact share is acceptable: one twitchy minute must not move a
//! member's baseline.
//!
//! Only what the night's value needs is computed per window (validation, artefact correction, time
//! domain): a spectrum per window would cost more than the whole night budget on a phone and is not
//! used.

use serde::Serialize;

use super::{HrvError, HrvSettings, Quality, artefacts, quality, rr::RrSeries, time_domain};

/// Settings of the windowed analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NightSettings {
    /// Window length in seconds. Default 300: the 5-minute short-term recording of the Task Force
    /// (1996) and the window Oura averages over a night.
    pub window_s: f64,
    /// Share of a window, 0..1, that its beats must cover for the window to count. Product choice,
    /// default 0.8: a window that lost more than a minute of beats to gaps is not a 5-minute
    /// recording any more.
    pub min_coverage: f64,
    /// Settings of each window's analysis (range, artefact correction and threshold, minimum beats).
    pub hrv: HrvSettings,
}

impl Default for NightSettings {
    fn default() -> Self {
        Self {
            window_s: 300.0,
            min_coverage: 0.8,
            hrv: HrvSettings::default(),
        }
    }
}

/// One window of the night.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowResult {
    /// Start of the window, seconds from the first beat of the recording.
    pub start_s: f64,
    /// Beats in the window (before correction).
    pub n_beats: usize,
    /// RMSSD of the window, ms; `None` when the window has too few beats to analyse.
    pub rmssd_ms: Option<f64>,
    /// Natural logarithm of [`Self::rmssd_ms`].
    pub ln_rmssd: Option<f64>,
    /// Mean heart rate of the window, bpm.
    pub mean_hr_bpm: Option<f64>,
    /// Share of the window's beats that were artefacts, percent.
    pub artefact_pct: f64,
    /// Whether the window counts towards the night's value.
    pub clean: bool,
}

/// The night's HRV.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NightReport {
    /// Every window, in order, clean or not.
    pub windows: Vec<WindowResult>,
    /// Number of windows that count.
    pub clean_windows: usize,
    /// Mean ln RMSSD of the clean windows: the night's HRV on the baseline scale. `None` when no
    /// window is clean.
    pub mean_ln_rmssd: Option<f64>,
    /// Mean RMSSD of the clean windows, ms (what Oura shows).
    pub mean_rmssd_ms: Option<f64>,
    /// Mean heart rate of the clean windows, bpm.
    pub mean_hr_bpm: Option<f64>,
}

/// Analyses a night of RR intervals (ms) in windows. `gaps` as in [`super::analyse`]. The whole
/// series is validated first, so that a bad interval is reported by its position in the recording.
pub fn analyse_night(
    rr_ms: &[f64],
    gaps: &[usize],
    settings: &NightSettings,
) -> Result<NightReport, HrvError> {
    if !(settings.window_s >= 10.0 && settings.window_s.is_finite()) {
        return Err(HrvError::InvalidSetting {
            name: "window_s",
            reason: "must be at least 10 seconds",
        });
    }
    if !(0.0..=1.0).contains(&settings.min_coverage) {
        return Err(HrvError::InvalidSetting {
            name: "min_coverage",
            reason: "must be a share between 0 and 1",
        });
    }
    RrSeries::new(rr_ms, gaps, &settings.hrv)?;
    let mut sorted_gaps = gaps.to_vec();
    sorted_gaps.sort_unstable();

    let windows: Vec<WindowResult> = window_bounds(rr_ms, settings.window_s)
        .into_iter()
        .enumerate()
        .map(|(k, (start, end))| {
            let window_gaps: Vec<usize> = sorted_gaps
                .iter()
                .filter(|&&g| g > start && g < end)
                .map(|&g| g - start)
                .collect();
            analyse_window(
                &rr_ms[start..end],
                &window_gaps,
                k as f64 * settings.window_s,
                settings,
            )
        })
        .collect();

    let clean: Vec<&WindowResult> = windows.iter().filter(|w| w.clean).collect();
    let mean_of = |f: fn(&WindowResult) -> Option<f64>| -> Option<f64> {
        let values: Vec<f64> = clean.iter().filter_map(|w| f(w)).collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    Ok(NightReport {
        clean_windows: clean.len(),
        mean_ln_rmssd: mean_of(|w| w.ln_rmssd),
        mean_rmssd_ms: mean_of(|w| w.rmssd_ms),
        mean_hr_bpm: mean_of(|w| w.mean_hr_bpm),
        windows,
    })
}

/// Index ranges of the beats that end in each window: window k holds the beats whose end time
/// (cumulative sum of the intervals) falls in `[k w, (k+1) w)`. Empty windows (impossible without
/// a gap longer than a window, which the series cannot express) are not produced.
fn window_bounds(rr_ms: &[f64], window_s: f64) -> Vec<(usize, usize)> {
    let window_ms = window_s * 1000.0;
    let mut bounds = Vec::new();
    let (mut start, mut elapsed_ms, mut window_end_ms) = (0, 0.0, window_ms);
    for (i, rr) in rr_ms.iter().enumerate() {
        elapsed_ms += rr;
        while elapsed_ms >= window_end_ms {
            if i > start {
                bounds.push((start, i));
            }
            start = i;
            window_end_ms += window_ms;
        }
    }
    if start < rr_ms.len() {
        bounds.push((start, rr_ms.len()));
    }
    bounds
}

/// Analyses one window; a window too short to analyse is reported, not an error.
fn analyse_window(
    rr_ms: &[f64],
    gaps: &[usize],
    start_s: f64,
    settings: &NightSettings,
) -> WindowResult {
    let covered = rr_ms.iter().sum::<f64>() / 1000.0 / settings.window_s;
    let Ok(series) = RrSeries::new(rr_ms, gaps, &settings.hrv) else {
        return WindowResult {
            start_s,
            n_beats: rr_ms.len(),
            rmssd_ms: None,
            ln_rmssd: None,
            mean_hr_bpm: None,
            artefact_pct: 0.0,
            clean: false,
        };
    };
    let (corrected, artefacts) = artefacts::correct_series(&series, &settings.hrv.correction);
    let segments: Vec<&[f64]> = corrected.segments().collect();
    let time = time_domain::time_domain(&segments);
    let usable = quality(&artefacts, &settings.hrv) != Quality::Unusable;
    WindowResult {
        start_s,
        n_beats: rr_ms.len(),
        rmssd_ms: Some(time.rmssd_ms),
        ln_rmssd: Some(time.ln_rmssd),
        mean_hr_bpm: Some(time.mean_hr_bpm),
        artefact_pct: artefacts.pct,
        clean: usable && covered >= settings.min_coverage && time.rmssd_ms > 0.0,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A deterministic night: ~1 s beats with a respiratory rhythm.
    fn night(beats: usize) -> Vec<f64> {
        (0..beats)
            .map(|i| 1000.0 + 40.0 * (i as f64 * 0.9).sin() + 15.0 * (i as f64 * 0.05).cos())
            .collect()
    }

    #[test]
    fn thirty_minutes_make_six_windows() {
        // Just under 30 minutes of beats, so no stray beat opens a seventh window.
        let rr = night(1795);
        assert!(rr.iter().sum::<f64>() < 1_800_000.0);
        let report = analyse_night(&rr, &[], &NightSettings::default()).unwrap();
        assert_eq!(report.windows.len(), 6);
        assert_eq!(
            report.windows.iter().map(|w| w.n_beats).sum::<usize>(),
            1795
        );
        assert_eq!(report.clean_windows, 6);
        let mean = report
            .windows
            .iter()
            .filter_map(|w| w.ln_rmssd)
            .sum::<f64>()
            / 6.0;
        assert!((report.mean_ln_rmssd.unwrap() - mean).abs() < 1e-12);
    }

    #[test]
    fn a_partial_last_window_does_not_count() {
        let rr = night(900 + 60);
        let report = analyse_night(&rr, &[], &NightSettings::default()).unwrap();
        assert_eq!(report.windows.len(), 4);
        assert_eq!(report.clean_windows, 3);
        assert!(!report.windows[3].clean);
    }

    #[test]
    fn gaps_are_kept_inside_their_window() {
        let mut rr = night(1200);
        // A jump across a gap at beat 450 would inflate that window's RMSSD if differenced.
        for x in &mut rr[450..] {
            *x += 300.0;
        }
        let with_gap = analyse_night(&rr, &[450], &NightSettings::default()).unwrap();
        let without = analyse_night(&rr, &[], &NightSettings::default()).unwrap();
        let w = with_gap
            .windows
            .iter()
            .position(|w| w.start_s == 300.0)
            .unwrap();
        assert!(with_gap.windows[w].rmssd_ms.unwrap() < without.windows[w].rmssd_ms.unwrap());
    }

    #[test]
    fn a_bad_interval_is_named_by_its_place_in_the_night() {
        let mut rr = night(1000);
        rr[777] = f64::INFINITY;
        let err = analyse_night(&rr, &[], &NightSettings::default()).unwrap_err();
        assert_eq!(err, HrvError::NonFinite { index: 777 });
    }
}
