//! The whole system: the real `alyze-server` binary on a loopback port and the real `alyze` command
//! line as a member's phone. The clinic is set up with the admin subcommands, the phone enrols
//! with its code, logs a sauna session and syncs it up; the clinic's staff set a prescription over
//! HTTP, the phone syncs again and shows the clinic's prescription; after `new-epoch` (a restore
//! from a backup) the phone resyncs. A second member on the same device: refused until the first
//! signs out, and then nothing of the first's goes to the second's account. Once on each backend.
//!
//! The `alyze` binary is another package's, which cargo does not build for this one's tests: build
//! it first (`cargo build -p alyze-cli`). The test looks for it beside this package's binary (the
//! same target dir) and fails, saying so, when it is missing.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::binary::Running;
use common::postgres::TestDatabase;
use common::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SERVER: &str = env!("CARGO_BIN_EXE_alyze-server");
const PASSWORD: &str = "a long staff password";
const CHEAP_ARGON2: [&str; 6] = [
    "--argon2-memory-kib",
    "8",
    "--argon2-iterations",
    "1",
    "--argon2-parallelism",
    "1",
];

/// The `alyze` binary of the same target dir and profile as this package's.
fn cli_binary() -> PathBuf {
    let path = Path::new(SERVER).with_file_name(format!("alyze{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "the alyze command line is not built at {}: run `cargo build -p alyze-cli` first \
         (with the same CARGO_TARGET_DIR)",
        path.display()
    );
    path
}

/// The server binary with its storage flag.
fn server(flag: &[OsString; 2]) -> Command {
    let mut command = Command::new(SERVER);
    command
        .env_remove("ALYZE_SERVER_DATA_DIR")
        .env_remove("ALYZE_DATABASE_URL")
        .args(flag);
    command
}

/// An admin subcommand's `--json` output.
fn admin(flag: &[OsString; 2], args: &[&str]) -> Value {
    let out = server(flag)
        .arg("--json")
        .args(args)
        .args(CHEAP_ARGON2)
        .env("ALYZE_STAFF_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `alyze --data-dir DIR ARGS`; its standard output.
fn alyze(data_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(cli_binary())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "alyze {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `alyze --data-dir DIR ARGS`, which must fail; its standard error.
fn alyze_fails(data_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(cli_binary())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "alyze {args:?} succeeded");
    String::from_utf8(out.stderr).unwrap()
}

/// A clinic on a running server: its storage, its id and the server's URL.
struct Clinic {
    flag: [OsString; 2],
    id: String,
    base: String,
    _server: Running,
    _database: Option<TestDatabase>,
}

impl Clinic {
    /// Creates a clinic with a clinician (`grace@north.example`) in storage under `dir` (or a
    /// fresh PostgreSQL database) and starts the server on a free loopback port.
    async fn start(backend: Backend, dir: &Path) -> Self {
        assert!(cli_binary().is_file());
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(TestDatabase::create().await),
        };
        let flag: [OsString; 2] = match &database {
            None => ["--data-dir".into(), dir.join("server").into_os_string()],
            Some(db) => ["--database-url".into(), db.url().into()],
        };
        let clinic = admin(&flag, &["create-clinic", "--name", "North"]);
        let id = clinic["clinic_id"].as_str().unwrap().to_owned();
        admin(
            &flag,
            &[
                "create-staff",
                "--clinic",
                &id,
                "--email",
                "grace@north.example",
                "--role",
                "clinician",
            ],
        );
        let mut command = server(&flag);
        command.args(CHEAP_ARGON2);
        let server = Running::start(command);
        Self {
            flag,
            id,
            base: server.url.clone(),
            _server: server,
            _database: database,
        }
    }

    /// A new member of the clinic; their id.
    fn member(&self, name: &str) -> String {
        let member = admin(
            &self.flag,
            &["create-member", "--clinic", &self.id, "--name", name],
        );
        member["member_id"].as_str().unwrap().to_owned()
    }

    /// A one-time enrolment code of `member`.
    fn code(&self, member: &str) -> String {
        let code = admin(&self.flag, &["create-code", "--member", member]);
        code["code"].as_str().unwrap().to_owned()
    }
}

/// Logs a sauna session at `at` (`YYYY-MM-DD HH:MM`, Berlin) on the phone in `dir`.
fn log_sauna(dir: &Path, at: &str) {
    alyze(
        dir,
        &[
            "log",
            "sauna",
            "--minutes",
            "15",
            "--temp",
            "90",
            "--at",
            at,
            "--tz",
            "Europe/Berlin",
        ],
    );
}

async fn a_phone_syncs_with_the_clinic_through_the_real_binaries(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::start(backend, dir.path()).await;
    let (flag, base) = (&clinic.flag, clinic.base.clone());
    let member_id = clinic.member("Ada");
    let member_id = member_id.as_str();
    let code = clinic.code(member_id);

    // The phone: enrol, log a session, sync it up.
    let phone = dir.path().join("phone");
    alyze(&phone, &["enrol", "--server", &base, "--code", &code]);
    log_sauna(&phone, "2026-03-04 18:00");
    let report: Value = serde_json::from_str(&alyze(&phone, &["sync", "--json"])).unwrap();
    assert!(report["pushed"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(report["rejected"], 0, "{report}");

    // The clinic: a prescription over HTTP.
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/v1/staff/login"))
        .json(&json!({"email": "grace@north.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let prescription = json!({
        "targets": [{"sessions_per_week": 3, "check": "standard",
                     "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}}],
        "fixed": [],
        "availability": [{"start": "07:00:00", "end": "21:00:00"}],
        "quiet_hours": []
    });
    let r = http
        .put(format!("{base}/v1/clinic/members/{member_id}/prescription"))
        .bearer_auth(login["access_token"].as_str().unwrap())
        .json(&prescription)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // The phone again: the prescription comes down and is the clinic's.
    let report: Value = serde_json::from_str(&alyze(&phone, &["sync", "--json"])).unwrap();
    assert!(report["pulled"].as_u64().unwrap() >= 1, "{report}");
    let shown: Value =
        serde_json::from_str(&alyze(&phone, &["prescription", "show", "--json"])).unwrap();
    let expected: alyze_core::protocol::Prescription =
        serde_json::from_value(prescription).unwrap();
    let shown: alyze_core::protocol::Prescription = serde_json::from_value(shown).unwrap();
    assert_eq!(shown, expected);

    // A third sync brings nothing new down.
    let report: Value = serde_json::from_str(&alyze(&phone, &["sync", "--json"])).unwrap();
    assert_eq!(report["pulled"], 0, "{report}");
    assert_eq!(report["resynced"], false, "{report}");

    // The database restored from a backup: a new epoch (set while the server runs), and the
    // phone's next sync starts over, re-pushing what it wrote (the server has it: duplicates).
    let epoch = admin(flag, &["new-epoch"]);
    assert_eq!(epoch["epoch"].as_str().unwrap().len(), 32);
    let report: Value = serde_json::from_str(&alyze(&phone, &["sync", "--json"])).unwrap();
    assert_eq!(report["resynced"], true, "{report}");
    assert_eq!(report["pushed"], 0, "{report}");
    assert_eq!(report["rejected"], 0, "{report}");
    let shown: Value =
        serde_json::from_str(&alyze(&phone, &["prescription", "show", "--json"])).unwrap();
    let shown: alyze_core::protocol::Prescription = serde_json::from_value(shown).unwrap();
    assert_eq!(shown, expected);

    // Nothing is old enough to purge.
    let purged = admin(flag, &["purge-tombstones"]);
    assert_eq!(purged, json!({"members": 0, "tombstones": 0}));

    // Signing out with the server gone: the device's data is erased all the same, and the member
    // is told that the login could not be ended there.
    drop(clinic);
    let out = alyze(&phone, &["sign-out"]);
    assert!(out.contains("Signed out"), "{out}");
    assert!(out.contains("could not be reached"), "{out}");
    assert!(!phone.join("credentials.json").exists());
}

/// The collections of everything the server holds for the member whose access token is `token`.
async fn collections_held(base: &str, token: &str) -> Vec<String> {
    let page: Value = reqwest::Client::new()
        .post(format!("{base}/v1/sync/pull"))
        .bearer_auth(token)
        .json(&json!({"epoch": null, "cursor": null, "limit": 500}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["more"], false, "{page}");
    page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["deleted"] == false)
        .map(|c| c["collection"].as_str().unwrap().to_owned())
        .collect()
}

/// The status `GET /v1/me` answers with `token`.
async fn status_of_me(base: &str, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{base}/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

/// The access token saved in the phone's `credentials.json`.
fn saved_token(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("credentials.json")).unwrap();
    let saved: Value = serde_json::from_str(&text).unwrap();
    saved["access_token"].as_str().unwrap().to_owned()
}

async fn a_second_member_on_the_same_device_sees_and_sends_nothing_of_the_first(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::start(backend, dir.path()).await;
    let base = clinic.base.clone();
    let (ada, bo) = (clinic.member("Ada"), clinic.member("Bo"));
    let phone = dir.path().join("phone");
    alyze(
        &phone,
        &["enrol", "--server", &base, "--code", &clinic.code(&ada)],
    );
    log_sauna(&phone, "2026-03-04 18:00");
    alyze(&phone, &["sync"]);
    let ada_token = saved_token(&phone);

    // Bo enrols on Ada's device without signing her out: Ada's login there ends, and the sync
    // refuses before sending.
    let out = alyze(
        &phone,
        &[
            "enrol",
            "--replace",
            "--server",
            &base,
            "--code",
            &clinic.code(&bo),
        ],
    );
    assert!(out.contains("The replaced login was ended"), "{out}");
    assert_eq!(
        status_of_me(&base, &ada_token).await,
        StatusCode::UNAUTHORIZED
    );
    log_sauna(&phone, "2026-03-05 18:00");
    let refused = alyze_fails(&phone, &["sync"]);
    assert!(refused.contains("another member"), "{refused}");
    let bo_token = saved_token(&phone);
    assert!(
        !collections_held(&base, &bo_token)
            .await
            .contains(&"recovery_session".to_owned())
    );

    // Signing out is refused while a change waits, then erases everything when told to.
    let refused = alyze_fails(&phone, &["sign-out"]);
    assert!(refused.contains("have not reached the clinic"), "{refused}");
    let out = alyze(&phone, &["sign-out", "--discard-unsynced"]);
    assert!(out.contains("Signed out"), "{out}");
    // The server ended the device's login: a copy of its tokens is worthless.
    assert!(out.contains("ended this device's login"), "{out}");
    assert_eq!(
        status_of_me(&base, &bo_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert!(!phone.join("credentials.json").exists());
    let refused = alyze_fails(&phone, &["sync"]);
    assert!(refused.contains("not enrolled"), "{refused}");

    // Bo enrols on the erased device: nothing of Ada's goes up or stays in view. (Its credentials
    // file damaged meanwhile: the error names the way out, `--replace`, and that way works.)
    std::fs::write(phone.join("credentials.json"), "not json").unwrap();
    let code = clinic.code(&bo);
    let refused = alyze_fails(&phone, &["enrol", "--server", &base, "--code", &code]);
    assert!(refused.contains("--replace"), "{refused}");
    alyze(
        &phone,
        &["enrol", "--replace", "--server", &base, "--code", &code],
    );
    let report: Value = serde_json::from_str(&alyze(&phone, &["sync", "--json"])).unwrap();
    assert_eq!(report["rejected"], 0, "{report}");
    let bo_token = saved_token(&phone);
    let held = collections_held(&base, &bo_token).await;
    assert!(!held.contains(&"recovery_session".to_owned()), "{held:?}");
    // Ada's session is still hers on the server, seen from her next phone.
    let next_phone = dir.path().join("next phone");
    alyze(
        &next_phone,
        &["enrol", "--server", &base, "--code", &clinic.code(&ada)],
    );
    let held = collections_held(&base, &saved_token(&next_phone)).await;
    assert_eq!(
        held.iter().filter(|c| *c == "recovery_session").count(),
        1,
        "{held:?}"
    );
}

on_both_backends!(
    a_phone_syncs_with_the_clinic_through_the_real_binaries,
    a_second_member_on_the_same_device_sees_and_sends_nothing_of_the_first,
);
