//! The member profile the readiness commands need: sex (for the Banister TRIMP constants and the
//! creatine kinase limit), and optionally a measured maximal and resting heart rate and the age.
//!
//! The flags `--sex`, `--max-hr`, `--resting-hr` and `--age` are remembered: when any is given,
//! the merged profile (the flags given over what was stored) is written to `<data dir>/profile.json`
//! atomically (a temporary file in the same directory, then a rename, so a crash leaves the old
//! profile or the new one, never half of one). Without flags the stored profile is used.
//!
//! Default when the sex was never given: the core's [`DEFAULT_SEX`] (female, the conservative
//! choice; its doc says why), and the human output says so in one line. Without heart rates the engine uses the member's own data
//! (median resting HR, highest workout HR), or the age-predicted maximum when the age is known.
//!
//! `profile.json` (keys, all optional): `{"sex": "female" | "male", "max_hr_bpm": number,
//! "resting_hr_bpm": number, "age_years": number}`.

use std::fs;
use std::path::Path;

use alyze_core::load::Sex;
use alyze_core::readiness::{DEFAULT_SEX, MemberProfile};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};

use crate::data_file;

/// The profile's file name in the data directory.
pub const FILE_NAME: &str = "profile.json";

/// Sex as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SexArg {
    /// Banister's female TRIMP constants, Mougios' female CK limit.
    Female,
    /// Banister's male TRIMP constants, Mougios' male CK limit.
    Male,
}

impl From<SexArg> for Sex {
    fn from(value: SexArg) -> Self {
        match value {
            SexArg::Female => Sex::Female,
            SexArg::Male => Sex::Male,
        }
    }
}

/// The profile flags shared by `readiness` and `trends`; remembered in `profile.json`.
#[derive(Debug, Clone, Default, Args)]
pub struct ProfileArgs {
    /// The member's sex, for the TRIMP load constants and the CK limit. Remembered.
    #[arg(long, value_enum)]
    sex: Option<SexArg>,
    /// Measured maximal heart rate, bpm, for TRIMP. Remembered.
    #[arg(long, value_name = "BPM", value_parser = parse_bpm)]
    max_hr: Option<f64>,
    /// Measured resting heart rate, bpm, for TRIMP. Remembered.
    #[arg(long, value_name = "BPM", value_parser = parse_bpm)]
    resting_hr: Option<f64>,
    /// Age in years, for the age-predicted maximal heart rate when none was measured. Remembered.
    #[arg(long, value_name = "YEARS", value_parser = parse_age)]
    age: Option<f64>,
}

impl ProfileArgs {
    fn any(&self) -> bool {
        self.sex.is_some()
            || self.max_hr.is_some()
            || self.resting_hr.is_some()
            || self.age.is_some()
    }
}

/// The profile as stored in `profile.json`; every field optional so that a partial file still
/// reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_hr_bpm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resting_hr_bpm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    age_years: Option<f64>,
}

/// The profile the engine is run with, and whether its sex is the default.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The member profile.
    pub profile: MemberProfile,
    /// True when the member never gave a sex and [`DEFAULT_SEX`] is used.
    pub sex_is_default: bool,
}

impl Resolved {
    /// The default profile: [`DEFAULT_SEX`], nothing else known (the demo's generated member).
    pub fn default_profile() -> Self {
        Self {
            profile: MemberProfile::new(DEFAULT_SEX),
            sex_is_default: true,
        }
    }

    /// The one line the human output shows when the sex is the default; `None` otherwise.
    pub fn default_note(&self) -> Option<String> {
        self.sex_is_default.then(|| {
            format!(
                "Profile: sex not set, so the {} constants are used (the cautious default); \
                 set it once with --sex female|male.",
                sex_word(DEFAULT_SEX)
            )
        })
    }
}

/// "female" or "male".
pub fn sex_word(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "female",
        Sex::Male => "male",
    }
}

/// The profile of the member in `data_dir`: the flags given over `profile.json`, written back to
/// it when any flag was given (module doc).
pub fn resolve(args: &ProfileArgs, data_dir: &Path) -> Result<Resolved> {
    let path = data_dir.join(FILE_NAME);
    let mut stored = read(&path)?;
    if args.any() {
        if let Some(sex) = args.sex {
            stored.sex = Some(sex.into());
        }
        stored.max_hr_bpm = args.max_hr.or(stored.max_hr_bpm);
        stored.resting_hr_bpm = args.resting_hr.or(stored.resting_hr_bpm);
        stored.age_years = args.age.or(stored.age_years);
        write(&path, &stored)?;
    }
    Ok(Resolved {
        profile: MemberProfile {
            sex: stored.sex.unwrap_or(DEFAULT_SEX),
            resting_hr_bpm: stored.resting_hr_bpm,
            max_hr_bpm: stored.max_hr_bpm,
            age_years: stored.age_years,
            preferred_hrv_metric: None,
        },
        sex_is_default: stored.sex.is_none(),
    })
}

/// The stored profile, or an empty one when there is no file.
fn read(path: &Path) -> Result<StoredProfile> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(StoredProfile::default());
        }
        Err(err) => {
            return Err(err).with_context(|| format!("reading the profile {}", path.display()));
        }
    };
    serde_json::from_str(&text).with_context(|| {
        format!(
            "the profile {} is not valid (expected {{\"sex\": \"female\"|\"male\", \
             \"max_hr_bpm\", \"resting_hr_bpm\", \"age_years\"}}); fix or delete it",
            path.display()
        )
    })
}

/// Writes the profile atomically ([`data_file::write_atomic`]).
fn write(path: &Path, profile: &StoredProfile) -> Result<()> {
    data_file::write_atomic(path, &serde_json::to_string_pretty(profile)?)
}

/// A heart rate in bpm: a number from 20 to 250 (outside that it is a typo, not a heart).
fn parse_bpm(text: &str) -> Result<f64, String> {
    parse_in(text, 20.0, 250.0, "a heart rate in bpm")
}

/// An age in years: a number from 5 to 120.
fn parse_age(text: &str) -> Result<f64, String> {
    parse_in(text, 5.0, 120.0, "an age in years")
}

fn parse_in(text: &str, low: f64, high: f64, what: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (low..=high).contains(&v) => Ok(v),
        _ => Err(format!("expected {what} from {low} to {high}")),
    }
}
