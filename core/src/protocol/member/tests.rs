use chrono::{NaiveTime, TimeZone};

use super::*;
use crate::health::{ActivityType, RecoveryModality, Source, Timestamp, TrainingClass};
use crate::load::Sex;
use crate::protocol::{DayWorkout, Dose, LocalWindow, WeeklyTarget, WorkoutStatus, diff};

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn date(d: u32) -> NaiveDate {
    // March 2026: Monday the 2nd starts a week; the 29th is the spring DST change in Berlin.
    NaiveDate::from_ymd_opt(2026, 3, d).expect("date")
}

fn at(d: u32, h: u32, m: u32) -> Timestamp {
    let local = BERLIN
        .from_local_datetime(&date(d).and_time(NaiveTime::from_hms_opt(h, m, 0).expect("time")))
        .single()
        .expect("unambiguous");
    Timestamp::from_local(local.fixed_offset(), Some(BERLIN.name().to_owned())).expect("stamp")
}

fn target(sessions: u8, dose: Dose) -> WeeklyTarget {
    WeeklyTarget {
        sessions_per_week: sessions,
        check: DoseCheck::Standard,
        dose,
    }
}

fn plunge() -> Dose {
    Dose::ColdPlunge {
        minutes: 3.0,
        temperature_c: 6.0,
    }
}

fn sauna() -> Dose {
    Dose::Sauna {
        minutes: 15.0,
        temperature_c: 90.0,
    }
}

/// Daily plunge and three saunas a week, between 07:00 and 21:00.
fn prescription() -> Prescription {
    Prescription {
        targets: vec![target(7, plunge()), target(3, sauna())],
        availability: vec![LocalWindow::new(
            NaiveTime::from_hms_opt(7, 0, 0).expect("time"),
            NaiveTime::from_hms_opt(21, 0, 0).expect("time"),
        )],
        ..Prescription::default()
    }
}

fn strength(d: u32, h: u32) -> Workout {
    let start = at(d, h, 0);
    let end = at(d, h + 1, 0);
    Workout {
        activity: ActivityType::TraditionalStrengthTraining,
        start,
        end,
        duration_s: 3600.0,
        active_energy_kcal: None,
        avg_heart_rate_bpm: None,
        max_heart_rate_bpm: None,
        distance_m: None,
        events: Vec::new(),
        source: Source::named("watch"),
        platform_id: Some(format!("strength-{d}-{h}")),
    }
}

fn session(
    modality: RecoveryModality,
    start: Timestamp,
    minutes: f64,
    c: Option<f64>,
) -> RecoverySession {
    RecoverySession::new(modality, start, minutes * 60.0, c, Source::named("app")).expect("session")
}

fn member_store() -> Store {
    let mut store = Store::open_in_memory().expect("opens");
    set_prescription(&mut store, &prescription()).expect("saves");
    store
}

fn plan(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<Vec<MemberDay>, MemberError> {
    plan_days(
        store,
        from,
        to,
        BERLIN,
        &[],
        &MemberProfile::new(Sex::Female),
        &HistorySettings::default(),
    )
}

fn reminders_of(store: &Store, from: NaiveDate, to: NaiveDate) -> Vec<Reminder> {
    reminders_between(
        store,
        from,
        to,
        BERLIN,
        &[],
        &MemberProfile::new(Sex::Female),
        &HistorySettings::default(),
    )
    .expect("reminders")
}

fn plunge_item(day: &MemberDay) -> &crate::protocol::PlanItem {
    day.plan
        .items
        .iter()
        .find(|i| i.modality == RecoveryModality::ColdPlunge)
        .expect("a plunge is planned")
}

#[test]
fn nothing_is_planned_or_counted_before_a_prescription_is_saved() {
    let mut store = Store::open_in_memory().expect("opens");
    assert!(matches!(
        plan(&store, date(3), date(3)),
        Err(MemberError::NoPrescription)
    ));
    assert!(matches!(
        adherence_of_week(&store, date(3)),
        Err(MemberError::NoPrescription)
    ));
    // A session can still be logged; there is just no week to count it against.
    let logged = log_session(
        &mut store,
        &session(RecoveryModality::Sauna, at(3, 8, 0), 15.0, Some(90.0)),
        DoseCheck::Standard,
    )
    .expect("logs");
    assert_eq!(logged, None);
}

#[test]
fn a_prescription_outside_the_safe_ranges_is_refused_and_the_saved_one_kept() {
    let mut store = member_store();
    let mut unsafe_one = prescription();
    unsafe_one.targets[0] = target(
        7,
        Dose::ColdPlunge {
            minutes: 12.0,
            temperature_c: 6.0,
        },
    );
    let err = set_prescription(&mut store, &unsafe_one).expect_err("refused");
    assert!(
        err.to_string().starts_with("targets #0: minutes"),
        "the message names the item and field: {err}"
    );
    assert_eq!(store.prescription().expect("reads"), Some(prescription()));
}

#[test]
fn settings_that_would_invalidate_the_saved_prescription_are_refused() {
    let mut store = member_store();
    let mut narrowed = ClinicSettings::default();
    narrowed.safe.plunge_minutes.max = 2.0;
    let err = set_clinic_settings(&mut store, &narrowed).expect_err("refused");
    assert!(err.to_string().contains("minutes"), "{err}");
    assert_eq!(store.clinic_settings().expect("reads"), None);
    let wider = ClinicSettings {
        cold_gap_after_strength_h: 8.0,
        ..ClinicSettings::default()
    };
    set_clinic_settings(&mut store, &wider).expect("saves");
    assert_eq!(clinic_settings(&store).expect("reads"), wider);
}

#[test]
fn a_logged_strength_session_moves_the_plunge_out_of_the_gap_and_its_reminder_with_it() {
    let mut store = member_store();
    let day = date(4);
    let before = plan(&store, day, day).expect("plans");
    let first_plunge = plunge_item(&before[0]).start.clone();
    // Morning plunge while nothing else is on the day.
    assert_eq!(first_plunge, at(4, 7, 0));
    let held = reminders_of(&store, day, day);

    // Strength 07:00-08:00: no cold until 14:00 (the 6 h gap), as the settings say.
    store
        .ingest("healthkit:workout", &[strength(4, 7)], &[], None)
        .expect("stores");
    let after = plan(&store, day, day).expect("plans");
    let moved = plunge_item(&after[0]);
    assert!(
        moved.start.utc() >= at(4, 14, 0).utc(),
        "the plunge starts at {} (local), inside the gap",
        moved.start.local()
    );
    let wanted = reminders_of(&store, day, day);
    let changes = diff(&held, &wanted, at(4, 0, 0).utc());
    let plunge_id = format!("{day}/cold_plunge/0");
    assert!(changes.cancel.contains(&plunge_id));
    let added = changes
        .add
        .iter()
        .find(|r| r.id == plunge_id)
        .expect("the plunge's reminder is re-added");
    assert!(added.fire_at.utc() < moved.start.utc());
    assert!(
        wanted
            .iter()
            .any(|r| r.id == plunge_id && r.fire_at == added.fire_at)
    );
}

#[test]
fn training_the_member_plans_keeps_the_plunge_out_of_its_gap_before_it_happens() {
    let mut store = member_store();
    let day = date(4);
    assert_eq!(
        plunge_item(&plan(&store, day, day).expect("plans")[0]).start,
        at(4, 7, 0)
    );
    // Strength planned for 07:00-08:00, nothing recorded yet: the plunge moves past 14:00.
    let lift = DayWorkout {
        start: at(4, 7, 0),
        end: at(4, 8, 0),
        class: TrainingClass::Strength,
        status: WorkoutStatus::Planned,
    };
    let id = store.add_planned_workout(&lift).expect("saves");
    let moved = plunge_item(&plan(&store, day, day).expect("plans")[0])
        .start
        .clone();
    assert!(moved.utc() >= at(4, 14, 0).utc(), "{}", moved.local());
    // The plan dropped: the plunge is back in the morning.
    assert!(store.remove_planned_workout(&id).expect("removes"));
    assert_eq!(
        plunge_item(&plan(&store, day, day).expect("plans")[0]).start,
        at(4, 7, 0)
    );
}

#[test]
fn a_strength_session_late_the_evening_before_reaches_into_the_morning() {
    let mut store = member_store();
    store
        .ingest("healthkit:workout", &[strength(3, 20)], &[], None)
        .expect("stores");
    let days = plan(&store, date(4), date(4)).expect("plans");
    // 21:00 + 6 h = 03:00, before the 07:00 availability: the morning plunge stands.
    assert_eq!(plunge_item(&days[0]).start, at(4, 7, 0));
    let mut late = strength(3, 20);
    late.start = at(3, 23, 0);
    late.end = at(4, 2, 0);
    late.platform_id = Some("late".into());
    store
        .ingest("healthkit:workout", &[late], &[], None)
        .expect("stores");
    let days = plan(&store, date(4), date(4)).expect("plans");
    assert!(plunge_item(&days[0]).start.utc() >= at(4, 8, 0).utc());
}

#[test]
fn a_session_logged_today_takes_its_item_and_reminder_off_the_rest_of_the_day() {
    let mut store = member_store();
    let day = date(4);
    let held = reminders_of(&store, day, day);
    assert!(held.iter().any(|r| r.id == "2026-03-04/cold_plunge/0"));
    log_session(
        &mut store,
        &session(RecoveryModality::ColdPlunge, at(4, 6, 30), 3.0, Some(6.0)),
        DoseCheck::Standard,
    )
    .expect("logs");
    let days = plan(&store, day, day).expect("plans");
    assert!(
        days[0]
            .plan
            .items
            .iter()
            .all(|i| i.modality != RecoveryModality::ColdPlunge)
    );
    // The plunge's reminder goes; the sauna may move into the freed slot, never a plunge back.
    let changes = diff(&held, &reminders_of(&store, day, day), at(4, 6, 35).utc());
    assert!(
        changes
            .cancel
            .contains(&"2026-03-04/cold_plunge/0".to_owned())
    );
    assert!(changes.add.iter().all(|r| !r.id.contains("cold_plunge")));
    // The next day's plunge is still due.
    let next = plan(&store, date(5), date(5)).expect("plans");
    plunge_item(&next[0]);
}

#[test]
fn sessions_earlier_in_the_week_take_the_weekly_target_off_the_later_days() {
    let mut store = member_store();
    // Three saunas on Monday to Wednesday meet the week's target of three.
    for d in 2..=4 {
        log_session(
            &mut store,
            &session(RecoveryModality::Sauna, at(d, 18, 0), 15.0, Some(90.0)),
            DoseCheck::Standard,
        )
        .expect("logs");
    }
    let days = plan(&store, date(5), date(8)).expect("plans");
    assert_eq!(days.len(), 4);
    for day in &days {
        assert!(
            day.plan
                .items
                .iter()
                .all(|i| i.modality != RecoveryModality::Sauna),
            "{} plans a sauna after the target was met",
            day.plan.date
        );
        assert!(
            day.plan
                .items
                .iter()
                .any(|i| i.modality == RecoveryModality::ColdPlunge)
        );
    }
    // The next week starts over.
    let next = plan(&store, date(9), date(9)).expect("plans");
    assert!(
        next[0]
            .plan
            .items
            .iter()
            .any(|i| i.modality == RecoveryModality::Sauna)
    );
}

#[test]
fn logging_checks_the_dose_stores_nothing_when_refused_and_counts_the_week() {
    let mut store = member_store();
    let too_long = session(RecoveryModality::ColdPlunge, at(3, 9, 0), 8.0, Some(6.0));
    let err = log_session(&mut store, &too_long, DoseCheck::Standard).expect_err("refused");
    assert!(err.to_string().contains("needs a clinic override"), "{err}");
    assert!(
        !err.to_string().contains('8'),
        "no value in the message: {err}"
    );
    assert_eq!(
        adherence_of_week(&store, date(3)).expect("counts").targets[0].sessions_done,
        0
    );
    let week = log_session(&mut store, &too_long, DoseCheck::ClinicOverride)
        .expect("logs")
        .expect("a prescription is saved");
    let sauna = log_session(
        &mut store,
        &session(RecoveryModality::Sauna, at(5, 18, 0), 18.0, Some(90.0)),
        DoseCheck::Standard,
    )
    .expect("logs")
    .expect("a prescription is saved");
    assert_eq!(week.first_day, date(2));
    assert_eq!(week.targets[0].sessions_done, 1);
    assert_eq!(sauna.targets[0].minutes_done, 8.0);
    assert_eq!(sauna.targets[1].sessions_done, 1);
    assert_eq!(sauna.targets[1].minutes_done, 18.0);
    assert_eq!(sauna.sauna_minutes, 18.0);
    assert_eq!(sauna.cold_minutes, 8.0);
    // Logging the same modality at the same start again replaces the entry.
    let again = log_session(
        &mut store,
        &session(RecoveryModality::Sauna, at(5, 18, 0), 16.0, Some(90.0)),
        DoseCheck::Standard,
    )
    .expect("logs")
    .expect("a prescription is saved");
    assert_eq!(again.targets[1].sessions_done, 1);
    assert_eq!(again.targets[1].minutes_done, 16.0);
}

#[test]
fn reminders_span_the_range_in_fire_order_across_the_dst_change() {
    let store = member_store();
    // Saturday 28 March to Monday 30 March: the clocks go forward on the 29th.
    let all = reminders_of(&store, date(28), date(30));
    let days: Vec<&str> = all.iter().map(|r| &r.id[..10]).collect();
    assert!(days.contains(&"2026-03-28") && days.contains(&"2026-03-30"));
    assert!(
        all.windows(2)
            .all(|w| w[0].fire_at.utc() <= w[1].fire_at.utc())
    );
    let sunday = all
        .iter()
        .find(|r| r.id == "2026-03-29/cold_plunge/0")
        .expect("Sunday's plunge");
    // 07:00 CEST less the 15 min lead, on the summer offset.
    assert_eq!(
        sunday.fire_at.local().format("%H:%M %:z").to_string(),
        "06:45 +02:00"
    );
}

#[test]
fn ranges_that_run_backwards_or_span_over_a_year_are_refused() {
    let store = member_store();
    assert!(matches!(
        plan(&store, date(5), date(4)),
        Err(MemberError::Range)
    ));
    let far = date(1)
        .checked_add_days(Days::new(u64::from(MAX_RANGE_DAYS)))
        .expect("date");
    assert!(matches!(
        plan(&store, date(1), far),
        Err(MemberError::Range)
    ));
    let last = date(1)
        .checked_add_days(Days::new(u64::from(MAX_RANGE_DAYS) - 1))
        .expect("date");
    assert_eq!(
        plan(&store, date(1), last).expect("plans a year").len(),
        MAX_RANGE_DAYS as usize
    );
}
