//! `golden`: every golden example of the vendor, as the catalog stores it.

use super::{Case, Context, Expect, Plan, Suite};
use hookcert_catalog::Origin;

pub fn cases(ctx: &Context) -> Vec<Case> {
    crate::event_gen::golden(ctx.catalog, ctx.vendor)
        .into_iter()
        .map(|g| {
            let origin = match g.origin {
                Origin::Document => "the document's example",
                Origin::Constructed => "a constructed example (the document shows none)",
            };
            Case {
                id: g.case_id(),
                suite: Suite::Golden,
                event: g.event.clone(),
                description: format!("{} of {}, authenticated", origin, g.name),
                requirement: ctx.requirement("success", "answer the vendor's success status"),
                expect: Expect::Accepted,
                plan: Plan::One(ctx.sender.authentic(&g.bytes)),
                controls: Vec::new(),
            }
        })
        .collect()
}
