//! Frequency-domain indices against an independent implementation of the Kubios recipe on public
//! recordings, and against NeuroKit2 for comparison.
//!
//! `tests/reference/spectrum.json` is written by `tests/reference/gen_spectrum.py` from the pyHRV
//! sample NN series in `data/hrv/` (BSD-3; see its README). Its `scipy` entries implement the same
//! Kubios 2.x recipe as `alyze_core::hrv::spectrum` with scipy's building blocks
//! (`CubicSpline` not-a-knot at 4 Hz, `scipy.signal.welch` Hann 1024/512 density, sparse solve of
//! the smoothness-priors system); none of its values comes from this crate. Cases cover the short
//! (~5 min, one Welch segment) and long (~1 h, 27 segments) series, smoothness-priors detrending
//! (λ = 500), gaps (the long series split into three runs, the last too short for a segment) and a
//! recording shorter than one segment (the whole of it as the single segment).
//!
//! Tolerances:
//! - against the scipy recipe, [`REL_TOL`] = 1e-6 relative on every power and ratio, and the same
//!   bin for every peak: the two compute the same thing and differ only by rounding (the
//!   smoothness-priors system, with condition number ~16 λ² ≈ 4e6, is the largest source);
//! - against NeuroKit2 (`hrv_frequency`, 4 Hz, unnormalised), [`NEUROKIT_REL_TOL`] = 25 % on LF,
//!   HF and LF/HF: a sanity bound only, catching a unit or scaling error. NeuroKit2 interpolates
//!   with a quadratic rather than a cubic spline, picks its own Welch window and zero-pads it,
//!   integrates by trapezoids and splits ULF off VLF, so it is not expected to match Kubios
//!   (domain brief section 3: users complain that it does not).
//!
//! `cargo test -p alyze-core --test spectrum_reference -- --nocapture` prints every relative
//! difference. Timings are benchmarks, not tests: `cargo bench -p alyze-core --bench hrv`.

// A test: a failed expectation is the failure report.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use alyze_core::hrv::spectrum::{Detrending, FrequencyDomain, frequency_domain};
use serde_json::Value;

/// Relative tolerance against the scipy implementation of the same recipe.
const REL_TOL: f64 = 1e-9;

/// Relative tolerance against NeuroKit2, whose recipe differs (see the module documentation).
const NEUROKIT_REL_TOL: f64 = 0.25;

fn number(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number"))
}

fn rel_diff(ours: f64, theirs: f64) -> f64 {
    if ours == theirs {
        0.0
    } else {
        (ours - theirs).abs() / ours.abs().max(theirs.abs())
    }
}

/// Our indices for one case of the reference file.
fn ours(reference: &Value, case: &Value) -> FrequencyDomain {
    let series_key = case["series"].as_str().expect("series name");
    let file = reference["series_files"][series_key]
        .as_str()
        .expect("series file");
    let rr = support::intervals(file);
    let runs: Vec<&[f64]> = case["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| {
            let start = usize::try_from(r[0].as_u64().expect("run start")).expect("fits");
            let end = usize::try_from(r[1].as_u64().expect("run end")).expect("fits");
            &rr[start..end]
        })
        .collect();
    let detrending = match case["smoothness_priors_lambda"].as_f64() {
        Some(lambda) => Detrending::SmoothnessPriors { lambda },
        None => Detrending::None,
    };
    frequency_domain(&runs, &detrending).expect("the case is long enough for a spectrum")
}

#[test]
fn spectrum_agrees_with_the_scipy_recipe() {
    let reference = support::reference("spectrum");
    let cases = reference["cases"].as_array().expect("cases");
    assert!(cases.len() >= 8, "all cases present");
    let mut worst = 0.0_f64;
    for case in cases {
        let name = case["name"].as_str().expect("case name");
        let ours = ours(&reference, case);
        let theirs = &case["scipy"];
        let values = [
            ("vlf_ms2", ours.vlf_ms2),
            ("lf_ms2", ours.lf_ms2),
            ("hf_ms2", ours.hf_ms2),
            ("total_ms2", ours.total_ms2),
            ("lf_hf", ours.lf_hf),
            ("lf_nu", ours.lf_nu),
            ("hf_nu", ours.hf_nu),
        ];
        for (key, value) in values {
            let d = rel_diff(value, number(theirs, key));
            println!(
                "{name:>24} {key:>10}: ours {value:>14.6} scipy {:>14.6} rel diff {d:.2e}",
                number(theirs, key)
            );
            assert!(
                d <= REL_TOL,
                "{name} {key}: ours {value}, scipy {}",
                number(theirs, key)
            );
            worst = worst.max(d);
        }
        // Peaks are bin frequencies: the same bin or nothing.
        for (key, value) in [
            ("vlf_peak_hz", ours.vlf_peak_hz),
            ("lf_peak_hz", ours.lf_peak_hz),
            ("hf_peak_hz", ours.hf_peak_hz),
        ] {
            assert!(
                (value - number(theirs, key)).abs() < 1e-12,
                "{name} {key}: ours {value}, scipy {}",
                number(theirs, key)
            );
        }
    }
    println!("worst relative difference against the scipy recipe: {worst:.2e}");
}

#[test]
fn spectrum_compares_with_neurokit2() {
    let reference = support::reference("spectrum");
    for case in reference["cases"].as_array().expect("cases") {
        let Some(nk) = case.get("neurokit2_4hz_unnormalised") else {
            continue;
        };
        let name = case["name"].as_str().expect("case name");
        let ours = ours(&reference, case);
        for (key, nk_key, value) in [
            ("lf_ms2", "HRV_LF", ours.lf_ms2),
            ("hf_ms2", "HRV_HF", ours.hf_ms2),
            ("lf_hf", "HRV_LFHF", ours.lf_hf),
        ] {
            let d = rel_diff(value, number(nk, nk_key));
            println!(
                "{name:>6} {key:>7}: ours {value:>12.4} NeuroKit2 {:>12.4} rel diff {d:.3}",
                number(nk, nk_key)
            );
            assert!(
                d <= NEUROKIT_REL_TOL,
                "{name} {key}: ours {value}, NeuroKit2 {}",
                number(nk, nk_key)
            );
        }
    }
}
