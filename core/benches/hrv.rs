//! Criterion benchmarks of the HRV pipeline: [`analyse`] on the public one-hour recording,
//! [`analyse_night`] on a synthetic eight-hour night in 5-minute windows, and [`sample_entropy`] (the
//! costliest index, quadratic at worst) over that whole night (inputs: `support/`).
//!
//! Run on demand, never in the test command: `cargo bench -p alyze-core --bench hrv`.
//! Targets from the issue: the night under 50 ms; `scripts/bench-vs-neurokit` compares the full
//! analysis with NeuroKit2.

// A benchmark harness: a missing input file must stop it loudly, and criterion's bench functions
// have no caller to return an error to.
#![allow(clippy::expect_used)]

mod support;

use std::hint::black_box;

use alyze_core::hrv::nonlinear::{SAMPEN_DIMENSION, SAMPEN_TOLERANCE_SD, sample_entropy};
use alyze_core::hrv::{HrvSettings, NightSettings, analyse, analyse_night};
use criterion::{Criterion, criterion_main};

/// Full analysis (artefact correction, time, frequency and nonlinear domains) of the 1-hour series.
fn bench_analyse(c: &mut Criterion) {
    let rr = support::long_series().expect("data/hrv/pyhrv_sample_nni_long.txt is readable");
    let settings = HrvSettings::default();
    c.bench_function("analyse 1 h (pyHRV long series)", |b| {
        b.iter(|| analyse(black_box(&rr), &[], &settings))
    });
}

/// Windowed analysis of an 8-hour night in 5-minute windows.
fn bench_night(c: &mut Criterion) {
    let rr = support::synthetic_night(support::NIGHT_SEED);
    let settings = NightSettings::default();
    c.bench_function("analyse_night 8 h synthetic, 5-min windows", |b| {
        b.iter(|| analyse_night(black_box(&rr), &[], &settings))
    });
}

/// Sample entropy (m = 2, r = 0.2 SD) of the whole synthetic night, ~30,000 beats, rounded to whole
/// milliseconds as devices report them (so with many ties).
fn bench_sampen_night(c: &mut Criterion) {
    let rr: Vec<f64> = support::synthetic_night(support::NIGHT_SEED)
        .iter()
        .map(|v| v.round())
        .collect();
    let n = rr.len() as f64;
    let mean = rr.iter().sum::<f64>() / n;
    let sd = (rr.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let r = SAMPEN_TOLERANCE_SD * sd;
    c.bench_function("sample_entropy 8 h synthetic (~30,000 beats)", |b| {
        b.iter(|| sample_entropy(black_box(&rr), SAMPEN_DIMENSION, r))
    });
}

/// Every benchmark of this file (what `criterion_group!` would generate, with a doc comment).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench_analyse(&mut c);
    bench_night(&mut c);
    bench_sampen_night(&mut c);
}

criterion_main!(benches);
