//! `alyze` writing into a pipe whose reader has gone (`alyze hrv --rr FILE | head -1`): it stops
//! quietly with success instead of panicking on the failed write.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `alyze` with a stdout pipe that is closed before anything is read from it, so the first
/// write fails with a broken pipe whatever the timing.
fn alyze_into_closed_pipe(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alyze"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the alyze binary runs");
    drop(child.stdout.take().expect("stdout is piped"));
    child.wait_with_output().expect("alyze ends")
}

fn assert_quiet_success(args: &[&str]) {
    let out = alyze_into_closed_pipe(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(
        out.status.success(),
        "{args:?} ended with {}: {stderr}",
        out.status
    );
    assert!(stderr.is_empty(), "{args:?} wrote to stderr: {stderr}");
}

#[test]
fn a_closed_stdout_ends_the_program_quietly_with_success() {
    let rr = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/hrv/pyhrv_sample_nni_long.txt")
        .display()
        .to_string();
    // The table, its JSON, and the demo's first line: each a different write path.
    assert_quiet_success(&["hrv", "--rr", &rr]);
    assert_quiet_success(&["hrv", "--rr", &rr, "--json"]);
    assert_quiet_success(&["demo"]);
}

#[test]
fn other_errors_still_fail_with_a_message() {
    let out = alyze_into_closed_pipe(&["hrv", "--rr", "/nonexistent/alyze-rr.txt"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.starts_with("error: "), "{stderr}");
}
