//! `alyze trends`: a chart of readiness and its inputs over a range of days (lnHRV with its 7-day
//! mean and normal band, resting HR, sleep against the need, training load, readiness), written
//! to an SVG or PNG file chosen by the file name's extension.
//!
//! The series come from `alyze_core::readiness::readiness_history` over the range (with the
//! history its baselines need before it) and are drawn by [`crate::chart`].

use std::io::Write;
use std::path::{Path, PathBuf};

use alyze_core::protocol::member;
use alyze_core::readiness::{HrvMetric, ReadinessHistory, readiness_history};
use alyze_core::store::Store;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Args;

use crate::chart::{self, TrendData};
use crate::profile::{self, ProfileArgs, Resolved};
use crate::readiness::{latest_data, open_store};

/// Arguments of `alyze trends`.
#[derive(Debug, Args)]
pub struct TrendsArgs {
    /// First day (YYYY-MM-DD, member-local).
    #[arg(long, value_name = "DATE")]
    from: NaiveDate,
    /// Last day, included (YYYY-MM-DD, member-local).
    #[arg(long, value_name = "DATE")]
    to: NaiveDate,
    /// The chart file: .svg or .png.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    profile: ProfileArgs,
}

/// Runs `alyze trends` on the store in `data_dir`.
pub fn run(args: &TrendsArgs, data_dir: &Path) -> Result<()> {
    if args.to < args.from {
        bail!("--to {} is before --from {}", args.to, args.from);
    }
    // Refuse a bad file name before the history is read, not after.
    chart::check_extension(&args.out)?;
    let store = open_store(data_dir)?;
    if latest_data(&store, args.to.max(chrono::Local::now().date_naive()))?.is_none() {
        bail!("no data yet: run alyze import first (the store is empty)");
    }
    let resolved = profile::resolve(&args.profile, data_dir)?;
    write_trends(&store, args.from, args.to, &resolved, &args.out)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Wrote the trends of {} to {} to {}",
        args.from,
        args.to,
        args.out.display()
    )?;
    if let Some(note) = resolved.default_note() {
        writeln!(out, "{note}")?;
    }
    out.flush()?;
    Ok(())
}

/// Reads the readiness history of `from..=to` and writes its chart to `out`.
pub fn write_trends(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    resolved: &Resolved,
    out: &Path,
) -> Result<()> {
    let history = readiness_history(
        store,
        from,
        to,
        &resolved.profile,
        &member::readiness_settings(store).context("reading the clinic's readiness settings")?,
    )
    .with_context(|| format!("reading the readiness history of {from} to {to}"))?;
    chart::write_chart(&trend_data(&history), out)?;
    Ok(())
}

/// The history as the chart's plain numbers.
pub fn trend_data(history: &ReadinessHistory) -> TrendData {
    let t = &history.trends;
    // One metric per member over the whole assessment, so the first day names it.
    let metric = history
        .days
        .first()
        .map_or(HrvMetric::Rmssd, |d| d.hrv_metric);
    TrendData {
        days: t.iter().map(|d| d.date).collect(),
        ln_hrv: t.iter().map(|d| d.ln_hrv).collect(),
        ln_hrv_week_mean: t.iter().map(|d| d.ln_hrv_week_mean).collect(),
        normal_low: t.iter().map(|d| d.normal_low).collect(),
        normal_high: t.iter().map(|d| d.normal_high).collect(),
        hrv_metric_label: match metric {
            HrvMetric::Rmssd => "lnRMSSD",
            HrvMetric::Sdnn => "lnSDNN",
        }
        .to_owned(),
        resting_hr: t.iter().map(|d| d.resting_hr_bpm).collect(),
        sleep_h: t.iter().map(|d| d.sleep_h).collect(),
        // The chart draws one need line; the need at the end of the range is the one the member
        // is judged against now.
        sleep_need_h: t.last().map(|d| d.sleep_need_h),
        load: t.iter().map(|d| d.load).collect(),
        readiness: t.iter().map(|d| d.score.map(f64::from)).collect(),
    }
}
