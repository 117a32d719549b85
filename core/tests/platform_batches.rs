//! Live platform batches, through the store's public ingest API as the shells call it.
//!
//! A HealthKit anchored query or a Health Connect changes token hands the shell batches of samples,
//! the ids of deleted samples and a new anchor; the shell passes each batch to
//! [`Store::ingest_quantities`] or [`Store::ingest`] (one transaction with its anchor), and after a
//! full re-read (a Health Connect token older than 30 days) calls [`Store::sweep_quantities`] or
//! [`Store::sweep`]. These tests replay the delivery faults of the data brief
//! (`data-and-sync.md`, "Live platform data") and check the rows, the anchor and the daily summary:
//! - a batch delivered twice adds nothing and keeps the anchor;
//! - batches committed out of order: the rows of both are kept and the anchor saved is the one of
//!   the last batch committed, even when it is the older one. The store treats anchors as opaque
//!   bytes and does not order them; the shell must commit one stream's batches in order. A stale
//!   anchor is harmless for the data: the platform re-delivers from it, and the re-delivery comes
//!   back as duplicates, which the last test of that group checks;
//! - a deletion that arrives before its sample or record (batches committed out of order, a
//!   HealthKit deleted-object list handled before the samples' batch) is remembered: the sample,
//!   when it arrives, is stored as a tombstone and counted as a duplicate, and the final state is
//!   the in-order one, replays included; a deletion of an id that never arrives is no error;
//! - a HealthKit sample re-saved with a sync identifier arrives under a new UUID with the old UUID
//!   among the deleted objects: one live row, counted once in the summary;
//! - a Health Connect token expiry: full re-read, then mark-and-sweep removes what did not come
//!   back within the range read, and keeps the rest, other streams and rows outside the range;
//! - Health Connect deletions carry only the record id: the quantity path deletes by id whatever the
//!   kind, the record path within the kind it is called for.
//!
//! Unit tests already cover a replayed quantity batch (`store::quantity::tests::replaying_a_batch_adds_nothing`),
//! an edited record (`…::an_edited_record_replaces_the_stored_one`), tombstones and unknown ids
//! (`…::deletions_keep_a_tombstone_and_remember_unknown_ids`), every order of a sample, its
//! deletion and their replays (`…::a_sample_and_its_deletion_end_deleted_in_every_order_and_replay`,
//! `store::ingest::tests::a_record_and_its_deletion_end_deleted_in_every_order_and_replay`), a failed batch moving neither rows nor
//! anchor (`…::a_failed_batch_moves_neither_samples_nor_the_anchor`,
//! `store::ingest::tests::a_failed_batch_moves_neither_records_nor_the_anchor`) and a deleted record
//! never resurrected (`store::ingest::tests::a_deleted_record_is_not_resurrected_and_a_replayed_deletion_counts_nothing`).

// A test: a failed expectation is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use alyze_core::health::{
    DeviceInfo, QuantityKind, QuantitySample, SleepSegment, SleepSession, SleepStage, Source,
    Timestamp,
};
use alyze_core::store::{IngestReport, Store};
use alyze_core::summary::{SummarySettings, daily_summaries};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use proptest::prelude::*;

const HK_HR: &str = "healthkit:HKQuantityTypeIdentifierHeartRate";
const HK_SDNN: &str = "healthkit:HKQuantityTypeIdentifierHeartRateVariabilitySDNN";
const HK_SLEEP: &str = "healthkit:HKCategoryTypeIdentifierSleepAnalysis";
const HC_RMSSD: &str = "healthconnect:HeartRateVariabilityRmssdRecord";
const HC_RESTING: &str = "healthconnect:RestingHeartRateRecord";
const HC_SLEEP: &str = "healthconnect:SleepSessionRecord";

/// A local time in Berlin, `yyyy-MM-dd HH:mm:ss +hhmm`.
fn berlin(text: &str) -> Timestamp {
    let local = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z").unwrap();
    Timestamp::from_local(local, Some("Europe/Berlin".to_owned())).unwrap()
}

fn minutes_after(t: &Timestamp, minutes: i64) -> Timestamp {
    t.plus(TimeDelta::minutes(minutes)).unwrap()
}

fn watch() -> Source {
    Source {
        bundle_id: Some("com.apple.health.7F3A".to_owned()),
        device: Some(DeviceInfo {
            name: Some("Apple Watch".to_owned()),
            manufacturer: Some("Apple Inc.".to_owned()),
            model: Some("Watch".to_owned()),
            ..DeviceInfo::default()
        }),
        ..Source::named("Member's Apple Watch")
    }
}

fn fit() -> Source {
    Source {
        bundle_id: Some("com.google.android.apps.fitness".to_owned()),
        ..Source::named("Fit")
    }
}

/// A one-minute sample starting `minute` minutes after 2022-10-28 00:00 Berlin.
fn sample(kind: QuantityKind, value: f64, minute: i64, id: &str, source: Source) -> QuantitySample {
    let start = minutes_after(&berlin("2022-10-28 00:00:00 +0200"), minute);
    QuantitySample {
        kind,
        value,
        end: minutes_after(&start, 1),
        start,
        source: source.into(),
        platform_id: Some(id.to_owned()),
    }
}

fn hr(value: f64, minute: i64, id: &str) -> QuantitySample {
    sample(QuantityKind::HeartRate, value, minute, id, watch())
}

fn rmssd(value: f64, minute: i64, id: &str) -> QuantitySample {
    sample(QuantityKind::HrvRmssd, value, minute, id, fit())
}

/// The night of 28 October 2022, 23:00 to 07:00 Berlin, asleep throughout.
fn night(id: Option<&str>, source: Source) -> SleepSession {
    let start = berlin("2022-10-27 23:00:00 +0200");
    let end = berlin("2022-10-28 07:00:00 +0200");
    SleepSession {
        segments: vec![SleepSegment {
            stage: SleepStage::Asleep,
            start: start.clone(),
            end: end.clone(),
        }],
        start,
        end,
        source,
        platform_id: id.map(str::to_owned),
    }
}

fn range() -> (DateTime<Utc>, DateTime<Utc>) {
    (
        berlin("2022-10-27 00:00:00 +0200").utc(),
        berlin("2022-10-30 00:00:00 +0200").utc(),
    )
}

fn live(store: &Store, kind: QuantityKind) -> Vec<QuantitySample> {
    let (from, to) = range();
    store.quantities(kind, from, to).unwrap()
}

fn ids(samples: &[QuantitySample]) -> Vec<&str> {
    samples
        .iter()
        .map(|s| s.platform_id.as_deref().unwrap())
        .collect()
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|&s| s.to_owned()).collect()
}

fn inserted(n: usize) -> IngestReport {
    IngestReport {
        inserted: n,
        ..IngestReport::default()
    }
}

fn duplicates(n: usize) -> IngestReport {
    IngestReport {
        duplicates: n,
        ..IngestReport::default()
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_batch_delivered_twice_adds_nothing_and_keeps_its_anchor() {
    let mut store = Store::open_in_memory().unwrap();
    let batch = [
        hr(58.0, 60, "HK-1"),
        hr(61.0, 61, "HK-2"),
        hr(57.0, 62, "HK-3"),
    ];
    let first = store
        .ingest_quantities(HK_HR, &batch, &[], Some(b"a1"))
        .unwrap();
    assert_eq!(first, inserted(3));
    let sessions = [night(Some("HK-S1"), watch())];
    assert_eq!(
        store.ingest(HK_SLEEP, &sessions, &[], Some(b"s1")).unwrap(),
        inserted(1)
    );
    let before = live(&store, QuantityKind::HeartRate);

    // The app died after the commit, before the shell noted it: the same batch again.
    let replay = store
        .ingest_quantities(HK_HR, &batch, &[], Some(b"a1"))
        .unwrap();
    assert_eq!(replay, duplicates(3));
    assert_eq!(
        store.ingest(HK_SLEEP, &sessions, &[], Some(b"s1")).unwrap(),
        duplicates(1)
    );
    assert_eq!(live(&store, QuantityKind::HeartRate), before);
    let (from, to) = range();
    assert_eq!(
        store.records::<SleepSession>(from, to).unwrap(),
        sessions.to_vec()
    );
    assert_eq!(store.anchor(HK_HR).unwrap(), Some(b"a1".to_vec()));
    assert_eq!(store.anchor(HK_SLEEP).unwrap(), Some(b"s1".to_vec()));
}

#[test]
fn batches_committed_out_of_order_keep_both_and_the_last_committed_anchor() {
    let mut store = Store::open_in_memory().unwrap();
    let earlier = [hr(58.0, 60, "HK-1"), hr(61.0, 61, "HK-2")];
    let later = [hr(57.0, 62, "HK-3"), hr(59.0, 63, "HK-4")];
    // The batch that ends at anchor a2 is committed before the one that ends at a1.
    assert_eq!(
        store
            .ingest_quantities(HK_HR, &later, &[], Some(b"a2"))
            .unwrap(),
        inserted(2)
    );
    assert_eq!(
        store
            .ingest_quantities(HK_HR, &earlier, &[], Some(b"a1"))
            .unwrap(),
        inserted(2)
    );
    assert_eq!(
        ids(&live(&store, QuantityKind::HeartRate)),
        ["HK-1", "HK-2", "HK-3", "HK-4"]
    );
    // Anchors are opaque: the last committed one is saved, here the older.
    assert_eq!(store.anchor(HK_HR).unwrap(), Some(b"a1".to_vec()));

    // The next query from a1 re-delivers the later batch: nothing is added, the anchor catches up.
    assert_eq!(
        store
            .ingest_quantities(HK_HR, &later, &[], Some(b"a2"))
            .unwrap(),
        duplicates(2)
    );
    assert_eq!(live(&store, QuantityKind::HeartRate).len(), 4);
    assert_eq!(store.anchor(HK_HR).unwrap(), Some(b"a2".to_vec()));
}

/// What a member sees of a store: the live samples of the kinds these tests write, the nights and
/// the summary of 28 October. Not the anchors: the one saved is the last committed (see
/// `batches_committed_out_of_order_keep_both_and_the_last_committed_anchor`), so it depends on
/// the order of the commits by design.
#[derive(Debug, PartialEq)]
struct Seen {
    heart_rate: Vec<QuantitySample>,
    rmssd: Vec<QuantitySample>,
    nights: Vec<SleepSession>,
    summary: Vec<alyze_core::summary::DailySummary>,
}

fn seen(store: &Store) -> Seen {
    let (from, to) = range();
    Seen {
        heart_rate: live(store, QuantityKind::HeartRate),
        rmssd: live(store, QuantityKind::HrvRmssd),
        nights: store.records::<SleepSession>(from, to).unwrap(),
        summary: daily_summaries(
            store,
            date(2022, 10, 28),
            date(2022, 10, 28),
            &SummarySettings::default(),
        )
        .unwrap(),
    }
}

#[test]
fn a_deletion_before_its_sample_is_applied_when_the_sample_arrives() {
    // Three deliveries per stream: a batch with samples, a batch deleting one of them, and a
    // later batch. The deleted ones are a heart rate (HealthKit), an RMSSD reading and a night
    // (Health Connect, whose deletions carry only the id).
    let hr_batch = [hr(58.0, 60, "HK-1"), hr(66.0, 70, "HK-9")];
    let hr_later = [hr(57.0, 80, "HK-3")];
    let rmssd_batch = [rmssd(30.0, 60, "HC-1"), rmssd(90.0, 120, "HC-9")];
    let nights = [night(Some("HC-S9"), fit())];
    let kept_night = [night(Some("HK-S1"), watch())];
    let deliver = |store: &mut Store, deletion_first: bool| {
        let samples = |store: &mut Store| {
            let hr_report = store
                .ingest_quantities(HK_HR, &hr_batch, &[], Some(b"a1"))
                .unwrap();
            let rmssd_report = store
                .ingest_quantities(HC_RMSSD, &rmssd_batch, &[], Some(b"t1"))
                .unwrap();
            let night_report = store.ingest(HC_SLEEP, &nights, &[], Some(b"s1")).unwrap();
            (hr_report, rmssd_report, night_report)
        };
        let deletions = |store: &mut Store| {
            let hr_report = store
                .ingest_quantities(HK_HR, &[], &strings(&["HK-9"]), Some(b"a2"))
                .unwrap();
            let rmssd_report = store
                .ingest_quantities(HC_RMSSD, &[], &strings(&["HC-9"]), Some(b"t2"))
                .unwrap();
            let night_report = store
                .ingest::<SleepSession>(HC_SLEEP, &[], &strings(&["HC-S9"]), Some(b"s2"))
                .unwrap();
            (hr_report, rmssd_report, night_report)
        };
        let (first, second) = if deletion_first {
            // The shell committed the deletions' batches first (HealthKit's deleted-object list
            // handled before the samples' batch, or batches reordered): nothing to delete yet.
            let deleted = deletions(store);
            assert_eq!(
                deleted,
                (
                    IngestReport::default(),
                    IngestReport::default(),
                    IngestReport::default()
                )
            );
            (samples(store), deleted)
        } else {
            let stored = samples(store);
            (stored, deletions(store))
        };
        store
            .ingest_quantities(HK_HR, &hr_later, &[], Some(b"a3"))
            .unwrap();
        (first, second)
    };

    let mut in_order = Store::open_in_memory().unwrap();
    let mut reordered = Store::open_in_memory().unwrap();
    for store in [&mut in_order, &mut reordered] {
        store
            .ingest(HK_SLEEP, &kept_night, &[], Some(b"k1"))
            .unwrap();
    }
    let (stored, deleted) = deliver(&mut in_order, false);
    assert_eq!(
        stored,
        (inserted(2), inserted(2), inserted(1)),
        "in order, everything is stored"
    );
    let one_deleted = IngestReport {
        deleted: 1,
        ..IngestReport::default()
    };
    assert_eq!(
        deleted,
        (one_deleted.clone(), one_deleted.clone(), one_deleted)
    );

    let (stored, _) = deliver(&mut reordered, true);
    // The deleted sample or night arrives as a duplicate: it was already deleted.
    let one_each = IngestReport {
        inserted: 1,
        duplicates: 1,
        ..IngestReport::default()
    };
    assert_eq!(stored, (one_each.clone(), one_each, duplicates(1)));

    // The same final state either way.
    let expected = seen(&in_order);
    assert_eq!(ids(&expected.heart_rate), ["HK-1", "HK-3"]);
    assert_eq!(ids(&expected.rmssd), ["HC-1"]);
    assert_eq!(expected.nights, kept_night.to_vec());
    // The night's RMSSD is HC-1's alone: the deleted HC-9 is not counted.
    let night_rmssd = expected.summary[0]
        .hrv_rmssd
        .as_ref()
        .expect("the night's RMSSD");
    assert_eq!(night_rmssd.readings, 1);
    assert!((night_rmssd.ln_rmssd - 30.0_f64.ln()).abs() < 1e-9);
    assert_eq!(seen(&reordered), expected);

    // Replaying every delivery, in either order, changes nothing more.
    for deletion_first in [false, true] {
        let (stored, deleted) = deliver(&mut reordered, deletion_first);
        assert_eq!(stored.0, duplicates(2));
        assert_eq!(stored.1, duplicates(2));
        assert_eq!(stored.2, duplicates(1));
        assert_eq!(
            deleted,
            (
                IngestReport::default(),
                IngestReport::default(),
                IngestReport::default()
            )
        );
        assert_eq!(seen(&reordered), expected);
    }
}

#[test]
fn a_deletion_of_a_sample_created_and_deleted_between_two_queries_is_no_error() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .ingest_quantities(HK_HR, &[hr(58.0, 60, "HK-1")], &[], Some(b"a1"))
        .unwrap();
    // HealthKit reports a deleted object the store never saw and never will (created and deleted
    // between two queries): the batch commits, deletes nothing, moves the anchor.
    let report = store
        .ingest_quantities(HK_HR, &[], &strings(&["HK-8"]), Some(b"a2"))
        .unwrap();
    assert_eq!(report, IngestReport::default());
    assert_eq!(ids(&live(&store, QuantityKind::HeartRate)), ["HK-1"]);
    assert_eq!(store.anchor(HK_HR).unwrap(), Some(b"a2".to_vec()));
    // Later batches are stored as usual, and a sweep is not disturbed by the remembered id.
    let later = store
        .ingest_quantities(HK_HR, &[hr(66.0, 70, "HK-2")], &[], Some(b"a3"))
        .unwrap();
    assert_eq!(later, inserted(1));
    let (from, to) = range();
    let swept = store
        .sweep_quantities(HK_HR, &strings(&["HK-2"]), from, to, Some(b"a4"))
        .unwrap();
    assert_eq!(swept, 1);
    assert_eq!(ids(&live(&store, QuantityKind::HeartRate)), ["HK-2"]);
}

#[test]
fn a_sample_re_saved_under_a_new_uuid_is_one_row_and_counted_once() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .ingest(HK_SLEEP, &[night(Some("HK-S1"), watch())], &[], Some(b"s1"))
        .unwrap();
    let sdnn = |value: f64, minute: i64, id: &str| {
        sample(QuantityKind::HrvSdnn, value, minute, id, watch())
    };
    store
        .ingest_quantities(
            HK_SDNN,
            &[sdnn(40.0, 120, "HK-A"), sdnn(60.0, 240, "HK-C")],
            &[],
            Some(b"h1"),
        )
        .unwrap();
    let summary = |store: &Store| {
        let days = daily_summaries(
            store,
            date(2022, 10, 28),
            date(2022, 10, 28),
            &SummarySettings::default(),
        )
        .unwrap();
        days[0].hrv_sdnn.clone().expect("the night's SDNN")
    };
    let before = summary(&store);
    assert_eq!(before.readings, 2);
    assert!((before.sdnn_ms - 50.0).abs() < 1e-9);

    // The app re-saves HK-A with its sync identifier: HealthKit gives the same content a new UUID
    // and reports the old UUID deleted, in the same anchored-query result.
    let report = store
        .ingest_quantities(
            HK_SDNN,
            &[sdnn(40.0, 120, "HK-B")],
            &strings(&["HK-A"]),
            Some(b"h2"),
        )
        .unwrap();
    assert_eq!(
        report,
        IngestReport {
            inserted: 1,
            deleted: 1,
            ..IngestReport::default()
        }
    );
    assert_eq!(ids(&live(&store, QuantityKind::HrvSdnn)), ["HK-B", "HK-C"]);
    let after = summary(&store);
    assert_eq!(after.readings, 2, "the re-saved sample is counted once");
    assert!((after.sdnn_ms - 50.0).abs() < 1e-9);
    assert_eq!(after.source, watch().name);
}

#[test]
fn a_token_expiry_full_re_read_sweeps_what_did_not_come_back_and_keeps_the_rest() {
    let mut store = Store::open_in_memory().unwrap();
    // What the expired token had delivered: four RMSSD readings (one on the next day), the resting
    // heart rate from another stream, and the night.
    store
        .ingest_quantities(
            HC_RMSSD,
            &[
                rmssd(30.0, 60, "HC-1"),
                rmssd(35.0, 120, "HC-2"),
                rmssd(50.0, 180, "HC-3"),
                rmssd(45.0, 36 * 60, "HC-4"),
            ],
            &[],
            Some(b"tok1"),
        )
        .unwrap();
    store
        .ingest_quantities(
            HC_RESTING,
            &[sample(
                QuantityKind::RestingHeartRate,
                52.0,
                400,
                "HC-R1",
                fit(),
            )],
            &[],
            Some(b"rtok1"),
        )
        .unwrap();
    store
        .ingest(
            HC_SLEEP,
            &[night(Some("HC-S1"), fit())],
            &[],
            Some(b"stok1"),
        )
        .unwrap();

    // The token expired; the shell takes a new one first, then re-reads 28 October whole, in two
    // batches without an anchor: HC-2 was edited, HC-3 deleted meanwhile, HC-5 is new.
    let day_from = berlin("2022-10-28 00:00:00 +0200").utc();
    let day_to = berlin("2022-10-29 00:00:00 +0200").utc();
    let reread_a = [rmssd(30.0, 60, "HC-1"), rmssd(38.0, 120, "HC-2")];
    let reread_b = [rmssd(40.0, 300, "HC-5")];
    let first = store
        .ingest_quantities(HC_RMSSD, &reread_a, &[], None)
        .unwrap();
    assert_eq!(
        first,
        IngestReport {
            updated: 1,
            duplicates: 1,
            ..IngestReport::default()
        }
    );
    store
        .ingest_quantities(HC_RMSSD, &reread_b, &[], None)
        .unwrap();
    // Until the sweep commits, nothing is removed and the old token stays.
    assert_eq!(
        ids(&live(&store, QuantityKind::HrvRmssd)),
        ["HC-1", "HC-2", "HC-3", "HC-5", "HC-4"]
    );
    assert_eq!(store.anchor(HC_RMSSD).unwrap(), Some(b"tok1".to_vec()));

    let seen = strings(&["HC-1", "HC-2", "HC-5"]);
    let swept = store
        .sweep_quantities(HC_RMSSD, &seen, day_from, day_to, Some(b"tok2"))
        .unwrap();
    assert_eq!(swept, 1);
    let rows = live(&store, QuantityKind::HrvRmssd);
    // HC-3 is gone; HC-4 lies outside the range read and stays; HC-2 has its edited value.
    assert_eq!(ids(&rows), ["HC-1", "HC-2", "HC-5", "HC-4"]);
    assert_eq!(rows[1].value, 38.0);
    assert_eq!(store.anchor(HC_RMSSD).unwrap(), Some(b"tok2".to_vec()));
    // Another stream is untouched by this stream's sweep.
    assert_eq!(
        ids(&live(&store, QuantityKind::RestingHeartRate)),
        ["HC-R1"]
    );
    assert_eq!(store.anchor(HC_RESTING).unwrap(), Some(b"rtok1".to_vec()));
    // A late replay of the old delivery does not bring the swept reading back.
    let replay = store
        .ingest_quantities(HC_RMSSD, &[rmssd(50.0, 180, "HC-3")], &[], None)
        .unwrap();
    assert_eq!(replay, duplicates(1));
    assert_eq!(live(&store, QuantityKind::HrvRmssd).len(), 4);

    // The summary of the night reads the platform RMSSD that survived the sweep: HC-1, HC-2, HC-5.
    let days = daily_summaries(
        &store,
        date(2022, 10, 28),
        date(2022, 10, 28),
        &SummarySettings::default(),
    )
    .unwrap();
    let night_rmssd = days[0].hrv_rmssd.as_ref().expect("the night's RMSSD");
    assert_eq!(night_rmssd.readings, 3);
    let expected = (30.0_f64.ln() + 38.0_f64.ln() + 40.0_f64.ln()) / 3.0;
    assert!((night_rmssd.ln_rmssd - expected).abs() < 1e-9);

    // The sleep stream's token expired too, and the night was deleted meanwhile: the re-read finds
    // no session in the range, and the sweep removes it.
    let (wide_from, wide_to) = range();
    let swept_nights = store
        .sweep::<SleepSession>(HC_SLEEP, &[], wide_from, wide_to, Some(b"stok2"))
        .unwrap();
    assert_eq!(swept_nights, 1);
    assert!(
        store
            .records::<SleepSession>(wide_from, wide_to)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.anchor(HC_SLEEP).unwrap(), Some(b"stok2".to_vec()));
}

#[test]
fn a_deletion_carrying_only_the_record_id_deletes_within_its_path() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .ingest_quantities(
            HC_RMSSD,
            &[rmssd(30.0, 60, "HC-1"), rmssd(35.0, 120, "HC-2")],
            &[],
            Some(b"tok1"),
        )
        .unwrap();
    store
        .ingest(
            HC_SLEEP,
            &[night(Some("HC-S1"), fit())],
            &[],
            Some(b"stok1"),
        )
        .unwrap();
    // A changes response: deletions are bare record ids, without a type or a value.
    let deleted = strings(&["HC-2", "HC-S1"]);
    let quantity_report = store
        .ingest_quantities(HC_RMSSD, &[], &deleted, Some(b"tok2"))
        .unwrap();
    // The quantity path finds the sample by its id alone; the session id is not a sample.
    assert_eq!(quantity_report.deleted, 1);
    assert_eq!(ids(&live(&store, QuantityKind::HrvRmssd)), ["HC-1"]);
    let (from, to) = range();
    assert_eq!(store.records::<SleepSession>(from, to).unwrap().len(), 1);
    // The record path deletes the session of its kind; the sample id is nothing to it.
    let record_report = store
        .ingest::<SleepSession>(HC_SLEEP, &[], &deleted, Some(b"stok2"))
        .unwrap();
    assert_eq!(record_report.deleted, 1);
    assert!(store.records::<SleepSession>(from, to).unwrap().is_empty());
    assert_eq!(ids(&live(&store, QuantityKind::HrvRmssd)), ["HC-1"]);
}

/// One generated delivery: `id` picks a platform id from a small pool (so ids repeat, within a
/// batch and across batches) or, when `None`, no platform id (an export row, keyed by content);
/// `value` 0 is invalid (heart rate below 20 bpm), so some samples are skipped.
#[derive(Debug, Clone)]
struct Delivery {
    id: Option<u8>,
    value: u8,
    minute: u8,
}

fn delivery() -> impl Strategy<Value = Delivery> {
    (
        proptest::option::weighted(0.7, 0_u8..24),
        prop_oneof![1 => Just(0_u8), 9 => 60_u8..63],
        0_u8..4,
    )
        .prop_map(|(id, value, minute)| Delivery { id, value, minute })
}

fn delivered(deliveries: &[Delivery]) -> Vec<QuantitySample> {
    deliveries
        .iter()
        .map(|d| QuantitySample {
            platform_id: d.id.map(|id| format!("hk-{id}")),
            ..hr(f64::from(d.value), i64::from(d.minute), "")
        })
        .collect()
}

fn sum(reports: impl IntoIterator<Item = IngestReport>) -> (usize, usize, usize, usize, usize) {
    reports.into_iter().fold((0, 0, 0, 0, 0), |total, r| {
        (
            total.0 + r.inserted,
            total.1 + r.updated,
            total.2 + r.duplicates,
            total.3 + r.deleted,
            total.4 + r.skipped.len(),
        )
    })
}

fn rows(store: &Store) -> Vec<(Option<String>, u64, DateTime<Utc>)> {
    let mut rows: Vec<_> = live(store, QuantityKind::HeartRate)
        .into_iter()
        .map(|s| (s.platform_id, s.value.to_bits(), s.start.utc()))
        .collect();
    rows.sort();
    rows
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A batch is stored several rows to a statement (`store/quantity.rs`, "Multi-row inserts"):
    /// whatever it holds (new ids, ids stored or deleted before, edits, ids repeated within it,
    /// invalid samples, export rows), it counts and stores what storing its samples one at a time
    /// does.
    #[test]
    fn a_batch_stores_and_counts_as_its_samples_one_at_a_time(
        before in proptest::collection::vec(delivery(), 0..90),
        deleted in proptest::collection::vec(0_u8..24, 0..6),
        batch in proptest::collection::vec(delivery(), 60..260),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let deleted: Vec<String> = deleted.iter().map(|id| format!("hk-{id}")).collect();
        let stores: Vec<Store> = ["whole.db", "single.db"]
            .iter()
            .map(|name| {
                let mut store = Store::open(dir.path().join(name)).unwrap();
                store.ingest_quantities(HK_HR, &delivered(&before), &deleted, None).unwrap();
                store
            })
            .collect();
        let [mut whole, mut single] = <[Store; 2]>::try_from(stores).ok().unwrap();
        let samples = delivered(&batch);
        let at_once = whole.ingest_quantities(HK_HR, &samples, &[], None).unwrap();
        let one_by_one: Vec<IngestReport> = samples
            .iter()
            .map(|s| single.ingest_quantities(HK_HR, std::slice::from_ref(s), &[], None).unwrap())
            .collect();
        prop_assert_eq!(sum([at_once]), sum(one_by_one));
        prop_assert_eq!(rows(&whole), rows(&single));
    }
}
