//! Shared by the fuzz targets: the invariants a successful `parse` must keep, the split of a
//! fuzz input into headers and body, and the fixed test keys.
#![allow(dead_code)]

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// Test data only: this key pair guards nothing (see fuzz/README.md).
pub const RSA_PRIVATE_PEM: &str = include_str!("../../keys/test-private.pem");
pub const RSA_PUBLIC_PEM: &str = include_str!("../../keys/test-public.pem");

/// Splits an input into a header value and a body: the first byte is the header's length
/// (clamped to what is there), the header follows, the rest is the body.
pub fn split_header_body(data: &[u8]) -> (&[u8], &[u8]) {
    match data.split_first() {
        None => (&[], &[]),
        Some((&n, rest)) => rest.split_at(usize::from(n).min(rest.len())),
    }
}

/// A byte of the input to pick a position or a mask with; 0 for an empty input.
pub fn pick(data: &[u8]) -> usize {
    data.iter().fold(0usize, |h, &b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    })
}

/// Whether any object in `body` repeats a key (true too when the walk fails, e.g. past
/// serde_json's nesting limit). serde_json's `Value`
/// keeps the last of duplicate keys, hookcert's type scan the first; with duplicates the
/// two models disagree by design, so the exact cross-checks are only made without them.
pub fn has_duplicate_keys(body: &[u8]) -> bool {
    struct Walk;
    impl<'de> Visitor<'de> for Walk {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let mut dup = false;
            while let Some(d) = seq.next_element_seed(WalkSeed)? {
                dup |= d;
            }
            Ok(dup)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut seen = HashSet::new();
            let mut dup = false;
            while let Some(key) = map.next_key::<String>()? {
                dup |= !seen.insert(key);
                dup |= map.next_value_seed(WalkSeed)?;
            }
            Ok(dup)
        }
    }
    struct WalkSeed;
    impl<'de> serde::de::DeserializeSeed<'de> for WalkSeed {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(Walk)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde::de::DeserializeSeed::deserialize(WalkSeed, &mut de).unwrap_or(true)
}

/// The checks every parse target makes. `$type_pointer`: where a single event names its
/// type (`None` for a vendor with a fixed type); `$events_key`: the batch array's key.
#[allow(unused_macros)]
macro_rules! parse_target {
    ($module:ident, $vendor_id:literal, $type_pointer:expr, $events_key:expr) => {
        use hookcert_events::$module as vendor;

        fuzz_target!(|data: &[u8]| {
            let first = vendor::parse(data);

            // The result does not depend on what was parsed before (the one-pass decoder
            // predicts the type from the last body): again, and after a golden example.
            let again = vendor::parse(data);
            assert_eq!(first, again, "parse is not repeatable");
            let catalog = hookcert_catalog::embedded().expect("the catalog");
            let examples = &catalog.vendor($vendor_id).expect("the vendor").examples;
            let example = &examples[$crate::common::pick(data) % examples.len()];
            let _ = vendor::parse(catalog.example_bytes(example));
            let primed = vendor::parse(data);
            assert_eq!(first, primed, "parse depends on the previous body's type");

            // The vendor-id dispatch agrees with the module.
            let any = hookcert_events::parse($vendor_id, data).expect("known vendor");
            assert_eq!(
                first.is_ok(),
                any.is_ok(),
                "dispatch by vendor id disagrees"
            );

            let Ok(delivery) = first else { return };

            // Ok means: no documented violation when validated again, the observed ones are
            // exactly the notes, and parse_unvalidated agrees but for the notes.
            let (documented, observed): (Vec<_>, Vec<_>) = delivery
                .violations()
                .into_iter()
                .partition(|v| v.errata.is_none());
            assert!(
                documented.is_empty(),
                "parse returned Ok with documented violations: {documented:?}"
            );
            assert_eq!(observed, delivery.notes, "the notes are not the observed violations");
            let unvalidated = vendor::parse_unvalidated(data)
                .unwrap_or_else(|e| panic!("parse_unvalidated refused what parse took: {e}"));
            assert!(unvalidated.notes.is_empty(), "parse_unvalidated made notes");
            assert_eq!(
                hookcert_events::Delivery {
                    notes: delivery.notes.clone(),
                    ..unvalidated
                },
                delivery,
                "parse_unvalidated disagrees with parse"
            );
            // Strictness::Observed refuses exactly the bodies with notes, listing them.
            match vendor::parse_with(data, hookcert_events::Strictness::Observed) {
                Ok(strict) => assert!(delivery.notes.is_empty() && strict == delivery),
                Err(hookcert_events::ParseError::Invalid(all)) => {
                    assert_eq!(all, delivery.notes, "Observed refused for other violations")
                }
                Err(e) => panic!("Strictness::Observed refused a parsed body: {e}"),
            }
            assert!(!delivery.events.is_empty(), "Ok delivery without events");

            // Ok means the body was JSON, so UTF-8. (serde_json's `Value` also refuses lone
            // surrogate escapes such as "\ud800", which the JSON grammar allows and a skipped
            // field may hold: the checks against a `Value` are made only when it reads.)
            assert!(
                std::str::from_utf8(data).is_ok(),
                "parse accepted a body that is not UTF-8"
            );
            let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
                return;
            };

            // Every event serializes; re-sent, the serialized events parse to the same delivery.
            let mut values = Vec::new();
            for event in &delivery.events {
                let value = event.to_value().expect("to_value failed on a parsed event");
                values.push(value);
            }
            let events_key: Option<&str> = $events_key;
            let resent = match events_key {
                None => {
                    assert_eq!(values.len(), 1, "single-event vendor with several events");
                    values[0].clone()
                }
                Some(key) => {
                    let mut envelope = body.clone();
                    envelope[key] = serde_json::Value::Array(values.clone());
                    envelope
                }
            };
            let resent_bytes = serde_json::to_vec(&resent).expect("serialize");
            let reparsed = vendor::parse(&resent_bytes).unwrap_or_else(|e| {
                panic!(
                    "the serialized events do not parse: {e:?}: {}",
                    String::from_utf8_lossy(&resent_bytes)
                )
            });
            assert_eq!(reparsed.events.len(), delivery.events.len());
            assert_eq!(reparsed.events_pointer, delivery.events_pointer);
            assert_eq!(reparsed.envelope_violations, delivery.envelope_violations);
            assert_eq!(reparsed.notes, delivery.notes, "notes changed on re-parse");
            for (again, event) in reparsed.events.iter().zip(&delivery.events) {
                assert_eq!(
                    again.event_type(),
                    event.event_type(),
                    "type changed on re-parse"
                );
                let again = again.to_value().expect("to_value");
                let first = event.to_value().expect("to_value");
                assert_eq!(
                    again, first,
                    "the serialized event does not parse back to the same event"
                );
            }

            // The type each event was dispatched on is the one in the body (without duplicate
            // keys, where first-wins and last-wins readings differ by design).
            let type_pointer: Option<&str> = $type_pointer;
            if let Some(pointer) = type_pointer {
                if !$crate::common::has_duplicate_keys(data) {
                    let items: Vec<&serde_json::Value> = match events_key {
                        None => vec![&body],
                        Some(key) => body[key].as_array().expect("batch array").iter().collect(),
                    };
                    assert_eq!(items.len(), delivery.events.len(), "event count");
                    for (item, event) in items.iter().zip(&delivery.events) {
                        let declared = item.pointer(pointer).and_then(|v| v.as_str());
                        assert_eq!(declared, event.event_type(), "dispatched on another type");
                    }
                }
            }
        });
    };
}

/// The checks of a body-field scheme (`BodySecret`, keyed `HandshakeKey`) whose verifier
/// expects `expected` at the top-level `field`.
pub fn check_body_field(
    verifier: &hookcert_events::auth::Verifier,
    field: &str,
    expected: &str,
    data: &[u8],
) {
    use hookcert_events::auth::AuthError;
    let none: [(&str, &str); 0] = [];
    let result = verifier.verify(&none[..], data);
    if let Err(e) = &result {
        assert!(!e.to_string().contains(expected), "secret in error: {e}");
    }

    let parsed: Option<serde_json::Value> = serde_json::from_slice(data).ok();
    if let Some(value) = &parsed {
        if !has_duplicate_keys(data) {
            let model = value.get(field).and_then(|v| v.as_str()) == Some(expected);
            assert_eq!(
                result.is_ok(),
                model,
                "verify disagrees with the JSON: {result:?}"
            );
            if !value.is_object() {
                assert!(result.is_err(), "Ok for a body that is not an object");
            }
        }
    }

    // "Signed": the secret put at the field of the body (an object built from the input when
    // it is not one). Always Ok.
    let mut object = match parsed {
        Some(serde_json::Value::Object(map)) => map,
        _ => {
            let mut map = serde_json::Map::new();
            map.insert(
                "event".into(),
                String::from_utf8_lossy(data).into_owned().into(),
            );
            map
        }
    };
    object.insert(field.into(), expected.into());
    let signed = serde_json::to_vec(&serde_json::Value::Object(object.clone())).expect("serialize");
    assert_eq!(
        verifier.verify(&none[..], &signed),
        Ok(()),
        "a body with the secret was refused"
    );

    // One byte of the secret in that body flipped (kept ASCII, so still a JSON string):
    // never Ok.
    let h = pick(data);
    let mut wrong = expected.as_bytes().to_vec();
    let mask = match (h >> 8) as u8 & 0x7f {
        0 => 1,
        m => m,
    };
    wrong[h % expected.len()] ^= mask;
    let wrong = String::from_utf8(wrong).expect("ASCII");
    object.insert(field.into(), wrong.into());
    let flipped = serde_json::to_vec(&serde_json::Value::Object(object)).expect("serialize");
    let result = verifier.verify(&none[..], &flipped);
    assert!(
        matches!(result, Err(AuthError::Mismatch(_))),
        "a changed secret verified or was not a mismatch: {result:?} {}",
        String::from_utf8_lossy(&flipped)
    );
}
