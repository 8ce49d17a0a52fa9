//! Loads `schemas/` into the model: every vendor's profile, schema files, events and examples,
//! checking that they agree with each other. JSON Schema validation proper (meta-schema,
//! examples against schemas) is `cargo xtask check`'s job; this reads and cross-references.

use crate::model::{Catalog, Event, Example, FileId, Origin, SchemaFile, Vendor};
use crate::problem::{Problem, Problems};
use crate::profile::{EnvelopeKind, VendorProfile};
use crate::schema_reader::{Files, SchemaReader};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

/// The catalog's files, by path below `schemas/`: read from disk by [`load`], or embedded in a
/// binary and handed to [`load_files`]. Everything after reading works on this, so both
/// sources give the same model.
pub type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// Where every schema's `$id` lives: `$id` = this + the file's path below `schemas/`.
pub const ID_BASE: &str = "https://hookcert.dev/schemas/";

/// The label of an example that carries a batch of several events.
pub const BATCH_LABEL: &str = "batch";

/// Reads the catalog rooted at `root` (a folder laid out as `schemas/`).
pub fn load(root: &Path) -> Result<Catalog, Problems> {
    load_files(root, read_folder(root)?)
}

/// Every JSON file below `root`, by path relative to it.
pub fn read_folder(root: &Path) -> Result<Tree, Problems> {
    let mut problems = Vec::new();
    let mut tree = Tree::new();
    read_tree(root, root, &mut tree, &mut problems);
    if problems.is_empty() {
        Ok(tree)
    } else {
        Err(Problems(problems))
    }
}

/// Reads a catalog from files already in memory (paths below `schemas/`); `root` only names
/// where they came from.
pub fn load_files(root: &Path, tree: Tree) -> Result<Catalog, Problems> {
    let mut problems = Vec::new();
    let vendor_dirs = vendor_dirs(&tree, &mut problems);
    let mut profiles = Vec::new();
    let mut raw_files: Vec<(PathBuf, Value)> = Vec::new();
    for dir in &vendor_dirs {
        let Some(profile) = read_profile(&tree, dir, &mut problems) else {
            continue;
        };
        for rel in schema_paths(&tree, dir) {
            if let Some(value) = tree_json(&tree, &rel, &mut problems) {
                raw_files.push((rel, value));
            }
        }
        profiles.push((dir.clone(), profile));
    }
    let files = read_schema_files(&raw_files, &mut problems);
    let by_path: HashMap<&Path, FileId> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_path(), FileId(i)))
        .collect();
    let vendors = profiles
        .into_iter()
        .filter_map(|(dir, profile)| build_vendor(&tree, dir, profile, &by_path, &mut problems))
        .collect();
    let catalog = Catalog {
        root: root.to_owned(),
        vendors,
        files,
        sources: tree,
    };
    check_ref_cycles(&catalog, &mut problems);
    check_event_types(&catalog, &mut problems);
    check_observed_citations(&catalog, &mut problems);
    if problems.is_empty() {
        Ok(catalog)
    } else {
        problems.sort();
        problems.dedup();
        Err(Problems(problems))
    }
}

fn read_tree(root: &Path, dir: &Path, tree: &mut Tree, problems: &mut Vec<Problem>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Problem::new(
                dir,
                "",
                format!("cannot read the folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            read_tree(root, &path, tree, problems);
        } else if path.extension().is_some_and(|e| e == "json")
            || path.file_name().is_some_and(|n| n == "ERRATA.md")
        {
            match fs::read(&path) {
                Ok(bytes) => {
                    tree.insert(relative(root, &path), bytes);
                }
                Err(e) => problems.push(Problem::new(&path, "", format!("cannot read: {e}"))),
            }
        }
    }
}

fn vendor_dirs(tree: &Tree, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = tree
        .keys()
        .filter(|p| {
            p.components().count() == 2 && p.file_name().is_some_and(|n| n == "vendor.json")
        })
        .filter_map(|p| p.parent().map(Path::to_owned))
        .collect();
    if dirs.is_empty() {
        problems.push(Problem::new(
            "schemas",
            "",
            "no vendor folders (folders with a vendor.json)",
        ));
    }
    dirs
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_owned()
}

/// A JSON file of the tree; `rel` is what problems name.
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

fn read_profile(tree: &Tree, dir: &Path, problems: &mut Vec<Problem>) -> Option<VendorProfile> {
    let rel = dir.join("vendor.json");
    let value = tree_json(tree, &rel, problems)?;
    let profile: VendorProfile = match serde_json::from_value(value) {
        Ok(p) => p,
        Err(e) => {
            problems.push(Problem::new(
                Path::new("schemas").join(&rel),
                "",
                format!("not a vendor profile: {e}"),
            ));
            return None;
        }
    };
    if Path::new(&profile.id) != dir {
        problems.push(Problem::new(
            Path::new("schemas").join(&rel),
            "/id",
            format!(
                "id \"{}\" differs from the folder name \"{}\"",
                profile.id,
                dir.display()
            ),
        ));
    }
    check_envelope_profile(&profile, &Path::new("schemas").join(&rel), problems);
    Some(profile)
}

fn check_envelope_profile(profile: &VendorProfile, file: &Path, problems: &mut Vec<Problem>) {
    let env = &profile.envelope;
    if env.kind == EnvelopeKind::Batch && env.events_pointer.is_none() {
        problems.push(Problem::new(
            file,
            "/envelope",
            "a batch envelope needs events_pointer",
        ));
    }
    let nested_field = profile
        .authentication
        .body_field
        .as_deref()
        .is_some_and(|p| crate::pointer::tokens(p).count() != 1);
    if nested_field {
        problems.push(Problem::new(
            file,
            "/authentication/body_field",
            "the secret's body field must be a top-level field (/name)",
        ));
    }
    if env.type_pointer.is_none() == env.fixed_type.is_none() {
        problems.push(Problem::new(
            file,
            "/envelope",
            "exactly one of type_pointer and fixed_type",
        ));
    }
}

/// Every `*.schema.json` below a vendor folder, sorted for determinism.
fn schema_paths(tree: &Tree, dir: &Path) -> Vec<PathBuf> {
    tree.keys()
        .filter(|p| p.starts_with(dir) && p.to_string_lossy().ends_with(".schema.json"))
        .cloned()
        .collect()
}

fn read_schema_files(
    raw_files: &[(PathBuf, Value)],
    problems: &mut Vec<Problem>,
) -> Vec<SchemaFile> {
    let mut by_id = HashMap::new();
    for (i, (rel, value)) in raw_files.iter().enumerate() {
        let expected = format!("{ID_BASE}{}", rel.to_string_lossy());
        if value.get("$id").and_then(Value::as_str) != Some(expected.as_str()) {
            problems.push(Problem::new(
                Path::new("schemas").join(rel),
                "/$id",
                format!("$id must be \"{expected}\" (the file's own path)"),
            ));
        }
        by_id.insert(expected, FileId(i));
    }
    let raw: Vec<Value> = raw_files.iter().map(|(_, v)| v.clone()).collect();
    let files = Files {
        by_id: &by_id,
        raw: &raw,
    };
    raw_files
        .iter()
        .map(|(rel, value)| {
            let id = format!("{ID_BASE}{}", rel.to_string_lossy());
            let shown = Path::new("schemas").join(rel);
            let root = SchemaReader::new(&shown, &id, &files, problems).read_root(value);
            SchemaFile {
                path: rel.clone(),
                id,
                raw: value.clone(),
                root,
            }
        })
        .collect()
}

fn build_vendor(
    tree: &Tree,
    dir: PathBuf,
    profile: VendorProfile,
    by_path: &HashMap<&Path, FileId>,
    problems: &mut Vec<Problem>,
) -> Option<Vendor> {
    let shown_dir = Path::new("schemas").join(&dir);
    let envelope = by_path
        .get(dir.join("envelope.schema.json").as_path())
        .copied();
    if envelope.is_none() {
        problems.push(Problem::new(
            shown_dir.join("envelope.schema.json"),
            "",
            "missing: every vendor has an envelope schema",
        ));
    }
    let events = profile
        .events
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let rel = dir.join("events").join(format!("{name}.schema.json"));
            match by_path.get(rel.as_path()) {
                Some(&file) => Some(Event {
                    name: name.clone(),
                    file,
                }),
                None => {
                    problems.push(Problem::new(
                        shown_dir.join("vendor.json"),
                        format!("/events/{i}"),
                        format!(
                            "event \"{name}\" has no schema file {}",
                            Path::new("schemas").join(&rel).display()
                        ),
                    ));
                    None
                }
            }
        })
        .collect();
    check_no_stray_event_files(&dir, &profile, by_path, problems);
    let examples = read_examples(tree, &dir, &profile, problems);
    let errata = match tree.get(&dir.join("ERRATA.md")) {
        Some(bytes) => crate::errata::parse(&String::from_utf8_lossy(bytes)),
        None => {
            problems.push(Problem::new(
                shown_dir.join("ERRATA.md"),
                "",
                "missing: every vendor has an ERRATA.md, even an empty one",
            ));
            Vec::new()
        }
    };
    Some(Vendor {
        profile,
        dir,
        envelope: envelope?,
        events,
        examples,
        errata,
    })
}

fn check_no_stray_event_files(
    dir: &Path,
    profile: &VendorProfile,
    by_path: &HashMap<&Path, FileId>,
    problems: &mut Vec<Problem>,
) {
    let events_dir = dir.join("events");
    for path in by_path.keys() {
        let Ok(name) = path.strip_prefix(&events_dir) else {
            continue;
        };
        let name = name.to_string_lossy();
        let event = name.trim_end_matches(".schema.json");
        if !profile.events.iter().any(|e| e == event) {
            problems.push(Problem::new(
                Path::new("schemas").join(path),
                "",
                format!(
                    "event \"{event}\" is not listed in {}/vendor.json",
                    dir.display()
                ),
            ));
        }
    }
}

fn read_examples(
    tree: &Tree,
    dir: &Path,
    profile: &VendorProfile,
    problems: &mut Vec<Problem>,
) -> Vec<Example> {
    let examples_dir = dir.join("examples");
    let paths = tree
        .keys()
        .filter(|p| p.parent() == Some(examples_dir.as_path()));
    let mut examples = Vec::new();
    for rel in paths {
        match parse_example_name(rel, profile) {
            Ok(example) => examples.push(example),
            Err(message) => {
                problems.push(Problem::new(Path::new("schemas").join(rel), "", message))
            }
        }
    }
    for (i, event) in profile.events.iter().enumerate() {
        if !examples.iter().any(|e| &e.label == event) {
            problems.push(Problem::new(
                Path::new("schemas").join(dir).join("vendor.json"),
                format!("/events/{i}"),
                format!(
                    "event \"{event}\" has no golden example in {}/examples/",
                    dir.display()
                ),
            ));
        }
    }
    examples
}

/// `<event-type>.<origin>[-<tag>].json`, origin `doc` or `constructed`.
fn parse_example_name(rel: &Path, profile: &VendorProfile) -> Result<Example, String> {
    let file_name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file_name
        .strip_suffix(".json")
        .ok_or("examples must be .json files")?;
    let (label, origin_tag) = stem
        .rsplit_once('.')
        .ok_or("example names are <event-type>.<doc|constructed>[-tag].json")?;
    let (origin, tag) = match origin_tag.split_once('-') {
        Some((o, t)) => (o, Some(t.to_owned())),
        None => (origin_tag, None),
    };
    let origin = match origin {
        "doc" => Origin::Document,
        "constructed" => Origin::Constructed,
        other => return Err(format!("origin \"{other}\" must be doc or constructed")),
    };
    let is_batch = label == BATCH_LABEL && profile.envelope.kind == EnvelopeKind::Batch;
    if !is_batch && !profile.events.iter().any(|e| e == label) {
        return Err(format!(
            "\"{label}\" is not an event type of {}",
            profile.id
        ));
    }
    Ok(Example {
        path: rel.to_owned(),
        label: label.to_owned(),
        origin,
        tag,
    })
}

/// A `$ref` that leads back to itself through nothing but other `$ref`s describes no value.
fn check_ref_cycles(catalog: &Catalog, problems: &mut Vec<Problem>) {
    for file in &catalog.files {
        let mut schemas = vec![&file.root];
        schemas.extend(file.root.defs.iter().map(|(_, s)| s));
        for start in schemas {
            let mut here = start;
            for _ in 0..=catalog.files.len() * 8 {
                match &here.reference {
                    Some(r) => here = catalog.resolve(r),
                    None => break,
                }
                if std::ptr::eq(here, start) {
                    problems.push(Problem::new(
                        Path::new("schemas").join(&file.path),
                        start.pointer.clone(),
                        "$ref cycle with no schema in between",
                    ));
                    break;
                }
            }
        }
    }
}

/// The field that names the event type must be a `const` equal to the event's name, so that
/// dispatch on the type can only ever pick this schema.
fn check_event_types(catalog: &Catalog, problems: &mut Vec<Problem>) {
    for vendor in &catalog.vendors {
        let env = &vendor.profile.envelope;
        let Some(type_pointer) = &env.type_pointer else {
            continue;
        };
        for event in &vendor.events {
            let file = catalog.file(event.file);
            let at = env.in_first_event(type_pointer);
            let constant = catalog
                .schema_at(&file.root, &at)
                .and_then(|s| s.const_value.as_ref())
                .and_then(Value::as_str);
            if constant != Some(event.name.as_str()) {
                problems.push(Problem::new(
                    Path::new("schemas").join(&file.path),
                    "",
                    format!(
                        "the event type at {at} must be {{\"const\": \"{}\"}}",
                        event.name
                    ),
                ));
            }
            let required = is_required_path(catalog, &file.root, &at);
            if !required {
                problems.push(Problem::new(
                    Path::new("schemas").join(&file.path),
                    "",
                    format!("the event type at {at} must be required"),
                ));
            }
        }
    }
}

fn is_required_path(catalog: &Catalog, root: &crate::model::Schema, pointer: &str) -> bool {
    let mut here = catalog.deref(root);
    for token in crate::pointer::tokens(pointer) {
        if token.parse::<usize>().is_ok() && here.items.is_some() {
            let Some(items) = here.items.as_deref() else {
                return false;
            };
            here = catalog.deref(items);
            continue;
        }
        match here.property(&token) {
            Some(p) if p.required => here = catalog.deref(&p.schema),
            _ => return false,
        }
    }
    true
}

/// Every observed constraint cites an entry its vendor's ERRATA.md has.
fn check_observed_citations(catalog: &Catalog, problems: &mut Vec<Problem>) {
    for vendor in &catalog.vendors {
        for file in catalog
            .files
            .iter()
            .filter(|f| f.path.starts_with(&vendor.dir))
        {
            let mut schemas = vec![&file.root];
            while let Some(schema) = schemas.pop() {
                schemas.extend(schema.properties.iter().map(|p| &p.schema));
                schemas.extend(schema.items.as_deref());
                schemas.extend(schema.defs.iter().map(|(_, s)| s));
                let Some(observed) = &schema.observed else {
                    continue;
                };
                if !vendor.errata.iter().any(|e| e.number == observed.errata) {
                    problems.push(Problem::new(
                        Path::new("schemas").join(&file.path),
                        format!("{}/x-observed/errata", schema.pointer),
                        format!(
                            "cites ERRATA entry {}, which {}/ERRATA.md does not have",
                            observed.errata,
                            vendor.dir.display()
                        ),
                    ));
                }
            }
        }
    }
}
