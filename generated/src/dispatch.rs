//! What the generated `parse` functions share: finding the event type without a full parse,
//! splitting batches, decoding with error pointers, and unknown events.

use crate::validate::{At, Validate, Violation};
use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// Why a request body could not be taken as a delivery of the vendor.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    /// Not JSON at all (or not UTF-8).
    #[error("not JSON: {message}")]
    NotJson { message: String },
    /// JSON, but not of the shape the schema requires (a missing field, a wrong type).
    #[error("{}: {message}", display_pointer(pointer))]
    Shape { pointer: String, message: String },
    /// Well-formed, but breaking the schema's other rules: every violation that refused the
    /// body is listed (the documented ones; with [`Strictness::Observed`], all).
    #[error("{} violation(s), the first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Violation>),
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

/// How much of the catalog a body must keep to be taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Strictness {
    /// The documented rules only: a body that breaks only observed ones is taken, with those
    /// as its [`Delivery::notes`]. What `parse` does.
    #[default]
    Documented,
    /// Observed rules too: any violation refuses the body.
    Observed,
}

/// The events of one request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery<E> {
    pub events: Vec<E>,
    /// Where the events sit in the body for batch vendors (`/payload`), else `None`.
    pub events_pointer: Option<&'static str>,
    /// Violations of the batch envelope itself (too few or too many events).
    pub envelope_violations: Vec<Violation>,
    /// The observed violations of a body that breaks no documented rule: each with its pointer
    /// and the ERRATA entry that records the inference. Filled by `parse` (empty from
    /// `parse_unvalidated`).
    pub notes: Vec<Violation>,
}

impl<E: Validate> Delivery<E> {
    /// Every violation of every event, documented and observed, with pointers into the whole
    /// body.
    pub fn violations(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        if !self.envelope_violations.is_empty() {
            out.extend_from_slice(&self.envelope_violations);
        }
        for (i, event) in self.events.iter().enumerate() {
            match self.events_pointer {
                Some(prefix) => event.validate_at(&At::Index(&At::Root(prefix), i), &mut out),
                None => event.validate_at(&At::Root(""), &mut out),
            }
        }
        out
    }

    /// The delivery if it breaks no documented rule, its observed violations as its notes.
    pub fn validated(self) -> Result<Self, ParseError> {
        self.validated_with(Strictness::Documented)
    }

    /// The delivery if it breaks no rule `strictness` enforces. Refused, the error lists the
    /// violations that refused it: the documented ones, or with [`Strictness::Observed`] all.
    pub fn validated_with(mut self, strictness: Strictness) -> Result<Self, ParseError> {
        // The fast path: every check a plain test, nothing recorded. Only a body that breaks a
        // rule (documented or observed) goes on to have its violations recorded.
        if self.envelope_violations.is_empty() && self.events.iter().all(Validate::is_valid) {
            debug_assert_eq!(self.violations(), [], "is_valid disagrees with validate_at");
            self.notes.clear();
            return Ok(self);
        }
        let violations = self.violations();
        debug_assert!(
            !violations.is_empty(),
            "is_valid disagrees with validate_at"
        );
        let (documented, observed): (Vec<Violation>, Vec<Violation>) = match strictness {
            Strictness::Observed => (violations, Vec::new()),
            Strictness::Documented => violations.into_iter().partition(|v| !v.is_observed()),
        };
        if documented.is_empty() {
            self.notes = observed;
            Ok(self)
        } else {
            Err(ParseError::Invalid(documented))
        }
    }
}

/// An event whose type the catalog does not know (or that names none).
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    pub event_type: Option<String>,
    pub raw: serde_json::Value,
}

/// Decodes `bytes` as `T`; on failure the error names the JSON pointer (prefixed by `at`).
pub fn decode<T: DeserializeOwned>(bytes: &[u8], at: &str) -> Result<T, ParseError> {
    let text = check_utf8(bytes)?;
    serde_json::from_str(text).map_err(|_| locate_error::<T>(bytes, at))
}

/// JSON is UTF-8 (RFC 8259, 8.1). serde_json checks the strings it decodes, but not those it
/// skips (unknown fields), so a body is checked whole before it is read, and then read as
/// the `str` this returns.
pub fn check_utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => Err(ParseError::NotJson {
            message: format!("not UTF-8: invalid byte at offset {}", e.valid_up_to()),
        }),
    }
}

/// Re-reads a body that failed to decode, this time tracking the path, which costs time
/// only on the error path.
fn locate_error<T: DeserializeOwned>(bytes: &[u8], at: &str) -> ParseError {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => ParseError::Shape {
            pointer: at.to_owned(),
            message: "could not be decoded".into(),
        },
        Err(e) => {
            let inner = e.inner();
            if inner.is_syntax() || inner.is_eof() || inner.is_io() {
                return ParseError::NotJson {
                    message: inner.to_string(),
                };
            }
            let mut pointer = at.to_owned();
            for segment in e.path().iter() {
                use serde_path_to_error::Segment;
                match segment {
                    Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                    Segment::Map { key } | Segment::Enum { variant: key } => {
                        pointer.push('/');
                        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    }
                    Segment::Unknown => {}
                }
            }
            let message = strip_position(&inner.to_string());
            ParseError::Shape { pointer, message }
        }
    }
}

/// serde_json appends " at line L column C"; the pointer says where, better.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The string at a path of object keys, found by skipping everything else: the event type,
/// read before the body is decoded into the type it names. `None` when absent or not a string.
pub fn event_type_at<'a>(
    bytes: &'a [u8],
    keys: &[&str],
    at: &str,
) -> Result<Option<Cow<'a, str>>, ParseError> {
    let text = check_utf8(bytes)?;
    let mut de = serde_json::Deserializer::from_str(text);
    match (PathSeed { keys }).deserialize(&mut de) {
        Ok(found) => Ok(found),
        Err(e) if e.is_data() => Err(ParseError::Shape {
            pointer: at.to_owned(),
            message: strip_position(&e.to_string()),
        }),
        Err(e) => Err(ParseError::NotJson {
            message: e.to_string(),
        }),
    }
}

struct PathSeed<'k> {
    keys: &'k [&'k str],
}

impl<'de> DeserializeSeed<'de> for PathSeed<'_> {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match self.keys.split_first() {
            None => Ok(Option::<Cow<'de, str>>::deserialize(d).ok().flatten()),
            Some(_) => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for PathSeed<'_> {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some((first, rest)) = self.keys.split_first() else {
            return Ok(None);
        };
        let mut found = None;
        let mut seen = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == *first {
                // A repeated key on the path is refused: read first-wins here but last-wins
                // by serde_json's `Value`, it would let an event be typed by one value and
                // kept (as an unknown event's raw JSON) with another.
                if seen {
                    return Err(serde::de::Error::custom(format_args!(
                        "duplicate field `{first}`"
                    )));
                }
                seen = true;
                found = map.next_value_seed(PathSeed { keys: rest })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    // Anything but an object has no event type in it; the schema check reports the shape.
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// The items of a batch, each as the raw JSON text it was sent as.
pub fn batch_items<'a>(body: &'a [u8], keys: &[&str]) -> Result<Vec<&'a RawValue>, ParseError> {
    let mut raw: &'a RawValue = serde_json::from_slice(body).map_err(|e| ParseError::NotJson {
        message: e.to_string(),
    })?;
    let mut pointer = String::new();
    for key in keys {
        let object: std::collections::HashMap<Cow<'a, str>, &'a RawValue> =
            serde_json::from_str(raw.get()).map_err(|_| ParseError::Shape {
                pointer: pointer.clone(),
                message: "expected an object".into(),
            })?;
        pointer.push('/');
        pointer.push_str(key);
        raw = *object.get(*key).ok_or_else(|| ParseError::Shape {
            pointer: display_pointer(&pointer[..pointer.len() - key.len() - 1]).to_owned(),
            message: format!("missing field `{key}`"),
        })?;
    }
    serde_json::from_str(raw.get()).map_err(|_| ParseError::Shape {
        pointer,
        message: "expected an array of events".into(),
    })
}

/// An event the catalog does not know: kept raw, after checking it is valid JSON.
pub fn decode_unknown(
    bytes: &[u8],
    event_type: Option<Cow<'_, str>>,
    at: &str,
) -> Result<UnknownEvent, ParseError> {
    let raw: serde_json::Value = decode(bytes, at)?;
    Ok(UnknownEvent {
        event_type: event_type.map(Cow::into_owned),
        raw,
    })
}

/// Whether an unknown event keeps every rule of the vendor's envelope.
pub fn unknown_is_valid<T: DeserializeOwned + Validate>(event: &UnknownEvent) -> bool {
    T::deserialize(&event.raw).is_ok_and(|envelope| envelope.is_valid())
}

/// Validates an unknown event against the vendor's envelope (the shape every event shares).
pub fn validate_unknown<T: DeserializeOwned + Validate>(
    event: &UnknownEvent,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    match T::deserialize(&event.raw) {
        Ok(envelope) => envelope.validate_at(at, out),
        Err(e) => out.push(Violation {
            pointer: at.pointer(),
            keyword: "type",
            message: e.to_string(),
            errata: None,
        }),
    }
}
