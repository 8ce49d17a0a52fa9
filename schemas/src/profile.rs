//! A vendor's profile (`schemas/<vendor>/vendor.json`): how it delivers webhooks.
//!
//! The shape is fixed by `schemas/vendor.schema.json`; this is its typed reading. Every value
//! the programs act on (the success status, the retry intervals, the method) is an enum here,
//! so that no one compares the file's strings again.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct VendorProfile {
    pub id: String,
    pub name: String,
    pub rust_module: Option<String>,
    pub source_document: String,
    pub http: Http,
    pub envelope: Envelope,
    pub authentication: Authentication,
    pub success: Success,
    pub timeout_ms: u64,
    #[serde(default = "yes")]
    pub timeout_documented: bool,
    pub retry: Retry,
    pub events: Vec<String>,
    pub requirements: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

/// An HTTP method a vendor sends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: [Method; 6] = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// A method by name, in any case (`post`, `POST`).
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Http {
    pub method: Method,
    #[serde(default)]
    pub method_configurable: bool,
    pub content_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvelopeKind {
    Single,
    Batch,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Envelope {
    pub kind: EnvelopeKind,
    pub events_pointer: Option<String>,
    pub type_pointer: Option<String>,
    pub fixed_type: Option<String>,
    pub identity: Vec<String>,
    #[serde(default)]
    pub retry_may_differ: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthScheme {
    HmacSha256Hex,
    RsaSha256Pkcs1v15Base64,
    BodySecret,
    HandshakeKey,
    CustomHeaders,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Authentication {
    pub scheme: AuthScheme,
    pub header: Option<String>,
    pub body_field: Option<String>,
    pub required: bool,
}

/// Which answers the vendor counts as delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Statuses {
    /// Exactly 200 (SPOTIO).
    #[serde(rename = "200")]
    Exactly200,
    /// Any 2xx.
    #[serde(rename = "2xx")]
    Any2xx,
}

impl Statuses {
    pub fn accepts(self, status: u16) -> bool {
        match self {
            Statuses::Exactly200 => status == 200,
            Statuses::Any2xx => (200..300).contains(&status),
        }
    }

    /// In words: `200`, `2xx`.
    pub fn short(self) -> &'static str {
        match self {
            Statuses::Exactly200 => "200",
            Statuses::Any2xx => "2xx",
        }
    }

    /// In a sentence: `200`, `a 2xx`.
    pub fn describe(self) -> &'static str {
        match self {
            Statuses::Exactly200 => "200",
            Statuses::Any2xx => "a 2xx",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Success {
    pub statuses: Statuses,
}

/// How the waits between a vendor's retries grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intervals {
    /// "increasing intervals", no numbers given.
    Increasing,
    /// The same wait each time.
    Fixed,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Retry {
    pub documented: bool,
    pub max_retries: u32,
    pub intervals: Option<Intervals>,
    pub interval_ms: Option<u64>,
    pub attempt_pointer: Option<String>,
    pub pause_after_failures: Option<u32>,
}

impl VendorProfile {
    /// The Rust module name of this vendor in the generated crate.
    pub fn module_name(&self) -> String {
        self.rust_module
            .clone()
            .unwrap_or_else(|| self.id.replace('-', "_"))
    }
}
