//! Whether a baseline is established, and how long until it is: the "calibrating, N days left"
//! state. A calibrating member is shown as calibrating, never as red (domain brief section 4).
//!
//! A baseline is established today when every window it needs holds its minimum of valid days
//! today. Otherwise the days left are counted by sliding the windows forward over days that each
//! bring a valid reading, so the count accounts for old readings leaving a window as new ones enter
//! it. A day without a reading then adds a day to the wait: the count is recomputed each morning.

use serde::Serialize;

use super::{
    BaselineError, DailyLnHrv, HrvBaselineSettings, RestingHrSettings, Window, resting_hr, valid,
};

/// How far a baseline is from being established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Calibration {
    /// Every window the baseline needs holds its minimum of valid days today.
    pub established: bool,
    /// Days from today until the baseline is established, if each of them brings a valid reading;
    /// 0 when it is established.
    pub days_left: usize,
}

/// The calibration of a series (one entry per consecutive member-local day, oldest first; `None`
/// and non-finite values are days without a valid reading) against the windows a baseline needs.
pub fn calibration(
    values: &[Option<f64>],
    windows: &[Window],
) -> Result<Calibration, BaselineError> {
    for w in windows {
        w.validate("window", 1)?;
    }
    let len = values.len();
    // valid_before[i]: valid readings among the first i days.
    let mut valid_before = Vec::with_capacity(len + 1);
    valid_before.push(0usize);
    for v in values {
        let last = valid_before.last().copied().unwrap_or(0);
        valid_before.push(last + usize::from(valid(*v).is_some()));
    }
    // Valid days of `w` for the last day of the series extended by `extra` valid days.
    let count = |w: &Window, extra: usize| {
        let total = len + extra;
        let range = w.range(total - 1, total);
        let known = valid_before[range.end.min(len)] - valid_before[range.start.min(len)];
        known + range.end.saturating_sub(range.start.max(len))
    };
    // Within min_valid + 1 further days every window is filled by new readings alone.
    let bound = windows.iter().map(|w| w.min_valid).max().unwrap_or(0) + 1;
    let days_left = (0..=bound)
        .find(|&extra| len + extra > 0 && windows.iter().all(|w| count(w, extra) >= w.min_valid))
        .unwrap_or(bound);
    Ok(Calibration {
        established: days_left == 0,
        days_left,
    })
}

/// The calibration of an HRV baseline: it is established when today has both a week and a normal
/// range ([`HrvBaselineSettings::week`], [`HrvBaselineSettings::normal_range`]), which is what the
/// readiness call compares.
pub fn hrv_calibration(
    series: &DailyLnHrv,
    settings: &HrvBaselineSettings,
) -> Result<Calibration, BaselineError> {
    settings.validate()?;
    calibration(series.ln_values(), &[settings.week, settings.normal_range])
}

/// The calibration of a resting HR baseline ([`RestingHrSettings::baseline`]); readings that are
/// not above zero do not count.
pub fn resting_hr_calibration(
    bpm: &[Option<f64>],
    settings: &RestingHrSettings,
) -> Result<Calibration, BaselineError> {
    settings.validate()?;
    let cleaned: Vec<Option<f64>> = bpm.iter().map(|&v| resting_hr::valid_bpm(v)).collect();
    calibration(&cleaned, &[settings.baseline])
}

#[cfg(test)]
mod tests {
    use super::super::{HrvMetric, WindowEnd, hrv_baseline};
    use super::*;

    #[test]
    fn a_new_member_waits_for_the_normal_range() {
        let settings = HrvBaselineSettings::default();
        // No data: the range (60 days ending yesterday, 14 valid) is first there on the 15th day,
        // when days 1-14 hold readings: 15 days from "today" (a day not yet in the series).
        let empty = DailyLnHrv::from_ln(HrvMetric::Rmssd, vec![]);
        let c = hrv_calibration(&empty, &settings).unwrap();
        assert_eq!(
            c,
            Calibration {
                established: false,
                days_left: 15
            }
        );
        // Ten valid days (days 0-9): the range of day 14 covers days 0-13, 10 + 4 new = 14.
        let ten = DailyLnHrv::from_ln(HrvMetric::Rmssd, vec![Some(4.0); 10]);
        assert_eq!(hrv_calibration(&ten, &settings).unwrap().days_left, 5);
        // Fifteen: established, and the baseline has both figures today.
        let fifteen = DailyLnHrv::from_ln(HrvMetric::Rmssd, vec![Some(4.0); 15]);
        let c = hrv_calibration(&fifteen, &settings).unwrap();
        assert!(c.established);
        let today = hrv_baseline(&fifteen, &settings).unwrap().days[14].clone();
        assert!(today.week.is_some() && today.normal_range.is_some());
    }

    #[test]
    fn gaps_lengthen_the_wait() {
        let settings = HrvBaselineSettings::default();
        // 14 valid readings spread over 28 days, then a week without any: the range is full (14
        // valid in the 60 days before today) but the week holds none; three valid days mend it.
        let mut ln: Vec<Option<f64>> = (0..28).map(|i| (i % 2 == 0).then_some(4.0)).collect();
        ln.extend([None; 7]);
        let series = DailyLnHrv::from_ln(HrvMetric::Rmssd, ln);
        assert_eq!(hrv_calibration(&series, &settings).unwrap().days_left, 3);
    }

    #[test]
    fn readings_leaving_the_window_are_counted() {
        // Window of 5 days ending today, 3 valid: valid, valid, then 4 missing days. Day 1's
        // reading is in today's window but leaves it as new ones enter: three are needed.
        let w = Window {
            days: 5,
            min_valid: 3,
            end: WindowEnd::Today,
        };
        let values = [Some(1.0), Some(1.0), None, None, None, None];
        assert_eq!(calibration(&values, &[w]).unwrap().days_left, 3);
        // Valid on days 2 and 3 of the last 5: one more reading is enough.
        let values = [None, None, Some(1.0), Some(1.0), None, None];
        assert_eq!(calibration(&values, &[w]).unwrap().days_left, 1);
    }

    #[test]
    fn resting_hr_needs_two_weeks() {
        let settings = RestingHrSettings::default();
        let c = resting_hr_calibration(&[Some(55.0), Some(0.0)], &settings).unwrap();
        // Day 0 valid, today (day 1) not (0 bpm). Day d's baseline holds days 0..d-1: day 0 plus
        // new readings on days 2..d-1, d - 1 in all, 14 from day 15: 14 days after today.
        assert_eq!(c.days_left, 14);
    }
}
