//! Randomness from the operating system for everything a guess must not reach: tokens, enrolment
//! codes, password salts and record ids. No user-space generator sits in between.

/// The OS could not give random bytes (on Linux: `getrandom(2)` failed). Nothing secret can be
/// made then, so the request fails.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct RandomError;

/// `N` random bytes from the OS.
pub fn bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| RandomError)?;
    Ok(out)
}

/// A new record id: a random (version 4) UUID as text. Random rather than sequential ids so that
/// ids reveal nothing about how many members a clinic has, and so that a distributed PostgreSQL
/// engine spreads inserts instead of piling them on one range.
pub fn new_id() -> Result<String, RandomError> {
    Ok(uuid::Builder::from_random_bytes(bytes::<16>()?)
        .into_uuid()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v4_uuids_and_differ() {
        let a = new_id().unwrap();
        let b = new_id().unwrap();
        assert_ne!(a, b);
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 4);
    }
}
