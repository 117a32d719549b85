//! `alyze prescription set FILE`, `alyze prescription show` and `alyze prescription settings
//! [FILE]`: the clinic's prescription and settings, entered locally until the clinic server syncs
//! them.
//!
//! `set` reads a JSON prescription, checks it against the saved clinic settings
//! (`alyze_core::protocol::member::set_prescription`) and saves it in the member's store
//! (`<data dir>/alyze.db`, created when needed) in place of the last one, in one transaction: a
//! crash leaves the old prescription or the new one, never half of one. A file that cannot be used
//! is refused with the field and the item named, and nothing is saved.
//!
//! The JSON format (the core's `Prescription`; the four lists may be left out, meaning empty):
//!
//! ```json
//! {
//!   "targets": [
//!     {"sessions_per_week": 3, "check": "standard",
//!      "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}},
//!     {"sessions_per_week": 2, "check": "standard",
//!      "dose": {"modality": "cold_plunge", "minutes": 3, "temperature_c": 8}}
//!   ],
//!   "fixed": [
//!     {"start": {"utc": "2026-03-04T17:00:00Z", "offset_s": 3600, "zone": "Europe/Berlin"},
//!      "check": "standard", "dose": {"modality": "pemf", "minutes": 20}}
//!   ],
//!   "availability": [{"start": "07:00:00", "end": "21:00:00"}],
//!   "quiet_hours": [{"start": "22:00:00", "end": "07:00:00"}]
//! }
//! ```
//!
//! Doses by `modality`: `sauna` and `cold_plunge` {`minutes`, `temperature_c`}; `contrast`
//! {`rounds`, `sauna_minutes`, `sauna_c`, `plunge_minutes`, `plunge_c`}; `red_light` {`minutes`,
//! `wavelength_nm` (number or null)}; `pemf` {`minutes`}; `breathwork` {`minutes`,
//! `breaths_per_min`}. `check` is `standard` (the dose must lie in the safe ranges) or
//! `clinic_override` (the clinic accepts a dose outside them; it must still be plausible). Windows
//! are local times of day (`HH:MM` or `HH:MM:SS`) in the member's zone and may cross midnight.
//!
//! Clinic settings: `ClinicSettings::default()` until `settings FILE` saves the core's
//! `ClinicSettings` serialised (every field; `settings` without a file prints the ones in use, a
//! starting point). They are checked, and refused when the saved prescription would no longer be
//! valid under them (`member::set_clinic_settings`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use alyze_core::protocol::member::{self, MemberError};
use alyze_core::protocol::{
    ClinicSettings, Dose, FixedSession, LocalWindow, Prescription, WeeklyTarget,
};
use alyze_core::store::Store;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use serde::Deserialize;

/// Arguments of `alyze prescription`.
#[derive(Debug, Args)]
pub struct PrescriptionArgs {
    #[command(subcommand)]
    command: PrescriptionCommand,
}

#[derive(Debug, Subcommand)]
enum PrescriptionCommand {
    /// Check a JSON prescription and save it in the data directory.
    ///
    /// The file: {"targets": [{"sessions_per_week": 1-7, "check": "standard"|"clinic_override",
    /// "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}}], "fixed": [{"start":
    /// {"utc": "2026-03-04T17:00:00Z", "offset_s": 3600, "zone": "Europe/Berlin"}, "check": ...,
    /// "dose": ...}], "availability": [{"start": "07:00:00", "end": "21:00:00"}], "quiet_hours":
    /// [{"start": "22:00:00", "end": "07:00:00"}]}. Dose modalities: sauna and cold_plunge
    /// {minutes, temperature_c}; contrast {rounds, sauna_minutes, sauna_c, plunge_minutes,
    /// plunge_c}; red_light {minutes, wavelength_nm}; pemf {minutes}; breathwork {minutes,
    /// breaths_per_min}. Window times are HH:MM or HH:MM:SS, local. Lists left out are empty.
    Set {
        /// The JSON prescription file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print the saved prescription.
    Show {
        /// Print the prescription's JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Save the clinic settings from a JSON file, or print the ones in use (JSON) without one.
    Settings {
        /// The JSON settings file (every field of the printed settings).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

/// The file's form: the core's prescription with the lists optional and unknown keys refused (a
/// misspelt key would otherwise be silently ignored).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrescriptionFile {
    #[serde(default)]
    targets: Vec<WeeklyTarget>,
    #[serde(default)]
    fixed: Vec<FixedSession>,
    #[serde(default)]
    availability: Vec<LocalWindow>,
    #[serde(default)]
    quiet_hours: Vec<LocalWindow>,
}

impl From<PrescriptionFile> for Prescription {
    fn from(file: PrescriptionFile) -> Self {
        Self {
            targets: file.targets,
            fixed: file.fixed,
            availability: file.availability,
            quiet_hours: file.quiet_hours,
        }
    }
}

/// Runs `alyze prescription` in `data_dir`.
pub fn run(args: &PrescriptionArgs, data_dir: &Path) -> Result<()> {
    match &args.command {
        PrescriptionCommand::Set { file } => set(file, data_dir),
        PrescriptionCommand::Show { json } => show(*json, data_dir),
        PrescriptionCommand::Settings { file: Some(file) } => set_settings(file, data_dir),
        PrescriptionCommand::Settings { file: None } => show_settings(data_dir),
    }
}

fn set(file: &Path, data_dir: &Path) -> Result<()> {
    let prescription = parse_file(file)?;
    let mut store = create_store(data_dir)?;
    member::set_prescription(&mut store, &prescription)
        .with_context(|| format!("the prescription {} cannot be used", file.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Saved the prescription ({} weekly target{}, {} booked session{}).",
        prescription.targets.len(),
        plural(prescription.targets.len()),
        prescription.fixed.len(),
        plural(prescription.fixed.len()),
    )?;
    out.flush()?;
    Ok(())
}

fn show(json: bool, data_dir: &Path) -> Result<()> {
    let store = open_store(data_dir)?;
    let prescription = member::prescription(&store).map_err(explain)?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&prescription)?)?;
    } else {
        write!(out, "{}", to_text(&prescription))?;
    }
    out.flush()?;
    Ok(())
}

fn set_settings(file: &Path, data_dir: &Path) -> Result<()> {
    let text = fs::read_to_string(file)
        .with_context(|| format!("reading the clinic settings {}", file.display()))?;
    let invalid = || {
        format!(
            "the clinic settings {} are not valid settings JSON (alyze prescription settings \
             prints the settings in use, every field)",
            file.display()
        )
    };
    let entered: serde_json::Value = serde_json::from_str(&text).with_context(invalid)?;
    let settings: ClinicSettings = serde_json::from_value(entered.clone()).with_context(invalid)?;
    if let Some(key) = settings.unknown_key(&entered) {
        bail!("{}: unknown setting `{key}`", invalid());
    }
    let mut store = create_store(data_dir)?;
    member::set_clinic_settings(&mut store, &settings)
        .with_context(|| format!("the clinic settings {} cannot be used", file.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "Saved the clinic settings.")?;
    out.flush()?;
    Ok(())
}

fn show_settings(data_dir: &Path) -> Result<()> {
    let settings = match open_if_present(data_dir)? {
        Some(store) => member::clinic_settings(&store).context("reading the clinic settings")?,
        None => ClinicSettings::default(),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string_pretty(&settings)?)?;
    out.flush()?;
    Ok(())
}

/// Reads and parses a prescription file given on the command line (not yet validated).
fn parse_file(file: &Path) -> Result<Prescription> {
    let text = fs::read_to_string(file)
        .with_context(|| format!("reading the prescription {}", file.display()))?;
    let parsed: PrescriptionFile = serde_json::from_str(&text).with_context(|| {
        format!(
            "the prescription {} is not a valid prescription JSON (see alyze prescription set \
             --help for the format)",
            file.display()
        )
    })?;
    Ok(parsed.into())
}

/// A protocol error for the command line: the core's message, with the command that fixes a
/// missing prescription.
pub fn explain(err: MemberError) -> anyhow::Error {
    match err {
        MemberError::NoPrescription => anyhow!(
            "no prescription yet: set one with alyze prescription set FILE (the format is in \
             alyze prescription set --help)"
        ),
        other => other.into(),
    }
}

/// The member's store, which holds the prescription; without one, the same error as a store
/// without a prescription.
pub fn open_store(data_dir: &Path) -> Result<Store> {
    open_if_present(data_dir)?.ok_or_else(|| explain(MemberError::NoPrescription))
}

/// Opens `<data dir>/alyze.db` when it exists.
fn open_if_present(data_dir: &Path) -> Result<Option<Store>> {
    let database = data_dir.join("alyze.db");
    if !database.is_file() {
        return Ok(None);
    }
    Store::open(&database)
        .context("opening the store")
        .map(Some)
}

/// Opens `<data dir>/alyze.db`, creating the directory and the file when needed.
pub fn create_store(data_dir: &Path) -> Result<Store> {
    fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    Store::open(data_dir.join("alyze.db")).context("opening the store")
}

/// The prescription in words.
pub fn to_text(p: &Prescription) -> String {
    let mut out = String::new();
    if p.targets.is_empty() {
        out.push_str("Weekly targets: none\n");
    } else {
        out.push_str("Weekly targets:\n");
        for target in &p.targets {
            out.push_str(&format!(
                "  {}x a week: {}{}\n",
                target.sessions_per_week,
                dose_text(&target.dose),
                override_note(target.check)
            ));
        }
    }
    if !p.fixed.is_empty() {
        out.push_str("Booked sessions:\n");
        for fixed in &p.fixed {
            out.push_str(&format!(
                "  {}: {}{}\n",
                fixed.start.local().format("%Y-%m-%d %H:%M"),
                dose_text(&fixed.dose),
                override_note(fixed.check)
            ));
        }
    }
    out.push_str(&format!(
        "Availability: {}\n",
        windows_text(&p.availability, "all day")
    ));
    out.push_str(&format!(
        "Quiet hours: {}\n",
        windows_text(&p.quiet_hours, "none")
    ));
    out
}

fn override_note(check: alyze_core::protocol::DoseCheck) -> &'static str {
    match check {
        alyze_core::protocol::DoseCheck::Standard => "",
        alyze_core::protocol::DoseCheck::ClinicOverride => " (clinic override)",
    }
}

fn windows_text(windows: &[LocalWindow], empty: &str) -> String {
    if windows.is_empty() {
        return empty.to_owned();
    }
    windows
        .iter()
        .map(|w| format!("{}-{}", w.start.format("%H:%M"), w.end.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A dose in words: the modality and how much ("sauna 15 min at 90 °C").
pub fn dose_text(dose: &Dose) -> String {
    match dose {
        Dose::Sauna {
            minutes,
            temperature_c,
        } => format!("sauna {minutes} min at {temperature_c} °C"),
        Dose::ColdPlunge {
            minutes,
            temperature_c,
        } => format!("cold plunge {minutes} min at {temperature_c} °C"),
        Dose::Contrast(c) => format!(
            "contrast {} rounds of sauna {} min at {} °C and plunge {} min at {} °C",
            c.rounds, c.sauna_minutes, c.sauna_c, c.plunge_minutes, c.plunge_c
        ),
        Dose::RedLight {
            minutes,
            wavelength_nm,
        } => match wavelength_nm {
            Some(nm) => format!("red light {minutes} min at {nm} nm"),
            None => format!("red light {minutes} min"),
        },
        Dose::Pemf { minutes } => format!("PEMF {minutes} min"),
        Dose::Breathwork {
            minutes,
            breaths_per_min,
        } => format!("breathwork {minutes} min at {breaths_per_min} breaths/min"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
