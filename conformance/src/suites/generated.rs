//! `generated`: property-generated valid events of every event type (optional fields absent,
//! nullable fields null, unknown fields, non-ASCII and long strings, boundary numbers, varied
//! whitespace and key order), and for batch vendors batches of mixed events.

use super::{Case, Context, Expect, Plan, Suite};
use crate::event_gen::Encoding;

/// The largest batch of the ordinary generated cases.
const MAX_BATCH: usize = 8;
/// The batch a vendor may send when events pile up: no document gives a maximum.
const BIG_BATCH: usize = 100;
/// Valid events of these sizes: free text (notes, transcripts) has no documented limit.
const LARGE: usize = 256 * 1024;
const HUGE: usize = 1024 * 1024;
/// Event types given a 256 KiB case (the first with free text), and a 1 MiB one.
const LARGE_TYPES: usize = 4;

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
        let id = format!("generated/batch-{BIG_BATCH}");
        let mut runner = generator.runner(&id);
        if let Some(value) = generator.batch(BIG_BATCH, &mut runner) {
            let mut big = case(ctx, id, None, value, Encoding::Compact, &requirement);
            big.description = format!(
                "a batch of {BIG_BATCH} mixed valid events, authenticated (no document gives a maximum)"
            );
            big.requirement = ctx.requirement("envelope", "accept a batch of any number of events");
            let looser = match &big.plan {
                Plan::One(request) => documented_only(ctx, &request.body),
                _ => None,
            };
            if let Some(looser) = looser {
                looser.annotate(&mut big.description, &mut big.requirement);
            }
            cases.push(big);
        }
    }
    cases.extend(sized(ctx));
    cases
}

/// Valid events grown to 256 KiB and 1 MiB by their free text: no document states a size limit.
fn sized(ctx: &Context) -> Vec<Case> {
    let requirement = ctx.requirement(
        "size",
        "accept a valid event of 256 KiB; a 1 MiB one may get a 413 (no document states a limit)",
    );
    let mut cases = Vec::new();
    let goldens = ctx.single_event_goldens();
    let with_free_text = goldens.iter().filter_map(|g| {
        let value = crate::event_gen::padded(ctx.catalog, ctx.vendor, g, LARGE)?;
        Some((g, value))
    });
    for (n, (golden, value)) in with_free_text.take(LARGE_TYPES).enumerate() {
        let event = golden.event.clone().unwrap_or_default();
        cases.push(sized_case(
            ctx,
            &event,
            golden,
            value,
            "256kib",
            Expect::Accepted,
            &requirement,
        ));
        if n == 0 {
            if let Some(huge) = crate::event_gen::padded(ctx.catalog, ctx.vendor, golden, HUGE) {
                cases.push(sized_case(
                    ctx,
                    &event,
                    golden,
                    huge,
                    "1mib",
                    Expect::Large,
                    &requirement,
                ));
            }
        }
    }
    cases
}

fn sized_case(
    ctx: &Context,
    event: &str,
    golden: &crate::event_gen::Golden,
    value: serde_json::Value,
    size: &str,
    expect: Expect,
    requirement: &str,
) -> Case {
    let request = ctx.sender.authentic_value(&value, Encoding::Compact);
    let mut description = format!(
        "the golden {event} with its free text grown to a {}-byte body, authenticated",
        request.body.len()
    );
    let mut requirement = requirement.to_owned();
    if let Some(looser) = documented_only(ctx, &request.body) {
        looser.annotate(&mut description, &mut requirement);
    }
    Case {
        id: format!("generated/size-{size}/{event}"),
        suite: Suite::Generated,
        event: Some(event.to_owned()),
        description,
        requirement,
        expect,
        plan: Plan::One(request),
        controls: vec![golden.case_id()],
    }
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
    let request = ctx.sender.authentic_value(&value, encoding);
    let mut description = format!("{what}, {encoding:?} encoding, authenticated");
    let mut requirement = requirement.to_owned();
    if let Some(looser) = documented_only(ctx, &request.body) {
        looser.annotate(&mut description, &mut requirement);
    }
    Case {
        id,
        suite: Suite::Generated,
        event: event.map(str::to_owned),
        description,
        requirement,
        expect: Expect::Accepted,
        plan: Plan::One(request),
        controls: Vec::new(),
    }
}

/// A valid body that breaks rules only observed in the document's examples (a phone with
/// spaces, a SalesIQ `attempt` of 5): what it breaks, and the document's looser words.
struct DocumentedOnly {
    /// The observed rules broken, with pointers and ERRATA entries.
    notes: String,
    /// What the document says instead, quoted from the ERRATA entries that record the
    /// inferences.
    words: String,
}

impl DocumentedOnly {
    /// Says so in the case's description, and puts the document's words in its requirement.
    fn annotate(&self, description: &mut String, requirement: &mut String) {
        description.push_str(&format!(
            ", with values only the document's words allow ({})",
            self.notes
        ));
        *requirement = format!("{requirement}; {}", self.words);
    }
}

/// Reads the body as a receiver built on hookcert-events would: the notes `parse` returns
/// beside a valid delivery are the observed rules it breaks.
fn documented_only(ctx: &Context, body: &[u8]) -> Option<DocumentedOnly> {
    let Some(Ok(delivery)) = hookcert_events::parse(&ctx.vendor.profile.id, body) else {
        return None;
    };
    let notes = delivery.notes();
    if notes.is_empty() {
        return None;
    }
    let mut entries: Vec<u32> = notes.iter().filter_map(|n| n.errata).collect();
    entries.sort_unstable();
    entries.dedup();
    let words: Vec<String> = entries
        .iter()
        .filter_map(|n| ctx.vendor.errata.iter().find(|e| e.number == *n))
        .map(|e| {
            let quoted: Vec<String> = e.quotes.iter().map(|q| format!("\"{q}\"")).collect();
            format!(
                "the document says only {} (ERRATA #{}: {})",
                quoted.join(" "),
                e.number,
                e.title
            )
        })
        .collect();
    let shown: Vec<String> = notes.iter().take(3).map(ToString::to_string).collect();
    let more = match notes.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    Some(DocumentedOnly {
        notes: format!("{}{more}", shown.join("; ")),
        words: format!(
            "{}; the stricter form was only observed in its examples",
            words.join("; ")
        ),
    })
}
