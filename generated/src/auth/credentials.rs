//! What a user authenticates with, and what goes wrong when it does not fit the vendor.

use super::rsa_sha256;
use super::scheme::{Authentication, Scheme};
use subtle::ConstantTimeEq;

/// A shared secret (endpoint secret, handshake key, header value): compared in constant time,
/// never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(value: impl Into<Vec<u8>>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as text (invalid UTF-8 replaced), for the places it is sent as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// Constant-time equality with `other` (the length is not hidden).
    pub fn matches(&self, other: &[u8]) -> bool {
        self.0.ct_eq(other).into()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value.as_bytes())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value.into_bytes())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Credentials as a user gives them. A [`Signer`](super::Signer) or
/// [`Verifier`](super::Verifier) is built from them and a vendor's
/// [`Authentication`].
#[derive(Clone, Default)]
pub enum Credentials {
    /// Nothing configured: ClinchPad without a handshake key, Tomba without headers.
    #[default]
    None,
    /// SPOTIO's HMAC key, Breakcold's endpoint secret, ClinchPad's handshake key.
    Secret(Secret),
    /// Zoho SalesIQ's private key, PEM (PKCS#8 or PKCS#1), to sign with.
    PrivateKeyPem(String),
    /// Zoho SalesIQ's public key, PEM (SPKI or PKCS#1), to verify with.
    PublicKeyPem(String),
    /// Tomba's configured headers, `(name, value)`.
    Headers(Vec<(String, Secret)>),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::None => "None",
            Credentials::Secret(_) => "Secret(<redacted>)",
            Credentials::PrivateKeyPem(_) => "PrivateKeyPem(<redacted>)",
            Credentials::PublicKeyPem(_) => "PublicKeyPem(..)",
            Credentials::Headers(_) => "Headers(<redacted>)",
        })
    }
}

/// The kind of credentials, to say which were given and which a scheme takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    None,
    Secret,
    PrivateKey,
    PublicKey,
    Headers,
}

impl std::fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CredentialKind::None => "nothing",
            CredentialKind::Secret => "a secret",
            CredentialKind::PrivateKey => "an RSA private key",
            CredentialKind::PublicKey => "an RSA public key",
            CredentialKind::Headers => "headers",
        })
    }
}

/// Which side of a delivery credentials are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Signing,
    Verifying,
}

/// An RSA key that could not be read, made or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not an RSA private key in PEM (PKCS#8 or PKCS#1)")]
    NotPrivateKeyPem,
    #[error("not an RSA public key in PEM (SPKI or PKCS#1)")]
    NotPublicKeyPem,
    #[error("generating an RSA key pair: {reason}")]
    Generate { reason: String },
    #[error("writing the key as PEM: {reason}")]
    Encode { reason: String },
}

/// Credentials that cannot authenticate as the vendor's scheme does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error("the vendor authenticates with {scheme}, which {given} does not fit")]
    WrongKind {
        scheme: Scheme,
        given: CredentialKind,
        /// What the scheme takes on this side (the first is what it takes when required).
        takes: Vec<CredentialKind>,
    },
    #[error("{0}")]
    Key(#[from] KeyError),
}

impl Credentials {
    pub fn kind(&self) -> CredentialKind {
        match self {
            Credentials::None => CredentialKind::None,
            Credentials::Secret(_) => CredentialKind::Secret,
            Credentials::PrivateKeyPem(_) => CredentialKind::PrivateKey,
            Credentials::PublicKeyPem(_) => CredentialKind::PublicKey,
            Credentials::Headers(_) => CredentialKind::Headers,
        }
    }

    /// The shared secrets among these credentials: what must never be shown.
    pub(crate) fn secrets(&self) -> Vec<&Secret> {
        match self {
            Credentials::Secret(s) => vec![s],
            Credentials::Headers(h) => h.iter().map(|(_, v)| v).collect(),
            Credentials::None | Credentials::PrivateKeyPem(_) | Credentials::PublicKeyPem(_) => {
                Vec::new()
            }
        }
    }

    /// Fresh credentials for both sides of a vendor's scheme (a random secret, a new RSA-2048
    /// key pair, a random bearer token): what to sign with, and what to verify with.
    pub fn fresh_pair(auth: &Authentication) -> Result<(Credentials, Credentials), KeyError> {
        let token = random_token();
        Ok(match auth.scheme {
            Scheme::HmacSha256Hex { .. }
            | Scheme::BodySecret { .. }
            | Scheme::HandshakeKey { .. } => {
                let secret = Secret::from(token);
                (
                    Credentials::Secret(secret.clone()),
                    Credentials::Secret(secret),
                )
            }
            Scheme::RsaSha256 { .. } => {
                let key = rsa_sha256::generate_keypair(2048)?;
                let (private, public) = rsa_sha256::to_pem(&key)?;
                (
                    Credentials::PrivateKeyPem(private),
                    Credentials::PublicKeyPem(public),
                )
            }
            Scheme::CustomHeaders => {
                let headers = vec![(
                    "Authorization".to_owned(),
                    Secret::from(format!("Bearer {token}")),
                )];
                (
                    Credentials::Headers(headers.clone()),
                    Credentials::Headers(headers),
                )
            }
        })
    }
}

/// What a scheme takes, on one side; the first is what a required scheme takes.
pub(crate) fn takes(scheme: Scheme, role: Role) -> Vec<CredentialKind> {
    match (scheme, role) {
        (Scheme::HmacSha256Hex { .. } | Scheme::BodySecret { .. }, _) => {
            vec![CredentialKind::Secret]
        }
        (Scheme::HandshakeKey { .. }, _) => vec![CredentialKind::Secret, CredentialKind::None],
        (Scheme::RsaSha256 { .. }, Role::Signing) => vec![CredentialKind::PrivateKey],
        (Scheme::RsaSha256 { .. }, Role::Verifying) => vec![CredentialKind::PublicKey],
        (Scheme::CustomHeaders, _) => vec![CredentialKind::Headers, CredentialKind::None],
    }
}

pub(crate) fn wrong_kind(scheme: Scheme, credentials: &Credentials, role: Role) -> SetupError {
    SetupError::WrongKind {
        scheme,
        given: credentials.kind(),
        takes: takes(scheme, role),
    }
}

fn random_token() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    // Breakcold's secrets look like "wh_a46f35f22d9723a".
    format!("wh_{}", hex::encode(bytes))
}
