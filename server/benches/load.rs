//! Load on the clinic server over loopback, on demand (`cargo bench -p alyze-server --bench load`;
//! never part of the test command): the release `alyze-server` binary is started on an embedded
//! SQLite data dir and, when `ALYZE_TEST_DATABASE_URL` is set (`scripts/test-postgres start`), on
//! a fresh PostgreSQL database, and driven by [`CONNECTIONS`] phones at once, each its own member
//! and connection, pushing batches of [`SAMPLES_PER_UPLOAD`] heart-rate samples (one op each, the
//! size of a watch's few minutes) for [`RUN`] after [`WARM_UP`]; then each member pulls everything
//! back in pages of 500.
//!
//! Printed per backend: uploads per second (one upload = one push of 50 ops), samples per second,
//! the median and 99th percentile of an upload's latency, and the pull's changes per second with
//! its page latency. The server, the database and this generator share the machine's cores, as the
//! figures in `../shared/data-and-sync.md` do. Environment: `LOAD_SECONDS` (default 10),
//! `LOAD_CONNECTIONS` (default 64).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use alyze_core::sync::wire::{PullRequest, PullResponse, PushOp, PushRequest, PushResponse};
use serde_json::{Value, json};

#[path = "../tests/common/binary.rs"]
mod binary;

use binary::Running;

const BIN: &str = env!("CARGO_BIN_EXE_alyze-server");

/// Phones pushing at once, each on its own connection.
const CONNECTIONS: usize = 64;

/// Samples (ops) per upload.
const SAMPLES_PER_UPLOAD: usize = 50;

/// Load before measuring (connections, caches, the database's first pages).
const WARM_UP: Duration = Duration::from_secs(2);

/// How long uploads are measured.
const RUN: Duration = Duration::from_secs(10);

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let seconds = env_number("LOAD_SECONDS", RUN.as_secs());
    let connections =
        usize::try_from(env_number("LOAD_CONNECTIONS", CONNECTIONS as u64)).unwrap_or(CONNECTIONS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut backends = vec![(
        "SQLite",
        vec![
            "--data-dir".to_owned(),
            dir.path().join("data").display().to_string(),
        ],
    )];
    let postgres = std::env::var("ALYZE_TEST_DATABASE_URL")
        .ok()
        .map(|admin| runtime.block_on(create_database(&admin)));
    if let Some(url) = &postgres {
        backends.push(("PostgreSQL", vec!["--database-url".to_owned(), url.clone()]));
    } else {
        println!(
            "(PostgreSQL skipped: set ALYZE_TEST_DATABASE_URL, e.g. with scripts/test-postgres start)"
        );
    }
    for (name, storage) in backends {
        let figures = runtime.block_on(run_backend(
            &storage,
            connections,
            Duration::from_secs(seconds),
        ));
        println!("{name}: {figures}");
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A fresh database on the PostgreSQL server of `admin_url`; its URL.
async fn create_database(admin_url: &str) -> String {
    let (client, connection) = tokio_postgres::connect(admin_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let name = format!("alyze_load_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let mut url = reqwest::Url::parse(admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

fn admin(storage: &[String], args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .args(storage)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn run_backend(storage: &[String], connections: usize, run: Duration) -> String {
    let clinic = admin(storage, &["create-clinic", "--name", "Load"]);
    let clinic_id = clinic["clinic_id"].as_str().unwrap().to_owned();
    let codes: Vec<String> = (0..connections)
        .map(|i| {
            let member = admin(
                storage,
                &[
                    "create-member",
                    "--clinic",
                    &clinic_id,
                    "--name",
                    &format!("m{i}"),
                ],
            );
            let member_id = member["member_id"].as_str().unwrap().to_owned();
            admin(storage, &["create-code", "--member", &member_id])["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();

    let mut command = Command::new(BIN);
    command.args(storage).args(["--auth-rate-burst", "100000"]);
    let server = Running::start(command);
    let base = server.url.clone();

    let mut tokens = Vec::new();
    for code in &codes {
        let enrolled = server.enrol(code, "load").await;
        tokens.push(enrolled["access_token"].as_str().unwrap().to_owned());
    }

    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut phones = Vec::new();
    for token in &tokens {
        let (base, token) = (base.clone(), token.clone());
        let (measuring, stop) = (measuring.clone(), stop.clone());
        phones.push(tokio::spawn(async move {
            // One connection per phone: a client with a pool of one.
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let mut latencies = Vec::new();
            let mut batch = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let request = upload(batch);
                batch += 1;
                let started = Instant::now();
                let answer: PushResponse = http
                    .post(format!("{base}/v1/sync/push"))
                    .bearer_auth(&token)
                    .json(&request)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let took = started.elapsed();
                assert_eq!(answer.results.len(), SAMPLES_PER_UPLOAD);
                if measuring.load(Ordering::Relaxed) {
                    latencies.push(took);
                }
            }
            latencies
        }));
    }
    tokio::time::sleep(WARM_UP).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(run).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for phone in phones {
        latencies.extend(phone.await.unwrap());
    }
    latencies.sort_unstable();
    let uploads = latencies.len() as f64 / elapsed.as_secs_f64();

    // Pull: every member reads everything back, members one after another.
    let http = reqwest::Client::new();
    let pull_started = Instant::now();
    let mut pages = Vec::new();
    let mut changes = 0usize;
    for token in &tokens {
        let (mut epoch, mut cursor) = (None, None);
        loop {
            let started = Instant::now();
            let page: PullResponse = http
                .post(format!("{base}/v1/sync/pull"))
                .bearer_auth(token)
                .json(&PullRequest {
                    epoch: epoch.clone(),
                    cursor,
                    limit: 500,
                })
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            pages.push(started.elapsed());
            changes += page.changes.len();
            epoch = Some(page.epoch);
            cursor = page.cursor;
            if !page.more {
                break;
            }
        }
    }
    let pull_elapsed = pull_started.elapsed();
    pages.sort_unstable();
    format!(
        "{uploads:.0} uploads/s ({:.0} samples/s) at {} connections, upload latency median {:.1} ms, \
         p99 {:.1} ms ({} uploads in {:.1} s); pull {:.0} changes/s, page (500) median {:.1} ms, \
         p99 {:.1} ms",
        uploads * SAMPLES_PER_UPLOAD as f64,
        tokens.len(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        latencies.len(),
        elapsed.as_secs_f64(),
        changes as f64 / pull_elapsed.as_secs_f64(),
        ms(percentile(&pages, 0.5)),
        ms(percentile(&pages, 0.99)),
    )
}

/// A phone's batch number `batch`: samples a minute apart. Ids as a phone's are: the record id
/// a random UUID (HealthKit's and Health Connect's ids are), the op id a UUIDv7 (the core's outbox
/// draws them), so the server indexes one random key per op, as it will in use.
fn upload(batch: u64) -> PushRequest {
    let ops = (0..SAMPLES_PER_UPLOAD)
        .map(|i| {
            let minute = batch * SAMPLES_PER_UPLOAD as u64 + i as u64;
            let at = 1_767_225_600 + i64::try_from(minute).unwrap() * 60;
            let stamp = chrono::DateTime::from_timestamp(at, 0).unwrap().to_rfc3339();
            let id = uuid::Uuid::new_v4().to_string();
            PushOp {
                op_id: uuid::Uuid::now_v7().to_string(),
                collection: "quantity_sample".to_owned(),
                id: id.clone(),
                deleted: false,
                base_version: None,
                body: Some(json!({
                    "kind": "heart_rate",
                    "value": 60 + (minute % 40),
                    "start": {"utc": stamp, "offset_s": 3600, "zone": "Europe/Berlin"},
                    "end": {"utc": stamp, "offset_s": 3600, "zone": "Europe/Berlin"},
                    "source": {"name": "Apple Watch", "bundle_id": null, "version": null, "device": null},
                    "platform_id": id,
                })),
            }
        })
        .collect();
    PushRequest { ops }
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
