//! Storage behind one type, `Db`, so handlers never see which database holds the data. SQLite
//! (`sqlite`) is the embedded default; PostgreSQL becomes a second variant later, with the same
//! methods and its own migrations. Each method is one unit of work and one transaction: what must
//! happen together (a code spent and the device it enrols; a staff read and its audit row) happens
//! inside one call. Times are ms since the Unix epoch (`crate::clock`).

pub mod sqlite;

use std::path::Path;

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::token::SecretHash;
use crate::tenancy::StaffRole;

/// A storage failure. Internal: handlers log it and answer a bare 500, never its text.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database refused or failed a statement.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
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

/// The server's storage.
pub enum Db {
    /// One SQLite file (WAL), the embedded default.
    Sqlite(sqlite::SqliteDb),
}

impl Db {
    /// Opens (creating if needed) the SQLite database in `data_dir` and brings its schema up to
    /// date. Blocking: call before serving or through `spawn_blocking`.
    pub fn open_sqlite_in(data_dir: &Path) -> Result<Self, DbError> {
        Ok(Self::Sqlite(sqlite::SqliteDb::open_in(data_dir)?))
    }

    /// Adds a clinic; returns its id.
    pub async fn create_clinic(&self, name: String, now: i64) -> Result<String, DbError> {
        match self {
            Self::Sqlite(db) => db.create_clinic(name, now).await,
        }
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
        match self {
            Self::Sqlite(db) => {
                db.create_staff(clinic_id, email, role, password_hash, now)
                    .await
            }
        }
    }

    /// Adds a member to an existing clinic; returns their id (`NotFound` for an unknown clinic).
    pub async fn create_member(
        &self,
        clinic_id: String,
        display_name: String,
        now: i64,
    ) -> Result<String, DbError> {
        match self {
            Self::Sqlite(db) => db.create_member(clinic_id, display_name, now).await,
        }
    }

    /// Stores an enrolment code's hash for a member (`NotFound` for an unknown member).
    pub async fn create_enrolment_code(
        &self,
        member_id: String,
        code: SecretHash,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        match self {
            Self::Sqlite(db) => {
                db.create_enrolment_code(member_id, code, now, expires_at)
                    .await
            }
        }
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
        match self {
            Self::Sqlite(db) => db.enrol(code, device_name, tokens, now).await,
        }
    }

    /// Rotates a refresh token into `tokens`, or revokes its family on reuse.
    pub async fn refresh(
        &self,
        refresh: SecretHash,
        tokens: NewTokens,
        now: i64,
    ) -> Result<Refresh, DbError> {
        match self {
            Self::Sqlite(db) => db.refresh(refresh, tokens, now).await,
        }
    }

    /// The credentials of the staff member with this (normalised) e-mail address.
    pub async fn staff_credentials(
        &self,
        email: String,
    ) -> Result<Option<StaffCredentials>, DbError> {
        match self {
            Self::Sqlite(db) => db.staff_credentials(email).await,
        }
    }

    /// Starts a staff login: a new token family with its first tokens.
    pub async fn start_staff_session(
        &self,
        staff_id: String,
        tokens: NewTokens,
        now: i64,
    ) -> Result<(), DbError> {
        match self {
            Self::Sqlite(db) => db.start_staff_session(staff_id, tokens, now).await,
        }
    }

    /// Who holds this access token, if it is current and its family is not revoked.
    pub async fn authenticate(
        &self,
        access: SecretHash,
        now: i64,
    ) -> Result<Option<Principal>, DbError> {
        match self {
            Self::Sqlite(db) => db.authenticate(access, now).await,
        }
    }

    /// A member's own profile (no audit: the member reads their own data).
    pub async fn member_profile(
        &self,
        member_id: String,
    ) -> Result<Option<MemberProfile>, DbError> {
        match self {
            Self::Sqlite(db) => db.member_profile(member_id).await,
        }
    }

    /// The members of a clinic, with one audit row per member shown, in the same transaction.
    pub async fn clinic_members(
        &self,
        staff_id: String,
        clinic_id: String,
        now: i64,
    ) -> Result<Vec<MemberSummary>, DbError> {
        match self {
            Self::Sqlite(db) => db.clinic_members(staff_id, clinic_id, now).await,
        }
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
        match self {
            Self::Sqlite(db) => db.clinic_member(staff_id, clinic_id, member_id, now).await,
        }
    }
}
