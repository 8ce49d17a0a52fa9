//! Where a field's pattern implies its format (`cargo xtask generate` proves it with DFAs),
//! the generated validator checks the format only in part where the pattern matches. These
//! are the strings that tell a part from the whole: each must get the same violations, with
//! the same keywords, as checking both in full would give.

use hookcert_events::{ParseError, Strictness};
use serde_json::{Value, json};
use std::path::Path;

fn example(vendor: &str, event: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../schemas/{vendor}/examples/{event}.doc.json"));
    serde_json::from_slice(&std::fs::read(path).expect("golden example")).expect("JSON")
}

/// The `(pointer, keyword)` of every violation `parse` reports for the body, documented or
/// observed (a pattern and the format it implies may come from either).
fn violations(vendor: &str, body: &Value) -> Vec<(String, &'static str)> {
    let bytes = serde_json::to_vec(body).expect("serialize");
    match hookcert_events::parse_with(vendor, &bytes, Strictness::Observed).expect("known vendor") {
        Ok(_) => Vec::new(),
        Err(ParseError::Invalid(found)) => {
            found.into_iter().map(|v| (v.pointer, v.keyword)).collect()
        }
        Err(other) => panic!("{vendor}: not a validation error: {other}"),
    }
}

fn with(mut body: Value, pointer: &str, value: &str) -> Value {
    *body.pointer_mut(pointer).expect("field in the example") = json!(value);
    body
}

#[test]
fn spotio_dates_a_day_that_does_not_exist_is_a_format_violation_only() {
    let body = example("spotio", "lead.added");
    let at = "/payload/0/data/createdAt";
    // The pattern holds every field in range but not the calendar: 30 February matches it.
    for (date, expected) in [
        ("2020-09-04T10:20:31.3778028+00:00", vec![]),
        ("2020-02-29T10:20:31+01:00", vec![]),
        ("2021-02-29T10:20:31+01:00", vec![(at, "format")]),
        ("2020-02-30T10:20:31+01:00", vec![(at, "format")]),
        ("2020-04-31T00:00:00-05:00", vec![(at, "format")]),
        ("1900-02-29T00:00:00+00:00", vec![(at, "format")]),
        ("2000-02-29T00:00:00+00:00", vec![]),
        // Outside the pattern: both keywords, as a full check of each gives.
        (
            "2020-13-01T10:20:31+01:00",
            vec![(at, "pattern"), (at, "format")],
        ),
        (
            "2020-02-30T10:20:31Z",
            vec![(at, "pattern"), (at, "format")],
        ),
        // The pattern's own narrowing (a numeric offset) is a pattern violation only.
        ("2020-09-04T10:20:31Z", vec![(at, "pattern")]),
    ] {
        let found = violations("spotio", &with(body.clone(), at, date));
        let expected: Vec<(String, &str)> = expected
            .into_iter()
            .map(|(p, k)| (p.to_owned(), k))
            .collect();
        assert_eq!(found, expected, "createdAt {date:?}");
    }
}

#[test]
fn breakcold_ids_outside_the_uuid_pattern_are_both_violations() {
    let body = example("breakcold", "lead.create");
    let at = "/payload/id";
    for (id, expected) in [
        ("e106db1f-aba3-40ba-97a7-507b54757ef8", vec![]),
        // Upper case is a UUID but not the pattern's lower case.
        (
            "E106DB1F-ABA3-40BA-97A7-507B54757EF8",
            vec![(at, "pattern")],
        ),
        (
            "e106db1f-aba3-40ba-97a7-507b54757ef",
            vec![(at, "pattern"), (at, "format")],
        ),
        ("not a uuid", vec![(at, "pattern"), (at, "format")]),
    ] {
        let found = violations("breakcold", &with(body.clone(), at, id));
        let expected: Vec<(String, &str)> = expected
            .into_iter()
            .map(|(p, k)| (p.to_owned(), k))
            .collect();
        assert_eq!(found, expected, "id {id:?}");
    }
}
