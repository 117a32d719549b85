use std::collections::BTreeSet;

use chrono::{DateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;
use crate::health::{Range, Source, Timestamp};
use crate::protocol::modality::ContrastDose;
use crate::protocol::plan::plan_day;
use crate::protocol::prescription::WeeklyTarget;

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A session started when the clock of `tz` showed `h:m` on `d`, stamped with that zone's offset.
fn at(
    tz: Tz,
    d: NaiveDate,
    h: u32,
    m: u32,
    modality: RecoveryModality,
    min: f64,
) -> RecoverySession {
    let time = NaiveTime::from_hms_opt(h, m, 0).expect("time");
    let local = tz
        .from_local_datetime(&d.and_time(time))
        .single()
        .expect("unambiguous local time");
    let offset = local.offset().fix();
    RecoverySession {
        modality,
        start: Timestamp::new(
            local.with_timezone(&Utc),
            offset.local_minus_utc(),
            Some(tz.name().to_owned()),
        )
        .expect("timestamp"),
        duration_s: min * 60.0,
        temperature_c: None,
        source: Source::named("alyze"),
    }
}

/// A session at 18:00 Berlin time on `d`.
fn on(d: NaiveDate, modality: RecoveryModality, min: f64) -> RecoverySession {
    at(BERLIN, d, 18, 0, modality, min)
}

fn target(sessions_per_week: u8, dose: Dose) -> WeeklyTarget {
    WeeklyTarget {
        sessions_per_week,
        dose,
        check: DoseCheck::Standard,
    }
}

/// Sauna 4 × 18 min, plunge 3 × 3 min, breathwork 2 × 10 min a week.
fn prescription() -> Prescription {
    Prescription {
        targets: vec![
            target(
                4,
                Dose::Sauna {
                    minutes: 18.0,
                    temperature_c: 90.0,
                },
            ),
            target(
                3,
                Dose::ColdPlunge {
                    minutes: 3.0,
                    temperature_c: 6.0,
                },
            ),
            target(
                2,
                Dose::Breathwork {
                    minutes: 10.0,
                    breaths_per_min: 6.0,
                },
            ),
        ],
        ..Prescription::default()
    }
}

use RecoveryModality::{Breathwork, ColdPlunge, Contrast, Pemf, RedLight, Sauna};

/// Three weeks of March 2026 (Mondays 2, 9 and 16), plus sessions just outside the first.
fn three_weeks() -> Vec<RecoverySession> {
    vec![
        // Sunday before week 1 and, below, Monday after it: outside week 1.
        on(date(2026, 3, 1), Sauna, 20.0),
        // Week 1.
        on(date(2026, 3, 2), Sauna, 18.0),
        on(date(2026, 3, 3), ColdPlunge, 3.0),
        on(date(2026, 3, 4), Sauna, 20.0),
        on(date(2026, 3, 5), ColdPlunge, 4.0),
        on(date(2026, 3, 6), Sauna, 15.0),
        on(date(2026, 3, 7), ColdPlunge, 3.0),
        on(date(2026, 3, 8), ColdPlunge, 2.0),
        on(date(2026, 3, 8), Contrast, 30.0),
        // Week 2.
        on(date(2026, 3, 9), Sauna, 15.0),
        on(date(2026, 3, 10), Sauna, 15.0),
        on(date(2026, 3, 12), Sauna, 15.0),
        on(date(2026, 3, 14), Sauna, 15.0),
        on(date(2026, 3, 11), ColdPlunge, 3.0),
        on(date(2026, 3, 13), ColdPlunge, 3.0),
        // Week 3.
        on(date(2026, 3, 16), Sauna, 20.0),
        on(date(2026, 3, 17), Sauna, 20.0),
        on(date(2026, 3, 18), Sauna, 20.0),
        on(date(2026, 3, 19), Sauna, 20.0),
        on(date(2026, 3, 16), ColdPlunge, 3.0),
        on(date(2026, 3, 17), ColdPlunge, 3.0),
        on(date(2026, 3, 18), ColdPlunge, 3.0),
    ]
}

/// (modality, sessions done, target, minutes done, minutes target, sessions %, minutes %).
type Row = (RecoveryModality, u32, u8, f64, f64, f64, f64);

fn rows(week: &WeekAdherence) -> Vec<Row> {
    week.targets
        .iter()
        .map(|t| {
            (
                t.modality,
                t.sessions_done,
                t.sessions_target,
                t.minutes_done,
                t.minutes_target,
                t.sessions_percent,
                t.minutes_percent,
            )
        })
        .collect()
}

fn assert_rows(actual: &[Row], expected: &[Row]) {
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        assert_eq!((a.0, a.1, a.2), (e.0, e.1, e.2), "{a:?} vs {e:?}");
        for (x, y) in [(a.3, e.3), (a.4, e.4), (a.5, e.5), (a.6, e.6)] {
            assert!((x - y).abs() < 1e-9, "{a:?} vs {e:?}");
        }
    }
}

#[test]
fn adherence_matches_the_hand_computed_table() {
    let settings = ClinicSettings::default();
    let sessions = three_weeks();
    let p = prescription();
    // Each row by hand: sauna 18 + 20 + 15 = 53 min of 4 × 18 = 72; 3 of 4 sessions = 75 %,
    // 53 / 72 = 73.61 %. Plunge 3 + 4 + 3 + 2 = 12 min of 3 × 3 = 9; 4 of 3 = 133.33 %. Breathwork
    // none of 2 × 10 min.
    let table: [(NaiveDate, Vec<Row>, f64, f64); 3] = [
        (
            date(2026, 3, 2),
            vec![
                (Sauna, 3, 4, 53.0, 72.0, 75.0, 100.0 * 53.0 / 72.0),
                (ColdPlunge, 4, 3, 12.0, 9.0, 400.0 / 3.0, 400.0 / 3.0),
                (Breathwork, 0, 2, 0.0, 20.0, 0.0, 0.0),
            ],
            53.0,
            12.0,
        ),
        (
            date(2026, 3, 9),
            vec![
                (Sauna, 4, 4, 60.0, 72.0, 100.0, 100.0 * 60.0 / 72.0),
                (ColdPlunge, 2, 3, 6.0, 9.0, 200.0 / 3.0, 200.0 / 3.0),
                (Breathwork, 0, 2, 0.0, 20.0, 0.0, 0.0),
            ],
            60.0,
            6.0,
        ),
        (
            date(2026, 3, 16),
            vec![
                (Sauna, 4, 4, 80.0, 72.0, 100.0, 100.0 * 80.0 / 72.0),
                (ColdPlunge, 3, 3, 9.0, 9.0, 100.0, 100.0),
                (Breathwork, 0, 2, 0.0, 20.0, 0.0, 0.0),
            ],
            80.0,
            9.0,
        ),
    ];
    for (monday, expected, sauna, cold) in table {
        // Any date of the week gives the same week.
        for day in 0..7 {
            let d = monday + Days::new(day);
            let week = week_adherence(&sessions, &p, d, &settings).expect("adherence");
            assert_eq!(week.first_day, monday);
            assert_rows(&rows(&week), &expected);
            // The contrast session of week 1 is in neither total.
            assert_eq!((week.sauna_minutes, week.cold_minutes), (sauna, cold));
        }
    }
    let week1 = week_adherence(&sessions, &p, date(2026, 3, 2), &settings).expect("adherence");
    assert!(!week1.targets[0].met() && week1.targets[1].met() && !week1.targets[2].met());
}

#[test]
fn the_week_starts_on_the_clinic_setting() {
    let settings = ClinicSettings {
        week_starts_on: Weekday::Sun,
        ..ClinicSettings::default()
    };
    // Sunday 1 March to Saturday 7 March: the sauna of the 1st is in, the plunge of the 8th out.
    let week =
        week_adherence(&three_weeks(), &prescription(), date(2026, 3, 4), &settings).expect("ok");
    assert_eq!(week.first_day, date(2026, 3, 1));
    assert_eq!(week.targets[0].sessions_done, 4);
    assert_eq!(week.sauna_minutes, 20.0 + 18.0 + 20.0 + 15.0);
    assert_eq!(week.cold_minutes, 3.0 + 4.0 + 3.0);
}

#[test]
fn sessions_around_the_dst_change_land_in_their_local_week() {
    let settings = ClinicSettings::default();
    let p = prescription();
    // Berlin moves from +1 h to +2 h at 02:00 on Sunday 29 March 2026, the last day of a week.
    let sunday = date(2026, 3, 29);
    let monday = date(2026, 3, 30);
    let sessions = vec![
        at(BERLIN, sunday, 1, 30, Sauna, 15.0),  // +1 h, 00:30 UTC
        at(BERLIN, sunday, 23, 30, Sauna, 16.0), // +2 h, 21:30 UTC on Sunday
        at(BERLIN, monday, 0, 30, Sauna, 17.0),  // +2 h, 22:30 UTC on Sunday
        // Logged in New York (-4 h): Sunday 20:00 there is Monday 02:00 in Berlin; it counts on
        // the Sunday the member lived.
        at(chrono_tz::America::New_York, sunday, 20, 0, Sauna, 18.0),
        // Logged in Tokyo (+9 h): Monday 06:00 there is Sunday 23:00 in Berlin; it counts on Monday.
        at(chrono_tz::Asia::Tokyo, monday, 6, 0, Sauna, 19.0),
    ];
    let before = week_adherence(&sessions, &p, sunday, &settings).expect("ok");
    assert_eq!(before.first_day, date(2026, 3, 23));
    assert_eq!(before.targets[0].sessions_done, 3);
    assert_eq!(before.sauna_minutes, 15.0 + 16.0 + 18.0);
    let after = week_adherence(&sessions, &p, monday, &settings).expect("ok");
    assert_eq!(after.first_day, monday);
    assert_eq!(after.targets[0].sessions_done, 2);
    assert_eq!(after.sauna_minutes, 17.0 + 19.0);
}

#[test]
fn the_week_so_far_counts_earlier_days_of_the_week_and_feeds_the_planner() {
    let settings = ClinicSettings::default();
    let sessions = three_weeks();
    // Wednesday 4 March: Monday's sauna and Tuesday's plunge; Wednesday's own sauna and the
    // Sunday before the week are not in it.
    let week = week_so_far(&sessions, date(2026, 3, 4), &settings).expect("ok");
    assert_eq!(week.done, BTreeMap::from([(Sauna, 1), (ColdPlunge, 1)]));
    assert_eq!(week.done_today, BTreeSet::from([Sauna]));
    let monday = week_so_far(&sessions, date(2026, 3, 2), &settings).expect("ok");
    assert!(monday.done.is_empty());
    assert_eq!(monday.done_today, BTreeSet::from([Sauna]));
    let sunday = week_so_far(&sessions, date(2026, 3, 8), &settings).expect("ok");
    assert_eq!(sunday.done, BTreeMap::from([(Sauna, 3), (ColdPlunge, 3)]));
    // The same type the planner takes.
    let plan = plan_day(
        date(2026, 3, 8),
        BERLIN,
        None,
        &[],
        &prescription(),
        &sunday,
        &settings,
    );
    assert!(plan.is_ok(), "{plan:?}");
}

#[test]
fn streaks_count_consecutive_weeks_that_met_the_target() {
    let settings = ClinicSettings::default();
    let sessions = three_weeks();
    let p = prescription();
    let streak = |today| -> Vec<(RecoveryModality, u32, u32)> {
        streaks(&sessions, &p, today, &settings)
            .expect("ok")
            .iter()
            .map(|s| (s.modality, s.current_weeks, s.longest_weeks))
            .collect()
    };
    // Sauna met in weeks 2 and 3, plunge in weeks 1 and 3, breathwork never.
    assert_eq!(
        streak(date(2026, 3, 18)),
        vec![(Sauna, 2, 2), (ColdPlunge, 1, 1), (Breathwork, 0, 0)]
    );
    // During week 2 the sauna target is met (1 week) and the plunge's not yet: week 1 still counts.
    assert_eq!(
        streak(date(2026, 3, 12)),
        vec![(Sauna, 1, 1), (ColdPlunge, 1, 1), (Breathwork, 0, 0)]
    );
    // Week 4 under way without sessions does not break the runs; a whole missed week does.
    assert_eq!(
        streak(date(2026, 3, 23)),
        vec![(Sauna, 2, 2), (ColdPlunge, 1, 1), (Breathwork, 0, 0)]
    );
    assert_eq!(
        streak(date(2026, 3, 30)),
        vec![(Sauna, 0, 2), (ColdPlunge, 0, 1), (Breathwork, 0, 0)]
    );
    // Sessions after the week of `today` are ignored.
    assert_eq!(
        streak(date(2026, 3, 4)),
        vec![(Sauna, 0, 0), (ColdPlunge, 1, 1), (Breathwork, 0, 0)]
    );
}

fn logged(modality: RecoveryModality, min: f64, temperature_c: Option<f64>) -> RecoverySession {
    RecoverySession {
        temperature_c,
        ..on(date(2026, 3, 2), modality, min)
    }
}

#[test]
fn a_logged_dose_outside_the_safe_range_needs_the_clinic_override() {
    let settings = ClinicSettings::default();
    let check = |s: &RecoverySession| check_logged(s, &settings, DoseCheck::Standard);
    let overridden = |s: &RecoverySession| check_logged(s, &settings, DoseCheck::ClinicOverride);
    // The examples: sauna 18 min at 90 °C, plunge 3 min at 6 °C.
    assert_eq!(check(&logged(Sauna, 18.0, Some(90.0))), Ok(()));
    assert_eq!(check(&logged(ColdPlunge, 3.0, Some(6.0))), Ok(()));
    // Without a temperature only the minutes are checked.
    assert_eq!(check(&logged(Sauna, 18.0, None)), Ok(()));
    assert_eq!(check(&logged(Breathwork, 10.0, None)), Ok(()));

    let long = logged(Sauna, 25.0, Some(90.0));
    let err = check(&long).expect_err("refused");
    assert_eq!(
        err,
        ProtocolError::OutsideSafeRange {
            field: "minutes",
            min: 15.0,
            max: 20.0
        }
    );
    let text = err.to_string();
    assert!(text.contains("minutes") && text.contains("20") && text.contains("override"));
    assert!(!text.contains("25"), "{text}");
    assert_eq!(overridden(&long), Ok(()));

    let warm = logged(ColdPlunge, 3.0, Some(14.5));
    assert!(matches!(
        check(&warm),
        Err(ProtocolError::OutsideSafeRange {
            field: "temperature_c",
            ..
        })
    ));
    assert_eq!(overridden(&warm), Ok(()));
    // Physically impossible water stays refused under the override.
    assert!(matches!(
        overridden(&logged(ColdPlunge, 3.0, Some(40.0))),
        Err(ProtocolError::Implausible {
            field: "temperature_c",
            ..
        })
    ));
    // Red light beyond its range, per the settings' ranges (not a copy of them).
    assert!(check(&logged(RedLight, 30.0, None)).is_err());
    let relaxed = ClinicSettings {
        safe: SafeRanges {
            red_light_minutes: Range::new(5.0, 40.0),
            ..SafeRanges::default()
        },
        ..ClinicSettings::default()
    };
    assert_eq!(
        check_logged(&logged(RedLight, 30.0, None), &relaxed, DoseCheck::Standard),
        Ok(())
    );
    // Contrast: only the duration can be checked.
    assert_eq!(check(&logged(Contrast, 40.0, Some(85.0))), Ok(()));
    assert_eq!(
        overridden(&logged(Contrast, 0.0, None)),
        Err(ProtocolError::NotPositive { field: "minutes" })
    );
    assert_eq!(
        overridden(&logged(Pemf, 0.0, None)),
        Err(ProtocolError::NotPositive { field: "minutes" })
    );
}

/// Weekly targets for every modality, each within the safe ranges.
fn every_target() -> Prescription {
    Prescription {
        targets: vec![
            target(
                4,
                Dose::Sauna {
                    minutes: 18.0,
                    temperature_c: 90.0,
                },
            ),
            target(
                3,
                Dose::ColdPlunge {
                    minutes: 3.0,
                    temperature_c: 6.0,
                },
            ),
            target(
                1,
                Dose::Contrast(ContrastDose {
                    rounds: 3,
                    sauna_minutes: 10.0,
                    sauna_c: 85.0,
                    plunge_minutes: 2.0,
                    plunge_c: 6.0,
                }),
            ),
            target(
                2,
                Dose::RedLight {
                    minutes: 10.0,
                    wavelength_nm: None,
                },
            ),
            target(1, Dose::Pemf { minutes: 20.0 }),
            target(
                2,
                Dose::Breathwork {
                    minutes: 10.0,
                    breaths_per_min: 6.0,
                },
            ),
        ],
        ..Prescription::default()
    }
}

const MODALITIES: [RecoveryModality; 6] = [Sauna, ColdPlunge, Contrast, RedLight, Pemf, Breathwork];

fn arb_session() -> impl Strategy<Value = RecoverySession> {
    // Three weeks from Monday 16 March 2026 across the Berlin DST change, in zones west and east.
    let base = DateTime::from_timestamp(1_773_619_200, 0).expect("2026-03-16T00:00Z");
    (
        0i64..21 * 24 * 60,
        prop::sample::select(vec![-5 * 3600, 0, 3600, 7200, 9 * 3600]),
        0usize..MODALITIES.len(),
        60.0f64..3600.0,
    )
        .prop_map(move |(minute, offset_s, m, duration_s)| RecoverySession {
            modality: MODALITIES[m],
            start: Timestamp::new(base + chrono::TimeDelta::minutes(minute), offset_s, None)
                .expect("timestamp"),
            duration_s,
            temperature_c: None,
            source: Source::named("alyze"),
        })
}

proptest! {
    #[test]
    fn adherence_sums_are_the_sessions_of_the_week_and_grow_with_them(
        sessions in prop::collection::vec(arb_session(), 0..40),
        extra in arb_session(),
        day in 0u64..21,
    ) {
        let settings = ClinicSettings::default();
        let p = every_target();
        let d = date(2026, 3, 16) + Days::new(day);
        let week = week_adherence(&sessions, &p, d, &settings).expect("ok");
        let end = week.first_day + Days::new(7);
        let of_week: Vec<&RecoverySession> = sessions
            .iter()
            .filter(|s| (week.first_day..end).contains(&s.start.local().date_naive()))
            .collect();
        let minutes_of = |pick: &dyn Fn(&RecoverySession) -> bool| -> f64 {
            of_week.iter().filter(|s| pick(s)).map(|s| s.duration_s / 60.0).sum()
        };
        let done: f64 = week.targets.iter().map(|t| t.minutes_done).sum();
        prop_assert!((done - minutes_of(&|_| true)).abs() < 1e-6);
        let count: u32 = week.targets.iter().map(|t| t.sessions_done).sum();
        prop_assert_eq!(count as usize, of_week.len());
        prop_assert!((week.sauna_minutes - minutes_of(&|s| s.modality == Sauna)).abs() < 1e-6);
        prop_assert!((week.cold_minutes - minutes_of(&|s| s.modality == ColdPlunge)).abs() < 1e-6);

        let mut more = sessions.clone();
        more.push(extra);
        let grown = week_adherence(&more, &p, d, &settings).expect("ok");
        for (a, b) in week.targets.iter().zip(&grown.targets) {
            prop_assert!(b.sessions_done >= a.sessions_done && b.minutes_done >= a.minutes_done);
        }
        prop_assert!(grown.sauna_minutes >= week.sauna_minutes);
        prop_assert!(grown.cold_minutes >= week.cold_minutes);
        let so_far = week_so_far(&sessions, d, &settings).expect("ok");
        let so_far_grown = week_so_far(&more, d, &settings).expect("ok");
        for m in MODALITIES {
            let n = |w: &WeekSoFar| w.done.get(&m).copied().unwrap_or(0);
            prop_assert!(n(&so_far_grown) >= n(&so_far));
        }
        let runs = streaks(&sessions, &p, d, &settings).expect("ok");
        let runs_grown = streaks(&more, &p, d, &settings).expect("ok");
        for (a, b) in runs.iter().zip(&runs_grown) {
            prop_assert!(b.current_weeks >= a.current_weeks && b.longest_weeks >= a.longest_weeks);
        }
    }
}
