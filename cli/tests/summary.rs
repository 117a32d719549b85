//! `alyze summary` end to end: a store filled through `alyze_core` in a temporary data directory,
//! the JSON array and its keys, the default range, and the "no data yet" error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use alyze_core::health::{
    CheckIn, McLeanItems, QuantityKind, QuantitySample, Questionnaire, SleepSegment, SleepSession,
    SleepStage, Source, Timestamp,
};
use alyze_core::store::Store;
use chrono::DateTime;
use serde_json::Value;

fn alyze(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alyze"))
        .args(args)
        .output()
        .expect("the alyze binary runs")
}

fn at(text: &str) -> Timestamp {
    let local = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z").unwrap();
    Timestamp::from_local(local, Some("Europe/Berlin".to_owned())).unwrap()
}

fn watch() -> Source {
    Source::named("Member's Apple Watch")
}

/// A store with one night (two sources), its SDNN samples and a check-in on 28 Oct 2022.
fn fill(dir: &Path) {
    let mut store = Store::open(dir.join("alyze.db")).unwrap();
    let night = |source: Source, start: &str, end: &str| {
        let (start, end) = (at(start), at(end));
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
    };
    let sleeps = [
        night(
            watch(),
            "2022-10-27 23:00:00 +0200",
            "2022-10-28 07:00:00 +0200",
        ),
        night(
            Source::named("Ring"),
            "2022-10-27 22:00:00 +0200",
            "2022-10-28 08:00:00 +0200",
        ),
    ];
    store.ingest("test", &sleeps, &[], None).unwrap();
    let sdnn = |value: f64, time: &str| {
        QuantitySample::new(
            QuantityKind::HrvSdnn,
            value,
            at(time),
            at(time),
            watch(),
            None,
        )
        .unwrap()
    };
    store
        .ingest_quantities(
            "test",
            &[
                sdnn(40.0, "2022-10-28 02:00:00 +0200"),
                sdnn(50.0, "2022-10-28 04:00:00 +0200"),
            ],
            &[],
            None,
        )
        .unwrap();
    let answers = Questionnaire::McLean(McLeanItems {
        fatigue: 4,
        sleep_quality: 4,
        soreness: 4,
        stress: 4,
        mood: 4,
    });
    let check_in = CheckIn::new(
        at("2022-10-28 08:00:00 +0200"),
        answers,
        Source::named("alyze"),
    )
    .unwrap();
    store.ingest("test", &[check_in], &[], None).unwrap();
}

fn json_days(dir: &Path, extra: &[&str]) -> Vec<Value> {
    let dir = dir.display().to_string();
    let mut args = vec!["--data-dir", dir.as_str(), "summary", "--json"];
    args.extend_from_slice(extra);
    let out = alyze(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    value.as_array().unwrap().clone()
}

#[test]
fn the_json_has_one_object_a_day_with_the_documented_keys() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    let days = json_days(dir.path(), &["--from", "2022-10-28", "--to", "2022-10-28"]);
    assert_eq!(days.len(), 1);
    let day = &days[0];
    for key in [
        "date",
        "sleep",
        "hrv_rmssd",
        "hrv_sdnn",
        "resting_hr",
        "workouts",
        "load",
        "check_in",
        "recovery",
        "labs",
    ] {
        assert!(day.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(day["date"], "2022-10-28");
    assert_eq!(day["sleep"]["source"], "Member's Apple Watch");
    assert_eq!(day["sleep"]["in_bed_s"], 8.0 * 3600.0);
    assert_eq!(day["sleep"]["wake_time"], "2022-10-28T07:00:00+02:00");
    assert_eq!(day["hrv_sdnn"]["sdnn_ms"], 45.0);
    assert!(
        day["hrv_rmssd"].is_null(),
        "SDNN is never passed off as RMSSD"
    );
    assert_eq!(day["check_in"]["wellness"], 0.75);
}

#[test]
fn the_default_range_is_the_last_seven_days_with_data() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    let days = json_days(dir.path(), &[]);
    let dates: Vec<&str> = days.iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(dates.len(), 7);
    assert_eq!(dates.first(), Some(&"2022-10-22"));
    assert_eq!(dates.last(), Some(&"2022-10-28"));
}

#[test]
fn the_table_shows_the_night() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    let dir = dir.path().display().to_string();
    let out = alyze(&["--data-dir", &dir, "summary", "--to", "2022-10-28"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("2022-10-28"))
        .expect("the day's line");
    assert!(line.contains("8.0"), "{line}");
    assert!(line.contains("0.75"), "{line}");
}

#[test]
fn without_a_store_it_says_to_import_first() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().display().to_string();
    let out = alyze(&["--data-dir", &dir, "summary"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no data yet: run alyze import first"),
        "{stderr}"
    );
}
