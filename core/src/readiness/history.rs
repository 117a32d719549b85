//! Readiness read from the store: the days of a range with the history their baselines need, and
//! the trend series a chart of the range draws.
//!
//! A day's readiness depends on the days before it: the 60-day normal range, the 42-day chronic
//! load, the sleep need. [`readiness_history`] therefore reads [`HistorySettings::look_back_days`]
//! of daily summaries before the first day asked for, assesses the whole span in one pass
//! ([`super::assess_inputs`]) and returns the days asked for. The look-back is a bound, not the
//! whole file, so that today's readiness costs the same in a member's first year as in their fifth.

use chrono::{NaiveDate, TimeDelta};
use serde::Serialize;

use super::baseline::hrv_baseline;
use super::baseline::sleep_against_need;
use super::{
    DayReadiness, MemberProfile, ReadinessError, ReadinessSettings, assess_inputs, daily_inputs,
};
use crate::store::Store;
use crate::summary::{SummaryError, SummarySettings, daily_summaries};

/// What [`readiness_history`] reads and how it assesses it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistorySettings {
    /// Days of history read before the first day asked for. Default 180: longer than every
    /// window of the baselines (60-day normal range and personal sleep need, 30-day resting HR)
    /// and three times the chronic load's 42-day constant, so the EWMA weight of the days left
    /// out is (1 - 1/42)^180 = 1.3 % (TrainingPeaks' CTL; see [`crate::load`]). Product choice.
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
    if to < from {
        return Err(HistoryError::EmptyRange);
    }
    let start = from
        .checked_sub_signed(TimeDelta::days(i64::from(settings.look_back_days)))
        .ok_or(HistoryError::OutOfRange)?;
    settings.readiness.validate()?;
    let summaries = daily_summaries(store, start, to, &settings.summary)?;
    // The member's history starts at their first day with data, not at the look-back's first
    // day: days before it are not days without training or sleep, and counting them would read
    // a new member's first weeks of load against an empty chronic load (false ACWR and TSB flags).
    let asked = usize::try_from((from - start).num_days()).map_err(|_| HistoryError::OutOfRange)?;
    let first = summaries
        .iter()
        .position(|day| day.has_data())
        .map_or(asked, |first| first.min(asked));
    let summaries = &summaries[first..];
    let skip = asked - first;
    let inputs = daily_inputs(summaries, profile, &settings.readiness.inputs)?;
    let assessed = assess_inputs(&inputs, profile.sex, &settings.readiness)?;
    let baseline = &settings.readiness.baseline;
    let hrv = hrv_baseline(&inputs.hrv, &baseline.hrv).map_err(ReadinessError::from)?;
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
    Ok(ReadinessHistory {
        days: assessed.into_iter().skip(skip).collect(),
        trends,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use chrono::Days;

    use super::*;
    use crate::apple_export::{Flow, SyntheticExport, import_export};
    use crate::load::Sex;
    use crate::readiness::{FlagCode, assess_history};

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
