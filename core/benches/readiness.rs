//! Criterion benchmarks of readiness, against the two targets:
//!
//! - five years of daily history recomputed in under 20 ms: [`assess_history`] of a generated
//!   1,826-day member (`readiness::synthetic`, generated outside the timing);
//! - today's readiness from a cold open of the store in under 10 ms: [`Store::open`] of a store file
//!   holding years of imported data, [`readiness_history`] of today (which reads its 180-day
//!   look-back, the nights and their HRV only for the 63 days the baselines reach) and the drop of
//!   the store, per iteration. The file is built once, outside the
//!   timing, by importing a multi-year synthetic Apple export into a temporary directory.
//!
//! The open is cold for the process (a new connection, an empty SQLite page cache, nothing
//! prepared), not for the operating system: the file's pages stay in the OS page cache between
//! iterations, and dropping that cache needs root. Two more figures split the cold open's time:
//! today's readiness on a store already open (warm), and the open and drop alone.
//!
//! Run on demand, never in the test command: `cargo bench -p alyze-core --bench readiness`.
//! `READINESS_BENCH_STORE_DAYS` sets the days of the store (default 1,096, three years).

// A benchmark harness: a failure to build the input must stop it loudly, and criterion's bench
// functions have no caller to return an error to.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use alyze_core::apple_export::{Flow, SyntheticExport, import_export};
use alyze_core::load::Sex;
use alyze_core::readiness::synthetic::{MemberSpec, generate};
use alyze_core::readiness::{
    HistorySettings, MemberProfile, ReadinessSettings, assess_history, readiness_history,
};
use alyze_core::store::Store;
use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_main};

/// Five years of days, one leap year among them.
const FIVE_YEARS: usize = 1_826;

/// Days of the store of the cold-open benchmark when `READINESS_BENCH_STORE_DAYS` is not set.
const STORE_DAYS: u32 = 1_096;

/// `assess_history` of a generated five-year member history.
fn bench_five_years(c: &mut Criterion) {
    let history = generate(&MemberSpec::stable(7, FIVE_YEARS)).expect("the member generates");
    assert_eq!(history.days.len(), FIVE_YEARS);
    let profile = MemberProfile::new(history.spec.sex);
    let settings = ReadinessSettings::default();
    let mut group = c.benchmark_group("readiness");
    group.bench_function("assess_history 5 years (1,826 days)", |b| {
        b.iter(|| {
            assess_history(black_box(&history.days), &profile, &settings)
                .expect("the history assesses")
        })
    });
    group.finish();
}

/// A store file at `dir/alyze.db` holding `days` days of an imported synthetic export, and the
/// export's last day.
fn build_store(dir: &Path, days: u32) -> (std::path::PathBuf, NaiveDate) {
    let export = SyntheticExport {
        days,
        ..SyntheticExport::default()
    };
    let zip = dir.join("export.zip");
    let started = Instant::now();
    let summary = export.write_zip(&zip).expect("the export writes");
    let written = started.elapsed();
    let path = dir.join("alyze.db");
    let mut store = Store::open(&path).expect("the store opens");
    import_export(&mut store, &zip, |_| Flow::Continue).expect("the export imports");
    drop(store);
    let imported = started.elapsed() - written;
    std::fs::remove_file(&zip).expect("the export is removed");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "store of {days} days: export of {:.1} MB XML ({} records) written in {:.2} s, imported in \
         {:.2} s; database {:.1} MB",
        summary.bytes as f64 / 1e6,
        summary.total_records(),
        written.as_secs_f64(),
        imported.as_secs_f64(),
        size as f64 / 1e6,
    );
    let today = export
        .start_date
        .checked_add_days(Days::new(u64::from(days) - 1))
        .expect("the export's last day is a date");
    (path, today)
}

/// Today's readiness from a cold open of a multi-year store, with the two parts of its time.
fn bench_cold_open(c: &mut Criterion) {
    let days = std::env::var("READINESS_BENCH_STORE_DAYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(STORE_DAYS);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (path, today) = build_store(dir.path(), days);
    let profile = MemberProfile::new(Sex::Male);
    let settings = HistorySettings::default();
    let check = {
        let store = Store::open(&path).expect("the store opens");
        readiness_history(&store, today, today, &profile, &settings).expect("readiness reads")
    };
    println!(
        "today {today}: {:?}, score {:?}, call {:?}",
        check.days[0].state, check.days[0].score, check.days[0].recommendation
    );

    let mut group = c.benchmark_group("readiness");
    // Each iteration reads half a year of the store: 20 samples keep the run under a minute.
    group.sample_size(20);
    group.bench_function(
        format!("today from a cold open (store of {days} days)"),
        |b| {
            b.iter(|| {
                let store = Store::open(black_box(&path)).expect("the store opens");
                let history = readiness_history(&store, today, today, &profile, &settings)
                    .expect("readiness reads");
                drop(store);
                history
            })
        },
    );
    let store = Store::open(&path).expect("the store opens");
    group.bench_function(
        format!("today on an open store (store of {days} days)"),
        |b| {
            b.iter(|| {
                readiness_history(&store, black_box(today), today, &profile, &settings)
                    .expect("readiness reads")
            })
        },
    );
    drop(store);
    group.bench_function(format!("open and drop (store of {days} days)"), |b| {
        b.iter(|| drop(Store::open(black_box(&path)).expect("the store opens")))
    });
    group.finish();
}

/// Every benchmark of this file (what `criterion_group!` would generate, with a doc comment).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench_five_years(&mut c);
    bench_cold_open(&mut c);
}

criterion_main!(benches);
