//! Personal baselines: where a member's HRV, resting heart rate and sleep normally sit, so that a
//! morning can be judged against the member's own history rather than a population.
//!
//! - [`hrv_series`]: a member's daily lnHRV, tagged with its metric (RMSSD or SDNN, never both).
//! - [`hrv`]: lnHRV 7-day rolling mean and CV (Plews et al. 2012-2014), the 60-day normal range
//!   (HRV4Training) and the 10-day reference of Kiviniemi et al. (2007).
//! - [`resting_hr`]: resting heart rate against its rolling baseline (Oura flags +3-5 bpm).
//! - [`sleep`]: sleep against need (debt over the week) and the regularity of the sleep midpoint.
//! - [`calibration`](mod@calibration): whether a baseline is established, and how many more valid days it needs
//!   (the "calibrating, N days left" state).
//! - [`settings`]: every window, minimum count and multiplier, with its default and its source.
//!
//! Conventions shared by all of them:
//! - A series holds one entry per consecutive member-local day, oldest first; the last entry is
//!   today. `None`, and any non-finite value, is a day without a valid reading: it never counts
//!   towards a window's minimum, and a window with fewer valid days than its minimum gives `None`
//!   (Plews et al. 2014: at least 3 valid days a week).
//! - Standard deviations are sample standard deviations (N-1 denominator), as everywhere in this
//!   crate (SDNN, `hrv::time_domain`) and as pandas' `rolling().std()` computes them. With the
//!   60 days of the normal range the population SD would be 0.8 % smaller; with 14 days, 3.6 %.
//! - A window either ends today (the 7-day means: "this week") or ends yesterday (the references
//!   a day is judged against: a sharp drop must not pull down the very baseline it is compared
//!   with). Each window says which in [`Window::end`].
//! - Functions compute the whole history in one pass (what trend charts need); the readiness of
//!   today is the last entry.

pub mod calibration;
pub mod hrv;
pub mod hrv_series;
pub mod resting_hr;
pub mod settings;
pub mod sleep;

#[cfg(test)]
mod properties;

use serde::Serialize;

pub use calibration::{Calibration, calibration, hrv_calibration, resting_hr_calibration};
pub use hrv::{HrvBaseline, HrvBaselineDay, NormalRange, RangePosition, hrv_baseline};
pub use hrv_series::{DailyLnHrv, HrvMetric, HrvReading};
pub use resting_hr::{RestingHrDay, resting_hr_baseline};
pub use settings::{BaselineSettings, HrvBaselineSettings, RestingHrSettings, SleepSettings};
pub use sleep::{
    SleepDebt, SleepNeed, SleepNeedDay, SleepNeedSource, SleepRegularity, sleep_against_need,
    sleep_regularity,
};

/// Why a baseline cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BaselineError {
    /// A setting is outside the values it can take.
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting {
        /// Name of the setting.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A reading of one HRV metric was offered to a baseline of the other: SDNN and RMSSD are never
    /// mixed in one baseline (domain brief section 4).
    #[error("day #{day} holds an {found} reading, the baseline is {expected}")]
    MixedMetrics {
        /// Zero-based position of the day in the series.
        day: usize,
        /// Metric of the baseline.
        expected: HrvMetric,
        /// Metric of the reading.
        found: HrvMetric,
    },
}

/// Where a rolling window ends, relative to the day it is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowEnd {
    /// The window holds the day itself and the days before it.
    Today,
    /// The window holds only the days before the day: the day is judged against it, not part of
    /// it.
    Yesterday,
}

/// A rolling window of days and the fewest valid days it needs to give a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Length of the window in days (calendar days, valid or not).
    pub days: usize,
    /// Fewest days with a valid reading the window needs; with fewer it gives `None`.
    pub min_valid: usize,
    /// Whether the window holds the day it is computed for.
    pub end: WindowEnd,
}

impl Window {
    /// Longest window accepted, in days (ten years): longer is not a baseline any more, and the
    /// bound keeps [`calibration()`] finite.
    pub const MAX_DAYS: usize = 3653;

    /// Positions of the window for day `day` in a series of `len` days, clipped to the series.
    pub(crate) fn range(&self, day: usize, len: usize) -> std::ops::Range<usize> {
        let end = match self.end {
            WindowEnd::Today => day.saturating_add(1),
            WindowEnd::Yesterday => day,
        };
        let end = end.min(len);
        end.saturating_sub(self.days)..end
    }

    /// How many days before the day the window reaches: its length when it ends yesterday, one
    /// day less when it holds the day itself.
    pub(crate) fn reach(&self) -> usize {
        match self.end {
            WindowEnd::Today => self.days.saturating_sub(1),
            WindowEnd::Yesterday => self.days,
        }
    }

    /// Checks the window; `min_valid_floor` is 2 where a standard deviation is taken.
    pub(crate) fn validate(
        &self,
        name: &'static str,
        min_valid_floor: usize,
    ) -> Result<(), BaselineError> {
        if self.days == 0 || self.days > Self::MAX_DAYS {
            return Err(BaselineError::InvalidSetting {
                name,
                reason: "window must be 1 to 3653 days long",
            });
        }
        if self.min_valid < min_valid_floor {
            return Err(BaselineError::InvalidSetting {
                name,
                reason: if min_valid_floor >= 2 {
                    "min_valid must be at least 2 (a standard deviation is taken)"
                } else {
                    "min_valid must be at least 1"
                },
            });
        }
        if self.min_valid > self.days {
            return Err(BaselineError::InvalidSetting {
                name,
                reason: "min_valid cannot exceed the window length",
            });
        }
        Ok(())
    }
}

/// Count, mean and sample standard deviation of the valid days of a window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WindowStats {
    /// Days with a valid reading in the window.
    pub n_valid: usize,
    /// Mean of the valid readings.
    pub mean: f64,
    /// Sample standard deviation (N-1) of the valid readings; 0 with a single reading.
    pub sd: f64,
}

/// A day's reading when it is valid (present and finite).
pub(crate) fn valid(value: Option<f64>) -> Option<f64> {
    value.filter(|x| x.is_finite())
}

/// Count, mean and sample SD in one pass (Welford's algorithm: exact where the naive sum of squares
/// loses digits to cancellation).
pub(crate) fn stats(values: impl Iterator<Item = f64>) -> Option<WindowStats> {
    let (mut n, mut mean, mut m2) = (0usize, 0.0, 0.0);
    for x in values {
        n += 1;
        let delta = x - mean;
        mean += delta / n as f64;
        m2 += delta * (x - mean);
    }
    if n == 0 {
        return None;
    }
    let sd = if n > 1 {
        (m2 / (n - 1) as f64).max(0.0).sqrt()
    } else {
        0.0
    };
    Some(WindowStats {
        n_valid: n,
        mean,
        sd,
    })
}

/// The valid readings of `window` for day `day`.
pub(crate) fn window_values<'a>(
    values: &'a [Option<f64>],
    day: usize,
    window: &Window,
) -> impl Iterator<Item = f64> + 'a {
    values[window.range(day, values.len())]
        .iter()
        .filter_map(|v| valid(*v))
}

/// Statistics of `window` for day `day`; `None` with fewer valid days than the window's minimum.
pub(crate) fn window_stats(
    values: &[Option<f64>],
    day: usize,
    window: &Window,
) -> Option<WindowStats> {
    stats(window_values(values, day, window)).filter(|s| s.n_valid >= window.min_valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEK: Window = Window {
        days: 7,
        min_valid: 3,
        end: WindowEnd::Today,
    };

    #[test]
    fn window_ranges_clip_to_the_series() {
        assert_eq!(WEEK.range(0, 10), 0..1);
        assert_eq!(WEEK.range(9, 10), 3..10);
        let before = Window {
            end: WindowEnd::Yesterday,
            ..WEEK
        };
        assert_eq!(before.range(0, 10), 0..0);
        assert_eq!(before.range(9, 10), 2..9);
    }

    #[test]
    fn hand_computed_stats() {
        // 2, 4, 9: mean 5; squared deviations 9 + 1 + 16 = 26; sample SD sqrt(26 / 2) = sqrt(13).
        let s = stats([2.0, 4.0, 9.0].into_iter()).unwrap();
        assert_eq!(s.n_valid, 3);
        assert!((s.mean - 5.0).abs() < 1e-12);
        assert!((s.sd - 13.0_f64.sqrt()).abs() < 1e-12);
        assert!(stats(std::iter::empty()).is_none());
    }

    #[test]
    fn missing_days_do_not_count_and_two_valid_days_give_none() {
        // Days 3..10 hold 2 valid readings: below the minimum of 3.
        let values = [
            Some(1.0),
            Some(1.0),
            Some(1.0),
            None,
            Some(2.0),
            None,
            Some(f64::NAN),
            None,
            Some(4.0),
            None,
        ];
        assert_eq!(window_stats(&values, 9, &WEEK), None);
        // Days 2..9 hold 1.0, 2.0, 4.0: exactly the minimum.
        let s = window_stats(&values, 8, &WEEK).unwrap();
        assert_eq!(s.n_valid, 3);
        assert!((s.mean - 7.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn invalid_windows_are_refused() {
        let w = |days, min_valid| Window {
            days,
            min_valid,
            end: WindowEnd::Today,
        };
        assert!(w(0, 0).validate("w", 1).is_err());
        assert!(w(7, 8).validate("w", 1).is_err());
        assert!(w(7, 1).validate("w", 2).is_err());
        assert!(w(Window::MAX_DAYS + 1, 3).validate("w", 2).is_err());
        assert!(w(7, 3).validate("w", 2).is_ok());
    }
}
