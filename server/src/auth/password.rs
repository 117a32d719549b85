//! Staff passwords with Argon2id. A hash is a PHC string (`$argon2id$v=19$m=..,t=..,p=..$salt$hash`)
//! that carries its own parameters, so raising the cost later leaves old hashes verifiable. Both
//! functions are CPU- and memory-heavy by design: call them through `spawn_blocking` from async
//! code.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::random::{self, RandomError};
use crate::settings::Argon2Settings;

/// Why a password could not be hashed or checked. Carries no password.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The Argon2 parameters are out of the algorithm's range.
    #[error("invalid Argon2 parameters: {0}")]
    Params(String),
    /// Hashing failed, or a stored hash is not a valid PHC string.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// No salt could be drawn.
    #[error(transparent)]
    Random(#[from] RandomError),
}

fn argon2(settings: Argon2Settings) -> Result<Argon2<'static>, PasswordError> {
    let params = Params::new(
        settings.memory_kib,
        settings.iterations,
        settings.parallelism,
        None,
    )
    .map_err(|e| PasswordError::Params(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string of `password` with a new 16-byte salt.
pub fn hash(password: &str, settings: Argon2Settings) -> Result<String, PasswordError> {
    let salt = SaltString::encode_b64(&random::bytes::<16>()?)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    argon2(settings)?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string (with the parameters stored in it).
pub fn verify(password: &str, phc: &str) -> Result<bool, PasswordError> {
    let parsed = PasswordHash::new(phc).map_err(|e| PasswordError::Hash(e.to_string()))?;
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(PasswordError::Hash(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let phc = hash("correct horse", Argon2Settings::cheapest()).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=8,t=1,p=1$"));
        assert!(verify("correct horse", &phc).unwrap());
        assert!(!verify("correct horsE", &phc).unwrap());
        assert!(verify("x", "not a phc string").is_err());
    }

    #[test]
    fn default_cost_is_owasp_minimum() {
        let phc = hash("pw", Argon2Settings::default()).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("pw", &phc).unwrap());
    }

    #[test]
    fn out_of_range_parameters_are_an_error() {
        let bad = Argon2Settings {
            memory_kib: 1,
            iterations: 1,
            parallelism: 1,
        };
        assert!(matches!(hash("pw", bad), Err(PasswordError::Params(_))));
    }
}
