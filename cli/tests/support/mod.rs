//! Helpers shared by the command-line tests in `cli/tests/`: the built `alyze` binary, and a
//! member with a temporary data directory to run it in.
//!
//! Each file in `cli/tests/` is its own test binary and declares `mod support;`. Not every binary
//! uses every helper, and an unused one is dead code in that binary only, hence the
//! `#[allow(dead_code)]` on each item (rather than `#[expect]`, which would fail where it is used).

// Test helpers: a command that does not run as expected fails the test that ran it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

use alyze_core::apple_export::SyntheticExport;
use serde_json::Value;
use tempfile::TempDir;

/// Runs the built `alyze` with `args`.
#[allow(dead_code)]
pub fn alyze(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alyze"))
        .args(args)
        .output()
        .expect("the alyze binary runs")
}

/// A temporary directory whose `data` directory is the member's `--data-dir`.
pub struct Member {
    pub dir: TempDir,
}

#[allow(dead_code)]
impl Member {
    /// A member with nothing stored yet.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A member into whose data directory a generated export of `days` days (from 2022-09-01)
    /// was imported with `alyze import`.
    pub fn imported(days: u32) -> Self {
        let member = Self::new();
        member.import(days);
        member
    }

    /// Imports a generated export of `days` days with `alyze import`.
    pub fn import(&self, days: u32) {
        let export = self.dir.path().join("export.zip");
        SyntheticExport {
            days,
            ..SyntheticExport::default()
        }
        .write_zip(&export)
        .unwrap();
        self.ok(&["import", export.to_str().unwrap(), "--json"]);
    }

    /// The member's data directory.
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs `alyze --data-dir <data> args...`.
    pub fn run(&self, args: &[&str]) -> Output {
        let data = self.data().display().to_string();
        let mut all = vec!["--data-dir", data.as_str()];
        all.extend_from_slice(args);
        alyze(&all)
    }

    /// [`Member::run`], which must succeed; its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// [`Member::ok`] read as one JSON value.
    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("one JSON value")
    }

    /// [`Member::run`], which must fail; its standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }

    /// Writes `text` to `name` beside the data directory; its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}
