//! Fault tests of sync (`docs/sync.md`) against the real `alyze-server` binary on a loopback port,
//! with phones simulated in this process by the core itself: each phone is its own
//! `alyze_core::store::Store` in a temporary file behind a `Mutex`, an in-memory credential store,
//! enrolled with a code from the `create-code` subcommand and synced with `alyze_core::sync::sync`.
//!
//! What they prove, each on SQLite and on PostgreSQL (the restore from a backup on SQLite only):
//! - the server SIGKILLed at random moments while three phones upload and restarted on the same
//!   port and storage: every phone ends with an empty backlog, and every op took effect exactly
//!   once (a second device of each member pulls exactly the first phone's records, and a direct
//!   pull shows each record once, at version 1, with cursors that only go up);
//! - two devices of one member writing at once while a third pulls in small pages: all three
//!   end with every record;
//! - the admin subcommands work beside a server busy with uploads;
//! - a phone whose runs are cancelled after 1, 2, 3, ... ms, the app restarted after each (a
//!   client killed between any two steps), converges;
//! - a push whose answer is lost after the server committed it (the connection closed without the
//!   answer, or the answer held past the phone's timeout, by a TCP proxy in between) is answered
//!   `duplicate` on the retry and applied once; a refresh whose answer is lost is retried within
//!   the server's grace and the run goes on (with no grace, the phone is signed out), and nothing
//!   is lost either way;
//! - duplicated, replayed and reordered batches change nothing;
//! - a poison op (a body PostgreSQL cannot store, a read-only or unknown collection) is rejected
//!   while the good ops of the same push apply, and a phone whose outbox holds one sets it aside
//!   and pushes the rest;
//! - a server restored from an older backup (a copy of its data dir, then `new-epoch`) makes the
//!   phones resync and push again what the restore lost, and another device gets it back;
//! - a record the clinic deletes and enters again reaches the phone again;
//! - a phone away past the tombstone retention (`purge-tombstones --retention-days 0`) resyncs
//!   and drops what was deleted meanwhile;
//! - a two-phone edit of one check-in: the stale edit is a conflict kept in the history;
//! - a phone whose clock is behind (an expired token taken for a good one) or ahead (a good one
//!   taken for expired), dating its samples a year ahead, converges;
//! - a year of backlog (8,760 hourly samples and 365 sessions) goes up in full batches of 500
//!   and down to a second phone in pages of 97;
//! - the serving server purges old tombstones on its own, and a phone that was away resyncs.
//!
//! The second member on one device is in `sync_cli.rs` (it needs the command line's sign-out).
//!
//! Two of these found bugs, fixed since: a record held as a tombstone on a phone was not revived by
//! a pulled live change (the store now lets a pull bring a tombstone back; a platform's deletion
//! stays final), and the SQLite backend's deferred write transactions made an admin subcommand
//! fail with "database is locked" beside a busy server (write transactions are now IMMEDIATE).
//!
//! Randomness (the kill schedule, the phones' pace) comes from a small xorshift generator seeded
//! with a fixed number, printed; set `ALYZE_FAULTS_SEED` to try another.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use alyze_core::health::{
    CheckIn, LabResult, McLeanItems, QuantityKind, QuantitySample, Questionnaire, RecoveryModality,
    RecoverySession, Source, Timestamp,
};
use alyze_core::store::{Store, quantity_id, record_id};
use alyze_core::sync::wire::{Change, PullRequest, PullResponse};
use alyze_core::sync::{
    InMemoryCredentials, ServerClient, SyncError, SyncProgress, SyncReport, SyncSettings, sync,
};
use chrono::{DateTime, TimeZone, Utc};
use common::postgres::TestDatabase;
use common::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const BIN: &str = env!("CARGO_BIN_EXE_alyze-server");
/// The cheapest Argon2 and a rate limit no phone here reaches (enrolments come in bursts).
const SERVE_FLAGS: [&str; 12] = [
    "--argon2-memory-kib",
    "8",
    "--argon2-iterations",
    "1",
    "--argon2-parallelism",
    "1",
    "--auth-rate-burst",
    "100000",
    "--auth-rate-refill-per-minute",
    "100000",
    "--database-pool-size",
    "4",
];
const DEFAULT_SEED: u64 = 0x5eed_a1f2_c0ff_ee17;
const HEART_RATE: QuantityKind = QuantityKind::HeartRate;

// ---------------------------------------------------------------------------------------------
// Randomness

/// xorshift64 (Marsaglia 2003): enough for a kill schedule, and the same for the same seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `lo..hi` (ms).
    fn ms(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.next() % (hi - lo).max(1))
    }
}

/// The seed of this run: `ALYZE_FAULTS_SEED` (decimal or 0x hex) or the fixed default, printed.
fn seed(test: &str) -> u64 {
    let seed = std::env::var("ALYZE_FAULTS_SEED")
        .ok()
        .and_then(|s| match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => s.parse().ok(),
        })
        .unwrap_or(DEFAULT_SEED);
    eprintln!("{test}: seed {seed:#x} (ALYZE_FAULTS_SEED to change)");
    seed
}

// ---------------------------------------------------------------------------------------------
// The server binary and its storage

/// Where the binary keeps its data: a data dir, or a PostgreSQL database of the test's own.
struct Storage {
    /// `--data-dir DIR` or `--database-url URL`.
    flag: [OsString; 2],
    dir: tempfile::TempDir,
    _database: Option<TestDatabase>,
}

impl Storage {
    async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => Self {
                flag: [
                    "--data-dir".into(),
                    dir.path().join("data").into_os_string(),
                ],
                dir,
                _database: None,
            },
            Backend::Postgres => {
                let database = TestDatabase::create().await;
                Self {
                    flag: ["--database-url".into(), database.url().into()],
                    dir,
                    _database: Some(database),
                }
            }
        }
    }

    /// The SQLite data dir (meaningful on SQLite only).
    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The binary with the storage flag, and none of the caller's storage variables.
    fn command(&self) -> Command {
        let mut command = Command::new(BIN);
        command
            .env_remove("ALYZE_SERVER_DATA_DIR")
            .env_remove("ALYZE_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .args(&self.flag);
        command
    }

    /// An admin subcommand's `--json` output.
    fn admin(&self, args: &[&str]) -> Value {
        let out = self.command().arg("--json").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "alyze-server {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn clinic(&self) -> String {
        self.admin(&["create-clinic", "--name", "North"])["clinic_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn member(&self, clinic: &str, name: &str) -> String {
        self.admin(&["create-member", "--clinic", clinic, "--name", name])["member_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn code(&self, member: &str) -> String {
        self.admin(&["create-code", "--member", member])["code"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// A free loopback port: bound, read and released, so the server can be started (and started
/// again) at the same URL.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The `alyze-server` process serving `storage` on a fixed port; killed when dropped.
struct Server {
    child: Option<Child>,
    port: u16,
    command: Command,
    log: PathBuf,
    starts: usize,
}

impl Server {
    /// Starts the server on a free port and waits until it listens.
    fn start(storage: &Storage) -> Self {
        Self::start_with(storage, &[])
    }

    /// The same, with `flags` added to the command line.
    fn start_with(storage: &Storage, flags: &[&str]) -> Self {
        let mut command = storage.command();
        let port = free_port();
        command
            .args(["--listen", &format!("127.0.0.1:{port}"), "--json"])
            .args(SERVE_FLAGS)
            .args(flags);
        let mut server = Self {
            child: None,
            port,
            command,
            log: storage.dir.path().join("server.log"),
            starts: 0,
        };
        server.spawn();
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Starts the process (again) and waits for its first line, `{"listening": ...}`. Blocking.
    fn spawn(&mut self) {
        assert!(self.child.is_none(), "the server is running already");
        for _ in 0..50 {
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.log)
                .unwrap();
            let mut child = self
                .command
                .stdout(Stdio::piped())
                .stderr(Stdio::from(log))
                .spawn()
                .unwrap();
            let mut first_line = String::new();
            BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut first_line)
                .unwrap();
            if first_line.contains("listening") {
                self.starts += 1;
                self.child = Some(child);
                return;
            }
            // It could not listen (yet): the port is ours, but try again a moment later.
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server would not start again: {}", self.log_tail());
    }

    /// SIGKILL (`Child::kill` on Unix): no shutdown of any kind.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// SIGTERM, and waits for the graceful stop (exit status 0).
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = child.id().to_string();
            assert!(
                Command::new("kill")
                    .args(["-TERM", &pid])
                    .status()
                    .unwrap()
                    .success()
            );
            let status = child.wait().unwrap();
            assert!(status.success(), "{status}: {}", self.log_tail());
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("server log (last lines):\n{}", self.log_tail());
        }
        self.kill();
    }
}

/// Storage with one clinic and its member Ada (her id), and the server on it, started with `flags`.
async fn ada_on_a_server(backend: Backend, flags: &[&str]) -> (Storage, String, Server) {
    let storage = Storage::new(backend).await;
    let clinic = storage.clinic();
    let member = storage.member(&clinic, "Ada");
    let server = Server::start_with(&storage, flags);
    (storage, member, server)
}

// ---------------------------------------------------------------------------------------------
// Phones

/// Short waits and retries, so a dead server fails a run in well under a second.
fn quick_settings() -> SyncSettings {
    SyncSettings {
        batch_ops: 25,
        pull_limit: 100,
        max_attempts: 3,
        backoff_base_ms: 20,
        backoff_max_ms: 100,
        connect_timeout_ms: 500,
        request_timeout_ms: 3000,
        ..SyncSettings::default()
    }
}

/// A member's phone: its own store file, keychain and client.
struct Phone {
    name: String,
    store: Arc<Mutex<Store>>,
    keychain: InMemoryCredentials,
    client: ServerClient,
    settings: SyncSettings,
    dir: tempfile::TempDir,
}

impl Phone {
    /// A new phone with an empty store, enrolled with `code`.
    async fn enrol(name: &str, url: &str, code: &str, settings: SyncSettings) -> Self {
        Self::enrol_at(tempfile::tempdir().unwrap(), name, url, code, settings).await
    }

    /// A phone whose store is (or will be) `dir/phone.db`, enrolled with `code`.
    async fn enrol_at(
        dir: tempfile::TempDir,
        name: &str,
        url: &str,
        code: &str,
        settings: SyncSettings,
    ) -> Self {
        let store = Store::open(phone_db(&dir)).unwrap();
        let client = ServerClient::new(url, &settings).unwrap();
        let credentials = client.enrol(code, name).await.unwrap();
        Self {
            name: name.to_owned(),
            store: Arc::new(Mutex::new(store)),
            keychain: InMemoryCredentials(Some(credentials)),
            client,
            settings,
            dir,
        }
    }

    /// One run of the protocol.
    async fn sync(&mut self) -> Result<SyncReport, SyncError> {
        sync(
            &self.store,
            &self.client,
            &mut self.keychain,
            &self.settings,
            None,
            &mut |_| {},
        )
        .await
    }

    /// Syncs until a run succeeds with nothing left to push (a few tries: the server may be
    /// coming back); the last run's report.
    async fn sync_to_the_end(&mut self) -> SyncReport {
        for _ in 0..40 {
            match self.sync().await {
                Ok(report) if self.backlog() == 0 => return report,
                Ok(_) => {}
                Err(e) if tolerated(&e) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(e) => panic!("{}: a sync failed for good: {e}", self.name),
            }
        }
        panic!("{}: the sync never finished", self.name);
    }

    /// The app is killed and started again: the store is opened afresh from its file (what
    /// was committed is all there is; nothing else of the phone's memory survives but the
    /// keychain).
    fn restart_app(&mut self) {
        let reopened = Store::open(phone_db(&self.dir)).unwrap();
        *self.store() = reopened;
        self.client = ServerClient::new(self.client.base_url(), &self.settings).unwrap();
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    fn backlog(&self) -> u64 {
        self.store().sync_backlog().unwrap()
    }

    fn member_id(&self) -> String {
        self.keychain.0.as_ref().unwrap().member_id.clone()
    }

    fn access_token(&self) -> String {
        self.keychain.0.as_ref().unwrap().access_token.clone()
    }

    fn samples(&self) -> Vec<QuantitySample> {
        samples_of(&self.store())
    }

    fn sessions(&self) -> Vec<RecoverySession> {
        sessions_of(&self.store())
    }

    fn write_samples(&self, samples: &[QuantitySample]) {
        let report = self
            .store()
            .ingest_quantities("healthkit:heart_rate", samples, &[], None)
            .unwrap();
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    }

    fn write_sessions(&self, sessions: &[RecoverySession]) {
        let report = self
            .store()
            .ingest("alyze:log", sessions, &[], None)
            .unwrap();
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    }
}

fn phone_db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("phone.db")
}

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Failures a run may end with while the server is down or dying: the retries ran out, or the
/// server died while sending an answer (its body cut short).
fn tolerated(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::Network { .. }
            | SyncError::Protocol {
                what: "an answer that is not the expected JSON"
            }
    )
}

fn samples_of(store: &Store) -> Vec<QuantitySample> {
    let (from, to) = span();
    store.quantities(HEART_RATE, from, to).unwrap()
}

fn sessions_of(store: &Store) -> Vec<RecoverySession> {
    let (from, to) = span();
    store.records::<RecoverySession>(from, to).unwrap()
}

fn span() -> (DateTime<Utc>, DateTime<Utc>) {
    (
        Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap(),
    )
}

fn at(minutes: i64) -> Timestamp {
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 6, 0, 0).unwrap();
    Timestamp::at_utc(start + chrono::TimeDelta::minutes(minutes))
}

/// Heart-rate sample `i` of the phone tagged `tag`, with a platform id of its own.
fn heart_rate(tag: &str, i: usize) -> QuantitySample {
    let minute = i64::try_from(i).unwrap();
    QuantitySample::new(
        HEART_RATE,
        55.0 + ((i * 7) % 80) as f64,
        at(minute),
        at(minute),
        Source::named("Apple Watch"),
        Some(format!("{tag}-hr-{i:05}")),
    )
    .unwrap()
}

fn heart_rates(tag: &str, range: std::ops::Range<usize>) -> Vec<QuantitySample> {
    range.map(|i| heart_rate(tag, i)).collect()
}

/// Sauna session `i` (its id is a content id: modality, start, duration, source).
fn sauna(i: usize) -> RecoverySession {
    RecoverySession::new(
        RecoveryModality::Sauna,
        at(i64::try_from(i).unwrap() * 24 * 60 + 18 * 60),
        900.0 + i as f64,
        Some(85.0),
        Source::named("alyze"),
    )
    .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Checks from the server's side

/// Every change of the member from the start, as a device with `token` pulls it directly, page
/// after page of `limit`; checks that cursors and seqs only go up.
async fn pull_everything(url: &str, token: &str, limit: u32) -> Vec<Change> {
    let http = reqwest::Client::new();
    let mut request = PullRequest {
        epoch: None,
        cursor: None,
        limit,
    };
    let mut changes: Vec<Change> = Vec::new();
    for _ in 0..10_000 {
        let r = http
            .post(format!("{url}/v1/sync/pull"))
            .bearer_auth(token)
            .json(&request)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let page: PullResponse = r.json().await.unwrap();
        let cursor = page.cursor.expect("a page has a cursor");
        if let Some(before) = request.cursor {
            assert!(
                cursor >= before,
                "the cursor went back: {before} -> {cursor}"
            );
            if !page.changes.is_empty() {
                assert!(cursor > before, "a page of changes did not move the cursor");
            }
        }
        for change in &page.changes {
            let last = changes
                .last()
                .map_or(request.cursor.unwrap_or(0), |c| c.seq);
            assert!(change.seq > last, "seq {} after {last}", change.seq);
            assert!(
                change.seq <= cursor,
                "seq {} past the cursor {cursor}",
                change.seq
            );
        }
        changes.extend(page.changes);
        if !page.more {
            return changes;
        }
        request.epoch = Some(page.epoch);
        request.cursor = Some(cursor);
    }
    panic!("the pull never ended");
}

/// Checks the server holds, for `member`, exactly `samples` and `sessions` (no loss, no
/// duplicate, nothing else), each applied once: a new device of the member, enrolled with a new
/// code, pulls everything into a fresh store and holds exactly those records; and a direct pull
/// shows each record once, live, at version 1.
async fn assert_server_holds(
    storage: &Storage,
    url: &str,
    member: &str,
    samples: &[QuantitySample],
    sessions: &[RecoverySession],
) {
    assert_server_holds_at(storage, url, member, samples, sessions, 1).await;
}

/// [`assert_server_holds`], with every record at `version`.
async fn assert_server_holds_at(
    storage: &Storage,
    url: &str,
    member: &str,
    samples: &[QuantitySample],
    sessions: &[RecoverySession],
    version: i64,
) {
    let code = storage.code(member);
    let mut copy = Phone::enrol("second device", url, &code, quick_settings()).await;
    let report = copy.sync().await.unwrap();
    assert_eq!((report.pushed, report.rejected), (0, 0), "{report:?}");
    assert_eq!(report.unreadable, 0, "{report:?}");
    assert_same_samples(&copy.samples(), samples);
    assert_eq!(copy.sessions(), sessions, "the sessions differ");

    let changes = pull_everything(url, &copy.access_token(), 97).await;
    let mut by_collection: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for change in &changes {
        by_collection
            .entry(change.collection.as_str())
            .or_default()
            .push(change);
    }
    let collections: BTreeSet<&str> = by_collection.keys().copied().collect();
    let expected: BTreeSet<&str> = [
        (!samples.is_empty()).then_some("quantity_sample"),
        (!sessions.is_empty()).then_some("recovery_session"),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(collections, expected, "the member's collections");
    let ids = |collection: &str| -> Vec<String> {
        let mut ids: Vec<String> = by_collection
            .get(collection)
            .map(|c| c.iter().map(|c| c.id.clone()).collect())
            .unwrap_or_default();
        ids.sort();
        ids
    };
    let mut want: Vec<String> = samples.iter().map(quantity_id).collect();
    want.sort();
    assert_eq!(ids("quantity_sample"), want, "the server's sample ids");
    let mut want: Vec<String> = sessions.iter().map(record_id).collect();
    want.sort();
    assert_eq!(ids("recovery_session"), want, "the server's session ids");
    assert_eq!(changes.len(), samples.len() + sessions.len());
    for change in &changes {
        assert!(
            !change.deleted,
            "{} {} is deleted",
            change.collection, change.id
        );
        // Applied once: a second application with another body would have made another version.
        assert_eq!(
            change.version, version,
            "{} {} at version {}",
            change.collection, change.id, change.version
        );
    }
}

/// The same samples (ids, values, times, sources), with a readable account of the difference.
fn assert_same_samples(got: &[QuantitySample], want: &[QuantitySample]) {
    if got == want {
        return;
    }
    let ids = |s: &[QuantitySample]| -> BTreeSet<String> { s.iter().map(quantity_id).collect() };
    let (got_ids, want_ids) = (ids(got), ids(want));
    let missing: Vec<_> = want_ids.difference(&got_ids).take(5).collect();
    let extra: Vec<_> = got_ids.difference(&want_ids).take(5).collect();
    let changed: Vec<_> = got
        .iter()
        .filter(|g| !want.contains(g))
        .take(2)
        .map(|g| format!("{g:?}"))
        .collect();
    panic!(
        "the samples differ: {} got, {} wanted; missing {missing:?}, extra {extra:?}, \
         different {changed:?}",
        got.len(),
        want.len()
    );
}

// ---------------------------------------------------------------------------------------------
// 1. SIGKILL during uploads from several phones

/// What one phone's syncing saw.
#[derive(Debug, Default)]
struct Runs {
    ok: usize,
    failed: usize,
    cut_answers: usize,
    duplicates: u64,
}

async fn sigkill_during_uploads_from_several_phones(backend: Backend) {
    const PHONES: usize = 3;
    const SAMPLES: usize = 600;
    const CHUNKS: usize = 12;
    const KILLS: usize = 5;
    let mut rng = Rng::new(seed("sigkill_during_uploads_from_several_phones"));
    let storage = Storage::new(backend).await;
    let clinic = storage.clinic();
    let server = Server::start(&storage);
    let url = server.url();

    let mut phones = Vec::new();
    for p in 0..PHONES {
        let member = storage.member(&clinic, &format!("Member {p}"));
        let code = storage.code(&member);
        phones.push(Phone::enrol(&format!("phone {p}"), &url, &code, quick_settings()).await);
    }

    let started = Instant::now();
    let killer_done = Arc::new(AtomicBool::new(false));
    let stores: Vec<Arc<Mutex<Store>>> = phones.iter().map(|p| Arc::clone(&p.store)).collect();
    let mut tasks = Vec::new();
    for (p, phone) in phones.into_iter().enumerate() {
        // The app writes while the sync runs: a writer of its own, on the same store.
        let store = Arc::clone(&phone.store);
        let mut pace = Rng::new(rng.next());
        let writer = tokio::spawn(async move {
            let tag = format!("m{p}");
            for chunk in 0..CHUNKS {
                let per = SAMPLES / CHUNKS;
                let samples = heart_rates(&tag, chunk * per..(chunk + 1) * per);
                let report = lock(&store)
                    .ingest_quantities("healthkit:heart_rate", &samples, &[], None)
                    .unwrap();
                assert_eq!(report.inserted, per);
                if chunk % 3 == 1 {
                    lock(&store)
                        .ingest("alyze:log", &[sauna(chunk)], &[], None)
                        .unwrap();
                }
                tokio::time::sleep(pace.ms(150, 300)).await;
            }
        });
        let killer_done = Arc::clone(&killer_done);
        tasks.push(tokio::spawn(async move {
            let mut phone = phone;
            let mut runs = Runs::default();
            let mut cursor = None;
            let mut writer = Some(writer);
            let mut writing = true;
            loop {
                if let Some(handle) = writer.take_if(|w| w.is_finished()) {
                    handle.await.unwrap();
                    writing = false;
                }
                if !writing && killer_done.load(Ordering::SeqCst) {
                    break;
                }
                match phone.sync().await {
                    Ok(report) => {
                        runs.ok += 1;
                        runs.duplicates += report.duplicates;
                        assert!(!report.resynced, "{}: {report:?}", phone.name);
                        assert_eq!(report.rejected, 0, "{}: {report:?}", phone.name);
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    Err(e) if tolerated(&e) => {
                        runs.failed += 1;
                        if matches!(e, SyncError::Protocol { .. }) {
                            runs.cut_answers += 1;
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err(e) => panic!("{}: a sync failed for good: {e}", phone.name),
                }
                // The phone's cursor never goes back.
                let now = phone.store().pull_position().unwrap().cursor;
                assert!(
                    now >= cursor,
                    "{}: cursor {cursor:?} -> {now:?}",
                    phone.name
                );
                cursor = now;
            }
            let last = phone.sync_to_the_end().await;
            runs.duplicates += last.duplicates;
            (phone, runs)
        }));
    }

    // The killer: SIGKILL at random moments, restart on the same port and storage.
    let mut kills = Vec::new();
    let mut server = server;
    let backlog = || -> u64 { stores.iter().map(|s| lock(s).sync_backlog().unwrap()).sum() };
    for _ in 0..KILLS {
        tokio::time::sleep(rng.ms(150, 600)).await;
        // A random moment while the phones upload: within a few ms of a write not pushed yet
        // (SQLite keeps up with the writes, so many moments find nothing left to push).
        let deadline = Instant::now() + Duration::from_millis(500);
        while backlog() == 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(rng.ms(0, 6)).await;
        // What the phones have left to push as the server dies.
        let backlog = backlog();
        server.kill();
        kills.push((started.elapsed(), backlog));
        tokio::time::sleep(rng.ms(0, 150)).await;
        server = tokio::task::spawn_blocking(move || {
            server.spawn();
            server
        })
        .await
        .unwrap();
    }
    killer_done.store(true, Ordering::SeqCst);

    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.unwrap());
    }
    eprintln!(
        "kills (time, ops left to push): {kills:?}; server started {} times; {:.1?} in all",
        server.starts,
        started.elapsed()
    );
    for (phone, runs) in &done {
        eprintln!("{}: {runs:?}", phone.name);
    }
    // The kills fell during the uploads, not after them.
    assert!(
        kills.iter().filter(|(_, backlog)| *backlog > 0).count() >= 3,
        "too few kills during the uploads: {kills:?}"
    );

    for (p, (phone, _)) in done.iter().enumerate() {
        let samples = phone.samples();
        assert_eq!(samples.len(), SAMPLES, "{}", phone.name);
        assert_same_samples(&samples, &heart_rates(&format!("m{p}"), 0..SAMPLES));
        let sessions = phone.sessions();
        assert_eq!(sessions.len(), CHUNKS / 3, "{}", phone.name);
        assert!(phone.store().rejected_ops().unwrap().is_empty());
        assert_server_holds(&storage, &url, &phone.member_id(), &samples, &sessions).await;
    }
}

/// Two phones of one member upload at the same time while a third pulls in small pages all the
/// while: a change committed after a page was served must never fall below that page's cursor,
/// so the reader ends with every record of both writers.
async fn devices_of_one_member_converge_while_writing_at_once(backend: Backend) {
    let (storage, member, server) = ada_on_a_server(backend, &[]).await;
    let url = server.url();
    let settings = SyncSettings {
        pull_limit: 13,
        ..quick_settings()
    };
    let mut reader = Phone::enrol("reader", &url, &storage.code(&member), settings).await;
    let mut writers = Vec::new();
    for (tag, first) in [("w1", 0), ("w2", 1000)] {
        let mut phone = Phone::enrol(tag, &url, &storage.code(&member), quick_settings()).await;
        writers.push(async move {
            for chunk in 0..8 {
                let from = first + chunk * 25;
                phone.write_samples(&heart_rates(tag, from..from + 25));
                phone.sync().await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            phone.sync_to_the_end().await;
            phone
        });
    }
    let writers: Vec<_> = writers.into_iter().map(tokio::spawn).collect();
    let mut cursor = None;
    let mut runs = 0;
    while writers.iter().any(|w| !w.is_finished()) {
        reader.sync().await.unwrap();
        let now = reader.store().pull_position().unwrap().cursor;
        assert!(now >= cursor, "cursor {cursor:?} -> {now:?}");
        cursor = now;
        runs += 1;
    }
    let mut phones = Vec::new();
    for writer in writers {
        phones.push(writer.await.unwrap());
    }
    eprintln!("the reader pulled {runs} times while the writers wrote");
    let mut written = heart_rates("w1", 0..200);
    written.extend(heart_rates("w2", 1000..1200));
    reader.sync().await.unwrap();
    assert_same_samples(&reader.samples(), &written);
    // And each writer has the other's.
    for phone in &mut phones {
        phone.sync().await.unwrap();
        assert_same_samples(&phone.samples(), &written);
    }
    assert_server_holds(&storage, &url, &member, &written, &[]).await;
}

/// The admin subcommands work on the database while the server runs (README, "Admin
/// subcommands"), also while phones upload: each try of `create-code`, `create-member` and
/// `purge-tombstones` below runs beside a server busy committing pushes, and must succeed.
///
/// On SQLite this failed while the write transactions were DEFERRED: the subcommand's connection
/// read first (the member exists?) and then wrote; when the server committed in between, SQLite
/// could not upgrade the stale read to a write and answered SQLITE_BUSY at once, without the busy
/// timeout. Write transactions now take the lock first (`db/sqlite/mod.rs`, `immediate`).
async fn admin_subcommands_work_while_phones_upload(backend: Backend) {
    let storage = Arc::new(Storage::new(backend).await);
    let clinic = storage.clinic();
    let server = Server::start(&storage);
    let url = server.url();
    let member = storage.member(&clinic, "Ada");
    let stop = Arc::new(AtomicBool::new(false));
    let mut uploads = Vec::new();
    for p in 0..2 {
        let member = storage.member(&clinic, &format!("Member {p}"));
        let code = storage.code(&member);
        let mut phone = Phone::enrol("phone", &url, &code, quick_settings()).await;
        let stop = Arc::clone(&stop);
        uploads.push(tokio::spawn(async move {
            let tag = format!("p{p}");
            let mut written = 0;
            while !stop.load(Ordering::SeqCst) {
                phone.write_samples(&heart_rates(&tag, written..written + 100));
                written += 100;
                phone.sync().await.unwrap();
            }
            written
        }));
    }
    let mut failures = Vec::new();
    let tries = 15;
    for i in 0..tries {
        let args: Vec<String> = match i % 3 {
            0 => vec!["create-code".into(), "--member".into(), member.clone()],
            1 => ["create-member", "--clinic", &clinic, "--name", "Bo"]
                .map(str::to_owned)
                .to_vec(),
            _ => vec!["purge-tombstones".into()],
        };
        let storage = Arc::clone(&storage);
        let out = tokio::task::spawn_blocking(move || {
            storage
                .command()
                .arg("--json")
                .args(&args)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        if !out.status.success() {
            failures.push(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
    }
    stop.store(true, Ordering::SeqCst);
    let mut written = 0;
    for upload in uploads {
        written += upload.await.unwrap();
    }
    eprintln!(
        "{written} samples uploaded meanwhile; {} of {tries} admin runs failed",
        failures.len()
    );
    assert!(written > 200, "the phones hardly uploaded: {written}");
    assert!(
        failures.is_empty(),
        "{} of {tries} failed: {failures:?}",
        failures.len()
    );
}

// ---------------------------------------------------------------------------------------------
// 2. A phone cancelled at every step

async fn a_phone_cancelled_at_every_step_converges(backend: Backend) {
    let (storage, member, server) = ada_on_a_server(backend, &[]).await;
    let code = storage.code(&member);
    let mut phone = Phone::enrol("phone", &server.url(), &code, quick_settings()).await;
    phone.write_samples(&heart_rates("ada", 0..150));
    phone.write_sessions(&[sauna(0), sauna(1)]);

    let mut written = 150;
    let mut cancelled = 0;
    let mut completed = None;
    for k in 1..=400u64 {
        // The member keeps measuring between attempts.
        phone.write_samples(&heart_rates("ada", written..written + 3));
        written += 3;
        if k % 10 == 0 {
            phone.write_sessions(&[sauna(usize::try_from(k).unwrap())]);
        }
        let before = phone.store().pull_position().unwrap().cursor;
        match tokio::time::timeout(Duration::from_millis(k), phone.sync()).await {
            Ok(Ok(report)) => {
                completed = Some((k, report));
                break;
            }
            Ok(Err(e)) => panic!("a run failed with no fault but its cancellation: {e}"),
            Err(_) => {
                cancelled += 1;
                phone.restart_app();
            }
        }
        let after = phone.store().pull_position().unwrap().cursor;
        assert!(after >= before, "cursor {before:?} -> {after:?}");
    }
    let (k, report) = completed.expect("no run completed within 400 ms");
    eprintln!("{cancelled} runs cancelled; the run given {k} ms completed: {report:?}");
    assert!(cancelled > 0);

    phone.write_samples(&heart_rates("ada", written..written + 5));
    let last = phone.sync_to_the_end().await;
    assert_eq!(last.rejected, 0, "{last:?}");
    let samples = phone.samples();
    assert_same_samples(&samples, &heart_rates("ada", 0..written + 5));
    assert_server_holds(
        &storage,
        &server.url(),
        &member,
        &samples,
        &phone.sessions(),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// 3. A push whose answer is lost after the server committed it

/// What the proxy does to the requests it watches, in order (then it forwards).
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Forward the request, read the server's whole answer, close the phone's connection.
    Close,
    /// Forward the request and hold the answer this long before passing it on.
    Hold(Duration),
    /// Pass it through.
    Forward,
}

/// A TCP proxy in front of the server that understands just enough HTTP/1.1 (requests and answers
/// with a `content-length`) to tell the requests of one endpoint apart.
struct Proxy {
    url: String,
    /// Requests to the watched endpoint so far.
    pushes: Arc<AtomicUsize>,
}

/// The request line's start of a push and of a token refresh.
const PUSH: &str = "POST /v1/sync/push ";
const REFRESH: &str = "POST /v1/token/refresh ";

impl Proxy {
    /// A proxy to `upstream` that does `faults` to the requests starting with `watched`.
    async fn start(upstream: SocketAddr, watched: &'static str, faults: Vec<Fault>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let pushes = Arc::new(AtomicUsize::new(0));
        let faults = Arc::new(faults);
        let counter = Arc::clone(&pushes);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(
                    client,
                    upstream,
                    watched,
                    Arc::clone(&faults),
                    Arc::clone(&counter),
                ));
            }
        });
        Self { url, pushes }
    }
}

/// Relays one phone connection, request by request.
async fn relay(
    mut client: TcpStream,
    upstream: SocketAddr,
    watched: &'static str,
    faults: Arc<Vec<Fault>>,
    pushes: Arc<AtomicUsize>,
) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut from_client, mut from_server) = (Vec::new(), Vec::new());
    loop {
        let Some(request) = read_message(&mut client, &mut from_client).await else {
            return;
        };
        let fault = if request.starts_with(watched.as_bytes()) {
            let n = pushes.fetch_add(1, Ordering::SeqCst);
            faults.get(n).copied().unwrap_or(Fault::Forward)
        } else {
            Fault::Forward
        };
        if server.write_all(&request).await.is_err() {
            return;
        }
        let Some(answer) = read_message(&mut server, &mut from_server).await else {
            return;
        };
        match fault {
            // Dropping the socket closes it: the phone never sees the committed answer.
            Fault::Close => return,
            Fault::Hold(wait) => tokio::time::sleep(wait).await,
            Fault::Forward => {}
        }
        if client.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// One HTTP/1.1 message (head and `content-length` body) from `stream`; `None` at the end.
async fn read_message(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            assert!(
                !head.contains("transfer-encoding: chunked"),
                "the proxy reads content-length bodies only"
            );
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |n| n.trim().parse().unwrap());
            let total = end + 4 + length;
            while buffer.len() < total {
                if !fill(stream, buffer).await {
                    return None;
                }
            }
            return Some(buffer.drain(..total).collect());
        }
        if !fill(stream, buffer).await {
            return None;
        }
    }
}

async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

async fn a_push_whose_answer_is_lost_after_commit_is_not_applied_twice(backend: Backend) {
    let (storage, member, server) = ada_on_a_server(backend, &[]).await;
    // The first push's answer is lost three times (the first run gives up after its three
    // tries, the server having applied the batch); the next run's try gets through; then the
    // second batch's answer comes after the phone stopped waiting, and its retry gets through.
    let proxy = Proxy::start(
        server.addr(),
        PUSH,
        vec![
            Fault::Close,
            Fault::Close,
            Fault::Close,
            Fault::Forward,
            Fault::Hold(Duration::from_millis(900)),
        ],
    )
    .await;
    let settings = SyncSettings {
        request_timeout_ms: 500,
        ..quick_settings()
    };
    let code = storage.code(&member);
    let mut phone = Phone::enrol("phone", &proxy.url, &code, settings).await;
    phone.write_samples(&heart_rates("ada", 0..60));

    let first = phone.sync().await;
    assert!(matches!(first, Err(SyncError::Network { .. })), "{first:?}");
    assert_eq!(proxy.pushes.load(Ordering::SeqCst), 3);
    assert_eq!(phone.backlog(), 60, "nothing is settled without an answer");

    let second = phone.sync().await.unwrap();
    // Batch one (25 ops) and batch two (25) were applied by a try whose answer was lost: their
    // retries answer `duplicate`; batch three (10) is new.
    assert_eq!(second.duplicates, 50, "{second:?}");
    assert_eq!(second.pushed, 10, "{second:?}");
    assert_eq!(second.rejected, 0, "{second:?}");
    assert_eq!(proxy.pushes.load(Ordering::SeqCst), 7);
    assert_eq!(phone.backlog(), 0);

    assert_server_holds(&storage, &server.url(), &member, &phone.samples(), &[]).await;
}

/// A token refresh whose answer is lost: the server rotated the tokens, the phone never got the
/// new ones and presents the spent refresh token again.
///
/// Within the server's retry grace (`--refresh-retry-grace-secs`, default 2 hours) that is a
/// retry: the phone gets a new pair and the run goes on, each op pushed once. With no grace the
/// server takes it for a stolen token and revokes the login: the phone is signed out, and still
/// loses nothing: enrolled again with a new code, it pushes all of it, once.
async fn a_refresh_whose_answer_is_lost_loses_nothing(backend: Backend) {
    // Every call refreshes first: the access token always looks about to expire.
    let settings = SyncSettings {
        refresh_margin_ms: 24 * 3600 * 1000,
        ..quick_settings()
    };
    for grace in [None, Some("0")] {
        let flags: &[&str] = match grace {
            Some(secs) => &["--refresh-retry-grace-secs", secs],
            None => &[],
        };
        let (storage, member, server) = ada_on_a_server(backend, flags).await;
        let proxy = Proxy::start(server.addr(), REFRESH, vec![Fault::Close]).await;
        let code = storage.code(&member);
        let mut phone = Phone::enrol("phone", &proxy.url, &code, settings.clone()).await;
        phone.write_samples(&heart_rates("ada", 0..30));

        let run = phone.sync().await;
        if grace.is_none() {
            let report = run.unwrap();
            assert_eq!((report.pushed, report.duplicates), (30, 0), "{report:?}");
        } else {
            assert!(matches!(run, Err(SyncError::SignedOut)), "{run:?}");
            assert_eq!(
                proxy.pushes.load(Ordering::SeqCst),
                2,
                "the refresh and its retry"
            );
            assert_eq!(phone.backlog(), 30);
            let code = storage.code(&member);
            phone.keychain =
                InMemoryCredentials(Some(phone.client.enrol(&code, "phone").await.unwrap()));
            let report = phone.sync().await.unwrap();
            assert_eq!((report.pushed, report.duplicates), (30, 0), "{report:?}");
        }
        assert_eq!(phone.backlog(), 0);
        assert_server_holds(&storage, &server.url(), &member, &phone.samples(), &[]).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 3b. Duplicated, replayed and reordered batches

/// A push of `ops` as the phone with `token`; the statuses, in order.
async fn push_raw(url: &str, token: &str, ops: &[Value]) -> Vec<String> {
    let r = reqwest::Client::new()
        .post(format!("{url}/v1/sync/push"))
        .bearer_auth(token)
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let answer: Value = r.json().await.unwrap();
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r["reason"].as_str() {
            Some(reason) => format!("{}:{reason}", r["status"].as_str().unwrap()),
            None => r["status"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// An op writing `sample` under a new op id.
/// The member's check-in of 4 March 2026 with `mood`, as the app records it (one per day and app:
/// both phones run the same app, so it is one record with revisions).
fn check_in(mood: u8) -> CheckIn {
    let at = Timestamp::at_utc(Utc.with_ymd_and_hms(2026, 3, 4, 7, 0, 0).unwrap());
    let answers = Questionnaire::McLean(McLeanItems {
        fatigue: 3,
        sleep_quality: 3,
        soreness: 3,
        stress: 3,
        mood,
    });
    CheckIn::new(at, answers, Source::named("alyze app")).unwrap()
}

fn moods(phone: &Phone) -> Vec<u8> {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
    phone
        .store()
        .check_ins_by_day(day, day.succ_opt().unwrap())
        .unwrap()
        .into_iter()
        .map(|(_, c)| match c.answers {
            Questionnaire::McLean(items) => items.mood,
            Questionnaire::Hooper(_) => 0,
        })
        .collect()
}

/// Two phones edit the same check-in: A's edit, made on the version both saw, applies; B's, made
/// on that same older version while A's was already in, is a conflict the server keeps in the
/// history; B then pulls A's edit, and both phones show it. Every revision is on the server.
async fn a_stale_check_in_edit_is_kept_as_a_conflict_and_the_phones_converge(backend: Backend) {
    let (storage, member, server) = ada_on_a_server(backend, &[]).await;
    let mut a = Phone::enrol("A", &server.url(), &storage.code(&member), quick_settings()).await;
    let mut b = Phone::enrol("B", &server.url(), &storage.code(&member), quick_settings()).await;
    let write = |phone: &Phone, mood: u8| {
        phone
            .store()
            .ingest("app:check_in", &[check_in(mood)], &[], None)
            .unwrap();
    };

    write(&a, 2);
    a.sync_to_the_end().await;
    b.sync_to_the_end().await;
    assert_eq!(moods(&b), [2]);
    write(&a, 4);
    assert_eq!(a.sync_to_the_end().await.pushed, 1);
    write(&b, 5);
    let report = b.sync_to_the_end().await;
    assert_eq!(report.conflicts, 1, "{report:?}");
    assert_eq!(report.pulled, 1, "{report:?}");
    assert_eq!(moods(&b), [4]);
    a.sync_to_the_end().await;
    assert_eq!(moods(&a), [4]);

    // The server's current revision is A's edit (the conflict is in its history: `sync.rs` checks
    // the revisions table).
    let changes = pull_everything(&server.url(), &a.access_token(), 100).await;
    let check_ins: Vec<&Change> = changes
        .iter()
        .filter(|c| c.collection == "check_in")
        .collect();
    assert_eq!(check_ins.len(), 1);
    assert_eq!(check_ins[0].version, 2);
    assert_eq!(check_ins[0].body.as_ref().unwrap()["answers"]["mood"], 4);
}

fn sample_op(sample: &QuantitySample) -> Value {
    json!({"op_id": uuid::Uuid::new_v4().to_string(), "collection": "quantity_sample",
           "id": quantity_id(sample), "deleted": false, "base_version": null,
           "body": serde_json::to_value(sample).unwrap()})
}

async fn a_replayed_or_reordered_batch_changes_nothing(backend: Backend) {
    let (storage, member, server) = ada_on_a_server(backend, &[]).await;
    let url = server.url();
    let phone = Phone::enrol("phone", &url, &storage.code(&member), quick_settings()).await;
    let token = phone.access_token();

    // Batch one writes five samples; batch two, later, corrects their values.
    let first = heart_rates("re", 0..5);
    let corrected: Vec<QuantitySample> = first
        .iter()
        .map(|s| QuantitySample {
            value: s.value + 1.0,
            ..s.clone()
        })
        .collect();
    let one: Vec<Value> = first.iter().map(sample_op).collect();
    let two: Vec<Value> = corrected.iter().map(sample_op).collect();
    assert_eq!(push_raw(&url, &token, &one).await, ["applied"; 5]);
    assert_eq!(push_raw(&url, &token, &two).await, ["applied"; 5]);

    // Batch one again, after batch two (a retry that arrives late): nothing goes back.
    assert_eq!(push_raw(&url, &token, &one).await, ["duplicate"; 5]);
    // Both again in one push, reordered.
    let mut reordered: Vec<Value> = two.iter().rev().chain(one.iter().rev()).cloned().collect();
    assert_eq!(push_raw(&url, &token, &reordered).await, ["duplicate"; 10]);
    reordered.reverse();
    // Both again, each three times, all at once.
    let replays: Vec<_> = (0..3)
        .flat_map(|_| [one.clone(), two.clone(), reordered.clone()])
        .map(|ops| {
            let (url, token) = (url.clone(), token.clone());
            tokio::spawn(async move { push_raw(&url, &token, &ops).await })
        })
        .collect();
    for replay in replays {
        let statuses = replay.await.unwrap();
        assert!(statuses.iter().all(|s| s == "duplicate"), "{statuses:?}");
    }
    // The corrected values, each at version 2 (one write, one correction).
    assert_server_holds_at(&storage, &url, &member, &corrected, &[], 2).await;
}

// ---------------------------------------------------------------------------------------------
// 4. A poison op

async fn a_poison_op_does_not_block_the_queue(backend: Backend) {
    let storage = Storage::new(backend).await;
    let clinic = storage.clinic();
    let server = Server::start(&storage);
    let url = server.url();

    // Over HTTP: good and poison ops in one push.
    let member = storage.member(&clinic, "Ada");
    let phone = Phone::enrol("phone", &url, &storage.code(&member), quick_settings()).await;
    let good = heart_rates("raw", 0..3);
    let body = |s: &QuantitySample| serde_json::to_value(s).unwrap();
    let op = |op_id: &str, collection: &str, id: &str, body: Value| {
        json!({"op_id": op_id, "collection": collection, "id": id, "deleted": false,
               "base_version": null, "body": body})
    };
    let mut nul = body(&heart_rate("raw", 9));
    nul["source"]["name"] = json!("Apple\u{0}Watch");
    let ops = json!({"ops": [
        op("00000000-0000-4000-8000-000000000001", "quantity_sample", &quantity_id(&good[0]), body(&good[0])),
        op("00000000-0000-4000-8000-000000000002", "quantity_sample", "raw-hr-00009", nul),
        op("00000000-0000-4000-8000-000000000003", "quantity_sample", &quantity_id(&good[1]), body(&good[1])),
        op("00000000-0000-4000-8000-000000000004", "prescription", "current", json!({"targets": []})),
        op("00000000-0000-4000-8000-000000000005", "no_such_collection", "x", json!({})),
        op("00000000-0000-4000-8000-000000000006", "quantity_sample", "raw-hr-00010", json!(42)),
        op("00000000-0000-4000-8000-000000000007", "quantity_sample", &quantity_id(&good[2]), body(&good[2])),
    ]});
    let push = || async {
        let r = reqwest::Client::new()
            .post(format!("{url}/v1/sync/push"))
            .bearer_auth(phone.access_token())
            .json(&ops)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let answer: Value = r.json().await.unwrap();
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| match r["reason"].as_str() {
                Some(reason) => format!("{}:{reason}", r["status"].as_str().unwrap()),
                None => r["status"].as_str().unwrap().to_owned(),
            })
            .collect::<Vec<_>>()
    };
    let rejected = [
        "rejected:invalid_body",
        "rejected:read_only_collection",
        "rejected:unknown_collection",
        "rejected:invalid_body",
    ];
    assert_eq!(
        push().await,
        [
            "applied",
            rejected[0],
            "applied",
            rejected[1],
            rejected[2],
            rejected[3],
            "applied"
        ]
    );
    // The same push again: the good ones were applied before, the poison ones are still poison.
    assert_eq!(
        push().await,
        [
            "duplicate",
            rejected[0],
            "duplicate",
            rejected[1],
            rejected[2],
            rejected[3],
            "duplicate"
        ]
    );
    assert_server_holds(&storage, &url, &member, &good, &[]).await;

    // Through the engine: a store whose outbox holds an op the server rejects. The run queues
    // its first batch, then the phone "crashes"; the op's collection is edited in the file.
    let member = storage.member(&clinic, "Bob");
    let dir = tempfile::tempdir().unwrap();
    let samples = heart_rates("bob", 0..40);
    {
        let mut store = Store::open(phone_db(&dir)).unwrap();
        store
            .ingest_quantities("healthkit:heart_rate", &samples, &[], None)
            .unwrap();
        assert_eq!(store.sync_ops(25).unwrap().len(), 25);
    }
    let poisoned_id = quantity_id(&samples[3]);
    {
        let conn = rusqlite::Connection::open(phone_db(&dir)).unwrap();
        let changed = conn
            .execute(
                "UPDATE sync_outbox SET collection = 'prescription' WHERE record_id = ?1",
                [&poisoned_id],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
    let code = storage.code(&member);
    let mut phone = Phone::enrol_at(dir, "phone", &url, &code, quick_settings()).await;
    let report = phone.sync().await.unwrap();
    assert_eq!(report.rejected, 1, "{report:?}");
    assert_eq!(report.pushed, 39, "{report:?}");
    assert_eq!(phone.backlog(), 0);
    let set_aside = phone.store().rejected_ops().unwrap();
    assert_eq!(set_aside.len(), 1);
    assert_eq!(set_aside[0].op.id, poisoned_id);
    assert_eq!(set_aside[0].op.collection, "prescription");
    assert_eq!(set_aside[0].reason, "read_only_collection");
    // It is never sent again.
    let again = phone.sync().await.unwrap();
    assert_eq!((again.pushed, again.rejected), (0, 0), "{again:?}");
    let mut expected = samples.clone();
    expected.remove(3);
    assert_server_holds(&storage, &url, &member, &expected, &[]).await;
}

// ---------------------------------------------------------------------------------------------
// 5. A server restored from an older backup

/// SQLite only: its backup is a copy of the data dir, made here while the server is stopped.
/// A PostgreSQL backup is the operator's `pg_dump` or base backup, outside the server; what the
/// server does after any restore is the same on both backends (`new-epoch`, then every pull
/// answers `resync_required`), and `sync_cli.rs` runs `new-epoch` and a resync on both.
///
/// Phone A writes; C only reads, and its tokens rotate at every run, so the tokens it holds after
/// the backup are unknown to the restored server: it is signed out (as is any phone that
/// refreshed its tokens since the backup) and enrols again. Nothing is lost either way.
#[tokio::test]
async fn a_server_restored_from_an_older_backup_makes_phones_resync() {
    let storage = Storage::new(Backend::Sqlite).await;
    let clinic = storage.clinic();
    let member = storage.member(&clinic, "Ada");
    let mut server = Server::start(&storage);
    let url = server.url();
    let mut a = Phone::enrol("phone A", &url, &storage.code(&member), quick_settings()).await;
    let refreshing = SyncSettings {
        refresh_margin_ms: 24 * 3600 * 1000,
        ..quick_settings()
    };
    let mut c = Phone::enrol("phone C", &url, &storage.code(&member), refreshing).await;
    a.write_samples(&heart_rates("ada", 0..100));
    a.write_sessions(&[sauna(0), sauna(1)]);
    let report = a.sync_to_the_end().await;
    assert_eq!(report.pushed, 102, "{report:?}");
    assert_eq!(c.sync_to_the_end().await.pulled, 102);

    let backup = take_backup(&storage, &mut server);

    // More after the backup, seen by C.
    a.write_samples(&heart_rates("ada", 100..200));
    a.write_sessions(&[sauna(2)]);
    let report = a.sync_to_the_end().await;
    assert_eq!(report.pushed, 101, "{report:?}");
    assert_eq!(c.sync_to_the_end().await.pulled, 101);

    restore_backup(&storage, &mut server, &backup);

    // A pushes again what the restore lost; what the backup holds answers duplicate.
    let report = a.sync_to_the_end().await;
    assert!(report.resynced, "{report:?}");
    assert_eq!(report.pushed, 101, "{report:?}");
    assert_eq!(report.duplicates, 102, "{report:?}");
    assert_eq!(report.rejected, 0, "{report:?}");
    // C's tokens are newer than the backup: signed out; enrolled again, it resyncs.
    let run = c.sync().await;
    assert!(matches!(run, Err(SyncError::SignedOut)), "{run:?}");
    let code = storage.code(&member);
    c.keychain = InMemoryCredentials(Some(c.client.enrol(&code, "phone C").await.unwrap()));
    let report = c.sync_to_the_end().await;
    assert!(report.resynced, "{report:?}");
    assert_same_samples(&c.samples(), &a.samples());
    assert_eq!(c.sessions(), a.sessions());
    assert_server_holds(&storage, &url, &member, &a.samples(), &a.sessions()).await;
}

/// Another device B had pulled what came after the backup. After the restore B resyncs before A
/// does, so its full pull no longer brings those records and B drops them (`swept`); A then
/// pushes them again, and B's next pull brings them back: B must hold them again.
///
/// B holds the swept records as tombstones, which the pulled live changes must bring back (see
/// `a_record_deleted_then_written_again_on_the_server_comes_back`). SQLite only, for the reason
/// above.
#[tokio::test]
async fn a_device_that_dropped_what_a_restore_lost_gets_it_back() {
    let storage = Storage::new(Backend::Sqlite).await;
    let clinic = storage.clinic();
    let member = storage.member(&clinic, "Ada");
    let mut server = Server::start(&storage);
    let url = server.url();
    let mut a = Phone::enrol("phone A", &url, &storage.code(&member), quick_settings()).await;
    let mut b = Phone::enrol("phone B", &url, &storage.code(&member), quick_settings()).await;
    a.write_samples(&heart_rates("ada", 0..100));
    a.write_sessions(&[sauna(0), sauna(1)]);
    assert_eq!(a.sync_to_the_end().await.pushed, 102);
    assert_eq!(b.sync_to_the_end().await.pulled, 102);
    let backup = take_backup(&storage, &mut server);
    a.write_samples(&heart_rates("ada", 100..200));
    a.write_sessions(&[sauna(2)]);
    assert_eq!(a.sync_to_the_end().await.pushed, 101);
    assert_eq!(b.sync_to_the_end().await.pulled, 101);
    restore_backup(&storage, &mut server, &backup);

    // B first: the server no longer has what came after the backup, so B drops it...
    let report = b.sync_to_the_end().await;
    assert!(report.resynced, "{report:?}");
    assert_eq!(report.swept, 101, "{report:?}");
    assert_same_samples(&b.samples(), &heart_rates("ada", 0..100));
    // ...A pushes it again...
    let report = a.sync_to_the_end().await;
    assert_eq!((report.pushed, report.duplicates), (101, 102), "{report:?}");
    // ...and B's next pull brings it back.
    let report = b.sync_to_the_end().await;
    assert!(!report.resynced, "{report:?}");
    assert_eq!(report.pulled, 101, "{report:?}");
    assert_same_samples(&b.samples(), &a.samples());
    assert_eq!(b.sessions(), a.sessions());
}

/// Stops the server, copies its data dir (the backup) and starts it again.
fn take_backup(storage: &Storage, server: &mut Server) -> PathBuf {
    server.stop();
    let backup = storage.dir.path().join("backup");
    copy_dir(&storage.data_dir(), &backup);
    server.spawn();
    backup
}

/// The disk is lost: the server stops, the backup comes back and gets a new epoch, as the
/// README says, and the server starts again.
fn restore_backup(storage: &Storage, server: &mut Server, backup: &Path) {
    server.stop();
    std::fs::remove_dir_all(storage.data_dir()).unwrap();
    copy_dir(backup, &storage.data_dir());
    let epoch = storage.admin(&["new-epoch"]);
    assert!(epoch["epoch"].is_string());
    server.spawn();
}

/// Copies the files of `from` (a data dir: no subfolders) into a new `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        assert!(entry.file_type().unwrap().is_file(), "{:?}", entry.path());
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A lab result the clinic deletes and then enters again (a deletion by mistake): the phone
/// pulls the result, its deletion, and the result again, and must show it.
///
/// The store treats a tombstone as final against a platform's redelivery, but lets a pull bring it
/// back (`store/ingest.rs`, `store/quantity.rs`); the same holds for a sample or session swept by
/// a resync (see `a_device_that_dropped_what_a_restore_lost_gets_it_back`).
async fn a_record_deleted_then_written_again_on_the_server_comes_back(backend: Backend) {
    const PASSWORD: &str = "a long staff password";
    let storage = Storage::new(backend).await;
    let clinic = storage.clinic();
    let member = storage.member(&clinic, "Ada");
    let out = storage
        .command()
        .args(["--json", "create-staff", "--clinic", &clinic])
        .args(["--email", "grace@north.example", "--role", "clinician"])
        .args(&SERVE_FLAGS[..6])
        .env("ALYZE_STAFF_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start(&storage);
    let url = server.url();
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{url}/v1/staff/login"))
        .json(&json!({"email": "grace@north.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let staff = login["access_token"].as_str().unwrap().to_owned();
    let mut phone = Phone::enrol("phone", &url, &storage.code(&member), quick_settings()).await;

    let lab = LabResult {
        loinc: "2276-4".into(),
        value: 80.0,
        unit: "ng/mL".into(),
        reference_low: Some(30.0),
        reference_high: Some(400.0),
        collected_at: at(0),
        source: Source::named("North lab"),
    };
    let labs = format!("{url}/v1/clinic/members/{member}/labs");
    let enter = || async {
        let r = http
            .post(&labs)
            .bearer_auth(&staff)
            .json(&lab)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let written: Value = r.json().await.unwrap();
        written["id"].as_str().unwrap().to_owned()
    };
    let phone_labs = |phone: &Phone| {
        let (from, to) = span();
        phone.store().records::<LabResult>(from, to).unwrap()
    };

    let id = enter().await;
    assert_eq!(phone.sync().await.unwrap().pulled, 1);
    assert_eq!(phone_labs(&phone), std::slice::from_ref(&lab));

    let r = http
        .delete(format!("{labs}/{id}"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(phone.sync().await.unwrap().pulled, 1);
    assert!(phone_labs(&phone).is_empty());

    assert_eq!(enter().await, id);
    let report = phone.sync().await.unwrap();
    assert_eq!(report.pulled, 1, "{report:?}");
    assert_eq!(
        phone_labs(&phone),
        [lab],
        "the result entered again is not on the phone"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. A phone away past the tombstone retention

async fn a_phone_away_past_tombstone_retention_converges(backend: Backend) {
    let (storage, member, server) = ada_on_a_server(backend, &[]).await;
    let url = server.url();
    let mut a = Phone::enrol("phone A", &url, &storage.code(&member), quick_settings()).await;
    // B pulls in small pages, so its resync pages through seqs below the purge line.
    let settings = SyncSettings {
        pull_limit: 7,
        ..quick_settings()
    };
    let mut b = Phone::enrol("phone B", &url, &storage.code(&member), settings).await;

    let samples = heart_rates("ada", 0..40);
    let sessions = [sauna(0), sauna(1)];
    a.write_samples(&samples);
    a.write_sessions(&sessions);
    assert_eq!(a.sync_to_the_end().await.pushed, 42);
    let report = b.sync_to_the_end().await;
    assert_eq!(report.pulled, 42, "{report:?}");
    assert_same_samples(&b.samples(), &samples);

    // A deletes every fourth sample and a session; B is away.
    let deleted: Vec<String> = samples.iter().step_by(4).map(quantity_id).collect();
    let report = a
        .store()
        .ingest_quantities("healthkit:heart_rate", &[], &deleted, None)
        .unwrap();
    assert_eq!(report.deleted, 10);
    let report = a
        .store()
        .ingest::<RecoverySession>("alyze:log", &[], &[record_id(&sessions[0])], None)
        .unwrap();
    assert_eq!(report.deleted, 1);
    assert_eq!(a.sync_to_the_end().await.pushed, 11);

    let purged = storage.admin(&["purge-tombstones", "--retention-days", "0"]);
    assert_eq!(purged, json!({"members": 1, "tombstones": 11}));

    // B comes back: its cursor is older than the purged tombstones.
    let report = b.sync_to_the_end().await;
    assert!(report.resynced, "{report:?}");
    assert_eq!(report.swept, 11, "{report:?}");
    assert_eq!(report.pushed, 0, "{report:?}");
    assert_same_samples(&b.samples(), &a.samples());
    assert_eq!(b.sessions(), a.sessions());
    assert_eq!(b.samples().len(), 30);
    assert_eq!(b.sessions(), [sauna(1)]);
    // A, up to date, is not asked to resync.
    assert!(!a.sync_to_the_end().await.resynced);
    assert_server_holds(&storage, &url, &member, &a.samples(), &a.sessions()).await;
}

// ---------------------------------------------------------------------------------------------
// 3c. A device clock that is wrong

/// A phone's clock is off by hours. Behind, it takes an expired access token for a good one;
/// ahead, a good one for an expired one; and what it records carries its wrong dates. None of that
/// may cost a change: the phone keeps a token's lifetime relative to its own clock (the server
/// answers `expires_in`, not a date), a 401 refreshes once and repeats the call, and the server
/// orders changes by its own counter, never by the phone's dates.
async fn a_phone_with_a_wrong_clock_converges(backend: Backend) {
    // Access tokens that live one second: waiting two expires the phone's, whatever it believes.
    let (storage, member, server) =
        ada_on_a_server(backend, &["--access-token-ttl-secs", "1"]).await;
    let code = storage.code(&member);
    let mut phone = Phone::enrol("phone", &server.url(), &code, quick_settings()).await;

    // Behind: the phone believes its token good for a year; the server knows it expired.
    let year_ms = 365 * 24 * 3600 * 1000;
    let credentials = phone.keychain.0.as_mut().unwrap();
    credentials.access_expires_at_ms = Utc::now().timestamp_millis() + year_ms;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let expired = phone.access_token();
    // Samples dated a year ahead, as the clock of a phone that is ahead would date them.
    let ahead: Vec<QuantitySample> = heart_rates("ada", 0..20)
        .into_iter()
        .map(|mut s| {
            let later = s.start.utc() + chrono::TimeDelta::days(365);
            s.start = Timestamp::at_utc(later);
            s.end = Timestamp::at_utc(later);
            s
        })
        .collect();
    phone.write_samples(&ahead);
    let report = phone.sync().await.unwrap();
    assert_eq!(report.pushed, 20, "{report:?}");
    assert_ne!(
        phone.access_token(),
        expired,
        "the 401 refreshed the tokens"
    );

    // Ahead: the phone believes a fresh token expired long ago, and refreshes before calling.
    let credentials = phone.keychain.0.as_mut().unwrap();
    credentials.access_expires_at_ms = Utc::now().timestamp_millis() - year_ms;
    let fresh = phone.access_token();
    phone.write_samples(&heart_rates("ada", 20..30));
    let report = phone.sync().await.unwrap();
    assert_eq!(report.pushed, 10, "{report:?}");
    assert_ne!(phone.access_token(), fresh, "refreshed first");
    // The lifetime it saved is its own clock's now plus the server's `expires_in`.
    let saved = phone.keychain.0.as_ref().unwrap().access_expires_at_ms;
    assert!(saved <= Utc::now().timestamp_millis() + 1000, "{saved}");

    // A second phone of the member, with a right clock, gets all 30 and the server holds them.
    let code = storage.code(&member);
    let mut other = Phone::enrol("other", &server.url(), &code, quick_settings()).await;
    other.sync_to_the_end().await;
    assert_same_samples(&other.samples(), &phone.samples());
    assert_eq!(phone.samples().len(), 30);
    assert_server_holds(&storage, &server.url(), &member, &phone.samples(), &[]).await;
}

// ---------------------------------------------------------------------------------------------
// 3d. A year of backlog

/// A phone that was never synced holds a year: a heart rate every hour and a sauna a day. The
/// first sync sends it all in batches of at most `batch_ops` and the member's second phone gets it
/// all in pages of an odd size; the server's cursor only goes up.
async fn a_year_of_backlog_goes_up_and_down_in_pages(backend: Backend) {
    let (storage, member, server) = ada_on_a_server(backend, &[]).await;
    let settings = SyncSettings {
        batch_ops: 500,
        pull_limit: 97,
        ..quick_settings()
    };
    let code = storage.code(&member);
    let mut phone = Phone::enrol("phone", &server.url(), &code, settings.clone()).await;
    let hours = 365 * 24;
    let year: Vec<QuantitySample> = (0..hours)
        .map(|i| {
            let mut sample = heart_rate("ada", i);
            let hour = i64::try_from(i).unwrap() * 60;
            (sample.start, sample.end) = (at(hour), at(hour));
            sample
        })
        .collect();
    phone.write_samples(&year);
    let saunas: Vec<RecoverySession> = (0..365).map(sauna).collect();
    phone.write_sessions(&saunas);
    assert_eq!(phone.backlog(), u64::try_from(hours + 365).unwrap());

    let mut batches = Vec::new();
    let report = sync(
        &phone.store,
        &phone.client,
        &mut phone.keychain,
        &phone.settings,
        None,
        &mut |progress| {
            if let SyncProgress::Pushed { done, .. } = progress {
                batches.push(done);
            }
        },
    )
    .await
    .unwrap();
    assert_eq!(
        report.pushed,
        u64::try_from(hours + 365).unwrap(),
        "{report:?}"
    );
    // Every batch full but the last: 9,125 changes in 19 batches of at most 500.
    let sizes: Vec<u64> = batches
        .iter()
        .scan(0, |before, &done| {
            let size = done - *before;
            *before = done;
            Some(size)
        })
        .collect();
    assert_eq!(sizes.len(), 19, "{sizes:?}");
    assert!(sizes[..18].iter().all(|&n| n == 500), "{sizes:?}");
    assert_eq!(phone.backlog(), 0);

    let code = storage.code(&member);
    let mut other = Phone::enrol("other", &server.url(), &code, settings).await;
    let report = other.sync_to_the_end().await;
    assert_eq!(
        report.pulled,
        u64::try_from(hours + 365).unwrap(),
        "{report:?}"
    );
    assert_same_samples(&other.samples(), &phone.samples());
    assert_eq!(other.sessions(), phone.sessions());
    assert_eq!(other.samples().len(), hours);
    assert_server_holds(&storage, &server.url(), &member, &year, &saunas).await;
}

/// The serving server purges old tombstones on its own (`--purge-interval-secs`), at start and
/// then on every turn: a deletion pushed while it runs is gone from the server after the retention
/// (0 days here) without any admin command, and a phone that was away resyncs and drops it.
async fn the_server_purges_old_tombstones_on_its_own(backend: Backend) {
    let flags = [
        "--tombstone-retention-days",
        "0",
        "--purge-interval-secs",
        "1",
    ];
    let (storage, member, server) = ada_on_a_server(backend, &flags).await;
    let url = server.url();
    let mut a = Phone::enrol("phone A", &url, &storage.code(&member), quick_settings()).await;
    let mut b = Phone::enrol("phone B", &url, &storage.code(&member), quick_settings()).await;
    let samples = heart_rates("ada", 0..12);
    a.write_samples(&samples);
    a.sync_to_the_end().await;
    b.sync_to_the_end().await;

    let deleted: Vec<String> = samples.iter().take(3).map(quantity_id).collect();
    a.store()
        .ingest_quantities("healthkit:heart_rate", &[], &deleted, None)
        .unwrap();
    assert_eq!(a.sync_to_the_end().await.pushed, 3);
    // Within a few turns the server holds no tombstone of the member any more.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let changes = pull_everything(&url, &a.access_token(), 100).await;
        let tombstones = changes.iter().filter(|c| c.deleted).count();
        if tombstones == 0 {
            assert_eq!(changes.len(), 9);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{tombstones} tombstones still held"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // B was away: its cursor is older than the purge, so it resyncs and drops the three.
    let report = b.sync_to_the_end().await;
    assert!(report.resynced, "{report:?}");
    assert_same_samples(&b.samples(), &a.samples());
    assert_eq!(b.samples().len(), 9);
}

on_both_backends!(
    sigkill_during_uploads_from_several_phones,
    devices_of_one_member_converge_while_writing_at_once,
    admin_subcommands_work_while_phones_upload,
    a_phone_cancelled_at_every_step_converges,
    a_push_whose_answer_is_lost_after_commit_is_not_applied_twice,
    a_replayed_or_reordered_batch_changes_nothing,
    a_refresh_whose_answer_is_lost_loses_nothing,
    a_poison_op_does_not_block_the_queue,
    a_record_deleted_then_written_again_on_the_server_comes_back,
    a_phone_away_past_tombstone_retention_converges,
    a_stale_check_in_edit_is_kept_as_a_conflict_and_the_phones_converge,
    a_phone_with_a_wrong_clock_converges,
    a_year_of_backlog_goes_up_and_down_in_pages,
    the_server_purges_old_tombstones_on_its_own,
);
