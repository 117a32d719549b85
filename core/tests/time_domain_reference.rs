//! Time-domain indices against three independent implementations on public recordings.
//!
//! `tests/reference/time_domain.json` holds the raw output of NeuroKit2 (`nk.hrv_time`),
//! hrv-analysis (`get_time_domain_features`) and pyHRV (`pyhrv.time_domain.time_domain`) for the
//! pyHRV sample NN series in `data/hrv/` (BSD-3; see its README), written by
//! `tests/reference/gen_time_domain.py`. None of those values comes from this crate. Each package
//! keeps its own conventions; where one differs from ours (`alyze_core::hrv::time_domain`: SDNN and
//! SDSD with N-1, pNN50 over the N-1 successive differences, mean HR as the mean of 60000/RR), the
//! test converts the package's value to our convention and says why, rather than skipping it.
//!
//! Also checked: the figures pyHRV publishes for the long series (pyHRV documentation and
//! `data/hrv/README.md`), to the three decimals they are given with.
//!
//! `cargo test -p alyze-core --test time_domain_reference -- --nocapture` prints the relative
//! difference of every comparison.

// A test: a failed expectation is the failure report.
#![allow(clippy::expect_used, clippy::panic)]

mod support;

use alyze_core::hrv::{TimeDomain, analyse};
use serde_json::Value;

/// Relative tolerance of the comparison (domain brief, section 3: the packages agree to 1e-4).
const REL_TOL: f64 = 1e-4;

/// Our time-domain indices of a series, uncorrected (the references analyse the series as given).
fn ours(rr: &[f64]) -> TimeDomain {
    analyse(rr, &[], &support::uncorrected())
        .expect("the sample series is analysable")
        .time
}

/// A number from a package's output.
fn num(package: &Value, key: &str) -> f64 {
    package[key]
        .as_f64()
        .unwrap_or_else(|| panic!("reference value {key} is missing"))
}

/// Asserts `actual` equals `expected` to [`REL_TOL`] relative, and prints the relative difference.
fn assert_close(what: &str, actual: f64, expected: f64) {
    let rel = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
    println!("{what}: relative difference {rel:.1e}");
    assert!(
        rel <= REL_TOL,
        "{what}: alyze {actual} vs reference {expected} (relative difference {rel:e})"
    );
}

/// The series the references cover.
const SERIES: [&str; 2] = ["pyhrv_sample_nni_short.txt", "pyhrv_sample_nni_long.txt"];

/// Runs `check` on every series with our indices, the series' entry in the reference file, the
/// number of intervals N and of successive differences N-1.
fn for_each_series(check: impl Fn(&str, &TimeDomain, &Value, f64, f64)) {
    let reference = support::reference("time_domain");
    for name in SERIES {
        let rr = support::recording(name);
        let entry = &reference["series"][name];
        assert_eq!(
            entry["n_intervals"].as_u64(),
            Some(rr.len() as u64),
            "{name}: the reference was computed on another version of the series"
        );
        let n = rr.len() as f64;
        check(name, &ours(&rr), entry, n, n - 1.0);
    }
}

#[test]
fn neurokit2() {
    for_each_series(|name, t, entry, n, n_diffs| {
        let nk = &entry["neurokit2"];
        let at = |index: &str| format!("{name} NeuroKit2 {index}");
        assert_close(&at("MeanNN"), t.mean_nn_ms, num(nk, "HRV_MeanNN"));
        assert_close(&at("SDNN"), t.sdnn_ms, num(nk, "HRV_SDNN"));
        assert_close(&at("RMSSD"), t.rmssd_ms, num(nk, "HRV_RMSSD"));
        // nk.hrv_time: SDSD = np.nanstd(diff, ddof=1), our convention.
        assert_close(&at("SDSD"), t.sdsd_ms, num(nk, "HRV_SDSD"));
        // nk.hrv_time divides NN50 by len(diff) + 1 = N intervals; we divide by the N-1
        // differences (Kubios). It reports no NN50 count, so the count is recovered from pNN50 too.
        let nk_pnn50 = num(nk, "HRV_pNN50");
        assert_close(&at("pNN50"), t.pnn50_pct, nk_pnn50 * n / n_diffs);
        assert_eq!(
            t.nn50 as f64,
            (nk_pnn50 * n / 100.0).round(),
            "{}",
            at("NN50")
        );
        // nk.hrv_time reports no mean heart rate: nothing to compare.
    });
}

#[test]
fn hrv_analysis() {
    for_each_series(|name, t, entry, _n, n_diffs| {
        let ha = &entry["hrv-analysis"];
        let at = |index: &str| format!("{name} hrv-analysis {index}");
        assert_close(&at("MeanNN"), t.mean_nn_ms, num(ha, "mean_nni"));
        assert_close(&at("SDNN"), t.sdnn_ms, num(ha, "sdnn"));
        assert_close(&at("RMSSD"), t.rmssd_ms, num(ha, "rmssd"));
        // get_time_domain_features: sdsd = np.nanstd(diff), the population SD (ddof 0); rescale
        // to the sample SD (ddof 1) over the N-1 differences.
        let sdsd = num(ha, "sdsd") * (n_diffs / (n_diffs - 1.0)).sqrt();
        assert_close(&at("SDSD"), t.sdsd_ms, sdsd);
        assert_eq!(t.nn50 as f64, num(ha, "nni_50"), "{}", at("NN50"));
        // With its default pnni_as_percent=True, pnni_50 divides by len(nn) - 1: our convention.
        assert_close(&at("pNN50"), t.pnn50_pct, num(ha, "pnni_50"));
        // mean_hr = mean(60000 / nn): our convention.
        assert_close(&at("mean HR"), t.mean_hr_bpm, num(ha, "mean_hr"));
    });
}

#[test]
fn pyhrv() {
    for_each_series(|name, t, entry, _n, n_diffs| {
        let py = &entry["pyhrv"];
        let at = |index: &str| format!("{name} pyHRV {index}");
        assert_close(&at("MeanNN"), t.mean_nn_ms, num(py, "nni_mean"));
        assert_close(&at("SDNN"), t.sdnn_ms, num(py, "sdnn"));
        assert_close(&at("RMSSD"), t.rmssd_ms, num(py, "rmssd"));
        // pyHRV's SDSD is the sample SD (ddof 1) of the *absolute* differences |d| (tools.nni_diff
        // returns |d|); ours is that of the signed differences d. Over the same n = N-1 values,
        // (n-1)·SD² = Σd² − n·mean² for either, and Σd² = Σ|d|², so
        //   SD(d)² = SD(|d|)² + n/(n-1) · (mean(|d|)² − mean(d)²),
        // with mean(|d|) pyHRV's own `nni_diff_mean` and mean(d) = (last − first) / n, since the
        // differences telescope.
        let rr = support::recording(name);
        let mean_d = (rr[rr.len() - 1] - rr[0]) / n_diffs;
        let mean_abs_d = num(py, "nni_diff_mean");
        let sdsd = (num(py, "sdsd").powi(2)
            + n_diffs / (n_diffs - 1.0) * (mean_abs_d.powi(2) - mean_d.powi(2)))
        .sqrt();
        assert_close(&at("SDSD"), t.sdsd_ms, sdsd);
        assert_eq!(t.nn50 as f64, num(py, "nn50"), "{}", at("NN50"));
        // pnn50 = nn50 / len(nni_diff): our convention.
        assert_close(&at("pNN50"), t.pnn50_pct, num(py, "pnn50"));
        // hr_mean = mean(60000 / nn): our convention.
        assert_close(&at("mean HR"), t.mean_hr_bpm, num(py, "hr_mean"));
    });
}

#[test]
fn pyhrv_published_figures_for_the_long_series() {
    // pyHRV's own report for SampleNNISeries (long): RMSSD 60.523 ms, SDNN 85.357 ms,
    // pNN50 28.571 % (data/hrv/README.md; domain brief section 3).
    let t = ours(&support::recording("pyhrv_sample_nni_long.txt"));
    assert_eq!(format!("{:.3}", t.rmssd_ms), "60.523");
    assert_eq!(format!("{:.3}", t.sdnn_ms), "85.357");
    assert_eq!(format!("{:.3}", t.pnn50_pct), "28.571");
}
