//! `duplicates`: the same delivery twice (at-least-once delivery means a receiver sees
//! repeats); for vendors that count attempts in the body, the same event re-sent with the
//! attempt counting up, re-signed.

use super::{Case, Context, Expect, Plan, Suite};

pub fn cases(ctx: &Context) -> Vec<Case> {
    let goldens = ctx.single_event_goldens();
    let Some(golden) = goldens.first() else {
        return Vec::new();
    };
    let requirement = ctx.requirement("retry", "accept a delivery seen before");
    let request = ctx.sender.authentic(&golden.bytes);
    let mut cases = vec![Case {
        id: "duplicates/same-bytes".into(),
        suite: Suite::Duplicates,
        event: golden.event.clone(),
        description: format!("the golden {} delivered twice, byte for byte", golden.name),
        requirement: requirement.clone(),
        expect: Expect::Accepted,
        plan: Plan::Sequence(vec![request.clone(), request]),
        controls: vec![golden.case_id()],
    }];
    if let Some(pointer) = ctx.vendor.profile.retry.attempt_pointer.as_deref() {
        let field = pointer.trim_start_matches('/');
        let requests = (1..=4)
            .filter_map(|n| {
                hookcert_events::with_top_level(&golden.bytes, field, Some(&n.to_string()))
            })
            .map(|body| ctx.sender.authentic(&body))
            .collect();
        cases.push(Case {
            id: "duplicates/attempts".into(),
            suite: Suite::Duplicates,
            event: golden.event.clone(),
            description: format!(
                "the golden {} re-sent with {field} 1, 2, 3, 4, each re-signed",
                golden.name
            ),
            requirement: ctx.requirement("attempt", "accept a retried delivery"),
            expect: Expect::Accepted,
            plan: Plan::Sequence(requests),
            controls: vec![golden.case_id()],
        });
    }
    cases
}
