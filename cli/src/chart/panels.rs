//! The five panels of a trend chart, drawn on any plotters backend (SVG or bitmap) so both
//! formats show the same picture.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::DateAxis;
use super::layout::{
    Key, MARGIN_LEFT, Mark, PANEL_BREAKS, PanelSpec, TITLE_HEIGHT, Y_LABEL_AREA, panel,
};
use super::series::{
    bar, finite, lines, lone_points, max_of, points, runs, series_runs, value_range,
};
use super::{
    ChartError, DrawError, FONT_FAMILY, READINESS_GREEN_MIN, READINESS_YELLOW_MIN, TrendData,
    render_error,
};

/// The 7-day mean of lnHRV: the line the eye should follow, so the strongest colour.
pub(super) const HRV_MEAN_COLOR: RGBColor = RGBColor(0x1F, 0x5F, 0xA8);
/// The daily lnHRV dots: muted, because one night is noise next to the week.
const HRV_DAILY_COLOR: RGBColor = RGBColor(0x7A, 0x8C, 0xA3);
/// The normal-range band (drawn translucent).
const BAND_COLOR: RGBColor = RGBColor(0x7C, 0xC4, 0x8A);
const RESTING_HR_COLOR: RGBColor = RGBColor(0xC0, 0x39, 0x2B);
const SLEEP_COLOR: RGBColor = RGBColor(0x5B, 0x6F, 0xD6);
/// A night short of the member's need stands out in amber.
const SLEEP_SHORT_COLOR: RGBColor = RGBColor(0xE0, 0xA0, 0x30);
const NEED_COLOR: RGBColor = RGBColor(0x33, 0x33, 0x33);
const LOAD_COLOR: RGBColor = RGBColor(0x8E, 0x5B, 0xC4);
const READINESS_LINE_COLOR: RGBColor = RGBColor(0x37, 0x47, 0x4F);
const GREEN: RGBColor = RGBColor(0x2E, 0xB8, 0x5C);
const YELLOW: RGBColor = RGBColor(0xF1, 0xC4, 0x0F);
const RED: RGBColor = RGBColor(0xE7, 0x4C, 0x3C);

/// Opacity of the normal-range band and of the readiness zones: there to read against, not at.
const BAND_ALPHA: f64 = 0.35;
const ZONE_ALPHA: f64 = 0.16;

/// Draws the title and the five panels of `data` on `root`.
pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &TrendData,
) -> Result<(), ChartError> {
    draw_all(root, data).map_err(render_error)
}

/// [`draw`] in plotters' error type, so each step can use `?`.
fn draw_all<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &TrendData,
) -> Result<(), DrawError<DB>> {
    root.fill(&WHITE)?;
    // `validate` guarantees at least one day; the fallback only keeps this function total.
    let (Some(&first), Some(&last)) = (data.days.first(), data.days.last()) else {
        return Ok(());
    };
    let axis = DateAxis::new(first, last);
    let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
    let title = format!(
        "Trends {} \u{2013} {}",
        first.format("%b %-d, %Y"),
        last.format("%b %-d, %Y")
    );
    title_area.draw(&Text::new(
        title,
        ((MARGIN_LEFT + Y_LABEL_AREA) as i32, 16),
        (FONT_FAMILY, 26).into_font().color(&BLACK),
    ))?;
    let panels = body.split_by_breakpoints::<u32, u32, _, _>([], PANEL_BREAKS);
    // Four breakpoints always make five areas; the `else` only keeps this free of a panic.
    let [hrv, resting, sleep, load, readiness] = panels.as_slice() else {
        return Ok(());
    };
    hrv_panel(hrv, &axis, data)?;
    resting_hr_panel(resting, &axis, data)?;
    sleep_panel(sleep, &axis, data)?;
    load_panel(load, &axis, data)?;
    readiness_panel(readiness, &axis, data)?;
    Ok(())
}

/// HRV as HRV4Training draws it: the normal range as a band, each night a dot, the 7-day mean
/// a line. The mean against the band is the signal; the dots show how noisy a single night is.
fn hrv_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axis: &DateAxis,
    data: &TrendData,
) -> Result<(), DrawError<DB>> {
    let y = value_range(
        &[
            &data.ln_hrv,
            &data.ln_hrv_week_mean,
            &data.normal_low,
            &data.normal_high,
        ],
        3.0..5.0,
        0.1,
    );
    let title = format!("Heart-rate variability ({})", data.hrv_metric_label);
    let daily = format!("{} (daily)", data.hrv_metric_label);
    let keys = [
        Key {
            mark: Mark::Swatch(BAND_COLOR.mix(BAND_ALPHA)),
            label: "normal range",
        },
        Key {
            mark: Mark::Dot(HRV_DAILY_COLOR),
            label: &daily,
        },
        Key {
            mark: Mark::Line(HRV_MEAN_COLOR),
            label: "7-day mean",
        },
    ];
    let mut chart = panel(
        area,
        axis,
        PanelSpec {
            title: &title,
            keys: &keys,
            y,
            y_desc: "ln(ms)",
            y_labels: 5,
            y_format: &|v| format!("{v:.1}"),
            dates: false,
        },
    )?;

    let band: Vec<Option<(f64, f64)>> = data
        .normal_low
        .iter()
        .zip(&data.normal_high)
        .map(|(low, high)| Some((finite(*low)?, finite(*high)?)))
        .collect();
    let band_runs = runs(axis, &data.days, &band);
    chart.draw_series(band_runs.iter().map(|run| {
        let outline: Vec<(f64, f64)> = if let [(x, (low, high))] = run.as_slice() {
            // A lone day still gets a visible sliver of band.
            vec![
                (x - 0.3, *high),
                (x + 0.3, *high),
                (x + 0.3, *low),
                (x - 0.3, *low),
            ]
        } else {
            let upper = run.iter().map(|&(x, (_, high))| (x, high));
            let lower = run.iter().rev().map(|&(x, (low, _))| (x, low));
            upper.chain(lower).collect()
        };
        Polygon::new(outline, BAND_COLOR.mix(BAND_ALPHA).filled())
    }))?;

    let radius = if axis.is_dense() { 2 } else { 3 };
    chart.draw_series(
        points(axis, &data.days, &data.ln_hrv)
            .map(|p| Circle::new(p, radius, HRV_DAILY_COLOR.filled())),
    )?;

    let mean = series_runs(axis, &data.days, &data.ln_hrv_week_mean);
    chart.draw_series(lines(&mean, HRV_MEAN_COLOR.stroke_width(3)))?;
    chart.draw_series(lone_points(&mean, 3, HRV_MEAN_COLOR))?;
    Ok(())
}

/// Resting heart rate as a line (dots too while days are far enough apart to show them).
fn resting_hr_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axis: &DateAxis,
    data: &TrendData,
) -> Result<(), DrawError<DB>> {
    let y = value_range(&[&data.resting_hr], 45.0..75.0, 2.0);
    let mut chart = panel(
        area,
        axis,
        PanelSpec {
            title: "Resting heart rate",
            keys: &[],
            y,
            y_desc: "bpm",
            y_labels: 5,
            y_format: &|v| format!("{v:.0}"),
            dates: false,
        },
    )?;
    let runs = series_runs(axis, &data.days, &data.resting_hr);
    chart.draw_series(lines(&runs, RESTING_HR_COLOR.stroke_width(2)))?;
    // Over months the line alone reads better than a string of beads.
    if !axis.is_dense() {
        chart.draw_series(
            points(axis, &data.days, &data.resting_hr)
                .map(|p| Circle::new(p, 2, RESTING_HR_COLOR.filled())),
        )?;
    }
    chart.draw_series(lone_points(&runs, 2, RESTING_HR_COLOR))?;
    Ok(())
}

/// Hours slept as bars, nights short of the need in amber, the need as a dashed line.
fn sleep_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axis: &DateAxis,
    data: &TrendData,
) -> Result<(), DrawError<DB>> {
    let need = finite(data.sleep_need_h).filter(|h| *h > 0.0);
    let top = max_of(data.sleep_h.iter().copied().chain([need]))
        .unwrap_or(9.0)
        .max(1.0);
    let mut keys = vec![Key {
        mark: Mark::Swatch(SLEEP_COLOR.to_rgba()),
        label: "asleep",
    }];
    if need.is_some() {
        keys.push(Key {
            mark: Mark::Swatch(SLEEP_SHORT_COLOR.to_rgba()),
            label: "short of need",
        });
        keys.push(Key {
            mark: Mark::Dashed(NEED_COLOR),
            label: "need",
        });
    }
    let mut chart = panel(
        area,
        axis,
        PanelSpec {
            title: "Sleep",
            keys: &keys,
            y: 0.0..top * 1.12,
            y_desc: "hours",
            y_labels: 6,
            y_format: &|v| format!("{v:.0}"),
            dates: false,
        },
    )?;
    let nights: Vec<(f64, f64)> = points(axis, &data.days, &data.sleep_h)
        .filter(|&(_, h)| h > 0.0)
        .collect();
    let short = |h: f64| need.is_some_and(|n| h < n);
    chart.draw_series(nights.iter().map(|&(x, h)| {
        bar(
            x,
            h,
            if short(h) {
                SLEEP_SHORT_COLOR
            } else {
                SLEEP_COLOR
            },
        )
    }))?;
    if let Some(need) = need {
        let span = axis.range();
        chart.draw_series(DashedLineSeries::new(
            [(span.start, need), (span.end, need)],
            8,
            6,
            NEED_COLOR.stroke_width(2),
        ))?;
    }
    Ok(())
}

/// The daily training load as bars; rest days (0) leave a gap.
fn load_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axis: &DateAxis,
    data: &TrendData,
) -> Result<(), DrawError<DB>> {
    let loads: Vec<Option<f64>> = data.load.iter().map(|&l| Some(l)).collect();
    let top = max_of(loads.iter().copied())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0);
    let mut chart = panel(
        area,
        axis,
        PanelSpec {
            title: "Training load",
            keys: &[],
            y: 0.0..top * 1.15,
            y_desc: "AU",
            y_labels: 5,
            y_format: &|v| format!("{v:.0}"),
            dates: false,
        },
    )?;
    chart.draw_series(
        points(axis, &data.days, &loads)
            .filter(|&(_, l)| l > 0.0)
            .map(|(x, l)| bar(x, l, LOAD_COLOR)),
    )?;
    Ok(())
}

/// Readiness over the WHOOP zones, each day a dot in its zone's colour.
fn readiness_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axis: &DateAxis,
    data: &TrendData,
) -> Result<(), DrawError<DB>> {
    // The key is written from the thresholds so it cannot disagree with the zones drawn.
    let green = format!("{READINESS_GREEN_MIN:.0}-100");
    let yellow = format!("{READINESS_YELLOW_MIN:.0}-{:.0}", READINESS_GREEN_MIN - 1.0);
    let red = format!("0-{:.0}", READINESS_YELLOW_MIN - 1.0);
    let keys = [(GREEN, &green), (YELLOW, &yellow), (RED, &red)].map(|(color, label)| Key {
        mark: Mark::Swatch(color.mix(ZONE_ALPHA * 2.0)),
        label,
    });
    let mut chart = panel(
        area,
        axis,
        PanelSpec {
            title: "Readiness",
            keys: &keys,
            y: 0.0..100.0,
            y_desc: "score",
            y_labels: 6,
            y_format: &|v| format!("{v:.0}"),
            dates: true,
        },
    )?;
    let span = axis.range();
    let zones = [
        (0.0, READINESS_YELLOW_MIN, RED),
        (READINESS_YELLOW_MIN, READINESS_GREEN_MIN, YELLOW),
        (READINESS_GREEN_MIN, 100.0, GREEN),
    ];
    chart.draw_series(zones.iter().map(|&(low, high, color)| {
        Rectangle::new(
            [(span.start, low), (span.end, high)],
            color.mix(ZONE_ALPHA).filled(),
        )
    }))?;
    // A score outside 0-100 would be drawn off the panel: pin it to the edge it passed.
    let scores: Vec<Option<f64>> = data
        .readiness
        .iter()
        .map(|s| finite(*s).map(|s| s.clamp(0.0, 100.0)))
        .collect();
    let runs = series_runs(axis, &data.days, &scores);
    chart.draw_series(lines(&runs, READINESS_LINE_COLOR.stroke_width(2)))?;
    let radius = if axis.is_dense() { 2 } else { 4 };
    chart.draw_series(
        points(axis, &data.days, &scores)
            .map(|(x, s)| Circle::new((x, s), radius, zone_color(s).filled())),
    )?;
    Ok(())
}

/// The WHOOP colour of a readiness score.
fn zone_color(score: f64) -> RGBColor {
    if score >= READINESS_GREEN_MIN {
        GREEN
    } else if score >= READINESS_YELLOW_MIN {
        YELLOW
    } else {
        RED
    }
}
