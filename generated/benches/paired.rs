//! Parse plus validate against the checked floor (a'), measured in alternating blocks.
//!
//! `benches/parse.rs` times each contender in a run of its own, a few seconds apart; on a
//! shared machine the speed drifts between those runs by more than the gap being measured.
//! Here the contenders take turns in blocks of 300 parses, 300 times, and each one's ratio to
//! the floor is taken block by block, so drift cancels out: the report is the median ratio
//! with its quartiles. Beside the generated parser with and without validation runs the floor
//! moved into `vec![Box::new(event)]`: the two allocations `Delivery`'s shape costs (the events
//! vector, the event's box), which the floor does not make.
//!
//! `cargo bench -p hookcert-events --bench paired`

mod common;

use common::{Batch, checked_floor, example};
use std::hint::black_box;
use std::time::Instant;

const BLOCKS: usize = 300;
const PER_BLOCK: u32 = 300;

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

/// Runs `contenders` and `floor` in turns; prints each contender's time and its ratio to the
/// floor's, block by block.
fn compare(label: &str, contenders: &[(&str, &dyn Fn())], floor: &dyn Fn()) {
    let mut times = vec![Vec::with_capacity(BLOCKS); contenders.len()];
    let mut ratios = vec![Vec::with_capacity(BLOCKS); contenders.len()];
    let mut floor_times = Vec::with_capacity(BLOCKS);
    for round in 0..BLOCKS {
        // The floor runs first in every other round, last in the others, so that what runs
        // just before it (and leaves the caches and branch predictor as it does) is no bias.
        let floor_first = round % 2 == 0;
        let early = floor_first.then(|| block(floor));
        let these: Vec<f64> = contenders.iter().map(|(_, f)| block(*f)).collect();
        let base = early.unwrap_or_else(|| block(floor));
        for (i, t) in these.into_iter().enumerate() {
            times[i].push(t);
            ratios[i].push(t / base);
        }
        floor_times.push(base);
    }
    println!("{label}: (a') {:.1} ns", quartiles(floor_times)[1]);
    for (((name, _), times), ratios) in contenders.iter().zip(times).zip(ratios) {
        let [q1, median, q3] = quartiles(ratios);
        println!(
            "  {name:28} {:8.1} ns  / (a') {median:.3} (quartiles {q1:.3}-{q3:.3})",
            quartiles(times)[1]
        );
    }
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
            &[
                ("parse+validate", &|| {
                    black_box(hookcert_events::$module::parse(black_box(&body)).expect("valid"));
                }),
                ("parse only", &|| {
                    black_box(
                        hookcert_events::$module::parse_unvalidated(black_box(&body))
                            .expect("parses"),
                    );
                }),
                ("(a') into vec![Box::new(_)]", &|| {
                    black_box(vec![Box::new(checked_floor::<$floor>(black_box(&body)))]);
                }),
            ],
            &|| {
                black_box(checked_floor::<$floor>(black_box(&body)));
            },
        );
    }};
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter is not offered: the whole run takes
    // about 20 seconds.
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
