//! Files the command line keeps in the data directory (the member's profile, the prescription),
//! written atomically: a crash leaves the old file or the new one, never half of one.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes `text` to `path` atomically: a temporary file next to it, synced, then a rename over it.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path
        .file_name()
        .map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
    // The process id keeps two commands run at once from writing the same temporary file.
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = fs::File::create(&temporary).and_then(|mut file| {
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
