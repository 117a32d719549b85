//! Times alyze's HRV analysis in-process, for `scripts/bench-vs-neurokit`.
//!
//! Usage: `cargo run --release -p alyze-core --example bench_analyse -- [RUNS] [NIGHT_RUNS]`
//! (defaults 200 and 50). Times the full [`analyse`] (automatic artefact correction, time,
//! frequency and nonlinear domains, default Kubios settings) of the public one-hour recording RUNS
//! times, and [`analyse_night`] of the synthetic eight-hour night of `benches/support` in 5-minute
//! windows NIGHT_RUNS times, after a warm-up, and prints the medians with RMSSD and SDNN of the
//! series as given and after correction, one `key=value` per line.

#[path = "../benches/support/mod.rs"]
mod support;

use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use alyze_core::hrv::{Correction, HrvSettings, NightSettings, analyse, analyse_night};

/// Runs before timing starts, to warm caches and the allocator.
const WARM_UP: usize = 3;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let night_runs: usize = args.next().map_or(Ok(50), |a| a.parse())?;
    if runs == 0 || night_runs == 0 {
        return Err("RUNS and NIGHT_RUNS must be at least 1".into());
    }

    let rr = support::long_series()?;
    let settings = HrvSettings::default();
    let report = analyse(&rr, &[], &settings)?;
    let analyse_ms = median_ms(runs, || analyse(black_box(&rr), &[], &settings));
    println!("analyse_runs={runs}");
    println!("analyse_beats={}", rr.len());
    println!("analyse_median_ms={analyse_ms:.4}");
    // For the side-by-side check against packages that analyse the series as given.
    let as_given = analyse(
        &rr,
        &[],
        &HrvSettings {
            correction: Correction::None,
            ..HrvSettings::default()
        },
    )?;
    println!("rmssd_ms={:.6}", as_given.time.rmssd_ms);
    println!("sdnn_ms={:.6}", as_given.time.sdnn_ms);
    println!("corrected_rmssd_ms={:.6}", report.time.rmssd_ms);
    println!("corrected_sdnn_ms={:.6}", report.time.sdnn_ms);
    println!("artefacts_corrected={}", report.artefacts.corrected);

    let night = support::synthetic_night(support::NIGHT_SEED);
    let night_settings = NightSettings::default();
    let night_report = analyse_night(&night, &[], &night_settings)?;
    let night_ms = median_ms(night_runs, || {
        analyse_night(black_box(&night), &[], &night_settings)
    });
    println!("night_runs={night_runs}");
    println!("night_beats={}", night.len());
    println!("night_windows={}", night_report.windows.len());
    println!("night_clean_windows={}", night_report.clean_windows);
    println!("night_median_ms={night_ms:.4}");
    Ok(())
}

/// Median wall time of `runs` calls of `f`, in ms, after [`WARM_UP`] untimed calls.
fn median_ms<R>(runs: usize, mut f: impl FnMut() -> R) -> f64 {
    for _ in 0..WARM_UP {
        black_box(f());
    }
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let mid = times.len() / 2;
    if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2.0
    }
}
