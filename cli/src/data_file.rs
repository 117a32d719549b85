//! Files the command line keeps in the data directory (the member's profile, the sync credentials),
//! written atomically: a crash leaves the old file or the new one, never half of one.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes `text` to `path` atomically: a temporary file next to it, synced, then a rename over it.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    write(path, text, false)
}

/// [`write_atomic`] for a secret (the sync credentials): on Unix the file is created readable and
/// writable by its owner only (mode 0600) before anything is written to it.
pub fn write_private(path: &Path, text: &str) -> Result<()> {
    write(path, text, true)
}

fn write(path: &Path, text: &str, private: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path
        .file_name()
        .map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
    // The process id keeps two commands run at once from writing the same temporary file.
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = create(&temporary, private).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()
    });
    if let Err(err) = written {
        let _ = fs::remove_file(&temporary);
        return Err(err).with_context(|| format!("writing {}", temporary.display()));
    }
    if let Err(err) = fs::rename(&temporary, path) {
        // Best effort: the rename failed, so the temporary file is only litter.
        let _ = fs::remove_file(&temporary);
        return Err(err).with_context(|| format!("saving {}", path.display()));
    }
    Ok(())
}

/// Creates (truncating) `path`, owner-only when `private` on Unix.
fn create(path: &Path, private: bool) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}
