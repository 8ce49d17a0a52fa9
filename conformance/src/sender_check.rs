//! Where a sender is judged (`hookcert listen`): each request's authentication and schema,
//! and across requests, the vendor's retry policy: at most the documented number of retries,
//! intervals that increase where the document says so, an attempt counter that counts up, and
//! the same event on every retry. Pure logic over what arrived and when; the receiver feeds it.

use hookcert_catalog::{Intervals, VendorProfile};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What the receiver made of one request before the checker saw it.
#[derive(Debug, Clone)]
pub struct Received<'a> {
    pub at: Instant,
    pub body: &'a [u8],
    /// `Err`: why authentication failed.
    pub auth: Result<(), String>,
    /// `Err`: why the body is not a valid delivery (not JSON, or the schema's documented rules).
    pub valid: Result<(), String>,
    /// Observed rules a valid body breaks, each with its pointer and ERRATA entry: WARN.
    pub notes: &'a [String],
}

/// The answer the checker decided, and the line to print for the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub status: u16,
    pub line: String,
}

/// The conformance report of a `listen` run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ListenReport {
    pub tool: String,
    pub version: String,
    pub vendor: String,
    pub started_at: String,
    pub duration_ms: u64,
    pub summary: ListenSummary,
    pub deliveries: Vec<DeliveryRecord>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ListenSummary {
    pub requests: u32,
    pub deliveries: u32,
    pub conforming: u32,
    pub nonconforming: u32,
    /// Conforming deliveries that break rules only observed in the document's examples.
    #[serde(default)]
    pub warned: u32,
}

/// One delivery: a first attempt and its retries, matched by the event's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeliveryRecord {
    pub number: u32,
    /// The identity retries are matched by (event type, entity id, time, as the vendor has).
    pub identity: String,
    pub event_types: Vec<String>,
    pub conforming: bool,
    /// Every way the sender broke the vendor's document for this delivery.
    pub violations: Vec<String>,
    /// Rules the delivery breaks that the document never states, only its examples show
    /// (`x-observed`): each with its pointer and the ERRATA entry that records the inference.
    /// WARN: a real sender may well do this.
    #[serde(default)]
    pub warnings: Vec<String>,
    pub attempts: Vec<ReceivedAttempt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceivedAttempt {
    /// Milliseconds since listening started.
    pub at_ms: u64,
    /// What the listener answered.
    pub status: u16,
    pub body_bytes: usize,
    pub body_sha256: String,
    /// The body's attempt counter, for vendors that send one.
    pub attempt_field: Option<i64>,
}

struct Delivery {
    record: DeliveryRecord,
    first_body: Vec<u8>,
    first_value: Option<Value>,
    times: Vec<Instant>,
    accepted: bool,
    refused: bool,
}

/// The state of a `listen` run.
pub struct SenderCheck {
    profile: VendorProfile,
    fail_first: u32,
    started: Instant,
    deliveries: Vec<Delivery>,
    /// Identity → the open delivery of that identity.
    open: HashMap<String, usize>,
    requests: u32,
}

impl SenderCheck {
    pub fn new(profile: VendorProfile, fail_first: u32, started: Instant) -> Self {
        SenderCheck {
            profile,
            fail_first,
            started,
            deliveries: Vec::new(),
            open: HashMap::new(),
            requests: 0,
        }
    }

    /// Judges one request and decides the answer: 401 bad authentication, 400 malformed, 500
    /// for the first `fail_first` attempts of a delivery, else 200.
    pub fn observe(&mut self, request: Received) -> Decision {
        self.requests += 1;
        let value: Option<Value> = serde_json::from_slice(request.body).ok();
        let identity = value
            .as_ref()
            .map(|v| self.identity(v))
            .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(request.body))));
        // A delivery sent again once it was accepted: where the vendor's document says when it
        // retries (after a failure, or never), that is a repeat the policy does not allow.
        let accepted_before = self
            .open
            .get(&identity)
            .copied()
            .filter(|&i| self.deliveries[i].accepted);
        let resent = accepted_before.filter(|_| self.profile.retry.documented);
        let index = match (self.open.get(&identity), resent) {
            (_, Some(i)) => i,
            (Some(&i), None) if !self.deliveries[i].accepted => i,
            _ => self.open_delivery(&identity, &value, request.body),
        };
        let at = request.at;
        let problems = match resent {
            Some(_) => vec![self.resent_after_acceptance()],
            None => self.attempt_problems(index, &request, &value),
        };
        let attempt_field = value.as_ref().and_then(|v| self.attempt_field(v));
        let delivery = &mut self.deliveries[index];
        let attempt_no = delivery.record.attempts.len() as u32;
        let status = match (&request.auth, &request.valid) {
            (Err(_), _) => 401,
            (_, Err(_)) => 400,
            _ if attempt_no < self.fail_first => 500,
            _ => 200,
        };
        delivery.times.push(at);
        delivery.record.attempts.push(ReceivedAttempt {
            at_ms: at.saturating_duration_since(self.started).as_millis() as u64,
            status,
            body_bytes: request.body.len(),
            body_sha256: hex::encode(Sha256::digest(request.body)),
            attempt_field,
        });
        delivery.accepted |= status == 200;
        delivery.refused |= status == 400 || status == 401;
        for p in &problems {
            if !delivery.record.violations.contains(p) {
                delivery.record.violations.push(p.clone());
            }
        }
        let mut warnings: Vec<String> = request
            .notes
            .iter()
            .map(|n| format!("schema (observed rule): {n}"))
            .collect();
        // Not a violation: the attempts before the first one seen here may have gone
        // elsewhere (the listener started late, the webhook was re-enabled).
        if attempt_no == 0 {
            if let Some(first) = attempt_field.filter(|&n| n != 1) {
                warnings.push(format!(
                    "the first attempt seen carries attempt {first}: earlier attempts did not arrive here, or the count does not start at 1"
                ));
            }
        }
        for w in &warnings {
            if !delivery.record.warnings.contains(w) {
                delivery.record.warnings.push(w.clone());
            }
        }
        delivery.record.conforming = delivery.record.violations.is_empty();
        let types = if delivery.record.event_types.is_empty() {
            "(no event type)".to_owned()
        } else {
            delivery.record.event_types.join(",")
        };
        let verdict = match (problems.is_empty(), warnings.is_empty()) {
            (true, true) => "ok".to_owned(),
            (true, false) => format!("WARN: {}", warnings.join("; ")),
            (false, _) => format!("NONCONFORMING: {}", problems.join("; ")),
        };
        Decision {
            status,
            line: format!(
                "delivery {} attempt {} {types} -> {status} {verdict}",
                delivery.record.number,
                attempt_no + 1
            ),
        }
    }

    fn resent_after_acceptance(&self) -> String {
        let policy = self
            .profile
            .requirements
            .get("retry")
            .map(|words| format!(": \"{}\"", words.replace('\n', " ")))
            .unwrap_or_default();
        format!(
            "sent again after it was accepted: {} repeats only deliveries that were not accepted{policy}",
            self.profile.name
        )
    }

    fn open_delivery(&mut self, identity: &str, value: &Option<Value>, body: &[u8]) -> usize {
        let event_types = value
            .as_ref()
            .map(|v| {
                self.profile
                    .envelope
                    .event_slots(v)
                    .into_iter()
                    .filter_map(|s| s.event_type)
                    .collect()
            })
            .unwrap_or_default();
        self.deliveries.push(Delivery {
            record: DeliveryRecord {
                number: self.deliveries.len() as u32 + 1,
                identity: identity.to_owned(),
                event_types,
                conforming: true,
                violations: Vec::new(),
                warnings: Vec::new(),
                attempts: Vec::new(),
            },
            first_body: body.to_vec(),
            first_value: value.clone(),
            times: Vec::new(),
            accepted: false,
            refused: false,
        });
        let index = self.deliveries.len() - 1;
        self.open.insert(identity.to_owned(), index);
        index
    }

    /// What is wrong with this attempt: its own authentication and body, and, for a retry,
    /// the retry policy.
    fn attempt_problems(
        &self,
        index: usize,
        request: &Received,
        value: &Option<Value>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = &request.auth {
            out.push(format!("authentication: {e}"));
        }
        if let Err(e) = &request.valid {
            out.push(format!("schema: {e}"));
        }
        let delivery = &self.deliveries[index];
        let retry_no = delivery.record.attempts.len();
        if retry_no == 0 {
            return out;
        }
        let retry = &self.profile.retry;
        if retry.documented && retry_no as u32 > retry.max_retries {
            out.push(format!(
                "retry {retry_no} exceeds the documented {} retries",
                retry.max_retries
            ));
        }
        if retry.intervals == Some(Intervals::Increasing) && delivery.times.len() >= 2 {
            let n = delivery.times.len();
            let previous = delivery.times[n - 1].saturating_duration_since(delivery.times[n - 2]);
            let this = request.at.saturating_duration_since(delivery.times[n - 1]);
            if this <= previous {
                out.push(format!(
                    "retry {retry_no} came {} after the last attempt, not more than the {} before: intervals must increase",
                    ms(this),
                    ms(previous)
                ));
            }
        }
        if let (Some(last), Some(now)) = (
            delivery
                .record
                .attempts
                .last()
                .and_then(|a| a.attempt_field),
            value.as_ref().and_then(|v| self.attempt_field(v)),
        ) {
            if now != last + 1 {
                out.push(format!(
                    "attempt {now} follows attempt {last}: it must count up by one"
                ));
            }
        }
        if !self.same_event(delivery, request.body, value) {
            out.push(format!(
                "retry {retry_no} does not carry the same event as the first attempt"
            ));
        }
        out
    }

    /// A retry repeats the delivery: the same bytes, or where the vendor changes some fields
    /// between attempts (SalesIQ's `attempt`), the same body but for those.
    fn same_event(&self, delivery: &Delivery, body: &[u8], value: &Option<Value>) -> bool {
        let may_differ = &self.profile.envelope.retry_may_differ;
        if may_differ.is_empty() {
            return delivery.first_body == body;
        }
        match (&delivery.first_value, value) {
            (Some(first), Some(now)) => without(first, may_differ) == without(now, may_differ),
            _ => delivery.first_body == body,
        }
    }

    /// The identity a retry is matched by, from the profile's identity pointers.
    fn identity(&self, body: &Value) -> String {
        self.profile.envelope.identity_of(body)
    }

    fn attempt_field(&self, body: &Value) -> Option<i64> {
        let pointer = self.profile.retry.attempt_pointer.as_deref()?;
        match body.pointer(pointer)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Distinct deliveries seen, and whether each has finished: accepted, refused, or out of
    /// retries.
    pub fn finished(&self, deliveries: usize) -> bool {
        let max = self.profile.retry.max_retries as usize;
        self.deliveries.len() >= deliveries
            && self
                .deliveries
                .iter()
                .all(|d| d.accepted || d.refused || d.record.attempts.len() > max)
    }

    pub fn report(&self, started_at: String, duration: Duration) -> ListenReport {
        let deliveries: Vec<DeliveryRecord> =
            self.deliveries.iter().map(|d| d.record.clone()).collect();
        let conforming = deliveries.iter().filter(|d| d.conforming).count() as u32;
        let warned = deliveries
            .iter()
            .filter(|d| d.conforming && !d.warnings.is_empty())
            .count() as u32;
        ListenReport {
            tool: "hookcert".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            vendor: self.profile.id.clone(),
            started_at,
            duration_ms: duration.as_millis() as u64,
            summary: ListenSummary {
                requests: self.requests,
                deliveries: deliveries.len() as u32,
                conforming,
                nonconforming: deliveries.len() as u32 - conforming,
                warned,
            },
            deliveries,
        }
    }
}

impl ListenReport {
    /// True when every delivery conformed: what exit status 0 means.
    pub fn passed(&self) -> bool {
        self.summary.nonconforming == 0
    }
}

fn without(value: &Value, pointers: &[String]) -> Value {
    let mut v = value.clone();
    for p in pointers {
        if let Some((parent, key)) = p.rsplit_once('/') {
            if let Some(Value::Object(map)) = v.pointer_mut(parent) {
                map.shift_remove(key);
            }
        }
    }
    v
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}
