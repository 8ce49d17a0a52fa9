//! The workspace's shape, held by tests: the run-time harness does not build the code
//! generator; each signing scheme is implemented once; no library error speaks the command
//! line's words; profile values and outcomes are compared as enums, not as strings.

mod common;

use common::workspace_root;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The product's sources: every library and binary of the workspace, tests and benches aside.
fn product_sources() -> Vec<PathBuf> {
    let root = workspace_root();
    [
        "schemas/src",
        "codegen/src",
        "generated/src",
        "conformance/src",
        "xtask/src",
    ]
    .iter()
    .flat_map(|dir| rust_files(&root.join(dir)))
    .collect()
}

/// The lines of a file that are code, not comments, with their numbers.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).expect("a source file");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_owned()))
        .collect()
}

/// The string literals on a line (plain `"…"` ones, escapes kept).
fn string_literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut literal = String::new();
        let mut escaped = false;
        for c in chars.by_ref() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                break;
            }
            literal.push(c);
        }
        out.push(literal);
    }
    out
}

fn shown(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn the_harness_does_not_build_the_code_generator() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1"])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("an id"), p))
        .collect();
    let name = |id: &str| packages[id]["name"].as_str().unwrap_or_default().to_owned();
    let version = |id: &str| {
        packages[id]["version"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let proc_macro = |id: &str| {
        packages[id]["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| {
                t["kind"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k == "proc-macro")
            })
    };
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("the resolve graph")
        .iter()
        .map(|n| (n["id"].as_str().expect("an id"), n))
        .collect();
    let root = packages
        .keys()
        .copied()
        .find(|id| name(id) == "hookcert")
        .expect("the hookcert package");
    // What the binary is built from: normal dependencies, transitively; a derive macro's own
    // dependencies (syn among them) run in the compiler, not in hookcert, so the walk stops
    // at proc-macro crates.
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) || proc_macro(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().expect("a package id"));
            }
        }
    }
    let built: Vec<String> = seen
        .iter()
        .filter(|id| !proc_macro(id))
        .map(|id| format!("{} {}", name(id), version(id)))
        .collect();
    assert!(built.iter().any(|p| p.starts_with("hookcert-catalog ")));
    assert!(built.iter().any(|p| p.starts_with("hookcert-events ")));
    assert!(
        seen.iter().any(|id| proc_macro(id)),
        "derive macros are reached"
    );
    for generator_only in ["hookcert-codegen ", "prettyplease ", "syn 3.", "quote "] {
        assert!(
            !built.iter().any(|p| p.starts_with(generator_only)),
            "hookcert is built with {generator_only}: {built:?}"
        );
    }
}

#[test]
fn each_signing_scheme_is_implemented_once() {
    // The calls that compute or check a signature; each belongs in its scheme's module.
    let owners: [(&str, &[&str]); 2] = [
        (
            "generated/src/auth/hmac_sha256_hex.rs",
            &["Hmac<", "new_from_slice", "verify_slice"],
        ),
        (
            "generated/src/auth/rsa_sha256.rs",
            &["SigningKey", "VerifyingKey", "pkcs1v15::"],
        ),
    ];
    let mut found = Vec::new();
    for path in product_sources() {
        let file = shown(&path);
        for (line_no, line) in code_lines(&path) {
            for (owner, marks) in owners {
                if file != owner && marks.iter().any(|m| line.contains(m)) {
                    found.push(format!("{file}:{line_no}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "signing outside its scheme module:\n{}",
        found.join("\n")
    );
}

#[test]
fn nothing_compares_prose_or_profile_strings() {
    // Prose searched for meaning, profile values compared as text, an error's Display
    // compared with a word: each has a typed form now.
    let forbidden = [
        "contains(\"half\")",
        "contains(\"space\")",
        "contains(\"last character\")",
        "== \"200\"",
        "== \"2xx\"",
        "Some(\"increasing\")",
        "== \"increasing\"",
        "Some(\"timeout\")",
        "== \"timeout\"",
        "== \"body\"",
    ];
    let mut found = Vec::new();
    for path in product_sources() {
        for (line_no, line) in code_lines(&path) {
            for pattern in forbidden {
                if line.contains(pattern) {
                    found.push(format!("{}:{line_no}: {}", shown(&path), line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The long flags of the `hookcert` command line, read off its clap definitions.
fn cli_flags() -> BTreeSet<String> {
    let main = workspace_root().join("conformance/src/main.rs");
    let lines: Vec<String> = std::fs::read_to_string(main)
        .expect("main.rs")
        .lines()
        .map(str::to_owned)
        .collect();
    let mut flags = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim();
        if !(line.starts_with("#[arg(") && line.contains("long")) {
            continue;
        }
        if let Some(rest) = line.split("long = \"").nth(1) {
            flags.insert(rest.split('"').next().unwrap_or_default().to_owned());
            continue;
        }
        // `#[arg(long)]`: the field below names the flag.
        let field = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.starts_with("#[") && !l.starts_with("///"))
            .and_then(|l| l.split(':').next())
            .unwrap_or_default();
        flags.insert(field.replace('_', "-"));
    }
    flags
}

#[test]
fn no_library_error_names_a_command_line_flag() {
    let flags = cli_flags();
    for expected in [
        "vendor",
        "url",
        "secret",
        "secret-file",
        "private-key",
        "time-scale",
    ] {
        assert!(flags.contains(expected), "{expected} not in {flags:?}");
    }
    let root = workspace_root();
    let libraries: Vec<PathBuf> = [
        "schemas/src",
        "codegen/src",
        "generated/src",
        "conformance/src",
    ]
    .iter()
    .flat_map(|dir| rust_files(&root.join(dir)))
    .filter(|p| !p.ends_with("conformance/src/main.rs"))
    .collect();
    let mut found = Vec::new();
    for path in libraries {
        for (line_no, line) in code_lines(&path) {
            for literal in string_literals(&line) {
                for flag in &flags {
                    let named = literal.match_indices(&format!("--{flag}")).any(|(at, m)| {
                        !literal[at + m.len()..]
                            .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                    });
                    if named {
                        found.push(format!(
                            "{}:{line_no}: --{flag} in {literal:?}",
                            shown(&path)
                        ));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "flags belong to main.rs, errors to their modules:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_flag_scan_finds_what_it_looks_for() {
    // The scan above would pass on a scanner that finds nothing: show it finds a flag.
    assert_eq!(
        string_literals(r#"format!("--secret {x}", "a \"b\"")"#),
        ["--secret {x}".to_owned(), "a \\\"b\\\"".to_owned(),]
    );
    let main = workspace_root().join("conformance/src/main.rs");
    let in_main = code_lines(&main)
        .iter()
        .flat_map(|(_, l)| string_literals(l))
        .filter(|l| l.contains("--secret"))
        .count();
    assert!(in_main > 0, "main.rs names --secret in its messages");
}
