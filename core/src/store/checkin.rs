//! Check-ins with every revision kept.
//!
//! A check-in is identified by the member's local date of its `at` and the app that recorded it
//! (one wellness questionnaire a day; `ingest.rs`), so an edit that keeps the day is the same
//! check-in. New content adds a row to `check_in_revision` instead of replacing the old one: the
//! sync protocol carries member edits with a base version and the server keeps every revision
//! (data brief), which needs every revision here too. A delivery equal to any stored revision
//! (same instant, offset, zone and answers) is a replay and adds nothing; so an edit back to
//! earlier answers must carry a new `at`, which the app's edit screen gives it.
//!
//! Reads see the latest revision: the highest revision number, that is the one saved last.

use chrono::{NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::Store;
use super::code::{from_json, json_of};
use super::error::{Result, StoreError};
use super::ingest::sealed::{Head, Kind, Shared};
use super::ingest::{Record, timestamp_at, timestamp_columns};
use super::source;
use crate::health::CheckIn;
use crate::health::source::key_field;

/// The stream of the check-ins the member answers in the app.
pub const CHECK_IN_STREAM: &str = "manual:check_in";

/// The stored form of a day, `YYYY-MM-DD`, which sorts as the dates do.
const DAY_FORMAT: &str = "%Y-%m-%d";

impl CheckIn {
    /// The member's local date of the check-in, the day it belongs to.
    fn day(&self) -> String {
        self.at.local().date_naive().format(DAY_FORMAT).to_string()
    }
}

impl Record for CheckIn {}

impl Kind for CheckIn {
    const KIND: &'static str = "check_in";
    const REVISIONED: bool = true;

    fn write_identity(&self, key: &mut String) {
        key_field(key, &self.day());
    }

    fn shared(&self) -> Shared<'_> {
        Shared {
            platform_id: None,
            source: &self.source,
            start: &self.at,
            end: Some(self.at.clone()),
        }
    }

    fn save_details(&self, tx: &Transaction<'_>, rid: i64) -> Result<()> {
        let (at_ns, offset_s, zone) = timestamp_columns(&self.at).ok_or(StoreError::Encoding {
            column: "check_in_revision.at",
        })?;
        let answers = json_of(&self.answers, "check_in_revision.answers")?;
        tx.prepare_cached(
            "INSERT INTO check_in_revision (rid, revision, day, at_ns, at_offset_s, at_zone, \
             answers, saved_at_ms) \
             SELECT ?1, coalesce(max(revision), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7 \
             FROM check_in_revision WHERE rid = ?1",
        )
        .and_then(|mut statement| {
            statement.execute(params![
                rid,
                self.day(),
                at_ns,
                offset_s,
                zone,
                answers,
                Utc::now().timestamp_millis()
            ])
        })
        .map_err(|e| StoreError::sqlite("saving a check-in", &e))?;
        Ok(())
    }

    fn load(conn: &Connection, rid: i64, head: Head) -> Result<Self> {
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading a check-in", &e);
        let mut statement = conn
            .prepare_cached(
                "SELECT at_ns, at_offset_s, at_zone, answers FROM check_in_revision \
                 WHERE rid = ?1 ORDER BY revision DESC LIMIT 1",
            )
            .map_err(fail)?;
        let mut rows = statement.query([rid]).map_err(fail)?;
        let row = rows.next().map_err(fail)?.ok_or(StoreError::Corrupt {
            column: "check_in_revision",
        })?;
        let answers: String = row.get(3).map_err(fail)?;
        Ok(Self {
            at: timestamp_at(row, 0, "check_in_revision.at")?,
            answers: from_json(&answers, "check_in_revision.answers")?,
            source: head.source,
        })
    }

    fn matches(conn: &Connection, rid: i64, new: &Self) -> Result<bool> {
        let (at_ns, offset_s, zone) = timestamp_columns(&new.at).ok_or(StoreError::Encoding {
            column: "check_in_revision.at",
        })?;
        let answers = json_of(&new.answers, "check_in_revision.answers")?;
        conn.prepare_cached(
            "SELECT 1 FROM check_in_revision WHERE rid = ?1 AND at_ns = ?2 AND at_offset_s = ?3 \
             AND at_zone IS ?4 AND answers = ?5",
        )
        .and_then(|mut statement| {
            statement
                .query_row(params![rid, at_ns, offset_s, zone, answers], |_| Ok(()))
                .optional()
        })
        .map(|found| found.is_some())
        .map_err(|e| StoreError::sqlite("looking up a check-in", &e))
    }
}

impl Store {
    /// For each local day in `[from, to)` with a live check-in, the latest revision of that day's
    /// check-in, by day. When several apps checked in the same day, the one whose latest revision
    /// is latest in time wins.
    pub fn check_ins_by_day(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, CheckIn)>> {
        let sql = format!(
            "SELECT c.day, c.at_ns, c.at_offset_s, c.at_zone, c.answers, {} \
             FROM check_in_revision c JOIN record r ON r.rid = c.rid \
             JOIN source s ON s.id = r.source_id \
             WHERE r.kind = ?1 AND r.deleted_at_ms IS NULL AND c.day >= ?2 AND c.day < ?3 \
             AND c.revision = (SELECT max(revision) FROM check_in_revision WHERE rid = c.rid) \
             ORDER BY c.day, c.at_ns DESC, r.id",
            source::COLUMNS
        );
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading check-ins", &e);
        let mut statement = self.conn.prepare_cached(&sql).map_err(fail)?;
        let day = |d: NaiveDate| d.format(DAY_FORMAT).to_string();
        let mut rows = statement
            .query(params![CheckIn::KIND, day(from), day(to)])
            .map_err(fail)?;
        let mut days: Vec<(NaiveDate, CheckIn)> = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let text: String = row.get(0).map_err(fail)?;
            let date =
                NaiveDate::parse_from_str(&text, DAY_FORMAT).map_err(|_| StoreError::Corrupt {
                    column: "check_in_revision.day",
                })?;
            // Rows come latest first within a day: the first one of each day wins.
            if days.last().is_some_and(|(last, _)| *last == date) {
                continue;
            }
            let answers: String = row.get(4).map_err(fail)?;
            days.push((
                date,
                CheckIn {
                    at: timestamp_at(row, 1, "check_in_revision.at")?,
                    answers: from_json(&answers, "check_in_revision.answers")?,
                    source: source::read(row, 5)?,
                },
            ));
        }
        Ok(days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::Source;
    use crate::health::time::tests::ts;
    use crate::health::{HooperItems, McLeanItems, Questionnaire};
    use crate::store::{IngestReport, SkipReason, record_id};

    const STREAM: &str = "member";

    fn mclean(all: u8) -> Questionnaire {
        Questionnaire::McLean(McLeanItems {
            fatigue: all,
            sleep_quality: all,
            soreness: all,
            stress: all,
            mood: all,
        })
    }

    fn check_in(at_s: i64, answers: Questionnaire) -> CheckIn {
        CheckIn {
            at: ts(at_s),
            answers,
            source: Source::named("alyze"),
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    fn revisions(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT count(*) FROM check_in_revision", [], |row| {
                row.get(0)
            })
            .expect("counts")
    }

    #[test]
    fn an_edit_is_a_new_revision_and_the_latest_wins() {
        let mut store = Store::open_in_memory().expect("opens");
        let day = ts(0).local().date_naive();
        let first = check_in(100, mclean(3));
        let edit = check_in(900, mclean(4));
        assert_eq!(record_id(&first), record_id(&edit), "same day, same app");
        store
            .ingest(STREAM, std::slice::from_ref(&first), &[], None)
            .expect("ingests");
        let report = store
            .ingest(STREAM, std::slice::from_ref(&edit), &[], None)
            .expect("ingests");
        assert_eq!(
            report,
            IngestReport {
                updated: 1,
                ..IngestReport::default()
            }
        );
        assert_eq!(revisions(&store), 2);
        let next = day.succ_opt().unwrap_or(day);
        assert_eq!(
            store.check_ins_by_day(day, next).expect("reads"),
            vec![(day, edit.clone())]
        );
        // Replaying either revision adds nothing and does not bring the old answers back.
        let replay = store
            .ingest(STREAM, &[first, edit.clone()], &[], None)
            .expect("ingests");
        assert_eq!(replay.duplicates, 2);
        assert_eq!(revisions(&store), 2);
        let read: Vec<CheckIn> = store.records(ts(0).utc(), ts(86_400).utc()).expect("reads");
        assert_eq!(read, vec![edit]);
    }

    #[test]
    fn one_check_in_per_day_invalid_answers_skipped_and_deletion() {
        let mut store = Store::open_in_memory().expect("opens");
        let hooper = Questionnaire::Hooper(HooperItems {
            sleep: 2,
            stress: 2,
            fatigue: 3,
            soreness: 1,
        });
        let batch = [
            check_in(3600, mclean(3)),
            check_in(86_400 + 3600, mclean(9)),
            check_in(2 * 86_400 + 3600, hooper),
        ];
        let report = store.ingest(STREAM, &batch, &[], None).expect("ingests");
        assert_eq!(report.inserted, 2);
        assert!(matches!(
            report.skipped.as_slice(),
            [(1, SkipReason::Invalid(_))]
        ));
        let (d0, d3) = (date(2026, 11, 28), date(2026, 12, 1));
        let days = store.check_ins_by_day(d0, d3).expect("reads");
        assert_eq!(
            days,
            vec![
                (d0, batch[0].clone()),
                (date(2026, 11, 30), batch[2].clone())
            ]
        );
        let report = store
            .ingest::<CheckIn>(STREAM, &[], &[record_id(&batch[0])], None)
            .expect("ingests");
        assert_eq!(report.deleted, 1);
        assert_eq!(store.check_ins_by_day(d0, d3).expect("reads").len(), 1);
    }
}
