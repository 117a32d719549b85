//! From daily series to what is drawn: points, runs of consecutive days (so lines break at
//! gaps), bars and y ranges.

use std::ops::Range;

use chrono::NaiveDate;
use plotters::prelude::*;

use super::axis::DateAxis;

/// A day's bar, 80 % of a day wide so neighbouring days stay apart.
pub(super) fn bar(x: f64, height: f64, color: RGBColor) -> Rectangle<(f64, f64)> {
    Rectangle::new([(x - 0.4, 0.0), (x + 0.4, height)], color.filled())
}

/// The value itself when it is a finite number: NaN or infinity is a missing day, not a point.
pub(super) fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// The (x, value) points of a daily series, skipping missing days.
pub(super) fn points<'d>(
    axis: &'d DateAxis,
    days: &'d [NaiveDate],
    values: &'d [Option<f64>],
) -> impl Iterator<Item = (f64, f64)> + 'd {
    days.iter()
        .zip(values)
        .filter_map(|(&day, &v)| Some((axis.x(day), finite(v)?)))
}

/// Splits a daily series into runs of consecutive days that all have a value: a missing value
/// or a skipped calendar day ends a run, so lines break at gaps instead of bridging them.
pub(super) fn runs<T: Copy>(
    axis: &DateAxis,
    days: &[NaiveDate],
    values: &[Option<T>],
) -> Vec<Vec<(f64, T)>> {
    let mut runs: Vec<Vec<(f64, T)>> = Vec::new();
    let mut current: Vec<(f64, T)> = Vec::new();
    for (&day, value) in days.iter().zip(values) {
        let x = axis.x(day);
        let follows = current.last().is_some_and(|&(prev, _)| x - prev <= 1.0);
        if !follows && !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
        match value {
            Some(v) => current.push((x, *v)),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// [`runs`] of a numeric series, non-finite values counting as missing.
pub(super) fn series_runs(
    axis: &DateAxis,
    days: &[NaiveDate],
    values: &[Option<f64>],
) -> Vec<Vec<(f64, f64)>> {
    let values: Vec<Option<f64>> = values.iter().map(|v| finite(*v)).collect();
    runs(axis, days, &values)
}

/// One line per run of two or more days.
pub(super) fn lines(
    runs: &[Vec<(f64, f64)>],
    style: ShapeStyle,
) -> impl Iterator<Item = PathElement<(f64, f64)>> + '_ {
    runs.iter()
        .filter(|run| run.len() > 1)
        .map(move |run| PathElement::new(run.clone(), style))
}

/// A dot for each run of a single day, which a line alone would not show.
pub(super) fn lone_points(
    runs: &[Vec<(f64, f64)>],
    radius: i32,
    color: RGBColor,
) -> impl Iterator<Item = Circle<(f64, f64), i32>> + '_ {
    runs.iter()
        .filter(|run| run.len() == 1)
        .flat_map(move |run| {
            run.iter()
                .map(move |&p| Circle::new(p, radius, color.filled()))
        })
}

/// The largest finite value, if any.
pub(super) fn max_of(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values.filter_map(finite).reduce(f64::max)
}

/// The y range covering every finite value of `series`, padded by a tenth of its span (at least
/// `min_pad`) so points do not sit on the frame; `fallback` when there is no value at all.
pub(super) fn value_range(
    series: &[&[Option<f64>]],
    fallback: Range<f64>,
    min_pad: f64,
) -> Range<f64> {
    let values = || {
        series
            .iter()
            .flat_map(|s| s.iter())
            .filter_map(|v| finite(*v))
    };
    match (values().reduce(f64::min), values().reduce(f64::max)) {
        (Some(low), Some(high)) => {
            let pad = ((high - low) * 0.1).max(min_pad);
            low - pad..high + pad
        }
        _ => fallback,
    }
}
