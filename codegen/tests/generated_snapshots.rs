//! Snapshots of the generated code for one event per vendor: its type and its validator.
//! Reviewed like code: a change here is a change to what every user of hookcert-events gets.

use hookcert_codegen::generate;
use std::path::Path;

fn generated(module: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let catalog = hookcert_catalog::load(&root).unwrap_or_else(|p| panic!("{p}"));
    let files = generate(&catalog).unwrap_or_else(|p| panic!("{p}"));
    files
        .into_iter()
        .find(|f| f.path.ends_with(format!("{module}.rs")))
        .unwrap_or_else(|| panic!("no module {module}"))
        .contents
}

/// The top-level items of `code` (blank-line separated) that mention `name` as a type.
fn items_about(code: &str, name: &str) -> String {
    let markers = [format!("pub struct {name} "), format!("for {name} {{")];
    code.split("\n\n")
        .filter(|item| markers.iter().any(|m| item.contains(m.as_str())))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn spotio_lead_added() {
    insta::assert_snapshot!(items_about(&generated("spotio"), "LeadAddedEvent"));
}

#[test]
fn spotio_lead() {
    insta::assert_snapshot!(items_about(&generated("spotio"), "Lead"));
}

#[test]
fn clinchpad_note_created() {
    insta::assert_snapshot!(items_about(&generated("clinchpad"), "NoteCreatedActivity"));
}

/// The user of a ClinchPad activity: its `photo_url` is observed to be sent, in URI form
/// (`x-observed`), so the field is optional, its absence a note, and its format a note.
#[test]
fn clinchpad_user_observed() {
    insta::assert_snapshot!(items_about(&generated("clinchpad"), "User"));
}

#[test]
fn zoho_salesiq_department_created() {
    insta::assert_snapshot!(items_about(&generated("zoho_salesiq"), "DepartmentCreated"));
}

#[test]
fn tomba_save_lead() {
    let code = generated("tomba");
    insta::assert_snapshot!(format!(
        "{}\n\n{}",
        items_about(&code, "SaveLead"),
        items_about(&code, "Lead")
    ));
}

#[test]
fn breakcold_lead_note_create() {
    insta::assert_snapshot!(items_about(&generated("breakcold"), "LeadNoteCreate"));
}
