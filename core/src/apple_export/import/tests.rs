//! The importer on synthetic exports: counts, idempotence, newer exports, interruption, damage.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::*;
use crate::apple_export::synthetic::{GeneratedSummary, SyntheticExport};
use crate::health::QuantityKind;

/// Everything the store holds that an import writes, for comparing final states.
#[derive(Debug, PartialEq)]
struct Snapshot {
    quantities: Vec<QuantitySample>,
    series: Vec<HeartbeatSeries>,
    sessions: Vec<SleepSession>,
    workouts: Vec<Workout>,
}

fn snapshot(store: &Store) -> Snapshot {
    let from = DateTime::<Utc>::from_timestamp(0, 0).unwrap();
    let to = DateTime::<Utc>::from_timestamp(4_000_000_000, 0).unwrap();
    Snapshot {
        quantities: QuantityKind::ALL
            .iter()
            .flat_map(|&kind| store.quantities(kind, from, to).unwrap())
            .collect(),
        series: store.records(from, to).unwrap(),
        sessions: store.records(from, to).unwrap(),
        workouts: store.records(from, to).unwrap(),
    }
}

fn export(days: u32) -> SyntheticExport {
    SyntheticExport {
        days,
        ..SyntheticExport::default()
    }
}

fn write(dir: &Path, name: &str, cfg: &SyntheticExport) -> (PathBuf, GeneratedSummary) {
    let path = dir.join(name);
    let summary = cfg.write_zip(&path).unwrap();
    (path, summary)
}

fn import(store: &mut Store, path: &Path) -> ImportReport {
    import_export(store, path, |_| Flow::Continue).unwrap()
}

#[test]
fn an_export_is_stored_as_the_generator_wrote_it_less_the_documented_drops() {
    let dir = tempfile::tempdir().unwrap();
    let (path, summary) = write(dir.path(), "export.zip", &export(20));
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &path);
    assert_eq!(report.outcome, Outcome::Complete);
    assert!(
        report.parse_skipped.is_empty(),
        "{:?}",
        report.parse_skipped
    );
    assert!(
        report.store_skipped.is_empty(),
        "{:?}",
        report.store_skipped
    );
    assert_eq!(report.invalid_characters, summary.quirks.control_characters);
    // Every record the parser emitted reached the store.
    let emitted: u64 = report.parse.quantities.values().sum();
    assert_eq!(report.quantities.total(), emitted);
    assert_eq!(
        report.heartbeat_series.total(),
        report.parse.heartbeat_series
    );
    assert_eq!(report.workouts.total(), summary.total_workouts());
    // Records of types the core reads, distinct: the generator's distinct records less the
    // documented drops (ignored types, which include their duplicates, and sleep samples, which
    // become sessions).
    let sleep_samples: u64 = summary.sleep_values.values().sum();
    let read_records = summary.total_records() - report.parse.ignored_records - sleep_samples;
    assert_eq!(emitted, read_records);
    // Byte-identical copies are duplicates, the rest inserted.
    let sleep_duplicates = report.duplicate_sleep_samples;
    assert!(report.quantities.duplicates > 0);
    assert!(
        report.quantities.duplicates + sleep_duplicates + report.workouts.duplicates
            <= summary.quirks.duplicate_records
    );
    // Sessions hold every distinct sleep sample; at least one a night per source.
    let state = snapshot(&store);
    let segments: usize = state.sessions.iter().map(|s| s.segments.len()).sum();
    assert_eq!(segments as u64, sleep_samples - sleep_duplicates);
    assert!(state.sessions.len() >= 2 * 20, "{}", state.sessions.len());
    assert_eq!(state.sessions.len() as u64, report.sleep_sessions.inserted);
    assert_eq!(state.quantities.len() as u64, report.quantities.inserted);
    assert_eq!(state.workouts.len() as u64, report.workouts.inserted);
    assert_eq!(state.series.len() as u64, report.heartbeat_series.inserted);
}

#[test]
fn without_duplicate_records_every_emitted_record_is_inserted() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = SyntheticExport {
        quirks: crate::apple_export::Quirks {
            duplicate_records: false,
            ..crate::apple_export::Quirks::ALL
        },
        ..export(8)
    };
    let (path, summary) = write(dir.path(), "export.zip", &cfg);
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &path);
    let emitted: u64 = report.parse.quantities.values().sum();
    assert_eq!(report.quantities.inserted, emitted);
    assert_eq!(
        report.heartbeat_series.inserted,
        report.parse.heartbeat_series
    );
    assert_eq!(report.workouts.inserted, summary.total_workouts());
    assert_eq!(report.duplicate_sleep_samples, 0);
    assert_eq!(report.sleep_sessions.duplicates, 0);
}

#[test]
fn a_re_import_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write(dir.path(), "export.zip", &export(10));
    let mut store = Store::open_in_memory().unwrap();
    let first = import(&mut store, &path);
    let before = snapshot(&store);
    // The same data exported again: only the device addresses differ.
    let again = SyntheticExport {
        export_nonce: 99,
        ..export(10)
    };
    let (path, _) = write(dir.path(), "again.zip", &again);
    let second = import(&mut store, &path);
    for (kind, counts) in [
        ("quantities", second.quantities),
        ("series", second.heartbeat_series),
        ("sessions", second.sleep_sessions),
        ("workouts", second.workouts),
    ] {
        assert_eq!((kind, counts.inserted, counts.updated), (kind, 0, 0));
    }
    assert_eq!(
        second.quantities.duplicates,
        first.quantities.inserted + first.quantities.duplicates
    );
    assert_eq!(snapshot(&store), before);
}

#[test]
fn a_newer_export_adds_only_the_new_days() {
    let dir = tempfile::tempdir().unwrap();
    let older = export(10);
    let newer = older.newer(4);
    let (old_path, _) = write(dir.path(), "old.zip", &older);
    let (new_path, _) = write(dir.path(), "new.zip", &newer);
    let mut store = Store::open_in_memory().unwrap();
    let first = import(&mut store, &old_path);
    let second = import(&mut store, &new_path);
    let mut fresh = Store::open_in_memory().unwrap();
    let whole = import(&mut fresh, &new_path);
    assert_eq!(snapshot(&store), snapshot(&fresh));
    for (a, b, all) in [
        (first.quantities, second.quantities, whole.quantities),
        (
            first.heartbeat_series,
            second.heartbeat_series,
            whole.heartbeat_series,
        ),
        (
            first.sleep_sessions,
            second.sleep_sessions,
            whole.sleep_sessions,
        ),
        (first.workouts, second.workouts, whole.workouts),
    ] {
        assert_eq!(b.updated, 0);
        assert_eq!(a.inserted + b.inserted, all.inserted);
    }
    assert!(second.quantities.inserted > 0);
}

#[test]
fn a_cancelled_import_completes_on_a_re_run() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write(dir.path(), "export.zip", &export(20));
    let mut store = Store::open_in_memory().unwrap();
    let cancelled = import_export(&mut store, &path, |p| match p.total_bytes {
        Some(total) if p.bytes_read * 2 >= total => Flow::Cancel,
        _ => Flow::Continue,
    })
    .unwrap();
    assert_eq!(cancelled.outcome, Outcome::Cancelled);
    assert!(cancelled.quantities.inserted > 0);
    let partial = snapshot(&store);
    let resumed = import(&mut store, &path);
    assert_eq!(resumed.outcome, Outcome::Complete);
    assert_eq!(resumed.sleep_sessions.updated, 0);
    let mut fresh = Store::open_in_memory().unwrap();
    import(&mut fresh, &path);
    let whole = snapshot(&fresh);
    assert_ne!(partial, whole);
    assert_eq!(snapshot(&store), whole);
}

#[test]
fn a_truncated_zip_fails_clearly_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write(dir.path(), "export.zip", &export(5));
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, &path);
    let before = snapshot(&store);
    let (bigger, _) = write(dir.path(), "newer.zip", &export(5).newer(5));
    let bytes = std::fs::read(&bigger).unwrap();
    let cut = dir.path().join("cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let error = import_export(&mut store, &cut, |_| Flow::Continue)
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(error, ImportError::Parse(ParseError::Zip(_))),
        "{error}"
    );
    assert_eq!(snapshot(&store), before);
}

#[test]
fn a_cut_xml_keeps_what_came_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    export(5).write_xml(&mut bytes).unwrap();
    let cut = dir.path().join("export.xml");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &cut);
    assert_eq!(report.outcome, Outcome::Truncated);
    assert!(report.quantities.inserted > 0);
    assert_eq!(
        snapshot(&store).quantities.len() as u64,
        report.quantities.inserted
    );
}

#[test]
fn a_file_that_is_not_an_export_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write(dir.path(), "export.zip", &export(3));
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, &path);
    let before = snapshot(&store);
    let other = dir.path().join("notes.xml");
    std::fs::write(
        &other,
        "<?xml version=\"1.0\"?>\n<notes><note>hi</note></notes>\n",
    )
    .unwrap();
    let error = import_export(&mut store, &other, |_| Flow::Continue)
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(error, ImportError::Parse(ParseError::NotAnExport)),
        "{error}"
    );
    assert!(error.to_string().contains("not an Apple Health export"));
    assert_eq!(snapshot(&store), before);
}

#[test]
fn a_store_failure_stops_the_import_with_its_error_and_keeps_the_committed_batches() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write(dir.path(), "export.zip", &export(80));
    let db = dir.path().join("alyze.db");
    let mut store = Store::open(&db).unwrap();
    // The database refuses every quantity sample after the first BATCH_SIZE + 1000, in the
    // middle of the second transaction.
    let limit = BATCH_SIZE + 1000;
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TABLE inserted (n INTEGER NOT NULL); INSERT INTO inserted VALUES (0);
             CREATE TRIGGER count_inserts AFTER INSERT ON quantity_sample
                 BEGIN UPDATE inserted SET n = n + 1; END;
             CREATE TRIGGER refuse_inserts BEFORE INSERT ON quantity_sample
                 WHEN (SELECT n FROM inserted) >= {limit}
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
        ))
        .unwrap();
    let mut read = (0, None);
    let error = import_export(&mut store, &path, |p| {
        read = (p.bytes_read, p.total_bytes);
        Flow::Continue
    })
    .map(|_| ())
    .unwrap_err();
    assert!(matches!(error, ImportError::Store(_)), "{error}");
    // The first transaction is kept whole, the failed one not at all: the rows stored are those
    // the counter (committed with them) saw, no more than one transaction's worth, while the
    // failed transaction had inserted up to `limit` before it failed.
    let committed: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT n FROM inserted", [], |row| row.get(0))
        .unwrap();
    let committed = usize::try_from(committed).unwrap();
    assert_eq!(snapshot(&store).quantities.len(), committed);
    assert!(
        committed <= BATCH_SIZE && committed > BATCH_SIZE - 500,
        "{committed}"
    );
    // The parse stopped soon after the failure instead of reading the rest of the file.
    let (bytes_read, total) = read;
    assert!(bytes_read < total.unwrap(), "{bytes_read} of {total:?}");
}
