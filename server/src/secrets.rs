//! Random secrets and identifiers, and the slow hash for static passwords.

use argon2::password_hash::{rand_core::OsRng as HashRng, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Seals secrets kept in a shared database (the JWT signing keys): AES-256-GCM
/// with a key given in the environment (`TILLOR_KEY_ENCRYPTION_KEY`, 32 bytes
/// in base64), a fresh nonce per value, and the value's name as associated
/// data, so a sealed value cannot be moved to another name.
pub struct Sealer(ring::aead::LessSafeKey);

impl Sealer {
    pub fn from_base64(text: &str) -> Result<Sealer, String> {
        let bad = || {
            "TILLOR_KEY_ENCRYPTION_KEY must be 32 random bytes in base64 (e.g. `head -c 32 /dev/urandom | base64`)".to_string()
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| bad())?;
        let key =
            ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, &bytes).map_err(|_| bad())?;
        Ok(Sealer(ring::aead::LessSafeKey::new(key)))
    }

    /// nonce (12 bytes) || ciphertext || tag.
    pub fn seal(&self, name: &str, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; ring::aead::NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let mut data = plain.to_vec();
        self.0
            .seal_in_place_append_tag(
                ring::aead::Nonce::assume_unique_for_key(nonce),
                ring::aead::Aad::from(name.as_bytes()),
                &mut data,
            )
            .expect("AES-GCM seals any length we store");
        [nonce.as_slice(), &data].concat()
    }

    pub fn open(&self, name: &str, sealed: &[u8]) -> Result<Vec<u8>, String> {
        let wrong = || {
            format!("cannot open the sealed {name}: TILLOR_KEY_ENCRYPTION_KEY is not the key it was sealed with")
        };
        if sealed.len() < ring::aead::NONCE_LEN {
            return Err(wrong());
        }
        let (nonce, data) = sealed.split_at(ring::aead::NONCE_LEN);
        let nonce = ring::aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| wrong())?;
        let mut data = data.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, ring::aead::Aad::from(name.as_bytes()), &mut data)
            .map_err(|_| wrong())?;
        Ok(plain.to_vec())
    }
}

/// Writes a file only its owner can read (mode 0600 from creation, so it is
/// never briefly readable): signing key, admin password, demo organisation.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

/// Makes everything tillor-local writes from now on its owner's alone
/// (umask 077: files 0600, directories 0700, the broker's and the
/// database's included, as Mosquitto inherits it), and takes group and
/// other access off what `dir` already holds, which an older version or
/// another umask may have left readable: API-key digests and password
/// hashes (the database), the broker's state, keys.
pub fn make_private(dir: &Path) -> Result<(), String> {
    // SAFETY: umask only sets the process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    restrict_tree(dir).map_err(|e| format!("cannot make {} private: {e}", dir.display()))
}

fn restrict_tree(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            restrict_tree(&entry?.path())?;
        }
    }
    Ok(())
}

/// 32 letters and digits from the OS (190 bits): nothing a shell, a .env file or
/// a command-line parser could misread (base64's leading `-` looks like a flag).
pub fn new_password() -> String {
    random_from(
        32,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    )
}

/// API keys: 32 bytes, with a prefix that makes a leaked key recognisable.
pub fn new_api_key() -> String {
    format!("tk_{}", random_base64(32))
}

fn random_base64(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Lower-case letters and digits: readable in a clientId or username and valid everywhere.
pub fn random_slug(len: usize) -> String {
    random_from(len, tillor_contract::static_user::SLUG_ALPHABET)
}

fn random_from(len: usize, alphabet: &[u8]) -> String {
    (0..len)
        .map(|_| alphabet[OsRng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// SHA-256 hex of an API key: keys are random and long, so no salt or slow hash
/// is needed, and the digest still allows a lookup by key.
pub fn api_key_digest(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Argon2id with the crate's defaults (OWASP's minimum: 19 MiB, t=2, p=1), in PHC
/// format, so parameters can be raised later without breaking old hashes.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut HashRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_carry_at_least_128_bits_and_differ() {
        let a = new_password();
        assert!(a.len() as f64 * 62f64.log2() >= 128.0, "{a}");
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, new_password());
    }

    #[test]
    fn a_password_hash_verifies_only_its_password_and_does_not_contain_it() {
        let h = hash_password("s3cret-pass").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(!h.contains("s3cret-pass"));
        assert!(verify_password("s3cret-pass", &h));
        assert!(!verify_password("s3cret-pasS", &h));
    }

    #[test]
    fn slugs_use_only_lowercase_letters_and_digits() {
        let s = random_slug(200);
        assert!(s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    }
}

#[cfg(test)]
mod sealer_tests {
    use super::Sealer;

    #[test]
    fn a_sealed_value_opens_under_its_key_and_name_only() {
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let sealer = Sealer::from_base64(key).unwrap();
        let sealed = sealer.seal("signing key k1", b"secret");
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(sealer.open("signing key k1", &sealed).unwrap(), b"secret");
        assert!(sealer.open("signing key k2", &sealed).is_err());
        let other = Sealer::from_base64("HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=").unwrap();
        let err = other.open("signing key k1", &sealed).unwrap_err();
        assert!(err.contains("TILLOR_KEY_ENCRYPTION_KEY"), "{err}");
        assert!(Sealer::from_base64("short").is_err());
    }
}
