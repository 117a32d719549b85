//! `alyze prescription`, `plan`, `reminders` and `log` end to end in a temporary data directory:
//! a prescription set and shown, a day planned without workouts (items outside quiet hours, the
//! JSON keys), the "no prescription" error, sessions logged and counted, an out-of-range plunge
//! refused and then accepted with the clinic override, the reminders' JSON, a bad prescription
//! refused with its field named, a plan over an imported store with workouts, and planned training
//! (`alyze training`) keeping cold out of the gap after strength until it is removed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, NaiveTime, Timelike};
use support::Member;

const ZONE: &str = "Europe/Berlin";
const DAY: &str = "2026-03-04";

const PRESCRIPTION: &str = r#"{
  "targets": [
    {"sessions_per_week": 3, "check": "standard",
     "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}},
    {"sessions_per_week": 2, "check": "standard",
     "dose": {"modality": "cold_plunge", "minutes": 3, "temperature_c": 8}},
    {"sessions_per_week": 7, "check": "standard",
     "dose": {"modality": "breathwork", "minutes": 10, "breaths_per_min": 6}}
  ],
  "quiet_hours": [{"start": "22:00", "end": "08:00"}]
}"#;

/// A member whose prescription is [`PRESCRIPTION`].
fn prescribed() -> Member {
    let member = Member::new();
    let file = member.file("rx.json", PRESCRIPTION);
    member.ok(&["prescription", "set", &file]);
    member
}

#[test]
fn a_prescription_is_set_saved_and_shown() {
    let member = prescribed();
    let shown = member.json(&["prescription", "show", "--json"]);
    assert_eq!(shown["targets"].as_array().unwrap().len(), 3);
    assert_eq!(shown["targets"][0]["dose"]["modality"], "sauna");
    let text = member.ok(&["prescription", "show"]);
    assert!(text.contains("3x a week: sauna 15 min at 90 °C"), "{text}");
    assert!(text.contains("Quiet hours: 22:00-08:00"), "{text}");
}

#[test]
fn a_bad_prescription_is_refused_naming_the_field_and_nothing_is_saved() {
    let member = Member::new();
    let bad = member.file(
        "bad.json",
        r#"{"targets": [{"sessions_per_week": 9, "check": "standard",
            "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}}]}"#,
    );
    let err = member.fails(&["prescription", "set", &bad]);
    assert!(err.contains("sessions_per_week"), "{err}");
    assert!(err.contains("targets #0"), "{err}");
    let err = member.fails(&["prescription", "show"]);
    assert!(err.contains("no prescription yet"), "{err}");

    let hot = member.file(
        "hot.json",
        r#"{"targets": [{"sessions_per_week": 3, "check": "standard",
            "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 120}}]}"#,
    );
    let err = member.fails(&["prescription", "set", &hot]);
    assert!(err.contains("temperature_c"), "{err}");

    let typo = member.file("typo.json", r#"{"target": []}"#);
    let err = member.fails(&["prescription", "set", &typo]);
    assert!(err.contains("unknown field `target`"), "{err}");
}

#[test]
fn clinic_settings_are_shown_saved_and_refused_when_they_would_break_the_prescription() {
    let member = prescribed();
    let mut settings = member.json(&["prescription", "settings"]);
    assert_eq!(settings["cold_gap_after_strength_h"], 6.0);
    settings["safe"]["plunge_minutes"]["max"] = 2.0.into();
    let narrowed = member.file("narrow.json", &settings.to_string());
    let err = member.fails(&["prescription", "settings", &narrowed]);
    assert!(err.contains("targets #1"), "{err}");
    assert_eq!(
        member.json(&["prescription", "settings"])["safe"]["plunge_minutes"]["max"],
        5.0
    );

    settings["safe"]["plunge_minutes"]["max"] = 5.0.into();
    settings["cold_gap_after_strength_h"] = 8.0.into();
    let longer = member.file("longer.json", &settings.to_string());
    member.ok(&["prescription", "settings", &longer]);
    assert_eq!(
        member.json(&["prescription", "settings"])["cold_gap_after_strength_h"],
        8.0
    );
}

#[test]
fn without_a_prescription_plan_and_reminders_say_how_to_set_one() {
    let member = Member::new();
    for args in [
        &["plan", "--tz", ZONE][..],
        &["reminders", "--tz", ZONE, "--json"][..],
    ] {
        let err = member.fails(args);
        assert!(err.contains("alyze prescription set FILE"), "{err}");
    }
}

#[test]
fn a_day_without_workouts_is_planned_outside_quiet_hours() {
    let member = prescribed();
    let plan = member.json(&["plan", "--date", DAY, "--tz", ZONE, "--json"]);
    assert_eq!(plan["date"], DAY);
    assert!(plan["dropped"].is_array());
    assert!(plan.get("guidance").is_some());
    let items = plan["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let quiet_end = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
    let quiet_start = NaiveTime::from_hms_opt(22, 0, 0).unwrap();
    for item in items {
        for key in ["modality", "start", "end", "dose", "reason"] {
            assert!(item.get(key).is_some(), "{key} in {item}");
        }
        let start = DateTime::parse_from_rfc3339(item["start"].as_str().unwrap()).unwrap();
        let end = DateTime::parse_from_rfc3339(item["end"].as_str().unwrap()).unwrap();
        assert_eq!(start.offset().local_minus_utc(), 3600, "{item}");
        assert!(
            start.time() >= quiet_end && end.time() <= quiet_start,
            "{item}"
        );
        assert_eq!(start.date_naive().to_string(), DAY);
    }
    let text = member.ok(&["plan", "--date", DAY, "--tz", ZONE]);
    assert!(text.contains("sauna 15 min at 90 °C"), "{text}");
}

#[test]
fn logged_sessions_count_and_an_unsafe_dose_needs_the_override() {
    let member = prescribed();
    let logged = member.json(&[
        "log",
        "sauna",
        "--minutes",
        "15",
        "--temp",
        "90",
        "--at",
        "2026-03-03 18:00",
        "--tz",
        ZONE,
        "--json",
    ]);
    assert_eq!(logged["session"]["modality"], "sauna");
    assert_eq!(logged["adherence"]["sessions_done"], 1);
    assert_eq!(logged["adherence"]["sessions_target"], 3);
    assert_eq!(logged["week_first_day"], "2026-03-02");

    let text = member.ok(&[
        "log",
        "breathwork",
        "--minutes",
        "10",
        "--at",
        "2026-03-03 12:00",
        "--tz",
        ZONE,
    ]);
    assert!(text.contains("1 of 7 breathwork sessions"), "{text}");

    let plunge = [
        "log",
        "cold-plunge",
        "--minutes",
        "3",
        "--temp",
        "1",
        "--at",
        "2026-03-03 19:00",
        "--tz",
        ZONE,
    ];
    let err = member.fails(&plunge);
    assert!(err.contains("temperature_c"), "{err}");
    assert!(err.contains("--clinic-override"), "{err}");
    let mut accepted = plunge.to_vec();
    accepted.extend(["--clinic-override", "--json"]);
    let logged = member.json(&accepted);
    assert_eq!(logged["adherence"]["sessions_done"], 1);
    // Physically implausible water is refused even with the override.
    let err = member.fails(&[
        "log",
        "cold-plunge",
        "--minutes",
        "3",
        "--temp",
        "-30",
        "--tz",
        ZONE,
        "--clinic-override",
    ]);
    assert!(err.contains("temperature_c"), "{err}");
}

#[test]
fn reminders_list_each_days_items() {
    let member = prescribed();
    let json = member.json(&[
        "reminders",
        "--from",
        DAY,
        "--to",
        "2026-03-05",
        "--tz",
        ZONE,
        "--json",
    ]);
    assert_eq!(json["from"], DAY);
    assert_eq!(json["to"], "2026-03-05");
    let reminders = json["reminders"].as_array().unwrap();
    assert!(reminders.len() >= 2);
    for r in reminders {
        for key in ["id", "fire_at", "title", "body"] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
        DateTime::parse_from_rfc3339(r["fire_at"].as_str().unwrap()).unwrap();
    }
    assert!(reminders.iter().any(|r| r["id"] == "2026-03-05/sauna/0"));
    let err = member.fails(&["reminders", "--from", DAY, "--to", "2026-03-01"]);
    assert!(err.contains("before"), "{err}");
}

#[test]
fn a_plan_over_an_imported_store_keeps_cold_away_from_strength_work() {
    let member = prescribed();
    member.import(30);
    let summaries = member.json(&[
        "summary",
        "--from",
        "2022-09-01",
        "--to",
        "2022-09-30",
        "--json",
    ]);
    // Every workout as an instant span, and whether it is strength work.
    let mut workouts: Vec<(i64, i64, bool)> = Vec::new();
    for day in summaries.as_array().unwrap() {
        for w in day["workouts"].as_array().unwrap() {
            let start = DateTime::parse_from_rfc3339(w["start"].as_str().unwrap())
                .unwrap()
                .timestamp();
            let end = start + w["duration_s"].as_f64().unwrap().round() as i64;
            workouts.push((start, end, w["training_class"] == "strength"));
        }
    }
    assert!(workouts.iter().any(|w| w.2), "the export has strength work");
    let mut cold_seen = 0;
    let mut calls_seen = 0;
    for day in 10..=30 {
        let date = format!("2022-09-{day:02}");
        let plan = member.json(&["plan", "--date", &date, "--tz", ZONE, "--json"]);
        assert_eq!(plan["date"], date.as_str());
        if plan["readiness"].is_string() {
            calls_seen += 1;
        }
        let mut spans = Vec::new();
        for item in plan["items"].as_array().unwrap() {
            let s = DateTime::parse_from_rfc3339(item["start"].as_str().unwrap()).unwrap();
            let e = DateTime::parse_from_rfc3339(item["end"].as_str().unwrap()).unwrap();
            assert!(s.hour() >= 8, "quiet hours: {item}");
            let (s, e) = (s.timestamp(), e.timestamp());
            for &(ws, we, strength) in &workouts {
                assert!(e <= ws || s >= we, "on a workout: {item}");
                if strength && item["modality"] == "cold_plunge" {
                    cold_seen += 1;
                    assert!(e <= we || s >= we + 6 * 3600, "cold after strength: {item}");
                }
            }
            spans.push((s, e));
        }
        spans.sort_unstable();
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "{plan}");
    }
    assert!(cold_seen > 0, "some cold plunges were planned");
    assert!(calls_seen > 0, "the readiness call reaches the planner");
}

#[test]
fn planned_training_keeps_cold_out_of_its_gap_until_it_is_removed() {
    let member = prescribed();
    let cold_starts = |member: &Member| -> Vec<DateTime<chrono::FixedOffset>> {
        let plan = member.json(&["plan", "--date", DAY, "--tz", ZONE, "--json"]);
        plan["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["modality"] == "cold_plunge")
            .map(|i| DateTime::parse_from_rfc3339(i["start"].as_str().unwrap()).unwrap())
            .collect()
    };
    // Without training the plunge takes the first free hour after the quiet hours end at 08:00.
    let free = cold_starts(&member);
    assert_eq!(free.len(), 1, "{free:?}");
    assert!(free[0].hour() < 15, "{free:?}");

    // Strength 08:00-09:00 planned: no cold before 15:00 (the clinic's 6 h gap), though no
    // workout has been recorded.
    let at = format!("{DAY} 08:00");
    let id = member.ok(&[
        "training",
        "add",
        "--at",
        &at,
        "--minutes",
        "60",
        "--class",
        "strength",
        "--tz",
        ZONE,
    ]);
    let id = id.trim();
    let moved = cold_starts(&member);
    assert!(moved.iter().all(|s| s.hour() >= 15), "{moved:?}");
    let listed = member.ok(&[
        "training", "list", "--from", DAY, "--days", "1", "--tz", ZONE,
    ]);
    assert!(
        listed.contains(&format!("{DAY} 08:00-09:00  strength")),
        "{listed}"
    );
    assert!(listed.contains(id), "{listed}");

    member.ok(&["training", "remove", id]);
    assert_eq!(cold_starts(&member), free);
    assert!(
        member
            .fails(&["training", "remove", id])
            .contains("no planned workout")
    );
    let refused = member.fails(&[
        "training",
        "add",
        "--at",
        &at,
        "--minutes",
        "0",
        "--class",
        "strength",
        "--tz",
        ZONE,
    ]);
    assert!(refused.contains("--minutes"), "{refused}");
}
