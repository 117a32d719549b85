//! `alyze readiness` and `alyze trends` end to end: a generated Apple Health export imported into a
//! temporary data directory with `alyze import`, then the JSON keys and states, the text, errors
//! that name the bad argument, the chart file, and the remembered profile.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Output;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;
use support::{Member, alyze};

/// Days of the generated export: more than the 14 nights of HRV a baseline needs.
const DAYS: u32 = 40;
/// The export's last day (it starts on 2022-09-01).
const LAST_DAY: &str = "2022-10-10";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn readiness_json_has_the_keys_and_a_valid_state() {
    let member = Member::imported(DAYS);
    let day = member.json(&["readiness", "--date", LAST_DAY, "--json"]);
    for key in [
        "date",
        "state",
        "score",
        "recommendation",
        "components",
        "reasons",
        "flags",
        "hrv_metric",
        "load_kind",
        "profile",
    ] {
        assert!(day.get(key).is_some(), "missing key {key}: {day}");
    }
    assert_eq!(day["date"], LAST_DAY);
    // 40 days of data: the baseline is established, so the last day is scored.
    assert_eq!(day["state"]["kind"], "scored", "{day}");
    let score = day["score"].as_u64().expect("a scored day has a score");
    assert!(score <= 100);
    let call = day["recommendation"].as_str().unwrap();
    assert!(["push", "maintain", "recover"].contains(&call), "{call}");
    assert!(!day["components"].as_array().unwrap().is_empty());
    for reason in day["reasons"].as_array().unwrap() {
        assert!(reason["code"].is_string() && reason["text"].is_string());
    }
    assert!(day["flags"].is_array());
    assert_eq!(day["profile"]["sex"], "female");
    assert_eq!(day["profile"]["sex_is_default"], true);
    assert!(
        !member.data().join("profile.json").exists(),
        "no flag given, nothing to remember"
    );
}

#[test]
fn the_clinics_readiness_settings_decide_the_call() {
    let member = Member::imported(DAYS);
    let before = member.json(&["readiness", "--date", LAST_DAY, "--json"]);
    let score = before["score"].as_u64().expect("a scored day has a score");
    assert!((1..100).contains(&score), "{before}");

    // Bands that make every score below 100 red: the same score, now a recovery day.
    let mut settings = member.json(&["prescription", "settings"]);
    assert_eq!(settings["readiness"]["push_from"], 67);
    settings["readiness"] = serde_json::json!({"push_from": 100, "recover_to": 99});
    let strict = member.file("strict.json", &settings.to_string());
    member.ok(&["prescription", "settings", &strict]);
    let after = member.json(&["readiness", "--date", LAST_DAY, "--json"]);
    assert_eq!(after["score"], before["score"]);
    assert_eq!(after["recommendation"], "recover", "{after}");

    // Bands the engine cannot use are refused by name, and the saved ones stay.
    settings["readiness"] = serde_json::json!({"push_from": 20});
    let crossed = member.file("crossed.json", &settings.to_string());
    let err = member.fails(&["prescription", "settings", &crossed]);
    assert!(err.contains("push_from, recover_to"), "{err}");
    let kept = member.json(&["prescription", "settings"]);
    assert_eq!(kept["readiness"]["recover_to"], 99);

    // A misspelt key would keep that setting's default in silence: it is refused by its path.
    settings["readiness"] = serde_json::json!({"push_from": 90, "recover_too": 80});
    let misspelt = member.file("misspelt.json", &settings.to_string());
    let err = member.fails(&["prescription", "settings", &misspelt]);
    assert!(
        err.contains("unknown setting `readiness.recover_too`"),
        "{err}"
    );
    let kept = member.json(&["prescription", "settings"]);
    assert_eq!(kept["readiness"]["push_from"], 100);
}

#[test]
fn the_text_gives_the_call_the_reasons_and_the_profile_note() {
    let member = Member::imported(DAYS);
    let out = member.run(&["readiness", "--date", LAST_DAY]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with(LAST_DAY), "{text}");
    assert!(first.contains("/100)"), "{text}");
    assert!(
        ["PUSH", "MAINTAIN", "RECOVER"]
            .iter()
            .any(|c| first.contains(c)),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("  - ")), "{text}");
    assert!(text.contains("Flags:"), "{text}");
    let notes = text.lines().filter(|l| l.contains("sex not set")).count();
    assert_eq!(notes, 1, "{text}");
}

#[test]
fn a_date_before_any_data_is_calibrating_or_unscorable_not_an_error() {
    let member = Member::imported(DAYS);
    let day = member.json(&["readiness", "--date", "2022-08-01", "--json"]);
    let kind = day["state"]["kind"].as_str().unwrap();
    assert!(["calibrating", "unscorable"].contains(&kind), "{day}");
    assert!(day["score"].is_null(), "{day}");
    assert!(day["recommendation"].is_null(), "{day}");
}

#[test]
fn bad_arguments_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &["readiness", "--date", "2022-13-45"],
            &["--date", "2022-13-45"],
        ),
        (
            &["readiness", "--tz", "Mars/Olympus"],
            &["--tz", "Mars/Olympus"],
        ),
        (&["readiness", "--sex", "other"], &["--sex", "other"]),
        (&["readiness", "--max-hr", "300"], &["--max-hr", "300"]),
        (
            &[
                "trends",
                "--from",
                "yesterday",
                "--to",
                "2022-10-10",
                "--out",
                "x.svg",
            ],
            &["--from", "yesterday"],
        ),
    ];
    for (args, named) in cases {
        let mut all = vec!["--data-dir", data.as_str()];
        all.extend_from_slice(args);
        let out = alyze(&all);
        assert!(!out.status.success(), "{args:?}");
        let message = stderr(&out);
        for name in named {
            assert!(message.contains(name), "{args:?}: {message}");
        }
    }
}

#[test]
fn without_a_store_readiness_and_trends_say_to_import_first() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let out_file = dir.path().join("x.svg").display().to_string();
    for args in [
        vec!["--data-dir", &data, "readiness"],
        vec![
            "--data-dir",
            &data,
            "trends",
            "--from",
            "2022-09-01",
            "--to",
            "2022-09-30",
            "--out",
            &out_file,
        ],
    ] {
        let out = alyze(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("no data yet: run alyze import first"),
            "{}",
            stderr(&out)
        );
    }
}

/// Parses `svg` to the end, failing on any XML error or unclosed element; returns the root's name.
fn well_formed_root(svg: &str) -> String {
    let mut reader = Reader::from_str(svg);
    let mut depth = 0usize;
    let mut root = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(tag) => {
                if depth == 0 {
                    root = Some(tag.name().as_ref().to_owned());
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.checked_sub(1).expect("no stray end tag"),
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    root.expect("a root element")
}

#[test]
fn trends_writes_a_well_formed_svg() {
    let member = Member::imported(DAYS);
    let out_file = member.dir.path().join("trends.svg");
    let out = member.run(&[
        "trends",
        "--from",
        "2022-09-01",
        "--to",
        LAST_DAY,
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(out_file.to_str().unwrap()), "{text}");
    let svg = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(well_formed_root(&svg), "svg");
}

#[test]
fn trends_refuses_a_bad_extension_or_range_by_name() {
    let member = Member::imported(DAYS);
    let gif = member.dir.path().join("trends.gif");
    let out = member.run(&[
        "trends",
        "--from",
        "2022-09-01",
        "--to",
        LAST_DAY,
        "--out",
        gif.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("\"gif\""), "{}", stderr(&out));
    assert!(!gif.exists());

    let svg = member.dir.path().join("trends.svg");
    let out = member.run(&[
        "trends",
        "--from",
        LAST_DAY,
        "--to",
        "2022-09-01",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("--to 2022-09-01"), "{message}");
    assert!(message.contains("--from 2022-10-10"), "{message}");
}

fn profile_json(data: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(data.join("profile.json")).unwrap()).unwrap()
}

#[test]
fn the_profile_is_written_and_reused() {
    let member = Member::imported(DAYS);
    let day = member.json(&[
        "readiness",
        "--date",
        LAST_DAY,
        "--json",
        "--sex",
        "male",
        "--max-hr",
        "190",
    ]);
    assert_eq!(day["profile"]["sex"], "male");
    assert_eq!(day["profile"]["sex_is_default"], false);
    let stored = profile_json(&member.data());
    assert_eq!(stored["sex"], "male");
    assert_eq!(stored["max_hr_bpm"], 190.0);
    // Written through a temporary file and a rename: nothing else is left in the directory.
    let leftovers: Vec<_> = std::fs::read_dir(member.data())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Without flags, the stored profile is used.
    let day = member.json(&["readiness", "--date", LAST_DAY, "--json"]);
    assert_eq!(day["profile"]["sex"], "male");
    assert_eq!(day["profile"]["max_hr_bpm"], 190.0);
    let out = member.run(&["readiness", "--date", LAST_DAY]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("sex not set"), "{text}");

    // A flag given later changes only itself.
    member.json(&[
        "readiness",
        "--date",
        LAST_DAY,
        "--json",
        "--resting-hr",
        "48",
    ]);
    let stored = profile_json(&member.data());
    assert_eq!(stored["sex"], "male");
    assert_eq!(stored["max_hr_bpm"], 190.0);
    assert_eq!(stored["resting_hr_bpm"], 48.0);
}
