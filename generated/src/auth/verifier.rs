//! What a receiver checks: the vendor's authentication of a delivery, over the exact bytes
//! received.

use super::credentials::{Credentials, Role, Secret, SetupError, wrong_kind};
use super::scheme::{Authentication, Scheme};
use super::{hmac_sha256_hex, rsa_sha256};

/// Where authentication is carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Header(String),
    BodyField(String),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Header(name) => write!(f, "header {name}"),
            Place::BodyField(name) => write!(f, "body field {name}"),
        }
    }
}

/// Why a signature is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformation {
    /// The header value is not text (bytes outside UTF-8).
    NotText,
    NotHex,
    NotBase64,
    /// Decoded, but of the wrong length for the scheme.
    WrongLength {
        bytes: usize,
        expected: usize,
    },
    /// Decoded, but not an RSA signature for the key.
    NotAnRsaSignature,
    /// The body gives the field more than once: which one would be believed is a guess.
    Repeated,
}

impl std::fmt::Display for Malformation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformation::NotText => f.write_str("not text"),
            Malformation::NotHex => f.write_str("not hex"),
            Malformation::NotBase64 => f.write_str("not base64"),
            Malformation::WrongLength { bytes, expected } => {
                write!(f, "{bytes} bytes, not {expected}")
            }
            Malformation::NotAnRsaSignature => f.write_str("not an RSA signature"),
            Malformation::Repeated => f.write_str("given more than once"),
        }
    }
}

/// Why a signature did not verify, as a scheme module says it (it knows no header name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature is empty")]
    Empty,
    #[error("the signature is malformed: {0}")]
    Malformed(Malformation),
    #[error("the signature does not match")]
    Mismatch,
}

/// Why a delivery's authentication failed. Messages name the header or field, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("{0} is missing")]
    Missing(Place),
    #[error("{place} is malformed: {reason}")]
    Malformed { place: Place, reason: Malformation },
    #[error("{0} does not match")]
    Mismatch(Place),
    /// The secret travels in the body, and the body is not a JSON object to read it from.
    #[error("the body is not a JSON object, so its field {field} cannot be read")]
    BodyNotJson { field: String },
}

/// Request headers, looked up by name without regard to case, as HTTP says.
pub trait HeaderLookup {
    /// Every value sent under `name`, in order.
    fn header_values(&self, name: &str) -> Vec<&[u8]>;

    fn header(&self, name: &str) -> Option<&[u8]> {
        self.header_values(name).into_iter().next()
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderLookup for [(K, V)] {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        self.iter()
            .filter(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
            .collect()
    }
}

/// The one value of an authentication header. Sent twice, it decides nothing: which copy a
/// server or proxy keeps differs, so a right value beside a wrong one is refused.
fn single<'h>(
    headers: &'h (impl HeaderLookup + ?Sized),
    name: &str,
) -> Result<&'h [u8], AuthError> {
    let place = || Place::Header(name.to_owned());
    match headers.header_values(name).as_slice() {
        [] => Err(AuthError::Missing(place())),
        [one] => Ok(one),
        _ => Err(AuthError::Malformed {
            place: place(),
            reason: Malformation::Repeated,
        }),
    }
}

/// How a receiver checks a delivery.
#[derive(Debug, Clone)]
pub struct Verifier {
    check: Check,
}

#[derive(Debug, Clone)]
enum Check {
    Hmac {
        header: &'static str,
        secret: Secret,
    },
    Rsa {
        header: &'static str,
        key: Box<rsa::RsaPublicKey>,
    },
    /// A body secret, or a configured handshake key.
    BodyField { field: &'static str, secret: Secret },
    /// Each configured header present with exactly its value.
    Headers(Vec<(String, Secret)>),
    /// A scheme that lets the user configure nothing, with nothing configured.
    Nothing,
}

impl Verifier {
    /// The verifier of a vendor's scheme with the receiver's half of the credentials: the
    /// secret, the public key, the expected headers (or nothing, where the scheme allows it).
    pub fn new(auth: &Authentication, credentials: &Credentials) -> Result<Self, SetupError> {
        let check = match (auth.scheme, credentials) {
            (Scheme::HmacSha256Hex { header }, Credentials::Secret(secret)) => Check::Hmac {
                header,
                secret: secret.clone(),
            },
            (Scheme::RsaSha256 { header }, Credentials::PublicKeyPem(pem)) => Check::Rsa {
                header,
                key: Box::new(rsa_sha256::public_key_from_pem(pem)?),
            },
            (
                Scheme::BodySecret { field } | Scheme::HandshakeKey { field },
                Credentials::Secret(secret),
            ) => Check::BodyField {
                field,
                secret: secret.clone(),
            },
            (Scheme::HandshakeKey { .. } | Scheme::CustomHeaders, Credentials::None) => {
                Check::Nothing
            }
            (Scheme::CustomHeaders, Credentials::Headers(headers)) if headers.is_empty() => {
                Check::Nothing
            }
            (Scheme::CustomHeaders, Credentials::Headers(headers)) => {
                Check::Headers(headers.clone())
            }
            (scheme, other) => return Err(wrong_kind(scheme, other, Role::Verifying)),
        };
        Ok(Verifier { check })
    }

    /// Whether anything is checked at all (a scheme with nothing configured checks nothing).
    pub fn checks_anything(&self) -> bool {
        !matches!(self.check, Check::Nothing)
    }

    pub fn verify(
        &self,
        headers: &(impl HeaderLookup + ?Sized),
        body: &[u8],
    ) -> Result<(), AuthError> {
        match &self.check {
            Check::Hmac { header, secret } => {
                let value = header_text(headers, header)?;
                hmac_sha256_hex::verify(secret.expose(), body, value)
                    .map_err(|e| at_header(e, header))
            }
            Check::Rsa { header, key } => {
                let value = header_text(headers, header)?;
                rsa_sha256::verify(key, body, value).map_err(|e| at_header(e, header))
            }
            Check::BodyField { field, secret } => body_field_matches(body, field, secret),
            Check::Headers(expected) => {
                for (name, value) in expected {
                    let got = single(headers, name)?;
                    if !value.matches(got) {
                        return Err(AuthError::Mismatch(Place::Header(name.clone())));
                    }
                }
                Ok(())
            }
            Check::Nothing => Ok(()),
        }
    }
}

fn at_header(e: SignatureError, header: &str) -> AuthError {
    let place = Place::Header(header.to_owned());
    match e {
        SignatureError::Empty => AuthError::Missing(place),
        SignatureError::Malformed(reason) => AuthError::Malformed { place, reason },
        SignatureError::Mismatch => AuthError::Mismatch(place),
    }
}

fn header_text<'h>(
    headers: &'h (impl HeaderLookup + ?Sized),
    name: &str,
) -> Result<&'h str, AuthError> {
    let raw = single(headers, name)?;
    std::str::from_utf8(raw).map_err(|_| AuthError::Malformed {
        place: Place::Header(name.to_owned()),
        reason: Malformation::NotText,
    })
}

fn body_field_matches(body: &[u8], field: &str, expected: &Secret) -> Result<(), AuthError> {
    let place = || Place::BodyField(field.to_owned());
    let found = crate::fields::top_level_string(body, field).map_err(|e| match e {
        crate::ParseError::NotJson { .. } => AuthError::BodyNotJson {
            field: field.to_owned(),
        },
        _ => AuthError::Malformed {
            place: place(),
            reason: Malformation::Repeated,
        },
    })?;
    match found {
        None => Err(AuthError::Missing(place())),
        Some(value) if expected.matches(value.as_bytes()) => Ok(()),
        Some(_) => Err(AuthError::Mismatch(place())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BREAKCOLD: Authentication = Authentication {
        scheme: Scheme::BodySecret { field: "secret" },
        required: true,
    };
    const CLINCHPAD: Authentication = Authentication {
        scheme: Scheme::HandshakeKey {
            field: "handshake_key",
        },
        required: false,
    };
    const TOMBA: Authentication = Authentication {
        scheme: Scheme::CustomHeaders,
        required: false,
    };
    const SPOTIO: Authentication = Authentication {
        scheme: Scheme::HmacSha256Hex {
            header: "X-Signature",
        },
        required: true,
    };

    fn verifier(auth: &Authentication, credentials: Credentials) -> Verifier {
        Verifier::new(auth, &credentials).expect("credentials fit")
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let v = verifier(&BREAKCOLD, Credentials::Secret("wh_topsecret".into()));
        assert!(!format!("{v:?}").contains("topsecret"));
    }

    #[test]
    fn body_secret_and_handshake_key() {
        let v = verifier(&BREAKCOLD, Credentials::Secret("wh_a46f35f22d9723a".into()));
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            v.verify(
                &none[..],
                br#"{"event":"lead.create","secret":"wh_a46f35f22d9723a"}"#
            ),
            Ok(())
        );
        assert_eq!(
            v.verify(&none[..], br#"{"secret":"wh_a46f35f22d9723b"}"#),
            Err(AuthError::Mismatch(Place::BodyField("secret".into())))
        );
        assert_eq!(
            v.verify(&none[..], br#"{"event":"lead.create"}"#),
            Err(AuthError::Missing(Place::BodyField("secret".into())))
        );
        assert_eq!(
            v.verify(&none[..], b"not json"),
            Err(AuthError::BodyNotJson {
                field: "secret".into()
            })
        );
        assert!(matches!(
            v.verify(&none[..], br#"{"secret":"wh_a46f35f22d9723"}"#),
            Err(AuthError::Mismatch(_))
        ));
        let open = verifier(&CLINCHPAD, Credentials::None);
        assert!(!open.checks_anything());
        assert_eq!(open.verify(&none[..], br#"{"activity":{}}"#), Ok(()));
        let keyed = verifier(&CLINCHPAD, Credentials::Secret("gfhkd1asfsa".into()));
        assert_eq!(
            keyed.verify(&none[..], br#"{"handshake_key":"gfhkd1asfsa"}"#),
            Ok(())
        );
        assert!(matches!(
            keyed.verify(&none[..], br#"{"activity":{}}"#),
            Err(AuthError::Missing(_))
        ));
    }

    #[test]
    fn configured_headers_ignore_name_case_but_not_value() {
        let v = verifier(
            &TOMBA,
            Credentials::Headers(vec![("Authorization".into(), "Bearer abc".into())]),
        );
        assert_eq!(
            v.verify(&[("authorization", "Bearer abc")][..], b"{}"),
            Ok(())
        );
        assert!(matches!(
            v.verify(&[("Authorization", "Bearer abd")][..], b"{}"),
            Err(AuthError::Mismatch(_))
        ));
        assert!(matches!(
            v.verify(&[("X-Other", "Bearer abc")][..], b"{}"),
            Err(AuthError::Missing(_))
        ));
        assert_eq!(
            verifier(&TOMBA, Credentials::None).verify(&[("a", "b")][..], b"{}"),
            Ok(())
        );
    }

    #[test]
    fn errors_name_the_header_not_the_secret() {
        let v = verifier(&SPOTIO, Credentials::Secret("s3cret".into()));
        let e = v
            .verify(&[("x-signature", "zz")][..], b"{}")
            .expect_err("malformed");
        assert_eq!(
            e,
            AuthError::Malformed {
                place: Place::Header("X-Signature".into()),
                reason: Malformation::NotHex
            }
        );
        assert!(e.to_string().contains("X-Signature") && !e.to_string().contains("s3cret"));
    }

    #[test]
    fn a_header_sent_twice_is_refused_whatever_the_order() {
        let v = verifier(&SPOTIO, Credentials::Secret("k".into()));
        let right = crate::auth::hmac_sha256_hex::sign(b"k", b"{}");
        for pair in [[right.as_str(), "00"], ["00", right.as_str()]] {
            let headers = [("X-Signature", pair[0]), ("x-signature", pair[1])];
            assert_eq!(
                v.verify(&headers[..], b"{}"),
                Err(AuthError::Malformed {
                    place: Place::Header("X-Signature".into()),
                    reason: Malformation::Repeated
                })
            );
        }
        assert_eq!(
            v.verify(&[("X-Signature", right.as_str())][..], b"{}"),
            Ok(())
        );
    }

    #[test]
    fn credentials_of_the_wrong_kind_are_refused() {
        let e = Verifier::new(&SPOTIO, &Credentials::None).expect_err("no secret");
        assert!(matches!(
            e,
            SetupError::WrongKind {
                given: crate::auth::CredentialKind::None,
                ..
            }
        ));
    }
}
