//! Parse plus validate of golden examples: the generated code against (a) typed serde parsing
//! alone, the floor, and (a') the same from a body first checked whole to be UTF-8 (as the
//! generated code does), the stricter floor; (b) `serde_json::Value` plus a pre-compiled jsonschema runtime validator
//! with formats on; (c) jsonschema's compile-time validator (its `macros` feature) on a parsed
//! `Value`. All four in the same run, so the ratios hold on a noisy machine.
//!
//! `cargo bench -p hookcert-events --bench parse`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hookcert_catalog::Catalog;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

mod common;

use common::{Batch, checked_floor, example};

#[jsonschema::validator(
    path = "../schemas/spotio/events/lead.added.schema.json",
    draft = Draft202012,
    validate_formats = true,
    resources = {
        "https://hookcert.dev/schemas/spotio/common/activity.schema.json" => { path = "../schemas/spotio/common/activity.schema.json" },
        "https://hookcert.dev/schemas/spotio/common/address.schema.json" => { path = "../schemas/spotio/common/address.schema.json" },
        "https://hookcert.dev/schemas/spotio/common/appointment.schema.json" => { path = "../schemas/spotio/common/appointment.schema.json" },
        "https://hookcert.dev/schemas/spotio/common/contact.schema.json" => { path = "../schemas/spotio/common/contact.schema.json" },
        "https://hookcert.dev/schemas/spotio/common/field.schema.json" => { path = "../schemas/spotio/common/field.schema.json" },
        "https://hookcert.dev/schemas/spotio/common/lead.schema.json" => { path = "../schemas/spotio/common/lead.schema.json" },
        "https://hookcert.dev/schemas/spotio/common/types.schema.json" => { path = "../schemas/spotio/common/types.schema.json" },
        "https://hookcert.dev/schemas/spotio/envelope.schema.json" => { path = "../schemas/spotio/envelope.schema.json" }
    },
    methods = { is_valid = true, validate = false, iter_errors = false }
)]
struct MacroSpotio;
#[jsonschema::validator(
    path = "../schemas/clinchpad/events/note:created.schema.json",
    draft = Draft202012,
    validate_formats = true,
    resources = {
        "https://hookcert.dev/schemas/clinchpad/common/activity.schema.json" => { path = "../schemas/clinchpad/common/activity.schema.json" },
        "https://hookcert.dev/schemas/clinchpad/common/lead.schema.json" => { path = "../schemas/clinchpad/common/lead.schema.json" },
        "https://hookcert.dev/schemas/clinchpad/common/types.schema.json" => { path = "../schemas/clinchpad/common/types.schema.json" },
        "https://hookcert.dev/schemas/clinchpad/common/user.schema.json" => { path = "../schemas/clinchpad/common/user.schema.json" },
        "https://hookcert.dev/schemas/clinchpad/envelope.schema.json" => { path = "../schemas/clinchpad/envelope.schema.json" }
    },
    methods = { is_valid = true, validate = false, iter_errors = false }
)]
struct MacroClinchpad;
#[jsonschema::validator(
    path = "../schemas/zoho-salesiq/events/department.created.schema.json",
    draft = Draft202012,
    validate_formats = true,
    resources = {
        "https://hookcert.dev/schemas/zoho-salesiq/common/conversation.schema.json" => { path = "../schemas/zoho-salesiq/common/conversation.schema.json" },
        "https://hookcert.dev/schemas/zoho-salesiq/common/department.schema.json" => { path = "../schemas/zoho-salesiq/common/department.schema.json" },
        "https://hookcert.dev/schemas/zoho-salesiq/common/message.schema.json" => { path = "../schemas/zoho-salesiq/common/message.schema.json" },
        "https://hookcert.dev/schemas/zoho-salesiq/common/operator.schema.json" => { path = "../schemas/zoho-salesiq/common/operator.schema.json" },
        "https://hookcert.dev/schemas/zoho-salesiq/common/owner.schema.json" => { path = "../schemas/zoho-salesiq/common/owner.schema.json" },
        "https://hookcert.dev/schemas/zoho-salesiq/common/types.schema.json" => { path = "../schemas/zoho-salesiq/common/types.schema.json" },
        "https://hookcert.dev/schemas/zoho-salesiq/common/visitor.schema.json" => { path = "../schemas/zoho-salesiq/common/visitor.schema.json" },
        "https://hookcert.dev/schemas/zoho-salesiq/envelope.schema.json" => { path = "../schemas/zoho-salesiq/envelope.schema.json" }
    },
    methods = { is_valid = true, validate = false, iter_errors = false }
)]
struct MacroZohoSalesiq;
#[jsonschema::validator(
    path = "../schemas/tomba/events/save_lead.schema.json",
    draft = Draft202012,
    validate_formats = true,
    resources = {
        "https://hookcert.dev/schemas/tomba/common/lead.schema.json" => { path = "../schemas/tomba/common/lead.schema.json" },
        "https://hookcert.dev/schemas/tomba/common/types.schema.json" => { path = "../schemas/tomba/common/types.schema.json" },
        "https://hookcert.dev/schemas/tomba/envelope.schema.json" => { path = "../schemas/tomba/envelope.schema.json" }
    },
    methods = { is_valid = true, validate = false, iter_errors = false }
)]
struct MacroTomba;
#[jsonschema::validator(
    path = "../schemas/breakcold/events/lead.create.schema.json",
    draft = Draft202012,
    validate_formats = true,
    resources = {
        "https://hookcert.dev/schemas/breakcold/common/entity.schema.json" => { path = "../schemas/breakcold/common/entity.schema.json" },
        "https://hookcert.dev/schemas/breakcold/common/lead.schema.json" => { path = "../schemas/breakcold/common/lead.schema.json" },
        "https://hookcert.dev/schemas/breakcold/common/types.schema.json" => { path = "../schemas/breakcold/common/types.schema.json" }
    },
    methods = { is_valid = true, validate = false, iter_errors = false }
)]
struct MacroBreakcold;

fn catalog() -> Catalog {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    hookcert_catalog::load(&root).unwrap_or_else(|p| panic!("{p}"))
}

/// (b): a runtime validator compiled once for the event's schema, with every schema file of
/// the catalog registered for its references.
fn runtime_validator(catalog: &Catalog, vendor: &str, event: &str) -> jsonschema::Validator {
    let registry = jsonschema::Registry::new()
        .extend(catalog.files.iter().map(|f| (f.id.clone(), f.raw.clone())))
        .expect("register")
        .prepare()
        .expect("prepare");
    let id = format!("https://hookcert.dev/schemas/{vendor}/events/{event}.schema.json");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&serde_json::json!({ "$ref": id }))
        .expect("compile")
}

/// The generated parse and validation, as a receiver that knows its vendor calls it:
/// `hookcert_events::<vendor>::parse`.
fn parse_validated(vendor: &str, body: &[u8]) -> usize {
    match vendor {
        "spotio" => hookcert_events::spotio::parse(body).map(|d| d.events.len()),
        "clinchpad" => hookcert_events::clinchpad::parse(body).map(|d| d.events.len()),
        "zoho-salesiq" => hookcert_events::zoho_salesiq::parse(body).map(|d| d.events.len()),
        "tomba" => hookcert_events::tomba::parse(body).map(|d| d.events.len()),
        "breakcold" => hookcert_events::breakcold::parse(body).map(|d| d.events.len()),
        _ => Ok(0),
    }
    .expect("valid")
}

/// The generated parse without the validators, to show what validation costs.
fn parse_unvalidated(vendor: &str, body: &[u8]) -> usize {
    match vendor {
        "spotio" => hookcert_events::spotio::parse_unvalidated(body).map(|d| d.events.len()),
        "clinchpad" => hookcert_events::clinchpad::parse_unvalidated(body).map(|d| d.events.len()),
        "zoho-salesiq" => {
            hookcert_events::zoho_salesiq::parse_unvalidated(body).map(|d| d.events.len())
        }
        "tomba" => hookcert_events::tomba::parse_unvalidated(body).map(|d| d.events.len()),
        "breakcold" => hookcert_events::breakcold::parse_unvalidated(body).map(|d| d.events.len()),
        _ => Ok(0),
    }
    .expect("parses")
}

/// The compiled validators alone, on a delivery parsed once beforehand: what validation adds.
fn violations_of_parsed(vendor: &str, body: &[u8]) -> Box<dyn Fn() -> usize> {
    fn boxed<E: hookcert_events::Validate + 'static>(
        delivery: hookcert_events::Delivery<E>,
    ) -> Box<dyn Fn() -> usize> {
        Box::new(move || delivery.violations().len())
    }
    match vendor {
        "spotio" => boxed(hookcert_events::spotio::parse_unvalidated(body).expect("parses")),
        "clinchpad" => boxed(hookcert_events::clinchpad::parse_unvalidated(body).expect("parses")),
        "zoho-salesiq" => {
            boxed(hookcert_events::zoho_salesiq::parse_unvalidated(body).expect("parses"))
        }
        "tomba" => boxed(hookcert_events::tomba::parse_unvalidated(body).expect("parses")),
        "breakcold" => boxed(hookcert_events::breakcold::parse_unvalidated(body).expect("parses")),
        other => panic!("no vendor {other}"),
    }
}

fn floor<T: DeserializeOwned>(body: &[u8]) -> T {
    serde_json::from_slice(body).expect("typed parse")
}

fn bench_vendor<T: DeserializeOwned>(
    c: &mut Criterion,
    catalog: &Catalog,
    vendor: &str,
    event: &str,
    macro_is_valid: fn(&Value) -> bool,
) {
    let body = example(vendor, event);
    let runtime = runtime_validator(catalog, vendor, event);
    let parsed: Value = serde_json::from_slice(&body).expect("JSON");
    assert!(
        runtime.is_valid(&parsed) && macro_is_valid(&parsed),
        "{vendor} {event}: golden example must be valid"
    );
    assert!(matches!(hookcert_events::parse(vendor, &body), Some(Ok(_))));
    let mut group = c.benchmark_group(format!("{vendor}/{event}"));
    group.bench_function(BenchmarkId::new("generated parse+validate", ""), |b| {
        b.iter(|| parse_validated(vendor, black_box(&body)))
    });
    group.bench_function(
        BenchmarkId::new("generated parse, no validation", ""),
        |b| b.iter(|| parse_unvalidated(vendor, black_box(&body))),
    );
    let validate = violations_of_parsed(vendor, &body);
    assert_eq!(
        validate(),
        0,
        "{vendor} {event}: golden example has no violations"
    );
    group.bench_function(BenchmarkId::new("generated validation alone", ""), |b| {
        b.iter(&validate)
    });
    group.bench_function(BenchmarkId::new("(a) typed serde only", ""), |b| {
        b.iter(|| floor::<T>(black_box(&body)))
    });
    group.bench_function(
        BenchmarkId::new("(a') typed serde, body checked UTF-8", ""),
        |b| b.iter(|| checked_floor::<T>(black_box(&body))),
    );
    group.bench_function(
        BenchmarkId::new("(b) Value + jsonschema runtime", ""),
        |b| {
            b.iter(|| {
                let v: Value = serde_json::from_slice(black_box(&body)).expect("JSON");
                assert!(runtime.is_valid(&v));
            })
        },
    );
    group.bench_function(BenchmarkId::new("(c) Value + jsonschema macro", ""), |b| {
        b.iter(|| {
            let v: Value = serde_json::from_slice(black_box(&body)).expect("JSON");
            assert!(macro_is_valid(&v));
        })
    });
    group.finish();
}

/// The worst case for the one-pass decoder's prediction: bodies of two types alternating, so
/// that every prediction is wrong. The floor decodes each into its own type.
fn bench_alternating(c: &mut Criterion) {
    let lead = example("spotio", "lead.added");
    let activity = example("spotio", "activity.created");
    let mut group = c.benchmark_group("spotio/alternating lead.added, activity.created");
    group.bench_function(BenchmarkId::new("generated parse+validate", ""), |b| {
        b.iter(|| {
            hookcert_events::spotio::parse(black_box(&lead)).expect("valid");
            hookcert_events::spotio::parse(black_box(&activity)).expect("valid")
        })
    });
    group.bench_function(BenchmarkId::new("(a) typed serde only", ""), |b| {
        b.iter(|| {
            floor::<Batch<hookcert_events::spotio::LeadAddedEvent>>(black_box(&lead));
            floor::<Batch<hookcert_events::spotio::ActivityCreatedEvent>>(black_box(&activity))
        })
    });
    group.bench_function(
        BenchmarkId::new("(a') typed serde, body checked UTF-8", ""),
        |b| {
            b.iter(|| {
                checked_floor::<Batch<hookcert_events::spotio::LeadAddedEvent>>(black_box(&lead));
                checked_floor::<Batch<hookcert_events::spotio::ActivityCreatedEvent>>(black_box(
                    &activity,
                ))
            })
        },
    );
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_alternating(c);
    let catalog = catalog();
    bench_vendor::<Batch<hookcert_events::spotio::LeadAddedEvent>>(
        c,
        &catalog,
        "spotio",
        "lead.added",
        MacroSpotio::is_valid,
    );
    bench_vendor::<hookcert_events::clinchpad::NoteCreated>(
        c,
        &catalog,
        "clinchpad",
        "note:created",
        MacroClinchpad::is_valid,
    );
    bench_vendor::<hookcert_events::zoho_salesiq::DepartmentCreated>(
        c,
        &catalog,
        "zoho-salesiq",
        "department.created",
        MacroZohoSalesiq::is_valid,
    );
    bench_vendor::<hookcert_events::breakcold::LeadCreate>(
        c,
        &catalog,
        "breakcold",
        "lead.create",
        MacroBreakcold::is_valid,
    );
    bench_vendor::<hookcert_events::tomba::SaveLead>(
        c,
        &catalog,
        "tomba",
        "save_lead",
        MacroTomba::is_valid,
    );
}

criterion_group! {
    name = parse;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(parse);
