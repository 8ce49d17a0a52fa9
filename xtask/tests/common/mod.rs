//! Shared by the xtask integration tests: a scratch copy of the catalog and a way to run the
//! real `xtask` binary on it.

#![allow(dead_code)] // each test file uses its own part

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_owned()
}

pub fn schemas() -> PathBuf {
    workspace_root().join("schemas")
}

/// A copy of `schemas/` in a temporary folder, to break on purpose.
pub struct ScratchCatalog {
    pub dir: tempfile::TempDir,
}

impl ScratchCatalog {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&schemas(), dir.path());
        ScratchCatalog { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> Value {
        let bytes = std::fs::read(self.path(rel)).expect("read catalog file");
        serde_json::from_slice(&bytes).expect("catalog file is JSON")
    }

    pub fn write(&self, rel: &str, value: &Value) {
        let text = serde_json::to_string_pretty(value).expect("serialize");
        std::fs::write(self.path(rel), text).expect("write catalog file");
    }

    /// Edits one JSON file of the catalog in place.
    pub fn edit(&self, rel: &str, change: impl FnOnce(&mut Value)) {
        let mut value = self.read(rel);
        change(&mut value);
        self.write(rel, &value);
    }

    /// `cargo xtask check --schemas <this copy>`.
    pub fn check(&self) -> Output {
        xtask(&["check", "--schemas", &self.dir.path().to_string_lossy()])
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("run xtask")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Removes the value at a JSON pointer (an object member or an array element).
pub fn remove_at(value: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let last = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent)? {
        Value::Object(map) => map.shift_remove(&last),
        Value::Array(items) => {
            let i: usize = last.parse().ok()?;
            (i < items.len()).then(|| items.remove(i))
        }
        _ => None,
    }
}
