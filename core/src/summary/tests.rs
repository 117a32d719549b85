//! The summaries of a hand-made store: nights across midnight, over a DST change and abroad, two
//! sources for one night, a nap, beat-to-beat and platform HRV, SDNN, a revised check-in.

use chrono::{DateTime, NaiveDate};

use super::*;
use crate::health::source::tests::watch;
use crate::health::{
    Beat, CheckIn, HeartbeatSeries, LabResult, McLeanItems, QuantitySample, RecoverySession,
    SleepSegment, SleepSession, SleepStage, Source, TrainingSession, Workout,
};

const STREAM: &str = "test";

/// A local time with its offset, `yyyy-MM-dd HH:mm:ss +hhmm` as Apple writes it.
fn at(text: &str, zone: &str) -> Timestamp {
    let local = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z").expect("a valid time");
    Timestamp::from_local(local, Some(zone.to_owned())).expect("a valid timestamp")
}

fn berlin(text: &str) -> Timestamp {
    at(text, "Europe/Berlin")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn phone() -> Source {
    Source {
        bundle_id: Some("com.apple.health.1B2C".to_owned()),
        ..Source::named("Member's iPhone")
    }
}

fn connect() -> Source {
    Source {
        bundle_id: Some("com.google.android.apps.fitness".to_owned()),
        ..Source::named("Fit")
    }
}

fn segment(stage: SleepStage, start: &Timestamp, minutes: i64) -> SleepSegment {
    SleepSegment {
        stage,
        start: start.clone(),
        end: start
            .plus(TimeDelta::minutes(minutes))
            .expect("a valid end"),
    }
}

/// A session of consecutive stages from `start`, from `source`.
fn session(start: Timestamp, stages: &[(SleepStage, i64)], source: Source) -> SleepSession {
    let mut segments = Vec::new();
    let mut cursor = start.clone();
    for &(stage, minutes) in stages {
        let s = segment(stage, &cursor, minutes);
        cursor = s.end.clone();
        segments.push(s);
    }
    SleepSession {
        start,
        end: cursor,
        segments,
        source,
        platform_id: None,
    }
}

/// A session that ends at `end` (its own offset), asleep throughout.
fn asleep(start: Timestamp, end: Timestamp, source: Source) -> SleepSession {
    SleepSession {
        segments: vec![SleepSegment {
            stage: SleepStage::Asleep,
            start: start.clone(),
            end: end.clone(),
        }],
        start,
        end,
        source,
        platform_id: None,
    }
}

/// Two runs of `n / 2` RR intervals, ms, swinging around `mean` by `amp` with a period of 5 beats
/// (sinus arrhythmia: breathing at 12/min with the heart at 60 bpm).
fn rr_runs(n: usize, mean: f64, amp: f64) -> [Vec<f64>; 2] {
    let rr = |i: usize| mean + amp * (std::f64::consts::TAU * i as f64 / 5.0).sin();
    [(0..n / 2).map(rr).collect(), (n / 2..n).map(rr).collect()]
}

/// The RMSSD of `runs`, ms, worked out here: the successive differences within each run, none
/// across the gap between runs (domain brief section 3).
fn rmssd_of(runs: &[Vec<f64>]) -> f64 {
    let squares: Vec<f64> = runs
        .iter()
        .flat_map(|run| run.windows(2).map(|w| (w[1] - w[0]).powi(2)))
        .collect();
    (squares.iter().sum::<f64>() / squares.len() as f64).sqrt()
}

/// A heartbeat series of the intervals of [`rr_runs`], with a recording gap between the runs.
fn series(start: Timestamp, n: usize, mean: f64, amp: f64, source: Source) -> HeartbeatSeries {
    let mut t = 0.5;
    let mut beats = Vec::new();
    for (k, run) in rr_runs(n, mean, amp).iter().enumerate() {
        if k > 0 {
            // Beats went missing: 3 s later the next beat comes, marked as after a gap.
            t += 3.0;
        }
        beats.push(Beat {
            offset_s: t,
            preceded_by_gap: k > 0,
        });
        for rr in run {
            t += rr / 1000.0;
            beats.push(Beat {
                offset_s: t,
                preceded_by_gap: false,
            });
        }
    }
    HeartbeatSeries {
        start,
        beats,
        source,
        platform_id: None,
    }
}

fn quantity(kind: QuantityKind, value: f64, time: &str, source: Source) -> QuantitySample {
    let t = berlin(time);
    QuantitySample::new(kind, value, t.clone(), t, source, None).expect("a valid sample")
}

fn mclean(all: u8) -> Questionnaire {
    Questionnaire::McLean(McLeanItems {
        fatigue: all,
        sleep_quality: all,
        soreness: all,
        stress: all,
        mood: all,
    })
}

fn store() -> Store {
    let mut store = Store::open_in_memory().expect("opens");
    let sleeps = vec![
        // Night of 28 Oct, across midnight, from the Watch: 440 min asleep of 450 in bed.
        session(
            berlin("2022-10-27 23:10:00 +0200"),
            &[
                (SleepStage::Light, 110),
                (SleepStage::Deep, 60),
                (SleepStage::Awake, 10),
                (SleepStage::Rem, 60),
                (SleepStage::Light, 210),
            ],
            watch(),
        ),
        // The same night from the phone: the Watch wins by default.
        asleep(
            berlin("2022-10-27 22:30:00 +0200"),
            berlin("2022-10-28 07:30:00 +0200"),
            phone(),
        ),
        // An afternoon nap: ends before the cut-off but is too short to be the night.
        asleep(
            berlin("2022-10-28 14:00:00 +0200"),
            berlin("2022-10-28 15:00:00 +0200"),
            watch(),
        ),
        // A long evening nap: long enough, but ends after the cut-off, so no day's night.
        asleep(
            berlin("2022-10-28 19:00:00 +0200"),
            berlin("2022-10-28 22:30:00 +0200"),
            watch(),
        ),
        // The DST night: CEST at bedtime, CET at wake time; 9 real hours for 8 on the clock.
        asleep(
            berlin("2022-10-29 23:00:00 +0200"),
            berlin("2022-10-30 07:00:00 +0100"),
            watch(),
        ),
        // A trip to Tokyo: the night ends on 3 Nov local time, still 2 Nov in UTC.
        asleep(
            at("2022-11-02 22:30:00 +0900", "Asia/Tokyo"),
            at("2022-11-03 06:30:00 +0900", "Asia/Tokyo"),
            watch(),
        ),
    ];
    store
        .ingest(STREAM, &sleeps, &[], None)
        .expect("sleep stored");
    let beats = vec![
        series(
            berlin("2022-10-28 01:30:00 +0200"),
            80,
            950.0,
            20.0,
            watch(),
        ),
        series(
            berlin("2022-10-28 03:30:00 +0200"),
            80,
            850.0,
            30.0,
            watch(),
        ),
        // Another source's series that night: not the preferred one.
        series(
            berlin("2022-10-28 02:30:00 +0200"),
            80,
            800.0,
            60.0,
            phone(),
        ),
    ];
    store
        .ingest(STREAM, &beats, &[], None)
        .expect("beats stored");
    let samples = vec![
        quantity(
            QuantityKind::HrvSdnn,
            40.0,
            "2022-10-28 01:00:00 +0200",
            watch(),
        ),
        quantity(
            QuantityKind::HrvSdnn,
            60.0,
            "2022-10-28 04:00:00 +0200",
            watch(),
        ),
        // After wake time: not the night's.
        quantity(
            QuantityKind::HrvSdnn,
            90.0,
            "2022-10-28 12:00:00 +0200",
            watch(),
        ),
        // Platform RMSSD on the 28th is ignored (beat-to-beat data exist); on the DST night it is
        // the only RMSSD.
        quantity(
            QuantityKind::HrvRmssd,
            70.0,
            "2022-10-28 02:00:00 +0200",
            connect(),
        ),
        quantity(
            QuantityKind::HrvRmssd,
            30.0,
            "2022-10-30 01:00:00 +0200",
            connect(),
        ),
        quantity(
            QuantityKind::HrvRmssd,
            50.0,
            "2022-10-30 02:30:00 +0100",
            connect(),
        ),
        quantity(
            QuantityKind::RestingHeartRate,
            52.0,
            "2022-10-28 09:00:00 +0200",
            watch(),
        ),
        quantity(
            QuantityKind::RestingHeartRate,
            60.0,
            "2022-10-28 09:00:00 +0200",
            phone(),
        ),
    ];
    store
        .ingest_quantities(STREAM, &samples, &[], None)
        .expect("samples stored");
    let run_start = berlin("2022-10-28 18:00:00 +0200");
    let workout = Workout {
        activity: ActivityType::Running,
        end: run_start.plus(TimeDelta::minutes(45)).expect("an end"),
        start: run_start.clone(),
        duration_s: 45.0 * 60.0,
        active_energy_kcal: Some(480.0),
        avg_heart_rate_bpm: Some(150.0),
        max_heart_rate_bpm: Some(178.0),
        distance_m: Some(8000.0),
        events: Vec::new(),
        source: watch(),
        platform_id: None,
    };
    // The same run from the phone overlaps the Watch's: counted once.
    let duplicate = Workout {
        source: phone(),
        ..workout.clone()
    };
    store
        .ingest(STREAM, &[workout, duplicate], &[], None)
        .expect("workouts stored");
    let rpe = TrainingSession::new(run_start, 6, 45.0, Some(ActivityType::Running), phone())
        .expect("a valid session");
    store
        .ingest(STREAM, &[rpe], &[], None)
        .expect("training stored");
    let sauna = RecoverySession::new(
        RecoveryModality::Sauna,
        berlin("2022-10-28 20:00:00 +0200"),
        15.0 * 60.0,
        Some(85.0),
        phone(),
    )
    .expect("a valid session");
    store
        .ingest(STREAM, &[sauna], &[], None)
        .expect("recovery stored");
    let crp = LabResult {
        loinc: "30522-7".to_owned(),
        value: 1.2,
        unit: "mg/L".to_owned(),
        reference_low: None,
        reference_high: Some(3.0),
        collected_at: berlin("2022-10-28 08:00:00 +0200"),
        source: Source::named("Clinic lab"),
    };
    store.ingest(STREAM, &[crp], &[], None).expect("lab stored");
    // A check-in and its edit later the same day: the edit is the day's check-in.
    for (time, answers) in [
        ("2022-10-28 07:45:00 +0200", mclean(2)),
        ("2022-10-28 08:15:00 +0200", mclean(4)),
    ] {
        let check_in =
            CheckIn::new(berlin(time), answers, Source::named("alyze")).expect("a valid check-in");
        store
            .ingest(STREAM, &[check_in], &[], None)
            .expect("check-in stored");
    }
    store
}

fn summaries() -> Vec<DailySummary> {
    daily_summaries(
        &store(),
        date(2022, 10, 28),
        date(2022, 11, 3),
        &SummarySettings::default(),
    )
    .expect("summaries")
}

fn day(all: &[DailySummary], d: NaiveDate) -> &DailySummary {
    all.iter().find(|s| s.date == d).expect("the day is there")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn every_day_of_the_range_is_there_in_order() {
    let all = summaries();
    let dates: Vec<NaiveDate> = all.iter().map(|s| s.date).collect();
    let expected: Vec<NaiveDate> = date(2022, 10, 28).iter_days().take(7).collect();
    assert_eq!(dates, expected);
    assert!(!day(&all, date(2022, 10, 31)).has_data());
}

#[test]
fn a_night_across_midnight_from_the_watch_with_stages() {
    let all = summaries();
    let night = day(&all, date(2022, 10, 28))
        .sleep
        .as_ref()
        .expect("a night");
    assert_eq!(night.source, watch().name);
    assert_eq!(night.sessions, 1, "neither nap is part of the night");
    assert!(close(night.in_bed_s, 450.0 * 60.0));
    assert!(close(night.asleep_s.expect("staged"), 440.0 * 60.0));
    assert!(close(night.efficiency.expect("staged"), 440.0 / 450.0));
    assert!(close(night.stages.light_s, 320.0 * 60.0));
    assert!(close(night.stages.deep_s, 60.0 * 60.0));
    assert!(close(night.stages.rem_s, 60.0 * 60.0));
    assert!(close(night.stages.awake_s, 10.0 * 60.0));
    assert_eq!(night.bedtime.to_rfc3339(), "2022-10-27T23:10:00+02:00");
    assert_eq!(night.wake_time.to_rfc3339(), "2022-10-28T06:40:00+02:00");
}

#[test]
fn naps_are_not_the_night() {
    let all = summaries();
    // The evening nap of the 28th ends after the cut-off: the 29th has no night.
    assert!(day(&all, date(2022, 10, 29)).sleep.is_none());
    // With a lower minimum length, the afternoon nap joins the night of the 28th.
    let settings = SummarySettings {
        min_night_s: 30.0 * 60.0,
        ..SummarySettings::default()
    };
    let short = daily_summaries(&store(), date(2022, 10, 28), date(2022, 10, 28), &settings)
        .expect("summaries");
    assert_eq!(short[0].sleep.as_ref().map(|n| n.sessions), Some(2));
}

#[test]
fn the_dst_night_counts_its_real_hours_and_keeps_both_offsets() {
    let all = summaries();
    let night = day(&all, date(2022, 10, 30))
        .sleep
        .as_ref()
        .expect("a night");
    assert!(close(night.in_bed_s, 9.0 * 3600.0));
    assert_eq!(night.bedtime.to_rfc3339(), "2022-10-29T23:00:00+02:00");
    assert_eq!(night.wake_time.to_rfc3339(), "2022-10-30T07:00:00+01:00");
    assert_eq!(night.stages.unspecified_s, 9.0 * 3600.0);
}

#[test]
fn a_night_abroad_belongs_to_the_local_date() {
    let all = summaries();
    assert!(day(&all, date(2022, 11, 2)).sleep.is_none());
    let night = day(&all, date(2022, 11, 3))
        .sleep
        .as_ref()
        .expect("a night");
    assert_eq!(night.wake_time.to_rfc3339(), "2022-11-03T06:30:00+09:00");
    assert!(close(night.in_bed_s, 8.0 * 3600.0));
}

#[test]
fn rmssd_from_heartbeat_series_is_the_mean_ln_of_the_clean_series() {
    let all = summaries();
    let rmssd = day(&all, date(2022, 10, 28))
        .hrv_rmssd
        .as_ref()
        .expect("RMSSD");
    assert_eq!(rmssd.method, RmssdMethod::BeatToBeat);
    assert_eq!(rmssd.source, watch().name);
    assert_eq!(rmssd.readings, 2);
    let (a, b) = (
        rmssd_of(&rr_runs(80, 950.0, 20.0)),
        rmssd_of(&rr_runs(80, 850.0, 30.0)),
    );
    assert!(
        (rmssd.rmssd_ms - (a + b) / 2.0).abs() < 1e-6,
        "{}",
        rmssd.rmssd_ms
    );
    assert!((rmssd.ln_rmssd - (a.ln() + b.ln()) / 2.0).abs() < 1e-6);
}

#[test]
fn platform_rmssd_when_there_are_no_beats() {
    let all = summaries();
    let rmssd = day(&all, date(2022, 10, 30))
        .hrv_rmssd
        .as_ref()
        .expect("RMSSD");
    assert_eq!(rmssd.method, RmssdMethod::Platform);
    assert_eq!(rmssd.source, "Fit");
    assert_eq!(rmssd.readings, 2);
    assert!(close(rmssd.ln_rmssd, (30.0_f64.ln() + 50.0_f64.ln()) / 2.0));
    assert!(day(&all, date(2022, 10, 30)).hrv_sdnn.is_none());
}

#[test]
fn sdnn_is_the_mean_of_the_nights_samples_apart_from_rmssd() {
    let all = summaries();
    let sdnn = day(&all, date(2022, 10, 28))
        .hrv_sdnn
        .as_ref()
        .expect("SDNN");
    assert_eq!(sdnn.readings, 2, "the noon sample is not the night's");
    assert!(close(sdnn.sdnn_ms, 50.0));
    assert_eq!(sdnn.source, watch().name);
}

#[test]
fn resting_hr_workouts_load_check_in_recovery_and_labs() {
    let all = summaries();
    let d = day(&all, date(2022, 10, 28));
    let rhr = d.resting_hr.as_ref().expect("resting HR");
    assert!(close(rhr.bpm, 52.0));
    assert_eq!(rhr.source, watch().name);
    assert_eq!(
        d.workouts.len(),
        1,
        "the phone's copy of the run counts once"
    );
    let run = &d.workouts[0];
    assert_eq!(run.training_class, TrainingClass::Endurance);
    assert_eq!(run.source, watch().name);
    assert_eq!(run.hr_minutes, Some(45.0 * 150.0));
    assert!(close(d.load.hr_minutes, 6750.0));
    assert!(close(d.load.session_rpe_load, 270.0));
    assert_eq!(d.load.training_sessions, 1);
    let check_in = d.check_in.as_ref().expect("check-in");
    assert_eq!(check_in.answers, mclean(4), "the latest revision");
    assert_eq!(check_in.total, 20);
    assert!(close(check_in.wellness, 0.75));
    assert_eq!(d.recovery.len(), 1);
    assert_eq!(d.recovery[0].modality, RecoveryModality::Sauna);
    assert_eq!(d.labs.len(), 1);
    assert_eq!(d.labs[0].name, Some("hs-CRP"));
    assert_eq!(d.labs[0].flag, Some(RangeFlag::Normal));
}

#[test]
fn the_latest_day_with_data_and_the_errors() {
    let store = store();
    assert_eq!(
        latest_day_with_data(&store, date(2022, 12, 31), 365).expect("reads"),
        Some(date(2022, 11, 3))
    );
    assert_eq!(
        latest_day_with_data(&store, date(2022, 10, 1), 30).expect("reads"),
        None
    );
    let settings = SummarySettings::default();
    assert!(matches!(
        daily_summaries(&store, date(2022, 10, 2), date(2022, 10, 1), &settings),
        Err(SummaryError::EmptyRange)
    ));
    let bad = SummarySettings {
        night_cutoff_hour: 0,
        ..settings
    };
    assert!(matches!(
        daily_summaries(&store, date(2022, 10, 1), date(2022, 10, 1), &bad),
        Err(SummaryError::InvalidSetting { .. })
    ));
}
