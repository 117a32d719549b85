//! Properties of the HRV pipeline that hold for every input, checked on generated series.

#![allow(clippy::unwrap_used)]

mod support;

use alyze_core::hrv::{
    Correction, HrvSettings, NightSettings, RrUnit, analyse, analyse_night, parse_rr_text,
};
use proptest::prelude::*;
use support::uncorrected;

/// Plausible RR series: around a resting rhythm with beat-to-beat variation.
fn rr_series(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    (500.0..900.0f64, prop::collection::vec(-60.0..60.0f64, len))
        .prop_map(|(base, jitter)| jitter.into_iter().map(|j| base + j).collect())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Scaling every interval by k scales SDNN, RMSSD, SDSD, SD1 and SD2 by k, and powers by k².
    #[test]
    fn scaling_scales_the_spread(rr in rr_series(40..400), k in 1.0..2.0f64) {
        let scaled: Vec<f64> = rr.iter().map(|x| x * k).collect();
        let a = analyse(&rr, &[], &uncorrected()).unwrap();
        let b = analyse(&scaled, &[], &uncorrected()).unwrap();
        prop_assert!(close(b.time.sdnn_ms, k * a.time.sdnn_ms));
        prop_assert!(close(b.time.rmssd_ms, k * a.time.rmssd_ms));
        prop_assert!(close(b.time.sdsd_ms, k * a.time.sdsd_ms));
        prop_assert!(close(b.nonlinear.sd1_ms, k * a.nonlinear.sd1_ms));
        prop_assert!(close(b.nonlinear.sd2_ms, k * a.nonlinear.sd2_ms));
        // Dimensionless indices do not move.
        prop_assert_eq!(a.time.nn50 <= a.n_beats, true);
        if let (Some(x), Some(y)) = (a.nonlinear.dfa_alpha1, b.nonlinear.dfa_alpha1) {
            prop_assert!((x - y).abs() < 1e-9);
        }
    }

    /// A constant rhythm has no variability at all.
    #[test]
    fn a_constant_series_has_no_spread(rr in 400.0..1500.0f64, n in 30usize..500) {
        let report = analyse(&vec![rr; n], &[], &HrvSettings::default()).unwrap();
        prop_assert_eq!(report.time.sdnn_ms, 0.0);
        prop_assert_eq!(report.time.rmssd_ms, 0.0);
        prop_assert_eq!(report.nonlinear.sd1_ms, 0.0);
        prop_assert!((report.time.mean_nn_ms - rr).abs() < 1e-9);
        prop_assert_eq!(report.artefacts.detected, 0);
    }

    /// Correction leaves a clean, smoothly varying series exactly as it was. "Smooth" means at
    /// least 8 beats per breath: a noise-free wave of 4-5 beats a cycle is flagged by the
    /// Lipponen-Tarvainen method itself (NeuroKit2's implementation flags the same beats).
    #[test]
    fn correction_never_changes_a_clean_series(
        base in 600.0..1100.0f64,
        amp in 0.0..30.0f64,
        period in 8.0..40.0f64,
        n in 60usize..600,
    ) {
        let rr: Vec<f64> = (0..n)
            .map(|i| base + amp * (2.0 * std::f64::consts::PI * i as f64 / period).sin())
            .collect();
        let corrected = analyse(&rr, &[], &HrvSettings::default()).unwrap();
        let raw = analyse(&rr, &[], &uncorrected()).unwrap();
        prop_assert_eq!(corrected.artefacts.detected, 0);
        prop_assert_eq!(corrected.n_beats, n);
        prop_assert_eq!(corrected.time, raw.time);
    }

    /// No input makes the pipeline panic: it answers or names what is wrong.
    #[test]
    fn no_panic_on_any_input(
        rr in prop::collection::vec(prop_oneof![
            Just(f64::NAN), Just(f64::INFINITY), -1e6..1e6f64, 250.0..2100.0f64, 300.0..2000.0f64
        ], 0..300),
        gaps in prop::collection::vec(0usize..320, 0..8),
        correction in prop_oneof![
            Just(Correction::Automatic),
            Just(Correction::None),
            (0.0..500.0f64).prop_map(|threshold_ms| Correction::Threshold { threshold_ms }),
        ],
    ) {
        let settings = HrvSettings { correction, ..HrvSettings::default() };
        if let Ok(report) = analyse(&rr, &gaps, &settings) {
            prop_assert!(report.time.mean_nn_ms.is_finite());
            prop_assert!(report.time.sdnn_ms.is_finite() && report.time.sdnn_ms >= 0.0);
            prop_assert!(report.time.rmssd_ms.is_finite());
            prop_assert!(report.artefacts.pct >= 0.0 && report.artefacts.pct <= 100.0);
        }
        let night = NightSettings { window_s: 60.0, hrv: settings, ..NightSettings::default() };
        let _ = analyse_night(&rr, &gaps, &night);
    }

    /// Series that are valid and varied, in any run structure, always give finite indices.
    #[test]
    fn valid_input_gives_finite_indices(
        rr in rr_series(30..2000),
        gaps in prop::collection::vec(1usize..30, 0..4),
    ) {
        let report = analyse(&rr, &gaps, &HrvSettings::default()).unwrap();
        prop_assert!(report.time.ln_rmssd.is_finite());
        prop_assert!(report.nonlinear.sd2_ms.is_finite());
        if let Some(f) = &report.frequency {
            for v in [f.vlf_ms2, f.lf_ms2, f.hf_ms2, f.total_ms2, f.lf_hf, f.lf_nu, f.hf_nu] {
                prop_assert!(v.is_finite() && v >= 0.0);
            }
        }
    }

    /// Any text, however mangled, is read or refused with a line-numbered error: never a panic,
    /// and every interval read keeps the line it came from.
    #[test]
    fn any_text_is_read_or_refused(text in "(?s)[0-9a-zA-Z.,;\t\" #_\r\n-]{0,400}") {
        match parse_rr_text(&text, RrUnit::Milliseconds) {
            Ok(parsed) => {
                prop_assert_eq!(parsed.rr_ms.len(), parsed.lines.len());
                let n_lines = text.lines().count();
                prop_assert!(parsed.lines.iter().all(|&l| l >= 1 && l <= n_lines));
                prop_assert!(parsed.lines.windows(2).all(|w| w[0] < w[1]));
            }
            Err(err) => prop_assert!(err.line.is_none_or(|l| l >= 1 && l <= text.lines().count())),
        }
    }
}
