#![allow(clippy::unwrap_used, clippy::expect_used)]

use alyze_core::load::Sex;
use chrono::{NaiveDateTime, TimeZone};

use super::*;
use crate::readiness_settings::default_readiness_settings;

const ZONE: &str = "Europe/Berlin";

const PRESCRIPTION: &str = r#"{
  "targets": [
    {"sessions_per_week": 7, "check": "standard",
     "dose": {"modality": "cold_plunge", "minutes": 3, "temperature_c": 6}},
    {"sessions_per_week": 3, "check": "standard",
     "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}}
  ],
  "fixed": [],
  "availability": [{"start": "07:00:00", "end": "21:00:00"}],
  "quiet_hours": []
}"#;

fn store() -> (tempfile::TempDir, Arc<AlyzeStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store = AlyzeStore::open(dir.path().join("alyze.db").display().to_string()).unwrap();
    (dir, store)
}

fn prescribed() -> (tempfile::TempDir, Arc<AlyzeStore>) {
    let (dir, store) = store();
    store
        .set_prescription_json(PRESCRIPTION.to_owned())
        .unwrap();
    (dir, store)
}

/// Epoch ms and offset of a Berlin wall-clock time.
fn berlin(text: &str) -> (i64, i32) {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    let at = chrono_tz::Europe::Berlin
        .from_local_datetime(&local)
        .single()
        .unwrap();
    (
        at.timestamp_millis(),
        chrono::Offset::fix(at.offset()).local_minus_utc(),
    )
}

fn plan(store: &AlyzeStore, day: &str, planned: Vec<FfiPlannedWorkout>) -> FfiDayPlan {
    store
        .plan_days(
            day.to_owned(),
            day.to_owned(),
            ZONE.to_owned(),
            planned,
            MemberProfile::new(Sex::Male),
            default_readiness_settings(),
        )
        .unwrap()
        .pop()
        .unwrap()
}

fn reminders(store: &AlyzeStore, day: &str, planned: Vec<FfiPlannedWorkout>) -> Vec<FfiReminder> {
    store
        .reminders(
            day.to_owned(),
            day.to_owned(),
            ZONE.to_owned(),
            planned,
            MemberProfile::new(Sex::Male),
            default_readiness_settings(),
        )
        .unwrap()
}

fn strength(from: &str, to: &str) -> FfiPlannedWorkout {
    let (start_ms, start_offset_s) = berlin(from);
    let (end_ms, end_offset_s) = berlin(to);
    FfiPlannedWorkout {
        start_ms,
        start_offset_s,
        end_ms,
        end_offset_s,
        training_class: TrainingClass::Strength,
    }
}

fn plunge_of(day: &FfiDayPlan) -> &FfiPlanItem {
    day.items
        .iter()
        .find(|i| i.modality == RecoveryModality::ColdPlunge)
        .unwrap()
}

#[test]
fn the_documents_round_trip_as_json_and_errors_name_no_value() {
    let (_dir, store) = store();
    assert_eq!(store.prescription_json().unwrap(), None);
    let err = store
        .plan_days(
            "2026-03-04".into(),
            "2026-03-04".into(),
            ZONE.into(),
            vec![],
            MemberProfile::new(Sex::Male),
            default_readiness_settings(),
        )
        .unwrap_err();
    assert_eq!(err, AlyzeError::NoPrescription);

    store
        .set_prescription_json(PRESCRIPTION.to_owned())
        .unwrap();
    let saved: Prescription =
        serde_json::from_str(&store.prescription_json().unwrap().unwrap()).unwrap();
    let given: Prescription = serde_json::from_str(PRESCRIPTION).unwrap();
    assert_eq!(saved, given);

    let err = store
        .set_prescription_json(r#"{"targets": [{"sessions_per_week": 77}]}"#.into())
        .unwrap_err();
    assert!(
        matches!(&err, AlyzeError::InvalidArgument { name, reason } if name == "json" && reason.contains("line 1")),
        "{err:?}"
    );
    assert!(!err.to_string().contains("77"), "{err}");
    let unsafe_dose = PRESCRIPTION.replace("\"minutes\": 3,", "\"minutes\": 9,");
    let err = store.set_prescription_json(unsafe_dose).unwrap_err();
    assert!(
        matches!(&err, AlyzeError::InvalidPrescription { reason } if reason.starts_with("targets #0: minutes")),
        "{err:?}"
    );

    let mut settings: serde_json::Value =
        serde_json::from_str(&store.clinic_settings_json().unwrap()).unwrap();
    assert_eq!(settings["cold_gap_after_strength_h"], 6.0);
    settings["reminder_lead_min"] = 30.0.into();
    store
        .set_clinic_settings_json(settings.to_string())
        .unwrap();
    settings["reminder_lead_min"] = (-1.0).into();
    let err = store
        .set_clinic_settings_json(settings.to_string())
        .unwrap_err();
    assert!(
        matches!(&err, AlyzeError::InvalidSetting { name, .. } if name == "reminder_lead_min"),
        "{err:?}"
    );
}

#[test]
fn a_planned_strength_session_moves_the_plunge_and_the_diff_moves_its_reminder() {
    let (_dir, store) = prescribed();
    let day = "2026-03-04";
    let free = plan(&store, day, vec![]);
    assert_eq!(plunge_of(&free).start_ms, berlin("2026-03-04 07:00").0);
    assert_eq!(plunge_of(&free).start_offset_s, 3600);
    assert_eq!(
        plunge_of(&free).dose,
        FfiDose::ColdPlunge {
            minutes: 3.0,
            temperature_c: 6.0
        }
    );
    let held = reminders(&store, day, vec![]);

    let lift = vec![strength("2026-03-04 07:00", "2026-03-04 08:00")];
    let busy = plan(&store, day, lift.clone());
    let moved = plunge_of(&busy);
    assert!(moved.start_ms >= berlin("2026-03-04 14:00").0);
    assert_eq!(moved.reason, ItemReason::ColdClearOfStrength);
    let wanted = reminders(&store, day, lift);
    let now = berlin("2026-03-04 06:00").0;
    let changes = diff_reminders(held.clone(), wanted.clone(), now).unwrap();
    assert!(
        changes
            .cancel
            .contains(&"2026-03-04/cold_plunge/0".to_owned())
    );
    let added = changes
        .add
        .iter()
        .find(|r| r.id == "2026-03-04/cold_plunge/0")
        .unwrap();
    assert_eq!(added.fire_at_ms, moved.start_ms - 15 * 60 * 1000);
    assert_eq!(added.zone.as_deref(), Some(ZONE));
    // Applying the diff to what the phone held gives the wanted schedule: nothing left to do.
    let again = diff_reminders(wanted.clone(), wanted, now).unwrap();
    assert!(again.add.is_empty() && again.cancel.is_empty());
}

#[test]
fn a_logged_session_is_checked_counted_and_takes_its_item_off_the_day() {
    let (_dir, store) = prescribed();
    let (start_ms, start_offset_s) = berlin("2026-03-04 07:00");
    let plunge = |minutes: f64, clinic_override: bool| FfiLoggedSession {
        modality: RecoveryModality::ColdPlunge,
        start_ms,
        start_offset_s,
        zone: Some(ZONE.to_owned()),
        minutes,
        temperature_c: Some(6.0),
        clinic_override,
    };
    let err = store
        .log_session(plunge(8.0, false), Source::named("app"))
        .unwrap_err();
    assert_eq!(
        err,
        AlyzeError::DoseOutsideSafeRange {
            field: "minutes".into(),
            min: 2.0,
            max: 5.0
        }
    );
    assert_eq!(
        store.week_adherence("2026-03-04".into()).unwrap().targets[0].sessions_done,
        0
    );
    let err = store
        .log_session(plunge(0.0, true), Source::named("app"))
        .unwrap_err();
    assert!(
        matches!(err, AlyzeError::InvalidArgument { ref name, .. } if name == "session.minutes")
    );

    let week = store
        .log_session(plunge(8.0, true), Source::named("app"))
        .unwrap()
        .unwrap();
    assert_eq!(week.first_day, "2026-03-02");
    assert_eq!(week.targets[0].modality, RecoveryModality::ColdPlunge);
    assert_eq!(week.targets[0].sessions_done, 1);
    assert_eq!(week.targets[0].minutes_done, 8.0);
    assert_eq!(week.cold_minutes, 8.0);
    let day = plan(&store, "2026-03-04", vec![]);
    assert!(
        day.items
            .iter()
            .all(|i| i.modality != RecoveryModality::ColdPlunge)
    );
}

#[test]
fn bad_arguments_are_named() {
    let (_dir, store) = prescribed();
    let call = |zone: &str, planned: Vec<FfiPlannedWorkout>| {
        store
            .plan_days(
                "2026-03-04".into(),
                "2026-03-04".into(),
                zone.into(),
                planned,
                MemberProfile::new(Sex::Male),
                default_readiness_settings(),
            )
            .unwrap_err()
    };
    assert!(
        matches!(call("Mars/Olympus", vec![]), AlyzeError::InvalidArgument { name, .. } if name == "zone")
    );
    let mut bad = strength("2026-03-04 07:00", "2026-03-04 08:00");
    bad.end_offset_s = 100_000;
    assert!(
        matches!(call(ZONE, vec![bad]), AlyzeError::InvalidArgument { name, .. } if name == "planned #0")
    );
    let err = store
        .plan_days(
            "2026-03-05".into(),
            "2026-03-04".into(),
            ZONE.into(),
            vec![],
            MemberProfile::new(Sex::Male),
            default_readiness_settings(),
        )
        .unwrap_err();
    assert!(matches!(err, AlyzeError::InvalidArgument { .. }), "{err:?}");
    let err = diff_reminders(vec![], vec![], i64::MAX).unwrap_err();
    assert!(matches!(err, AlyzeError::InvalidArgument { name, .. } if name == "now_ms"));
}
