//! `cargo xtask check`: everything that must hold of `schemas/` before code is generated
//! from it, and that the generated code is what the catalog generates now. Prints one line per problem, `file#pointer: message`, and exits 1 if there is any.

use anyhow::Result;
use hookcert_codegen::catalog::read_json;
use hookcert_codegen::reference_validator::ReferenceValidator;
use hookcert_codegen::{Catalog, Problem};
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;

pub fn run(schemas: &Path, generated: &Path) -> Result<ExitCode> {
    let mut problems = check_profiles(schemas);
    let catalog = match hookcert_codegen::load(schemas) {
        Ok(catalog) => Some(catalog),
        Err(found) => {
            problems.extend(found.0);
            None
        }
    };
    if let Some(catalog) = &catalog {
        problems.extend(check_meta_schema(catalog));
        if problems.is_empty() {
            problems.extend(check_examples(catalog)?);
        }
        if problems.is_empty() {
            problems.extend(crate::generated_sources::drift(catalog, generated));
        }
    }
    problems.sort();
    problems.dedup();
    for problem in &problems {
        println!("{problem}");
    }
    if problems.is_empty() {
        let catalog = catalog.as_ref();
        let vendors = catalog.map_or(0, |c| c.vendors.len());
        let events: usize = catalog.map_or(0, |c| c.vendors.iter().map(|v| v.events.len()).sum());
        let examples: usize =
            catalog.map_or(0, |c| c.vendors.iter().map(|v| v.examples.len()).sum());
        println!("catalog ok: {vendors} vendors, {events} events, {examples} golden examples");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("catalog check failed: {} problem(s)", problems.len());
        Ok(ExitCode::FAILURE)
    }
}

/// Every vendor.json against `schemas/vendor.schema.json`, before the loader reads them.
fn check_profiles(schemas: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(profile_schema) = read_json(schemas, Path::new("vendor.schema.json"), &mut problems)
    else {
        return problems;
    };
    let validator = match jsonschema::draft202012::new(&profile_schema) {
        Ok(v) => v,
        Err(e) => {
            problems.push(Problem::new(
                "schemas/vendor.schema.json",
                e.instance_path().as_str(),
                e.to_string(),
            ));
            return problems;
        }
    };
    let Ok(entries) = std::fs::read_dir(schemas) else {
        return problems;
    };
    let mut dirs: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let Some(name) = dir.file_name() else {
            continue;
        };
        let rel = Path::new(name).join("vendor.json");
        if !schemas.join(&rel).is_file() {
            continue;
        }
        let Some(profile) = read_json(schemas, &rel, &mut problems) else {
            continue;
        };
        for error in validator.iter_errors(&profile) {
            problems.push(Problem::new(
                Path::new("schemas").join(&rel),
                error.instance_path().as_str(),
                error.to_string(),
            ));
        }
    }
    problems
}

/// Every schema file against the draft 2020-12 meta-schema.
fn check_meta_schema(catalog: &Catalog) -> Vec<Problem> {
    let meta = jsonschema::draft202012::meta::validator();
    catalog
        .files
        .iter()
        .flat_map(|file| {
            meta.iter_errors(&file.raw)
                .map(|e| {
                    Problem::new(
                        Path::new("schemas").join(&file.path),
                        e.instance_path().as_str(),
                        format!("not a valid 2020-12 schema: {e}"),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every golden example against its schema.
fn check_examples(catalog: &Catalog) -> Result<Vec<Problem>> {
    let validator = ReferenceValidator::new(catalog)?;
    let mut problems = Vec::new();
    for vendor in &catalog.vendors {
        for example in &vendor.examples {
            let shown = Path::new("schemas").join(&example.path);
            let Some(body): Option<Value> = read_json(&catalog.root, &example.path, &mut problems)
            else {
                continue;
            };
            let expect = (example.label != hookcert_codegen::catalog::BATCH_LABEL)
                .then_some(example.label.as_str());
            if expect.is_none() && vendor.profile.event_slots(&body).len() < 2 {
                problems.push(Problem::new(
                    &shown,
                    "",
                    "a batch example must carry at least two events",
                ));
            }
            for v in validator.validate(vendor, &body, expect) {
                problems.push(Problem::new(&shown, v.pointer, v.message));
            }
        }
    }
    Ok(problems)
}
