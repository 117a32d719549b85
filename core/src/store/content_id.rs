//! Content-derived ids: the UUIDv5 of a record's content key, for rows that come without a
//! platform id (Apple's export).
//!
//! A UUIDv5 (RFC 9562, section 5.5) is the first 16 bytes of SHA-1 over the namespace's bytes and
//! the name, with the version and variant bits set. It is computed here with the `sha1` crate,
//! which uses the CPU's SHA instructions where there are any (SHA-NI on x86-64, the ARMv8 crypto
//! extensions on phones) instead of the portable SHA-1 inside the `uuid` crate: hashing was a fifth
//! of an export import's instructions. The ids are the same as `Uuid::new_v5` gives (tested), so
//! rows stored before keep their ids and a re-import still finds them.

use sha1::{Digest, Sha1};
use uuid::{Builder, Uuid};

/// The UUIDv5 of `name` in `namespace`, in its hyphenated lower-case text form (the stored id).
pub(crate) fn content_id(namespace: &Uuid, name: &[u8]) -> String {
    Uuid::from_bytes(content_uuid(namespace, &[name]))
        .hyphenated()
        .to_string()
}

/// The UUIDv5 in `namespace` of the name made of `parts` one after the other (without joining
/// them first), as its 16 bytes.
pub(crate) fn content_uuid(namespace: &Uuid, parts: &[&[u8]]) -> [u8; 16] {
    let mut hasher = Sha1::new();
    hasher.update(namespace.as_bytes());
    for part in parts {
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Builder::from_sha1_bytes(bytes).into_uuid().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_the_uuid_crates_v5() {
        let namespaces = [Uuid::NAMESPACE_DNS, Uuid::from_u128(0xd0b8_19be_c32a_49b4)];
        let names: [&[u8]; 4] = [b"", b"alyze", &[0xff; 55], &[7; 200]];
        for namespace in &namespaces {
            for name in names {
                assert_eq!(
                    content_id(namespace, name),
                    Uuid::new_v5(namespace, name).to_string()
                );
            }
        }
    }

    #[test]
    fn parts_hash_as_their_concatenation() {
        let namespace = Uuid::from_u128(0xd0b8_19be_c32a_49b4);
        assert_eq!(
            content_uuid(&namespace, &[b"quantity/1;", b"", b"4:name;"]),
            *Uuid::new_v5(&namespace, b"quantity/1;4:name;").as_bytes()
        );
    }

    #[test]
    fn rfc_9562_example() {
        // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        assert_eq!(
            content_id(&Uuid::NAMESPACE_DNS, b"www.example.com"),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
    }
}
