//! `cargo xtask check` on the real catalog, and on copies broken on purpose: every break must
//! fail the check with a line naming the file and the JSON pointer.

mod common;

use common::{ScratchCatalog, remove_at, stdout, xtask};
use serde_json::json;

#[test]
fn the_real_catalog_passes() {
    let out = xtask(&["check"]);
    assert!(
        out.status.success(),
        "cargo xtask check failed:\n{}",
        stdout(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("5 vendors, 94 events"), "{text}");
}

/// Breaks one example, runs the check, and expects exit 1 and a line with `needle`.
fn assert_break_reported(edit: impl FnOnce(&ScratchCatalog), needles: &[&str]) {
    let scratch = ScratchCatalog::new();
    edit(&scratch);
    let out = scratch.check();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "check should fail:\n{text}");
    let hit = text
        .lines()
        .any(|line| needles.iter().all(|n| line.contains(n)));
    assert!(hit, "no line contains all of {needles:?}:\n{text}");
}

#[test]
fn a_removed_required_field_is_reported_with_file_and_pointer() {
    assert_break_reported(
        |c| {
            c.edit("spotio/examples/lead.added.doc.json", |v| {
                remove_at(v, "/payload/0/data/id").expect("example has data.id");
            })
        },
        &[
            "schemas/spotio/examples/lead.added.doc.json#/payload/0/data:",
            "\"id\"",
        ],
    );
    assert_break_reported(
        |c| {
            c.edit("zoho-salesiq/examples/department.created.doc.json", |v| {
                remove_at(v, "/entity_id").expect("example has entity_id");
            })
        },
        &[
            "schemas/zoho-salesiq/examples/department.created.doc.json#:",
            "\"entity_id\"",
        ],
    );
}

#[test]
fn a_changed_type_is_reported_with_file_and_pointer() {
    assert_break_reported(
        |c| {
            c.edit("spotio/examples/lead.added.doc.json", |v| {
                v["payload"][0]["data"]["stageId"] = json!("one");
            })
        },
        &["schemas/spotio/examples/lead.added.doc.json#/payload/0/data/stageId:"],
    );
    assert_break_reported(
        |c| {
            c.edit("clinchpad/examples/note:created.doc.json", |v| {
                v["lead"]["stage"] = json!(42);
            })
        },
        &["schemas/clinchpad/examples/note:created.doc.json#/lead/stage:"],
    );
    assert_break_reported(
        |c| {
            c.edit("tomba/examples/save_lead.doc.json", |v| {
                v["data"]["score"] = json!("high");
            })
        },
        &["schemas/tomba/examples/save_lead.doc.json#/data/score:"],
    );
}

#[test]
fn a_bad_date_time_is_reported_with_file_and_pointer() {
    assert_break_reported(
        |c| {
            c.edit("spotio/examples/lead.added.doc.json", |v| {
                v["payload"][0]["date"] = json!("2020-09-04 10:20:31");
            })
        },
        &["schemas/spotio/examples/lead.added.doc.json#/payload/0/date:"],
    );
    assert_break_reported(
        |c| {
            c.edit("breakcold/examples/lead.create.doc.json", |v| {
                v["payload"]["created_at"] = json!("2023-02-30T11:13:55.021Z");
            })
        },
        &["schemas/breakcold/examples/lead.create.doc.json#/payload/created_at:"],
    );
    assert_break_reported(
        |c| {
            c.edit("zoho-salesiq/examples/department.created.doc.json", |v| {
                v["event_time"] = json!("156706564751");
            })
        },
        &["schemas/zoho-salesiq/examples/department.created.doc.json#/event_time:"],
    );
}

#[test]
fn the_second_event_of_a_batch_is_pointed_at_in_the_batch() {
    assert_break_reported(
        |c| {
            c.edit("spotio/examples/batch.constructed-mixed.json", |v| {
                v["payload"][1]["date"] = json!(12);
            })
        },
        &["schemas/spotio/examples/batch.constructed-mixed.json#/payload/1/date:"],
    );
}

#[test]
fn an_example_named_after_another_event_is_reported() {
    assert_break_reported(
        |c| {
            c.edit("breakcold/examples/lead.create.doc.json", |v| {
                v["event"] = json!("lead.update");
            })
        },
        &[
            "schemas/breakcold/examples/lead.create.doc.json#/event:",
            "named after \"lead.create\"",
        ],
    );
}

#[test]
fn an_unsupported_keyword_is_refused_with_file_and_pointer() {
    assert_break_reported(
        |c| {
            c.edit("tomba/events/save_lead.schema.json", |v| {
                v["oneOf"] = json!([{ "type": "object" }]);
            })
        },
        &[
            "schemas/tomba/events/save_lead.schema.json#/oneOf:",
            "unsupported keyword",
        ],
    );
    assert_break_reported(
        |c| {
            c.edit("tomba/events/save_lead.schema.json", |v| {
                v["additionalProperties"] = json!(false);
            })
        },
        &["schemas/tomba/events/save_lead.schema.json#/additionalProperties:"],
    );
}

#[test]
fn a_schema_that_breaks_the_meta_schema_is_reported() {
    assert_break_reported(
        |c| {
            c.edit("tomba/events/save_lead.schema.json", |v| {
                v["required"] = json!("data");
            })
        },
        &["schemas/tomba/events/save_lead.schema.json#/required"],
    );
}

#[test]
fn the_event_list_and_the_schema_files_must_agree() {
    assert_break_reported(
        |c| std::fs::remove_file(c.path("spotio/events/lead.deleted.schema.json")).expect("rm"),
        &["schemas/spotio/vendor.json#/events/", "lead.deleted"],
    );
    assert_break_reported(
        |c| {
            c.edit("spotio/vendor.json", |v| {
                remove_at(v, "/events/0").expect("has events");
            })
        },
        &[
            "schemas/spotio/events/activity.created.schema.json#:",
            "not listed",
        ],
    );
}

#[test]
fn a_broken_vendor_profile_is_reported() {
    assert_break_reported(
        |c| {
            c.edit("breakcold/vendor.json", |v| {
                v["timeout_ms"] = json!("ten seconds");
            })
        },
        &["schemas/breakcold/vendor.json#/timeout_ms:"],
    );
}

#[test]
fn an_observed_constraint_must_cite_an_errata_entry_that_exists() {
    let file = "zoho-salesiq/common/types.schema.json";
    assert_break_reported(
        |c| {
            c.edit(file, |v| {
                let observed = v
                    .pointer_mut("/$defs/phone/x-observed")
                    .and_then(|o| o.as_object_mut())
                    .expect("the phone pattern is observed");
                observed.remove("errata");
            })
        },
        &[
            "schemas/zoho-salesiq/common/types.schema.json",
            "/$defs/phone/x-observed",
        ],
    );
    assert_break_reported(
        |c| {
            c.edit(file, |v| {
                *v.pointer_mut("/$defs/phone/x-observed/errata")
                    .expect("the phone pattern cites an entry") = json!(999);
            })
        },
        &[
            "schemas/zoho-salesiq/common/types.schema.json#/$defs/phone/x-observed/errata:",
            "cites ERRATA entry 999, which zoho-salesiq/ERRATA.md does not have",
        ],
    );
}

/// ERRATA.md with entry `number`'s quoted lines replaced by `quotes` (none: removed).
fn with_entry_quotes(text: &str, number: u32, quotes: &[&str]) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let entry = line
            .split_once(". **")
            .and_then(|(n, _)| n.parse::<u32>().ok());
        if let Some(n) = entry {
            inside = n == number;
            out.push(line.to_owned());
            if inside {
                out.extend(quotes.iter().map(|q| format!("   > {q}")));
            }
            continue;
        }
        if inside && line.trim_start().starts_with('>') {
            continue;
        }
        out.push(line.to_owned());
    }
    out.join("\n") + "\n"
}

#[test]
fn an_errata_entry_must_quote_the_documents_words() {
    let file = "zoho-salesiq/ERRATA.md";
    for (quotes, why) in [
        (&[][..], "quotes nothing"),
        (
            &["The rating is on a scale of one to five."][..],
            "quotes words not in",
        ),
    ] {
        assert_break_reported(
            |c| {
                let path = c.path(file);
                let text = std::fs::read_to_string(&path).expect("read ERRATA.md");
                std::fs::write(&path, with_entry_quotes(&text, 15, quotes))
                    .expect("write ERRATA.md");
            },
            &["schemas/zoho-salesiq/ERRATA.md", "entry 15", why],
        );
    }
}
