//! Requests as the vendor sends them: its method and content type, and the delivery made
//! authentic by the vendor's [`Signer`] (hookcert-events owns signing; this builds requests).

use crate::event_gen::Encoding;
use crate::request::Request;
use hookcert_catalog::{Method, VendorProfile};
use hookcert_events::auth::Signer;
use serde_json::Value;

/// Builds requests as the vendor would send them.
pub struct Sender {
    signer: Signer,
    method: Method,
    content_type: String,
}

impl Sender {
    /// `method` overrides the profile's, where the vendor lets the user choose (Tomba).
    pub fn new(profile: &VendorProfile, signer: Signer, method: Option<Method>) -> Self {
        Sender {
            signer,
            method: method.unwrap_or(profile.http.method),
            content_type: profile.http.content_type.clone(),
        }
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The method every delivery goes with.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The headers every request carries, authentication aside.
    pub fn base_headers(&self) -> Vec<(String, String)> {
        vec![("Content-Type".to_owned(), self.content_type.clone())]
    }

    /// A request with the base headers and `extra`, the body as is.
    pub fn request(&self, extra: Vec<(String, String)>, body: Vec<u8>) -> Request {
        let mut headers = self.base_headers();
        headers.extend(extra);
        Request::new(self.method.as_str(), headers, body)
    }

    /// `body` with the body secret put in (or left out when none is configured); other
    /// schemes leave the body alone.
    pub fn with_secret(&self, body: &[u8]) -> Vec<u8> {
        self.signer.body(body)
    }

    /// `body` as is, with the headers that authenticate exactly these bytes.
    pub fn signed(&self, body: Vec<u8>) -> Request {
        let signature = self.signer.headers(&body);
        self.request(signature, body)
    }

    /// A request the endpoint must accept as coming from the vendor.
    pub fn authentic(&self, body: &[u8]) -> Request {
        self.signed(self.with_secret(body))
    }

    /// A request carrying `value` written in `encoding`, the body secret put in before
    /// encoding so that the encoding shows on the whole body.
    pub fn authentic_value(&self, value: &Value, encoding: Encoding) -> Request {
        let mut value = value.clone();
        if let (Some((field, secret)), Value::Object(map)) = (self.signer.body_secret(), &mut value)
        {
            match secret {
                Some(s) => {
                    map.insert(field.to_owned(), Value::String(s.text()));
                }
                None => {
                    map.shift_remove(field);
                }
            }
        }
        self.signed(encoding.encode(&value))
    }
}
