//! Parse plus validate against the checked floor (a'), measured in alternating blocks.
//!
//! `benches/parse.rs` times each contender in a run of its own, a few seconds apart; on a
//! shared machine the speed drifts between those runs by more than the gap being measured.
//! Here the generated parser, the generated parser without validation and the floor take
//! turns in blocks of 300 parses, 300 times, and the ratio is taken block by block, so drift
//! cancels out: the report is the median ratio with its quartiles.
//!
//! `cargo bench -p hookcert-events --bench paired`

use serde::de::DeserializeOwned;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

const BLOCKS: usize = 300;
const PER_BLOCK: u32 = 300;

#[derive(serde::Deserialize)]
#[allow(dead_code)] // read by serde only: the floor is the decoding itself
struct Batch<T> {
    payload: Vec<T>,
}

fn example(vendor: &str, event: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../schemas/{vendor}/examples/{event}.doc.json"));
    std::fs::read(path).expect("golden example")
}

/// (a'): the body checked whole to be UTF-8, then typed serde parsing, as in `parse.rs`.
fn checked_floor<T: DeserializeOwned>(body: &[u8]) -> T {
    serde_json::from_str(std::str::from_utf8(body).expect("UTF-8")).expect("typed parse")
}

/// Nanoseconds per call of `f`, over one block.
fn block(f: &dyn Fn()) -> f64 {
    let start = Instant::now();
    for _ in 0..PER_BLOCK {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(PER_BLOCK)
}

fn quartiles(mut v: Vec<f64>) -> [f64; 3] {
    v.sort_by(f64::total_cmp);
    [v[v.len() / 4], v[v.len() / 2], v[3 * v.len() / 4]]
}

fn compare(label: &str, validated: &dyn Fn(), unvalidated: &dyn Fn(), floor: &dyn Fn()) {
    let (mut full, mut parse_only, mut base) = (Vec::new(), Vec::new(), Vec::new());
    let (mut full_ratio, mut parse_ratio) = (Vec::new(), Vec::new());
    for _ in 0..BLOCKS {
        let v = block(validated);
        let u = block(unvalidated);
        let f = block(floor);
        full_ratio.push(v / f);
        parse_ratio.push(u / f);
        full.push(v);
        parse_only.push(u);
        base.push(f);
    }
    let [q1, median, q3] = quartiles(full_ratio);
    let [p1, parse_median, p3] = quartiles(parse_ratio);
    println!(
        "{label:32} parse+validate {:7.1} ns, parse only {:7.1} ns, (a') {:7.1} ns | \
         parse+validate / (a') {median:.3} (quartiles {q1:.3}-{q3:.3}); \
         parse only / (a') {parse_median:.3} ({p1:.3}-{p3:.3})",
        quartiles(full)[1],
        quartiles(parse_only)[1],
        quartiles(base)[1],
    );
}

macro_rules! vendor {
    ($module:ident, $vendor:literal, $event:literal, $floor:ty) => {{
        let body = example($vendor, $event);
        assert!(
            hookcert_events::$module::parse(&body).is_ok(),
            "{} {}: valid",
            $vendor,
            $event
        );
        compare(
            concat!($vendor, " ", $event),
            &|| {
                black_box(hookcert_events::$module::parse(black_box(&body)).expect("valid"));
            },
            &|| {
                black_box(
                    hookcert_events::$module::parse_unvalidated(black_box(&body)).expect("parses"),
                );
            },
            &|| {
                black_box(checked_floor::<$floor>(black_box(&body)));
            },
        );
    }};
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter is not offered: the whole run takes
    // about 15 seconds.
    vendor!(
        spotio,
        "spotio",
        "lead.added",
        Batch<hookcert_events::spotio::LeadAddedEvent>
    );
    vendor!(
        clinchpad,
        "clinchpad",
        "note:created",
        hookcert_events::clinchpad::NoteCreated
    );
    vendor!(
        zoho_salesiq,
        "zoho-salesiq",
        "department.created",
        hookcert_events::zoho_salesiq::DepartmentCreated
    );
    vendor!(
        breakcold,
        "breakcold",
        "lead.create",
        hookcert_events::breakcold::LeadCreate
    );
    vendor!(
        tomba,
        "tomba",
        "save_lead",
        hookcert_events::tomba::SaveLead
    );
}
