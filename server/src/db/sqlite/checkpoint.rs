//! Checkpoints of the SQLite WAL on a thread and connection of their own. SQLite's automatic
//! checkpoint runs inside the commit that crosses its threshold, on the writer: every push waiting
//! behind that commit waited for the copy of the WAL into the database file and its sync too. Here
//! the writer only nudges; the copy runs beside it (a `PASSIVE` checkpoint never blocks the writer
//! or the readers), at most once per `PAUSE`, so a page written again within a pause is copied
//! once.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::{configure, lock};
use crate::db::DbError;

/// The least time between two checkpoints. A product choice for an upload-heavy server: longer
/// coalesces more rewrites of hot pages, at the price of a longer WAL (reads search its index).
const PAUSE: Duration = Duration::from_millis(250);

/// The checkpointing thread; stopped and joined when dropped.
pub(super) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// Something was committed since the last checkpoint began.
    dirty: bool,
    stopping: bool,
}

impl Checkpointer {
    /// Opens a connection to the database at `path` and starts the thread.
    pub(super) fn start(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path)?;
        configure(&conn)?;
        let shared = Arc::new(Shared::default());
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".to_owned())
            .spawn({
                let shared = Arc::clone(&shared);
                move || run(&conn, &shared)
            })?;
        Ok(Self {
            shared,
            thread: Some(thread),
        })
    }

    /// Tells the thread the writer committed.
    pub(super) fn nudge(&self) {
        let mut state = lock(&self.shared.state);
        if !state.dirty {
            state.dirty = true;
            self.shared.wake.notify_one();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        lock(&self.shared.state).stopping = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, shared: &Shared) {
    loop {
        {
            let mut state = lock(&shared.state);
            while !state.dirty && !state.stopping {
                state = shared
                    .wake
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            if state.stopping {
                return;
            }
            state.dirty = false;
        }
        // A failure (the disk full, say) leaves the WAL longer, never the data wrong: the next
        // nudge tries again, and the last connection to close checkpoints too.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(cause = %e, "WAL checkpoint failed");
        }
        let state = lock(&shared.state);
        if state.stopping {
            return;
        }
        // Waits out the pause unless told to stop; nudges meanwhile only set `dirty`.
        let _ = shared
            .wake
            .wait_timeout_while(state, PAUSE, |state| !state.stopping);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn a_nudge_copies_the_wal_into_the_database_file_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let writer = Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "WAL").unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer
            .execute_batch(
                "CREATE TABLE t (x BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                 INSERT INTO t SELECT randomblob(1000) FROM n;",
            )
            .unwrap();
        let file_len = || std::fs::metadata(&path).unwrap().len();
        // Nothing checkpoints on its own: the rows are only in the WAL.
        assert!(file_len() < 100_000, "{}", file_len());

        let checkpointer = Checkpointer::start(&path).unwrap();
        checkpointer.nudge();
        let deadline = Instant::now() + Duration::from_secs(30);
        while file_len() < 500_000 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(file_len() >= 500_000, "{}", file_len());
        let rows: i64 = writer
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 500);
        // Dropping stops and joins the thread, even in its pause.
        drop(checkpointer);
    }
}
