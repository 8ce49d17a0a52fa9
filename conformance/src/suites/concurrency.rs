//! `concurrency`: 32 valid deliveries at once, each distinct. Vendors deliver in parallel;
//! a receiver that serialises or locks must still accept them all.

use super::{Case, Context, Expect, Plan, Suite};

pub const DELIVERIES: usize = 32;

pub fn cases(ctx: &Context) -> Vec<Case> {
    let goldens = ctx.single_event_goldens();
    if goldens.is_empty() {
        return Vec::new();
    }
    let requests = (0..DELIVERIES)
        .filter_map(|i| {
            let golden = &goldens[i % goldens.len()];
            hookcert_events::with_top_level(
                &golden.bytes,
                "x_hookcert_delivery",
                Some(&i.to_string()),
            )
        })
        .map(|body| ctx.sender.authentic(&body))
        .collect();
    vec![Case {
        id: "concurrency/32".into(),
        suite: Suite::Concurrency,
        event: None,
        description: format!(
            "{DELIVERIES} distinct golden deliveries sent at once, on {DELIVERIES} connections"
        ),
        requirement: ctx.requirement("timeout", "accept concurrent deliveries"),
        expect: Expect::Accepted,
        plan: Plan::Concurrent(requests),
        controls: goldens
            .iter()
            .take(DELIVERIES)
            .map(|g| g.case_id())
            .collect(),
    }]
}
