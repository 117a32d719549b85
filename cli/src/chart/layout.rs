//! The layout every panel shares: the title strip, the panel heights, the header with its title
//! and key, and the grid and y labels, so the five plots line up on one date axis.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawError;
use super::FONT_FAMILY;
use super::axis::DateAxis;

const GRID_COLOR: RGBColor = RGBColor(0xE3, 0xE6, 0xEA);

/// Height of the chart's title strip in pixels.
pub(super) const TITLE_HEIGHT: u32 = 56;
/// Breakpoints (pixels from the top of the panel area) between the panels: HRV gets the most
/// room, readiness the bottom and the date labels.
pub(super) const PANEL_BREAKS: [u32; 4] = [360, 580, 820, 1040];
/// Width of the y-label area, the same on every panel so the plots line up on the date axis.
pub(super) const Y_LABEL_AREA: u32 = 76;
/// Space left of the y labels and right of the plot.
pub(super) const MARGIN_LEFT: u32 = 8;
const MARGIN_RIGHT: u32 = 24;
/// Height of a panel's header (its title and key).
const HEADER_HEIGHT: u32 = 34;

/// A panel's chart: dates across, a number up.
pub(super) type Panel<'a, DB> = ChartContext<'a, DB, Cartesian2d<DateAxis, RangedCoordf64>>;

/// Builds one panel with its header, grid and y labels; only the bottom panel shows the dates,
/// the others share them through the aligned vertical grid lines.
pub(super) fn panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    axis: &DateAxis,
    spec: PanelSpec<'_>,
) -> Result<Panel<'a, DB>, DrawError<DB>> {
    header(area, spec.title, spec.keys)?;
    let mut chart = ChartBuilder::on(area)
        .margin_left(MARGIN_LEFT)
        .margin_right(MARGIN_RIGHT)
        .margin_top(HEADER_HEIGHT)
        .margin_bottom(6)
        .y_label_area_size(Y_LABEL_AREA)
        .x_label_area_size(if spec.dates { 40 } else { 0 })
        .build_cartesian_2d(axis.clone(), spec.y)?;
    chart
        .configure_mesh()
        .x_labels(16)
        .y_labels(spec.y_labels)
        .y_desc(spec.y_desc)
        .y_label_formatter(spec.y_format)
        .label_style((FONT_FAMILY, 14))
        .axis_desc_style((FONT_FAMILY, 14))
        .bold_line_style(GRID_COLOR)
        .light_line_style(TRANSPARENT)
        .draw()?;
    Ok(chart)
}

/// The panel's header: its title on the left, over the plot, and the key to its marks on the
/// right. Drawn outside the plot so a key never hides data, whatever the data.
fn header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    keys: &[Key<'_>],
) -> Result<(), DrawError<DB>> {
    let left = (MARGIN_LEFT + Y_LABEL_AREA) as i32;
    area.draw(&Text::new(
        title.to_string(),
        (left, 6),
        (FONT_FAMILY, 20).into_font().color(&BLACK),
    ))?;
    // Right-anchored, so an SVG viewer's own sans-serif (a little wider or narrower than the
    // bundled font the layout was measured with) still ends each label at its place.
    let font = (FONT_FAMILY, 14)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    let middle = 17;
    // Laid out from the right edge leftwards, so the key ends where the plot ends.
    let mut x = area.dim_in_pixel().0 as i32 - MARGIN_RIGHT as i32;
    for key in keys.iter().rev() {
        let (width, _) = area.estimate_text_size(key.label, &font)?;
        area.draw(&Text::new(key.label.to_string(), (x, middle), font.clone()))?;
        x -= width as i32 + 26;
        let (x0, x1) = (x, x + 20);
        match key.mark {
            Mark::Swatch(color) => area.draw(&Rectangle::new(
                [(x0, middle - 6), (x1, middle + 6)],
                color.filled(),
            ))?,
            Mark::Dot(color) => area.draw(&Circle::new((x0 + 10, middle), 4, color.filled()))?,
            Mark::Line(color) => area.draw(&PathElement::new(
                vec![(x0, middle), (x1, middle)],
                color.stroke_width(3),
            ))?,
            Mark::Dashed(color) => {
                for (a, b) in [(x0, x0 + 8), (x0 + 12, x1)] {
                    area.draw(&PathElement::new(
                        vec![(a, middle), (b, middle)],
                        color.stroke_width(2),
                    ))?;
                }
            }
        }
        x -= 18;
    }
    Ok(())
}

/// An entry of a panel's key: a mark and what it stands for.
pub(super) struct Key<'l> {
    pub(super) mark: Mark,
    pub(super) label: &'l str,
}

/// How a key shows a series: as it is drawn in the plot.
pub(super) enum Mark {
    /// A filled box (bars, bands and zones).
    Swatch(RGBAColor),
    /// A dot (daily points).
    Dot(RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
}

/// What differs between panels.
pub(super) struct PanelSpec<'f> {
    pub(super) title: &'f str,
    pub(super) keys: &'f [Key<'f>],
    pub(super) y: Range<f64>,
    pub(super) y_desc: &'f str,
    pub(super) y_labels: usize,
    pub(super) y_format: &'f dyn Fn(&f64) -> String,
    pub(super) dates: bool,
}
