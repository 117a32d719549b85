//! `alyze import` end to end on generated exports: the JSON counts, and a kill mid-import
//! followed by a re-run ends in the state of one uninterrupted import.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use alyze_core::apple_export::SyntheticExport;
use alyze_core::health::{HeartbeatSeries, QuantityKind, SleepSession, Workout};
use alyze_core::store::Store;
use chrono::DateTime;
use serde_json::Value;

fn import(data_dir: &Path, export: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alyze"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("import")
        .arg(export)
        .arg("--json")
        .output()
        .expect("the alyze binary runs")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

fn generate(path: &Path, days: u32) {
    SyntheticExport {
        days,
        ..SyntheticExport::default()
    }
    .write_zip(path)
    .unwrap();
}

/// Live rows per kind in the store of `data_dir`.
fn counts(data_dir: &Path) -> [usize; 4] {
    let store = Store::open(data_dir.join("alyze.db")).unwrap();
    let from = DateTime::from_timestamp(0, 0).unwrap();
    let to = DateTime::from_timestamp(4_000_000_000, 0).unwrap();
    let quantities = QuantityKind::ALL
        .iter()
        .map(|&kind| store.quantities(kind, from, to).unwrap().len())
        .sum();
    [
        quantities,
        store.records::<HeartbeatSeries>(from, to).unwrap().len(),
        store.records::<SleepSession>(from, to).unwrap().len(),
        store.records::<Workout>(from, to).unwrap().len(),
    ]
}

const KINDS: [&str; 4] = [
    "quantities",
    "heartbeat_series",
    "sleep_sessions",
    "workouts",
];

#[test]
fn import_reports_counts_as_json_and_a_re_import_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.zip");
    generate(&export, 10);
    let data = dir.path().join("data");
    let first = json(&import(&data, &export));
    assert_eq!(first["outcome"], "complete");
    let stored = counts(&data);
    for (kind, n) in KINDS.iter().zip(stored) {
        assert!(n > 0, "{kind}");
        assert_eq!(first[kind]["inserted"].as_u64(), Some(n as u64), "{kind}");
        assert_eq!(first[kind]["updated"], 0, "{kind}");
    }
    assert!(first["quantities"]["duplicates"].as_u64() > Some(0));
    assert_eq!(first["parse_skipped"], serde_json::json!({}));
    let second = json(&import(&data, &export));
    for kind in KINDS {
        assert_eq!(second[kind]["inserted"], 0, "{kind}");
    }
    assert_eq!(counts(&data), stored);
}

#[test]
fn a_killed_import_completes_on_a_re_run() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.zip");
    generate(&export, 120);
    let data = dir.path().join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_alyze"))
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&export)
        .arg("--json")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Long enough to commit some batches, short of the whole import (seconds in a debug build).
    std::thread::sleep(Duration::from_millis(1500));
    let finished_early = child.try_wait().unwrap().is_some();
    // SIGKILL on Unix: no chance to clean up, as a crash.
    child.kill().ok();
    child.wait().unwrap();
    let after_kill = if data.join("alyze.db").exists() {
        counts(&data)
    } else {
        [0; 4]
    };
    let resumed = json(&import(&data, &export));
    assert_eq!(resumed["outcome"], "complete");
    let fresh = dir.path().join("fresh");
    json(&import(&fresh, &export));
    let whole = counts(&fresh);
    assert_eq!(counts(&data), whole);
    if !finished_early {
        assert_ne!(after_kill, whole, "the kill came after the import ended");
    }
}
