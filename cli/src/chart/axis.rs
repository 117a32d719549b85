//! The shared date axis: x is the number of days since the first day, and the ticks fall on
//! calendar boundaries that suit the range (days for a fortnight, Mondays for a couple of
//! months, the 1st and 16th for a season, month starts for a year, then quarters, then years),
//! because "Mar 1" is easier to read than "day 37".

use std::ops::Range;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use plotters::coord::ranged1d::{
    KeyPointHint, KeyPointWeight, NoDefaultFormatting, Ranged, ValueFormatter,
};

/// How far apart the ticks are, chosen from the length of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TickStep {
    /// Every day, labelled "Mar 3".
    Day,
    /// Every Monday, labelled "Mar 3".
    Week,
    /// The 1st and the 16th of each month, labelled "Mar 16".
    HalfMonth,
    /// The 1st of each month, labelled "Mar" ("Jan 2026" at a new year and on the first tick).
    Month,
    /// The 1st of January, April, July and October, labelled "Apr 2026".
    Quarter,
    /// The 1st of January, labelled "2026".
    Year,
}

impl TickStep {
    /// The step for a range spanning `span_days` days (last day minus first day).
    fn for_span(span_days: i64) -> Self {
        match span_days {
            ..=16 => Self::Day,
            17..=62 => Self::Week,
            63..=150 => Self::HalfMonth,
            151..=550 => Self::Month,
            551..=1100 => Self::Quarter,
            _ => Self::Year,
        }
    }

    /// Whether `date` carries a tick at this step.
    fn is_tick(self, date: NaiveDate) -> bool {
        match self {
            Self::Day => true,
            Self::Week => date.weekday() == Weekday::Mon,
            Self::HalfMonth => date.day() == 1 || date.day() == 16,
            Self::Month => date.day() == 1,
            Self::Quarter => date.day() == 1 && date.month() % 3 == 1,
            Self::Year => date.day() == 1 && date.month() == 1,
        }
    }
}

/// The x axis of every panel: days since `first`, from half a day before the first day to half a
/// day after the last, so the bars of the end days are drawn whole.
#[derive(Debug, Clone)]
pub(super) struct DateAxis {
    first: NaiveDate,
    span_days: i64,
    step: TickStep,
}

impl DateAxis {
    /// The axis from `first` to `last` (inclusive).
    pub(super) fn new(first: NaiveDate, last: NaiveDate) -> Self {
        let span_days = (last - first).num_days().max(0);
        Self {
            first,
            span_days,
            step: TickStep::for_span(span_days),
        }
    }

    /// Whether days are too close together for full-size dots (more than about five months on
    /// a chart's width): the panels then draw smaller dots, or none where a line says it all.
    pub(super) fn is_dense(&self) -> bool {
        self.span_days > 150
    }

    /// The x value of `date`.
    pub(super) fn x(&self, date: NaiveDate) -> f64 {
        // Ranges are at most a few thousand days: exact in f64.
        (date - self.first).num_days() as f64
    }

    /// The date at x value `x`, if it is a representable date.
    fn date_at(&self, x: f64) -> Option<NaiveDate> {
        let offset = x.round();
        if offset < 0.0 {
            return None;
        }
        // `offset` is a whole, non-negative number of days within the axis: no truncation.
        self.first.checked_add_days(Days::new(offset as u64))
    }

    /// The tick days of the range, in order.
    fn ticks(&self) -> Vec<f64> {
        (0..=self.span_days)
            .filter_map(|offset| {
                let date = self
                    .first
                    .checked_add_days(Days::new(offset.unsigned_abs()))?;
                self.step.is_tick(date).then_some(offset as f64)
            })
            .collect()
    }

    /// The label of the tick at x value `x`.
    fn label(&self, x: f64) -> String {
        let Some(date) = self.date_at(x) else {
            return String::new();
        };
        let first_tick = self.ticks().first().copied() == Some(x.round());
        match self.step {
            TickStep::Day | TickStep::Week | TickStep::HalfMonth => {
                date.format("%b %-d").to_string()
            }
            TickStep::Month if date.month() == 1 || first_tick => date.format("%b %Y").to_string(),
            TickStep::Month => date.format("%b").to_string(),
            TickStep::Quarter => date.format("%b %Y").to_string(),
            TickStep::Year => date.format("%Y").to_string(),
        }
    }
}

impl Ranged for DateAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let start = -0.5;
        let width = self.span_days as f64 + 1.0;
        let fraction = (value - start) / width;
        let pixels = f64::from(limit.1 - limit.0);
        // A pixel position: well within i32 for any sane chart.
        limit.0 + (fraction * pixels).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only bold grid lines: light ones between calendar ticks would only add clutter.
        if matches!(hint.weight(), KeyPointWeight::Any) {
            return Vec::new();
        }
        let ticks = self.ticks();
        let max = hint.max_num_points().max(1);
        // Thin evenly when the plot is too narrow for every calendar tick.
        let every = ticks.len().div_ceil(max).max(1);
        ticks.into_iter().step_by(every).collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..self.span_days as f64 + 0.5
    }
}

impl ValueFormatter<f64> for DateAxis {
    fn format(value: &f64) -> String {
        // Not used: plotters calls `format_ext`, which knows the first day.
        format!("{value}")
    }

    fn format_ext(&self, value: &f64) -> String {
        self.label(*value)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use plotters::coord::ranged1d::BoldPoints;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn labels(first: NaiveDate, last: NaiveDate) -> Vec<String> {
        let axis = DateAxis::new(first, last);
        axis.key_points(BoldPoints(100))
            .into_iter()
            .map(|x| axis.format_ext(&x))
            .collect()
    }

    #[test]
    fn chart_axis_labels_adapt_to_the_range() {
        let week = labels(day(2026, 3, 1), day(2026, 3, 7));
        assert_eq!(week.first().unwrap(), "Mar 1");
        assert_eq!(week.len(), 7);

        let month = labels(day(2026, 3, 1), day(2026, 3, 31));
        assert_eq!(month, ["Mar 2", "Mar 9", "Mar 16", "Mar 23", "Mar 30"]);

        let year = labels(day(2025, 6, 15), day(2026, 6, 14));
        assert_eq!(year.first().unwrap(), "Jul 2025");
        assert!(year.contains(&"Jan 2026".to_string()));
        assert!(year.contains(&"Mar".to_string()));

        let decade = labels(day(2020, 1, 1), day(2026, 1, 1));
        assert_eq!(decade.first().unwrap(), "2020");
    }
}
