//! Validates request bodies against the catalog with the `jsonschema` crate, a runtime
//! validator we did not write: the reference that golden examples (`cargo xtask check`) and
//! the generated validators (property tests) are held to. Each event a body carries is
//! dispatched to its schema as the vendor's envelope says.

use crate::model::{Catalog, Vendor};
use jsonschema::{Registry, Validator};
use serde_json::Value;
use std::collections::HashMap;

/// The reference validator could not be built from the catalog.
#[derive(Debug, thiserror::Error)]
#[error("building the reference validator: {0}")]
pub struct ReferenceError(String);

/// One violation: where in the body, and what. `errata` is set for an observed constraint
/// (the ERRATA entry it cites): a note, not a refusal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
    pub errata: Option<u32>,
}

/// Compiled validators for every vendor's envelope and events.
pub struct ReferenceValidator {
    envelopes: HashMap<String, Validator>,
    events: HashMap<(String, String), Validator>,
}

impl ReferenceValidator {
    pub fn new(catalog: &Catalog) -> Result<Self, ReferenceError> {
        let registry = Registry::new()
            .extend(catalog.files.iter().map(|f| (f.id.clone(), f.raw.clone())))
            .map_err(|e| ReferenceError(format!("registering the schema files: {e}")))?
            .prepare()
            .map_err(|e| ReferenceError(format!("preparing the schema registry: {e}")))?;
        let compile = |id: &str| -> Result<Validator, ReferenceError> {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .with_registry(&registry)
                .build(&serde_json::json!({ "$ref": id }))
                .map_err(|e| ReferenceError(format!("compiling {id}: {e}")))
        };
        let mut envelopes = HashMap::new();
        let mut events = HashMap::new();
        for vendor in &catalog.vendors {
            let id = &vendor.profile.id;
            envelopes.insert(id.clone(), compile(&catalog.file(vendor.envelope).id)?);
            for event in &vendor.events {
                let validator = compile(&catalog.file(event.file).id)?;
                events.insert((id.clone(), event.name.clone()), validator);
            }
        }
        Ok(ReferenceValidator { envelopes, events })
    }

    /// Every violation in one request body: the envelope, and each event it carries against
    /// its own schema. `expect_event` names the event the body should carry (an example's
    /// label), if any. Catalog semantics: an event type the catalog does not know is a
    /// violation.
    pub fn validate(
        &self,
        vendor: &Vendor,
        body: &Value,
        expect_event: Option<&str>,
    ) -> Vec<Violation> {
        self.check(vendor, body, expect_event, true)
    }

    /// Receiver semantics, as the generated `parse`: an unknown event type is no error; the
    /// event is held to the envelope only.
    pub fn validate_delivery(&self, vendor: &Vendor, body: &Value) -> Vec<Violation> {
        self.check(vendor, body, None, false)
    }

    fn check(
        &self,
        vendor: &Vendor,
        body: &Value,
        expect_event: Option<&str>,
        refuse_unknown: bool,
    ) -> Vec<Violation> {
        let profile = &vendor.profile;
        let mut out = Vec::new();
        if let Some(envelope) = self.envelopes.get(&profile.id) {
            out.extend(violations(envelope, body, |p| p.to_owned()));
        }
        let envelope = &profile.envelope;
        for slot in envelope.event_slots(body) {
            let type_at = envelope
                .type_pointer_at(slot.index.unwrap_or(0))
                .unwrap_or_default();
            let Some(event_type) = slot.event_type.as_deref() else {
                // The envelope schema already says what is missing.
                continue;
            };
            if let Some(expected) = expect_event.filter(|e| *e != event_type) {
                out.push(Violation {
                    pointer: type_at.clone(),
                    message: format!(
                        "the file is named after \"{expected}\" but carries \"{event_type}\""
                    ),
                    errata: None,
                });
            }
            let Some(validator) = self
                .events
                .get(&(profile.id.clone(), event_type.to_owned()))
            else {
                if !refuse_unknown {
                    continue;
                }
                out.push(Violation {
                    pointer: type_at,
                    message: format!("\"{event_type}\" is not an event type of {}", profile.id),
                    errata: None,
                });
                continue;
            };
            let one = envelope.single_event_body(body, &slot);
            out.extend(violations(validator, &one, |p| {
                envelope.pointer_in_body(&slot, p)
            }));
        }
        out.sort();
        out.dedup();
        out
    }
}

fn violations(
    validator: &Validator,
    body: &Value,
    map_pointer: impl Fn(&str) -> String,
) -> Vec<Violation> {
    validator
        .iter_errors(body)
        .map(|e| Violation {
            pointer: map_pointer(e.instance_path().as_str()),
            message: e.to_string(),
            errata: None,
        })
        .collect()
}

/// The notes of a body: where it breaks a constraint only observed in the document's examples
/// (`x-observed`), each citing its ERRATA entry. The jsonschema crate ignores `x-` keywords, so
/// this reads them off the model.
pub fn observed_notes(catalog: &Catalog, vendor: &Vendor, body: &Value) -> Vec<Violation> {
    let envelope = &vendor.profile.envelope;
    let mut out = Vec::new();
    for slot in envelope.event_slots(body) {
        let Some(event) = vendor
            .events
            .iter()
            .find(|e| Some(&e.name) == slot.event_type.as_ref())
        else {
            continue;
        };
        let one = envelope.single_event_body(body, &slot);
        let mut notes = Vec::new();
        walk(
            catalog,
            &catalog.file(event.file).root,
            &one,
            String::new(),
            &mut notes,
        );
        out.extend(notes.into_iter().map(|mut n| {
            n.pointer = envelope.pointer_in_body(&slot, &n.pointer);
            n
        }));
    }
    out.sort();
    out.dedup();
    out
}

fn walk(
    catalog: &Catalog,
    schema: &crate::model::Schema,
    value: &Value,
    at: String,
    out: &mut Vec<Violation>,
) {
    let schema = catalog.deref(schema);
    if let Some(observed) = &schema.observed {
        for message in observed_breaks(observed, value) {
            out.push(Violation {
                pointer: at.clone(),
                message,
                errata: Some(observed.errata),
            });
        }
    }
    match value {
        Value::Object(map) => {
            for property in &schema.properties {
                if let Some(v) = map.get(&property.name) {
                    walk(
                        catalog,
                        &property.schema,
                        v,
                        crate::pointer::push_token(&at, &property.name),
                        out,
                    );
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.items.as_deref() {
                for (i, v) in items.iter().enumerate() {
                    walk(catalog, item_schema, v, format!("{at}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// What `value` breaks of the observed constraints, in words.
fn observed_breaks(observed: &crate::model::Observed, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Value::Object(map) = value {
        for name in observed.required.iter().filter(|n| !map.contains_key(*n)) {
            out.push(format!("\"{name}\" is a required property"));
        }
    }
    if let Some(values) = &observed.enum_values {
        if !values.contains(value) {
            out.push(format!(
                "{value} is not one of {}",
                Value::Array(values.clone())
            ));
        }
    }
    if let Value::String(s) = value {
        if let Some(pattern) = &observed.pattern {
            if regex::Regex::new(pattern).is_ok_and(|re| !re.is_match(s)) {
                out.push(format!("{value} does not match \"{pattern}\""));
            }
        }
        if let Some(format) = observed.format {
            let checker = jsonschema::options()
                .should_validate_formats(true)
                .build(&serde_json::json!({ "format": format.name() }));
            if checker.is_ok_and(|c| !c.is_valid(value)) {
                out.push(format!("{value} is not a \"{}\"", format.name()));
            }
        }
        let chars = s.chars().count() as u64;
        if observed.min_length.is_some_and(|m| chars < m)
            || observed.max_length.is_some_and(|m| chars > m)
        {
            out.push(format!("{value} is not of the observed length"));
        }
    }
    if let Some(n) = value.as_f64() {
        let below = observed
            .minimum
            .as_ref()
            .and_then(serde_json::Number::as_f64)
            .is_some_and(|m| n < m);
        let above = observed
            .maximum
            .as_ref()
            .and_then(serde_json::Number::as_f64)
            .is_some_and(|m| n > m);
        if below || above {
            out.push(format!("{value} is outside the observed range"));
        }
    }
    out
}
