//! The clinic's administration, run on the database by the binary's subcommands (and by tests):
//! create a clinic, its staff and members, and one-time enrolment codes; replace the sync epoch;
//! purge old tombstones (also now and then while serving, `purge_periodically`). Inputs are checked
//! here;
//! the results serialise to the `--json` output, whose keys are a contract (add, never rename).

use std::time::Duration;

use serde::Serialize;

use crate::app::AppState;
use crate::auth::password::{self, PasswordError};
use crate::auth::{code, token::SecretHash};
use crate::clock;
use crate::db::{Db, DbError};
use crate::random::RandomError;
use crate::settings::{Argon2Settings, MAX_NAME_CHARS, MIN_STAFF_PASSWORD_CHARS};
use crate::tenancy::{StaffRole, normalise_email};

/// Why an administrative action failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// An input was refused; the text says which and why (never the value of a password).
    #[error("{0}")]
    Invalid(&'static str),
    /// The referenced clinic or member does not exist, or a unique value is taken.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The password could not be hashed.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// No random code could be drawn.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The hashing task did not finish.
    #[error("the password hashing task did not finish")]
    Task,
}

/// A new clinic.
#[derive(Debug, Serialize)]
pub struct ClinicCreated {
    /// Its id, for `create-staff` and `create-member`.
    pub clinic_id: String,
}

/// A new staff member.
#[derive(Debug, Serialize)]
pub struct StaffCreated {
    /// Their id.
    pub staff_id: String,
    /// Their clinic.
    pub clinic_id: String,
    /// Their normalised e-mail address, as they log in with it.
    pub email: String,
    /// Their role.
    pub role: StaffRole,
}

/// A new member.
#[derive(Debug, Serialize)]
pub struct MemberCreated {
    /// Their id, for `create-code`.
    pub member_id: String,
    /// Their clinic.
    pub clinic_id: String,
}

/// A new enrolment code: shown once, stored only as a hash.
#[derive(Debug, Serialize)]
pub struct CodeCreated {
    /// The member it enrols.
    pub member_id: String,
    /// The code to hand to the member.
    pub code: String,
    /// When it stops working (RFC 3339, UTC).
    pub expires_at: String,
}

fn name(raw: &str) -> Result<String, AdminError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(AdminError::Invalid(
            "a name must be non-empty and at most 200 characters",
        ));
    }
    Ok(name.to_owned())
}

/// Adds a clinic.
pub async fn create_clinic(db: &Db, clinic_name: &str) -> Result<ClinicCreated, AdminError> {
    let clinic_id = db
        .create_clinic(name(clinic_name)?, clock::now_ms())
        .await?;
    Ok(ClinicCreated { clinic_id })
}

/// Adds a staff member with a password hashed at `argon2`'s cost.
pub async fn create_staff(
    db: &Db,
    clinic_id: &str,
    email: &str,
    role: StaffRole,
    password: String,
    argon2: Argon2Settings,
) -> Result<StaffCreated, AdminError> {
    let email =
        normalise_email(email).ok_or(AdminError::Invalid("the e-mail address is not valid"))?;
    if password.chars().count() < MIN_STAFF_PASSWORD_CHARS {
        return Err(AdminError::Invalid(
            "the password is too short: at least 12 characters",
        ));
    }
    let phc = tokio::task::spawn_blocking(move || password::hash(&password, argon2))
        .await
        .map_err(|_| AdminError::Task)??;
    let staff_id = db
        .create_staff(
            clinic_id.to_owned(),
            email.clone(),
            role,
            phc,
            clock::now_ms(),
        )
        .await?;
    Ok(StaffCreated {
        staff_id,
        clinic_id: clinic_id.to_owned(),
        email,
        role,
    })
}

/// Adds a member to a clinic.
pub async fn create_member(
    db: &Db,
    clinic_id: &str,
    display_name: &str,
) -> Result<MemberCreated, AdminError> {
    let member_id = db
        .create_member(clinic_id.to_owned(), name(display_name)?, clock::now_ms())
        .await?;
    Ok(MemberCreated {
        member_id,
        clinic_id: clinic_id.to_owned(),
    })
}

/// Makes a one-time enrolment code for a member, valid for `ttl`.
pub async fn create_code(
    db: &Db,
    member_id: &str,
    ttl: Duration,
) -> Result<CodeCreated, AdminError> {
    let code = code::generate()?;
    let hash: SecretHash = code::hash(&code).ok_or(AdminError::Invalid(
        "a generated code did not normalise (a bug)",
    ))?;
    let now = clock::now_ms();
    let expires_at = clock::after(now, ttl);
    db.create_enrolment_code(member_id.to_owned(), hash, now, expires_at)
        .await?;
    Ok(CodeCreated {
        member_id: member_id.to_owned(),
        code,
        expires_at: clock::rfc3339(expires_at),
    })
}

/// The new sync epoch.
#[derive(Debug, Serialize)]
pub struct EpochCreated {
    /// The epoch every phone's next pull is measured against.
    pub epoch: String,
}

/// Replaces the sync epoch (after restoring the database from a backup): every phone's next pull
/// answers `resync_required`, and the phone pulls everything again and re-pushes what it wrote.
pub async fn new_epoch(db: &Db) -> Result<EpochCreated, AdminError> {
    Ok(EpochCreated {
        epoch: db.new_epoch(clock::now_ms()).await?,
    })
}

/// Removes the tombstones older than `retention` and moves each member's purge line: a phone whose
/// cursor is older than the line resyncs.
pub async fn purge_tombstones(
    db: &Db,
    retention: Duration,
) -> Result<crate::db::Purged, AdminError> {
    let before =
        clock::now_ms().saturating_sub(i64::try_from(retention.as_millis()).unwrap_or(i64::MAX));
    Ok(db.purge_tombstones(before).await?)
}

/// Purges the tombstones older than `retention` at once and then every `every`, for as long as the
/// serving server runs it (`--purge-interval-secs`), so that a deployment needs no scheduler of
/// its own. A failure is logged and tried again at the next turn; only counts are logged.
pub async fn purge_periodically(state: AppState, retention: Duration, every: Duration) {
    let mut turns = tokio::time::interval(every);
    turns.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        turns.tick().await;
        match purge_tombstones(state.db(), retention).await {
            Ok(purged) if purged.tombstones > 0 => tracing::info!(
                tombstones = purged.tombstones,
                members = purged.members,
                "purged old tombstones"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(cause = %e, "purging old tombstones failed"),
        }
    }
}
