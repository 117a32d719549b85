//! Readiness read from the store: the days of a range with the history their baselines need, and
//! the trend series a chart of the range draws.
//!
//! A day's readiness depends on the days before it: the 60-day normal range, the 42-day chronic
//! load, the sleep need. [`readiness_history`] therefore reads [`HistorySettings::look_back_days`]
//! of daily summaries before the first day asked for, assesses the whole span in one pass
//! ([`super::assess_inputs`]) and returns the days asked for. The look-back is a bound, not the
//! whole file, so that today's readiness costs the same in a member's first year as in their fifth.
//!
//! Only the chronic load needs the whole look-back, and it needs only the workouts and rated
//! sessions; the HRV and sleep baselines reach about two months back. So the summaries are read in
//! full (nights with their sleep stages, HRV from heartbeat series) only over
//! [`ReadinessSettings::detail_history_days`] before the first day asked for (63 by default), and
//! over the rest of the look-back without their nights, which are most of the reading's cost
//! ([`daily_summaries_detailed_from`]). Those nights matter there only where one comes before the
//! member's first other record (it moves their first day): only then are they looked up, by their
//! times alone ([`nights_slept`]). Two things a day's readiness reads have no fixed reach: the
//! first day of a flag's run (suppressed HRV, illness), and whether the HRV baseline was ever
//! established (which decides between "unscorable" and "calibrating" on a day without a week).
//! The result is checked for both (`certain`), and in the rare case that either reaches before
//! the detailed days, the range is read again with the whole look-back in full. Either way the
//! days asked for are exactly what the whole look-back in full gives (the tests compare them on
//! generated members).

use chrono::{Days, NaiveDate, TimeDelta};
use serde::Serialize;

use super::baseline::{HrvBaselineDay, hrv_baseline, sleep_against_need};
use super::{
    DayReadiness, FlagCode, MemberProfile, ReadinessError, ReadinessSettings, ReadinessState,
    assess_inputs, daily_inputs,
};
use crate::store::Store;
use crate::summary::{
    DailySummary, SummaryError, SummarySettings, daily_summaries_detailed_from, nights_slept,
};

/// What [`readiness_history`] reads and how it assesses it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistorySettings {
    /// Days of history read before the first day asked for. Default 180: longer than every
    /// window of the baselines (60-day normal range and personal sleep need, 30-day resting HR)
    /// and three times the chronic load's 42-day constant, so the EWMA weight of the days left
    /// out is (1 - 1/42)^180 = 1.3 % (TrainingPeaks' CTL; see [`crate::load`]). Product choice.
    /// The nights (sleep and HRV) are read only for the last
    /// [`ReadinessSettings::detail_history_days`] of them (module doc).
    pub look_back_days: u32,
    /// How the daily summaries are built.
    pub summary: SummarySettings,
    /// The readiness engine's settings.
    pub readiness: ReadinessSettings,
}

impl Default for HistorySettings {
    fn default() -> Self {
        Self {
            look_back_days: 180,
            summary: SummarySettings::default(),
            readiness: ReadinessSettings::default(),
        }
    }
}

/// Why a readiness history could not be read. Never carries a health value.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The range ends before it starts.
    #[error("the date range ends before it starts")]
    EmptyRange,
    /// A date of the range or its look-back is outside the calendar.
    #[error("a date of the range is out of bounds")]
    OutOfRange,
    /// The daily summaries could not be built.
    #[error(transparent)]
    Summary(#[from] SummaryError),
    /// The engine refused its input or settings.
    #[error(transparent)]
    Readiness(#[from] ReadinessError),
}

/// Readiness and its inputs over a range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadinessHistory {
    /// Each day's readiness, oldest first.
    pub days: Vec<DayReadiness>,
    /// Each day's inputs and baselines as a chart draws them, oldest first.
    pub trends: Vec<TrendDay>,
}

/// One day of the trend series: the inputs and the baselines they are judged against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendDay {
    /// The member's local date.
    pub date: NaiveDate,
    /// The night's lnHRV of the member's metric ([`DayReadiness::hrv_metric`]).
    pub ln_hrv: Option<f64>,
    /// The 7-day mean of lnHRV (HRV4Training's line).
    pub ln_hrv_week_mean: Option<f64>,
    /// The normal range's lower bound (HRV4Training's band).
    pub normal_low: Option<f64>,
    /// The normal range's upper bound.
    pub normal_high: Option<f64>,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<f64>,
    /// The night's sleep, hours.
    pub sleep_h: Option<f64>,
    /// The sleep need the night is judged against, hours.
    pub sleep_need_h: f64,
    /// The day's training load, AU on the scale of [`DayReadiness::load_kind`].
    pub load: f64,
    /// The readiness score, when scored.
    pub score: Option<u8>,
}

/// Readiness and trends of each day of `from..=to` (module doc).
pub fn readiness_history(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    profile: &MemberProfile,
    settings: &HistorySettings,
) -> Result<ReadinessHistory, HistoryError> {
    let detail_days = settings.readiness.detail_history_days();
    let (history, certain) =
        read_and_assess(store, from, to, profile, settings, Some(detail_days))?;
    if certain {
        return Ok(history);
    }
    // Rare: a flag's run or the calibration state reaches before the detailed days (module doc).
    Ok(read_and_assess(store, from, to, profile, settings, None)?.0)
}

/// Reads the look-back and the range and assesses them, in full only from `detail_days`
/// days before `from` on (over the whole look-back when `None`), and whether the result is
/// certainly what the whole look-back in full gives.
fn read_and_assess(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    profile: &MemberProfile,
    settings: &HistorySettings,
    detail_days: Option<usize>,
) -> Result<(ReadinessHistory, bool), HistoryError> {
    if to < from {
        return Err(HistoryError::EmptyRange);
    }
    let start = from
        .checked_sub_signed(TimeDelta::days(i64::from(settings.look_back_days)))
        .ok_or(HistoryError::OutOfRange)?;
    settings.readiness.validate()?;
    let detail_from = detail_days
        .and_then(|days| from.checked_sub_days(Days::new(u64::try_from(days).ok()?)))
        .map_or(start, |day| day.max(start));
    let summaries =
        daily_summaries_detailed_from(store, start, to, detail_from, &settings.summary)?;
    let asked = days_between(start, from)?;
    let detail_first = days_between(start, detail_from)?;
    // The days before the detailed ones come without their nights, and a night there moves the
    // member's first day only when it comes before every other record: the nights are read (by
    // their times alone) only before the first day with other data.
    let first_data = summaries
        .iter()
        .position(DailySummary::has_data)
        .unwrap_or(asked);
    let first_night = match first_data.min(detail_first).checked_sub(1) {
        Some(last) => {
            let until = start
                .checked_add_days(Days::new(u64::try_from(last).unwrap_or(u64::MAX)))
                .ok_or(HistoryError::OutOfRange)?;
            match nights_slept(store, start, until, &settings.summary)?.first() {
                Some(night) => Some(days_between(start, *night)?),
                None => None,
            }
        }
        None => None,
    };
    let span = Span {
        asked,
        detail_first,
        first_night,
    };
    assess_span(&summaries, span, profile, &settings.readiness)
}

/// Whole days from `a` to `b`, `a <= b`.
fn days_between(a: NaiveDate, b: NaiveDate) -> Result<usize, HistoryError> {
    usize::try_from((b - a).num_days()).map_err(|_| HistoryError::OutOfRange)
}

/// Where the parts of a span of summaries start (positions in the span).
#[derive(Debug, Clone, Copy)]
struct Span {
    /// The first day asked for; the days before are the look-back.
    asked: usize,
    /// The first day in full; the days before have no night and no HRV.
    detail_first: usize,
    /// The first of those days that had a night; needed only when it comes before all other
    /// data (`None` otherwise).
    first_night: Option<usize>,
}

/// Assesses `summaries` (parts as `span` says) and says whether the days asked for are certainly
/// what all of `summaries` in full would give.
fn assess_span(
    summaries: &[DailySummary],
    span: Span,
    profile: &MemberProfile,
    settings: &ReadinessSettings,
) -> Result<(ReadinessHistory, bool), HistoryError> {
    let Span {
        asked,
        detail_first,
        first_night,
    } = span;
    // The member's history starts at their first day with data, not at the look-back's first
    // day: days before it are not days without training or sleep, and counting them would read
    // a new member's first weeks of load against an empty chronic load (false ACWR and TSB flags).
    let first = summaries
        .iter()
        .position(DailySummary::has_data)
        .into_iter()
        .chain(first_night)
        .chain([asked])
        .min()
        .unwrap_or(asked);
    let summaries = &summaries[first..];
    let skip = asked - first;
    let inputs = daily_inputs(summaries, profile, &settings.inputs)?;
    let assessed = assess_inputs(&inputs, profile.sex, settings)?;
    let baseline = &settings.baseline;
    let hrv = hrv_baseline(&inputs.hrv, &baseline.hrv).map_err(ReadinessError::from)?;
    // Nothing of the member's was left out when the detailed days start at or before their first.
    let certain = detail_first
        .checked_sub(first)
        .filter(|&h| h > 0)
        .is_none_or(|h| certain(&assessed, &hrv.days, skip, h, settings));
    let sleep =
        sleep_against_need(&inputs.sleep_s, &baseline.sleep).map_err(ReadinessError::from)?;
    let hours = |s: f64| s / 3600.0;
    let trends = (skip..inputs.dates.len())
        .map(|i| TrendDay {
            date: inputs.dates[i],
            ln_hrv: hrv.days[i].ln_hrv,
            ln_hrv_week_mean: hrv.days[i].week.map(|w| w.mean),
            normal_low: hrv.days[i].normal_range.map(|r| r.lower),
            normal_high: hrv.days[i].normal_range.map(|r| r.upper),
            resting_hr_bpm: inputs.resting_hr_bpm[i],
            sleep_h: sleep[i].slept_s.map(hours),
            sleep_need_h: hours(sleep[i].need.need_s),
            load: inputs.load[i],
            score: assessed[i].score,
        })
        .collect();
    let history = ReadinessHistory {
        days: assessed.into_iter().skip(skip).collect(),
        trends,
    };
    Ok((history, certain))
}

/// Whether the days from `skip` on are what the whole span in full would give, when the days
/// before `detail_first` had no night and no HRV (module doc). The HRV baselines of the
/// days from `known` on read only detailed days, so they are the same; the days asked for lie at
/// least [`ReadinessSettings::detail_history_days`] after `detail_first`, which covers every
/// window of fixed length. What is left is what reaches back without a bound:
/// - a suppressed-HRV or illness flag lists the first day of its run: the run is the same when
///   the day before its first day is known (it ended the run there in both);
/// - a day without a week but with a recent reading is unscorable when the baseline was ever
///   established and calibrating otherwise: the same when a day from `known` on was scored.
fn certain(
    assessed: &[DayReadiness],
    hrv: &[HrvBaselineDay],
    skip: usize,
    detail_first: usize,
    settings: &ReadinessSettings,
) -> bool {
    let known = detail_first.saturating_add(settings.hrv_baseline_reach());
    if skip < detail_first.saturating_add(settings.detail_history_days()) {
        return false;
    }
    let Some(first_date) = assessed.first().map(|day| day.date) else {
        return true;
    };
    let position = |date: NaiveDate| usize::try_from((date - first_date).num_days()).ok();
    let week_days = settings.baseline.hrv.week.days;
    (skip..assessed.len()).all(|d| {
        let runs_known = assessed[d]
            .flags
            .iter()
            .filter(|flag| {
                matches!(
                    flag.code,
                    FlagCode::HrvSuppressedFallingCv | FlagCode::IllnessSuspected
                )
            })
            .all(|flag| position(flag.from).is_some_and(|p| p > known));
        let recent = hrv[(d + 1).saturating_sub(week_days)..=d]
            .iter()
            .any(|day| day.ln_hrv.is_some());
        let state_known = hrv[d].week.is_some()
            || !recent
            || assessed[known..d]
                .iter()
                .any(|day| day.state == ReadinessState::Scored);
        runs_known && state_known
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use chrono::Days;

    use super::*;
    use crate::apple_export::{Flow, SyntheticExport, import_export};
    use crate::load::Sex;
    use crate::readiness::assess_history;
    use crate::readiness::synthetic::{
        Event, MemberSpec, Scenario, SyntheticHistory, generate, scenario,
    };
    use crate::summary::{LoadInputs, daily_summaries};

    /// A store holding a generated export of `days` days, and the export's last day.
    fn imported(days: u32) -> (Store, NaiveDate) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.zip");
        let export = SyntheticExport {
            days,
            ..SyntheticExport::default()
        };
        export.write_zip(&path).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        import_export(&mut store, &path, |_| Flow::Continue).unwrap();
        let last = export
            .start_date
            .checked_add_days(Days::new(u64::from(days) - 1))
            .unwrap();
        (store, last)
    }

    /// What the apps show with a sign (a component's points) or as a number (a day's load) is
    /// never -0.0, which reads "-0.0": a day without training, a penalty of nothing.
    #[test]
    fn no_value_shown_is_a_negative_zero() {
        let (store, last) = imported(40);
        let first = last.checked_sub_days(Days::new(39)).unwrap();
        let negative_zero = |x: f64| x == 0.0 && x.is_sign_negative();
        let history = readiness_history(
            &store,
            first,
            last,
            &MemberProfile::new(Sex::Female),
            &HistorySettings::default(),
        )
        .unwrap();
        let points = history.days.iter().flat_map(|d| &d.components);
        assert!(points.clone().any(|c| c.points == 0.0), "the case is there");
        assert!(!points.clone().any(|c| negative_zero(c.points)));
        assert!(history.trends.iter().any(|t| t.load == 0.0));
        assert!(!history.trends.iter().any(|t| negative_zero(t.load)));
        let summaries = daily_summaries(&store, first, last, &SummarySettings::default()).unwrap();
        let loads = summaries
            .iter()
            .flat_map(|d| [d.load.hr_minutes, d.load.session_rpe_load]);
        assert!(loads.clone().any(|l| l == 0.0));
        assert!(!loads.clone().any(negative_zero));
    }

    #[test]
    fn a_week_of_history_matches_the_engine_on_the_same_summaries() {
        // 40 days: more than the 14 nights of HRV a baseline needs, so the week is scored, and
        // well inside the 180-day look-back, so the look-back covers the whole store.
        let (store, last) = imported(40);
        let from = last.checked_sub_days(Days::new(6)).unwrap();
        let settings = HistorySettings::default();
        let profile = MemberProfile::new(Sex::Female);
        let history = readiness_history(&store, from, last, &profile, &settings).unwrap();

        assert_eq!(history.days.len(), 7);
        assert_eq!(history.trends.len(), 7);
        let expected_dates: Vec<NaiveDate> = from.iter_days().take(7).collect();
        let day_dates: Vec<NaiveDate> = history.days.iter().map(|d| d.date).collect();
        let trend_dates: Vec<NaiveDate> = history.trends.iter().map(|t| t.date).collect();
        assert_eq!(day_dates, expected_dates);
        assert_eq!(trend_dates, expected_dates);
        for (day, trend) in history.days.iter().zip(&history.trends) {
            assert_eq!(day.score, trend.score, "{}", day.date);
        }

        // The same as the engine on the member's whole history, which starts at their first day
        // with data (the look-back reaches before it).
        let first = last.checked_sub_days(Days::new(39)).unwrap();
        let summaries = daily_summaries(&store, first, last, &settings.summary).unwrap();
        let all = assess_history(&summaries, &profile, &settings.readiness).unwrap();
        assert_eq!(history.days, all[all.len() - 7..]);
        assert!(
            history.days.iter().any(|d| d.score.is_some()),
            "40 days of data score some of the last week"
        );
    }

    #[test]
    fn a_new_members_first_weeks_are_not_read_against_empty_days_before_them() {
        let (store, last) = imported(40);
        let first = last.checked_sub_days(Days::new(39)).unwrap();
        let profile = MemberProfile::new(Sex::Female);
        let history =
            readiness_history(&store, first, last, &profile, &HistorySettings::default()).unwrap();
        assert_eq!(history.days.len(), 40);
        // With the look-back's empty days counted as rest days, a normal first week of training
        // read as a load spike (ACWR and TSB flags from the first days).
        let load_flags: Vec<NaiveDate> = history
            .days
            .iter()
            .filter(|day| {
                day.flags
                    .iter()
                    .any(|f| matches!(f.code, FlagCode::AcwrHigh | FlagCode::TsbLow))
            })
            .map(|day| day.date)
            .collect();
        assert_eq!(load_flags, []);
    }

    #[test]
    fn a_store_read_with_the_detailed_days_equals_the_whole_look_back_in_detail() {
        // 100 days: the look-back of the last fortnight reaches before the 63 detailed days.
        let (store, last) = imported(100);
        let from = last.checked_sub_days(Days::new(13)).unwrap();
        let profile = MemberProfile::new(Sex::Male);
        let settings = HistorySettings::default();
        let read = readiness_history(&store, from, last, &profile, &settings).unwrap();
        let (whole, _) = read_and_assess(&store, from, last, &profile, &settings, None).unwrap();
        assert_eq!(read, whole);
        assert!(read.days.iter().any(|d| d.score.is_some()));
        // The fast read was certain here, and its older days did lack their detail.
        let days = settings.readiness.detail_history_days();
        let (fast, certain) =
            read_and_assess(&store, from, last, &profile, &settings, Some(days)).unwrap();
        assert!(certain);
        assert_eq!(fast, whole);
        let detail_from = from.checked_sub_days(Days::new(days as u64)).unwrap();
        let first = last.checked_sub_days(Days::new(99)).unwrap();
        let summaries =
            daily_summaries_detailed_from(&store, first, last, detail_from, &settings.summary)
                .unwrap();
        let detailed = daily_summaries(&store, first, last, &settings.summary).unwrap();
        for (day, full) in summaries.iter().zip(&detailed) {
            if day.date < detail_from {
                assert_eq!(
                    (&day.sleep, &day.hrv_rmssd, &day.hrv_sdnn),
                    (&None, &None, &None)
                );
                assert_eq!(day.workouts, full.workouts, "{}", day.date);
                assert_eq!(day.resting_hr, full.resting_hr, "{}", day.date);
            } else {
                assert_eq!(day, full);
            }
        }
        assert!(
            detailed
                .iter()
                .any(|d| d.date < detail_from && d.hrv_rmssd.is_some())
        );
        // The nights left out are the ones `nights_slept` finds.
        let nights: Vec<NaiveDate> = detailed
            .iter()
            .filter(|d| d.sleep.is_some())
            .map(|d| d.date)
            .collect();
        assert_eq!(
            nights_slept(&store, first, last, &settings.summary).unwrap(),
            nights
        );
        assert!(nights.len() > 90, "{}", nights.len());
    }

    /// `days` as [`daily_summaries_detailed_from`] gives them when in full from position
    /// `detail_first` on (no night and no HRV before it), and the span's parts.
    fn undetailed(
        days: &[DailySummary],
        asked: usize,
        detail_first: usize,
    ) -> (Vec<DailySummary>, Span) {
        let mut days = days.to_vec();
        let first_night = days[..detail_first].iter().position(|d| d.sleep.is_some());
        for day in days.iter_mut().take(detail_first) {
            day.sleep = None;
            day.hrv_rmssd = None;
            day.hrv_sdnn = None;
        }
        let span = Span {
            asked,
            detail_first,
            first_night,
        };
        (days, span)
    }

    /// The span of `asked` days of look-back all in full.
    fn whole(asked: usize) -> Span {
        Span {
            asked,
            detail_first: 0,
            first_night: None,
        }
    }

    /// What the comparison of [`compare`] found.
    #[derive(Debug, Default)]
    struct Compared {
        /// Days found certain and equal to the whole look-back in detail.
        equal: usize,
        /// Days found certain but different: must stay empty.
        certain_but_different: Vec<NaiveDate>,
        /// Days found uncertain (read again in detail), and whether they did differ.
        uncertain: Vec<(NaiveDate, bool)>,
    }

    /// Today's readiness of every `step`-th day from position `first_day` on, read as
    /// [`readiness_history`] reads it (180 days of look-back, `detail_days` of them in detail),
    /// against the same look-back all in detail.
    fn compare(
        days: &[DailySummary],
        profile: &MemberProfile,
        detail_days: usize,
        (first_day, step): (usize, usize),
    ) -> Compared {
        let settings = HistorySettings::default();
        let look_back = settings.look_back_days as usize;
        let mut found = Compared::default();
        for today in (first_day..days.len()).step_by(step) {
            let start = today.saturating_sub(look_back);
            let span = &days[start..=today];
            let asked = today - start;
            let detail_first = asked.saturating_sub(detail_days);
            let (full, _) = assess_span(span, whole(asked), profile, &settings.readiness).unwrap();
            let (partial, parts) = undetailed(span, asked, detail_first);
            let (fast, certain) =
                assess_span(&partial, parts, profile, &settings.readiness).unwrap();
            let date = days[today].date;
            match (certain, fast == full) {
                (true, true) => found.equal += 1,
                (true, false) => found.certain_but_different.push(date),
                (false, same) => found.uncertain.push((date, !same)),
            }
        }
        found
    }

    /// Generated members whose histories exercise every part of the engine, long enough that
    /// the look-back reaches past the detailed days.
    fn members() -> Vec<SyntheticHistory> {
        let mut members: Vec<SyntheticHistory> = Scenario::ALL
            .iter()
            .map(|s| scenario(*s, 11).unwrap())
            .collect();
        let mut long = MemberSpec::stable(5, 420);
        long.events = vec![
            Event::Overreaching {
                start: 200,
                build_days: 21,
                recover_days: 28,
                ln_drop: 0.6,
                rhr_rise_bpm: 8.0,
                load_factor: 1.8,
            },
            Event::MissingNights {
                start: 280,
                nights: 10,
            },
            Event::Illness {
                start: 330,
                days: 8,
                ln_drop: 0.7,
                rhr_rise_bpm: 9.0,
                crp_mg_l: 20.0,
            },
            Event::MissingNights {
                start: 380,
                nights: 30,
            },
        ];
        members.push(generate(&long).unwrap());
        members.push(generate(&long_gaps()).unwrap());
        members
    }

    /// A member whose HRV stays below its normal range for weeks (the suppressed-HRV flag's run
    /// starts before the detailed days) and who, after two months without a night, starts
    /// recording again (the baseline was established only before the detailed days).
    fn long_gaps() -> MemberSpec {
        let mut member = MemberSpec::stable(9, 330);
        member.events = vec![
            Event::Overreaching {
                start: 100,
                build_days: 50,
                recover_days: 28,
                ln_drop: 0.9,
                rhr_rise_bpm: 6.0,
                load_factor: 1.5,
            },
            Event::MissingNights {
                start: 230,
                nights: 62,
            },
        ];
        member
    }

    #[test]
    fn todays_readiness_with_the_detailed_days_equals_the_whole_look_back_in_detail() {
        let detail_days = ReadinessSettings::default().detail_history_days();
        assert_eq!(detail_days, 63);
        let (mut equal, mut uncertain) = (0, 0);
        for member in members() {
            let profile = MemberProfile::new(member.spec.sex);
            // Before day 64 every day of the look-back is detailed.
            let found = compare(&member.days, &profile, detail_days, (detail_days + 1, 1));
            assert_eq!(found.certain_but_different, [], "{:?}", member.spec.events);
            equal += found.equal;
            uncertain += found.uncertain.len();
        }
        // The fast read is the rule, the second read the exception.
        assert!(
            equal > 10 * uncertain,
            "{equal} equal, {uncertain} read again"
        );
    }

    #[test]
    fn a_night_before_all_other_data_is_the_members_first_day() {
        // A member whose first ten days hold nights only (the watch worn at night): their first
        // day is the first night's, which the days before the detailed ones come without.
        let mut member = scenario(Scenario::Stable, 11).unwrap();
        for day in member.days.iter_mut().take(10) {
            day.resting_hr = None;
            day.workouts.clear();
            day.load = LoadInputs::default();
            day.check_in = None;
            day.recovery.clear();
            day.labs.clear();
        }
        let profile = MemberProfile::new(member.spec.sex);
        let detail_days = ReadinessSettings::default().detail_history_days();
        let found = compare(&member.days, &profile, detail_days, (detail_days + 1, 1));
        assert_eq!(found.certain_but_different, []);
        assert!(found.equal > 0);
        // Without the night, the member's history would start ten days late: on day 90 their
        // TSB would not count yet (it does from two CTL time constants, 84 days, on).
        let settings = ReadinessSettings::default();
        let asked = 90;
        let span = &member.days[..=asked];
        let (full, _) = assess_span(span, whole(asked), &profile, &settings).unwrap();
        let (partial, mut parts) = undetailed(span, asked, asked - detail_days);
        assert_eq!(parts.first_night, Some(0));
        parts.first_night = None;
        let (late, _) = assess_span(&partial, parts, &profile, &settings).unwrap();
        assert_ne!(late, full);
    }

    #[test]
    fn the_comparison_sees_a_detail_window_shorter_than_the_normal_range() {
        // Without the check: with 59 detailed days today's normal range misses its oldest day.
        let member = scenario(Scenario::Stable, 11).unwrap();
        let profile = MemberProfile::new(member.spec.sex);
        let short = ReadinessSettings::default().hrv_baseline_reach() - 1;
        let settings = HistorySettings::default().readiness;
        let days = &member.days;
        let today = days.len() - 1;
        let start = today - settings.detail_history_days() - 20;
        let span = &days[start..=today];
        let asked = today - start;
        let (full, _) = assess_span(span, whole(asked), &profile, &settings).unwrap();
        let (partial, parts) = undetailed(span, asked, asked - short);
        let (fast, certain) = assess_span(&partial, parts, &profile, &settings).unwrap();
        assert!(
            !certain,
            "a window shorter than the derived one is never certain"
        );
        assert_ne!(fast.days, full.days);
    }

    #[test]
    fn runs_that_start_before_the_detailed_days_are_read_again() {
        let member = generate(&long_gaps()).unwrap();
        let profile = MemberProfile::new(member.spec.sex);
        let detail_days = ReadinessSettings::default().detail_history_days();
        let found = compare(&member.days, &profile, detail_days, (detail_days + 1, 1));
        assert_eq!(found.certain_but_different, []);
        let differ: Vec<NaiveDate> = found
            .uncertain
            .iter()
            .filter(|(_, differs)| *differs)
            .map(|(date, _)| *date)
            .collect();
        assert!(
            !differ.is_empty(),
            "some uncertain day does differ, so the check is needed: {:?}",
            found.uncertain
        );
    }

    #[test]
    fn a_range_that_ends_before_it_starts_is_refused() {
        let store = Store::open_in_memory().unwrap();
        let day = NaiveDate::from_ymd_opt(2022, 10, 1).unwrap();
        let error = readiness_history(
            &store,
            day,
            day.pred_opt().unwrap(),
            &MemberProfile::new(Sex::Male),
            &HistorySettings::default(),
        )
        .unwrap_err();
        assert!(matches!(error, HistoryError::EmptyRange), "{error}");
    }
}
