//! A bare streaming parse of an Apple Health export, for `scripts/bench-import`: the baseline the
//! import is compared with (same file, same parser, nothing stored).
//!
//! Usage: `cargo run --release -p alyze-core --example parse_only -- EXPORT [RUNS]` with `EXPORT`
//! an `export.zip` or `export.xml`, `RUNS` (default 1) parses in a row. Each parse goes to a sink
//! that only counts what it receives ([`parse_path`], the importer's entry point, so a zip is
//! inflated as in an import). Prints one `key=value` per line: each run's elapsed seconds, their
//! median, the bytes of `export.xml` parsed, the records emitted and the outcome.

#[path = "../benches/support/count.rs"]
mod count;

use std::error::Error;
use std::time::Instant;

use alyze_core::apple_export::{Outcome, ParseOptions, parse_path};
use count::Count;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: parse_only EXPORT [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(1), |a| a.parse())?;
    if runs == 0 {
        return Err("RUNS must be at least 1".into());
    }
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs {
        let mut sink = Count::default();
        let start = Instant::now();
        let report = parse_path(&path, &mut sink, &ParseOptions::default())?;
        let elapsed = start.elapsed().as_secs_f64();
        times.push(elapsed);
        println!("run_{run}_seconds={elapsed:.4}");
        if run == 0 {
            println!("bytes={}", report.resume_offset);
            println!("emitted={}", sink.0);
            let outcome = match report.outcome {
                Outcome::Complete => "complete",
                Outcome::Cancelled => "cancelled",
                Outcome::Truncated => "truncated",
                Outcome::Malformed { .. } => "malformed",
            };
            println!("outcome={outcome}");
        }
    }
    times.sort_by(f64::total_cmp);
    println!("median_seconds={:.4}", times[times.len() / 2]);
    Ok(())
}
