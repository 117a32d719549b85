//! One-time enrolment codes: what a clinic hands a member (on paper or read aloud) to enrol a
//! phone. Twelve characters of Crockford's base32 (60 bits), shown as `XXXX-XXXX-XXXX`; typing is
//! forgiving (case, dashes and spaces ignored, O read as 0 and I or L as 1). Only the SHA-256 of the
//! normalised code is stored. 60 bits against a rate-limited endpoint, a single use and an expiry
//! of days leaves an online guess no chance.

use crate::auth::token::SecretHash;
use crate::random::{self, RandomError};

/// Crockford's base32 alphabet: no I, L, O or U, so nothing reads as something else.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LEN: usize = 12;

/// A new code, grouped for reading: `XXXX-XXXX-XXXX`.
pub fn generate() -> Result<String, RandomError> {
    // 256 is a multiple of 32: taking each byte modulo 32 is uniform.
    let raw = random::bytes::<LEN>()?;
    let mut out = String::with_capacity(LEN + 2);
    for (i, b) in raw.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[usize::from(b % 32)]));
    }
    Ok(out)
}

/// The canonical form of what a member typed, or `None` when it cannot be a code.
pub fn normalise(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(LEN);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || out.len() == LEN {
            return None;
        }
        out.push(c);
    }
    (out.len() == LEN).then_some(out)
}

/// The stored form of a code, whether freshly generated (grouped) or typed.
pub fn hash(code: &str) -> Option<SecretHash> {
    normalise(code).map(|c| SecretHash::of(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_grouped_and_hash_like_their_typed_forms() {
        let code = generate().unwrap();
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        let typed = code.replace('-', " ").to_lowercase();
        assert_eq!(hash(&typed), hash(&code));
        assert!(hash(&code).is_some());
    }

    #[test]
    fn forgiving_but_strict_about_length_and_alphabet() {
        assert_eq!(normalise("abcd-efgh-jkmn").as_deref(), Some("ABCDEFGHJKMN"));
        assert_eq!(normalise("oIL0-0000-0000").as_deref(), Some("011000000000"));
        assert_eq!(normalise("ABCD-EFGH-JKM"), None);
        assert_eq!(normalise("ABCD-EFGH-JKMNP"), None);
        assert_eq!(normalise("ABCD-EFGH-JKMU"), None);
        assert_eq!(normalise("ABCD-EFGH-JKMé"), None);
        assert_eq!(normalise(""), None);
    }
}
