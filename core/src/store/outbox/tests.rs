use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::health::time::tests::ts;
use crate::health::{QuantityKind, RecoveryModality, Source};

fn heart_rate(id: &str, value: f64, start_s: i64) -> QuantitySample {
    QuantitySample {
        kind: QuantityKind::HeartRate,
        value,
        start: ts(start_s),
        end: ts(start_s),
        source: Arc::new(Source::named("watch")),
        platform_id: Some(id.to_owned()),
    }
}

fn sauna(start_s: i64, minutes: f64) -> RecoverySession {
    RecoverySession {
        modality: RecoveryModality::Sauna,
        start: ts(start_s),
        duration_s: minutes * 60.0,
        temperature_c: Some(90.0),
        source: Source::named("app"),
    }
}

fn ingest(store: &mut Store, stream: &str, samples: &[QuantitySample], deleted: &[&str]) {
    let deleted: Vec<String> = deleted.iter().map(|s| (*s).to_owned()).collect();
    store
        .ingest_quantities(stream, samples, &deleted, None)
        .expect("ingests");
}

fn settle_all(store: &mut Store, ops: &[SyncOp]) {
    let answers: Vec<(String, OpOutcome)> = ops
        .iter()
        .map(|op| (op.op_id.clone(), OpOutcome::Applied))
        .collect();
    store.settle_ops(&answers).expect("settles");
}

fn drain(store: &mut Store) -> Vec<SyncOp> {
    let mut all = Vec::new();
    loop {
        let ops = store.sync_ops(100).expect("ops");
        if ops.is_empty() {
            return all;
        }
        settle_all(store, &ops);
        all.extend(ops);
    }
}

#[test]
fn new_samples_are_queued_once_with_their_bodies_and_kept_until_answered() {
    let mut store = Store::open_in_memory().expect("opens");
    ingest(
        &mut store,
        "healthkit:heart_rate",
        &[heart_rate("A", 61.0, 0), heart_rate("B", 62.0, 60)],
        &[],
    );
    assert_eq!(store.sync_backlog().expect("counts"), 2);
    let ops = store.sync_ops(10).expect("ops");
    assert_eq!(ops.len(), 2);
    assert!(
        ops.iter()
            .all(|op| op.collection == SAMPLE_COLLECTION && !op.deleted)
    );
    assert_eq!(ops[0].id, "A");
    let body: QuantitySample =
        serde_json::from_value(ops[0].body.clone().expect("a body")).expect("a sample");
    assert_eq!(body, heart_rate("A", 61.0, 0));
    // Unanswered, the same ops with the same op ids come again, also after new data.
    ingest(
        &mut store,
        "healthkit:heart_rate",
        &[heart_rate("C", 63.0, 120)],
        &[],
    );
    assert_eq!(store.sync_ops(10).expect("ops"), ops);
    settle_all(&mut store, &ops);
    let next = store.sync_ops(10).expect("ops");
    assert_eq!(
        next.iter().map(|op| op.id.as_str()).collect::<Vec<_>>(),
        ["C"]
    );
    settle_all(&mut store, &next);
    assert!(store.sync_ops(10).expect("ops").is_empty());
    assert_eq!(store.sync_backlog().expect("counts"), 0);
}

#[test]
fn an_edit_and_a_deletion_of_a_pushed_sample_are_queued_again() {
    let mut store = Store::open_in_memory().expect("opens");
    ingest(
        &mut store,
        "hc:heart_rate",
        &[heart_rate("A", 61.0, 0)],
        &[],
    );
    drain(&mut store);
    // A replay changes nothing and queues nothing.
    ingest(
        &mut store,
        "hc:heart_rate",
        &[heart_rate("A", 61.0, 0)],
        &[],
    );
    assert!(store.sync_ops(10).expect("ops").is_empty());
    ingest(
        &mut store,
        "hc:heart_rate",
        &[heart_rate("A", 64.0, 0)],
        &[],
    );
    let edited = drain(&mut store);
    assert_eq!(edited.len(), 1);
    assert_eq!(edited[0].body.as_ref().expect("a body")["value"], 64.0);
    ingest(&mut store, "hc:heart_rate", &[], &["A"]);
    let deleted = drain(&mut store);
    assert_eq!(deleted.len(), 1);
    assert!(deleted[0].deleted && deleted[0].body.is_none());
    assert_eq!(deleted[0].id, "A");
}

#[test]
fn records_are_queued_on_insert_edit_and_deletion() {
    let mut store = Store::open_in_memory().expect("opens");
    let session = sauna(0, 15.0);
    let id = crate::store::record_id(&session);
    store
        .ingest("manual:recovery", std::slice::from_ref(&session), &[], None)
        .expect("ingests");
    let first = drain(&mut store);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].collection, "recovery_session");
    assert_eq!(first[0].id, id);
    let back: RecoverySession =
        serde_json::from_value(first[0].body.clone().expect("a body")).expect("a session");
    assert_eq!(back, session);
    store
        .ingest("manual:recovery", &[sauna(0, 18.0)], &[], None)
        .expect("ingests");
    let edited = drain(&mut store);
    assert_eq!(edited.len(), 1);
    assert_eq!(
        edited[0].body.as_ref().expect("a body")["duration_s"],
        1080.0
    );
    store
        .ingest::<RecoverySession>("manual:recovery", &[], std::slice::from_ref(&id), None)
        .expect("ingests");
    let deleted = drain(&mut store);
    assert_eq!(deleted.len(), 1);
    assert!(deleted[0].deleted);
}

#[test]
fn the_outbox_survives_a_reopen_with_its_op_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("alyze.db");
    let ops = {
        let mut store = Store::open(&path).expect("opens");
        ingest(
            &mut store,
            "healthkit:heart_rate",
            &[heart_rate("A", 61.0, 0)],
            &[],
        );
        store.sync_ops(10).expect("ops")
    };
    let mut store = Store::open(&path).expect("reopens");
    assert_eq!(store.sync_ops(10).expect("ops"), ops);
}

#[test]
fn a_rejected_op_is_kept_aside_and_does_not_block_the_queue() {
    let mut store = Store::open_in_memory().expect("opens");
    ingest(
        &mut store,
        "healthkit:heart_rate",
        &[heart_rate("A", 61.0, 0), heart_rate("B", 62.0, 60)],
        &[],
    );
    let ops = store.sync_ops(10).expect("ops");
    store
        .settle_ops(&[
            (
                ops[0].op_id.clone(),
                OpOutcome::Rejected("invalid_body".into()),
            ),
            (ops[1].op_id.clone(), OpOutcome::Duplicate),
            ("not-an-op".into(), OpOutcome::Applied),
        ])
        .expect("settles");
    assert!(store.sync_ops(10).expect("ops").is_empty());
    let rejected = store.rejected_ops().expect("reads");
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].op, ops[0]);
    assert_eq!(rejected[0].reason, "invalid_body");
}

#[test]
fn rows_written_by_a_pull_are_not_queued() {
    let mut store = Store::open_in_memory().expect("opens");
    ingest(
        &mut store,
        "sync:quantity_sample",
        &[heart_rate("A", 61.0, 0)],
        &[],
    );
    store
        .ingest("sync:recovery_session", &[sauna(0, 15.0)], &[], None)
        .expect("ingests");
    ingest(
        &mut store,
        "sync:quantity_sample",
        &[heart_rate("A", 62.0, 0)],
        &[],
    );
    assert!(store.sync_ops(10).expect("ops").is_empty());
    assert_eq!(store.sync_backlog().expect("counts"), 0);
}

#[test]
fn a_large_backlog_is_paged_in_order() {
    let mut store = Store::open_in_memory().expect("opens");
    let samples: Vec<QuantitySample> = (0..250)
        .map(|i| heart_rate(&format!("S{i:03}"), 60.0, i * 60))
        .collect();
    ingest(&mut store, "healthkit:heart_rate", &samples, &[]);
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    let mut op_ids = Vec::new();
    loop {
        let ops = store.sync_ops(100).expect("ops");
        if ops.is_empty() {
            break;
        }
        sizes.push(ops.len());
        ids.extend(ops.iter().map(|op| op.id.clone()));
        op_ids.extend(ops.iter().map(|op| op.op_id.clone()));
        settle_all(&mut store, &ops);
    }
    assert_eq!(sizes, [100, 100, 50]);
    // Op ids are UUIDv7s in the order queued: the server's op log grows at its end.
    let parsed: Vec<Uuid> = op_ids
        .iter()
        .map(|id| Uuid::parse_str(id).expect("a UUID"))
        .collect();
    assert!(parsed.iter().all(|id| id.get_version_num() == 7));
    assert!(parsed.windows(2).all(|w| w[0] < w[1]));
    let expected: Vec<String> = samples
        .iter()
        .map(|s| s.platform_id.clone().expect("an id"))
        .collect();
    assert_eq!(ids, expected);
}

#[test]
fn a_reset_forgets_the_cursor_and_queues_everything_written_here_again() {
    let mut store = Store::open_in_memory().expect("opens");
    ingest(
        &mut store,
        "healthkit:heart_rate",
        &[heart_rate("A", 61.0, 0)],
        &[],
    );
    ingest(
        &mut store,
        "sync:quantity_sample",
        &[heart_rate("Z", 70.0, 0)],
        &[],
    );
    store
        .ingest("manual:recovery", &[sauna(0, 15.0)], &[], None)
        .expect("ingests");
    assert_eq!(drain(&mut store).len(), 2);
    assert_eq!(
        store.pull_position().expect("reads"),
        PullPosition::default()
    );
    store.save_pull_position("epoch-1", 42).expect("saves");
    assert_eq!(
        store.pull_position().expect("reads"),
        PullPosition {
            epoch: Some("epoch-1".into()),
            cursor: Some(42)
        }
    );
    store.reset_sync().expect("resets");
    assert_eq!(
        store.pull_position().expect("reads"),
        PullPosition::default()
    );
    let again = drain(&mut store);
    let mut ids: Vec<&str> = again.iter().map(|op| op.collection.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["quantity_sample", "recovery_session"]);
}

#[test]
fn a_derived_document_is_queued_only_when_it_changed() {
    let mut store = Store::open_in_memory().expect("opens");
    let day = serde_json::json!({"date": "2026-03-04", "score": 71});
    assert!(
        store
            .queue_document("readiness", "2026-03-04", &day)
            .expect("queues")
    );
    assert!(
        !store
            .queue_document("readiness", "2026-03-04", &day)
            .expect("queues")
    );
    let ops = drain(&mut store);
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].body.as_ref(), Some(&day));
    assert!(
        !store
            .queue_document("readiness", "2026-03-04", &day)
            .expect("queues")
    );
    let later = serde_json::json!({"date": "2026-03-04", "score": 64});
    assert!(
        store
            .queue_document("readiness", "2026-03-04", &later)
            .expect("queues")
    );
    // Another collection under the same id is its own document.
    assert!(
        store
            .queue_document("daily_summary", "2026-03-04", &day)
            .expect("queues")
    );
    // After a reset everything is sent again.
    drain(&mut store);
    store.reset_sync().expect("resets");
    assert!(
        store
            .queue_document("readiness", "2026-03-04", &later)
            .expect("queues")
    );
}

/// One step of a member's phone for the convergence property.
#[derive(Debug, Clone)]
enum Step {
    /// A platform batch: samples (id index, value) and deletions (id index).
    Batch(Vec<(u8, u8)>, Vec<u8>),
    /// A push of at most this many ops, whose answer is lost when the flag is set.
    Push(u8, bool),
    /// The app is closed and opened again.
    Reopen,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (
            prop::collection::vec((0u8..12, 40u8..120), 0..6),
            prop::collection::vec(0u8..12, 0..3)
        )
            .prop_map(|(samples, deleted)| Step::Batch(samples, deleted)),
        2 => (1u8..8, any::<bool>()).prop_map(|(n, lost)| Step::Push(n, lost)),
        1 => Just(Step::Reopen),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the interleaving of platform batches, pushes (some of whose answers are lost) and
    /// restarts, once the queue is drained the server's view (the last op applied per record, an
    /// op applied at most once per op id) equals the store: every live sample with its current
    /// content, every deleted one as a tombstone.
    #[test]
    fn the_server_converges_on_the_store(steps in prop::collection::vec(step(), 1..40)) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("alyze.db");
        let mut store = Store::open(&path).expect("opens");
        let mut server: BTreeMap<String, Option<Value>> = BTreeMap::new();
        let mut applied: BTreeMap<String, SyncOp> = BTreeMap::new();
        let mut apply = |server: &mut BTreeMap<String, Option<Value>>, op: &SyncOp| {
            match applied.get(&op.op_id) {
                Some(seen) => prop_assert_eq!(seen, op, "an op id came back with another payload"),
                None => {
                    applied.insert(op.op_id.clone(), op.clone());
                    server.insert(op.id.clone(), op.body.clone());
                }
            }
            Ok(())
        };
        for (t, step) in steps.into_iter().enumerate() {
            match step {
                Step::Batch(samples, deleted) => {
                    let samples: Vec<QuantitySample> = samples
                        .iter()
                        .map(|&(id, value)| heart_rate(&format!("S{id}"), f64::from(value), i64::from(id) * 60))
                        .collect();
                    let deleted: Vec<String> = deleted.iter().map(|id| format!("S{id}")).collect();
                    let deleted: Vec<&str> = deleted.iter().map(String::as_str).collect();
                    ingest(&mut store, &format!("hc:heart_rate:{}", t % 2), &samples, &deleted);
                }
                Step::Push(n, lost) => {
                    let ops = store.sync_ops(usize::from(n)).expect("ops");
                    for op in &ops {
                        apply(&mut server, op)?;
                    }
                    if !lost {
                        settle_all(&mut store, &ops);
                    }
                }
                Step::Reopen => {
                    drop(store);
                    store = Store::open(&path).expect("reopens");
                }
            }
        }
        loop {
            let ops = store.sync_ops(5).expect("ops");
            if ops.is_empty() {
                break;
            }
            for op in &ops {
                apply(&mut server, op)?;
            }
            settle_all(&mut store, &ops);
        }
        let live: BTreeMap<String, Option<Value>> = store
            .quantities(QuantityKind::HeartRate, ts(-1).utc(), ts(100_000).utc())
            .expect("reads")
            .into_iter()
            .map(|s| (quantity_id(&s), Some(serde_json::to_value(&s).expect("json"))))
            .collect();
        let server_live: BTreeMap<String, Option<Value>> = server
            .iter()
            .filter(|(_, body)| body.is_some())
            .map(|(id, body)| (id.clone(), body.clone()))
            .collect();
        prop_assert_eq!(server_live, live);
    }
}

#[test]
fn a_store_syncs_for_one_member_until_it_is_erased() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("alyze.db");
    let mut store = Store::open(&path).expect("opens");
    assert!(store.bind_sync_member("ada").expect("binds"));
    assert!(store.bind_sync_member("ada").expect("checks"));
    let mut sample = heart_rate("A", 61.0, 0);
    sample.source = Arc::new(Source::named("Zebra Watch 7731"));
    store
        .ingest_quantities("healthkit:heart_rate", &[sample], &[], Some(b"anchor"))
        .expect("ingests");
    store.save_pull_position("epoch-1", 42).expect("saves");
    assert!(!store.bind_sync_member("bo").expect("checks"));
    assert_eq!(store.sync_backlog().expect("counts"), 1);

    store.erase().expect("erases");
    assert_eq!(store.sync_backlog().expect("counts"), 0);
    assert!(store.sync_ops(10).expect("ops").is_empty());
    let position = store.pull_position().expect("reads");
    assert_eq!((position.epoch, position.cursor), (None, None));
    assert!(
        store
            .anchor("healthkit:heart_rate")
            .expect("reads")
            .is_none()
    );
    let (from, to) = (ts(-86_400).utc(), ts(86_400).utc());
    assert!(
        store
            .quantities(QuantityKind::HeartRate, from, to)
            .expect("reads")
            .is_empty()
    );
    assert!(store.bind_sync_member("bo").expect("binds the next member"));
    // Gone from the file too, not only from the tables: no byte of it keeps the source's name.
    drop(store);
    let bytes = std::fs::read(&path).expect("reads the file");
    assert!(
        !bytes.windows(10).any(|w| w == b"Zebra Watc"),
        "the source's name survived"
    );
}
