//! The running server's shared state (storage, settings, rate limiter) and `serve`, which runs the
//! router on a listener until a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::auth::password::{self, PasswordError};
use crate::db::Db;
use crate::rate_limit::RateLimiter;
use crate::routes;
use crate::settings::Settings;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    settings: Settings,
    limiter: RateLimiter,
    /// A hash of no one's password with the current cost: a login for an unknown address is
    /// checked against it, so it takes as long as one for a known address and the response time
    /// does not tell which addresses are staff.
    decoy_password_hash: String,
    /// Permits for Argon2id checks (`Settings::concurrent_password_checks`).
    password_checks: Semaphore,
}

impl AppState {
    /// The state of a server on `db` with `settings`. Hashes the decoy password (CPU-heavy at the
    /// default cost: call from a blocking context or accept a short stall at start-up).
    pub fn new(db: Db, settings: Settings) -> Result<Self, PasswordError> {
        let decoy_password_hash = password::hash("decoy", settings.argon2)?;
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                password_checks: Semaphore::new(settings.concurrent_password_checks.max(1)),
                limiter: RateLimiter::new(settings.auth_rate_limit),
                settings,
                decoy_password_hash,
            }),
        })
    }

    /// The storage.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn limiter(&self) -> &RateLimiter {
        &self.inner.limiter
    }

    pub(crate) fn decoy_password_hash(&self) -> &str {
        &self.inner.decoy_password_hash
    }

    pub(crate) fn password_checks(&self) -> &Semaphore {
        &self.inner.password_checks
    }
}

/// Serves the API on `listener` until `shutdown` completes, then lets requests in flight finish.
/// The peer address reaches the handlers (the rate limit keys on it).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = routes::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
