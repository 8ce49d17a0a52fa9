//! A vendor's profile (`schemas/<vendor>/vendor.json`): how it delivers webhooks.
//!
//! The shape is fixed by `schemas/vendor.schema.json`; this is its typed reading.

use serde::Deserialize;
use serde_json::Value;
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

#[derive(Debug, Clone, Deserialize)]
pub struct Http {
    pub method: String,
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

#[derive(Debug, Clone, Deserialize)]
pub struct Success {
    /// `"200"` (exactly 200) or `"2xx"`.
    pub statuses: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Retry {
    pub documented: bool,
    pub max_retries: u32,
    pub intervals: Option<String>,
    pub interval_ms: Option<u64>,
    pub attempt_pointer: Option<String>,
    pub pause_after_failures: Option<u32>,
}

/// One event found in a request body: its type (if the body names one) and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSlot {
    /// The event type, or `None` when the body does not name one where the profile says.
    pub event_type: Option<String>,
    /// For batches, the index of the event in the array; `None` for single-event bodies.
    pub index: Option<usize>,
}

impl VendorProfile {
    /// The Rust module name of this vendor in the generated crate.
    pub fn module_name(&self) -> String {
        self.rust_module
            .clone()
            .unwrap_or_else(|| self.id.replace('-', "_"))
    }

    /// The events a request body carries, found as the envelope describes. A batch whose
    /// array is missing carries none.
    pub fn event_slots(&self, body: &Value) -> Vec<EventSlot> {
        let type_of = |v: &Value| match &self.envelope.type_pointer {
            Some(p) => v.pointer(p).and_then(Value::as_str).map(str::to_owned),
            None => self.envelope.fixed_type.clone(),
        };
        match self.envelope.kind {
            EnvelopeKind::Single => vec![EventSlot {
                event_type: type_of(body),
                index: None,
            }],
            EnvelopeKind::Batch => {
                let items = self
                    .envelope
                    .events_pointer
                    .as_deref()
                    .and_then(|p| body.pointer(p))
                    .and_then(Value::as_array);
                items
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, item)| EventSlot {
                        event_type: type_of(item),
                        index: Some(i),
                    })
                    .collect()
            }
        }
    }

    /// The body of a one-event request carrying only the event at `slot`: the body itself for
    /// single-event vendors, the batch narrowed to that one item for batch vendors. Event
    /// schemas describe such a one-event body.
    pub fn single_event_body(&self, body: &Value, slot: &EventSlot) -> Value {
        let (Some(index), Some(pointer)) = (slot.index, self.envelope.events_pointer.as_deref())
        else {
            return body.clone();
        };
        let mut one = body.clone();
        if let Some(Value::Array(items)) = one.pointer_mut(pointer) {
            let item = items.get(index).cloned();
            items.clear();
            items.extend(item);
        }
        one
    }

    /// Maps a JSON pointer into a one-event body back to the same place in the whole batch.
    pub fn pointer_in_body(&self, slot: &EventSlot, pointer: &str) -> String {
        match (slot.index, self.envelope.events_pointer.as_deref()) {
            (Some(index), Some(events)) => {
                let first = format!("{events}/0");
                match pointer.strip_prefix(&first) {
                    Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                        format!("{events}/{index}{rest}")
                    }
                    _ => pointer.to_owned(),
                }
            }
            _ => pointer.to_owned(),
        }
    }
}
