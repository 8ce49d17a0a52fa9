//! The catalog cross-checked by a validator we did not write: Python's `jsonschema` package
//! (installed by scripts/ensure-python-deps.sh if missing) must agree with `cargo xtask`'s
//! verdicts on every golden example and on thousands of mutated copies of them, valid and
//! invalid, and with the 2020-12 meta-schema on every schema file.

mod common;

use common::{remove_at, schemas, stdout, workspace_root, xtask};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// How many mutations of one example are kept at most, spread evenly over all of them, so the
/// run stays quick while every part of every example gets touched by some example.
const MUTATIONS_PER_EXAMPLE: usize = 48;

fn ensure_python() {
    let status = Command::new("bash")
        .arg(workspace_root().join("scripts/ensure-python-deps.sh"))
        .status()
        .expect("run scripts/ensure-python-deps.sh");
    assert!(status.success(), "scripts/ensure-python-deps.sh failed");
}

/// Every JSON pointer in a document, parents before children.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

/// A value of another JSON type than `v`.
fn other_type(v: &Value) -> Value {
    match v {
        Value::String(s) if s.parse::<f64>().is_ok() => json!(true),
        Value::String(_) => json!(12345),
        Value::Number(_) => json!("not a number"),
        Value::Bool(b) => json!(if *b { "true" } else { "false" }),
        Value::Null => json!(0),
        Value::Array(_) => json!({}),
        Value::Object(_) => json!([]),
    }
}

/// Mutations of one body: each member removed, each value replaced by another type, each
/// date-time-looking string broken.
fn mutations(body: &Value) -> Vec<(String, Value)> {
    let mut all = Vec::new();
    let mut ps = Vec::new();
    pointers(body, String::new(), &mut ps);
    for p in &ps {
        let mut removed = body.clone();
        if remove_at(&mut removed, p).is_some() {
            all.push((format!("remove {p}"), removed));
        }
        let mut retyped = body.clone();
        if let Some(slot) = retyped.pointer_mut(p) {
            *slot = other_type(slot);
            all.push((format!("retype {p}"), retyped));
        }
        if let Some(Value::String(s)) = body.pointer(p) {
            let looks_like_time = s.len() >= 19 && s.as_bytes().get(10) == Some(&b'T');
            if let (true, Some(month)) = (looks_like_time, s.get(5..7)) {
                for broken in [s.replacen('T', " ", 1), s.replacen(month, "13", 1)] {
                    let mut b = body.clone();
                    if let Some(slot) = b.pointer_mut(p) {
                        *slot = json!(broken);
                    }
                    all.push((format!("bad time {p}"), b));
                }
            }
        }
    }
    if all.len() <= MUTATIONS_PER_EXAMPLE {
        return all;
    }
    let step = all.len() as f64 / MUTATIONS_PER_EXAMPLE as f64;
    (0..MUTATIONS_PER_EXAMPLE)
        .map(|i| all[(i as f64 * step) as usize].clone())
        .collect()
}

/// `valid`/`invalid` per file, from the `<verdict>\t<file>` lines both tools print.
fn verdicts(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(v, _)| *v == "valid" || *v == "invalid")
        .map(|(v, f)| (f.to_owned(), v.to_owned()))
        .collect()
}

fn python_verdicts(vendor: &str, files: &[PathBuf]) -> BTreeMap<String, String> {
    let mut cmd = Command::new("python3");
    cmd.arg(workspace_root().join("scripts/crosscheck_schemas.py"));
    for f in files {
        cmd.arg("--instance").arg(vendor).arg(f);
    }
    let out = cmd.output().expect("run python3");
    assert!(
        out.status.success(),
        "Python cross-check failed:\n{}\n{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    verdicts(&stdout(&out))
}

fn rust_verdicts(vendor: &str, files: &[PathBuf]) -> BTreeMap<String, String> {
    let mut args = vec![
        "validate".to_owned(),
        "--vendor".to_owned(),
        vendor.to_owned(),
    ];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = xtask(&args);
    assert!(
        out.status.success(),
        "xtask validate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    verdicts(&stdout(&out))
}

fn vendors() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(schemas())
        .expect("schemas/")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("vendor.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

fn examples(vendor: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(schemas().join(vendor).join("examples"))
        .expect("examples/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

#[test]
fn python_accepts_every_schema_and_every_golden_example() {
    ensure_python();
    let out = Command::new("python3")
        .arg(workspace_root().join("scripts/crosscheck_schemas.py"))
        .output()
        .expect("run python3");
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "schema errors per Python jsonschema:\n{text}"
    );
    let found = verdicts(&text);
    let total: usize = vendors().iter().map(|v| examples(v).len()).sum();
    assert_eq!(
        found.len(),
        total,
        "Python saw another number of examples:\n{text}"
    );
    let invalid: Vec<_> = found.iter().filter(|(_, v)| *v != "valid").collect();
    assert!(
        invalid.is_empty(),
        "Python finds invalid golden examples:\n{text}"
    );
}

#[test]
fn python_and_xtask_agree_on_mutated_examples() {
    ensure_python();
    let scratch = tempfile::tempdir().expect("temp dir");
    let mut compared = 0;
    let mut invalid = 0;
    let mut disagreements = Vec::new();
    for vendor in vendors() {
        let mut files = Vec::new();
        let mut what = BTreeMap::new();
        for example in examples(&vendor) {
            let body: Value =
                serde_json::from_slice(&std::fs::read(&example).expect("read")).expect("JSON");
            let stem = example
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .replace(':', "_");
            for (i, (label, mutated)) in mutations(&body).into_iter().enumerate() {
                let path = scratch.path().join(format!("{vendor}.{i:03}.{stem}"));
                std::fs::write(&path, serde_json::to_vec(&mutated).expect("serialize"))
                    .expect("write");
                what.insert(
                    path.to_string_lossy().into_owned(),
                    format!("{} ({label})", example.display()),
                );
                files.push(path);
            }
        }
        let py = python_verdicts(&vendor, &files);
        let rs = rust_verdicts(&vendor, &files);
        assert_eq!(
            py.len(),
            files.len(),
            "Python gave no verdict for some files of {vendor}"
        );
        assert_eq!(
            rs.len(),
            files.len(),
            "xtask gave no verdict for some files of {vendor}"
        );
        for (file, verdict) in &py {
            compared += 1;
            invalid += usize::from(verdict == "invalid");
            if rs.get(file) != Some(verdict) {
                disagreements.push(format!(
                    "{}: python {verdict}, xtask {:?}",
                    what[file],
                    rs.get(file)
                ));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(compared >= 3000, "only {compared} instances compared");
    // Mutations must hit constraints: a catalog that accepted nearly everything would agree
    // trivially.
    assert!(
        invalid * 3 >= compared,
        "only {invalid} of {compared} mutated instances were invalid"
    );
    assert!(
        invalid < compared,
        "every mutation invalid: removals of optional fields should pass"
    );
    eprintln!("cross-check: {compared} instances, {invalid} invalid, 0 disagreements");
}

#[test]
fn python_refuses_what_xtask_refuses_in_schemas() {
    // The same deliberately broken schema is refused by both: the meta-schema check is not
    // ours alone.
    ensure_python();
    let scratch = common::ScratchCatalog::new();
    scratch.edit("tomba/events/save_lead.schema.json", |v| {
        v["properties"]["data"]["type"] = json!("record");
    });
    let py = Command::new("python3")
        .arg(workspace_root().join("scripts/crosscheck_schemas.py"))
        .arg("--schemas")
        .arg(scratch.dir.path())
        .output()
        .expect("run python3");
    assert_eq!(py.status.code(), Some(2), "{}", stdout(&py));
    assert!(
        stdout(&py).contains("save_lead.schema.json"),
        "{}",
        stdout(&py)
    );
    let rs = scratch.check();
    assert_eq!(rs.status.code(), Some(1));
    assert!(
        stdout(&rs).contains("schemas/tomba/events/save_lead.schema.json#/properties/data/type"),
        "{}",
        stdout(&rs)
    );
}
