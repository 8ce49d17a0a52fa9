//! What a vendor sends: a delivery made authentic as the vendor makes it, the secret put in
//! the body or the signature computed over the exact bytes.

use super::credentials::{Credentials, Role, Secret, SetupError, wrong_kind};
use super::scheme::{Authentication, Scheme};
use super::{hmac_sha256_hex, rsa_sha256};

/// How a sender authenticates deliveries.
#[derive(Debug, Clone)]
pub struct Signer {
    scheme: Scheme,
    how: How,
}

#[derive(Debug, Clone)]
enum How {
    Hmac(Secret),
    Rsa(Box<rsa::RsaPrivateKey>),
    /// The body field's value; `None`: ClinchPad with no key configured, so the field is left
    /// out.
    BodyField(Option<Secret>),
    Headers(Vec<(String, Secret)>),
}

impl Signer {
    /// The signer of a vendor's scheme with the sender's half of the credentials: the secret,
    /// the private key, the configured headers (or nothing, where the scheme allows it).
    pub fn new(auth: &Authentication, credentials: &Credentials) -> Result<Self, SetupError> {
        let how = match (auth.scheme, credentials) {
            (Scheme::HmacSha256Hex { .. }, Credentials::Secret(s)) => How::Hmac(s.clone()),
            (Scheme::RsaSha256 { .. }, Credentials::PrivateKeyPem(pem)) => {
                How::Rsa(Box::new(rsa_sha256::private_key_from_pem(pem)?))
            }
            (Scheme::BodySecret { .. } | Scheme::HandshakeKey { .. }, Credentials::Secret(s)) => {
                How::BodyField(Some(s.clone()))
            }
            (Scheme::HandshakeKey { .. }, Credentials::None) => How::BodyField(None),
            (Scheme::CustomHeaders, Credentials::Headers(h)) => How::Headers(h.clone()),
            (Scheme::CustomHeaders, Credentials::None) => How::Headers(Vec::new()),
            (scheme, other) => return Err(wrong_kind(scheme, other, Role::Signing)),
        };
        Ok(Signer {
            scheme: auth.scheme,
            how,
        })
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Whether there is anything for a receiver to check: a scheme that lets the user
    /// configure nothing, with nothing configured, authenticates nothing.
    pub fn configured(&self) -> bool {
        match &self.how {
            How::BodyField(value) => value.is_some(),
            How::Headers(h) => !h.is_empty(),
            How::Hmac(_) | How::Rsa(_) => true,
        }
    }

    /// The authentic form of `body`: for the body schemes, the body with the secret set in
    /// its top-level field (left out when none is configured), every other byte kept; other
    /// schemes, and bodies that are not JSON objects, unchanged.
    pub fn body(&self, body: &[u8]) -> Vec<u8> {
        match (&self.how, self.scheme.body_field()) {
            (How::BodyField(value), Some(field)) => {
                let text = value
                    .as_ref()
                    .and_then(|v| serde_json::to_string(&v.text()).ok());
                crate::fields::with_top_level(body, field, text.as_deref())
                    .unwrap_or_else(|| body.to_vec())
            }
            _ => body.to_vec(),
        }
    }

    /// The secret the body field must carry, for the body schemes: `Some(None)` when the
    /// scheme has a field but nothing is configured.
    pub fn body_secret(&self) -> Option<(&'static str, Option<&Secret>)> {
        match (&self.how, self.scheme.body_field()) {
            (How::BodyField(value), Some(field)) => Some((field, value.as_ref())),
            _ => None,
        }
    }

    /// The headers that authenticate exactly these bytes (none for the body schemes).
    pub fn headers(&self, body: &[u8]) -> Vec<(String, String)> {
        let signature = |value: String| match self.scheme.signature_header() {
            Some(header) => vec![(header.to_owned(), value)],
            None => Vec::new(),
        };
        match &self.how {
            How::Hmac(secret) => signature(hmac_sha256_hex::sign(secret.expose(), body)),
            How::Rsa(key) => signature(rsa_sha256::sign(key, body)),
            How::BodyField(_) => Vec::new(),
            How::Headers(headers) => headers
                .iter()
                .map(|(name, value)| (name.clone(), value.text()))
                .collect(),
        }
    }

    /// The signature of `body` alone, for the header schemes.
    pub fn signature(&self, body: &[u8]) -> Option<String> {
        match &self.how {
            How::Hmac(secret) => Some(hmac_sha256_hex::sign(secret.expose(), body)),
            How::Rsa(key) => Some(rsa_sha256::sign(key, body)),
            How::BodyField(_) | How::Headers(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{HeaderLookup, Verifier};

    #[test]
    fn what_a_signer_sends_its_verifier_accepts() {
        let cases = [
            (
                Scheme::HmacSha256Hex {
                    header: "X-Signature",
                },
                Credentials::Secret("k".into()),
            ),
            (
                Scheme::BodySecret { field: "secret" },
                Credentials::Secret("wh_1".into()),
            ),
            (
                Scheme::HandshakeKey {
                    field: "handshake_key",
                },
                Credentials::None,
            ),
            (
                Scheme::CustomHeaders,
                Credentials::Headers(vec![("Authorization".into(), "Bearer t".into())]),
            ),
        ];
        for (scheme, credentials) in cases {
            let auth = Authentication {
                scheme,
                required: true,
            };
            let signer = Signer::new(&auth, &credentials).expect("fits");
            let verifier = Verifier::new(&auth, &credentials).expect("fits");
            let body = signer.body(br#"{"event":"x","secret":"old"}"#);
            let headers = signer.headers(&body);
            assert_eq!(verifier.verify(&headers[..], &body), Ok(()), "{scheme:?}");
            assert!(headers.header("Content-Type").is_none());
        }
    }

    #[test]
    fn the_body_secret_keeps_every_other_byte() {
        let auth = Authentication {
            scheme: Scheme::BodySecret { field: "secret" },
            required: true,
        };
        let signer = Signer::new(&auth, &Credentials::Secret("new".into())).expect("fits");
        assert_eq!(
            signer.body(b"{\"a\": 1.50, \"secret\": \"old\"}"),
            b"{\"a\":1.50,\"secret\":\"new\"}"
        );
    }
}
