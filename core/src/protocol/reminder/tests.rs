use chrono::{NaiveDate, NaiveTime, TimeZone};
use proptest::prelude::*;

use super::*;
use crate::protocol::modality::{ContrastDose, DoseCheck, evidence};
use crate::protocol::plan::{ItemReason, WeekSoFar, plan_day};
use crate::protocol::prescription::{LocalWindow, Prescription, WeeklyTarget};

const BERLIN: Tz = chrono_tz::Europe::Berlin;
const NEW_YORK: Tz = chrono_tz::America::New_York;
const TOKYO: Tz = chrono_tz::Asia::Tokyo;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// The instant the clock of `tz` shows `h:m` on `d` (unambiguous times only).
fn local(tz: Tz, d: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(h, m, 0).expect("time");
    tz.from_local_datetime(&d.and_time(time))
        .single()
        .expect("unambiguous local time")
        .with_timezone(&Utc)
}

fn stamp(tz: Tz, instant: DateTime<Utc>) -> Timestamp {
    Timestamp::new(instant, offset_s(tz, instant), Some(tz.name().to_owned())).expect("timestamp")
}

fn plunge() -> Dose {
    Dose::ColdPlunge {
        minutes: 3.0,
        temperature_c: 6.0,
    }
}

/// A dose of each modality.
fn dose_of(index: usize) -> Dose {
    match index % 6 {
        0 => plunge(),
        1 => Dose::Sauna {
            minutes: 15.0,
            temperature_c: 90.0,
        },
        2 => Dose::Contrast(ContrastDose {
            rounds: 3,
            sauna_minutes: 10.0,
            sauna_c: 90.0,
            plunge_minutes: 2.5,
            plunge_c: 6.0,
        }),
        3 => Dose::RedLight {
            minutes: 10.0,
            wavelength_nm: Some(660.0),
        },
        4 => Dose::Pemf { minutes: 20.0 },
        _ => Dose::Breathwork {
            minutes: 10.0,
            breaths_per_min: 6.0,
        },
    }
}

fn item(tz: Tz, start: DateTime<Utc>, dose: Dose) -> PlanItem {
    let end = start + TimeDelta::seconds((dose.minutes() * 60.0) as i64);
    PlanItem {
        modality: dose.modality(),
        start: stamp(tz, start),
        end: stamp(tz, end),
        evidence: evidence(dose.modality()),
        dose,
        reason: ItemReason::WeeklyTarget,
        reason_text: ItemReason::WeeklyTarget.text(),
    }
}

fn day_plan(d: NaiveDate, items: Vec<PlanItem>) -> DayPlan {
    DayPlan {
        date: d,
        items,
        dropped: Vec::new(),
        guidance: None,
    }
}

fn made(plan: &DayPlan) -> Vec<Reminder> {
    reminders(plan, &ClinicSettings::default()).expect("reminders")
}

fn long_ago() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

#[test]
fn one_reminder_per_item_with_readable_text() {
    let d = date(2026, 6, 10);
    let plan = day_plan(
        d,
        vec![
            item(BERLIN, local(BERLIN, d, 15, 30), plunge()),
            item(BERLIN, local(BERLIN, d, 9, 0), dose_of(2)),
            item(BERLIN, local(BERLIN, d, 18, 0), dose_of(4)),
        ],
    );
    let r = made(&plan);
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].id, "2026-06-10/contrast/0");
    assert_eq!(r[0].title, "Contrast at 09:00");
    assert_eq!(
        r[0].body,
        "3 rounds of 10 min sauna at 90 °C and 2.5 min plunge at 6 °C"
    );
    assert_eq!(r[1].id, "2026-06-10/cold_plunge/0");
    assert_eq!(r[1].title, "Cold plunge at 15:30");
    assert_eq!(r[1].body, "3 min at 6 °C");
    assert_eq!(r[1].fire_at.utc(), local(BERLIN, d, 15, 15));
    assert_eq!(r[1].fire_at.local().format("%H:%M").to_string(), "15:15");
    assert_eq!(r[1].fire_at.zone(), Some("Europe/Berlin"));
    assert_eq!(r[2].title, "PEMF at 18:00");
    assert_eq!(r[2].body, "20 min");
}

#[test]
fn the_lead_time_is_the_setting_and_is_validated() {
    let d = date(2026, 6, 10);
    let plan = day_plan(d, vec![item(BERLIN, local(BERLIN, d, 15, 30), plunge())]);
    let at_start = ClinicSettings {
        reminder_lead_min: 0.0,
        ..ClinicSettings::default()
    };
    let r = reminders(&plan, &at_start).expect("reminders");
    assert_eq!(r[0].fire_at.utc(), local(BERLIN, d, 15, 30));
    let bad = ClinicSettings {
        reminder_lead_min: f64::NAN,
        ..ClinicSettings::default()
    };
    assert!(matches!(
        reminders(&plan, &bad),
        Err(ProtocolError::InvalidSetting {
            name: "reminder_lead_min",
            ..
        })
    ));
}

#[test]
fn a_second_session_of_a_modality_gets_the_next_occurrence() {
    let d = date(2026, 6, 10);
    // Listed out of order: the occurrence follows the start.
    let plan = day_plan(
        d,
        vec![
            item(BERLIN, local(BERLIN, d, 18, 0), plunge()),
            item(BERLIN, local(BERLIN, d, 8, 0), plunge()),
        ],
    );
    let r = made(&plan);
    assert_eq!(r[0].id, "2026-06-10/cold_plunge/0");
    assert_eq!(r[0].title, "Cold plunge at 08:00");
    assert_eq!(r[1].id, "2026-06-10/cold_plunge/1");
}

#[test]
fn a_moved_item_is_cancelled_and_re_added_under_its_id() {
    let d = date(2026, 6, 10);
    let old = made(&day_plan(
        d,
        vec![
            item(BERLIN, local(BERLIN, d, 9, 0), dose_of(1)),
            item(BERLIN, local(BERLIN, d, 15, 30), plunge()),
        ],
    ));
    let new = made(&day_plan(
        d,
        vec![
            item(BERLIN, local(BERLIN, d, 9, 0), dose_of(1)),
            item(BERLIN, local(BERLIN, d, 17, 0), plunge()),
        ],
    ));
    let change = diff(&old, &new, long_ago());
    assert_eq!(change.cancel, vec!["2026-06-10/cold_plunge/0".to_owned()]);
    assert_eq!(change.add.len(), 1);
    assert_eq!(change.add[0].id, "2026-06-10/cold_plunge/0");
    assert_eq!(change.add[0].title, "Cold plunge at 17:00");
    assert_eq!(apply(&old, &change), new);
    // Nothing to do when nothing changed.
    assert_eq!(diff(&new, &new, long_ago()), ScheduleDiff::default());
}

#[test]
fn a_dropped_item_is_cancelled_and_a_past_one_not_added() {
    let d = date(2026, 6, 10);
    let old = made(&day_plan(
        d,
        vec![
            item(BERLIN, local(BERLIN, d, 9, 0), dose_of(1)),
            item(BERLIN, local(BERLIN, d, 15, 30), plunge()),
        ],
    ));
    let new = made(&day_plan(
        d,
        vec![
            item(BERLIN, local(BERLIN, d, 9, 0), dose_of(3)),
            item(BERLIN, local(BERLIN, d, 15, 30), plunge()),
        ],
    ));
    // At noon the red-light reminder (08:45) is past: the sauna's is cancelled, nothing added.
    let noon = local(BERLIN, d, 12, 0);
    let change = diff(&old, &new, noon);
    assert_eq!(change.cancel, vec!["2026-06-10/sauna/0".to_owned()]);
    assert!(change.add.is_empty());
    // Earlier it is added.
    let early = diff(&old, &new, local(BERLIN, d, 7, 0));
    assert_eq!(early.add.len(), 1);
    assert_eq!(early.add[0].id, "2026-06-10/red_light/0");
    assert_eq!(apply(&old, &early), new);
}

#[test]
fn fire_times_take_the_offset_of_their_own_instant_across_dst() {
    // 2026-03-29: Berlin springs from 02:00 CET to 03:00 CEST. A session at 03:10 CEST is
    // reminded at 01:55 CET, before the change.
    let spring = date(2026, 3, 29);
    let start = local(BERLIN, spring, 3, 10);
    let r = made(&day_plan(spring, vec![item(BERLIN, start, plunge())]));
    assert_eq!(r[0].fire_at.utc(), start - TimeDelta::minutes(15));
    assert_eq!(r[0].fire_at.offset_s(), 3600);
    assert_eq!(r[0].fire_at.local().format("%H:%M").to_string(), "01:55");
    assert_eq!(r[0].title, "Cold plunge at 03:10");
    // 2026-10-25: Berlin falls back from 03:00 CEST to 02:00 CET. A session at the second 02:05
    // (01:05 UTC) is reminded at 02:50 CEST, before the change.
    let autumn = date(2026, 10, 25);
    let second = Utc
        .with_ymd_and_hms(2026, 10, 25, 1, 5, 0)
        .single()
        .expect("instant");
    let r = made(&day_plan(autumn, vec![item(BERLIN, second, plunge())]));
    assert_eq!(r[0].fire_at.offset_s(), 7200);
    assert_eq!(r[0].fire_at.local().format("%H:%M").to_string(), "02:50");
    assert_eq!(r[0].title, "Cold plunge at 02:05");
}

/// The plan of a day with a daily plunge in a 07:00-21:00 window, in `zone`.
fn planned_in(zone: Tz, d: NaiveDate) -> DayPlan {
    let time = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("time");
    let prescription = Prescription {
        targets: vec![WeeklyTarget {
            sessions_per_week: 7,
            dose: plunge(),
            check: DoseCheck::Standard,
        }],
        availability: vec![LocalWindow::new(time(7), time(21))],
        ..Prescription::default()
    };
    plan_day(
        d,
        zone,
        None,
        &[],
        &prescription,
        &WeekSoFar::default(),
        &ClinicSettings::default(),
    )
    .expect("plan")
}

#[test]
fn a_flight_east_or_west_moves_the_reminders_to_the_new_local_times() {
    let d = date(2026, 6, 10);
    let home = made(&planned_in(BERLIN, d));
    assert_eq!(home.len(), 1);
    assert_eq!(home[0].fire_at.local().format("%H:%M").to_string(), "06:45");
    for (zone, offset_h) in [(NEW_YORK, -4), (TOKYO, 9)] {
        let away = made(&planned_in(zone, d));
        assert_eq!(away.len(), 1);
        assert_eq!(away[0].id, home[0].id);
        assert_eq!(away[0].fire_at.utc(), local(zone, d, 6, 45));
        assert_eq!(away[0].fire_at.offset_s(), offset_h * 3600);
        assert_eq!(away[0].fire_at.zone(), Some(zone.name()));
        assert_eq!(away[0].fire_at.local().format("%H:%M").to_string(), "06:45");
        let change = diff(&home, &away, long_ago());
        assert_eq!(change.cancel, vec![home[0].id.clone()]);
        assert_eq!(change.add, away);
        assert_eq!(apply(&home, &change), away);
    }
}

/// Latest item start generated, minutes after local midnight.
const LAST_MIN: i64 = 23 * 60;

/// Items of one day: (modality index, minutes after local midnight), so that on Berlin's DST
/// dates some items and fire times fall on either side of the change.
fn items_strategy() -> impl Strategy<Value = Vec<(usize, i64)>> {
    prop::collection::vec((0usize..6, 0i64..LAST_MIN), 0..8)
}

fn day_strategy() -> impl Strategy<Value = NaiveDate> {
    prop::sample::select(vec![
        date(2026, 3, 29),
        date(2026, 6, 10),
        date(2026, 10, 25),
    ])
}

fn build(tz: Tz, d: NaiveDate, spec: &[(usize, i64)]) -> DayPlan {
    let midnight = local(tz, d, 0, 0);
    day_plan(
        d,
        spec.iter()
            .map(|&(m, min)| item(tz, midnight + TimeDelta::minutes(min), dose_of(m)))
            .collect(),
    )
}

fn ids(r: &[Reminder]) -> Vec<&str> {
    let mut ids: Vec<&str> = r.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids
}

proptest! {
    #[test]
    fn the_diff_applied_to_the_old_schedule_gives_the_new_one(
        d in day_strategy(),
        old in items_strategy(),
        new in items_strategy(),
        now_min in -60i64..(LAST_MIN + 60),
        zone in prop::sample::select(vec![BERLIN, NEW_YORK, TOKYO]),
    ) {
        let held = made(&build(BERLIN, d, &old));
        let wanted = made(&build(zone, d, &new));
        prop_assert_eq!(apply(&held, &diff(&held, &wanted, long_ago())), wanted.clone());
        // With a `now`, the result is `wanted` less the past reminders the phone did not hold
        // unchanged.
        let now = local(BERLIN, d, 0, 0) + TimeDelta::minutes(now_min);
        let change = diff(&held, &wanted, now);
        prop_assert!(change.add.iter().all(|r| r.fire_at.utc() > now));
        let expected: Vec<Reminder> = wanted
            .iter()
            .filter(|r| r.fire_at.utc() > now || held.contains(r))
            .cloned()
            .collect();
        prop_assert_eq!(apply(&held, &change), expected);
        // Deterministic and ordered.
        prop_assert_eq!(diff(&held, &wanted, now), change.clone());
        prop_assert!(change.cancel.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn ids_are_unique_and_stable_when_items_only_move(
        d in day_strategy(),
        spec in items_strategy(),
        moves in prop::collection::vec(-300i64..300, 8),
    ) {
        let before = made(&build(BERLIN, d, &spec));
        let unique: BTreeSet<&str> = before.iter().map(|r| r.id.as_str()).collect();
        prop_assert_eq!(unique.len(), before.len());
        prop_assert_eq!(before.len(), spec.len());
        // Moving items never changes the day's set of ids.
        let moved: Vec<(usize, i64)> = spec
            .iter()
            .zip(&moves)
            .map(|(&(m, min), delta)| (m, (min + delta).clamp(0, LAST_MIN)))
            .collect();
        let after = made(&build(BERLIN, d, &moved));
        prop_assert_eq!(ids(&before), ids(&after));
        // An item alone in its modality keeps its id wherever it moves, with the new fire time.
        for (i, &(m, min)) in spec.iter().enumerate() {
            if spec.iter().filter(|s| s.0 % 6 == m % 6).count() != 1 {
                continue;
            }
            let title = |r: &Reminder| r.title.starts_with(name(dose_of(m).modality()));
            let old = before.iter().find(|r| title(r)).expect("reminder of the item");
            let new = after.iter().find(|r| title(r)).expect("reminder of the item");
            prop_assert_eq!(&old.id, &new.id);
            let start = local(BERLIN, d, 0, 0) + TimeDelta::minutes(moved[i].1);
            prop_assert_eq!(new.fire_at.utc(), start - TimeDelta::minutes(15));
            prop_assert_eq!(min == moved[i].1, old == new);
        }
    }

    #[test]
    fn every_fire_time_has_the_offset_of_its_zone_then(
        d in day_strategy(),
        spec in items_strategy(),
        zone in prop::sample::select(vec![BERLIN, NEW_YORK, TOKYO]),
    ) {
        for r in made(&build(zone, d, &spec)) {
            let instant = r.fire_at.utc();
            prop_assert_eq!(r.fire_at.offset_s(), offset_s(zone, instant));
            prop_assert_eq!(r.fire_at.local(), instant.with_timezone(&zone).fixed_offset());
        }
    }
}
