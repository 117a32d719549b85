//! Helpers shared by the integration tests in `core/tests/`: where the repository is, the reference
//! files under `tests/reference/` (written by the `gen_*.py` generators there, never by this crate),
//! the public sample recordings under `data/hrv/`, and the uncorrected settings under which the
//! references analyse a series as given.
//!
//! Each file in `core/tests/` is its own test binary and declares `mod support;`. Not every binary
//! uses every helper, and an unused one is dead code in that binary only, hence the
//! `#[allow(dead_code)]` on each item (rather than `#[expect]`, which would fail where it is used).

// Test helpers: a file that cannot be read or parsed fails the test that needs it, with the reason.
#![allow(clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use alyze_core::hrv::{Correction, HrvSettings};
use serde_json::Value;

/// The repository root (this crate lives in `core/`).
#[allow(dead_code)]
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The reference file `tests/reference/<name>.json`, parsed.
#[allow(dead_code)]
pub fn reference(name: &str) -> Value {
    let path = repo_root()
        .join("tests/reference")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("tests/reference/{name}.json is readable: {error}"));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name}.json is valid JSON: {error}"))
}

/// The intervals of a series file (one number per line, blank lines skipped), given by its path
/// from the repository root, ms.
#[allow(dead_code)]
pub fn intervals(relative_path: impl AsRef<Path>) -> Vec<f64> {
    let path = repo_root().join(relative_path);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("the series {} is readable: {error}", path.display()))
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.trim().parse().expect("one number per line"))
        .collect()
}

/// The NN intervals of a sample recording in `data/hrv/`, ms.
#[allow(dead_code)]
pub fn recording(name: &str) -> Vec<f64> {
    intervals(Path::new("data/hrv").join(name))
}

/// The default settings without artefact correction: the references analyse a series as given.
#[allow(dead_code)]
pub fn uncorrected() -> HrvSettings {
    HrvSettings {
        correction: Correction::None,
        ..HrvSettings::default()
    }
}
