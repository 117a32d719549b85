//! The real `alyze-server` binary: administer a data dir with the subcommands (`--json`), serve it
//! on a loopback port chosen by the OS, enrol a phone and sign a staff member in over HTTP, then
//! stop it with SIGTERM and check it shuts down cleanly.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

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

/// Runs an admin subcommand with `--json`; its parsed output.
fn admin(data_dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
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

/// Stops the server even when an assertion fails first.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn admin_subcommands_then_serve_enrol_and_stop() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

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
    let mut staff = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
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

    // A second member in the same clinic, through the environment variable path for the data dir.
    let out = Command::new(BIN)
        .env("ALYZE_SERVER_DATA_DIR", &data)
        .args(["create-member", "--clinic", clinic_id, "--name", "Bob"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("member "));

    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["--listen", "127.0.0.1:0", "--json"])
        .args(CHEAP_ARGON2)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let server = Server(child);
    let listening: Value = serde_json::from_str(&first_line).unwrap();
    let base = format!("http://{}", listening["listening"].as_str().unwrap());

    let http = reqwest::Client::new();
    let enrolled: Value = http
        .post(format!("{base}/v1/enrol"))
        .json(&json!({"code": code_text, "device_name": "Ada's phone"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.0.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
fn bad_input_fails_with_a_message_and_no_password_argument_exists() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
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

    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["create-staff", "--clinic", "c", "--email", "a@b.example"])
        .args(["--role", "admin", "--password", "secret"])
        .output()
        .unwrap();
    assert!(!out.status.success());

    // The password from the environment variable: too short is refused, long enough is taken.
    let clinic = admin(dir.path(), &["create-clinic", "--name", "North"]);
    let clinic_id = clinic["clinic_id"].as_str().unwrap();
    let create_staff = |password: &str| {
        Command::new(BIN)
            .arg("--data-dir")
            .arg(dir.path())
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

    let out = Command::new(BIN)
        .args(["create-clinic", "--name", "x"])
        .env_remove("ALYZE_SERVER_DATA_DIR")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--data-dir"));
}
