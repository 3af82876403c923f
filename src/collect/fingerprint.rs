//! Keyed fingerprints of secret values: HMAC-SHA256 under a key that never leaves the process
//! (random per scan) or is supplied by the operator (`FAASCAN_FINGERPRINT_KEY`) when
//! fingerprints must be comparable across scans. Without the key, a fingerprint of a short
//! password cannot be brute-forced.

use super::FatalError;
use ring::{digest, hmac, rand::SecureRandom};

pub(crate) struct Fingerprinter {
    key: hmac::Key,
    key_id: String,
}

impl Fingerprinter {
    pub(crate) fn new(secret: &[u8]) -> Self {
        let id = digest::digest(
            &digest::SHA256,
            &[b"faascan-fingerprint-key-id:", secret].concat(),
        );
        Fingerprinter {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
            key_id: hex(&id.as_ref()[..8]),
        }
    }

    pub(crate) fn from_env() -> Result<Self, FatalError> {
        match std::env::var("FAASCAN_FINGERPRINT_KEY") {
            Ok(key) if key.len() >= 16 => Ok(Self::new(key.as_bytes())),
            Ok(_) => Err(FatalError::Other(
                "FAASCAN_FINGERPRINT_KEY must be at least 16 characters".to_owned(),
            )),
            Err(_) => {
                let mut secret = [0u8; 32];
                ring::rand::SystemRandom::new()
                    .fill(&mut secret)
                    .map_err(|_| {
                        FatalError::Other("no system randomness for the fingerprint key".to_owned())
                    })?;
                Ok(Self::new(&secret))
            }
        }
    }

    pub(crate) fn key_id(&self) -> String {
        self.key_id.clone()
    }

    pub(crate) fn fingerprint(&self, value: &str) -> String {
        let tag = hmac::sign(&self.key, value.as_bytes());
        format!("hmac-sha256:{}", hex(&tag.as_ref()[..16]))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_fingerprint_and_no_value_inside() {
        let a = Fingerprinter::new(b"0123456789abcdef");
        let b = Fingerprinter::new(b"0123456789abcdef");
        let c = Fingerprinter::new(b"another-key-entirely");
        assert_eq!(a.fingerprint("hunter2"), b.fingerprint("hunter2"));
        assert_ne!(a.fingerprint("hunter2"), c.fingerprint("hunter2"));
        assert_ne!(a.fingerprint("hunter2"), a.fingerprint("hunter3"));
        assert!(!a.fingerprint("hunter2").contains("hunter2"));
        assert_eq!(a.key_id(), b.key_id());
        assert_ne!(a.key_id(), c.key_id());
    }
}
