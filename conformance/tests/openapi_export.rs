//! The OpenAPI export, read by a validator we did not write (Python's
//! `openapi-spec-validator`), checked to be self-contained, and checked to keep the schemas'
//! meaning: every golden example still validates against its bundled component.

use std::path::{Path, PathBuf};
use std::process::Command;

use hookcert_catalog::VendorProfile;
use serde_json::{Value, json};

const VENDORS: [&str; 5] = ["spotio", "breakcold", "clinchpad", "zoho-salesiq", "tomba"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ensure_python_deps() {
    let root = workspace_root();
    let status = Command::new("bash")
        .arg(root.join("scripts/ensure-python-deps.sh"))
        .current_dir(&root)
        .status()
        .unwrap_or_else(|e| panic!("cannot run bash scripts/ensure-python-deps.sh: {e}"));
    assert!(
        status.success(),
        "scripts/ensure-python-deps.sh failed ({status}): Python 3 with openapi-spec-validator \
         is needed to check the OpenAPI export; see its message above"
    );
}

const VALIDATOR_SCRIPT: &str = r#"
import sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
spec, _ = read_from_filename(sys.argv[1])
validate(spec)
print("valid", spec["openapi"], len(spec["webhooks"]))
"#;

fn document(vendor: &str) -> Value {
    hookcert::openapi_document(vendor).unwrap_or_else(|e| panic!("{vendor}: {e}"))
}

#[test]
fn openapi_spec_validator_accepts_every_vendor_s_document() {
    ensure_python_deps();
    let dir = tempfile::tempdir().expect("a temp dir");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    for vendor in VENDORS {
        let doc = document(vendor);
        let path = dir.path().join(format!("{vendor}.openapi.json"));
        std::fs::write(
            &path,
            serde_json::to_vec_pretty(&doc).expect("the document serialises"),
        )
        .expect("write the document");
        let out = Command::new(&python)
            .args(["-c", VALIDATOR_SCRIPT])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "openapi-spec-validator refuses the {vendor} document:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let webhooks = doc["webhooks"].as_object().map_or(0, |w| w.len());
        assert_eq!(stdout.trim(), format!("valid 3.1.0 {webhooks}"), "{vendor}");
    }
}

#[test]
fn every_event_type_has_a_webhook_with_its_authentication_and_responses() {
    let catalog = hookcert_catalog::embedded().expect("the catalog loads");
    for vendor in &catalog.vendors {
        let profile = &vendor.profile;
        let doc = document(&profile.id);
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["info"]["title"], format!("{} webhooks", profile.name));
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        let about = doc["info"]["description"].as_str().expect("a description");
        assert!(about.contains(&profile.source_document), "{about}");
        assert_eq!(
            doc["jsonSchemaDialect"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let webhooks = doc["webhooks"].as_object().expect("webhooks");
        assert_eq!(webhooks.len(), vendor.events.len(), "{}", profile.id);
        let mut operation_ids = std::collections::BTreeSet::new();
        for event in &vendor.events {
            let op = &webhooks
                .get(&event.name)
                .unwrap_or_else(|| panic!("{}: no webhook {}", profile.id, event.name))["post"];
            let id = op["operationId"].as_str().expect("an operationId");
            assert!(
                id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{id}"
            );
            assert!(operation_ids.insert(id.to_owned()), "{id} twice");
            assert_eq!(op["summary"], event.name);
            assert_eq!(op["requestBody"]["required"], true);
            let reference = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .expect("a schema ref");
            assert!(
                reference.starts_with("#/components/schemas/events."),
                "{reference}"
            );
            check_responses(profile, &op["responses"]);
            check_parameters(profile, op);
        }
    }
}

fn check_responses(profile: &VendorProfile, responses: &Value) {
    let keys: Vec<&str> = responses
        .as_object()
        .expect("responses")
        .keys()
        .map(String::as_str)
        .collect();
    let success = if profile.id == "spotio" { "200" } else { "2XX" };
    assert!(keys.contains(&success), "{}: {keys:?}", profile.id);
    assert!(keys.contains(&"400") && keys.contains(&"401"), "{keys:?}");
    assert_eq!(keys.len(), 3, "{}: {keys:?}", profile.id);
}

fn check_parameters(profile: &VendorProfile, op: &Value) {
    let description = op["description"].as_str().expect("a description");
    match profile.id.as_str() {
        "spotio" => {
            let p = &op["parameters"][0];
            assert_eq!(p["name"], "X-Signature");
            assert_eq!(p["in"], "header");
            assert_eq!(p["required"], true);
            assert_eq!(p["schema"]["pattern"], "^[0-9a-f]{64}$");
        }
        "zoho-salesiq" => {
            let p = &op["parameters"][0];
            assert_eq!(p["name"], "x-siqsignature");
            assert_eq!(p["in"], "header");
            // The document offers an unsigned webhook as well ("If you wish to set up a
            // secure callback…"): the signature is optional.
            assert_eq!(p["required"], false);
            assert_eq!(p["schema"]["contentEncoding"], "base64");
        }
        other => {
            assert!(op.get("parameters").is_none(), "{other}: {op}");
            let needle = match other {
                "breakcold" => "`secret`",
                "clinchpad" => "`handshake_key`",
                _ => "headers the user configures",
            };
            assert!(description.contains(needle), "{other}: {description}");
        }
    }
}

/// Every `$ref` in `value`, with where it is.
fn refs<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if let ("$ref", Value::String(r)) = (k.as_str(), v) {
                    out.push((at.clone(), r));
                }
                refs(v, format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[test]
fn every_ref_points_inside_the_document_and_no_copy_keeps_an_id() {
    for vendor in VENDORS {
        let doc = document(vendor);
        let mut found = Vec::new();
        refs(&doc, String::new(), &mut found);
        // One per webhook's request body, plus every ref the catalog's files hold.
        let catalog = hookcert_catalog::embedded().expect("the catalog loads");
        let v = catalog.vendor(vendor).expect("a vendor");
        let mut in_catalog = Vec::new();
        for file in catalog.files.iter().filter(|f| f.path.starts_with(&v.dir)) {
            refs(&file.raw, String::new(), &mut in_catalog);
        }
        assert_eq!(found.len(), v.events.len() + in_catalog.len(), "{vendor}");
        for (at, reference) in found {
            let pointer = reference
                .strip_prefix('#')
                .filter(|p| p.starts_with('/'))
                .unwrap_or_else(|| panic!("{vendor} {at}: $ref {reference} leaves the document"));
            // Walk it token by token, so that an escaped token is read as JSON Pointer says.
            let mut here = &doc;
            for token in pointer.split('/').skip(1) {
                let token = unescape(token);
                here = here.get(token.as_str()).unwrap_or_else(|| {
                    panic!("{vendor} {at}: $ref {reference} does not resolve ({token})")
                });
            }
            assert!(
                here.is_object(),
                "{vendor} {at}: {reference} is not a schema"
            );
        }
        let text = doc.to_string();
        assert!(!text.contains("\"$id\""), "{vendor}: a copy keeps $id");
        assert!(!text.contains("hookcert.dev"), "{vendor}: a URL is left");
    }
}

#[test]
fn golden_examples_validate_against_the_bundled_schemas() {
    let catalog = hookcert_catalog::embedded().expect("the catalog loads");
    for vendor in &catalog.vendors {
        let profile = &vendor.profile;
        let doc = document(&profile.id);
        let webhooks = doc["webhooks"].as_object().expect("webhooks");
        let components = &doc["components"];
        let mut checked = 0;
        for example in &vendor.examples {
            let body: Value = serde_json::from_slice(catalog.example_bytes(example))
                .unwrap_or_else(|e| panic!("{}: {e}", example.path.display()));
            // Each event in a body against its own schema: a SPOTIO batch is cut into one-event
            // bodies `{"payload":[event]}`, which is what an event schema describes.
            for slot in profile.envelope.event_slots(&body) {
                let event = slot
                    .event_type
                    .clone()
                    .expect("golden events name their type");
                let reference = webhooks[&event]["post"]["requestBody"]["content"]
                    ["application/json"]["schema"]["$ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no webhook for {event}"));
                let schema = json!({ "$ref": reference, "components": components });
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{}: {reference} compiles: {e}", profile.id));
                let one = profile.envelope.single_event_body(&body, &slot);
                let errors: Vec<String> = validator
                    .iter_errors(&one)
                    .map(|e| format!("{}: {e}", e.instance_path()))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{} ({event}) against {reference}: {errors:#?}",
                    example.path.display()
                );
                checked += 1;
            }
        }
        assert!(
            checked >= vendor.events.len(),
            "{}: {checked} events checked",
            profile.id
        );
    }
}

#[test]
fn the_bundled_schemas_still_reject_what_the_catalog_rejects() {
    // The bundle must not loosen a schema (a ref rewritten to something vacuous would let
    // anything through): an empty batch, another event's type, and a date in the wrong form
    // are refused through the rewritten refs.
    let doc = document("spotio");
    let schema = json!({
        "$ref": "#/components/schemas/events.lead.added",
        "components": doc["components"],
    });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("compiles");
    assert!(!validator.is_valid(&json!({ "payload": [] })));
    assert!(
        !validator
            .is_valid(&json!({ "payload": [{ "type": "lead.deleted", "date": "x", "data": {} }] }))
    );
    let catalog = hookcert_catalog::embedded().expect("the catalog loads");
    let vendor = catalog.vendor("spotio").expect("spotio");
    let example = vendor
        .examples
        .iter()
        .find(|e| e.label == "lead.added")
        .expect("a lead.added example");
    let mut body: Value = serde_json::from_slice(catalog.example_bytes(example)).expect("JSON");
    assert!(validator.is_valid(&body));
    body["payload"][0]["date"] = json!("2024-01-01");
    assert!(!validator.is_valid(&body), "a date without time passes");
}
