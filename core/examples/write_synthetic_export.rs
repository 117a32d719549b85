//! Writes a synthetic Apple Health export (`export.zip`) for tests outside Rust.
//!
//! Usage: `cargo run -p alyze-core --example write_synthetic_export -- DAYS OUT.zip`
//!
//! The export is [`SyntheticExport::default`] (every quirk of real exports on, from 2022-09-01)
//! cut to DAYS days, so it is deterministic and holds no member's data. `scripts/bindings` writes
//! one for the Python and Kotlin binding tests, which import it through the FFI; generating it in
//! Rust keeps one generator instead of a copy per language.

use std::error::Error;

use alyze_core::apple_export::SyntheticExport;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(days), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: write_synthetic_export DAYS OUT.zip".into());
    };
    let export = SyntheticExport {
        days: days.parse()?,
        ..SyntheticExport::default()
    };
    let summary = export.write_zip(&out)?;
    println!(
        "{out}: {} days, {} records, {} bytes of export.xml",
        summary.days,
        summary.total_records(),
        summary.bytes
    );
    Ok(())
}
