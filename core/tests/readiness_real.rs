//! Readiness on the real public recordings in `data/hrv/` (pyHRV's sample NN series, BSD-3).
//!
//! What they can show and what they cannot: they are two single recordings (~5 min and ~60 min),
//! not nights of one member over weeks, so no public data can check a readiness *score* or *call*:
//! a score needs a 7-day week and a 60-day normal range of the same member's nights. What they do
//! check, end to end through the store, the daily summary and the readiness engine, on real beats
//! rather than generated ones:
//!
//! - the night's lnRMSSD the baseline is built on. With artefact correction off, the 5-minute
//!   recording (shorter than a night window, so analysed as one reading) gives ln of NeuroKit2's
//!   RMSSD of the same series (`tests/reference/time_domain.json`, written by NeuroKit2, not by
//!   this crate). With the defaults, the recordings' real artefacts are corrected first (4 beats
//!   of the 5 minutes), and the value is that of the HRV engine: [`analyse`] of the 5 minutes, the
//!   mean ln RMSSD of the clean 5-minute windows of [`analyse_night`] for the hour;
//! - the calibrating state and its days left, derived by hand from the documented defaults.

// Test code: a failure should stop the test with its reason.
#![allow(clippy::expect_used, clippy::panic)]

mod support;

use alyze_core::health::time::Timestamp;
use alyze_core::health::{Beat, HeartbeatSeries, SleepSegment, SleepSession, SleepStage, Source};
use alyze_core::hrv::{Correction, analyse, analyse_night};
use alyze_core::load::Sex;
use alyze_core::readiness::{
    HistorySettings, HrvMetric, MemberProfile, ReadinessHistory, ReadinessState, readiness_history,
};
use alyze_core::store::Store;
use chrono::{DateTime, NaiveDate};

const STREAM: &str = "real-recordings";

fn utc(text: &str) -> Timestamp {
    let local = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z").expect("a valid time");
    Timestamp::from_local(local, Some("UTC".to_owned())).expect("a valid timestamp")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn watch() -> Source {
    Source::named("Member's watch")
}

/// The recording as a heartbeat series from `start`: a first beat at the start, then one beat
/// after each interval, no gaps.
fn series(start: Timestamp, rr_ms: &[f64]) -> HeartbeatSeries {
    let mut t = 0.0;
    let mut beats = vec![Beat {
        offset_s: t,
        preceded_by_gap: false,
    }];
    for rr in rr_ms {
        t += rr / 1000.0;
        beats.push(Beat {
            offset_s: t,
            preceded_by_gap: false,
        });
    }
    HeartbeatSeries {
        start,
        beats,
        source: watch(),
        platform_id: None,
    }
}

/// An 8-hour night asleep throughout.
fn night(start: Timestamp, end: Timestamp) -> SleepSession {
    SleepSession {
        segments: vec![SleepSegment {
            stage: SleepStage::Asleep,
            start: start.clone(),
            end: end.clone(),
        }],
        start,
        end,
        source: watch(),
        platform_id: None,
    }
}

fn assert_close(what: &str, ours: f64, expected: f64) {
    assert!(
        (ours - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{what}: {ours} != {expected}"
    );
}

/// Night 1 (ending 2 Jan 2026): the 5-minute recording; night 2 (ending 3 Jan): the hour. Both in
/// 8-hour nights asleep throughout.
fn store() -> (Store, Vec<f64>, Vec<f64>) {
    let short = support::recording("pyhrv_sample_nni_short.txt");
    let long = support::recording("pyhrv_sample_nni_long.txt");
    let mut store = Store::open_in_memory().expect("the store opens");
    store
        .ingest(
            STREAM,
            &[
                night(
                    utc("2026-01-01 23:00:00 +0000"),
                    utc("2026-01-02 07:00:00 +0000"),
                ),
                night(
                    utc("2026-01-02 23:00:00 +0000"),
                    utc("2026-01-03 07:00:00 +0000"),
                ),
            ],
            &[],
            None,
        )
        .expect("the nights are stored");
    store
        .ingest(
            STREAM,
            &[
                series(utc("2026-01-02 03:00:00 +0000"), &short),
                series(utc("2026-01-03 02:00:00 +0000"), &long),
            ],
            &[],
            None,
        )
        .expect("the recordings are stored");
    (store, short, long)
}

fn history(store: &Store, settings: &HistorySettings) -> ReadinessHistory {
    let history = readiness_history(
        store,
        date(2026, 1, 2),
        date(2026, 1, 3),
        &MemberProfile::new(Sex::Male),
        settings,
    )
    .expect("readiness reads");
    assert_eq!(history.days.len(), 2);
    assert_eq!(history.trends.len(), 2);
    for day in &history.days {
        assert_eq!(day.hrv_metric, HrvMetric::Rmssd, "{}", day.date);
    }
    history
}

/// The mean ln RMSSD of the clean windows of the hour under `settings`.
fn hour_value(long: &[f64], settings: &HistorySettings) -> f64 {
    let report = analyse_night(long, &[], &settings.summary.night).expect("the hour analyses");
    let clean: Vec<f64> = report
        .windows
        .iter()
        .filter(|w| w.clean)
        .filter_map(|w| w.rmssd_ms)
        .map(f64::ln)
        .collect();
    assert!(clean.len() >= 10, "most of the hour's 12 windows are clean");
    clean.iter().sum::<f64>() / clean.len() as f64
}

/// With artefact correction off, night 1's lnRMSSD is ln of NeuroKit2's RMSSD of the recording.
#[test]
fn uncorrected_night_is_neurokit2s_rmssd() {
    let (store, short, long) = store();
    let mut settings = HistorySettings::default();
    settings.summary.hrv.correction = Correction::None;
    settings.summary.night.hrv.correction = Correction::None;
    let history = history(&store, &settings);

    // 299.6 s of beats: shorter than a 300-s window, so one reading of the whole series.
    assert!(short.iter().sum::<f64>() / 1000.0 < settings.summary.night.window_s);
    let reference = support::reference("time_domain");
    let nk_rmssd = reference["series"]["pyhrv_sample_nni_short.txt"]["neurokit2"]["HRV_RMSSD"]
        .as_f64()
        .expect("NeuroKit2's RMSSD of the short series");
    let ln_short = history.trends[0].ln_hrv.expect("night 1 has an lnRMSSD");
    // The beats' offsets are sums of the intervals in seconds: float rounding only.
    assert!(
        (ln_short - nk_rmssd.ln()).abs() < 1e-9,
        "{ln_short} vs ln {nk_rmssd}"
    );
    let ln_long = history.trends[1].ln_hrv.expect("night 2 has an lnRMSSD");
    assert_close("night 2 lnRMSSD", ln_long, hour_value(&long, &settings));
}

/// With the defaults: the HRV engine's corrected values, and a calibrating member (never red).
#[test]
fn default_nights_calibrate() {
    let (store, short, long) = store();
    let settings = HistorySettings::default();
    let history = history(&store, &settings);

    let report = analyse(&short, &[], &settings.summary.hrv).expect("the short series analyses");
    assert!(
        report.artefacts.corrected > 0,
        "the recording has real artefacts"
    );
    let ln_short = history.trends[0].ln_hrv.expect("night 1 has an lnRMSSD");
    assert_close("night 1 lnRMSSD", ln_short, report.time.rmssd_ms.ln());
    let ln_long = history.trends[1].ln_hrv.expect("night 2 has an lnRMSSD");
    assert_close("night 2 lnRMSSD", ln_long, hour_value(&long, &settings));
    // Near ln of the hour's RMSSD as pyHRV reports it (60.523 ms, uncorrected): the windows of one
    // recording scatter around the whole.
    assert!((ln_long - 60.523_f64.ln()).abs() < 0.25, "{ln_long}");

    // The normal range needs 14 valid nights in the 60 days before today (defaults: 60 days
    // ending yesterday, at least 14 valid), the week 3 of 7 ending today. After night 1 it takes
    // 14 more days with a reading: on the 14th, the 60 days before it hold night 1 and the 13
    // nights since. After night 2, 13 more days.
    for (day, days_left) in history.days.iter().zip([14, 13]) {
        assert_eq!(
            day.state,
            ReadinessState::Calibrating { days_left },
            "{}",
            day.date
        );
        assert_eq!(day.score, None);
        assert_eq!(day.recommendation, None);
    }
    for trend in &history.trends {
        assert_eq!(trend.sleep_h, Some(8.0), "{}", trend.date);
    }
}
