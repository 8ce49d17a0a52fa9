//! `auth`: requests that are not the vendor's (missing, wrong, tampered, malformed
//! credentials) must be refused with a 4xx; a header name in another case must still be
//! accepted, since HTTP header names are case-insensitive.

use super::{Case, Context, Expect, Plan, Suite};
use crate::body_edit;
use crate::credentials::{self, Credentials};
use crate::request::Request;
use hookcert_events::auth::rsa_sha256;

struct Attack {
    description: String,
    expect: Expect,
    request: Request,
}

pub fn cases(ctx: &Context) -> Vec<Case> {
    let goldens = ctx.single_event_goldens();
    let (Some(first), second) = (goldens.first(), goldens.get(1)) else {
        return Vec::new();
    };
    let requirement = ctx.requirement("authentication", "refuse what the vendor did not send");
    if !ctx.sender.credentials.configured() {
        return vec![Case {
            id: "auth/1".into(),
            suite: Suite::Auth,
            event: None,
            description: "attacks on the vendor's authentication".into(),
            requirement,
            expect: Expect::Refused,
            plan: Plan::Skip(format!(
                "nothing is configured to check: {} authentication is optional and none was given",
                ctx.vendor.profile.name
            )),
            source: None,
        }];
    }
    let other_body = second.map_or_else(|| b"{\"other\":true}".to_vec(), |g| g.bytes.clone());
    let attacks = match &ctx.sender.credentials {
        Credentials::Hmac { header, .. } => {
            let wrong = |body: &[u8]| hex_hmac(b"not-the-endpoint-secret", body);
            signature_attacks(ctx, header, &first.bytes, &other_body, &wrong, |s| {
                s.chars().take(s.len() / 2).collect()
            })
        }
        Credentials::Rsa { header, .. } => {
            let forger = credentials::forger_key().ok();
            let wrong = move |body: &[u8]| {
                forger
                    .as_ref()
                    .map_or_else(String::new, |k| rsa_sha256::sign(k, body))
            };
            signature_attacks(ctx, header, &first.bytes, &other_body, &wrong, |s| {
                s.chars().take(s.len() / 2).collect()
            })
        }
        Credentials::BodyField { field, value } => {
            let secret = value
                .as_ref()
                .map(|v| String::from_utf8_lossy(v.expose()).into_owned())
                .unwrap_or_default();
            body_field_attacks(ctx, field, &secret, &first.bytes)
        }
        Credentials::Headers(headers) => header_attacks(ctx, headers, &first.bytes),
    };
    attacks
        .into_iter()
        .enumerate()
        .map(|(i, a)| Case {
            id: format!("auth/{}", i + 1),
            suite: Suite::Auth,
            event: first.event.clone(),
            description: a.description,
            requirement: requirement.clone(),
            expect: a.expect,
            plan: Plan::One(a.request),
            source: None,
        })
        .collect()
}

fn hex_hmac(key: &[u8], body: &[u8]) -> String {
    hookcert_events::auth::hmac_sha256_hex::sign(key, body)
}

fn with_header(ctx: &Context, body: &[u8], header: Option<(&str, String)>) -> Request {
    let mut headers = ctx.sender.base_headers();
    if let Some((name, value)) = header {
        headers.push((name.to_owned(), value));
    }
    Request::new(&ctx.sender.method, headers, body.to_vec())
}

fn refused(description: &str, request: Request) -> Attack {
    Attack {
        description: description.to_owned(),
        expect: Expect::Refused,
        request,
    }
}

/// The header schemes (HMAC, RSA): the signature header attacked every way.
fn signature_attacks(
    ctx: &Context,
    header: &str,
    body: &[u8],
    other_body: &[u8],
    wrong_key: &dyn Fn(&[u8]) -> String,
    truncate: impl Fn(&str) -> String,
) -> Vec<Attack> {
    let good = |b: &[u8]| {
        ctx.sender
            .credentials
            .sign(b)
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or_default()
    };
    let signature = good(body);
    let tampered = body_edit::tamper(body).unwrap_or_else(|| [body, b" "].concat());
    let other_case = if header.chars().any(|c| c.is_ascii_uppercase()) {
        header.to_ascii_lowercase()
    } else {
        header.to_ascii_uppercase()
    };
    let mut accepted_other_case = with_header(ctx, body, Some((&other_case, signature.clone())));
    accepted_other_case.headers.retain(|(n, _)| n != header);
    vec![
        refused(&format!("no {header} header"), with_header(ctx, body, None)),
        refused(
            "signed with a key that is not the endpoint's",
            with_header(ctx, body, Some((header, wrong_key(body)))),
        ),
        refused(
            "one byte of the body changed after signing",
            with_header(ctx, &tampered, Some((header, signature.clone()))),
        ),
        refused(
            "the valid signature of another body",
            with_header(ctx, body, Some((header, good(other_body)))),
        ),
        refused(
            "a malformed signature (neither hex nor base64)",
            with_header(ctx, body, Some((header, "!!not-a-signature!!".into()))),
        ),
        refused(
            "the signature truncated to half its length",
            with_header(ctx, body, Some((header, truncate(&signature)))),
        ),
        refused(
            &format!("an empty {header} header"),
            with_header(ctx, body, Some((header, String::new()))),
        ),
        Attack {
            description: format!(
                "a valid signature under the header name {other_case} (names are case-insensitive)"
            ),
            expect: Expect::Accepted,
            request: accepted_other_case,
        },
    ]
}

/// Breakcold's secret, ClinchPad's handshake key: the field attacked every way.
fn body_field_attacks(ctx: &Context, field: &str, secret: &str, body: &[u8]) -> Vec<Attack> {
    let with_field = |value: Option<&str>| {
        let b = body_edit::set_field(body, field, value).unwrap_or_else(|| body.to_vec());
        with_header(ctx, &b, None)
    };
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut attacks = vec![
        refused(&format!("no {field} field"), with_field(None)),
        refused(
            &format!("a {field} that is not the endpoint's"),
            with_field(Some(&quoted("whsec_not_the_endpoint_secret"))),
        ),
        refused(&format!("an empty {field}"), with_field(Some("\"\""))),
        refused(&format!("{field} null"), with_field(Some("null"))),
    ];
    for (how, variant) in credentials::secret_variants(secret) {
        attacks.push(refused(
            &format!("the {field} {how}"),
            with_field(Some(&quoted(&variant))),
        ));
    }
    attacks
}

/// What a header attack does to each configured `(name, value)`: keep, change or drop it.
type HeaderEdit<'a> = dyn Fn(&str, &str) -> Option<(String, String)> + 'a;

/// Tomba's configured headers: each one missing, wrong, truncated, empty; and spelled in
/// another case, which must still be accepted.
fn header_attacks(
    ctx: &Context,
    headers: &[(String, hookcert_events::auth::Secret)],
    body: &[u8],
) -> Vec<Attack> {
    let all: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v.expose()).into_owned()))
        .collect();
    let request_with = |replace: &HeaderEdit| {
        let mut h = ctx.sender.base_headers();
        h.extend(all.iter().filter_map(|(n, v)| replace(n, v)));
        Request::new(&ctx.sender.method, h, body.to_vec())
    };
    let mut attacks = Vec::new();
    for (name, value) in &all {
        let this = |n: &str| n == name;
        attacks.push(refused(
            &format!("no {name} header"),
            request_with(&|n, v| (!this(n)).then(|| (n.to_owned(), v.to_owned()))),
        ));
        attacks.push(refused(
            &format!("a {name} value that is not the configured one"),
            request_with(&|n, v| {
                Some((
                    n.to_owned(),
                    if this(n) {
                        "Bearer not-the-configured-token".into()
                    } else {
                        v.to_owned()
                    },
                ))
            }),
        ));
        // HTTP strips whitespace around a header value, so a space appended changes nothing.
        let variants = credentials::secret_variants(value)
            .into_iter()
            .filter(|(how, _)| !how.contains("space"));
        for (how, variant) in variants {
            attacks.push(refused(
                &format!("the {name} value {how}"),
                request_with(&|n, v| {
                    Some((
                        n.to_owned(),
                        if this(n) {
                            variant.clone()
                        } else {
                            v.to_owned()
                        },
                    ))
                }),
            ));
        }
        attacks.push(refused(
            &format!("an empty {name} header"),
            request_with(&|n, v| {
                Some((
                    n.to_owned(),
                    if this(n) { String::new() } else { v.to_owned() },
                ))
            }),
        ));
        let other_case = if name.chars().any(|c| c.is_ascii_uppercase()) {
            name.to_ascii_lowercase()
        } else {
            name.to_ascii_uppercase()
        };
        attacks.push(Attack {
            description: format!(
                "the configured {name} under the name {other_case} (names are case-insensitive)"
            ),
            expect: Expect::Accepted,
            request: request_with(&|n, v| {
                Some((
                    if this(n) {
                        other_case.clone()
                    } else {
                        n.to_owned()
                    },
                    v.to_owned(),
                ))
            }),
        });
    }
    attacks
}
