//! `robustness`: bad input, authenticated as far as the scheme allows (a body secret cannot
//! survive malformed JSON): a receiver answers 4xx, never 5xx, never drops the connection.

use super::{Case, Context, Expect, Plan, Suite};
use crate::body_edit;

const BIG_BODY: usize = 5 * 1024 * 1024;
const DEPTH: usize = 10_000;

struct Input {
    name: &'static str,
    description: String,
    expect: Expect,
    body: Vec<u8>,
    body_command: Option<String>,
}

pub fn cases(ctx: &Context) -> Vec<Case> {
    let goldens = ctx.single_event_goldens();
    let Some(golden) = goldens.first() else {
        return Vec::new();
    };
    let requirement = ctx.requirement(
        "validation",
        "refuse what cannot be processed with a 4xx; never fail with a 5xx or a dropped connection",
    );
    inputs(ctx, &golden.bytes)
        .into_iter()
        .map(|input| {
            let mut request = ctx.sender.signed(input.body);
            request.body_command = input.body_command;
            Case {
                id: format!("robustness/{}", input.name),
                suite: Suite::Robustness,
                event: None,
                description: input.description,
                requirement: requirement.clone(),
                expect: input.expect,
                plan: Plan::One(request),
                controls: vec![golden.case_id()],
            }
        })
        .collect()
}

fn inputs(ctx: &Context, golden: &[u8]) -> Vec<Input> {
    let authentic = ctx.sender.with_secret(golden);
    let object_with = |extra: &str| -> Vec<u8> {
        let base = ctx.sender.with_secret(b"{}");
        hookcert_events::with_top_level(&base, "hookcert", Some(extra))
            .unwrap_or_else(|| base.clone())
    };
    let half = authentic.len() / 2;
    vec![
        Input {
            name: "malformed-json",
            description: "the first half of a valid body: malformed JSON".into(),
            expect: Expect::BadInput,
            body: authentic[..half].to_vec(),
            body_command: None,
        },
        Input {
            name: "empty-body",
            description: "an empty body".into(),
            expect: Expect::BadInput,
            body: Vec::new(),
            body_command: None,
        },
        Input {
            name: "json-array",
            description: "a JSON array where the envelope is an object".into(),
            expect: Expect::BadInput,
            body: b"[1,2,3]".to_vec(),
            body_command: None,
        },
        Input {
            name: "wrong-shape",
            description: "a JSON object without the envelope's fields".into(),
            expect: Expect::BadInput,
            body: object_with("\"wrong shape\""),
            body_command: None,
        },
        big_body(ctx, golden),
        deep_nesting(ctx),
        Input {
            name: "invalid-utf8",
            description: "a valid body with bytes that are not UTF-8 inside a string".into(),
            expect: Expect::BadInput,
            body: invalid_utf8(&authentic),
            body_command: None,
        },
    ]
}

/// A valid event carrying an unknown field of 5 MiB: a receiver may take it or refuse it.
fn big_body(ctx: &Context, golden: &[u8]) -> Input {
    let marker = "HOOKCERT_PADDING";
    let padded = body_edit::set_string(golden, "x_hookcert_padding", marker)
        .unwrap_or_else(|| golden.to_vec());
    let padded = ctx.sender.with_secret(&padded);
    let text = String::from_utf8_lossy(&padded).into_owned();
    let (before, after) = text.split_once(marker).unwrap_or((&text, ""));
    let body = [before.as_bytes(), &vec![b'a'; BIG_BODY], after.as_bytes()].concat();
    let command = format!(
        "{{ printf '%s' {}; head -c {BIG_BODY} /dev/zero | tr '\\0' a; printf '%s' {}; }}",
        crate::request::quote(before),
        crate::request::quote(after)
    );
    Input {
        name: "5mib-body",
        description: "a valid event with an unknown 5 MiB field".into(),
        expect: Expect::Either,
        body,
        body_command: Some(command),
    }
}

fn deep_nesting(ctx: &Context) -> Input {
    let base = ctx.sender.with_secret(b"{}");
    let prefix =
        hookcert_events::with_top_level(&base, "hookcert_nested", Some("0")).unwrap_or(base);
    let text = String::from_utf8_lossy(&prefix).into_owned();
    let (before, after) = text.rsplit_once('0').unwrap_or((&text, ""));
    let body = [
        before.as_bytes(),
        &vec![b'['; DEPTH],
        &vec![b']'; DEPTH],
        after.as_bytes(),
    ]
    .concat();
    let command = format!(
        "{{ printf '%s' {}; printf '[%.0s' $(seq {DEPTH}); printf ']%.0s' $(seq {DEPTH}); printf '%s' {}; }}",
        crate::request::quote(before),
        crate::request::quote(after)
    );
    Input {
        name: "deep-nesting",
        description: format!("arrays nested {DEPTH} deep"),
        expect: Expect::BadInput,
        body,
        body_command: Some(command),
    }
}

/// The body with two bytes that are not UTF-8 put inside its first string value.
fn invalid_utf8(body: &[u8]) -> Vec<u8> {
    // After the first `":"` the next `"` opens a string value.
    let key_end = body.windows(2).position(|w| w == b"\":");
    let open = key_end.and_then(|k| {
        body[k + 2..]
            .iter()
            .position(|&b| b == b'"')
            .map(|i| k + 3 + i)
    });
    match open {
        Some(at) => [&body[..at], b"\xff\xfe", &body[at..]].concat(),
        None => [body, b"\xff\xfe"].concat(),
    }
}
