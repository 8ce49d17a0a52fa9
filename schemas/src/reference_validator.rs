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

/// One violation: where in the body, and what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
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
        })
        .collect()
}
