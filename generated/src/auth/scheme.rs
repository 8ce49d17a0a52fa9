//! How a vendor authenticates, as its document describes it: generated into each vendor
//! module as `AUTHENTICATION` from `schemas/<vendor>/vendor.json`.

/// A vendor's authentication scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `header` holds the lowercase hex HMAC-SHA256 of the raw body, keyed with the endpoint
    /// secret (SPOTIO).
    HmacSha256Hex { header: &'static str },
    /// `header` holds the base64 RSA-SHA256 PKCS#1 v1.5 signature of the raw body, checked
    /// with the webhook's public key (Zoho SalesIQ).
    RsaSha256 { header: &'static str },
    /// The top-level body field `field` carries the endpoint secret (Breakcold).
    BodySecret { field: &'static str },
    /// The top-level body field `field` carries the handshake key, when one is configured; with
    /// none configured it is absent (ClinchPad).
    HandshakeKey { field: &'static str },
    /// Headers the user configures, sent with their values (Tomba).
    CustomHeaders,
}

/// A vendor's authentication: its scheme, and whether the user may configure none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authentication {
    pub scheme: Scheme,
    pub required: bool,
}

impl Scheme {
    /// The header that carries a signature (the header schemes).
    pub fn signature_header(self) -> Option<&'static str> {
        match self {
            Scheme::HmacSha256Hex { header } | Scheme::RsaSha256 { header } => Some(header),
            _ => None,
        }
    }

    /// Whether a signature covers the time it was made, so that a receiver may refuse it once
    /// it is old (as Stripe's `t=` does). None of the five vendors' schemes does: a body signed
    /// today still verifies next year, which is what lets `hookcert export` write a corpus that
    /// is sent later, from other machines. Every arm is spelled out so that a new scheme has to
    /// answer.
    pub fn signs_time(self) -> bool {
        match self {
            Scheme::HmacSha256Hex { .. }
            | Scheme::RsaSha256 { .. }
            | Scheme::BodySecret { .. }
            | Scheme::HandshakeKey { .. }
            | Scheme::CustomHeaders => false,
        }
    }

    /// The top-level body field that carries a secret (the body schemes).
    pub fn body_field(self) -> Option<&'static str> {
        match self {
            Scheme::BodySecret { field } | Scheme::HandshakeKey { field } => Some(field),
            _ => None,
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scheme::HmacSha256Hex { header } => {
                write!(
                    f,
                    "an HMAC secret (a hex HMAC-SHA256 of the body in {header})"
                )
            }
            Scheme::RsaSha256 { header } => write!(
                f,
                "an RSA key pair (a base64 RSA-SHA256 signature of the body in {header})"
            ),
            Scheme::BodySecret { field } => {
                write!(f, "an endpoint secret in the body field {field}")
            }
            Scheme::HandshakeKey { field } => {
                write!(f, "an optional handshake key in the body field {field}")
            }
            Scheme::CustomHeaders => f.write_str("optional custom headers"),
        }
    }
}
