//! Writes a synthetic Apple Health export ([`SyntheticExport`]) with chosen quirks turned off, for
//! `scripts/bench-import`: healthkit-to-sqlite, the peer it is timed against, cannot read the
//! export with every quirk on. (`write_synthetic_export`, the bindings' generator, always writes
//! every quirk; this one leaves it as it is.)
//!
//! Usage: `cargo run --release -p alyze-core --example write_bench_export -- DAYS OUT.zip
//! [--xml] [--without QUIRK]...`
//!
//! - `DAYS`: days of data from the generator's default start (2022-09-01).
//! - `OUT.zip`: where to write `export.zip` as the Health app shares it (`export.xml` inside, with
//!   a non-well-formed `export_cda.xml`); with `--xml`, `OUT` is the bare `export.xml`.
//! - `--without QUIRK` (repeatable) turns one quirk off: `malformed-dtd`, `control-characters`,
//!   `colliding-metadata-keys`, `duplicate-records`, `overlapping-sources`, `device-address` or
//!   `travel` ([`Quirks`]). healthkit-to-sqlite's XML parser (Python's expat) stops at the iOS 16
//!   malformed DTD and at a stray control character.
//!
//! Prints what was written, one `key=value` per line: the days, the bytes of `export.xml`, the
//! size of the file written, the top-level records (duplicates included, and distinct), HRV beats,
//! workouts and their statistics, activity summaries and the quirks injected.

use std::error::Error;
use std::path::PathBuf;

use alyze_core::apple_export::{Quirks, SyntheticExport};

const USAGE: &str = "usage: write_bench_export DAYS OUT [--xml] [--without QUIRK]...";

fn main() -> Result<(), Box<dyn Error>> {
    let mut days: Option<u32> = None;
    let mut out: Option<PathBuf> = None;
    let mut xml = false;
    let mut quirks = Quirks::ALL;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--xml" => xml = true,
            "--without" => {
                let name = args.next().ok_or(USAGE)?;
                turn_off(&mut quirks, &name)?;
            }
            _ if days.is_none() => days = Some(arg.parse().map_err(|_| USAGE)?),
            _ if out.is_none() => out = Some(PathBuf::from(arg)),
            _ => return Err(USAGE.into()),
        }
    }
    let (Some(days), Some(out)) = (days, out) else {
        return Err(USAGE.into());
    };
    if days == 0 {
        return Err("DAYS must be at least 1".into());
    }
    let export = SyntheticExport {
        days,
        quirks,
        ..SyntheticExport::default()
    };
    let summary = if xml {
        export.write_xml(std::fs::File::create(&out)?)?
    } else {
        export.write_zip(&out)?
    };
    println!("days={}", summary.days);
    println!("xml_bytes={}", summary.bytes);
    println!("file_bytes={}", std::fs::metadata(&out)?.len());
    println!("records={}", summary.total_records());
    println!("distinct_records={}", summary.distinct_records());
    println!("correlation_records={}", summary.correlation_records);
    println!(
        "hrv_records={}",
        summary.records.get(HRV).copied().unwrap_or(0)
    );
    println!("hrv_beats={}", summary.hrv_beats);
    println!("workouts={}", summary.total_workouts());
    println!("workout_statistics={}", summary.workout_statistics);
    println!("activity_summaries={}", summary.activity_summaries);
    println!("quirks_injected={}", summary.quirks.total());
    println!("malformed_dtd={}", summary.quirks.malformed_dtd);
    println!("control_characters={}", summary.quirks.control_characters);
    println!("duplicate_records={}", summary.quirks.duplicate_records);
    Ok(())
}

const HRV: &str = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN";

/// Turns off the quirk called `name` (the field's name with dashes).
fn turn_off(quirks: &mut Quirks, name: &str) -> Result<(), Box<dyn Error>> {
    let flag = match name {
        "malformed-dtd" => &mut quirks.malformed_dtd,
        "control-characters" => &mut quirks.control_characters,
        "colliding-metadata-keys" => &mut quirks.colliding_metadata_keys,
        "duplicate-records" => &mut quirks.duplicate_records,
        "overlapping-sources" => &mut quirks.overlapping_sources,
        "device-address" => &mut quirks.device_address,
        "travel" => &mut quirks.travel,
        _ => return Err(format!("unknown quirk {name:?}\n{USAGE}").into()),
    };
    *flag = false;
    Ok(())
}
