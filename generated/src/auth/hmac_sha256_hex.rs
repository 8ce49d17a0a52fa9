//! SPOTIO: "The header contains a hex-encoded HMAC-SHA256 signature of the request body, using
//! your secret as the signing key."

use super::{Malformation, SignatureError};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; new_from_slice cannot fail for it.
    match HmacSha256::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    }
}

/// The lowercase hex HMAC-SHA256 of `body` under `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut m = mac(secret);
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

/// Checks a hex signature (either case) in constant time.
pub fn verify(secret: &[u8], body: &[u8], signature: &str) -> Result<(), SignatureError> {
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(SignatureError::Empty);
    }
    let bytes =
        hex::decode(signature).map_err(|_| SignatureError::Malformed(Malformation::NotHex))?;
    if bytes.len() != 32 {
        return Err(SignatureError::Malformed(Malformation::WrongLength {
            bytes: bytes.len(),
            expected: 32,
        }));
    }
    let mut m = mac(secret);
    m.update(body);
    m.verify_slice(&bytes).map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231-style vector, checked with
    // `printf 'The quick brown fox jumps over the lazy dog' | openssl dgst -sha256 -hmac key`.
    const BODY: &[u8] = b"The quick brown fox jumps over the lazy dog";
    const EXPECTED: &str = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

    #[test]
    fn signs_the_known_vector() {
        assert_eq!(sign(b"key", BODY), EXPECTED);
    }

    #[test]
    fn verifies_and_refuses() {
        assert_eq!(verify(b"key", BODY, EXPECTED), Ok(()));
        assert_eq!(verify(b"key", BODY, &EXPECTED.to_uppercase()), Ok(()));
        assert_eq!(verify(b"key", BODY, ""), Err(SignatureError::Empty));
        assert!(matches!(
            verify(b"key", BODY, &EXPECTED[..62]),
            Err(SignatureError::Malformed(Malformation::WrongLength {
                bytes: 31,
                ..
            }))
        ));
        assert_eq!(
            verify(b"key", BODY, "zz"),
            Err(SignatureError::Malformed(Malformation::NotHex))
        );
        assert_eq!(
            verify(b"other", BODY, EXPECTED),
            Err(SignatureError::Mismatch)
        );
        let mut changed = BODY.to_vec();
        changed[0] ^= 1;
        assert_eq!(
            verify(b"key", &changed, EXPECTED),
            Err(SignatureError::Mismatch)
        );
        let other_body = sign(b"key", b"another body");
        assert_eq!(
            verify(b"key", BODY, &other_body),
            Err(SignatureError::Mismatch)
        );
    }
}
