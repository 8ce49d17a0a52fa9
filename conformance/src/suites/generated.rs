//! `generated`: property-generated valid events of every event type (optional fields absent,
//! nullable fields null, unknown fields, non-ASCII and long strings, boundary numbers, varied
//! whitespace and key order), and for batch vendors batches of mixed events.

use super::{Case, Context, Expect, Plan, Suite};
use crate::event_gen::Encoding;

/// The largest batch sent.
const MAX_BATCH: usize = 8;

pub fn cases(ctx: &Context) -> Vec<Case> {
    let generator = ctx.generator();
    let requirement = ctx.requirement("success", "accept every valid event");
    let mut cases = Vec::new();
    for event in &ctx.vendor.events {
        for i in 0..ctx.cases {
            let id = format!("generated/{}/{i}", event.name);
            let mut runner = generator.runner(&id);
            let Some(value) = generator.event(&event.name, &mut runner) else {
                continue;
            };
            let encoding = Encoding::draw(&mut runner);
            cases.push(case(
                ctx,
                id,
                Some(&event.name),
                value,
                encoding,
                &requirement,
            ));
        }
    }
    if ctx.vendor.profile.envelope.events_pointer.is_some() {
        for i in 0..ctx.cases {
            let id = format!("generated/batch/{i}");
            let mut runner = generator.runner(&id);
            let size = 1 + (i as usize % MAX_BATCH);
            let Some(value) = generator.batch(size, &mut runner) else {
                continue;
            };
            let encoding = Encoding::draw(&mut runner);
            cases.push(case(ctx, id, None, value, encoding, &requirement));
        }
    }
    cases
}

fn case(
    ctx: &Context,
    id: String,
    event: Option<&str>,
    value: serde_json::Value,
    encoding: Encoding,
    requirement: &str,
) -> Case {
    let what = match event {
        Some(e) => format!("a generated valid {e} event"),
        None => "a generated batch of mixed valid events".to_owned(),
    };
    Case {
        id,
        suite: Suite::Generated,
        event: event.map(str::to_owned),
        description: format!("{what}, {encoding:?} encoding, authenticated"),
        requirement: requirement.to_owned(),
        expect: Expect::Accepted,
        plan: Plan::One(ctx.sender.authentic_value(&value, encoding)),
        controls: Vec::new(),
    }
}
