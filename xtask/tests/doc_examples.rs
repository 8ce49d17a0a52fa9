//! Every `*.doc*.json` golden example is the document's own example: its JSON stands in the
//! seed document as written (list numbering and white space aside), or, for SalesIQ examples
//! the document shows without their envelope, its `entity` does; or the example is named in
//! the vendor's ERRATA.md, which says what was repaired.

mod common;

use common::{schemas, workspace_root};
use serde_json::Value;

/// The text without white space (ASCII and no-break spaces) and without the web page's list
/// numbering (`  12. `), so that only the JSON's tokens are compared.
fn tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start_matches([' ', '\t', '\u{a0}']);
        let unnumbered = match trimmed.split_once(". ") {
            Some((n, rest)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => rest,
            _ => trimmed,
        };
        out.extend(
            unnumbered
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{a0}'),
        );
    }
    out
}

const REPAIRED: &[&str] = &[
    "conversation.attender.updated.doc.json",
    "conversation.rated.doc-feedback.json",
];

#[test]
fn document_examples_are_the_documents_own() {
    let seeds = workspace_root().join("../shared/seeds");
    assert!(
        seeds.is_dir(),
        "the seed documents are expected at {} (shared/ beside the repo)",
        seeds.display()
    );
    let mut checked = 0;
    for entry in std::fs::read_dir(schemas()).expect("schemas/") {
        let dir = entry.expect("entry").path();
        let Ok(profile) = std::fs::read(dir.join("vendor.json")) else {
            continue;
        };
        let profile: Value = serde_json::from_slice(&profile).expect("vendor.json");
        let seed_file = profile["source_document"]
            .as_str()
            .expect("source_document");
        let seed = tokens(&std::fs::read_to_string(seeds.join(seed_file)).expect("seed document"));
        let errata = std::fs::read_to_string(dir.join("ERRATA.md")).expect("ERRATA.md");
        for example in std::fs::read_dir(dir.join("examples")).expect("examples/") {
            let path = example.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            if !name.contains(".doc") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("example");
            let body: Value = serde_json::from_str(&text).expect("JSON");
            let verbatim = seed.contains(&tokens(&text));
            // Compact serialization keeps key order (preserve_order) and drops only white
            // space, so its tokens are the file's tokens for the entity.
            let wrapped_entity = body.get("entity").is_some_and(|e| {
                seed.contains(&tokens(&serde_json::to_string(e).expect("entity")))
            });
            // The only document examples that are not valid JSON as printed (ERRATA.md says
            // how each was repaired); every other must stand in the document token for token.
            let repaired = REPAIRED.contains(&name.as_str()) && errata.contains(&name);
            assert!(
                verbatim || wrapped_entity || repaired,
                "{}: not found in {seed_file} (nor its entity), and not a repair named in ERRATA.md",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 24, "only {checked} document examples");
}

#[test]
fn every_document_example_is_present() {
    // The count of examples each document shows (SalesIQ counts its three visitor.updated cases,
    // both conversation.rated payloads and the envelope example; its two templates are not
    // examples, see ERRATA.md).
    let expected = [
        ("spotio", 3),
        ("breakcold", 1),
        ("clinchpad", 1),
        ("zoho-salesiq", 18),
        ("tomba", 1),
    ];
    for (vendor, count) in expected {
        let found = std::fs::read_dir(schemas().join(vendor).join("examples"))
            .expect("examples/")
            .filter(|e| {
                e.as_ref()
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .contains(".doc")
            })
            .count();
        assert_eq!(found, count, "{vendor}: document examples");
    }
}
