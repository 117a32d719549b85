//! The `alyze` binary end to end: the JSON contract, the table, errors that name the line, and the
//! demo, on the bundled public recordings.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn alyze(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alyze"))
        .args(args)
        .output()
        .expect("the alyze binary runs")
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/hrv")
        .join(name)
        .display()
        .to_string()
}

/// A file holding `contents`, removed with the returned directory.
fn temp_file(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

const CONTRACT_KEYS: [&str; 19] = [
    "n_beats",
    "duration_s",
    "mean_nn_ms",
    "sdnn_ms",
    "rmssd_ms",
    "ln_rmssd",
    "pnn50_pct",
    "mean_hr_bpm",
    "vlf_ms2",
    "lf_ms2",
    "hf_ms2",
    "lf_hf",
    "lf_nu",
    "sd1_ms",
    "sd2_ms",
    "sampen",
    "dfa_alpha1",
    "dfa_alpha2",
    "artefacts",
];

#[test]
fn json_holds_every_contract_key_with_the_reference_values() {
    let out = alyze(&[
        "hrv",
        "--rr",
        &data("pyhrv_sample_nni_long.txt"),
        "--json",
        "--correction",
        "none",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in CONTRACT_KEYS {
        assert!(json.get(key).is_some(), "missing key {key}");
    }
    for key in ["detected", "corrected", "pct"] {
        assert!(
            json["artefacts"].get(key).is_some(),
            "missing artefacts.{key}"
        );
    }
    // pyHRV's own report for this recording (data/hrv/README.md), to its three decimals.
    assert_eq!(json["n_beats"], 4684);
    assert!((json["rmssd_ms"].as_f64().unwrap() - 60.523).abs() < 5e-4);
    assert!((json["sdnn_ms"].as_f64().unwrap() - 85.357).abs() < 5e-4);
    assert!((json["pnn50_pct"].as_f64().unwrap() - 28.571).abs() < 5e-4);
}

#[test]
fn csv_in_seconds_gives_the_same_answer_as_milliseconds() {
    let ms = std::fs::read_to_string(data("pyhrv_sample_nni_short.txt")).unwrap();
    let csv: String = std::iter::once("index,RR,hr".to_string())
        .chain(ms.lines().enumerate().map(|(i, v)| {
            let v: f64 = v.trim().parse().unwrap();
            format!("{i},{},{:.0}", v / 1000.0, 60_000.0 / v)
        }))
        .collect::<Vec<_>>()
        .join("\n");
    let (_dir, path) = temp_file("short.csv", &csv);
    let a = alyze(&["hrv", "--rr", &data("pyhrv_sample_nni_short.txt"), "--json"]);
    let b = alyze(&[
        "hrv",
        "--rr",
        path.to_str().unwrap(),
        "--unit",
        "s",
        "--json",
    ]);
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let a: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    let rel =
        |k: &str| (a[k].as_f64().unwrap() - b[k].as_f64().unwrap()).abs() / a[k].as_f64().unwrap();
    for key in ["rmssd_ms", "sdnn_ms", "mean_hr_bpm", "sd1_ms"] {
        assert!(rel(key) < 1e-9, "{key} differs");
    }
}

#[test]
fn the_table_shows_each_section() {
    let out = alyze(&["hrv", "--rr", &data("pyhrv_sample_nni_short.txt")]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "Time domain",
        "RMSSD",
        "Frequency domain",
        "Nonlinear",
        "DFA alpha1",
        "quality",
    ] {
        assert!(text.contains(part), "table lacks {part}:\n{text}");
    }
}

#[test]
fn a_bad_file_names_the_line_and_fails() {
    let (_dir, path) = temp_file("bad.txt", "800\n810\n\n12o\n");
    let out = alyze(&["hrv", "--rr", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 4") && err.contains("not a number"),
        "{err}"
    );
    assert!(!err.contains("12o"), "the error must not echo the data");

    let mut rows: Vec<String> = (0..40).map(|i| format!("{}", 800 + i)).collect();
    rows[30] = "2600".into();
    let (_dir, path) = temp_file("range.txt", &rows.join("\n"));
    let out = alyze(&["hrv", "--rr", path.to_str().unwrap()]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert!(
        err.contains("line 31") && err.contains("plausible range"),
        "{err}"
    );

    let (_dir, path) = temp_file("seconds.txt", &"0.8\n".repeat(40));
    let err = String::from_utf8(alyze(&["hrv", "--rr", path.to_str().unwrap()]).stderr).unwrap();
    assert!(err.contains("--unit s"), "{err}");

    let (_dir, path) = temp_file("header.csv", "time,hr\n1,60\n");
    let err = String::from_utf8(alyze(&["hrv", "--rr", path.to_str().unwrap()]).stderr).unwrap();
    assert!(
        err.contains("line 1") && err.contains("no RR column"),
        "{err}"
    );

    let out = alyze(&["hrv", "--rr", "/nonexistent/rr.txt"]);
    assert!(!out.status.success());
}

#[test]
fn the_demo_tells_the_member_story() {
    let out = alyze(&["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("This morning's reading"));
    assert!(text.contains("Night HRV: ln RMSSD"), "{text}");
    assert!(text.contains("full analysis"));
    // The watch story: an export imported and a week of daily summaries.
    assert!(text.contains("Imported the whole export"), "{text}");
    assert!(text.contains("The last week, day by day"), "{text}");
    let week: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("date "))
        .skip(1)
        .take_while(|l| l.starts_with("20"))
        .collect();
    assert_eq!(week.len(), 7, "{text}");

    // The protocol story: the plan, then a strength session planned the evening before that
    // moves the plunge past the 6 h gap before it happens, and the reminder changes that follow;
    // the watch's recording of it changes nothing more.
    let plunge_start = |part: &str| -> chrono::NaiveTime {
        let line = part
            .lines()
            .find(|l| l.contains("cold plunge 3 min at 8 °C") && l.starts_with("  "))
            .unwrap_or_else(|| panic!("a planned plunge in {part}"));
        chrono::NaiveTime::parse_from_str(&line.trim()[..5], "%H:%M").unwrap()
    };
    let (before, after) = text
        .split_once("the member plans to lift from 07:00 to 08:00")
        .expect("the strength session in the demo");
    let before = &before[before.find("The plan for").expect("the morning plan")..];
    assert!(plunge_start(before) < chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap());
    assert!(plunge_start(after) >= chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap());
    assert!(after.contains("cancel 20"), "{after}");
    assert!(
        after
            .lines()
            .any(|l| l.contains("add") && l.contains("Cold plunge at 14:00")),
        "{after}"
    );
    assert!(
        after.contains("The watch delivers the strength session at 08:00: the plan stays as it is"),
        "{after}"
    );
    assert!(after.contains("sauna        1 of 3 sessions"), "{after}");

    // The clinic story: the phone enrols and sends its data, the clinician's new prescription
    // comes back, and the next plan holds it.
    let clinic = &text[text.find("The member's clinic").expect("the clinic story")..];
    let sent: u64 = clinic
        .split("sent ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count of sent changes");
    assert!(sent > 1000, "{clinic}");
    assert!(clinic.contains("received 1"), "{clinic}");
    assert!(clinic.contains("PEMF 20 min"), "{clinic}");
    assert!(clinic.contains("its members: Demo member"), "{clinic}");

    // The clinic raises the push band to 80: the same day with the same score is judged by it.
    let morning = |part: &str| -> (String, u32) {
        let line = part
            .lines()
            .find(|l| l.contains("(readiness ") && l.starts_with("20"))
            .unwrap_or_else(|| panic!("a scored morning in {part}"));
        let call = line.split(": ").nth(1).unwrap().to_owned();
        let score = line.rsplit("(readiness ").next().unwrap();
        (call, score.split('/').next().unwrap().parse().unwrap())
    };
    let (call, score) = morning(&text[text.find("The member's morning").unwrap()..]);
    let tuned = clinic
        .split_once("from 67 to 80 in the clinic settings")
        .expect("the clinic's new band")
        .1;
    let (tuned_call, tuned_score) = morning(tuned);
    // The story's premise: a push day by the default bands that the clinic's band makes yellow.
    assert_eq!(call, "PUSH", "{text}");
    assert!((67..80).contains(&score), "{text}");
    assert_eq!(tuned_score, score, "{tuned}");
    assert_eq!(tuned_call, "MAINTAIN", "{tuned}");
    // The clinic sees the day as the phone now shows it, from the same sync.
    assert!(
        tuned.contains(&format!(
            "as the phone sent it in that sync: maintain ({score}/100)"
        )),
        "{tuned}"
    );
}
