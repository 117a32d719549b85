//! Bearer tokens: 32 random bytes from the OS, handed out once as base64url text and stored only
//! as their SHA-256, so a copy of the database gives no usable token. A plain (fast) hash is enough
//! here because the input has 256 bits of entropy: there is nothing to guess.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::random::{self, RandomError};

/// The SHA-256 of a token (or of an enrolment code): the only form the database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretHash(pub [u8; 32]);

impl SecretHash {
    /// The hash of the text a client presented.
    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }
}

/// A newly made token: the text for the client and the hash for the database.
pub struct Token {
    secret: String,
    hash: SecretHash,
}

impl Token {
    /// A new random token.
    pub fn generate() -> Result<Self, RandomError> {
        let secret = URL_SAFE_NO_PAD.encode(random::bytes::<32>()?);
        let hash = SecretHash::of(&secret);
        Ok(Self { secret, hash })
    }

    /// The hash to store.
    pub fn hash(&self) -> SecretHash {
        self.hash
    }

    /// The text to hand to the client, once.
    pub fn into_secret(self) -> String {
        self.secret
    }
}

// Never print a secret, not even in a debug log.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

/// The token of an `Authorization: Bearer <token>` header value, if it is one. The scheme is
/// matched case-insensitively (RFC 9110, section 11.1).
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_base64url_chars_and_hash_to_what_is_stored() {
        let t = Token::generate().unwrap();
        let hash = t.hash();
        let secret = t.into_secret();
        assert_eq!(secret.len(), 43);
        assert!(
            secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(SecretHash::of(&secret), hash);
        assert_ne!(SecretHash::of("other"), hash);
    }

    #[test]
    fn debug_hides_the_secret() {
        let t = Token::generate().unwrap();
        assert_eq!(format!("{t:?}"), "Token(..)");
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("Bearer"), None);
    }
}
