//! 个人信息加密 — personal data (ID numbers, phone numbers) encrypted at rest with AES-256-GCM,
//! and the masked forms shown on screen.
//!
//! The key is a [`DataKey`] that the caller holds (the web app keeps one in its state): from the
//! environment (`GONGKAI_DATA_KEY`, base64 of 32 bytes) or, when that is unset, a key file
//! generated once in the data directory ([`DataKey::load_or_create`]). Every stored value names
//! the key it was made with (`v1:<key id>:<base64 nonce‖ciphertext>`), so a node started with the
//! wrong key fails with a clear message instead of showing garbage, and the field name is bound in
//! as associated data, so a phone cipher text pasted into the ID column does not decrypt.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The environment variable holding the key (base64 of 32 bytes).
pub const ENV_VAR: &str = "GONGKAI_DATA_KEY";
/// The key file's name in the data directory when the environment does not supply a key.
pub const KEY_FILE: &str = "data.key";

const VERSION: &str = "v1";
const NONCE_BYTES: usize = 12;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("{ENV_VAR} or the key file must hold base64 of exactly 32 bytes: {0}")]
    BadKey(String),
    #[error("key file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("value was encrypted with data key {stored}, but this node has key {current}; start it with the right {ENV_VAR} or key file")]
    WrongKey { stored: String, current: String },
    #[error("encrypted value is damaged or was not made for field {0}")]
    Damaged(String),
}

/// An AES-256 key for personal data. `Debug` shows only its id (a short hash), never the key.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey {
    key: [u8; 32],
    id: String,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DataKey({})", self.id)
    }
}

impl DataKey {
    fn from_bytes(key: [u8; 32]) -> DataKey {
        let id = hex::encode(&Sha256::digest(key)[..4]);
        DataKey { key, id }
    }

    /// A keyed hash (HMAC-SHA256) of a normalised value: equal values give equal hashes, so
    /// records can be matched on it (an applicant's earlier requests) without decrypting, while
    /// the hash alone reveals nothing without the key. `field` separates uses of one key.
    pub fn blind_index(&self, field: &str, value: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(field.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A fresh random key (tests; a node that must not keep what it encrypts).
    pub fn generate() -> DataKey {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        DataKey::from_bytes(key)
    }

    pub fn from_base64(text: &str) -> Result<DataKey, KeyError> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|e| KeyError::BadKey(e.to_string()))?;
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::BadKey(format!("{} bytes", bytes.len())))?;
        Ok(DataKey::from_bytes(key))
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.key)
    }

    /// A short fingerprint of the key (first 4 bytes of its SHA-256, hex), stored with each value.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key from `GONGKAI_DATA_KEY` when set; otherwise the key file in `data_dir`, created
    /// (mode 0600) with a random key the first time.
    pub fn load_or_create(data_dir: &Path) -> Result<DataKey, KeyError> {
        match std::env::var(ENV_VAR) {
            Ok(v) if !v.trim().is_empty() => DataKey::from_base64(&v),
            _ => DataKey::from_file(&data_dir.join(KEY_FILE)),
        }
    }

    /// Reads the key file at `path`, creating it with a new random key when it does not exist.
    /// Two processes starting at once agree: only one creates the file, the other reads it.
    pub fn from_file(path: &Path) -> Result<DataKey, KeyError> {
        let err = |reason: String| KeyError::File {
            path: path.display().to_string(),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut f) => {
                let key = DataKey::generate();
                f.write_all(format!("{}\n", key.to_base64()).as_bytes())
                    .map_err(|e| err(e.to_string()))?;
                f.sync_all().map_err(|e| err(e.to_string()))?;
                Ok(key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
                if text.trim().is_empty() {
                    // The creator has not written it yet (or crashed doing so): never invent a second key.
                    return Err(err(
                        "is empty; remove it to generate a new key, or restore it from backup"
                            .into(),
                    ));
                }
                DataKey::from_base64(&text)
            }
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// Where [`load_or_create`](Self::load_or_create) keeps the key file.
    pub fn file_in(data_dir: &Path) -> PathBuf {
        data_dir.join(KEY_FILE)
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.key))
    }

    /// Encrypts `plain` for the column `field` (bound in as associated data).
    pub fn encrypt(&self, field: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: field.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of a short text cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{VERSION}:{}:{}", self.id, B64.encode(out))
    }

    pub fn decrypt(&self, field: &str, stored: &str) -> Result<String, KeyError> {
        let damaged = || KeyError::Damaged(field.to_string());
        let mut parts = stored.splitn(3, ':');
        let (Some(VERSION), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(damaged());
        };
        if id != self.id {
            return Err(KeyError::WrongKey {
                stored: id.to_string(),
                current: self.id.clone(),
            });
        }
        let bytes = B64.decode(body).map_err(|_| damaged())?;
        if bytes.len() <= NONCE_BYTES {
            return Err(damaged());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let plain = self
            .cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: field.as_bytes(),
                },
            )
            .map_err(|_| damaged())?;
        String::from_utf8(plain).map_err(|_| damaged())
    }
}

/// Masks all but the ends of an identity document number: `4201**********1234` for an 18-digit
/// ID; shorter numbers keep fewer characters, and very short ones none.
pub fn mask_id_number(number: &str) -> String {
    let chars: Vec<char> = number.trim().chars().collect();
    let (head, tail) = match chars.len() {
        n if n >= 15 => (4, 4),
        n if n >= 8 => (2, 2),
        _ => (0, 0),
    };
    mask(&chars, head, tail)
}

/// Masks the middle of a phone number: `138****5678` for a mobile number; other numbers keep
/// their last four digits (and the first three when long enough).
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    let (head, tail) = match chars.len() {
        n if n >= 11 => (3, 4),
        n if n >= 7 => (0, 4),
        _ => (0, 0),
    };
    mask(&chars, head, tail)
}

fn mask(chars: &[char], head: usize, tail: usize) -> String {
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i + tail >= chars.len() {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blind_index_matches_equal_values_under_one_key_only() {
        let k = DataKey::generate();
        let a = k.blind_index("id_number", "420106199001011234");
        assert_eq!(a, k.blind_index("id_number", "420106199001011234"));
        assert_ne!(a, k.blind_index("id_number", "420106199001011235"));
        assert_ne!(a, k.blind_index("phone", "420106199001011234"));
        assert_ne!(
            a,
            DataKey::generate().blind_index("id_number", "420106199001011234")
        );
        assert!(!a.contains("420106"));
    }

    #[test]
    fn round_trip_with_the_field_bound_in() {
        let k = DataKey::generate();
        let stored = k.encrypt("id_number", "420106199001011234");
        assert!(stored.starts_with(&format!("v1:{}:", k.id())), "{stored}");
        assert!(!stored.contains("420106"), "no plain text at rest");
        assert_eq!(
            k.decrypt("id_number", &stored).unwrap(),
            "420106199001011234"
        );
        // The same text encrypts differently each time (random nonce).
        assert_ne!(stored, k.encrypt("id_number", "420106199001011234"));
        assert_eq!(
            k.decrypt("phone", &stored),
            Err(KeyError::Damaged("phone".into()))
        );
        let mut tampered = stored.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert!(k.decrypt("id_number", &tampered).is_err());
        let other = DataKey::generate();
        assert!(matches!(
            other.decrypt("id_number", &stored),
            Err(KeyError::WrongKey { .. })
        ));
        assert!(
            format!("{k:?}").starts_with("DataKey(") && !format!("{k:?}").contains(&k.to_base64())
        );
    }

    #[test]
    fn keys_from_base64_and_from_a_file_created_once() {
        let k = DataKey::generate();
        assert_eq!(DataKey::from_base64(&k.to_base64()).unwrap(), k);
        assert!(matches!(
            DataKey::from_base64("c2hvcnQ="),
            Err(KeyError::BadKey(_))
        ));
        assert!(matches!(
            DataKey::from_base64("not base64!"),
            Err(KeyError::BadKey(_))
        ));
        let dir = tempfile::tempdir().unwrap();
        let path = DataKey::file_in(dir.path());
        let first = DataKey::from_file(&path).unwrap();
        let again = DataKey::from_file(&path).unwrap();
        assert_eq!(first, again, "generated once, then read");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::write(&path, "").unwrap();
        assert!(
            matches!(DataKey::from_file(&path), Err(KeyError::File { .. })),
            "an empty key file is not replaced"
        );
    }

    #[test]
    fn masks() {
        assert_eq!(mask_id_number("420106199001011234"), "4201**********1234");
        assert_eq!(mask_id_number("E12345678"), "E1*****78");
        assert_eq!(mask_id_number("1234"), "****");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("87654321"), "****4321");
        assert_eq!(mask_phone("027-87654321"), "027*****4321");
        assert_eq!(mask_phone("123"), "***");
    }
}
