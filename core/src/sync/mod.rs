//! Sync with the clinic server, the phone's side: enrolment, then push the outbox and pull what
//! changed, until both sides agree (`docs/sync.md`).
//!
//! - [`wire`]: the protocol's messages, shared with the server.
//! - [`credentials`]: what enrolment gives and where the shells keep it.
//! - [`client`]: HTTP (reqwest on tokio) and the sorting of answers into retry, refresh, resync
//!   or stop.
//! - [`engine`]: [`sync`]: push until the outbox is empty, then pull pages and apply them, with
//!   retries, token refresh and resync.
//! - [`apply`]: a pulled page into the store.
//! - [`settings`]: batch sizes, retries and timeouts.
//!
//! The store stays synchronous: the run takes its lock for one short transaction at a time, never
//! across a request, so the app keeps using it while a sync waits on the network.

pub mod apply;
pub mod client;
pub mod credentials;
pub mod engine;
pub mod settings;
pub mod wire;

pub use client::{ServerClient, end_login};
pub use credentials::{CredentialError, CredentialStore, Credentials, InMemoryCredentials};
pub use engine::{DerivedDays, SyncProgress, SyncReport, sync};
pub use settings::SyncSettings;

use crate::store::StoreError;

/// Why a sync or an enrolment stopped. Never carries a token or a health value.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// This device is not enrolled with a clinic yet.
    #[error("not enrolled: enrol this device with the code from your clinic first")]
    NotEnrolled,
    /// The enrolment code is unknown, used or expired.
    #[error(
        "the enrolment code was refused: it is wrong, used or expired; ask the clinic for a new one"
    )]
    CodeRefused,
    /// The server no longer accepts this device's login (revoked, or a refresh token reused):
    /// enrol again.
    #[error("the clinic server signed this device out: enrol again with a new code")]
    SignedOut,
    /// The store holds another member's data than the credentials are for: a device that changed
    /// hands without signing out. Nothing was sent.
    #[error(
        "this device's data belongs to another member than the one enrolled: sign out (which \
         erases this device's data) before syncing as a new member"
    )]
    OtherMember,
    /// The server URL is not an `http(s)://host` URL.
    #[error("the server URL must be http:// or https:// followed by a host")]
    InvalidUrl,
    /// The server could not be reached, or kept failing, after the retries.
    #[error(
        "the clinic server could not be reached while {what}; nothing was lost, sync again later"
    )]
    Network {
        /// What the client was doing.
        what: &'static str,
    },
    /// The server answered with an error status that retrying cannot change.
    #[error("the clinic server refused the request (HTTP {status})")]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// The server's answer does not follow the protocol.
    #[error("the clinic server answered outside the protocol: {what}")]
    Protocol {
        /// What was wrong.
        what: &'static str,
    },
    /// The days' summaries or readiness to push could not be computed.
    #[error("could not compute {what} to send")]
    Derived {
        /// What.
        what: &'static str,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The credential store failed.
    #[error(transparent)]
    Credentials(#[from] CredentialError),
}
