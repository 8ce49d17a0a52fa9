//! Zoho SalesIQ: "We use SHA256 with RSA as the signature algorithm. The signature is Base64
//! encoded", carried in the `x-siqsignature` header.

use super::{KeyError, Malformation, SignatureError};
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
pub fn private_key_from_pem(pem: &str) -> Result<RsaPrivateKey, KeyError> {
    RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|_| KeyError::NotPrivateKeyPem)
}

/// A public key from PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`).
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey, KeyError> {
    RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
        .map_err(|_| KeyError::NotPublicKeyPem)
}

/// A fresh key pair of `bits` bits (2048 for SalesIQ).
pub fn generate_keypair(bits: usize) -> Result<RsaPrivateKey, KeyError> {
    RsaPrivateKey::new(&mut rand_core::OsRng, bits).map_err(|e| KeyError::Generate {
        reason: e.to_string(),
    })
}

/// PEM texts of a pair: the private key as PKCS#8, the public key as SPKI.
pub fn to_pem(key: &RsaPrivateKey) -> Result<(String, String), KeyError> {
    let private = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::Encode {
            reason: e.to_string(),
        })?;
    let public = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| KeyError::Encode {
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
pub fn verify(key: &RsaPublicKey, body: &[u8], signature: &str) -> Result<(), SignatureError> {
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(SignatureError::Empty);
    }
    let bytes = STANDARD
        .decode(signature)
        .map_err(|_| SignatureError::Malformed(Malformation::NotBase64))?;
    let signature = Signature::try_from(bytes.as_slice())
        .map_err(|_| SignatureError::Malformed(Malformation::NotAnRsaSignature))?;
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(body, &signature)
        .map_err(|_| SignatureError::Mismatch)
}
