//! The store's errors.
//!
//! A `rusqlite::Error` can carry values: a conversion error quotes the integer it could not convert,
//! an SQLite message may quote a constraint or a trigger's text. An error string may end up in a
//! log, a crash report or a support ticket, and the rows here are private health data
//! (architecture conventions), so the store never keeps the `rusqlite::Error` itself: it keeps what
//! it was doing, SQLite's numeric result code and the kind of failure, which are enough to diagnose
//! and hold no member data.

use crate::health::HealthError;

/// Why the store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused an operation.
    #[error("database error while {operation}: {fault} (SQLite code {code})")]
    Sqlite {
        /// What the store was doing ("opening the database", "saving the anchor").
        operation: &'static str,
        /// The kind of failure, in fixed words.
        fault: &'static str,
        /// SQLite's extended result code, or -1 when the failure did not come from SQLite itself.
        code: i32,
    },
    /// The file was written by a newer version of the app; opening it could lose data, so it is
    /// refused (the member must update the app, or restore from the clinic server).
    #[error(
        "the database has schema version {found}, newer than the {supported} this app supports: update the app"
    )]
    TooNew {
        /// The file's `user_version`.
        found: i64,
        /// The newest schema this code knows.
        supported: i64,
    },
    /// The file's `user_version` is negative, which no version of the app writes.
    #[error("the database has an invalid schema version {found}")]
    InvalidVersion {
        /// The file's `user_version`.
        found: i64,
    },
    /// A file database did not switch to write-ahead logging (a read-only or network file system).
    #[error("the database could not use write-ahead logging")]
    NoWal,
    /// A value could not be laid out for storage (a record that passed validation always can).
    #[error("a value could not be encoded: {column}")]
    Encoding {
        /// The column it was meant for.
        column: &'static str,
    },
    /// A stored row could not be read back as a valid record.
    #[error("stored data is damaged: {column}")]
    Corrupt {
        /// The column that failed.
        column: &'static str,
    },
}

impl StoreError {
    /// Wraps a `rusqlite::Error` without keeping its text (see the module doc).
    pub(crate) fn sqlite(operation: &'static str, error: &rusqlite::Error) -> Self {
        let (fault, code) = match error {
            rusqlite::Error::SqliteFailure(failure, _) => {
                (fault_of(failure.code), failure.extended_code)
            }
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::ToSqlConversionFailure(..) => ("value conversion failed", -1),
            rusqlite::Error::QueryReturnedNoRows => ("no row where one was expected", -1),
            _ => ("driver error", -1),
        };
        Self::Sqlite {
            operation,
            fault,
            code,
        }
    }
}

/// Fixed words for SQLite's primary result codes.
fn fault_of(code: rusqlite::ErrorCode) -> &'static str {
    use rusqlite::ErrorCode as C;
    match code {
        C::DatabaseBusy | C::DatabaseLocked => "database busy",
        C::ConstraintViolation => "constraint violated",
        C::DatabaseCorrupt | C::NotADatabase => "file damaged or not a database",
        C::DiskFull => "disk full",
        C::CannotOpen => "cannot open the file",
        C::ReadOnly => "database is read-only",
        C::SystemIoFailure => "input/output error",
        C::PermissionDenied | C::AuthorizationForStatementDenied => "permission denied",
        C::OperationAborted | C::OperationInterrupted => "operation aborted",
        C::OutOfMemory => "out of memory",
        _ => "SQLite failure",
    }
}

/// Why one sample of a batch was skipped (the rest of the batch is stored).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SkipReason {
    /// The sample failed [`crate::health::Validate`].
    #[error("invalid: {0}")]
    Invalid(HealthError),
    /// An instant lies outside what the store keeps to the nanosecond (an `i64` of nanoseconds
    /// since 1970: the years 1677 to 2262); no real measurement does.
    #[error("{field}: outside the storable years 1677 to 2262")]
    Unstorable {
        /// `start` or `end`.
        field: &'static str,
    },
}

/// The store's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_errors_keep_no_text() {
        // A conversion error quotes the value it saw; the store's error must not.
        let error = rusqlite::Error::IntegralValueOutOfRange(0, 987_654);
        let store = StoreError::sqlite("reading samples", &error);
        assert!(!store.to_string().contains("987654"));
        assert!(std::error::Error::source(&store).is_none());
        let failure = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_CHECK),
            Some("CHECK constraint failed: value 71.5".to_owned()),
        );
        let message = StoreError::sqlite("saving samples", &failure).to_string();
        assert!(!message.contains("71.5"), "{message}");
        assert!(message.contains("constraint violated"), "{message}");
    }
}
