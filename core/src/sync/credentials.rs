//! What a phone keeps after enrolment, and where it keeps it.
//!
//! The tokens are secrets: the phones keep them in the Keychain (iOS, available after first
//! unlock) or encrypted with a Keystore key (Android); the shells implement [`CredentialStore`]
//! over those. The command line keeps them in a file only its user can read. Nothing here prints
//! a token: [`Credentials`]' `Debug` leaves them out.

use serde::{Deserialize, Serialize};

/// The enrolment of this device with its clinic's server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The server's base URL, e.g. `https://clinic.example` (no trailing slash).
    pub server_url: String,
    /// The member.
    pub member_id: String,
    /// This device.
    pub device_id: String,
    /// Sent as `Authorization: Bearer`.
    pub access_token: String,
    /// Spent by the next refresh; the server revokes the login if a spent one comes back, but for
    /// a retry within its grace after a lost answer.
    pub refresh_token: String,
    /// When the access token expires, UTC ms (refreshed a little before).
    pub access_expires_at_ms: i64,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("server_url", &self.server_url)
            .field("member_id", &self.member_id)
            .field("device_id", &self.device_id)
            .field("access_expires_at_ms", &self.access_expires_at_ms)
            .finish_non_exhaustive()
    }
}

/// A credential store failed (the reason in fixed words: never a token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the credential store failed: {reason}")]
pub struct CredentialError {
    /// What failed.
    pub reason: String,
}

/// Where the credentials live. `save` is called at once whenever the server rotates the tokens:
/// the old refresh token is spent, so credentials lost before they are saved mean enrolling again
/// (unless the next refresh comes within the server's retry grace, which answers it anew).
pub trait CredentialStore {
    /// The saved credentials, `None` before enrolment (or after sign-out).
    fn load(&self) -> Result<Option<Credentials>, CredentialError>;
    /// Replaces the saved credentials.
    fn save(&mut self, credentials: &Credentials) -> Result<(), CredentialError>;
}

/// Credentials kept in memory only, for an enrolment that need not outlive the process (the
/// demo's phone, tests); the apps and the command line keep theirs where a restart finds them.
#[derive(Debug, Default)]
pub struct InMemoryCredentials(pub Option<Credentials>);

impl CredentialStore for InMemoryCredentials {
    fn load(&self) -> Result<Option<Credentials>, CredentialError> {
        Ok(self.0.clone())
    }

    fn save(&mut self, credentials: &Credentials) -> Result<(), CredentialError> {
        self.0 = Some(credentials.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_token() {
        let credentials = Credentials {
            server_url: "https://clinic.example".into(),
            member_id: "m".into(),
            device_id: "d".into(),
            access_token: "secret-access".into(),
            refresh_token: "secret-refresh".into(),
            access_expires_at_ms: 0,
        };
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("clinic.example"));
    }
}
