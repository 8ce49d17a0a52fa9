//! A webhook receiver for the five vendors, written from the contract alone, without the
//! generated crate: if the certification and the generated code shared a misreading of a
//! vendor document, a receiver built on the generated code would hide it. Plain axum,
//! serde_json::Value and the crypto crates.
//!
//! With a [`Fault`] the receiver is deliberately wrong in one way, so that a test can check
//! that the certification notices; with several ([`start_with`]), in several independent ways
//! at once, so that a test can check that the certification tells them apart.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

/// Well above the 5 MiB body of the robustness suite, which a receiver must answer, not drop.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// In-flight requests beyond which [`Fault::SerialOnly`] gives up.
const SERIAL_LIMIT: usize = 4;

/// What the receiver checks to believe a delivery came from the vendor.
#[derive(Debug, Clone)]
pub enum ReceiverAuth {
    /// SPOTIO's HMAC key, Breakcold's body secret, ClinchPad's handshake key.
    Secret(String),
    /// Zoho SalesIQ's public key, SPKI PEM.
    PublicKeyPem(String),
    /// Tomba's custom headers, each of which must arrive with exactly this value.
    Headers(Vec<(String, String)>),
    /// ClinchPad without a handshake key, Tomba without headers: nothing to check.
    None,
}

/// One way of being wrong, each meant to be caught by one suite of the certification.
#[derive(Debug, Clone)]
pub enum Fault {
    /// `golden`: 500 for every delivery carrying this event type.
    RejectEventType(String),
    /// `generated`: 400 for any non-ASCII character in a JSON string (raw or `\u` escaped).
    RejectNonAscii,
    /// `generated`: 500 for any non-ASCII character in a JSON string (raw or `\u` escaped).
    CrashOnNonAscii,
    /// `auth`, every vendor: accepts without checking authentication at all.
    SkipAuth,
    /// `auth`, SPOTIO: verifies `X-Signature` only when the header is there.
    SpotioMissingSignatureAccepted,
    /// `auth`, SalesIQ: accepts any `x-siqsignature` that decodes as base64.
    SalesiqAcceptsAnyBase64,
    /// `auth`, Breakcold: accepts a body secret that is a prefix of the real one (so an empty,
    /// missing or truncated secret passes).
    BreakcoldPrefixSecret,
    /// `auth`, ClinchPad: never looks at `handshake_key` although a key is configured.
    ClinchpadIgnoresKey,
    /// `auth`, Tomba: checks that the configured headers are there, not their values.
    TombaPresenceOnly,
    /// `robustness`: 500 for a body that is not UTF-8 JSON.
    Crash500OnMalformed,
    /// `unknown-event`: 500 for an event type outside the vendor's catalog.
    RejectUnknownEvent,
    /// `duplicates`: 409 for a body accepted before (SalesIQ: also the same event identity).
    /// A body is remembered only when it is answered 200, so that another fault's refusal does
    /// not make its repeat a duplicate.
    ConflictOnDuplicate,
    /// `ordering`: 422 for an update or delete of an entity no create was seen for.
    RequireCreatedFirst,
    /// `concurrency`: 503 while more than four requests are in flight.
    SerialOnly,
    /// `latency`: waits this long before answering.
    Slow(Duration),
    /// `latency`, one event type: waits this long before answering an authentic delivery
    /// carrying this event type; every other request is answered at once.
    SlowOn(String, Duration),
    /// Secret redaction: a 401 says what it expected, the receiver's secret in its body
    /// (`{"error":"bad secret, expected …"}`), as careless receivers do.
    EchoSecretIn401,
    /// Any suite: answers 500 to every other request, so repeats disagree (FLAKY).
    FailEveryOther,
}

/// A running receiver; it stops when dropped.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    requests: Arc<AtomicUsize>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Receiver {
    /// Requests answered or being answered so far, whatever their outcome.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            // The server may already be gone with its runtime; nothing to do then.
            let _ = tx.send(());
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vendor {
    Spotio,
    Breakcold,
    Clinchpad,
    Salesiq,
    Tomba,
}

impl Vendor {
    fn parse(id: &str) -> Vendor {
        match id {
            "spotio" => Vendor::Spotio,
            "breakcold" => Vendor::Breakcold,
            "clinchpad" => Vendor::Clinchpad,
            "zoho-salesiq" => Vendor::Salesiq,
            "tomba" => Vendor::Tomba,
            other => panic!("independent receiver: unknown vendor {other:?}"),
        }
    }
}

enum Checker {
    Hmac(Vec<u8>),
    Rsa(Box<VerifyingKey<Sha256>>),
    BodyField(&'static str, String),
    Headers(Vec<(String, String)>),
    Nothing,
}

struct Inner {
    vendor: Vendor,
    checker: Checker,
    faults: Vec<Fault>,
    known_events: HashSet<String>,
    requests: Arc<AtomicUsize>,
    in_flight: AtomicUsize,
    seen_bodies: Mutex<HashSet<[u8; 32]>>,
    seen_identities: Mutex<HashSet<String>>,
    created_ids: Mutex<HashSet<String>>,
}

impl Inner {
    /// Whether one of the receiver's faults is `pick`.
    fn has(&self, pick: impl Fn(&Fault) -> bool) -> bool {
        self.faults.iter().any(pick)
    }
}

/// Starts a receiver for `vendor` on a free loopback port, on the current tokio runtime.
pub async fn start(vendor: &str, auth: ReceiverAuth, fault: Option<Fault>) -> Receiver {
    start_with(vendor, auth, fault.into_iter().collect()).await
}

/// Starts a receiver wrong in every one of `faults` at once (none: a correct receiver).
pub async fn start_with(vendor: &str, auth: ReceiverAuth, faults: Vec<Fault>) -> Receiver {
    let v = Vendor::parse(vendor);
    let checker = match (v, auth) {
        (Vendor::Spotio, ReceiverAuth::Secret(s)) => Checker::Hmac(s.into_bytes()),
        (Vendor::Breakcold, ReceiverAuth::Secret(s)) => Checker::BodyField("secret", s),
        (Vendor::Clinchpad, ReceiverAuth::Secret(s)) => Checker::BodyField("handshake_key", s),
        (Vendor::Clinchpad, ReceiverAuth::None) => Checker::Nothing,
        (Vendor::Salesiq, ReceiverAuth::PublicKeyPem(pem)) => {
            let key = rsa::RsaPublicKey::from_public_key_pem(&pem)
                .expect("independent receiver: public key is not an SPKI PEM");
            Checker::Rsa(Box::new(VerifyingKey::<Sha256>::new(key)))
        }
        (Vendor::Tomba, ReceiverAuth::Headers(h)) if !h.is_empty() => Checker::Headers(h),
        (Vendor::Tomba, ReceiverAuth::Headers(_) | ReceiverAuth::None) => Checker::Nothing,
        (v, auth) => panic!("independent receiver: {auth:?} does not fit {v:?}"),
    };
    let known_events = if faults
        .iter()
        .any(|f| matches!(f, Fault::RejectUnknownEvent))
    {
        catalog_events(vendor)
    } else {
        HashSet::new()
    };
    let requests = Arc::new(AtomicUsize::new(0));
    let inner = Arc::new(Inner {
        vendor: v,
        checker,
        faults,
        known_events,
        requests: requests.clone(),
        in_flight: AtomicUsize::new(0),
        seen_bodies: Mutex::new(HashSet::new()),
        seen_identities: Mutex::new(HashSet::new()),
        created_ids: Mutex::new(HashSet::new()),
    });
    // A fallback answers every method on every path: Tomba's method is configurable and
    // users register any path.
    let app = Router::new()
        .fallback(handle)
        .with_state(inner)
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("independent receiver: bind 127.0.0.1:0");
    let port = listener
        .local_addr()
        .expect("independent receiver: local address")
        .port();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = rx.await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            eprintln!("independent receiver stopped: {e}");
        }
    });
    Receiver {
        url: format!("http://127.0.0.1:{port}/"),
        requests,
        shutdown: Some(tx),
    }
}

/// The vendor's event types, read from the catalog's vendor profile rather than the generated
/// crate, so that this receiver stays independent of it.
fn catalog_events(vendor: &str) -> HashSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas")
        .join(vendor)
        .join("vendor.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("independent receiver: read {}: {e}", path.display()));
    let profile: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("independent receiver: parse {}: {e}", path.display()));
    profile["events"]
        .as_array()
        .unwrap_or_else(|| panic!("independent receiver: no events in {}", path.display()))
        .iter()
        .filter_map(|e| e.as_str().map(str::to_owned))
        .collect()
}

/// Keeps the in-flight count right even when the client gives up and the handler is dropped.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn answer(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

/// The 401 for a request that is not the vendor's: `text`, or the secret echoed back.
fn unauthorized(inner: &Inner, text: &'static str) -> Response {
    if !inner.has(|f| matches!(f, Fault::EchoSecretIn401)) {
        return answer(StatusCode::UNAUTHORIZED, text);
    }
    let expected = match &inner.checker {
        Checker::Hmac(key) => String::from_utf8_lossy(key).into_owned(),
        Checker::BodyField(_, secret) => secret.clone(),
        Checker::Headers(headers) => headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect::<Vec<_>>()
            .join(", "),
        Checker::Rsa(_) | Checker::Nothing => String::new(),
    };
    let body = serde_json::json!({ "error": format!("bad secret, expected {expected}") });
    (StatusCode::UNAUTHORIZED, body.to_string()).into_response()
}

async fn handle(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let nth = inner.requests.fetch_add(1, Ordering::SeqCst);
    if inner.has(|f| matches!(f, Fault::FailEveryOther)) && nth % 2 == 1 {
        return answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            "every other request fails\n",
        );
    }
    let now_in_flight = inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _in_flight = InFlight(&inner.in_flight);

    if inner.has(|f| matches!(f, Fault::SerialOnly)) {
        // Holding each request makes simultaneous deliveries overlap for sure.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let peak = now_in_flight.max(inner.in_flight.load(Ordering::SeqCst));
        if peak > SERIAL_LIMIT {
            return answer(StatusCode::SERVICE_UNAVAILABLE, "busy\n");
        }
    }
    for fault in &inner.faults {
        if let Fault::Slow(d) = fault {
            tokio::time::sleep(*d).await;
        }
    }

    let malformed_status = if inner.has(|f| matches!(f, Fault::Crash500OnMalformed)) {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::BAD_REQUEST
    };
    let skip_auth = inner.has(|f| matches!(f, Fault::SkipAuth));

    // Header schemes are checked over the raw bytes before anything is parsed.
    if !skip_auth && !header_auth_ok(&inner, &headers, &body) {
        return unauthorized(&inner, "bad signature\n");
    }

    let Ok(text) = std::str::from_utf8(&body) else {
        return answer(malformed_status, "body is not UTF-8\n");
    };
    let Ok(json) = serde_json::from_str::<Value>(text) else {
        return answer(malformed_status, "body is not JSON\n");
    };

    // Body schemes can only be checked once the JSON is parsed.
    if !skip_auth && !body_auth_ok(&inner, &json, text) {
        return unauthorized(&inner, "bad secret\n");
    }

    let Some(types) = envelope_types(inner.vendor, &json) else {
        return answer(StatusCode::BAD_REQUEST, "not the vendor's envelope\n");
    };

    for fault in &inner.faults {
        if let Fault::SlowOn(event, d) = fault {
            if types.iter().any(|t| t == event) {
                tokio::time::sleep(*d).await;
            }
        }
    }

    if let Some(status) = fault_on_valid(&inner, &json, &types, &body) {
        return answer(status, "refused by a deliberate fault\n");
    }

    answer(StatusCode::OK, "ok\n")
}

/// The header's value when it came exactly once: of two values, believing either would let a
/// forged one ride along with a copied authentic one.
fn header_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a [u8]> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(v), None) => Some(v.as_bytes()),
        _ => None,
    }
}

fn header_auth_ok(inner: &Inner, headers: &HeaderMap, body: &[u8]) -> bool {
    match &inner.checker {
        Checker::Hmac(key) => {
            let Some(sig) = header_value(headers, "x-signature") else {
                return !headers.contains_key("x-signature")
                    && inner.has(|f| matches!(f, Fault::SpotioMissingSignatureAccepted));
            };
            // SPOTIO writes lowercase hex; anything else did not come from it.
            if sig.is_empty() || !sig.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                return false;
            }
            let Ok(sig) = hex::decode(sig) else {
                return false;
            };
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
                return false;
            };
            mac.update(body);
            mac.verify_slice(&sig).is_ok()
        }
        Checker::Rsa(key) => {
            let Some(sig) = header_value(headers, "x-siqsignature") else {
                return false;
            };
            let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(sig) else {
                return false;
            };
            if inner.has(|f| matches!(f, Fault::SalesiqAcceptsAnyBase64)) {
                return true;
            }
            let Ok(sig) = Signature::try_from(sig.as_slice()) else {
                return false;
            };
            key.verify(body, &sig).is_ok()
        }
        Checker::Headers(expected) => expected.iter().all(|(name, value)| {
            let name = name.to_ascii_lowercase();
            let mut got = headers.get_all(name.as_str()).iter();
            match (got.next(), got.next()) {
                (Some(_), _) if inner.has(|f| matches!(f, Fault::TombaPresenceOnly)) => true,
                (Some(v), None) => v.as_bytes() == value.as_bytes(),
                _ => false,
            }
        }),
        Checker::BodyField(..) | Checker::Nothing => true,
    }
}

fn body_auth_ok(inner: &Inner, json: &Value, text: &str) -> bool {
    let Checker::BodyField(field, secret) = &inner.checker else {
        return true;
    };
    let got = json.get(*field).and_then(Value::as_str);
    if inner.has(|f| matches!(f, Fault::ClinchpadIgnoresKey)) {
        true
    } else if top_level_count(text, field) != 1 {
        // Twice: which copy a JSON reader keeps is its own choice; neither may decide.
        false
    } else if inner.has(|f| matches!(f, Fault::BreakcoldPrefixSecret)) {
        secret.starts_with(got.unwrap_or(""))
    } else {
        got.is_some_and(|got| constant_time_eq(got.as_bytes(), secret.as_bytes()))
    }
}

/// How many times `key` is a member of the top-level object of the JSON `text`, duplicates
/// counted (a parsed `Value` keeps one of them).
fn top_level_count(text: &str, key: &str) -> usize {
    struct Count<'k>(&'k str);
    impl<'de> serde::de::DeserializeSeed<'de> for Count<'_> {
        type Value = usize;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> serde::de::Visitor<'de> for Count<'_> {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
            let mut n = 0;
            while let Some(k) = map.next_key::<String>()? {
                n += usize::from(k == self.0);
                map.next_value::<serde::de::IgnoredAny>()?;
            }
            Ok(n)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(Count(key), &mut de).unwrap_or(0)
}

/// Time independent of where the first difference is, so the secret cannot be guessed
/// byte by byte from response times.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The event types the body carries, or None when it is not the vendor's envelope.
fn envelope_types(vendor: Vendor, json: &Value) -> Option<Vec<String>> {
    let obj = json.as_object()?;
    match vendor {
        Vendor::Spotio => {
            let events = obj.get("payload")?.as_array()?;
            if events.is_empty() {
                return None;
            }
            events
                .iter()
                .map(|e| {
                    let e = e.as_object()?;
                    e.get("date")?.as_str()?;
                    e.get("data")?.as_object()?;
                    Some(e.get("type")?.as_str()?.to_owned())
                })
                .collect()
        }
        Vendor::Breakcold => {
            obj.get("payload")?.as_object()?;
            Some(vec![obj.get("event")?.as_str()?.to_owned()])
        }
        Vendor::Clinchpad => {
            let activity = obj.get("activity")?.as_object()?;
            Some(vec![activity.get("type")?.as_str()?.to_owned()])
        }
        Vendor::Salesiq => {
            match obj.get("attempt")? {
                Value::Number(_) | Value::String(_) => {}
                _ => return None,
            }
            obj.get("entity_id")?;
            Some(vec![obj.get("event")?.as_str()?.to_owned()])
        }
        Vendor::Tomba => {
            obj.get("data")?.as_object()?;
            Some(vec!["save_lead".to_owned()])
        }
    }
}

/// The status a faulty receiver gives a valid, authenticated delivery, if it refuses it. The
/// faults that keep no state decide first, then the order of related events; a duplicate is
/// checked last, so that only a body answered 200 is remembered as seen.
fn fault_on_valid(
    inner: &Inner,
    json: &Value,
    types: &[String],
    body: &[u8],
) -> Option<StatusCode> {
    let stateless = inner.faults.iter().find_map(|fault| match fault {
        Fault::RejectEventType(t) => types
            .iter()
            .any(|x| x == t)
            .then_some(StatusCode::INTERNAL_SERVER_ERROR),
        Fault::RejectNonAscii => has_non_ascii(json).then_some(StatusCode::BAD_REQUEST),
        Fault::CrashOnNonAscii => has_non_ascii(json).then_some(StatusCode::INTERNAL_SERVER_ERROR),
        Fault::RejectUnknownEvent => {
            // Tomba's envelope names no type: nothing can be unknown.
            let unknown = inner.vendor != Vendor::Tomba
                && types.iter().any(|t| !inner.known_events.contains(t));
            unknown.then_some(StatusCode::INTERNAL_SERVER_ERROR)
        }
        Fault::ConflictOnDuplicate
        | Fault::RequireCreatedFirst
        | Fault::SkipAuth
        | Fault::SpotioMissingSignatureAccepted
        | Fault::SalesiqAcceptsAnyBase64
        | Fault::BreakcoldPrefixSecret
        | Fault::ClinchpadIgnoresKey
        | Fault::TombaPresenceOnly
        | Fault::Crash500OnMalformed
        | Fault::SerialOnly
        | Fault::Slow(_)
        | Fault::SlowOn(..)
        | Fault::FailEveryOther
        | Fault::EchoSecretIn401 => None,
    });
    if stateless.is_some() {
        return stateless;
    }
    if inner.has(|f| matches!(f, Fault::RequireCreatedFirst)) {
        let mut created = lock(&inner.created_ids);
        for (i, t) in types.iter().enumerate() {
            let ids = entity_ids(inner.vendor, json, i);
            if t.contains("creat") || t.contains("add") {
                created.extend(ids);
            } else if (t.contains("updat") || t.contains("delet"))
                && !ids.iter().any(|id| created.contains(id))
            {
                return Some(StatusCode::UNPROCESSABLE_ENTITY);
            }
        }
    }
    if inner.has(|f| matches!(f, Fault::ConflictOnDuplicate)) {
        let digest: [u8; 32] = Sha256::digest(body).into();
        let identity = (inner.vendor == Vendor::Salesiq).then(|| {
            format!(
                "{}|{}|{}",
                json["event"], json["entity_id"], json["event_time"]
            )
        });
        // Both sets under their locks at once, so that two copies in flight together cannot
        // both be taken for the first.
        let mut bodies = lock(&inner.seen_bodies);
        let mut identities = lock(&inner.seen_identities);
        let seen =
            bodies.contains(&digest) || identity.as_ref().is_some_and(|id| identities.contains(id));
        if seen {
            return Some(StatusCode::CONFLICT);
        }
        bodies.insert(digest);
        identities.extend(identity);
    }
    None
}

/// A poisoned lock only means another request panicked; the set is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The ids an event could be related to others by; the `index`th event of a SPOTIO batch.
fn entity_ids(vendor: Vendor, json: &Value, index: usize) -> Vec<String> {
    let candidates = match vendor {
        Vendor::Spotio => vec![&json["payload"][index]["data"]["id"]],
        Vendor::Breakcold => vec![&json["payload"]["id"]],
        Vendor::Clinchpad => vec![&json["activity"]["_id"], &json["lead"]["_id"]],
        Vendor::Salesiq => vec![&json["entity_id"]],
        Vendor::Tomba => vec![&json["data"]["email"]],
    };
    candidates
        .into_iter()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            // The same id may be written as a number in one event and a string in another.
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn has_non_ascii(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.is_ascii(),
        Value::Array(a) => a.iter().any(has_non_ascii),
        Value::Object(o) => o.iter().any(|(k, v)| !k.is_ascii() || has_non_ascii(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}
