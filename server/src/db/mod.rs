//! Storage behind one type, `Db`, so handlers never see which database holds the data. SQLite
//! (`sqlite`) is the embedded default; PostgreSQL (`postgres`) is the second variant, with the same
//! methods, the same semantics and its own migrations. Each method is one unit of work and one
//! transaction: what must happen together (a code spent and the device it enrols; a staff read and
//! its audit row) happens inside one call. Times are ms since the Unix epoch (`crate::clock`).
//!
//! What both backends decide the same way from the rows they read lives here, once: who a token
//! family belongs to (`Principal::of_family`), what a presented refresh token leads to
//! (`RefreshStep::of`), and a staff member's credentials (`StaffCredentials::from_row`); sync's
//! decisions are in `sync`, the clinic's views of a member's records in `views`.

pub mod postgres;
pub mod sqlite;
pub mod sync;
pub mod views;

use std::path::Path;
use std::time::Duration;

use alyze_core::protocol::{ClinicSettings, Prescription, ProtocolError};
use alyze_core::sync::wire::OpResult;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::token::SecretHash;
use crate::clock;
use crate::tenancy::StaffRole;

/// Calls the same method on whichever backend `db` is: the two backends keep their SQL apart but
/// answer the same calls.
macro_rules! on_backend {
    ($db:expr, $backend:ident => $call:expr) => {
        match $db {
            Db::Sqlite($backend) => $call,
            Db::Postgres($backend) => $call,
        }
    };
}

/// A storage failure. Internal: handlers log it and answer a bare 500, never its text.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database refused or failed a statement.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused or failed a statement, or could not be reached. Shown without the
    /// server's DETAIL and HINT lines, which may quote the row's values (`postgres::describe`).
    #[error("postgres: {}", postgres::describe(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// The PostgreSQL URL could not be parsed (the text never quotes it: it may hold a password).
    #[error("the database URL is not valid (expected postgres://user:password@host:port/dbname)")]
    InvalidUrl,
    /// No PostgreSQL connection could be had from the pool (timed out, or the pool is closed).
    #[error("postgres connection pool: {0}")]
    Pool(String),
    /// The database file or its folder could not be made.
    #[error("data dir: {0}")]
    Io(#[from] std::io::Error),
    /// No random id could be drawn for a new row.
    #[error(transparent)]
    Random(#[from] crate::random::RandomError),
    /// A blocking storage task panicked or was cancelled.
    #[error("a storage task did not finish")]
    Task,
    /// The schema was written by a newer server than this one.
    #[error("the database schema is version {found}, newer than this server's {supported}")]
    SchemaTooNew {
        /// The version found.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A row the call refers to does not exist (e.g. the clinic of a new member).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A row that must be unique already exists (e.g. a staff e-mail address).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A stored value cannot be read back (never its text: it may be health data).
    #[error("a stored {0} cannot be read")]
    Corrupt(&'static str),
}

/// One record's current state as a pull serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChange {
    /// The seq of its last change.
    pub seq: i64,
    /// Its collection.
    pub collection: String,
    /// Its id.
    pub record_id: String,
    /// Its version.
    pub version: i64,
    /// Whether it is a tombstone.
    pub deleted: bool,
    /// The device that wrote it; `None` for the clinic.
    pub origin_device: Option<String>,
    /// Its body's JSON text (`None` for a tombstone).
    pub body: Option<String>,
}

/// A page of a member's changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledPage {
    /// The changes, by seq.
    pub changes: Vec<StoredChange>,
    /// The cursor to save once they are applied.
    pub cursor: i64,
    /// Whether more follow.
    pub more: bool,
    /// The member's purge line when read: when `cursor` is below it, the page is recorded for
    /// the device (`Db::record_served_cursor`) so that its next page can be served.
    pub purged_through_seq: i64,
}

/// What a pull answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullAnswer {
    /// The server's epoch.
    pub epoch: String,
    /// The page, or `None` when the cursor cannot be served (`resync_required`).
    pub page: Option<PulledPage>,
}

/// What a clinic write did to a member's record.
#[derive(Debug, Clone, PartialEq)]
pub enum ClinicWrite {
    /// No such member in the staff member's clinic (or no such record, for a deletion).
    NotFound,
    /// The record is at `version` (unchanged when it already said the same).
    Written {
        /// The record's id.
        record_id: String,
        /// Its version.
        version: i64,
    },
    /// The prescription does not hold under the member's clinic settings.
    Invalid(ProtocolError),
    /// The staff member's role may not do this.
    Forbidden,
}

/// What purging tombstones did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Members whose purge line moved.
    pub members: u64,
    /// Tombstones removed.
    pub tombstones: u64,
}

/// The tokens of a new or rotated login, as hashes with their expiry.
#[derive(Debug, Clone, Copy)]
pub struct NewTokens {
    /// The access token's hash.
    pub access: SecretHash,
    /// When the access token stops being accepted.
    pub access_expires_at: i64,
    /// The refresh token's hash.
    pub refresh: SecretHash,
    /// When the refresh token stops being accepted.
    pub refresh_expires_at: i64,
}

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A member's enrolled device.
    Member {
        /// The member.
        member_id: String,
        /// The device the token was issued to.
        device_id: String,
    },
    /// A member of a clinic's staff.
    Staff {
        /// The staff member.
        staff_id: String,
        /// Their clinic: the only one whose members they may see.
        clinic_id: String,
    },
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// The token was current: it is now spent and the new pair belongs to its login.
    Rotated,
    /// The token was spent moments ago and its answer never used (lost on the way): that answer
    /// is retired and the new pair replaces it.
    Reissued,
    /// The token had already been rotated: someone replayed it, so its whole family is revoked.
    Reused,
    /// Unknown, expired, or of a revoked family.
    Invalid,
}

/// A member and their device, just enrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The member the code was made for.
    pub member_id: String,
    /// The new device.
    pub device_id: String,
}

/// What staff login needs to check a password.
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    /// The staff member.
    pub staff_id: String,
    /// Their clinic.
    pub clinic_id: String,
    /// Their role.
    pub role: StaffRole,
    /// Their Argon2id PHC string.
    pub password_hash: String,
}

/// A member as the member and their clinic's staff see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MemberProfile {
    /// The member's id.
    pub member_id: String,
    /// Their clinic's id.
    pub clinic_id: String,
    /// Their clinic's name.
    pub clinic_name: String,
    /// The name the clinic knows them by.
    pub display_name: String,
    /// When the clinic added them (RFC 3339, UTC).
    pub created_at: String,
}

/// One of a member's devices, as their clinic's staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MemberDevice {
    /// The device's id.
    pub device_id: String,
    /// The name the phone gave when it enrolled.
    pub name: String,
    /// When it enrolled (RFC 3339, UTC).
    pub enrolled_at: String,
    /// Whether it still holds a login the server accepts: a current refresh token of a login
    /// that has not ended.
    pub signed_in: bool,
}

/// One line of a clinic's member list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MemberSummary {
    /// The member's id.
    pub member_id: String,
    /// The name the clinic knows them by.
    pub display_name: String,
    /// When the clinic added them (RFC 3339, UTC).
    pub created_at: String,
}

impl Principal {
    /// The holder of a token family from its row: a member's device or a staff member (with the
    /// staff member's clinic). `None` for a row that is neither, which the schema's CHECK forbids.
    pub(crate) fn of_family(
        member_id: Option<String>,
        device_id: Option<String>,
        staff_id: Option<String>,
        staff_clinic_id: Option<String>,
    ) -> Option<Self> {
        match (member_id, device_id, staff_id, staff_clinic_id) {
            (Some(member_id), Some(device_id), None, _) => Some(Self::Member {
                member_id,
                device_id,
            }),
            (None, None, Some(staff_id), Some(clinic_id)) => Some(Self::Staff {
                staff_id,
                clinic_id,
            }),
            _ => None,
        }
    }
}

/// A presented refresh token's row, its family's revocation and what became of its answers: what
/// both backends read to decide a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RefreshRow {
    /// When the token stops being accepted.
    pub expires_at: i64,
    /// When it was spent (by a rotation, or retired as a lost answer).
    pub rotated_at: Option<i64>,
    /// When its login was revoked.
    pub revoked_at: Option<i64>,
    /// Whether a pair was issued in exchange for it: it was spent by a rotation, not retired.
    pub answered: bool,
    /// Whether a refresh token issued in exchange for it has itself been rotated: its holder
    /// received the answer and used it.
    pub answer_used: bool,
}

/// What to do with a presented refresh token, from its row and its family's: both backends read
/// the same columns and must decide alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshStep {
    /// Refuse it and change nothing: its login was revoked, or it expired.
    Refuse,
    /// It was spent already and is no retry: a replay, so revoke its whole family.
    RevokeFamily,
    /// It was spent moments ago and its answer never used: the answer was lost on the way, so
    /// retire that answer and issue the next pair in its stead.
    Reissue,
    /// Spend it and issue the next pair in its family.
    Rotate,
}

impl RefreshStep {
    /// The decision for `row` at `now`, with `retry_grace` (`Settings::refresh_retry_grace`)
    /// for a retried refresh. A revoked family wins over everything: there is nothing left to
    /// revoke. A spent token is a replay (RFC 9700, 4.14.2), a theft signal even when late, unless
    /// it is the retry of a refresh whose answer never arrived: spent within the grace window by a
    /// rotation whose new refresh token was never used. A retired answer presented later is a
    /// replay: whoever holds it received what the server took for lost.
    pub(crate) fn of(row: RefreshRow, now: i64, retry_grace: Duration) -> Self {
        if row.revoked_at.is_some() {
            Self::Refuse
        } else if let Some(spent_at) = row.rotated_at {
            let retry =
                row.answered && !row.answer_used && now < clock::after(spent_at, retry_grace);
            if retry {
                Self::Reissue
            } else {
                Self::RevokeFamily
            }
        } else if row.expires_at <= now {
            Self::Refuse
        } else {
            Self::Rotate
        }
    }
}

impl StaffCredentials {
    /// From a `staff` row; `None` for a role this build does not know (fails closed).
    pub(crate) fn from_row(
        staff_id: String,
        clinic_id: String,
        role: &str,
        password_hash: String,
    ) -> Option<Self> {
        Some(Self {
            staff_id,
            clinic_id,
            role: StaffRole::parse(role)?,
            password_hash,
        })
    }
}

/// The server's storage.
pub enum Db {
    /// One SQLite file (WAL), the embedded default.
    Sqlite(sqlite::SqliteDb),
    /// A PostgreSQL database (or a Postgres-compatible distributed engine) through a pool.
    Postgres(postgres::PostgresDb),
}

impl Db {
    /// Opens (creating if needed) the SQLite database in `data_dir` and brings its schema up to
    /// date. Blocking: call before serving or through `spawn_blocking`.
    pub fn open_sqlite_in(data_dir: &Path) -> Result<Self, DbError> {
        Ok(Self::Sqlite(sqlite::SqliteDb::open_in(data_dir)?))
    }

    /// Connects to PostgreSQL at `url` (`postgres://user:password@host:port/dbname`, or libpq's
    /// `key=value` form) with a pool of at most `pool_size` connections, and brings the schema up
    /// to date. Fails when the database cannot be reached.
    pub async fn connect_postgres(url: &str, pool_size: usize) -> Result<Self, DbError> {
        // The parser's reasons may quote a character of the URL, which may be the password's.
        let config: tokio_postgres::Config = url.parse().map_err(|_| DbError::InvalidUrl)?;
        Ok(Self::Postgres(
            postgres::PostgresDb::connect(config, pool_size).await?,
        ))
    }

    /// Adds a clinic; returns its id.
    pub async fn create_clinic(&self, name: String, now: i64) -> Result<String, DbError> {
        on_backend!(self, db => db.create_clinic(name, now).await)
    }

    /// Adds a staff member to an existing clinic; returns their id. `NotFound` for an unknown
    /// clinic, `Conflict` for an e-mail address already in use (in any clinic: login is by
    /// address alone).
    pub async fn create_staff(
        &self,
        clinic_id: String,
        email: String,
        role: StaffRole,
        password_hash: String,
        now: i64,
    ) -> Result<String, DbError> {
        on_backend!(self, db => db.create_staff(clinic_id, email, role, password_hash, now)
                    .await)
    }

    /// Adds a member to an existing clinic; returns their id (`NotFound` for an unknown clinic).
    pub async fn create_member(
        &self,
        clinic_id: String,
        display_name: String,
        now: i64,
    ) -> Result<String, DbError> {
        on_backend!(self, db => db.create_member(clinic_id, display_name, now).await)
    }

    /// Stores an enrolment code's hash for a member (`NotFound` for an unknown member).
    pub async fn create_enrolment_code(
        &self,
        member_id: String,
        code: SecretHash,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        on_backend!(self, db => db.create_enrolment_code(member_id, code, now, expires_at)
                    .await)
    }

    /// Spends a code: adds the device and its first tokens. `None` when the code is unknown,
    /// already used or expired (the caller cannot tell which, on purpose).
    pub async fn enrol(
        &self,
        code: SecretHash,
        device_name: String,
        tokens: NewTokens,
        now: i64,
    ) -> Result<Option<Enrolled>, DbError> {
        on_backend!(self, db => db.enrol(code, device_name, tokens, now).await)
    }

    /// Rotates a refresh token into `tokens`, reissues a lost answer within `retry_grace` of
    /// the rotation, or revokes the token's family on reuse (`RefreshStep::of`).
    pub async fn refresh(
        &self,
        refresh: SecretHash,
        tokens: NewTokens,
        now: i64,
        retry_grace: Duration,
    ) -> Result<Refresh, DbError> {
        on_backend!(self, db => db.refresh(refresh, tokens, now, retry_grace).await)
    }

    /// Ends the login of a refresh token (spent or not): its family is revoked, so none of its
    /// tokens works again. Whether a login was ended: `false` for an unknown token or a login
    /// that had ended already.
    pub async fn end_login(&self, refresh: SecretHash, now: i64) -> Result<bool, DbError> {
        on_backend!(self, db => db.end_login(refresh, now).await)
    }

    /// The credentials of the staff member with this (normalised) e-mail address.
    pub async fn staff_credentials(
        &self,
        email: String,
    ) -> Result<Option<StaffCredentials>, DbError> {
        on_backend!(self, db => db.staff_credentials(email).await)
    }

    /// Starts a staff login: a new token family with its first tokens.
    pub async fn start_staff_session(
        &self,
        staff_id: String,
        tokens: NewTokens,
        now: i64,
    ) -> Result<(), DbError> {
        on_backend!(self, db => db.start_staff_session(staff_id, tokens, now).await)
    }

    /// Who holds this access token, if it is current and its family is not revoked.
    pub async fn authenticate(
        &self,
        access: SecretHash,
        now: i64,
    ) -> Result<Option<Principal>, DbError> {
        on_backend!(self, db => db.authenticate(access, now).await)
    }

    /// A member's own profile (no audit: the member reads their own data).
    pub async fn member_profile(
        &self,
        member_id: String,
    ) -> Result<Option<MemberProfile>, DbError> {
        on_backend!(self, db => db.member_profile(member_id).await)
    }

    /// The members of a clinic, with one audit row per member shown, in the same transaction.
    pub async fn clinic_members(
        &self,
        staff_id: String,
        clinic_id: String,
        now: i64,
    ) -> Result<Vec<MemberSummary>, DbError> {
        on_backend!(self, db => db.clinic_members(staff_id, clinic_id, now).await)
    }

    /// One member of a clinic, with its audit row in the same transaction. `None` when no such
    /// member is in that clinic, whether or not they exist elsewhere.
    pub async fn clinic_member(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        now: i64,
    ) -> Result<Option<MemberProfile>, DbError> {
        on_backend!(self, db => db.clinic_member(staff_id, clinic_id, member_id, now).await)
    }

    /// The devices of one member of a clinic, oldest first, with their audit row in the same
    /// transaction. `None` when no such member is in that clinic.
    pub async fn member_devices(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        now: i64,
    ) -> Result<Option<Vec<MemberDevice>>, DbError> {
        on_backend!(self, db => db.member_devices(staff_id, clinic_id, member_id, now).await)
    }

    /// Signs one of a clinic member's devices out: every login of the device ends, with the
    /// audit row in the same transaction. The device as it is now; `None` when no such device of
    /// such a member is in that clinic.
    pub async fn sign_out_device(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        device_id: String,
        now: i64,
    ) -> Result<Option<MemberDevice>, DbError> {
        on_backend!(self, db => db.sign_out_device(staff_id, clinic_id, member_id, device_id, now)
                    .await)
    }

    /// The server's sync epoch.
    pub async fn sync_epoch(&self) -> Result<String, DbError> {
        on_backend!(self, db => db.sync_epoch().await)
    }

    /// Replaces the sync epoch with a new random one (after a restore from a backup): every
    /// phone resyncs on its next pull. Returns the new epoch.
    pub async fn new_epoch(&self, now: i64) -> Result<String, DbError> {
        let epoch = hex(&crate::random::bytes::<16>()?);
        on_backend!(self, db => db.set_epoch(epoch.clone(), now).await?);
        Ok(epoch)
    }

    /// Applies one push of `member_id` from `device_id` in order, each op with its
    /// `sync_applied_ops` row, all in one transaction under the member's row lock (`docs/sync.md`,
    /// "Push"): one commit per push rather than per op, which is what makes a push of 50 samples
    /// cost about one sync to disk. An op refused by the checks is answered without a write; a
    /// database failure fails the whole push, which the phone retries (answered `duplicate` for
    /// anything that had committed).
    pub async fn apply_ops(
        &self,
        member_id: String,
        device_id: String,
        ops: Vec<sync::Checked>,
        now: i64,
    ) -> Result<Vec<OpResult>, DbError> {
        on_backend!(self, db => db.apply_ops(member_id, device_id, ops, now).await)
    }

    /// A page of the member's records changed after `cursor`, in one consistent snapshot.
    pub async fn pull(
        &self,
        member_id: String,
        device_id: String,
        epoch: Option<String>,
        cursor: Option<i64>,
        limit: u32,
    ) -> Result<PullAnswer, DbError> {
        on_backend!(self, db => db.pull(member_id, device_id, epoch, cursor, limit).await)
    }

    /// Notes that `device_id` was served `cursor` while the member's purge line was
    /// `purged_through_seq`, so that it may ask from that cursor next (`sync::can_serve`).
    pub async fn record_served_cursor(
        &self,
        member_id: String,
        device_id: String,
        cursor: i64,
        purged_through_seq: i64,
    ) -> Result<(), DbError> {
        on_backend!(self, db => db.record_served_cursor(member_id, device_id, cursor, purged_through_seq)
                    .await)
    }

    /// Writes a member's prescription (`prescription/current`), checked against their clinic's
    /// settings inside the transaction, with its audit row.
    pub async fn put_prescription(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        prescription: Prescription,
        now: i64,
    ) -> Result<ClinicWrite, DbError> {
        on_backend!(self, db => db.put_prescription(staff_id, clinic_id, member_id, prescription, now)
                    .await)
    }

    /// A clinic's settings: the ones last saved, or the documented defaults before any were.
    pub async fn clinic_settings(&self, clinic_id: String) -> Result<ClinicSettings, DbError> {
        let text = on_backend!(self, db => db.clinic_settings(clinic_id).await)?;
        settings_of(text.as_deref())
    }

    /// Saves a clinic's settings (admin staff only) and writes them as `clinic_settings/current`
    /// of every member of the clinic, with an audit row each, in one transaction. `Written`
    /// carries the number of members as its version; `Invalid` when a member's prescription
    /// would no longer hold under them (nothing is saved).
    pub async fn put_clinic_settings(
        &self,
        staff_id: String,
        clinic_id: String,
        settings: ClinicSettings,
        now: i64,
    ) -> Result<ClinicWrite, DbError> {
        on_backend!(self, db => db.put_clinic_settings(staff_id, clinic_id, settings, now)
                    .await)
    }

    /// Adds a lab result (`body`: its JSON text) to a member of the staff member's clinic under a
    /// new random id, with its audit row.
    pub async fn add_lab_result(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        lab_id: String,
        body: String,
        now: i64,
    ) -> Result<ClinicWrite, DbError> {
        on_backend!(self, db => db.clinic_record(
                    staff_id,
                    clinic_id,
                    member_id,
                    ClinicRecord::lab(lab_id, Some(body)),
                    now,
                )
                .await)
    }

    /// Deletes (tombstones) a lab result; `NotFound` when the member or the result is not there.
    pub async fn delete_lab_result(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        lab_id: String,
        now: i64,
    ) -> Result<ClinicWrite, DbError> {
        on_backend!(self, db => db.clinic_record(
                    staff_id,
                    clinic_id,
                    member_id,
                    ClinicRecord::lab(lab_id, None),
                    now,
                )
                .await)
    }

    /// Every member of a clinic with the readiness of `date` (their `readiness/<date>` record) and
    /// the date of their latest readiness record, with one audit row per member shown, in one
    /// transaction.
    pub async fn clinic_today(
        &self,
        staff_id: String,
        clinic_id: String,
        date: NaiveDate,
        now: i64,
    ) -> Result<Vec<views::MemberToday>, DbError> {
        let date = views::date_id(date);
        let rows = on_backend!(self, db => db.clinic_today(staff_id, clinic_id, date, now).await?);
        views::today(rows)
    }

    /// A member's readiness and daily summaries for each of `days` (consecutive, from
    /// `views::trend_range`), with its audit row, in one transaction. `None` when no such member
    /// is in that clinic.
    pub async fn member_trends(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        days: Vec<NaiveDate>,
        now: i64,
    ) -> Result<Option<Vec<views::TrendDay>>, DbError> {
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return Ok(Some(Vec::new()));
        };
        let (from, to) = (views::date_id(*first), views::date_id(*last));
        let rows = on_backend!(self, db => db.member_daily(staff_id, clinic_id, member_id, from, to, now)
                    .await?);
        rows.map(|rows| views::trends(&days, rows)).transpose()
    }

    /// The adherence of the week holding `date` of a member, computed with the core from their
    /// recovery sessions, prescription and clinic settings, with its audit row, in one
    /// transaction.
    pub async fn member_adherence(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        date: NaiveDate,
        now: i64,
    ) -> Result<views::Adherence, DbError> {
        let rows = on_backend!(self, db => db.member_adherence_rows(staff_id, clinic_id, member_id, now)
                    .await?);
        views::adherence(rows, date)
    }

    /// A member's live lab results in the order they were written, with its audit row, in one
    /// transaction. `None` when no such member is in that clinic.
    pub async fn member_labs(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        now: i64,
    ) -> Result<Option<Vec<views::LabView>>, DbError> {
        let rows =
            on_backend!(self, db => db.member_labs(staff_id, clinic_id, member_id, now).await?);
        rows.map(views::labs).transpose()
    }

    /// Removes the tombstones last written before `before` (ms) and moves each member's purge line
    /// to the highest seq removed, in one transaction.
    pub async fn purge_tombstones(&self, before: i64) -> Result<Purged, DbError> {
        on_backend!(self, db => db.purge_tombstones(before).await)
    }
}

/// A clinic-authored record to write: which, and its body (`None`: delete it).
#[derive(Debug, Clone)]
pub(crate) struct ClinicRecord {
    pub collection: &'static str,
    pub record_id: String,
    pub body: Option<String>,
    pub action: crate::audit::AuditAction,
}

impl ClinicRecord {
    fn lab(record_id: String, body: Option<String>) -> Self {
        let action = if body.is_some() {
            crate::audit::AuditAction::AddLabResult
        } else {
            crate::audit::AuditAction::DeleteLabResult
        };
        Self {
            collection: "lab_result",
            record_id,
            body,
            action,
        }
    }
}

/// Lower-case hex of bytes (the epoch's text).
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The first error of a stored prescription (JSON text) under `settings`, if any: settings that
/// would make a member's prescription unusable are refused, as the phone's own store refuses them.
pub(crate) fn invalidated(
    prescriptions: &[String],
    settings: &ClinicSettings,
) -> Result<Option<ProtocolError>, DbError> {
    for text in prescriptions {
        let prescription: Prescription =
            serde_json::from_str(text).map_err(|_| DbError::Corrupt("prescription"))?;
        if let Err(e) = prescription.validate(settings) {
            return Ok(Some(e));
        }
    }
    Ok(None)
}

/// The clinic's settings as stored (`None`: the defaults), read back for checking a prescription.
pub(crate) fn settings_of(text: Option<&str>) -> Result<ClinicSettings, DbError> {
    text.map_or_else(
        || Ok(ClinicSettings::default()),
        |t| serde_json::from_str(t).map_err(|_| DbError::Corrupt("clinic settings")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn a_family_belongs_to_a_device_or_a_staff_member_never_both() {
        assert_eq!(
            Principal::of_family(some("m"), some("d"), None, None),
            Some(Principal::Member {
                member_id: "m".into(),
                device_id: "d".into()
            })
        );
        assert_eq!(
            Principal::of_family(None, None, some("s"), some("c")),
            Some(Principal::Staff {
                staff_id: "s".into(),
                clinic_id: "c".into()
            })
        );
        assert_eq!(
            Principal::of_family(some("m"), some("d"), some("s"), some("c")),
            None
        );
        assert_eq!(Principal::of_family(some("m"), None, None, None), None);
        // A staff family whose staff row is gone (no clinic) gives no one.
        assert_eq!(Principal::of_family(None, None, some("s"), None), None);
    }

    #[test]
    fn refresh_steps() {
        let now = 1_000;
        let grace = 60;
        let window = Duration::from_millis(60);
        let current = RefreshRow {
            expires_at: 2_000,
            rotated_at: None,
            revoked_at: None,
            answered: false,
            answer_used: false,
        };
        let step = |row| RefreshStep::of(row, now, window);
        assert_eq!(step(current), RefreshStep::Rotate);
        let expired = RefreshRow {
            expires_at: now,
            ..current
        };
        assert_eq!(step(expired), RefreshStep::Refuse);
        // Rotated 10 ms ago and its answer never used: a retry after a lost answer.
        let retried = RefreshRow {
            rotated_at: Some(now - 10),
            answered: true,
            ..current
        };
        assert_eq!(step(retried), RefreshStep::Reissue);
        assert_eq!(
            RefreshStep::of(retried, now, Duration::ZERO),
            RefreshStep::RevokeFamily
        );
        // The window is open for `grace` ms after the rotation, not at its end.
        let at_the_end = RefreshRow {
            rotated_at: Some(now - grace),
            ..retried
        };
        assert_eq!(step(at_the_end), RefreshStep::RevokeFamily);
        let late = RefreshRow {
            rotated_at: Some(now - grace + 1),
            ..retried
        };
        assert_eq!(step(late), RefreshStep::Reissue);
        // Its answer was used, so its holder had it: a replay, however soon.
        let answer_used = RefreshRow {
            answer_used: true,
            ..retried
        };
        assert_eq!(step(answer_used), RefreshStep::RevokeFamily);
        // A retired answer (spent, never answered) coming back: someone received it.
        let retired = RefreshRow {
            answered: false,
            ..retried
        };
        assert_eq!(step(retired), RefreshStep::RevokeFamily);
        // A replay is a theft signal even after expiry.
        let expired_replay = RefreshRow {
            expires_at: 500,
            rotated_at: Some(400),
            ..current
        };
        assert_eq!(step(expired_replay), RefreshStep::RevokeFamily);
        // A revoked login stays revoked; nothing more to do.
        for row in [current, retried, answer_used] {
            let revoked = RefreshRow {
                revoked_at: Some(950),
                ..row
            };
            assert_eq!(step(revoked), RefreshStep::Refuse);
        }
    }

    #[test]
    fn unknown_roles_give_no_credentials() {
        let of = |role: &str| StaffCredentials::from_row("s".into(), "c".into(), role, "h".into());
        assert_eq!(of("admin").map(|c| c.role), Some(StaffRole::Admin));
        assert!(of("owner").is_none());
    }
}
