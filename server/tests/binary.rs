//! The real `alyze-server` binary: administer its database with the subcommands (`--json`), serve
//! it on a loopback port chosen by the OS, enrol a phone and sign a staff member in over HTTP, then
//! stop it with SIGTERM and check it shuts down cleanly. Once with a data dir (SQLite) and once with
//! `--database-url` (PostgreSQL).

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::ffi::OsString;
use std::io::Write;
use std::process::{Command, Stdio};

use common::binary::Running;
use common::postgres::TestDatabase;
use common::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_alyze-server");
const CHEAP_ARGON2: [&str; 6] = [
    "--argon2-memory-kib",
    "8",
    "--argon2-iterations",
    "1",
    "--argon2-parallelism",
    "1",
];

/// Where the binary keeps its data: a data dir, or a PostgreSQL database of the test's own.
struct Storage {
    /// The flag and its value: `--data-dir DIR` or `--database-url URL`.
    flag: [OsString; 2],
    /// The same as an environment variable.
    env: (&'static str, OsString),
    _dir: tempfile::TempDir,
    _database: Option<TestDatabase>,
}

impl Storage {
    async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => {
                let data = dir.path().join("data").into_os_string();
                Self {
                    flag: ["--data-dir".into(), data.clone()],
                    env: ("ALYZE_SERVER_DATA_DIR", data),
                    _dir: dir,
                    _database: None,
                }
            }
            Backend::Postgres => {
                let database = TestDatabase::create().await;
                let url = OsString::from(database.url());
                Self {
                    flag: ["--database-url".into(), url.clone()],
                    env: ("ALYZE_DATABASE_URL", url),
                    _dir: dir,
                    _database: Some(database),
                }
            }
        }
    }

    /// The binary with the storage flag, and none of the caller's storage variables.
    fn command(&self) -> Command {
        let mut command = bare();
        command.args(&self.flag);
        command
    }
}

/// The binary without the storage variables a developer's shell may have set.
fn bare() -> Command {
    let mut command = Command::new(BIN);
    command
        .env_remove("ALYZE_SERVER_DATA_DIR")
        .env_remove("ALYZE_DATABASE_URL");
    command
}

/// Runs an admin subcommand with `--json`; its parsed output.
fn admin(storage: &Storage, args: &[&str]) -> Value {
    let out = storage.command().arg("--json").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn admin_subcommands_then_serve_enrol_and_stop(backend: Backend) {
    let data = Storage::new(backend).await;

    let clinic = admin(&data, &["create-clinic", "--name", "North"]);
    let clinic_id = clinic["clinic_id"].as_str().unwrap();
    let member = admin(
        &data,
        &["create-member", "--clinic", clinic_id, "--name", "Ada"],
    );
    let member_id = member["member_id"].as_str().unwrap();
    let code = admin(&data, &["create-code", "--member", member_id]);
    let code_text = code["code"].as_str().unwrap();
    assert_eq!(code["member_id"], member_id);
    // The default expiry is seven days from now.
    let expires = chrono::DateTime::parse_from_rfc3339(code["expires_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let days = (expires - chrono::Utc::now()).num_hours();
    assert!((167..=168).contains(&days), "{days} hours");

    // The password comes on standard input, never as an argument.
    let mut staff = data
        .command()
        .args(["--json", "create-staff", "--clinic", clinic_id])
        .args(["--email", "grace@north.example", "--role", "admin"])
        .args(CHEAP_ARGON2)
        .env_remove("ALYZE_STAFF_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    staff
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long staff password\n")
        .unwrap();
    let out = staff.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let staff: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(staff["role"], "admin");

    // A second member in the same clinic, with the storage named by its environment variable.
    let out = bare()
        .env(data.env.0, &data.env.1)
        .args(["create-member", "--clinic", clinic_id, "--name", "Bob"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("member "));

    let mut command = data.command();
    command.args(CHEAP_ARGON2);
    let server = Running::start(command);
    let base = server.url.clone();

    let http = reqwest::Client::new();
    let enrolled = server.enrol(code_text, "Ada's phone").await;
    assert_eq!(enrolled["member_id"], member_id);
    let me: Value = http
        .get(format!("{base}/v1/me"))
        .bearer_auth(enrolled["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Ada");

    let reuse = http
        .post(format!("{base}/v1/enrol"))
        .json(&json!({"code": code_text, "device_name": "Another phone"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reuse.status(), StatusCode::UNAUTHORIZED);

    let login: Value = http
        .post(format!("{base}/v1/staff/login"))
        .json(&json!({"email": "grace@north.example", "password": "a long staff password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let members: Value = http
        .get(format!("{base}/v1/clinic/members"))
        .bearer_auth(login["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(members["members"].as_array().unwrap().len(), 2);

    // SIGTERM: a graceful stop with exit status 0.
    let mut server = server;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

async fn bad_input_fails_with_a_message_and_no_password_argument_exists(backend: Backend) {
    let storage = Storage::new(backend).await;
    let out = storage
        .command()
        .args([
            "create-member",
            "--clinic",
            "no-such-clinic",
            "--name",
            "Ada",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("clinic not found"));

    let out = storage
        .command()
        .args(["create-staff", "--clinic", "c", "--email", "a@b.example"])
        .args(["--role", "admin", "--password", "secret"])
        .output()
        .unwrap();
    assert!(!out.status.success());

    // The password from the environment variable: too short is refused, long enough is taken.
    let clinic = admin(&storage, &["create-clinic", "--name", "North"]);
    let clinic_id = clinic["clinic_id"].as_str().unwrap();
    let create_staff = |password: &str| {
        storage
            .command()
            .args([
                "create-staff",
                "--clinic",
                clinic_id,
                "--email",
                "cy@north.example",
            ])
            .args(["--role", "clinician"])
            .args(CHEAP_ARGON2)
            .env("ALYZE_STAFF_PASSWORD", password)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let short = create_staff("tiny");
    assert!(!short.status.success());
    let stderr = String::from_utf8_lossy(&short.stderr);
    assert!(
        stderr.contains("too short") && !stderr.contains("tiny"),
        "{stderr}"
    );
    assert!(create_staff("long enough password").status.success());
    // The address is taken now.
    let again = create_staff("long enough password");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn storage_must_be_named_once_and_a_database_url_is_never_echoed() {
    let out = bare()
        .args(["create-clinic", "--name", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--data-dir") && stderr.contains("--database-url"));

    let dir = tempfile::tempdir().unwrap();
    let out = bare()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--database-url", "postgres://u@127.0.0.1:1/x"])
        .args(["create-clinic", "--name", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));

    // Nothing listens on port 1, and `notaport` is no port: both fail, and the password stays
    // out of the message.
    for url in [
        "postgres://u:s3cret-pw@127.0.0.1:1/x",
        "postgres://u:s3cret-pw@127.0.0.1:notaport/x",
    ] {
        let out = bare()
            .env("ALYZE_DATABASE_URL", url)
            .args(["create-clinic", "--name", "x"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("PostgreSQL"), "{stderr}");
        assert!(!stderr.contains("s3cret-pw"), "{stderr}");
    }
}

on_both_backends!(
    admin_subcommands_then_serve_enrol_and_stop,
    bad_input_fails_with_a_message_and_no_password_argument_exists,
);
