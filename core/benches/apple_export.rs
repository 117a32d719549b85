//! Criterion benchmark of the streaming Apple Health export parser on a generated one-year export
//! (`alyze_core::apple_export::synthetic`, every quirk on), held in memory so that the figure is the
//! parser's, not the disk's.
//!
//! Run on demand, never in the test command: `cargo bench -p alyze-core --bench apple_export`.
//! Divide the XML size printed first by the median to get the throughput.

// A benchmark harness: a failure to generate the input must stop it loudly, and criterion's bench
// functions have no caller to return an error to.
#![allow(clippy::expect_used)]

#[path = "support/count.rs"]
mod count;

use std::hint::black_box;

use alyze_core::apple_export::{Outcome, ParseOptions, SyntheticExport, parse};
use count::Count;
use criterion::{Criterion, criterion_main};

fn bench_parse_year(c: &mut Criterion) {
    let mut xml = Vec::new();
    let summary = SyntheticExport {
        days: 365,
        ..SyntheticExport::default()
    }
    .write_xml(&mut xml)
    .expect("the generator writes to memory");
    println!(
        "one-year synthetic export: {:.1} MB of XML, {} records",
        xml.len() as f64 / 1e6,
        summary.total_records()
    );
    let mut group = c.benchmark_group("apple_export");
    group.sample_size(10);
    group.bench_function("parse one year (in memory)", |b| {
        b.iter(|| {
            let mut sink = Count::default();
            let report = parse(black_box(&xml[..]), &mut sink, &ParseOptions::default())
                .expect("the synthetic export parses");
            assert_eq!(report.outcome, Outcome::Complete);
            sink.0
        })
    });
    group.finish();
}

/// Every benchmark of this file (what `criterion_group!` would generate, with a doc comment).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench_parse_year(&mut c);
}

criterion_main!(benches);
