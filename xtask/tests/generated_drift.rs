//! `cargo xtask check` notices generated code that no longer matches the catalog, and
//! `cargo xtask generate` repairs it.

mod common;

use common::{ScratchCatalog, copy_tree, stdout, workspace_root, xtask};

#[test]
fn a_removed_schema_field_is_drift_until_regenerated() {
    let scratch = ScratchCatalog::new();
    let generated = tempfile::tempdir().expect("temp dir");
    copy_tree(&workspace_root().join("generated/src"), generated.path());
    let schemas = scratch.dir.path().to_string_lossy().into_owned();
    let out = generated.path().to_string_lossy().into_owned();
    let check = || xtask(&["check", "--schemas", &schemas, "--generated", &out]);

    let before = check();
    assert!(
        before.status.success(),
        "the copy should start clean:\n{}",
        stdout(&before)
    );

    scratch.edit("tomba/common/lead.schema.json", |v| {
        v["properties"]
            .as_object_mut()
            .expect("properties")
            .shift_remove("notes");
        let required = v["required"].as_array_mut().expect("required");
        required.retain(|r| r != "notes");
    });
    let drifted = check();
    let text = stdout(&drifted);
    assert_eq!(drifted.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "generated/src/vendors/tomba.rs#: out of date with schemas/: run `cargo xtask generate`"
        ),
        "{text}"
    );

    let generate = xtask(&["generate", "--schemas", &schemas, "--out", &out]);
    assert!(
        generate.status.success(),
        "{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    let regenerated =
        std::fs::read_to_string(generated.path().join("vendors/tomba.rs")).expect("tomba.rs");
    assert!(
        !regenerated.contains("pub notes:"),
        "the field should be gone"
    );
    let after = check();
    assert!(
        after.status.success(),
        "generate should repair the drift:\n{}",
        stdout(&after)
    );
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    let first = tempfile::tempdir().expect("temp dir");
    let second = tempfile::tempdir().expect("temp dir");
    for dir in [&first, &second] {
        let out = dir.path().to_string_lossy().into_owned();
        let run = xtask(&["generate", "--out", &out]);
        assert!(run.status.success());
    }
    for name in [
        "mod.rs",
        "spotio.rs",
        "zoho_salesiq.rs",
        "tomba.rs",
        "clinchpad.rs",
    ] {
        let a = std::fs::read(first.path().join("vendors").join(name)).expect("first");
        let b = std::fs::read(second.path().join("vendors").join(name)).expect("second");
        assert!(a == b, "{name} differs between two runs");
    }
}

/// Two checkouts may share one build of xtask (a worktree, a CI cache): the catalog checked is
/// the one of the workspace the command runs in, found at run time.
#[test]
fn the_workspace_is_the_one_the_command_runs_in() {
    // A workspace with the vendor documents beside it, as a checkout has them.
    let outside = tempfile::tempdir().expect("temp dir");
    let other = outside.path().join("checkout");
    copy_tree(
        &workspace_root().join("../shared/seeds"),
        &outside.path().join("shared/seeds"),
    );
    copy_tree(&workspace_root().join("schemas"), &other.join("schemas"));
    copy_tree(
        &workspace_root().join("generated/src"),
        &other.join("generated/src"),
    );
    std::fs::write(other.join("Cargo.toml"), "[workspace]\nmembers = []\n")
        .expect("a workspace manifest");
    let check_in = |dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("check")
            .current_dir(dir)
            .env_remove("CARGO_MANIFEST_DIR")
            .output()
            .expect("run xtask")
    };
    // From a folder inside the other workspace: found by walking up.
    let clean = check_in(&other.join("schemas/tomba"));
    assert!(clean.status.success(), "{}", stdout(&clean));
    for example in ["save_lead.doc.json", "save_lead.constructed.json"] {
        std::fs::remove_file(other.join("schemas/tomba/examples").join(example))
            .expect("remove an example");
    }
    let broken = check_in(&other.join("schemas/tomba"));
    let text = stdout(&broken);
    assert_eq!(broken.status.code(), Some(1), "{text}");
    assert!(
        text.contains("event \"save_lead\" has no golden example in tomba/examples/"),
        "{text}"
    );
    // Outside any workspace: a clear error, not a guess.
    let nowhere = tempfile::tempdir().expect("temp dir");
    let lost = check_in(nowhere.path());
    assert_eq!(lost.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&lost.stderr).contains("no hookcert workspace"),
        "{}",
        String::from_utf8_lossy(&lost.stderr)
    );
}
