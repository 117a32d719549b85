//! `alyze demo`: the member story, on embedded defaults and data that ships with the program.
//!
//! 1. The member's HRV, on the bundled public recordings (pyHRV sample NN series, BSD-3, see
//!    `data/hrv/README.md`): a morning reading, a long recording read the way a watch reads a
//!    night, and the full clinical analysis behind them.
//! 2. Their watch's history: a generated, realistic Apple Health export (three months, with the
//!    quirks of real exports) imported into a fresh store, and the daily summaries the readiness
//!    engine reads. The store lives in a temporary directory that is removed afterwards: the demo
//!    never touches the member's own data directory.
//! 3. Their morning: the readiness of the export's last day with data (the call, the score, the
//!    reasons, the flags) with the default profile ([`crate::profile`]), and the trend chart of the
//!    last [`CHART_DAYS`] days. The chart is drawn in the temporary directory and then moved next
//!    to it, to [`CHART_FILE`] in the system's temporary directory (replaced by each run), so the
//!    path printed still opens after the demo has cleaned up. The default export's 90 days give
//!    the 60-day normal range and the 14 nights of HRV a baseline needs, so the member is scored.
//! 4. Their recovery protocol ([`protocol`]): the clinic's prescription, the next day's plan and
//!    reminders, a strength session that moves the cold plunge, and a sauna logged and counted.
//! 5. Their clinic ([`clinic`]): the clinic server embedded on loopback, the phone enrolled with
//!    its one-time code and synced, a clinician's change to the prescription reaching the phone,
//!    the clinic's stricter push band changing the member's call, and what the clinic sees.

use std::io::Write;
use std::path::PathBuf;

use alyze_core::apple_export::{Flow, SyntheticExport, import_export};
use alyze_core::hrv::{self, HrvSettings, NightSettings, RrUnit, parse_rr_text};
use alyze_core::store::Store;
use alyze_core::summary::{SummarySettings, daily_summaries, latest_day_with_data};
use anyhow::{Context, Result, anyhow};
use chrono::{Days, NaiveDate};

mod clinic;
mod protocol;

use crate::hrv::{quality_word, table};
use crate::profile::Resolved;

/// The 5-minute public recording: a morning reading.
const SHORT: &str = include_str!("../../data/hrv/pyhrv_sample_nni_short.txt");
/// The 1-hour public recording: stands in for a night.
const LONG: &str = include_str!("../../data/hrv/pyhrv_sample_nni_long.txt");

/// Days in the demo's trend chart.
pub const CHART_DAYS: u64 = 90;

/// The demo's chart, in the system's temporary directory.
pub const CHART_FILE: &str = "alyze-demo-trends.svg";

/// Runs the demo.
pub fn run() -> Result<()> {
    let mut out = std::io::stdout().lock();
    hrv_story(&mut out)?;
    watch_story(&mut out)?;
    out.flush()?;
    Ok(())
}

/// Part 1: the member's HRV from the public recordings.
fn hrv_story(out: &mut impl Write) -> Result<()> {
    let short = parse_rr_text(SHORT, RrUnit::Milliseconds)?;
    let long = parse_rr_text(LONG, RrUnit::Milliseconds)?;
    let settings = HrvSettings::default();

    writeln!(
        out,
        "alyze demo: a member's HRV, from two public recordings (pyHRV sample data, BSD-3)\n"
    )?;

    let morning = hrv::analyse(&short.rr_ms, &[], &settings).map_err(|e| anyhow!("{e}"))?;
    let t = &morning.time;
    writeln!(
        out,
        "This morning's reading ({:.0}-minute recording)",
        morning.duration_s / 60.0
    )?;
    writeln!(
        out,
        "  RMSSD {:.1} ms (ln {:.2}), heart rate {:.0} bpm; quality {} ({} of {} beats corrected)",
        t.rmssd_ms,
        t.ln_rmssd,
        t.mean_hr_bpm,
        quality_word(morning.quality),
        morning.artefacts.corrected,
        morning.n_beats,
    )?;
    writeln!(
        out,
        "  RMSSD follows the parasympathetic (rest-and-digest) branch: higher than your own usual\n  \
         means you have recovered; readiness compares it with your baseline once you have one.\n"
    )?;

    let night = hrv::analyse_night(&long.rr_ms, &[], &NightSettings::default())
        .map_err(|e| anyhow!("{e}"))?;
    writeln!(
        out,
        "An hour of recording, read in 5-minute windows the way your watch reads a night"
    )?;
    writeln!(
        out,
        "  {:>6} {:>6} {:>9} {:>8} {:>7}  counted",
        "start", "beats", "RMSSD", "ln", "HR"
    )?;
    for w in &night.windows {
        let show =
            |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
        writeln!(
            out,
            "  {:>4.0}min {:>6} {:>6} ms {:>8} {:>3} bpm  {}",
            w.start_s / 60.0,
            w.n_beats,
            show(w.rmssd_ms, 1),
            show(w.ln_rmssd, 2),
            show(w.mean_hr_bpm, 0),
            if w.clean {
                "yes"
            } else {
                "no (too short or too many artefacts)"
            },
        )?;
    }
    match (night.mean_ln_rmssd, night.mean_rmssd_ms) {
        (Some(ln), Some(rmssd)) => writeln!(
            out,
            "  Night HRV: ln RMSSD {ln:.2} (RMSSD {rmssd:.1} ms) from {} clean windows\n",
            night.clean_windows
        )?,
        _ => writeln!(out, "  Night HRV: no clean window, so no value tonight\n")?,
    }

    let full = hrv::analyse(&long.rr_ms, &[], &settings).map_err(|e| anyhow!("{e}"))?;
    writeln!(
        out,
        "What your clinician sees: the full analysis of the hour\n"
    )?;
    write!(out, "{}", table("the 1-hour recording", &full))?;
    Ok(())
}

/// A directory of its own for the demo's files, removed when dropped.
struct DemoDir(PathBuf);

impl Drop for DemoDir {
    fn drop(&mut self) {
        // Best effort: a leftover temporary directory is harmless.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Part 2: three months of watch data imported and summarised per day.
fn watch_story(out: &mut impl Write) -> Result<()> {
    let dir = DemoDir(std::env::temp_dir().join(format!("alyze-demo-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).context("creating the demo's temporary directory")?;
    let export_path = dir.0.join("export.zip");
    let export = SyntheticExport::default();
    export
        .write_zip(&export_path)
        .context("writing the generated Apple Health export")?;

    writeln!(
        out,
        "\nThree months from the member's Apple Watch, iPhone and ring (a generated export)\n"
    )?;
    let database = dir.0.join("alyze.db");
    let mut store = Store::open(&database).context("opening the demo store")?;
    let report = import_export(&mut store, &export_path, |_| Flow::Continue)
        .context("importing the generated export")?;
    write!(out, "{}", crate::import::to_text(&report, &database))?;

    let not_after = export
        .start_date
        .checked_add_days(Days::new(u64::from(export.days)))
        .ok_or_else(|| anyhow!("the generated export's dates are out of range"))?;
    let last = latest_day_with_data(&store, not_after, export.days)
        .context("looking for the latest day")?
        .ok_or_else(|| anyhow!("the generated export left no day to summarise"))?;
    let first = last
        .checked_sub_days(Days::new(6))
        .ok_or_else(|| anyhow!("the generated export's dates are out of range"))?;
    let days = daily_summaries(&store, first, last, &SummarySettings::default())
        .context("summarising the days")?;
    writeln!(
        out,
        "\nThe last week, day by day: what the readiness engine will read each morning\n"
    )?;
    write!(out, "{}", crate::summary::table(&days))?;
    let resolved = morning_story(out, &store, last, &dir)?;
    let next = last
        .checked_add_days(Days::new(1))
        .ok_or_else(|| anyhow!("the generated export's dates are out of range"))?;
    protocol::protocol_story(out, &mut store, next, &resolved.profile)?;
    clinic::clinic_story(out, store, last, &resolved, &dir).map(drop)
}

/// Part 3: the call of the last day, its reasons, and the chart of the last months. Returns the
/// profile the member was assessed with.
fn morning_story(
    out: &mut impl Write,
    store: &Store,
    last: NaiveDate,
    dir: &DemoDir,
) -> Result<Resolved> {
    // The generated member has no profile: the default one, said once here rather than with the
    // "set it with --sex" note meant for a member at the command line.
    let resolved = Resolved {
        sex_is_default: false,
        ..Resolved::default_profile()
    };
    let day = crate::readiness::day_readiness(store, last, &resolved)?;
    writeln!(
        out,
        "\nThe member's morning: the readiness of their latest day (default profile: {} \
         constants)\n",
        crate::profile::sex_word(resolved.profile.sex)
    )?;
    write!(out, "{}", crate::readiness::to_text(&day, &resolved))?;

    let first = last
        .checked_sub_days(Days::new(CHART_DAYS - 1))
        .ok_or_else(|| anyhow!("the generated export's dates are out of range"))?;
    let drawn = dir.0.join(CHART_FILE);
    crate::trends::write_trends(store, first, last, &resolved, &drawn)?;
    let kept = std::env::temp_dir().join(CHART_FILE);
    // A rename within one file system replaces the previous run's chart in one step.
    std::fs::rename(&drawn, &kept)
        .with_context(|| format!("moving the chart to {}", kept.display()))?;
    writeln!(
        out,
        "\nTrends of {first} to {last} (HRV with its normal band, resting HR, sleep, load, \
         readiness):\n  {}",
        kept.display()
    )?;
    Ok(resolved)
}
