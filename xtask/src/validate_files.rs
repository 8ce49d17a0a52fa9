//! `cargo xtask validate`: verdicts on request bodies from the reference validator. A body is
//! `valid` when it breaks no documented rule; what it breaks of the constraints only observed
//! in the document's examples is listed below it as notes, each citing its ERRATA entry.

use anyhow::{Context, Result, anyhow};
use hookcert_catalog::{ReferenceValidator, Violation, observed_notes};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `cargo xtask validate`: a verdict line per file.
pub fn run(schemas: &Path, vendor_id: &str, files: &[PathBuf]) -> Result<ExitCode> {
    let catalog = hookcert_catalog::load(schemas).map_err(|p| {
        for problem in &p.0 {
            eprintln!("{problem}");
        }
        anyhow!("the catalog in {} does not load", schemas.display())
    })?;
    let vendor = catalog
        .vendor(vendor_id)
        .ok_or_else(|| anyhow!("--vendor: unknown vendor \"{vendor_id}\""))?;
    let validator = ReferenceValidator::new(&catalog)?;
    for file in files {
        let bytes =
            std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
        let (found, notes) = match serde_json::from_slice::<Value>(&bytes) {
            Ok(body) => (
                validator.validate(vendor, &body, None),
                observed_notes(&catalog, vendor, &body),
            ),
            Err(e) => (
                vec![Violation {
                    pointer: String::new(),
                    message: format!("not JSON: {e}"),
                    errata: None,
                }],
                Vec::new(),
            ),
        };
        println!(
            "{}\t{}",
            if found.is_empty() { "valid" } else { "invalid" },
            file.display()
        );
        for v in found {
            println!("\t{} {}", shown(&v.pointer), v.message);
        }
        for n in notes {
            println!(
                "\tnote {} {} (observed, ERRATA #{})",
                shown(&n.pointer),
                n.message,
                n.errata.unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}
