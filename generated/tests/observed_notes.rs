//! Observed constraints (`x-observed`: read off a document's examples, citing an ERRATA entry)
//! are notes, never refusals. Every observed constraint that a golden example reaches is broken
//! in turn, alone: the body must parse, with exactly that one note citing its ERRATA entry;
//! `Strictness::Observed` must refuse it; and with a documented rule broken as well, the body
//! must still be refused, for the documented violation only.
//!
//! Which edit breaks only the observed constraint is decided by references we did not write for
//! this: the jsonschema crate (which ignores `x-` keywords) must find the edited body valid, and
//! `hookcert_catalog::observed_notes` must find exactly the one note.

use hookcert_catalog::{Catalog, ReferenceValidator, Schema, Vendor, observed_notes};
use hookcert_events::{ParseError, Strictness, Violation};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

fn catalog() -> Catalog {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    hookcert_catalog::load(&root).unwrap_or_else(|p| panic!("catalog: {p}"))
}

/// An edit of a golden example that may break one observed constraint.
struct Edit {
    /// The observed constraint: what kind (`required`, `pattern`, `enum+maximum`, …), and its
    /// ERRATA entry.
    kind: String,
    errata: u32,
    /// Where the note must point (the value, or for `required` the object).
    note_at: String,
    /// The value to replace, or the property to remove (`required`).
    target: String,
    /// Replacements to try, in order; empty for a removal.
    candidates: Vec<Value>,
}

/// The edits of every observed constraint that `value` (at `at`, described by `schema`) reaches.
fn edits(catalog: &Catalog, schema: &Schema, value: &Value, at: &str, out: &mut Vec<Edit>) {
    let schema = catalog.deref(schema);
    if let Some(observed) = &schema.observed {
        let object = value.as_object();
        for name in &observed.required {
            if object.is_some_and(|o| o.contains_key(name)) {
                out.push(Edit {
                    kind: "required".to_owned(),
                    errata: observed.errata,
                    note_at: at.to_owned(),
                    target: hookcert_catalog::push_token(at, name),
                    candidates: Vec::new(),
                });
            }
        }
        let kinds: Vec<&str> = [
            ("pattern", observed.pattern.is_some()),
            ("format", observed.format.is_some()),
            ("enum", observed.enum_values.is_some()),
            ("minimum", observed.minimum.is_some()),
            ("maximum", observed.maximum.is_some()),
            ("minLength", observed.min_length.is_some()),
            ("maxLength", observed.max_length.is_some()),
        ]
        .into_iter()
        .filter_map(|(kind, there)| there.then_some(kind))
        .collect();
        if !kinds.is_empty() {
            out.push(Edit {
                kind: kinds.join("+"),
                errata: observed.errata,
                note_at: at.to_owned(),
                target: at.to_owned(),
                candidates: replacements(value),
            });
        }
    }
    match value {
        Value::Object(map) => {
            for property in &schema.properties {
                if let Some(v) = map.get(&property.name) {
                    let here = hookcert_catalog::push_token(at, &property.name);
                    edits(catalog, &property.schema, v, &here, out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.items.as_deref() {
                for (i, v) in items.iter().enumerate() {
                    edits(catalog, item, v, &format!("{at}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// Values likely to break an observed form while keeping the documented one: of the same JSON
/// type first (the documented type must still hold), then of the others a union may allow.
fn replacements(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    if let Value::String(s) = value {
        let reversed: String = s.chars().rev().collect();
        out.extend([
            json!(format!("{s}0")),
            json!(format!("{s}~")),
            json!(reversed),
            json!(s.to_uppercase()),
            json!(""),
            json!("x"),
            json!("0"),
            json!("~!"),
            json!("a".repeat(300)),
            json!("1234567890123"),
            json!("2020-01-01T00:00:00Z"),
            json!("https://example.com/x"),
            json!("someone@example.com"),
            json!("00000000-0000-0000-0000-000000000000"),
        ]);
    }
    if let Some(n) = value.as_i64() {
        out.extend([
            json!(n + 1),
            json!(n - 1),
            json!(0),
            json!(-1),
            json!(n.saturating_mul(1000)),
        ]);
    } else if let Some(f) = value.as_f64() {
        out.extend([json!(f + 1.0), json!(-1.5), json!(0)]);
    }
    if let Value::Bool(b) = value {
        out.push(json!(!b));
    }
    out.extend([json!(1_000_000_000_000_i64), json!("x"), json!(0)]);
    out
}

/// `body` with `edit` made (a candidate of it, or the removal).
fn edited(body: &Value, target: &str, replacement: Option<&Value>) -> Value {
    let mut out = body.clone();
    match replacement {
        Some(v) => {
            if let Some(slot) = out.pointer_mut(target) {
                *slot = v.clone();
            }
        }
        None => {
            let (parent, last) = target.rsplit_once('/').expect("a property pointer");
            if let Some(Value::Object(map)) = out.pointer_mut(parent) {
                map.shift_remove(&hookcert_catalog::unescape_token(last));
            }
        }
    }
    out
}

/// The body edited to break only `edit`'s constraint, as the references judge: documented-valid,
/// with exactly one note, where `edit` says.
fn breaking_only(
    catalog: &Catalog,
    reference: &ReferenceValidator,
    vendor: &Vendor,
    body: &Value,
    edit: &Edit,
) -> Option<Value> {
    let tries: Vec<Option<&Value>> = if edit.candidates.is_empty() {
        vec![None]
    } else {
        edit.candidates.iter().map(Some).collect()
    };
    tries.into_iter().find_map(|replacement| {
        let candidate = edited(body, &edit.target, replacement);
        let notes = observed_notes(catalog, vendor, &candidate);
        let one_note = matches!(notes.as_slice(), [n] if n.pointer == edit.note_at && n.errata == Some(edit.errata));
        (one_note && reference.validate_delivery(vendor, &candidate).is_empty()).then_some(candidate)
    })
}

/// A documented rule broken somewhere other than `spared`, and no observed one: a string leaf
/// replaced by a string that the jsonschema crate refuses (the shape, and so serde, is
/// unchanged) and that adds no note.
fn with_documented_violation(
    catalog: &Catalog,
    reference: &ReferenceValidator,
    vendor: &Vendor,
    body: &Value,
    spared: &str,
) -> Option<Value> {
    let notes = observed_notes(catalog, vendor, body);
    let mut leaves = Vec::new();
    string_leaves(body, String::new(), &mut leaves);
    leaves
        .into_iter()
        .filter(|p| !p.starts_with(spared) && !spared.starts_with(p.as_str()))
        .map(|p| edited(body, &p, Some(&json!("~!"))))
        .find(|candidate| {
            !reference.validate_delivery(vendor, candidate).is_empty()
                && observed_notes(catalog, vendor, candidate) == notes
        })
}

fn string_leaves(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(at),
        Value::Object(map) => {
            for (k, v) in map {
                string_leaves(v, hookcert_catalog::push_token(&at, k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                string_leaves(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn observed(v: &[Violation]) -> Vec<&Violation> {
    v.iter().filter(|v| v.is_observed()).collect()
}

#[test]
fn a_body_breaking_only_an_observed_constraint_parses_with_one_note() {
    let catalog = catalog();
    let reference = ReferenceValidator::new(&catalog).expect("reference validator");
    let mut tested: BTreeMap<String, usize> = BTreeMap::new();
    let mut refused_for_documented = 0;
    for vendor in &catalog.vendors {
        let id = vendor.profile.id.as_str();
        let envelope = &vendor.profile.envelope;
        for example in &vendor.examples {
            let body: Value =
                serde_json::from_slice(catalog.example_bytes(example)).expect("example is JSON");
            let mut found = Vec::new();
            for slot in envelope.event_slots(&body) {
                let Some(event) = vendor
                    .events
                    .iter()
                    .find(|e| Some(&e.name) == slot.event_type.as_ref())
                else {
                    continue;
                };
                let one = envelope.single_event_body(&body, &slot);
                let mut here = Vec::new();
                edits(
                    &catalog,
                    &catalog.file(event.file).root,
                    &one,
                    "",
                    &mut here,
                );
                for mut edit in here {
                    edit.note_at = envelope.pointer_in_body(&slot, &edit.note_at);
                    edit.target = envelope.pointer_in_body(&slot, &edit.target);
                    found.push(edit);
                }
            }
            for edit in found {
                let Some(broken) = breaking_only(&catalog, &reference, vendor, &body, &edit) else {
                    continue;
                };
                let shown = format!(
                    "{id} {}: {} at {} (ERRATA #{})",
                    example.path.display(),
                    edit.kind,
                    edit.note_at,
                    edit.errata
                );
                let bytes = serde_json::to_vec(&broken).expect("serialize");
                let delivery = match hookcert_events::parse(id, &bytes).expect("vendor") {
                    Ok(d) => d,
                    Err(e) => panic!("{shown}: refused for an observed constraint: {e}\n{broken}"),
                };
                let notes = delivery.notes();
                assert_eq!(notes.len(), 1, "{shown}: {notes:?}");
                assert_eq!(notes[0].pointer, edit.note_at, "{shown}");
                assert_eq!(notes[0].errata, Some(edit.errata), "{shown}");
                assert!(
                    notes[0]
                        .to_string()
                        .ends_with(&format!("(observed, ERRATA #{})", edit.errata)),
                    "{shown}: {}",
                    notes[0]
                );
                match hookcert_events::parse_with(id, &bytes, Strictness::Observed).expect("vendor")
                {
                    Err(ParseError::Invalid(all)) => {
                        assert_eq!(all, notes, "{shown}: Strictness::Observed")
                    }
                    other => panic!("{shown}: Strictness::Observed did not refuse: {other:?}"),
                }
                if let Some(worse) =
                    with_documented_violation(&catalog, &reference, vendor, &broken, &edit.target)
                {
                    let bytes = serde_json::to_vec(&worse).expect("serialize");
                    let documented = match hookcert_events::parse(id, &bytes).expect("vendor") {
                        Err(ParseError::Invalid(found)) => found,
                        other => panic!(
                            "{shown}: a documented violation was not refused: {other:?}\n{worse}"
                        ),
                    };
                    assert!(!documented.is_empty(), "{shown}");
                    assert!(
                        observed(&documented).is_empty(),
                        "{shown}: notes listed as refusals: {documented:?}"
                    );
                    match hookcert_events::parse_with(id, &bytes, Strictness::Observed)
                        .expect("vendor")
                    {
                        Err(ParseError::Invalid(all)) => {
                            assert_eq!(observed(&all), observed(notes), "{shown}");
                            assert_eq!(all.len(), documented.len() + 1, "{shown}");
                        }
                        other => panic!("{shown}: Strictness::Observed: {other:?}"),
                    }
                    refused_for_documented += 1;
                }
                *tested.entry(edit.kind).or_default() += 1;
            }
        }
    }
    eprintln!(
        "observed constraints broken alone, by kind: {tested:?}; {refused_for_documented} with a documented violation too"
    );
    assert!(
        !tested.is_empty(),
        "no golden example reaches an x-observed constraint that an edit can break alone: nothing was tested"
    );
    assert!(
        refused_for_documented > 0,
        "no documented violation was added"
    );
}
