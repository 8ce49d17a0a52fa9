//! `unknown-event`: a well-formed, authenticated event whose type the catalog does not know.
//! Vendors add events over time; a receiver must not fail on one.

use super::{Case, Context, Expect, Plan, Suite};
use crate::event_gen::{Encoding, Golden};
use serde_json::Value;

pub const UNKNOWN_TYPE: &str = "hookcert.unknown_event";

pub fn cases(ctx: &Context) -> Vec<Case> {
    let profile = &ctx.vendor.profile;
    let requirement = ctx.requirement("events", "accept event types added after the document");
    let skip = |why: String| Case {
        id: "unknown-event/1".into(),
        suite: Suite::UnknownEvent,
        event: None,
        description: format!("an authenticated event of the type {UNKNOWN_TYPE}"),
        requirement: requirement.clone(),
        expect: Expect::UnknownEvent,
        plan: Plan::Skip(why),
        controls: Vec::new(),
    };
    let Some(at) = profile.envelope.type_pointer_at(0) else {
        return vec![skip(format!(
            "{}'s envelope names no event type",
            profile.name
        ))];
    };
    let goldens = ctx.single_event_goldens();
    let body = goldens
        .first()
        .and_then(|g| serde_json::from_slice::<Value>(&g.bytes).ok())
        .and_then(|mut v| {
            *v.pointer_mut(&at)? = Value::String(UNKNOWN_TYPE.into());
            Some(v)
        });
    let Some(body) = body else {
        return vec![skip("no golden example to base it on".into())];
    };
    vec![Case {
        id: "unknown-event/1".into(),
        suite: Suite::UnknownEvent,
        event: Some(UNKNOWN_TYPE.into()),
        description: format!(
            "a golden event with its type ({at}) changed to {UNKNOWN_TYPE}, authenticated"
        ),
        requirement,
        expect: Expect::UnknownEvent,
        plan: Plan::One(ctx.sender.authentic_value(&body, Encoding::Compact)),
        controls: goldens.first().map(Golden::case_id).into_iter().collect(),
    }]
}
