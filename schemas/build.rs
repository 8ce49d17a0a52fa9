//! Embeds the catalog's files (every `*.json` of every vendor folder, the profile schema, and
//! each vendor's ERRATA.md, which observed constraints cite) in the crate, so that a program
//! needs no source tree to load the catalog.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every catalog file: its path below `schemas/` and its bytes.\npub(crate) static FILES: &[(&str, &[u8])] = &[\n",
    );
    for rel in &files {
        let abs = root.join(rel);
        out.push_str(&format!(
            "    ({:?}, include_bytes!({:?})),\n",
            rel.to_string_lossy().replace('\\', "/"),
            abs.to_string_lossy()
        ));
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("embedded_files.rs");
    if let Err(e) = fs::write(&dest, out) {
        panic!("writing {}: {e}", dest.display());
    }
    // A directory is scanned whole: a new, changed or removed file re-runs this script.
    println!("cargo:rerun-if-changed=.");
}

/// The JSON files below `dir`, relative to `root`, skipping the crate's own folders.
fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if dir == root && (name == "src" || name == "target") {
                continue;
            }
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "json") || name == "ERRATA.md" {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_owned());
            }
        }
    }
}
