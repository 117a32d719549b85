use std::collections::BTreeSet;

use chrono::{NaiveTime, TimeZone, Weekday};
use proptest::prelude::*;

use super::*;
use crate::protocol::modality::{ContrastDose, DoseCheck};
use crate::protocol::prescription::{FixedSession, LocalWindow};

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

/// The instant the clock of `tz` shows `h:m` on `d` (unambiguous times only).
fn local(tz: Tz, d: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    tz.from_local_datetime(&d.and_time(t(h, m)))
        .single()
        .expect("unambiguous local time")
        .with_timezone(&Utc)
}

fn stamp(tz: Tz, instant: DateTime<Utc>) -> Timestamp {
    Timestamp::new(instant, offset_s(tz, instant), Some(tz.name().to_owned())).expect("timestamp")
}

fn workout(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>, class: TrainingClass) -> DayWorkout {
    DayWorkout {
        start: stamp(tz, start),
        end: stamp(tz, end),
        class,
        status: WorkoutStatus::Logged,
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

fn red_light() -> Dose {
    Dose::RedLight {
        minutes: 10.0,
        wavelength_nm: Some(660.0),
    }
}

fn daily(dose: Dose) -> WeeklyTarget {
    WeeklyTarget {
        sessions_per_week: 7,
        dose,
        check: DoseCheck::Standard,
    }
}

fn daytime(targets: Vec<WeeklyTarget>) -> Prescription {
    Prescription {
        targets,
        availability: vec![LocalWindow::new(t(6, 0), t(22, 0))],
        ..Prescription::default()
    }
}

fn plan(tz: Tz, d: NaiveDate, workouts: &[DayWorkout], p: &Prescription) -> DayPlan {
    plan_day(
        d,
        tz,
        Some(Recommendation::Push),
        workouts,
        p,
        &WeekSoFar::default(),
        &ClinicSettings::default(),
    )
    .expect("plan")
}

fn item(plan: &DayPlan, modality: RecoveryModality) -> &PlanItem {
    plan.items
        .iter()
        .find(|i| i.modality == modality)
        .expect("item planned")
}

#[test]
fn cold_waits_for_the_gap_after_strength() {
    let d = date(2026, 6, 10);
    let w = [workout(
        BERLIN,
        local(BERLIN, d, 6, 0),
        local(BERLIN, d, 7, 0),
        TrainingClass::Strength,
    )];
    let p = plan(BERLIN, d, &w, &daytime(vec![daily(plunge())]));
    let cold = item(&p, RecoveryModality::ColdPlunge);
    assert_eq!(cold.start.utc(), local(BERLIN, d, 13, 0));
    assert_eq!(cold.end.utc(), local(BERLIN, d, 13, 3));
    assert_eq!(cold.reason, ItemReason::ColdClearOfStrength);
    assert_eq!(cold.start.zone(), Some("Europe/Berlin"));
    assert_eq!(cold.start.offset_s(), 7200);
    assert!(p.dropped.is_empty());
}

#[test]
fn logging_a_later_strength_workout_moves_the_cold_session() {
    let d = date(2026, 6, 10);
    let planned = DayWorkout {
        status: WorkoutStatus::Planned,
        ..workout(
            BERLIN,
            local(BERLIN, d, 6, 0),
            local(BERLIN, d, 7, 0),
            TrainingClass::Strength,
        )
    };
    let presc = daytime(vec![daily(plunge())]);
    let before = plan(BERLIN, d, std::slice::from_ref(&planned), &presc);
    assert_eq!(
        item(&before, RecoveryModality::ColdPlunge).start.utc(),
        local(BERLIN, d, 13, 0)
    );
    let logged = workout(
        BERLIN,
        local(BERLIN, d, 12, 0),
        local(BERLIN, d, 13, 0),
        TrainingClass::Strength,
    );
    let after = plan(BERLIN, d, &[planned, logged], &presc);
    assert_eq!(
        item(&after, RecoveryModality::ColdPlunge).start.utc(),
        local(BERLIN, d, 19, 0)
    );
}

#[test]
fn cold_prefers_the_time_after_endurance_work() {
    let d = date(2026, 6, 10);
    let w = [workout(
        BERLIN,
        local(BERLIN, d, 10, 0),
        local(BERLIN, d, 11, 0),
        TrainingClass::Endurance,
    )];
    let p = plan(BERLIN, d, &w, &daytime(vec![daily(plunge())]));
    let cold = item(&p, RecoveryModality::ColdPlunge);
    // After the run and the 15 min spacing, although 06:00 was free.
    assert_eq!(cold.start.utc(), local(BERLIN, d, 11, 15));
    assert_eq!(cold.reason, ItemReason::ColdAfterEndurance);
}

#[test]
fn a_run_the_evening_before_does_not_make_the_day_after_endurance() {
    let d = date(2026, 6, 10);
    let before = d.pred_opt().expect("date");
    let w = [workout(
        BERLIN,
        local(BERLIN, before, 19, 0),
        local(BERLIN, before, 20, 0),
        TrainingClass::Endurance,
    )];
    let p = plan(BERLIN, d, &w, &daytime(vec![daily(plunge())]));
    let cold = item(&p, RecoveryModality::ColdPlunge);
    assert_eq!(cold.start.utc(), local(BERLIN, d, 6, 0));
    assert_eq!(cold.reason, ItemReason::ColdNonTrainingDay);
}

#[test]
fn cold_on_a_rest_day_says_so() {
    let d = date(2026, 6, 10);
    let p = plan(BERLIN, d, &[], &daytime(vec![daily(plunge())]));
    let cold = item(&p, RecoveryModality::ColdPlunge);
    assert_eq!(cold.start.utc(), local(BERLIN, d, 6, 0));
    assert_eq!(cold.reason, ItemReason::ColdNonTrainingDay);
    assert!(cold.evidence.contains("Roberts"));
}

#[test]
fn cold_and_contrast_are_dropped_when_the_gap_fills_the_day() {
    let d = date(2026, 6, 10);
    let w = [workout(
        BERLIN,
        local(BERLIN, d, 17, 0),
        local(BERLIN, d, 18, 0),
        TrainingClass::Strength,
    )];
    let mut presc = daytime(vec![
        daily(plunge()),
        daily(Dose::Contrast(ContrastDose {
            rounds: 2,
            sauna_minutes: 10.0,
            sauna_c: 85.0,
            plunge_minutes: 2.0,
            plunge_c: 6.0,
        })),
        daily(sauna()),
    ]);
    presc.availability = vec![LocalWindow::new(t(17, 0), t(22, 0))];
    let p = plan(BERLIN, d, &w, &presc);
    let dropped: Vec<_> = p.dropped.iter().map(|x| (x.modality, x.reason)).collect();
    assert_eq!(
        dropped,
        [
            (
                RecoveryModality::ColdPlunge,
                DroppedReason::ColdGapAfterStrength
            ),
            (
                RecoveryModality::Contrast,
                DroppedReason::ColdGapAfterStrength
            ),
        ]
    );
    // The sauna has no such rule and goes after the workout.
    assert_eq!(
        item(&p, RecoveryModality::Sauna).start.utc(),
        local(BERLIN, d, 18, 15)
    );
}

#[test]
fn red_light_goes_in_its_window_after_training_or_is_dropped() {
    let d = date(2026, 6, 10);
    let w = [workout(
        BERLIN,
        local(BERLIN, d, 6, 0),
        local(BERLIN, d, 7, 0),
        TrainingClass::Intervals,
    )];
    let mut presc = daytime(vec![daily(red_light()), daily(sauna())]);
    let p = plan(BERLIN, d, &w, &presc);
    let red = item(&p, RecoveryModality::RedLight);
    assert_eq!(red.start.utc(), local(BERLIN, d, 7, 15));
    assert_eq!(red.reason, ItemReason::RedLightAfterTraining);
    // Red light is placed first; the sauna keeps its spacing after it.
    assert_eq!(
        item(&p, RecoveryModality::Sauna).start.utc(),
        local(BERLIN, d, 7, 40)
    );

    // Quiet from 07:00 to 12:00 covers the whole 4 h window after the session.
    presc.quiet_hours = vec![LocalWindow::new(t(7, 0), t(12, 0))];
    let p = plan(BERLIN, d, &w, &presc);
    assert!(
        p.items
            .iter()
            .all(|i| i.modality != RecoveryModality::RedLight)
    );
    assert_eq!(p.dropped.len(), 1);
    assert_eq!(p.dropped[0].reason, DroppedReason::RedLightWindow);
    assert!(!p.dropped[0].booked);
}

#[test]
fn mobility_does_not_make_a_training_day() {
    let d = date(2026, 6, 10);
    let w = [workout(
        BERLIN,
        local(BERLIN, d, 6, 0),
        local(BERLIN, d, 7, 0),
        TrainingClass::Mobility,
    )];
    let p = plan(BERLIN, d, &w, &daytime(vec![daily(red_light())]));
    assert_eq!(
        item(&p, RecoveryModality::RedLight).reason,
        ItemReason::RedLightRestDay
    );
}

#[test]
fn booked_sessions_keep_their_slot_unless_a_rule_refuses_them() {
    let d = date(2026, 6, 10);
    let w = [workout(
        BERLIN,
        local(BERLIN, d, 8, 0),
        local(BERLIN, d, 9, 0),
        TrainingClass::Strength,
    )];
    let booked = |h, dose| FixedSession {
        start: stamp(BERLIN, local(BERLIN, d, h, 0)),
        dose,
        check: DoseCheck::Standard,
    };
    let presc = Prescription {
        // A booked sauna outside the member's availability is kept (the member booked it), and
        // stands in for the sauna target; the plunge at 11:00 is in the gap, the one at 23:00 in
        // quiet hours.
        targets: vec![daily(sauna())],
        fixed: vec![
            booked(23, plunge()),
            booked(11, plunge()),
            booked(5, sauna()),
        ],
        availability: vec![LocalWindow::new(t(9, 0), t(20, 0))],
        quiet_hours: vec![LocalWindow::new(t(22, 0), t(4, 0))],
    };
    let p = plan(BERLIN, d, &w, &presc);
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.items[0].reason, ItemReason::Booked);
    assert_eq!(p.items[0].start.utc(), local(BERLIN, d, 5, 0));
    let dropped: Vec<_> = p
        .dropped
        .iter()
        .map(|x| (x.modality, x.booked, x.reason))
        .collect();
    assert_eq!(
        dropped,
        [
            (
                RecoveryModality::ColdPlunge,
                true,
                DroppedReason::ColdGapAfterStrength
            ),
            (
                RecoveryModality::ColdPlunge,
                true,
                DroppedReason::QuietHours
            ),
        ]
    );
}

#[test]
fn weekly_targets_are_spread_and_caught_up() {
    let s = ClinicSettings::default();
    let three = WeeklyTarget {
        sessions_per_week: 3,
        ..daily(sauna())
    };
    // 2026-06-08 is a Monday.
    let day = |n: u32| date(2026, 6, 8 + n);
    assert!(is_due(&three, 0, day(0), &s)); // ceil(3 * 1 / 7) = 1
    assert!(!is_due(&three, 1, day(1), &s)); // ceil(3 * 2 / 7) = 1
    assert!(is_due(&three, 1, day(2), &s)); // ceil(3 * 3 / 7) = 2
    assert!(is_due(&three, 2, day(6), &s)); // Sunday: the third is caught up
    assert!(!is_due(&three, 3, day(6), &s));
    // A week starting on Sunday makes that Sunday its first day.
    let sunday_weeks = ClinicSettings {
        week_starts_on: Weekday::Sun,
        ..ClinicSettings::default()
    };
    assert!(!is_due(&three, 1, day(6), &sunday_weeks));

    let presc = daytime(vec![three]);
    let done = WeekSoFar {
        done: BTreeMap::from([(RecoveryModality::Sauna, 1)]),
        ..WeekSoFar::default()
    };
    let tuesday = plan_day(
        day(1),
        BERLIN,
        None,
        &[],
        &presc,
        &done,
        &ClinicSettings::default(),
    )
    .expect("plan");
    assert!(tuesday.items.is_empty() && tuesday.dropped.is_empty());
}

#[test]
fn a_target_already_done_today_is_not_planned_again_that_day() {
    let d = date(2026, 6, 10);
    // Behind on a daily plunge (nothing done Monday and Tuesday), so it is due on Wednesday even
    // after one session; but not twice in a day.
    let presc = daytime(vec![daily(plunge()), daily(sauna())]);
    let settings = ClinicSettings::default();
    let behind = WeekSoFar::default();
    let fresh = plan_day(d, BERLIN, None, &[], &presc, &behind, &settings).expect("plan");
    assert_eq!(fresh.items.len(), 2);
    let plunged = WeekSoFar {
        done_today: BTreeSet::from([RecoveryModality::ColdPlunge]),
        ..WeekSoFar::default()
    };
    let after = plan_day(d, BERLIN, None, &[], &presc, &plunged, &settings).expect("plan");
    let modalities: Vec<RecoveryModality> = after.items.iter().map(|i| i.modality).collect();
    assert_eq!(modalities, vec![RecoveryModality::Sauna]);
    assert!(after.dropped.is_empty());
}

#[test]
fn a_recover_day_caps_training_intensity() {
    let d = date(2026, 6, 10);
    let presc = Prescription::default();
    let run = |call| {
        plan_day(
            d,
            BERLIN,
            call,
            &[],
            &presc,
            &WeekSoFar::default(),
            &ClinicSettings::default(),
        )
        .expect("plan")
        .guidance
    };
    assert_eq!(
        run(Some(Recommendation::Recover)).map(|g| g.max_rpe),
        Some(3)
    );
    assert_eq!(run(Some(Recommendation::Push)), None);
    assert_eq!(run(None), None);
}

#[test]
fn quiet_hours_across_midnight_hold_on_both_dst_changes_in_berlin() {
    let presc = Prescription {
        targets: vec![daily(sauna())],
        quiet_hours: vec![LocalWindow::new(t(22, 0), t(7, 0))],
        ..Prescription::default()
    };
    for (d, offset) in [(date(2026, 3, 29), 7200), (date(2026, 10, 25), 3600)] {
        let p = plan(BERLIN, d, &[], &presc);
        let s = item(&p, RecoveryModality::Sauna);
        assert_eq!(s.start.local().time(), t(7, 0), "{d}");
        assert_eq!(s.start.local().date_naive(), d);
        assert_eq!(s.start.offset_s(), offset);
    }
    // The gap is measured in real hours: a strength session ending at 01:00 CET on the night
    // the clock springs forward frees cold at 08:00 CEST, six hours later, not at 07:00.
    let d = date(2026, 3, 29);
    let end = Utc.with_ymd_and_hms(2026, 3, 29, 0, 0, 0).unwrap();
    let w = [workout(
        BERLIN,
        end - TimeDelta::hours(1),
        end,
        TrainingClass::Strength,
    )];
    let presc = Prescription {
        targets: vec![daily(plunge())],
        quiet_hours: vec![LocalWindow::new(t(22, 0), t(7, 0))],
        ..Prescription::default()
    };
    let cold = plan(BERLIN, d, &w, &presc);
    let cold = item(&cold, RecoveryModality::ColdPlunge);
    assert_eq!(cold.start.utc(), end + TimeDelta::hours(6));
    assert_eq!(cold.start.local().time(), t(8, 0));
}

#[test]
fn members_far_east_and_west_get_their_own_local_day() {
    let presc = Prescription {
        targets: vec![daily(sauna())],
        quiet_hours: vec![LocalWindow::new(t(22, 0), t(7, 0))],
        ..Prescription::default()
    };
    let d = date(2026, 6, 10);
    for (tz, offset) in [
        (chrono_tz::Pacific::Kiritimati, 14 * 3600),
        (chrono_tz::Pacific::Pago_Pago, -11 * 3600),
    ] {
        let p = plan(tz, d, &[], &presc);
        let s = item(&p, RecoveryModality::Sauna);
        assert_eq!(s.start.offset_s(), offset);
        assert_eq!(s.start.local().date_naive(), d);
        assert_eq!(s.start.local().time(), t(7, 0));
        assert_eq!(s.start.utc(), local(tz, d, 7, 0));
    }
}

#[test]
fn unusable_inputs_are_refused_by_name() {
    let d = date(2026, 6, 10);
    let now = local(BERLIN, d, 9, 0);
    let backwards = [workout(
        BERLIN,
        now,
        now - TimeDelta::hours(1),
        TrainingClass::Strength,
    )];
    let err = plan_day(
        d,
        BERLIN,
        None,
        &backwards,
        &Prescription::default(),
        &WeekSoFar::default(),
        &ClinicSettings::default(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ProtocolError::Item {
            list: "workouts",
            index: 0,
            ..
        }
    ));
    let bad = ClinicSettings {
        red_light_window_h: -1.0,
        ..ClinicSettings::default()
    };
    assert!(matches!(
        plan_day(
            d,
            BERLIN,
            None,
            &[],
            &Prescription::default(),
            &WeekSoFar::default(),
            &bad
        ),
        Err(ProtocolError::InvalidSetting {
            name: "red_light_window_h",
            ..
        })
    ));
}

// Property tests over generated days.

const ZONES: [Tz; 8] = [
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::America::Santiago,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Kiritimati,
    chrono_tz::Pacific::Pago_Pago,
    chrono_tz::Asia::Kolkata,
    chrono_tz::UTC,
];

const CLASSES: [TrainingClass; 5] = [
    TrainingClass::Strength,
    TrainingClass::Endurance,
    TrainingClass::Intervals,
    TrainingClass::Mobility,
    TrainingClass::Other,
];

fn dose_of(index: usize) -> Dose {
    match index % 6 {
        0 => sauna(),
        1 => plunge(),
        2 => Dose::Contrast(ContrastDose {
            rounds: 3,
            sauna_minutes: 10.0,
            sauna_c: 85.0,
            plunge_minutes: 2.0,
            plunge_c: 6.0,
        }),
        3 => red_light(),
        4 => Dose::Pemf { minutes: 20.0 },
        _ => Dose::Breathwork {
            minutes: 10.0,
            breaths_per_min: 6.0,
        },
    }
}

fn window((start, end): (u32, u32)) -> Option<LocalWindow> {
    let w = LocalWindow::new(t(start / 60, start % 60), t(end / 60, end % 60));
    (w.start != w.end).then_some(w)
}

#[derive(Debug, Clone)]
struct Day {
    tz: Tz,
    date: NaiveDate,
    workouts: Vec<DayWorkout>,
    prescription: Prescription,
    week: WeekSoFar,
    settings: ClinicSettings,
    readiness: Option<Recommendation>,
}

fn minute_of_day() -> impl Strategy<Value = u32> {
    (0u32..288).prop_map(|m| m * 5)
}

fn day_strategy() -> impl Strategy<Value = Day> {
    let dates = prop_oneof![
        Just(date(2026, 3, 29)),
        Just(date(2026, 10, 25)),
        Just(date(2026, 3, 8)),
        Just(date(2026, 11, 1)),
        Just(date(2026, 4, 5)),
        Just(date(2026, 9, 6)),
        (0u64..365).prop_map(|n| date(2026, 1, 1) + chrono::Days::new(n)),
    ];
    (
        (0..ZONES.len(), dates),
        prop::collection::vec(
            (0..CLASSES.len(), -720i64..1440, 5i64..240, any::<bool>()),
            0..5,
        ),
        prop::collection::vec(prop::option::of(1u8..=7), 6),
        prop::collection::vec((0usize..6, -60i64..1500), 0..3),
        prop::collection::vec((minute_of_day(), minute_of_day()), 0..3),
        prop::collection::vec((minute_of_day(), minute_of_day()), 0..3),
        prop::collection::vec(0u8..7, 6),
        (0.0f64..12.0, 0.0f64..60.0, 0.5f64..8.0, 0usize..4),
    )
        .prop_map(
            |(
                (zone, date),
                workouts,
                targets,
                fixed,
                avail,
                quiet,
                done,
                (gap, space, red, call),
            )| {
                let tz = ZONES[zone];
                let midnight = local_day(tz, date).expect("day").start;
                let at = |min: i64| midnight + TimeDelta::minutes(min);
                let workouts = workouts
                    .into_iter()
                    .map(|(class, start, len, logged)| DayWorkout {
                        status: if logged {
                            WorkoutStatus::Logged
                        } else {
                            WorkoutStatus::Planned
                        },
                        ..workout(tz, at(start), at(start + len), CLASSES[class])
                    })
                    .collect();
                let prescription = Prescription {
                    targets: targets
                        .into_iter()
                        .enumerate()
                        .filter_map(|(i, n)| {
                            n.map(|sessions_per_week| WeeklyTarget {
                                sessions_per_week,
                                dose: dose_of(i),
                                check: DoseCheck::Standard,
                            })
                        })
                        .collect(),
                    fixed: fixed
                        .into_iter()
                        .map(|(i, start)| FixedSession {
                            start: stamp(tz, at(start)),
                            dose: dose_of(i),
                            check: DoseCheck::Standard,
                        })
                        .collect(),
                    availability: avail.into_iter().filter_map(window).collect(),
                    quiet_hours: quiet.into_iter().filter_map(window).collect(),
                };
                let week = WeekSoFar {
                    done: PLACEMENT_ORDER.into_iter().zip(done).collect(),
                    ..WeekSoFar::default()
                };
                let settings = ClinicSettings {
                    cold_gap_after_strength_h: gap,
                    min_spacing_min: space,
                    red_light_window_h: red,
                    ..ClinicSettings::default()
                };
                let readiness = [
                    None,
                    Some(Recommendation::Recover),
                    Some(Recommendation::Maintain),
                    Some(Recommendation::Push),
                ][call];
                Day {
                    tz,
                    date,
                    workouts,
                    prescription,
                    week,
                    settings,
                    readiness,
                }
            },
        )
}

fn run(day: &Day, workouts: &[DayWorkout]) -> DayPlan {
    plan_day(
        day.date,
        day.tz,
        day.readiness,
        workouts,
        &day.prescription,
        &day.week,
        &day.settings,
    )
    .expect("a generated day is valid")
}

/// The instants of an item, one a minute and its last second, on the member's clock.
fn local_times(tz: Tz, item: &PlanItem) -> Vec<chrono::NaiveDateTime> {
    let (start, end) = (item.start.utc(), item.end.utc());
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        out.push(at.with_timezone(&tz).naive_local());
        at += TimeDelta::minutes(1);
    }
    out.push(
        (end - TimeDelta::seconds(1))
            .with_timezone(&tz)
            .naive_local(),
    );
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn generated_days_keep_every_rule(day in day_strategy()) {
        let plan = run(&day, &day.workouts);
        let gap = TimeDelta::seconds((day.settings.cold_gap_after_strength_h * 3600.0).round() as i64);

        // Deterministic, whatever the order of the workouts.
        let mut reversed = day.workouts.clone();
        reversed.reverse();
        prop_assert_eq!(&run(&day, &reversed), &plan);

        for item in &plan.items {
            let (start, end) = (item.start.utc(), item.end.utc());
            prop_assert!(start < end);
            // No cold immersion starts or lasts into the gap after strength work.
            if is_cold(item.modality) {
                for w in day.workouts.iter().filter(|w| w.class == TrainingClass::Strength) {
                    let (gap_start, gap_end) = (w.end.utc(), w.end.utc() + gap);
                    prop_assert!(
                        !(start < gap_end && end > gap_start),
                        "cold item {:?} in the gap after {:?}", item, w
                    );
                }
            }
            // Nothing on a workout.
            for w in &day.workouts {
                prop_assert!(!(start < w.end.utc() && end > w.start.utc()));
            }
            for local in local_times(day.tz, item) {
                // On the local date, outside quiet hours, and (unless booked) in a window.
                prop_assert_eq!(local.date(), day.date);
                prop_assert!(
                    !day.prescription.quiet_hours.iter().any(|q| q.contains_time(local.time())),
                    "item {:?} in quiet hours at {}", item, local
                );
                if item.reason != ItemReason::Booked && !day.prescription.availability.is_empty() {
                    prop_assert!(
                        day.prescription.availability.iter().any(|a| a.contains_time(local.time())),
                        "item {:?} outside availability at {}", item, local
                    );
                }
            }
            prop_assert_eq!(item.start.offset_s(), offset_s(day.tz, start));
        }
        // Items do not overlap one another.
        for (a, b) in plan.items.iter().zip(plan.items.iter().skip(1)) {
            prop_assert!(a.end.utc() <= b.start.utc());
        }
        // Red light on a training day lies within its window after a training workout.
        let window = TimeDelta::seconds((day.settings.red_light_window_h * 3600.0).round() as i64);
        for item in plan.items.iter().filter(|i| i.reason == ItemReason::RedLightAfterTraining) {
            prop_assert!(day.workouts.iter().any(|w| w.is_training()
                && item.start.utc() >= w.end.utc()
                && item.end.utc() <= w.end.utc() + window));
        }
        prop_assert_eq!(
            plan.guidance.is_some(),
            day.readiness == Some(Recommendation::Recover)
        );
    }
}
