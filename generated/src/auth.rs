//! Authentication of deliveries, exactly as each vendor does it, over the exact bytes sent:
//! HMAC-SHA256 hex (SPOTIO), RSA-SHA256 PKCS#1 v1.5 base64 (Zoho SalesIQ), a secret in the
//! body (Breakcold), a handshake key in the body (ClinchPad), configured headers (Tomba).
//!
//! Every comparison of a secret is constant-time, and no secret or key appears in `Debug`
//! output or in an error message.

pub mod hmac_sha256_hex;
pub mod rsa_sha256;

use subtle::ConstantTimeEq;

/// Why a delivery's authentication failed. Messages name the header or field, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("{what} is missing")]
    Missing { what: String },
    #[error("{what} is malformed: {reason}")]
    Malformed { what: String, reason: String },
    #[error("{what} does not match")]
    Mismatch { what: String },
    #[error("key: {reason}")]
    Key { reason: String },
}

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

    /// Constant-time equality with `other` (the length is not hidden).
    pub fn matches(&self, other: &[u8]) -> bool {
        self.0.ct_eq(other).into()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Request headers, looked up by name without regard to case, as HTTP says.
pub trait HeaderLookup {
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderLookup for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

/// How a receiver checks a delivery.
#[derive(Debug, Clone)]
pub enum Verifier {
    /// SPOTIO: `header` holds the hex HMAC-SHA256 of the body under `secret`.
    HmacSha256Hex { header: String, secret: Secret },
    /// Zoho SalesIQ: `header` holds the base64 RSA-SHA256 PKCS#1 v1.5 signature of the body.
    RsaSha256 {
        header: String,
        key: Box<rsa::RsaPublicKey>,
    },
    /// Breakcold: the top-level body field `field` equals `secret`.
    BodySecret { field: String, secret: Secret },
    /// ClinchPad: the top-level body field `field` equals `key` when one is configured; with
    /// none configured nothing is checked.
    HandshakeKey { field: String, key: Option<Secret> },
    /// Tomba: each configured header is present with exactly its value; none configured, nothing
    /// is checked.
    Headers(Vec<(String, Secret)>),
}

impl Verifier {
    pub fn verify(
        &self,
        headers: &(impl HeaderLookup + ?Sized),
        body: &[u8],
    ) -> Result<(), AuthError> {
        match self {
            Verifier::HmacSha256Hex { header, secret } => {
                let value = header_text(headers, header)?;
                hmac_sha256_hex::verify(secret.expose(), body, value).map_err(|e| named(e, header))
            }
            Verifier::RsaSha256 { header, key } => {
                let value = header_text(headers, header)?;
                rsa_sha256::verify(key, body, value).map_err(|e| named(e, header))
            }
            Verifier::BodySecret { field, secret } => body_field_matches(body, field, secret),
            Verifier::HandshakeKey { field, key } => match key {
                Some(key) => body_field_matches(body, field, key),
                None => Ok(()),
            },
            Verifier::Headers(expected) => {
                for (name, value) in expected {
                    let what = format!("header {name}");
                    let got = headers
                        .header(name)
                        .ok_or(AuthError::Missing { what: what.clone() })?;
                    if !value.matches(got) {
                        return Err(AuthError::Mismatch { what });
                    }
                }
                Ok(())
            }
        }
    }
}

/// Names the header in an error from a scheme module, which knows only "the signature".
fn named(e: AuthError, header: &str) -> AuthError {
    let what = format!("header {header}");
    match e {
        AuthError::Missing { .. } => AuthError::Missing { what },
        AuthError::Malformed { reason, .. } => AuthError::Malformed { what, reason },
        AuthError::Mismatch { .. } => AuthError::Mismatch { what },
        other => other,
    }
}

fn header_text<'h>(
    headers: &'h (impl HeaderLookup + ?Sized),
    name: &str,
) -> Result<&'h str, AuthError> {
    let what = format!("header {name}");
    let raw = headers
        .header(name)
        .ok_or(AuthError::Missing { what: what.clone() })?;
    std::str::from_utf8(raw).map_err(|_| AuthError::Malformed {
        what,
        reason: "not text".into(),
    })
}

fn body_field_matches(body: &[u8], field: &str, expected: &Secret) -> Result<(), AuthError> {
    let key = field.trim_start_matches('/');
    let what = format!("body field {key}");
    let found =
        crate::dispatch::event_type_at(body, &[key], "").map_err(|_| AuthError::Malformed {
            what: "body".into(),
            reason: "not a JSON object".into(),
        })?;
    match found {
        None => Err(AuthError::Missing { what }),
        Some(value) if expected.matches(value.as_bytes()) => Ok(()),
        Some(_) => Err(AuthError::Mismatch { what }),
    }
}

/// How a sender authenticates a delivery: the headers to send with `body`. The body schemes
/// add none (their secret travels in the body the caller builds).
#[derive(Debug, Clone)]
pub enum Signer {
    HmacSha256Hex {
        header: String,
        secret: Secret,
    },
    RsaSha256 {
        header: String,
        key: Box<rsa::RsaPrivateKey>,
    },
    /// Breakcold and ClinchPad: nothing to add.
    InBody,
    Headers(Vec<(String, Secret)>),
}

impl Signer {
    pub fn headers(&self, body: &[u8]) -> Vec<(String, String)> {
        match self {
            Signer::HmacSha256Hex { header, secret } => {
                vec![(header.clone(), hmac_sha256_hex::sign(secret.expose(), body))]
            }
            Signer::RsaSha256 { header, key } => {
                vec![(header.clone(), rsa_sha256::sign(key, body))]
            }
            Signer::InBody => Vec::new(),
            Signer::Headers(headers) => headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.clone(),
                        String::from_utf8_lossy(value.expose()).into_owned(),
                    )
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let v = Verifier::BodySecret {
            field: "/secret".into(),
            secret: Secret::new("wh_topsecret"),
        };
        assert!(!format!("{v:?}").contains("topsecret"));
        let s = Signer::Headers(vec![(
            "Authorization".into(),
            Secret::new("Bearer hunter2"),
        )]);
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn body_secret_and_handshake_key() {
        let v = Verifier::BodySecret {
            field: "/secret".into(),
            secret: Secret::new("wh_a46f35f22d9723a"),
        };
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            v.verify(
                &none[..],
                br#"{"event":"lead.create","secret":"wh_a46f35f22d9723a"}"#
            ),
            Ok(())
        );
        assert!(matches!(
            v.verify(&none[..], br#"{"secret":"wh_a46f35f22d9723b"}"#),
            Err(AuthError::Mismatch { .. })
        ));
        assert!(matches!(
            v.verify(&none[..], br#"{"event":"lead.create"}"#),
            Err(AuthError::Missing { .. })
        ));
        assert!(matches!(
            v.verify(&none[..], b"not json"),
            Err(AuthError::Malformed { .. })
        ));
        assert!(matches!(
            v.verify(&none[..], br#"{"secret":"wh_a46f35f22d9723"}"#),
            Err(AuthError::Mismatch { .. })
        ));
        let open = Verifier::HandshakeKey {
            field: "/handshake_key".into(),
            key: None,
        };
        assert_eq!(open.verify(&none[..], br#"{"activity":{}}"#), Ok(()));
        let keyed = Verifier::HandshakeKey {
            field: "/handshake_key".into(),
            key: Some(Secret::new("gfhkd1asfsa")),
        };
        assert_eq!(
            keyed.verify(&none[..], br#"{"handshake_key":"gfhkd1asfsa"}"#),
            Ok(())
        );
        assert!(matches!(
            keyed.verify(&none[..], br#"{"activity":{}}"#),
            Err(AuthError::Missing { .. })
        ));
    }

    #[test]
    fn configured_headers_ignore_name_case_but_not_value() {
        let v = Verifier::Headers(vec![("Authorization".into(), Secret::new("Bearer abc"))]);
        assert_eq!(
            v.verify(&[("authorization", "Bearer abc")][..], b"{}"),
            Ok(())
        );
        assert!(matches!(
            v.verify(&[("Authorization", "Bearer abd")][..], b"{}"),
            Err(AuthError::Mismatch { .. })
        ));
        assert!(matches!(
            v.verify(&[("X-Other", "Bearer abc")][..], b"{}"),
            Err(AuthError::Missing { .. })
        ));
        assert_eq!(
            Verifier::Headers(Vec::new()).verify(&[("a", "b")][..], b"{}"),
            Ok(())
        );
    }

    #[test]
    fn errors_name_the_header_not_the_secret() {
        let v = Verifier::HmacSha256Hex {
            header: "X-Signature".into(),
            secret: Secret::new("s3cret"),
        };
        let e = v
            .verify(&[("x-signature", "zz")][..], b"{}")
            .expect_err("malformed");
        assert!(
            e.to_string().contains("X-Signature") && !e.to_string().contains("s3cret"),
            "{e}"
        );
    }
}
