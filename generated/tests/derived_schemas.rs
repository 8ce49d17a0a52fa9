//! schemars derives a JSON Schema from the generated Rust types; it must accept every golden
//! example, event by event: the types are no stricter than the documents' own examples.

use serde_json::Value;
use std::path::Path;

#[test]
fn the_schema_derived_from_the_types_accepts_every_golden_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut checked = 0;
    for &vendor in hookcert_events::VENDORS {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(vendor).join("examples"))
            .expect("examples")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let body: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
            let events: Vec<&Value> = match body.get("payload").and_then(Value::as_array) {
                Some(items) if vendor == "spotio" => items.iter().collect(),
                _ => vec![&body],
            };
            for event in events {
                let event_type = event_type(vendor, event)
                    .unwrap_or_else(|| panic!("{}: no type", path.display()));
                let schema = hookcert_events::derived_json_schema(vendor, &event_type)
                    .unwrap_or_else(|| {
                        panic!("{}: no derived schema for {event_type}", path.display())
                    });
                let schema = serde_json::to_value(&schema).expect("schema as JSON");
                let validator =
                    jsonschema::validator_for(&schema).expect("derived schema compiles");
                let errors: Vec<String> = validator
                    .iter_errors(event)
                    .map(|e| format!("{}: {e}", e.instance_path()))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{}: the derived schema of {event_type} refuses it: {errors:?}",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 94, "only {checked} events checked");
}

fn event_type(vendor: &str, event: &Value) -> Option<String> {
    let pointer = match vendor {
        "spotio" => "/type",
        "breakcold" => "/event",
        "clinchpad" => "/activity/type",
        "zoho-salesiq" => "/event",
        _ => return Some("save_lead".into()),
    };
    event
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[test]
fn the_derived_schema_is_not_vacuous() {
    // A derived schema that accepted anything would pass the test above trivially.
    let schema = hookcert_events::derived_json_schema("tomba", "save_lead").expect("schema");
    let schema = serde_json::to_value(&schema).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    assert!(!validator.is_valid(&serde_json::json!({"data": {"score": "high"}})));
    assert!(!validator.is_valid(&serde_json::json!({})));
}
