//! `robustness`: bad input, authenticated as far as the scheme allows (a body secret cannot
//! survive malformed JSON): a receiver answers 4xx, never 5xx, never drops the connection. And
//! what any vendor's HTTP client or anyone on the network may send: another Content-Type (or
//! none), a method no vendor uses, and an authentic delivery in the other forms of HTTP/1.x
//! clients use (chunked, `Expect: 100-continue`, `Connection: close`, HTTP/1.0).

use super::{Case, Context, Expect, Plan, Suite};
use crate::body_edit;
use crate::request::{Request, Wire};
use hookcert_catalog::Method;

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
    let case = |name: String, description: String, requirement: &str, expect, request| Case {
        id: format!("robustness/{name}"),
        suite: Suite::Robustness,
        event: None,
        description,
        requirement: requirement.to_owned(),
        expect,
        plan: Plan::One(request),
        controls: vec![golden.case_id()],
    };
    let mut cases: Vec<Case> = inputs(ctx, &golden.bytes)
        .into_iter()
        .map(|input| {
            let mut request = ctx.sender.signed(input.body);
            request.body_command = input.body_command;
            case(
                input.name.to_owned(),
                input.description,
                &requirement,
                input.expect,
                request,
            )
        })
        .collect();
    let authentic = ctx.sender.authentic(&golden.bytes);
    let content_types = ctx.requirement(
        "content_type",
        "the documents do not state the Content-Type header: answer 2xx or 4xx to an authentic delivery whatever it says, never 5xx",
    );
    for (name, value) in [
        ("absent", None),
        ("text-plain", Some("text/plain")),
        ("charset", Some("application/json; charset=utf-8")),
    ] {
        let mut request = authentic.clone();
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        if let Some(value) = value {
            request
                .headers
                .insert(0, ("Content-Type".into(), value.into()));
        }
        let what = value.map_or("no Content-Type".to_owned(), |v| {
            format!("Content-Type: {v}")
        });
        cases.push(case(
            format!("content-type-{name}"),
            format!("the golden {} with {what}, authenticated", golden.name),
            &content_types,
            Expect::Either,
            request,
        ));
    }
    let methods = ctx.requirement(
        "method",
        "refuse with a 4xx a request no vendor sends, unauthenticated; never fail with a 5xx",
    );
    for method in stray_methods(ctx.sender.method()) {
        let body = if matches!(method, Method::Get | Method::Head) {
            Vec::new()
        } else {
            golden.bytes.clone()
        };
        let request = Request::new(method.as_str(), ctx.sender.base_headers(), body);
        cases.push(case(
            format!("method-{}", method.as_str().to_ascii_lowercase()),
            format!("a {method} request without authentication"),
            &methods,
            Expect::StrayMethod,
            request,
        ));
    }
    let transport = ctx.requirement(
        "transport",
        "accept an authentic delivery in any form of HTTP/1.x vendors' clients send",
    );
    for (wire, how) in [
        (
            Wire::Chunked,
            "with a chunked body (Transfer-Encoding: chunked)",
        ),
        (
            Wire::ExpectContinue,
            "with Expect: 100-continue, the body sent after the 100",
        ),
        (Wire::ConnectionClose, "with Connection: close"),
        (Wire::Http10, "as HTTP/1.0"),
    ] {
        let mut request = authentic.clone();
        request.wire = wire;
        cases.push(case(
            format!("wire-{}", wire.name()),
            format!("the golden {} sent {how}, authenticated", golden.name),
            &transport,
            Expect::Variation(wire),
            request,
        ));
    }
    cases
}

/// GET, HEAD and PUT, or POST in place of the one the vendor sends (Tomba lets its users choose).
fn stray_methods(sent: Method) -> Vec<Method> {
    [Method::Get, Method::Head, Method::Put, Method::Post]
        .into_iter()
        .filter(|m| *m != sent)
        .take(3)
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
