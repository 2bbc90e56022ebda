//! API keys for systems: random secrets shown once, kept only as SHA-256 hashes.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Every key starts with this, so a leaked key is recognizable in a scan.
pub const KEY_PREFIX: &str = "wfmk_";

/// A new key: the secret for the caller (shown once), and what the store keeps.
pub struct GeneratedKey {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

/// Makes a key with 256 random bits.
pub fn generate() -> GeneratedKey {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("{KEY_PREFIX}{}", hex::encode(bytes));
    GeneratedKey {
        prefix: secret[..KEY_PREFIX.len() + 8].to_string(),
        hash: hash(&secret),
        secret,
    }
}

/// The stored form of a key. Keys carry 256 random bits, so a fast hash suffices: there is
/// nothing to guess by brute force, unlike a password.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_and_hash_to_what_is_stored() {
        let a = generate();
        let b = generate();
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(KEY_PREFIX) && a.secret.len() == KEY_PREFIX.len() + 64);
        assert_eq!(hash(&a.secret), a.hash);
        assert!(a.secret.starts_with(&a.prefix));
        assert_ne!(a.hash, b.hash);
    }
}
