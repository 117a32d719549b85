//! Timed parts of a record: a sleep session's stage segments and a workout's events.
//!
//! Both are a list of (name, start, end) kept in order under their record's row, so one pair of
//! functions saves and loads either table (`sleep_segment`, `workout_event`, same columns).

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, params};

use super::error::{Result, StoreError};
use super::ingest::{timestamp_at, timestamp_columns};
use crate::health::Timestamp;

/// The tables this module serves; the name is put into SQL text, so only these constants are
/// accepted.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PartTable {
    /// `sleep_segment`.
    SleepSegment,
    /// `workout_event`.
    WorkoutEvent,
}

impl PartTable {
    fn name(self) -> &'static str {
        match self {
            Self::SleepSegment => "sleep_segment",
            Self::WorkoutEvent => "workout_event",
        }
    }
}

/// One part as stored: its name (stage or event kind), start and end.
pub(crate) type Part = (String, Timestamp, Timestamp);

/// Saves `parts` in order under row `rid`.
pub(crate) fn save<'a>(
    tx: &Transaction<'_>,
    table: PartTable,
    rid: i64,
    parts: impl IntoIterator<Item = (String, &'a Timestamp, &'a Timestamp)>,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {} (rid, position, code, start_ns, start_offset_s, start_zone, end_ns, \
         end_offset_s, end_zone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        table.name()
    );
    let mut statement = tx
        .prepare_cached(&sql)
        .map_err(|e| StoreError::sqlite("saving record parts", &e))?;
    for (position, (code, start, end)) in (0_i64..).zip(parts) {
        let (Some(start), Some(end)) = (timestamp_columns(start), timestamp_columns(end)) else {
            return Err(StoreError::Encoding {
                column: table.name(),
            });
        };
        statement
            .execute(params![
                rid, position, code, start.0, start.1, start.2, end.0, end.1, end.2
            ])
            .map_err(|e| StoreError::sqlite("saving record parts", &e))?;
    }
    Ok(())
}

/// The parts under row `rid`, in order.
pub(crate) fn load(conn: &Connection, table: PartTable, rid: i64) -> Result<Vec<Part>> {
    Ok(load_rows(conn, table, rid, rid)?
        .remove(&rid)
        .unwrap_or_default())
}

/// The parts under every row from `first` to `last` (row keys), each row's in order: one read for
/// the records of a range instead of one per record.
pub(crate) fn load_rows(
    conn: &Connection,
    table: PartTable,
    first: i64,
    last: i64,
) -> Result<HashMap<i64, Vec<Part>>> {
    let sql = format!(
        "SELECT rid, code, start_ns, start_offset_s, start_zone, end_ns, end_offset_s, end_zone \
         FROM {} WHERE rid >= ?1 AND rid <= ?2 ORDER BY rid, position",
        table.name()
    );
    let fail = |e: rusqlite::Error| StoreError::sqlite("reading record parts", &e);
    let mut statement = conn.prepare_cached(&sql).map_err(fail)?;
    let mut rows = statement.query([first, last]).map_err(fail)?;
    let mut parts: HashMap<i64, Vec<Part>> = HashMap::new();
    while let Some(row) = rows.next().map_err(fail)? {
        parts.entry(row.get(0).map_err(fail)?).or_default().push((
            row.get(1).map_err(fail)?,
            timestamp_at(row, 2, table.name())?,
            timestamp_at(row, 5, table.name())?,
        ));
    }
    Ok(parts)
}
