//! Authentication of deliveries, exactly as each vendor does it, over the exact bytes sent:
//! HMAC-SHA256 hex (SPOTIO), RSA-SHA256 PKCS#1 v1.5 base64 (Zoho SalesIQ), a secret in the
//! body (Breakcold), a handshake key in the body (ClinchPad), configured headers (Tomba).
//!
//! The one owner of authentication: a [`Signer`] (what a vendor sends) and a [`Verifier`] (what
//! a receiver checks) are both built from a vendor's [`Authentication`] (each vendor module's
//! `AUTHENTICATION`) and the user's [`Credentials`]. The harness, the reference receiver and
//! the fuzz targets all sign and verify through them.
//!
//! Every comparison of a secret is constant-time, and no secret or key appears in `Debug`
//! output or in an error message.

mod credentials;
pub mod hmac_sha256_hex;
mod near_miss;
pub mod rsa_sha256;
mod scheme;
mod signer;
mod verifier;

pub use credentials::{CredentialKind, Credentials, KeyError, Secret, SetupError};
pub use near_miss::{NearMiss, Redaction, SecretForm};
pub use scheme::{Authentication, Scheme};
pub use signer::Signer;
pub use verifier::{AuthError, HeaderLookup, Malformation, Place, SignatureError, Verifier};
