//! What the harness authenticates with, per vendor scheme, and what must never be shown: the
//! secrets themselves, and the variants of them the auth suite sends.

use hookcert_codegen::profile::{AuthScheme, VendorProfile};
use hookcert_events::auth::{Secret, hmac_sha256_hex, rsa_sha256};
use rsa::RsaPrivateKey;

/// Credentials as a user gives them.
#[derive(Clone, Default)]
pub enum Auth {
    /// Nothing configured: ClinchPad without a handshake key, Tomba without headers.
    #[default]
    None,
    /// SPOTIO's HMAC key, Breakcold's endpoint secret, ClinchPad's handshake key.
    Secret(String),
    /// Zoho SalesIQ's private key, PEM (PKCS#8 or PKCS#1), to sign with.
    PrivateKeyPem(String),
    /// Zoho SalesIQ's public key, PEM (SPKI or PKCS#1), to verify with (`listen`).
    PublicKeyPem(String),
    /// Tomba's configured headers, `(name, value)`.
    Headers(Vec<(String, String)>),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Auth::None => "None",
            Auth::Secret(_) => "Secret(<redacted>)",
            Auth::PrivateKeyPem(_) => "PrivateKeyPem(<redacted>)",
            Auth::PublicKeyPem(_) => "PublicKeyPem(..)",
            Auth::Headers(_) => "Headers(<redacted>)",
        };
        f.write_str(kind)
    }
}

/// The credentials do not fit the vendor's scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CredentialsError(pub String);

/// How the harness signs what it sends, resolved against the vendor's scheme.
#[derive(Clone)]
pub enum Credentials {
    Hmac {
        header: String,
        secret: Secret,
    },
    Rsa {
        header: String,
        key: Box<RsaPrivateKey>,
    },
    /// Breakcold's `secret`, ClinchPad's `handshake_key`: the top-level field and its value
    /// (`None`: ClinchPad with no key configured, so the field is left out).
    BodyField {
        field: String,
        value: Option<Secret>,
    },
    Headers(Vec<(String, Secret)>),
}

impl Credentials {
    pub fn new(profile: &VendorProfile, auth: &Auth) -> Result<Self, CredentialsError> {
        let auth_profile = &profile.authentication;
        let header = || auth_profile.header.clone().unwrap_or_default();
        let field = || {
            auth_profile
                .body_field
                .as_deref()
                .unwrap_or("")
                .trim_start_matches('/')
                .to_owned()
        };
        let wrong = |what: &str| {
            CredentialsError(format!(
                "{} authenticates with {what}; {}",
                profile.id,
                hint(auth_profile.scheme)
            ))
        };
        match (auth_profile.scheme, auth) {
            (AuthScheme::HmacSha256Hex, Auth::Secret(s)) => Ok(Credentials::Hmac {
                header: header(),
                secret: Secret::new(s.as_bytes()),
            }),
            (AuthScheme::HmacSha256Hex, _) => Err(wrong("an HMAC secret")),
            (AuthScheme::RsaSha256Pkcs1v15Base64, Auth::PrivateKeyPem(pem)) => {
                let key = rsa_sha256::private_key_from_pem(pem)
                    .map_err(|e| CredentialsError(format!("--private-key: {e}")))?;
                Ok(Credentials::Rsa {
                    header: header(),
                    key: Box::new(key),
                })
            }
            (AuthScheme::RsaSha256Pkcs1v15Base64, _) => Err(wrong("an RSA private key")),
            (AuthScheme::BodySecret, Auth::Secret(s)) => Ok(Credentials::BodyField {
                field: field(),
                value: Some(Secret::new(s.as_bytes())),
            }),
            (AuthScheme::BodySecret, _) => Err(wrong("an endpoint secret")),
            (AuthScheme::HandshakeKey, Auth::Secret(s)) => Ok(Credentials::BodyField {
                field: field(),
                value: Some(Secret::new(s.as_bytes())),
            }),
            (AuthScheme::HandshakeKey, Auth::None) => Ok(Credentials::BodyField {
                field: field(),
                value: None,
            }),
            (AuthScheme::HandshakeKey, _) => Err(wrong("an optional handshake key")),
            (AuthScheme::CustomHeaders, Auth::Headers(h)) => Ok(Credentials::Headers(
                h.iter()
                    .map(|(n, v)| (n.clone(), Secret::new(v.as_bytes())))
                    .collect(),
            )),
            (AuthScheme::CustomHeaders, Auth::None) => Ok(Credentials::Headers(Vec::new())),
            (AuthScheme::CustomHeaders, _) => Err(wrong("optional custom headers")),
        }
    }

    /// Whether there is anything for a receiver to check (else the auth suite is skipped).
    pub fn configured(&self) -> bool {
        match self {
            Credentials::BodyField { value, .. } => value.is_some(),
            Credentials::Headers(h) => !h.is_empty(),
            _ => true,
        }
    }

    /// The headers that authenticate `body` (none for the body schemes).
    pub fn sign(&self, body: &[u8]) -> Vec<(String, String)> {
        match self {
            Credentials::Hmac { header, secret } => {
                vec![(header.clone(), hmac_sha256_hex::sign(secret.expose(), body))]
            }
            Credentials::Rsa { header, key } => vec![(header.clone(), rsa_sha256::sign(key, body))],
            Credentials::BodyField { .. } => Vec::new(),
            Credentials::Headers(h) => h
                .iter()
                .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v.expose()).into_owned()))
                .collect(),
        }
    }

    /// The top-level body field and the value it must carry, for the body schemes.
    pub fn body_field(&self) -> Option<(&str, Option<&str>)> {
        match self {
            Credentials::BodyField { field, value } => Some((
                field.as_str(),
                value
                    .as_ref()
                    .and_then(|v| std::str::from_utf8(v.expose()).ok()),
            )),
            _ => None,
        }
    }

    /// Every string that must not appear in output: each secret and each variant of it the
    /// auth suite derives.
    pub fn redactions(&self) -> Vec<String> {
        let secrets: Vec<String> = match self {
            Credentials::Hmac { secret, .. } => vec![text(secret)],
            Credentials::BodyField { value, .. } => value.iter().map(text).collect(),
            Credentials::Headers(h) => h.iter().map(|(_, v)| text(v)).collect(),
            Credentials::Rsa { .. } => Vec::new(),
        };
        let mut out = Vec::new();
        for s in secrets.into_iter().filter(|s| !s.is_empty()) {
            out.extend(secret_variants(&s).into_iter().map(|(_, v)| v));
            out.push(s);
        }
        // Longest first, so that a secret is replaced whole before any prefix of it.
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out.retain(|s| s.len() >= 4);
        out.dedup();
        out
    }
}

fn text(secret: &Secret) -> String {
    String::from_utf8_lossy(secret.expose()).into_owned()
}

/// The near misses of a secret the auth suite sends: each must be refused. Named here, beside
/// the redaction that hides them, so neither can drift from the other.
pub fn secret_variants(secret: &str) -> Vec<(&'static str, String)> {
    let half: String = secret.chars().take(secret.chars().count() / 2).collect();
    let last_changed: String = {
        let mut chars: Vec<char> = secret.chars().collect();
        if let Some(c) = chars.last_mut() {
            *c = if *c == 'x' { 'y' } else { 'x' };
        }
        chars.into_iter().collect()
    };
    vec![
        ("truncated to its first half", half),
        ("with its last character changed", last_changed),
        ("with a space appended", format!("{secret} ")),
    ]
}

fn hint(scheme: AuthScheme) -> &'static str {
    match scheme {
        AuthScheme::HmacSha256Hex | AuthScheme::BodySecret => {
            "give --secret, --secret-file or HOOKCERT_SECRET"
        }
        AuthScheme::HandshakeKey => {
            "give the key with --secret, --secret-file or HOOKCERT_SECRET, or nothing"
        }
        AuthScheme::RsaSha256Pkcs1v15Base64 => "give --private-key FILE (PEM, PKCS#8 or PKCS#1)",
        AuthScheme::CustomHeaders => "give --header 'Name: value' (repeatable), or nothing",
    }
}

/// Fresh credentials for the embedded reference receiver: the sender's half and the
/// receiver's half.
pub fn fresh(profile: &VendorProfile) -> Result<(Auth, Auth), CredentialsError> {
    let token = random_token();
    Ok(match profile.authentication.scheme {
        AuthScheme::HmacSha256Hex | AuthScheme::BodySecret | AuthScheme::HandshakeKey => {
            (Auth::Secret(token.clone()), Auth::Secret(token))
        }
        AuthScheme::RsaSha256Pkcs1v15Base64 => {
            let key =
                rsa_sha256::generate_keypair(2048).map_err(|e| CredentialsError(e.to_string()))?;
            let (private, public) =
                rsa_sha256::to_pem(&key).map_err(|e| CredentialsError(e.to_string()))?;
            (Auth::PrivateKeyPem(private), Auth::PublicKeyPem(public))
        }
        AuthScheme::CustomHeaders => {
            let headers = vec![("Authorization".to_owned(), format!("Bearer {token}"))];
            (Auth::Headers(headers.clone()), Auth::Headers(headers))
        }
    })
}

fn random_token() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    // Breakcold's secrets look like "wh_a46f35f22d9723a" (its schema holds them to that form).
    format!("wh_{}", hex::encode(bytes))
}

/// A key that is not the endpoint's: what a forger signs with. Committed on purpose; it
/// guards nothing.
pub fn forger_key() -> Result<RsaPrivateKey, CredentialsError> {
    rsa_sha256::private_key_from_pem(include_str!("../keys/forger-private.pem"))
        .map_err(|e| CredentialsError(e.to_string()))
}
