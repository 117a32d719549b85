//! `alyze import PATH [--json]`: an Apple Health export (`export.zip` or `export.xml`) into the
//! member's store at `<data dir>/alyze.db`.
//!
//! The import is the core's ([`alyze_core::apple_export::import`]): batched, idempotent, resumable
//! by running it again (a re-import adds nothing; an interrupted one completes). A progress bar
//! goes to stderr when stderr is a terminal and `--json` is not given.
//!
//! With `--json`, stdout is one JSON object (a contract: add keys, never rename):
//! - `outcome`: `"complete"`, `"cancelled"`, `"truncated"` (the file ends inside the document:
//!   what came before the cut was imported) or `"malformed"` (the XML breaks: likewise);
//! - `quantities`, `heartbeat_series`, `sleep_sessions`, `workouts`: each an object of counts,
//!   `inserted` (new), `duplicates` (already stored), `updated` (stored with other content, now
//!   replaced) and `skipped` (refused by the store's validation);
//! - `duplicate_sleep_samples`: sleep samples dropped because their night already held them;
//! - `parse_skipped`: records the parser skipped, by reason (`malformed`, `missing_field`,
//!   `bad_date`, `bad_number`, `unknown_unit`, `implausible`, `bad_beat_list`);
//! - `store_skipped`: records the store refused, by reason (a message naming the field);
//! - `invalid_characters`: characters XML forbids, replaced;
//! - `ignored_records`, `correlation_records`, `activity_summaries`: elements the core does not
//!   read (correlation children are imported through their top-level copies);
//! - `database`: the path of the store.
//!
//! Nothing printed holds a health value: only counts and reasons.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use alyze_core::apple_export::{
    Flow, ImportReport, KindCounts, Outcome, SkipReason, import_export,
};
use alyze_core::store::Store;
use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Map, Value, json};

/// Arguments of `alyze import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export: `export.zip` as the Health app shares it, or `export.xml`.
    path: PathBuf,
    /// Print one JSON object instead of the report (keys in the module documentation).
    #[arg(long)]
    json: bool,
}

/// Runs the import into the store of `data_dir`.
pub fn run(args: &ImportArgs, data_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let database = data_dir.join("alyze.db");
    let mut store = Store::open(&database)
        .with_context(|| format!("opening the store {}", database.display()))?;
    let bar = progress_bar(args.json);
    let report = import_export(&mut store, &args.path, |progress| {
        if let Some(total) = progress.total_bytes {
            bar.set_length(total);
        }
        bar.set_position(progress.bytes_read);
        Flow::Continue
    });
    bar.finish_and_clear();
    let report = report.with_context(|| format!("importing {}", args.path.display()))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", to_json(&report, &database))?;
    } else {
        write!(out, "{}", to_text(&report, &database))?;
    }
    out.flush()?;
    Ok(())
}

/// A bar of bytes parsed, hidden unless stderr is a terminal and the output is the report.
fn progress_bar(json: bool) -> ProgressBar {
    let target = if json || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    // The template is a constant; should it ever fail to parse, the default style is fine.
    if let Ok(style) = ProgressStyle::with_template(
        "importing {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Complete => "complete",
        Outcome::Cancelled => "cancelled",
        Outcome::Truncated => "truncated",
        Outcome::Malformed { .. } => "malformed",
    }
}

fn skip_name(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Malformed => "malformed",
        SkipReason::MissingField => "missing_field",
        SkipReason::BadDate => "bad_date",
        SkipReason::BadNumber => "bad_number",
        SkipReason::UnknownUnit => "unknown_unit",
        SkipReason::Implausible => "implausible",
        SkipReason::BadBeatList => "bad_beat_list",
    }
}

/// The kinds in report order, with their JSON key and their name in the text report.
fn kinds(report: &ImportReport) -> [(&'static str, &'static str, KindCounts); 4] {
    [
        ("quantities", "quantity samples", report.quantities),
        (
            "heartbeat_series",
            "heartbeat series",
            report.heartbeat_series,
        ),
        ("sleep_sessions", "sleep sessions", report.sleep_sessions),
        ("workouts", "workouts", report.workouts),
    ]
}

fn to_json(report: &ImportReport, database: &Path) -> Value {
    let mut object = Map::new();
    object.insert("outcome".into(), json!(outcome_name(report.outcome)));
    for (key, _, counts) in kinds(report) {
        object.insert(
            key.into(),
            json!({
                "inserted": counts.inserted,
                "duplicates": counts.duplicates,
                "updated": counts.updated,
                "skipped": counts.skipped,
            }),
        );
    }
    let parse_skipped: Map<String, Value> = report
        .parse_skipped
        .iter()
        .map(|(&reason, &n)| (skip_name(reason).to_owned(), json!(n)))
        .collect();
    let store_skipped: Map<String, Value> = report
        .store_skipped
        .iter()
        .map(|(reason, &n)| (reason.clone(), json!(n)))
        .collect();
    object.insert(
        "duplicate_sleep_samples".into(),
        json!(report.duplicate_sleep_samples),
    );
    object.insert("parse_skipped".into(), Value::Object(parse_skipped));
    object.insert("store_skipped".into(), Value::Object(store_skipped));
    object.insert(
        "invalid_characters".into(),
        json!(report.invalid_characters),
    );
    object.insert(
        "ignored_records".into(),
        json!(report.parse.ignored_records),
    );
    object.insert(
        "correlation_records".into(),
        json!(report.parse.correlation_records),
    );
    object.insert(
        "activity_summaries".into(),
        json!(report.parse.activity_summaries),
    );
    object.insert("database".into(), json!(database.display().to_string()));
    Value::Object(object)
}

pub(crate) fn to_text(report: &ImportReport, database: &Path) -> String {
    let mut out = String::new();
    let status = match report.outcome {
        Outcome::Complete => "Imported the whole export",
        Outcome::Cancelled => "Import cancelled: run it again to complete it",
        Outcome::Truncated => {
            "The export ends early (a cut file): imported what came before the cut"
        }
        Outcome::Malformed { .. } => "The export is damaged: imported what came before the damage",
    };
    out.push_str(&format!("{status} into {}\n\n", database.display()));
    out.push_str(&format!(
        "{:<18} {:>9} {:>11} {:>8} {:>8}\n",
        "", "new", "duplicates", "updated", "skipped"
    ));
    for (_, name, c) in kinds(report) {
        out.push_str(&format!(
            "{name:<18} {:>9} {:>11} {:>8} {:>8}\n",
            c.inserted, c.duplicates, c.updated, c.skipped
        ));
    }
    if report.duplicate_sleep_samples > 0 {
        out.push_str(&format!(
            "\n{} repeated sleep samples dropped\n",
            report.duplicate_sleep_samples
        ));
    }
    if !report.parse_skipped.is_empty() || !report.store_skipped.is_empty() {
        out.push_str("\nSkipped records:\n");
        for (&reason, n) in &report.parse_skipped {
            out.push_str(&format!(
                "  {n:>8}  {}\n",
                skip_name(reason).replace('_', " ")
            ));
        }
        for (reason, n) in &report.store_skipped {
            out.push_str(&format!("  {n:>8}  {reason}\n"));
        }
    }
    out.push_str(&format!(
        "\nNot imported: {} records of types alyze does not read, {} activity summaries \
         ({} correlation children come in through their own records)\n",
        report.parse.ignored_records,
        report.parse.activity_summaries,
        report.parse.correlation_records
    ));
    if report.invalid_characters > 0 {
        out.push_str(&format!(
            "{} characters not allowed in XML were replaced\n",
            report.invalid_characters
        ));
    }
    out
}
