//! `ordering`: related events out of order (deleted and updated before created). Deliveries
//! race; a receiver must accept each, not insist on seeing the creation first.

use super::{Case, Context, Expect, Plan, Suite};
use crate::event_gen::{Encoding, Golden};
use serde_json::Value;
use std::collections::BTreeMap;

const CREATES: &[&str] = &["created", "added", "create"];

pub fn cases(ctx: &Context) -> Vec<Case> {
    let requirement = ctx.requirement("events", "accept related events in any order");
    let goldens = ctx.single_event_goldens();
    let families = families(&goldens);
    let mut cases: Vec<Case> = families
        .into_iter()
        .filter_map(|(family, members)| case(ctx, &family, &members, &requirement))
        .collect();
    if cases.is_empty() {
        cases.push(Case {
            id: "ordering/1".into(),
            suite: Suite::Ordering,
            event: None,
            description: "related events out of order".into(),
            requirement,
            expect: Expect::Accepted,
            plan: Plan::Skip(format!(
                "{} has no events that create and then change one entity",
                ctx.vendor.profile.name
            )),
            controls: Vec::new(),
        });
    }
    cases
}

/// Event types grouped by what precedes their last `.` or `:` (`lead.added` → `lead`), kept
/// where the group has a creation and something after it.
fn families(goldens: &[Golden]) -> BTreeMap<String, Vec<&Golden>> {
    let mut out: BTreeMap<String, Vec<&Golden>> = BTreeMap::new();
    for g in goldens {
        let Some(event) = g.event.as_deref() else {
            continue;
        };
        if let Some(i) = event.rfind(['.', ':']) {
            out.entry(event[..i].to_owned()).or_default().push(g);
        }
    }
    out.retain(|_, members| members.iter().any(|g| is_create(g)) && members.len() > 1);
    out
}

fn action(g: &Golden) -> &str {
    let event = g.event.as_deref().unwrap_or("");
    event.rfind(['.', ':']).map_or(event, |i| &event[i + 1..])
}

fn is_create(g: &Golden) -> bool {
    CREATES.contains(&action(g))
}

fn case(ctx: &Context, family: &str, members: &[&Golden], requirement: &str) -> Option<Case> {
    let create = members.iter().find(|g| is_create(g))?;
    let mut later: Vec<&&Golden> = members.iter().filter(|g| !is_create(g)).collect();
    // Deletions first: the most out of order.
    later.sort_by_key(|g| !action(g).contains("delet"));
    later.truncate(2);
    let pointers = entity_pointers(ctx);
    let created: Value = serde_json::from_slice(&create.bytes).ok()?;
    let mut order: Vec<Value> = later
        .iter()
        .filter_map(|g| serde_json::from_slice::<Value>(&g.bytes).ok())
        .map(|mut v| {
            for p in &pointers {
                if let (Some(id), Some(slot)) = (created.pointer(p), v.pointer_mut(p)) {
                    *slot = id.clone();
                }
            }
            v
        })
        .collect();
    let names: Vec<&str> = later
        .iter()
        .filter_map(|g| g.event.as_deref())
        .chain(create.event.as_deref())
        .collect();
    order.push(created);
    Some(Case {
        id: format!("ordering/{family}"),
        suite: Suite::Ordering,
        event: create.event.clone(),
        description: format!("{} for one entity, in that order", names.join(" then ")),
        requirement: requirement.to_owned(),
        expect: Expect::Accepted,
        plan: Plan::Sequence(
            order
                .iter()
                .map(|v| ctx.sender.authentic_value(v, Encoding::Compact))
                .collect(),
        ),
        controls: later
            .iter()
            .map(|g| g.case_id())
            .chain([create.case_id()])
            .collect(),
    })
}

/// Where the entity's identity sits in a body: the profile's identity pointers other than
/// the event type and the time.
fn entity_pointers(ctx: &Context) -> Vec<String> {
    let env = &ctx.vendor.profile.envelope;
    env.identity
        .iter()
        .filter(|p| Some(p.as_str()) != env.type_pointer.as_deref())
        .filter(|p| !p.contains("date") && !p.contains("time") && !p.is_empty())
        .map(|p| env.in_first_event(p))
        .collect()
}
