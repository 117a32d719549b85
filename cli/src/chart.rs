//! Trend charts: a member's readiness and its inputs over a range of days, drawn as one picture
//! (SVG or PNG) that a person would rather look at than read.
//!
//! Five stacked panels share one date axis:
//! 1. HRV as HRV4Training draws it: the daily lnHRV as dots, its 7-day rolling mean as a line and
//!    the normal range as a shaded band, so "is my week inside my normal?" is answered at a glance;
//! 2. resting heart rate;
//! 3. sleep hours as bars, short nights in amber, with the member's sleep need as a dashed line;
//! 4. daily training load (arbitrary units) as bars;
//! 5. readiness 0-100 over WHOOP's green / yellow / red recovery bands.
//!
//! The module takes plain numbers ([`TrendData`]), not the readiness engine's types, so it can be
//! drawn from any source (the engine, a test, a script) and does not move when the engine does.
//! A missing day (`None`, or a non-finite number) breaks a line instead of interpolating across
//! it: a chart must not show a night the member never recorded.
//!
//! Text is laid out with DejaVu Sans, bundled under `cli/assets/fonts/` and registered with
//! plotters' `ab_glyph` support instead of the system's fonts (fontconfig/freetype), so the same
//! data gives the same bytes on every machine and CI needs no system packages.

mod axis;
mod layout;
mod panels;
mod series;
#[cfg(test)]
mod tests;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use plotters::prelude::{BitMapBackend, DrawingBackend, IntoDrawingArea, SVGBackend};
use plotters::style::{FontStyle, register_font};

/// Width of a chart in pixels: wide enough for a year of daily bars.
pub const WIDTH: u32 = 1200;
/// Height of a chart in pixels: five panels, each tall enough to read without zooming.
pub const HEIGHT: u32 = 1400;

/// Lowest readiness drawn in the green band. WHOOP's recovery colours: green 67-100 %, yellow
/// 34-66 %, red 0-33 % (WHOOP support, "WHOOP Recovery"); the bands are drawn at these cut-offs so
/// a score reads the same colour here as a WHOOP member is used to.
pub const READINESS_GREEN_MIN: f64 = 67.0;
/// Lowest readiness drawn in the yellow band (WHOOP: yellow is 34-66 %); below it is red.
pub const READINESS_YELLOW_MIN: f64 = 34.0;

/// The font family every text on a chart asks for; DejaVu Sans is registered under this name.
const FONT_FAMILY: &str = "sans-serif";
/// DejaVu Sans (Bitstream Vera licence; see `cli/assets/fonts/LICENSE-DejaVu.txt`).
const FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// A member's trends over a range of days, as plain numbers: one entry per day in every daily
/// series, in the order of `days`. `None` (or a non-finite number) is a day without a value and
/// breaks the line drawn through that series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrendData {
    /// The days, strictly increasing; days may be skipped (a skipped day breaks lines like a gap).
    pub days: Vec<NaiveDate>,
    /// The night's ln(HRV) in ln(ms), one per day.
    pub ln_hrv: Vec<Option<f64>>,
    /// The 7-day rolling mean of `ln_hrv`, one per day.
    pub ln_hrv_week_mean: Vec<Option<f64>>,
    /// Lower edge of the member's normal range of lnHRV, one per day.
    pub normal_low: Vec<Option<f64>>,
    /// Upper edge of the member's normal range of lnHRV, one per day.
    pub normal_high: Vec<Option<f64>>,
    /// What the HRV numbers are, as shown to the member: "lnRMSSD" or "lnSDNN".
    pub hrv_metric_label: String,
    /// Resting heart rate in beats per minute, one per day.
    pub resting_hr: Vec<Option<f64>>,
    /// Hours slept, one per day.
    pub sleep_h: Vec<Option<f64>>,
    /// The member's sleep need in hours, drawn as a line across the sleep panel when known.
    pub sleep_need_h: Option<f64>,
    /// Training load of each day in arbitrary units (0 on a rest day).
    pub load: Vec<f64>,
    /// Readiness score 0-100, one per day.
    pub readiness: Vec<Option<f64>>,
}

/// Why a chart could not be written. Messages name the problem, never a member's values.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The output file's extension names no format this module writes.
    #[error("cannot write a chart as \"{extension}\": use a .svg or .png file name")]
    UnsupportedExtension {
        /// The extension as given (empty when the file name has none).
        extension: String,
    },
    /// There are no days to draw.
    #[error("the date range is empty: there is nothing to chart")]
    EmptyRange,
    /// A daily series has a different number of entries than `days`.
    #[error("series `{series}` has {found} entries but there are {expected} days")]
    LengthMismatch {
        /// The field name of the series in [`TrendData`].
        series: &'static str,
        /// The number of days.
        expected: usize,
        /// The number of entries in the series.
        found: usize,
    },
    /// `days` is not strictly increasing (a day repeats or goes back).
    #[error("the days are not in increasing order")]
    DaysOutOfOrder,
    /// The chart could not be written to its file.
    #[error("cannot write the chart to {}: {source}", path.display())]
    Write {
        /// The file that could not be written.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The bundled font could not be loaded (a broken build, not a user error).
    #[error("the bundled chart font could not be loaded")]
    Font,
    /// The drawing library failed.
    #[error("drawing the chart failed: {0}")]
    Render(String),
}

/// The two formats a chart can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Svg,
    Png,
}

/// Draws `data` as stacked trend panels and writes them to `path`: SVG for a `.svg` file name,
/// PNG for `.png` (case-insensitive), [`WIDTH`] x [`HEIGHT`] pixels. The data are checked before
/// anything is written: no days, days out of order or a series of the wrong length are errors.
pub fn write_chart(data: &TrendData, path: &Path) -> Result<(), ChartError> {
    let format = format_of(path)?;
    validate(data)?;
    register_bundled_font()?;
    match format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
                panels::draw(&root, data)?;
                root.present().map_err(render_error)?;
            }
            fs::write(path, svg).map_err(|source| ChartError::Write {
                path: path.to_path_buf(),
                source,
            })
        }
        Format::Png => {
            // The bitmap backend reports a failed save only as a drawing error; creating the file
            // first turns an unwritable path into the same clear error the SVG path gives.
            fs::File::create(path).map_err(|source| ChartError::Write {
                path: path.to_path_buf(),
                source,
            })?;
            let drawn = {
                let root = BitMapBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
                panels::draw(&root, data).and_then(|()| root.present().map_err(render_error))
            };
            if drawn.is_err() {
                // Leave no empty or partial picture behind; the drawing error is the one to
                // report, so a failure to remove the file is not.
                let _ = fs::remove_file(path);
            }
            drawn
        }
    }
}

/// Checks that `path` names a format [`write_chart`] writes (`.svg` or `.png`), so that a caller
/// can refuse a bad file name before it computes what to draw.
pub fn check_extension(path: &Path) -> Result<(), ChartError> {
    format_of(path).map(|_| ())
}

/// The format named by the file's extension.
fn format_of(path: &Path) -> Result<Format, ChartError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    match extension.to_ascii_lowercase().as_str() {
        "svg" => Ok(Format::Svg),
        "png" => Ok(Format::Png),
        _ => Err(ChartError::UnsupportedExtension { extension }),
    }
}

/// Checks the shape of the data: at least one day, days increasing, every series one per day.
fn validate(data: &TrendData) -> Result<(), ChartError> {
    let expected = data.days.len();
    if expected == 0 {
        return Err(ChartError::EmptyRange);
    }
    if data.days.windows(2).any(|w| w[0] >= w[1]) {
        return Err(ChartError::DaysOutOfOrder);
    }
    let lengths = [
        ("ln_hrv", data.ln_hrv.len()),
        ("ln_hrv_week_mean", data.ln_hrv_week_mean.len()),
        ("normal_low", data.normal_low.len()),
        ("normal_high", data.normal_high.len()),
        ("resting_hr", data.resting_hr.len()),
        ("sleep_h", data.sleep_h.len()),
        ("load", data.load.len()),
        ("readiness", data.readiness.len()),
    ];
    match lengths.into_iter().find(|&(_, found)| found != expected) {
        Some((series, found)) => Err(ChartError::LengthMismatch {
            series,
            expected,
            found,
        }),
        None => Ok(()),
    }
}

/// Registers the bundled font with plotters once per process; plotters keeps it in a global
/// table, so later calls only report whether the first one worked.
fn register_bundled_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok());
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// Turns a plotters error into ours; plotters' messages carry no data values.
fn render_error<E: std::error::Error + Send + Sync>(
    err: plotters::drawing::DrawingAreaErrorKind<E>,
) -> ChartError {
    ChartError::Render(err.to_string())
}

/// The drawing backend's error type, named once for the panel code.
type DrawError<DB> = plotters::drawing::DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;
