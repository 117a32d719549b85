//! One FFI ingest call of 10,000 quantity samples (issue goal: under 20 ms), on the Rust side of
//! the boundary: the shell's records converted to the core's, validated and stored in one
//! transaction in a fresh database file, as a first HealthKit read of a day of heart rate delivers
//! them. The foreign side's share (Kotlin lowering the records) is measured by
//! `scripts/bench-ffi`.
//!
//! `cargo bench -p alyze-ffi --bench ingest`

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use alyze::samples::FfiQuantitySample;
use alyze::store::AlyzeStore;
use alyze_core::health::{DeviceInfo, DeviceKind, QuantityKind, Source};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

/// Samples per call.
const SAMPLES: usize = 10_000;

/// `count` heart-rate samples five seconds apart from an Apple Watch, each with its HealthKit
/// UUID, as the iOS shell builds them.
/// A version-4-looking UUID in HealthKit's upper-case form, a fixed function of `seed`: HealthKit
/// ids are random, so they land all over the id index.
fn random_uuid(seed: u64) -> String {
    // SplitMix64 (Steele, Lea and Flood 2014).
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let (a, b) = (mix(seed.wrapping_mul(2)), mix(seed.wrapping_mul(2) + 1));
    format!(
        "{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

fn batch(count: usize) -> Vec<FfiQuantitySample> {
    (0..count)
        .map(|i| FfiQuantitySample {
            kind: QuantityKind::HeartRate,
            value: 55.0 + (i % 40) as f64,
            start_ms: 1_795_824_000_000 + 5_000 * i as i64,
            start_offset_s: 3600,
            end_ms: 1_795_824_000_000 + 5_000 * i as i64,
            end_offset_s: 3600,
            zone: Some(0),
            source: 0,
            platform_id: Some(random_uuid(i as u64)),
        })
        .collect()
}

/// The batch's one source: the member's Apple Watch.
fn sources() -> Vec<Source> {
    vec![Source {
        name: "Apple Watch".to_owned(),
        bundle_id: Some("com.apple.health.8F2A1C3B".to_owned()),
        version: Some("11.1".to_owned()),
        device: Some(DeviceInfo {
            name: Some("Apple Watch".to_owned()),
            manufacturer: Some("Apple Inc.".to_owned()),
            model: Some("Watch".to_owned()),
            hardware_version: Some("Watch7,1".to_owned()),
            firmware_version: None,
            software_version: Some("11.1".to_owned()),
            kind: Some(DeviceKind::Watch),
        }),
    }]
}

fn ingest(c: &mut Criterion) {
    let samples = batch(SAMPLES);
    c.bench_function("ffi ingest_quantities, 10k samples, fresh file", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("alyze.db").display().to_string();
                let store = AlyzeStore::open(path).unwrap();
                (dir, store, samples.clone())
            },
            |(dir, store, samples)| {
                let report = store
                    .ingest_quantities(
                        "healthkit:heart_rate".to_owned(),
                        sources(),
                        vec!["Europe/Berlin".to_owned()],
                        samples,
                        vec![],
                        None,
                    )
                    .unwrap();
                assert_eq!(report.inserted as usize, SAMPLES);
                (dir, store)
            },
            BatchSize::PerIteration,
        );
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = ingest
}
criterion_main!(benches);
