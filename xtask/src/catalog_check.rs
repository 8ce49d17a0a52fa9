//! `cargo xtask check`: everything that must hold of `schemas/` before code is generated
//! from it, and that the generated code is what the catalog generates now. Prints one line per problem, `file#pointer: message`, and exits 1 if there is any.

use anyhow::Result;
use hookcert_catalog::{Catalog, Problem, ReferenceValidator, Tree};
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;

pub fn run(schemas: &Path, generated: &Path, seeds: &Path) -> Result<ExitCode> {
    let (mut problems, catalog) = match hookcert_catalog::read_folder(schemas) {
        Ok(tree) => {
            let problems = check_profiles(&tree);
            match hookcert_catalog::load_files(schemas, tree) {
                Ok(catalog) => (problems, Some(catalog)),
                Err(found) => (problems.into_iter().chain(found.0).collect(), None),
            }
        }
        Err(found) => (found.0, None),
    };
    if let Some(catalog) = &catalog {
        problems.extend(check_meta_schema(catalog));
        problems.extend(check_errata_quotes(catalog, seeds));
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

/// A JSON file of the tree, or the problem that it is missing or not JSON.
fn tree_json(tree: &Tree, rel: &Path, problems: &mut Vec<Problem>) -> Option<Value> {
    let shown = Path::new("schemas").join(rel);
    let Some(bytes) = tree.get(rel) else {
        problems.push(Problem::new(shown, "", "missing"));
        return None;
    };
    match serde_json::from_slice(bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(Problem::new(shown, "", format!("not valid JSON: {e}")));
            None
        }
    }
}

/// Every vendor.json against `schemas/vendor.schema.json`, before the loader reads them.
fn check_profiles(tree: &Tree) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(profile_schema) = tree_json(tree, Path::new("vendor.schema.json"), &mut problems)
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
    let profiles = tree
        .keys()
        .filter(|p| p.components().count() == 2 && p.ends_with("vendor.json"));
    for rel in profiles {
        let Some(profile) = tree_json(tree, rel, &mut problems) else {
            continue;
        };
        for error in validator.iter_errors(&profile) {
            problems.push(Problem::new(
                Path::new("schemas").join(rel),
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
            let Some(body) = tree_json(&catalog.sources, &example.path, &mut problems) else {
                continue;
            };
            let expect =
                (example.label != hookcert_catalog::BATCH_LABEL).then_some(example.label.as_str());
            if expect.is_none() && vendor.profile.envelope.event_slots(&body).len() < 2 {
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

/// Every ERRATA entry rests on the document's own words: at least one of its `> ` quotes is
/// found in the vendor's seed document (whitespace and non-breaking spaces aside, the web
/// page's list numbering aside, `…` or `...` joining fragments that are each found).
fn check_errata_quotes(catalog: &Catalog, seeds: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for vendor in &catalog.vendors {
        let file = Path::new("schemas").join(&vendor.dir).join("ERRATA.md");
        let seed_path = seeds.join(&vendor.profile.source_document);
        let seed = match std::fs::read_to_string(&seed_path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(Problem::new(
                    &file,
                    "",
                    format!(
                        "cannot read the document it quotes, {}: {e} (give --seeds)",
                        seed_path.display()
                    ),
                ));
                continue;
            }
        };
        let unnumbered: String = seed
            .lines()
            .map(without_list_number)
            .collect::<Vec<_>>()
            .join(" ");
        let texts = [normalized(&unnumbered), normalized(&seed)];
        let found = |fragment: &str| {
            let fragment = normalized(fragment);
            texts.iter().any(|t| t.contains(&fragment))
        };
        for entry in &vendor.errata {
            let quoted = entry.quotes.iter().any(|q| {
                let fragments = fragments(q);
                !fragments.is_empty() && fragments.iter().all(|f| found(f))
            });
            if !quoted {
                let why = if entry.quotes.is_empty() {
                    "quotes nothing".to_owned()
                } else {
                    format!("quotes words not in {}", vendor.profile.source_document)
                };
                problems.push(Problem::new(
                    &file,
                    "",
                    format!(
                        "entry {} ({}) {why}: every entry rests on the document's words, quoted with `> `",
                        entry.number, entry.title
                    ),
                ));
            }
        }
    }
    problems
}

/// Whitespace of any kind (non-breaking spaces included) as one space.
fn normalized(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A seed line without the web page's list numbering (`  12. `).
fn without_list_number(line: &str) -> &str {
    let trimmed = line.trim_start();
    match trimmed.split_once(". ") {
        Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => line,
    }
}

/// The parts of a quote joined by `…` or `...`, each without its surrounding quotes and
/// backticks.
fn fragments(quote: &str) -> Vec<String> {
    quote
        .split('…')
        .flat_map(|part| part.split("..."))
        .map(|f| {
            let f = f.trim().trim_matches('`').trim();
            let f = match (f.strip_prefix('"'), f.matches('"').count()) {
                (Some(inner), 2) if inner.ends_with('"') => &inner[..inner.len() - 1],
                (Some(inner), n) if n % 2 == 1 => inner,
                _ => f,
            };
            f.trim().trim_matches('`').to_owned()
        })
        .filter(|f| !f.is_empty())
        .collect()
}
