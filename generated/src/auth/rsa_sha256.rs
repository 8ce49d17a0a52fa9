//! Zoho SalesIQ: "We use SHA256 with RSA as the signature algorithm. The signature is Base64
//! encoded", carried in the `x-siqsignature` header.

use super::AuthError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;

/// A private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
pub fn private_key_from_pem(pem: &str) -> Result<RsaPrivateKey, AuthError> {
    RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|_| AuthError::Key {
            reason: "not an RSA private key in PEM (PKCS#8 or PKCS#1)".into(),
        })
}

/// A public key from PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`).
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey, AuthError> {
    RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
        .map_err(|_| AuthError::Key {
            reason: "not an RSA public key in PEM (SPKI or PKCS#1)".into(),
        })
}

/// A fresh key pair of `bits` bits (2048 for SalesIQ).
pub fn generate_keypair(bits: usize) -> Result<RsaPrivateKey, AuthError> {
    RsaPrivateKey::new(&mut rand_core::OsRng, bits).map_err(|e| AuthError::Key {
        reason: e.to_string(),
    })
}

/// PEM texts of a pair: the private key as PKCS#8, the public key as SPKI.
pub fn to_pem(key: &RsaPrivateKey) -> Result<(String, String), AuthError> {
    let private = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| AuthError::Key {
            reason: e.to_string(),
        })?;
    let public = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| AuthError::Key {
            reason: e.to_string(),
        })?;
    Ok((private.to_string(), public))
}

/// The standard base64 of the RSA-SHA256 PKCS#1 v1.5 signature of `body`.
pub fn sign(key: &RsaPrivateKey, body: &[u8]) -> String {
    let signing = SigningKey::<Sha256>::new(key.clone());
    STANDARD.encode(signing.sign(body).to_bytes())
}

/// Checks a base64 signature of `body` with the public key.
pub fn verify(key: &RsaPublicKey, body: &[u8], signature: &str) -> Result<(), AuthError> {
    let what = || "the signature".to_owned();
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(AuthError::Missing { what: what() });
    }
    let bytes = STANDARD
        .decode(signature)
        .map_err(|e| AuthError::Malformed {
            what: what(),
            reason: format!("not base64 ({e})"),
        })?;
    let signature = Signature::try_from(bytes.as_slice()).map_err(|_| AuthError::Malformed {
        what: what(),
        reason: "not an RSA signature".into(),
    })?;
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(body, &signature)
        .map_err(|_| AuthError::Mismatch { what: what() })
}
