//! Passwords of people: the rules a new one must meet, argon2id hashing and verification
//! (run on the blocking pool: each takes tens of milliseconds by design).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

/// Shorter passwords are refused (NIST SP 800-63B asks for at least 8; we ask for more).
pub const MIN_LENGTH: usize = 12;
/// Longer ones too: hashing cost grows with the input.
pub const MAX_LENGTH: usize = 256;

/// Why `password` cannot be used by `name`, if it cannot.
pub fn weakness(name: &str, password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        Some(format!("must be at least {MIN_LENGTH} characters"))
    } else if chars > MAX_LENGTH {
        Some(format!("must be at most {MAX_LENGTH} characters"))
    } else if password.trim().eq_ignore_ascii_case(name.trim()) {
        Some("must differ from the user's name".into())
    } else {
        None
    }
}

/// The PHC string of `password` (argon2id, the crate's default costs, a random salt).
pub async fn hash(password: String) -> String {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .unwrap_or_default()
}

fn hash_now(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let Ok(salt) = SaltString::encode_b64(&salt) else {
        return String::new();
    };
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

/// Whether `password` matches the stored `phc` string. With no stored string it still
/// spends the time of one verification, so a wrong name and a wrong password answer alike.
pub async fn verify(phc: Option<String>, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let real = phc.is_some();
        let stored = phc.unwrap_or_else(|| DECOY.with(String::clone));
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && real
    })
    .await
    .unwrap_or(false)
}

thread_local! {
    /// A hash of a random password, verified against when the name is unknown.
    static DECOY: String = {
        let mut random = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut random);
        hash_now(&hex::encode(random))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let h = hash("correct horse battery".into()).await;
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify(Some(h.clone()), "correct horse battery".into()).await);
        assert!(!verify(Some(h.clone()), "correct horse batterx".into()).await);
        assert_ne!(h, hash("correct horse battery".into()).await, "salted");
        assert!(!verify(None, "anything at all".into()).await);
        assert!(!verify(Some("not a hash".into()), "x".into()).await);
    }

    #[test]
    fn weak_passwords_are_named() {
        assert!(weakness("olga", "short").unwrap().contains("at least 12"));
        assert!(
            weakness("olga-petrova", "OLGA-PETROVA")
                .unwrap()
                .contains("differ")
        );
        assert!(weakness("olga", &"x".repeat(257)).is_some());
        assert_eq!(weakness("olga", "correct horse battery"), None);
    }
}
