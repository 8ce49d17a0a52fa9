//! Every golden example of the catalog parses into its typed variant, validates, and
//! serializes back to the same JSON.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

fn examples(vendor: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(schemas().join(vendor).join("examples"))
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

/// `lead.added.doc.json` → `lead.added`; `batch.constructed-mixed.json` → `batch`.
fn label(path: &Path) -> String {
    let name = path.file_name().expect("file name").to_string_lossy();
    let stem = name.strip_suffix(".json").expect(".json");
    stem.rsplit_once('.').expect("label.origin").0.to_owned()
}

#[test]
fn every_golden_example_parses_validates_and_round_trips() {
    let mut seen = 0;
    for &vendor in hookcert_events::VENDORS {
        for path in examples(vendor) {
            let bytes = std::fs::read(&path).expect("read example");
            let body: Value = serde_json::from_slice(&bytes).expect("example is JSON");
            let delivery = match hookcert_events::parse(vendor, &bytes).expect("known vendor") {
                Ok(d) => d,
                Err(e) => panic!("{}: {e}", path.display()),
            };
            let events = delivery.events();
            let label = label(&path);
            let originals: Vec<&Value> = match body.get("payload").and_then(Value::as_array) {
                Some(items) if vendor == "spotio" => items.iter().collect(),
                _ => vec![&body],
            };
            assert_eq!(events.len(), originals.len(), "{}", path.display());
            for ((event_type, value), original) in events.into_iter().zip(originals) {
                let event_type =
                    event_type.unwrap_or_else(|| panic!("{}: no event type", path.display()));
                if label != "batch" {
                    assert_eq!(event_type, label, "{}", path.display());
                }
                let value = value.expect("serializes");
                assert_eq!(
                    &value,
                    original,
                    "{}: round trip changed the event",
                    path.display()
                );
                seen += 1;
            }
        }
    }
    assert!(seen >= 94, "only {seen} golden events");
}

#[test]
fn no_golden_example_parses_as_unknown() {
    for &vendor in hookcert_events::VENDORS {
        for path in examples(vendor) {
            let bytes = std::fs::read(&path).expect("read example");
            let delivery = hookcert_events::parse(vendor, &bytes)
                .expect("vendor")
                .expect("parses");
            let debug = format!("{delivery:?}");
            assert!(
                !debug.contains("Unknown(UnknownEvent"),
                "{}: parsed as an unknown event",
                path.display()
            );
        }
    }
}

#[test]
fn a_wrong_prediction_is_noticed_from_the_declared_type() {
    // The one-pass decoder first tries the type of the previous body. lead.added and
    // lead.updated carry the same lead, so a lead.updated body decodes as a lead.added one:
    // only the type it declares shows the prediction was wrong.
    let added =
        std::fs::read(schemas().join("spotio/examples/lead.added.doc.json")).expect("example");
    let updated = String::from_utf8(added.clone())
        .expect("UTF-8")
        .replace("\"lead.added\"", "\"lead.updated\"");
    for _ in 0..3 {
        let d = hookcert_events::spotio::parse(&added).expect("lead.added");
        assert!(matches!(
            d.events[0],
            hookcert_events::spotio::Event::LeadAdded(_)
        ));
    }
    let d = hookcert_events::spotio::parse(updated.as_bytes()).expect("lead.updated");
    assert!(
        matches!(d.events[0], hookcert_events::spotio::Event::LeadUpdated(_)),
        "{:?}",
        d.events[0].event_type()
    );
    let again = hookcert_events::spotio::parse(&added).expect("lead.added");
    assert!(matches!(
        again.events[0],
        hookcert_events::spotio::Event::LeadAdded(_)
    ));
    // The same for a single-event vendor whose type comes first.
    let create =
        std::fs::read(schemas().join("breakcold/examples/lead.create.doc.json")).expect("example");
    let update = String::from_utf8(create.clone())
        .expect("UTF-8")
        .replace("\"lead.create\"", "\"lead.update\"");
    hookcert_events::breakcold::parse(&create).expect("lead.create");
    let d = hookcert_events::breakcold::parse(update.as_bytes()).expect("lead.update");
    assert!(matches!(
        d.events[0],
        hookcert_events::breakcold::Event::LeadUpdate(_)
    ));
}
