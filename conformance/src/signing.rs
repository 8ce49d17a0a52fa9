//! Where a delivery is made authentic: the secret put in the body or the signature computed
//! over the exact bytes, as the vendor does it.

use crate::body_edit;
use crate::credentials::Credentials;
use crate::event_gen::Encoding;
use crate::request::Request;
use hookcert_codegen::profile::VendorProfile;
use serde_json::Value;

/// Builds requests as the vendor would send them.
pub struct Sender {
    pub credentials: Credentials,
    pub method: String,
    content_type: String,
}

impl Sender {
    pub fn new(profile: &VendorProfile, credentials: Credentials, method: Option<&str>) -> Self {
        Sender {
            credentials,
            method: method.unwrap_or(&profile.http.method).to_owned(),
            content_type: profile.http.content_type.clone(),
        }
    }

    /// The headers every request carries, authentication aside.
    pub fn base_headers(&self) -> Vec<(String, String)> {
        vec![("Content-Type".to_owned(), self.content_type.clone())]
    }

    /// `body` with the body secret put in (or left out when none is configured); other
    /// schemes leave the body alone. Bodies that are not JSON objects are left alone.
    pub fn with_secret(&self, body: &[u8]) -> Vec<u8> {
        match self.credentials.body_field() {
            Some((field, value)) => {
                let text = value.and_then(|v| serde_json::to_string(v).ok());
                body_edit::set_field(body, field, text.as_deref()).unwrap_or_else(|| body.to_vec())
            }
            None => body.to_vec(),
        }
    }

    /// `body` as is, with the headers that authenticate exactly these bytes.
    pub fn signed(&self, body: Vec<u8>) -> Request {
        let mut headers = self.base_headers();
        headers.extend(self.credentials.sign(&body));
        Request::new(&self.method, headers, body)
    }

    /// A request the endpoint must accept as coming from the vendor.
    pub fn authentic(&self, body: &[u8]) -> Request {
        self.signed(self.with_secret(body))
    }

    /// A request carrying `value` written in `encoding`, the body secret put in before
    /// encoding so that the encoding shows on the whole body.
    pub fn authentic_value(&self, value: &Value, encoding: Encoding) -> Request {
        let mut value = value.clone();
        if let (Some((field, secret)), Value::Object(map)) =
            (self.credentials.body_field(), &mut value)
        {
            match secret {
                Some(s) => {
                    map.insert(field.to_owned(), Value::String(s.to_owned()));
                }
                None => {
                    map.shift_remove(field);
                }
            }
        }
        self.signed(encoding.encode(&value))
    }

    /// The body field of a body scheme: `Some` also when no value is configured.
    pub fn body_field(&self) -> Option<&str> {
        self.credentials.body_field().map(|(f, _)| f)
    }
}
