//! Sync with the clinic server across the FFI: enrolment, a sync run and the end of a login at
//! sign-out as async calls (Swift `async`, Kotlin `suspend`, Python `await`), with progress and
//! cancellation.
//!
//! The calls run on the crate's own tokio runtime (`runtime`): the foreign future only awaits a
//! task spawned there, and dropping it (the shell cancels: Kotlin coroutine cancellation) aborts
//! the task through `AbortOnDrop`. UniFFI's Swift side does not pass a Swift task's
//! cancellation on (it polls the future to the end: uniffi-rs issue 2771), so on iOS a cancelled
//! caller stops waiting but the run finishes. A cancelled run stops at its next
//! await; every step it completed is settled in the store, so the next run carries on.
//!
//! The tokens never live in the core: the shell passes a [`CredentialKeeper`] (Keychain on iOS,
//! Keystore-encrypted storage on Android) that the core reads at the start and writes at once on
//! every token rotation.

use std::sync::{Arc, OnceLock};

use alyze_core::readiness::MemberProfile;
use alyze_core::sync::{
    CredentialError, CredentialStore, Credentials, DerivedDays, ServerClient, SyncError,
    SyncProgress, SyncReport, SyncSettings, end_login, sync,
};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::AlyzeError;
use crate::readiness_settings::FfiReadinessSettings;
use crate::store::{AlyzeStore, date};

/// What enrolment gives, as the shell stores it (in the Keychain or Keystore: the tokens are
/// secrets). The core's record, crossing as it is.
#[uniffi::remote(Record)]
pub struct Credentials {
    /// The server's base URL.
    pub server_url: String,
    /// The member.
    pub member_id: String,
    /// This device.
    pub device_id: String,
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
    /// When the access token expires, epoch ms.
    pub access_expires_at_ms: i64,
}

/// The shell's secure storage of the credentials.
#[uniffi::export(with_foreign)]
pub trait CredentialKeeper: Send + Sync {
    /// The saved credentials, `None` before enrolment or after sign-out.
    fn load(&self) -> Result<Option<Credentials>, AlyzeError>;
    /// Replaces the saved credentials. Called at once on every token rotation: the old refresh
    /// token is spent, so a failure here means enrolling again later.
    fn save(&self, credentials: Credentials) -> Result<(), AlyzeError>;
}

/// Progress of a sync run.
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    /// A batch was pushed: `pushed` ops so far, about `remaining` changes left.
    fn on_pushed(&self, pushed: u64, remaining: u64);
    /// A page was pulled and applied: `pulled` changes so far.
    fn on_pulled(&self, pulled: u64);
}

/// What became of this device's login on the server at sign-out ([`AlyzeStore::end_login`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LoginEnd {
    /// The server ended it: none of its tokens works again, wherever a copy is.
    Ended,
    /// There was none: the device was never enrolled, or its credentials are gone.
    NotEnrolled,
    /// The server could not be reached in time, or refused: the login ends by itself once its
    /// refresh token expires unused (the server's refresh-token lifetime, 30 days by default).
    Unreached,
}

/// What a sync run did: the core's report, crossing as it is.
#[uniffi::remote(Record)]
pub struct SyncReport {
    /// Ops the server applied.
    pub pushed: u64,
    /// Ops it had applied before, or that changed nothing.
    pub duplicates: u64,
    /// Stale check-in revisions kept in the history only.
    pub conflicts: u64,
    /// Ops refused for good.
    pub rejected: u64,
    /// Pulled changes written to the store.
    pub pulled: u64,
    /// Pulled changes not applied (this device's own, newer here, derived here).
    pub skipped: u64,
    /// Pulled changes that could not be read.
    pub unreadable: u64,
    /// Records deleted here because the server no longer has them (deleted while this device was
    /// away longer than the server keeps tombstones).
    pub swept: u64,
    /// Whether the server asked for a full resync, which was done.
    pub resynced: bool,
}

#[uniffi::export]
impl AlyzeStore {
    /// Enrols this device with the clinic's one-time `code` at `server_url`, and saves the
    /// credentials through `keeper`. Returns the member's id.
    pub async fn enrol(
        self: Arc<Self>,
        server_url: String,
        code: String,
        device_name: String,
        keeper: Arc<dyn CredentialKeeper>,
    ) -> Result<String, AlyzeError> {
        spawn(async move {
            let client = ServerClient::new(&server_url, &SyncSettings::default())?;
            let credentials = client.enrol(&code, &device_name).await?;
            keeper.save(credentials.clone())?;
            Ok(credentials.member_id)
        })
        .await
    }

    /// Asks the server to end this device's login (sign-out, before [`AlyzeStore::sign_out`]), so
    /// that a copy of its tokens (a backup, a lost phone's keychain) is worthless. One attempt,
    /// waiting at most `SyncSettings::sign_out_wait_ms` (5 s): the member is leaving and signs out
    /// here either way; the answer says whether the server ended the login. Fails only when the
    /// keeper cannot be read.
    pub async fn end_login(
        self: Arc<Self>,
        keeper: Arc<dyn CredentialKeeper>,
    ) -> Result<LoginEnd, AlyzeError> {
        spawn(async move {
            let Some(credentials) = keeper.load()? else {
                return Ok(LoginEnd::NotEnrolled);
            };
            let ended = end_login(&credentials, &SyncSettings::default()).await;
            Ok(if ended.is_ok() {
                LoginEnd::Ended
            } else {
                LoginEnd::Unreached
            })
        })
        .await
    }

    /// Runs the sync protocol: pushes what is new here, pulls what changed on the server.
    /// Cancelling the call stops the run at its next step; nothing settled is lost.
    ///
    /// The summaries and readiness of the days up to `today` (`YYYY-MM-DD`, member-local) that
    /// changed are sent too, assessed with `profile` and `settings` as [`AlyzeStore::readiness`]
    /// does, so the clinic sees what the member saw: pass the clinic's
    /// (`AlyzeStore::readiness_settings`), as for every other call. The days are judged again
    /// after the pull, by the clinic's settings it brought when `settings` were the clinic's,
    /// and what changed is sent in the same run.
    pub async fn sync(
        self: Arc<Self>,
        today: String,
        profile: MemberProfile,
        settings: FfiReadinessSettings,
        keeper: Arc<dyn CredentialKeeper>,
        listener: Arc<dyn SyncListener>,
    ) -> Result<SyncReport, AlyzeError> {
        let derived = DerivedDays {
            profile,
            history: settings.to_core()?,
            through: date("today", &today)?,
        };
        spawn(async move {
            let mut keeper = Keeper(keeper);
            let credentials = keeper
                .load()
                .map_err(SyncError::from)?
                .ok_or(SyncError::NotEnrolled)?;
            let settings = SyncSettings::default();
            let client = ServerClient::new(&credentials.server_url, &settings)?;
            let mut progress = |step: SyncProgress| match step {
                SyncProgress::Pushed { done, remaining } => listener.on_pushed(done, remaining),
                SyncProgress::Pulled { done } => listener.on_pulled(done),
            };
            let report = sync(
                self.store(),
                &client,
                &mut keeper,
                &settings,
                Some(&derived),
                &mut progress,
            )
            .await?;
            Ok(report)
        })
        .await
    }
}

/// The FFI's runtime: two worker threads (network waits, not computation), made on first use.
fn runtime() -> Result<&'static Runtime, AlyzeError> {
    static RUNTIME: OnceLock<Option<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("alyze-sync")
                .enable_all()
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| AlyzeError::SyncFailed {
            reason: "the network runtime could not start".to_owned(),
        })
}

/// Runs `task` on [`runtime`] and awaits it; dropping the returned future aborts the task.
async fn spawn<T: Send + 'static>(
    task: impl Future<Output = Result<T, AlyzeError>> + Send + 'static,
) -> Result<T, AlyzeError> {
    let mut handle = AbortOnDrop(runtime()?.spawn(task));
    match (&mut handle.0).await {
        Ok(result) => result,
        Err(_) => Err(AlyzeError::SyncFailed {
            reason: "the sync task stopped".to_owned(),
        }),
    }
}

/// A task handle that aborts its task when dropped (the foreign caller cancelled).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The shell's keeper as the core's credential store.
struct Keeper(Arc<dyn CredentialKeeper>);

impl CredentialStore for Keeper {
    fn load(&self) -> Result<Option<Credentials>, CredentialError> {
        self.0.load().map_err(|e| CredentialError {
            reason: e.to_string(),
        })
    }

    fn save(&mut self, credentials: &Credentials) -> Result<(), CredentialError> {
        self.0
            .save(credentials.clone())
            .map_err(|e| CredentialError {
                reason: e.to_string(),
            })
    }
}

impl From<SyncError> for AlyzeError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Store(e) => e.into(),
            e @ (SyncError::NotEnrolled | SyncError::CodeRefused | SyncError::SignedOut) => {
                Self::NotEnrolled {
                    reason: e.to_string(),
                }
            }
            e @ SyncError::OtherMember => Self::OtherMember {
                reason: e.to_string(),
            },
            e @ SyncError::InvalidUrl => Self::InvalidArgument {
                name: "server_url".to_owned(),
                reason: e.to_string(),
            },
            e @ (SyncError::Network { .. }
            | SyncError::Derived { .. }
            | SyncError::Server { .. }
            | SyncError::Protocol { .. }
            | SyncError::Credentials(_)) => Self::SyncFailed {
                reason: e.to_string(),
            },
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for AlyzeError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // The foreign exception's text is not kept: it may quote anything.
        Self::SyncFailed {
            reason: "the app's credential store or listener failed unexpectedly".to_owned(),
        }
    }
}
