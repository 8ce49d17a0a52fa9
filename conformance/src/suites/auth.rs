//! `auth`: requests that are not the vendor's (missing, wrong, tampered, malformed
//! credentials) must be refused with a 4xx; a header name in another case must still be
//! accepted, since HTTP header names are case-insensitive. Each case is named for its attack
//! (`auth/no-signature`, `auth/wrong-secret`), so adding one renames none.

use super::{Case, Context, Expect, Plan, Suite};
use crate::body_edit;
use crate::request::Request;
use hookcert_events::auth::{Credentials, NearMiss, Scheme, Secret, Signer};

/// What a forger signs with: not the endpoint's secret, and a key pair that is not the
/// webhook's. Committed on purpose; it guards nothing.
const FORGER_SECRET: &str = "whsec_not_the_endpoint_secret";
const FORGER_KEY_PEM: &str = include_str!("../../keys/forger-private.pem");

struct Attack {
    name: String,
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
    let signer = ctx.sender.signer();
    if !signer.configured() {
        return vec![Case {
            id: "auth/not-configured".into(),
            suite: Suite::Auth,
            event: None,
            description: "attacks on the vendor's authentication".into(),
            requirement,
            expect: Expect::Refused,
            plan: Plan::Skip(format!(
                "nothing is configured to check: {} authentication is optional and none was given",
                ctx.vendor.profile.name
            )),
            controls: Vec::new(),
        }];
    }
    let other_body = second.map_or_else(|| b"{\"other\":true}".to_vec(), |g| g.bytes.clone());
    let attacks = match signer.scheme() {
        Scheme::HmacSha256Hex { header } | Scheme::RsaSha256 { header } => {
            signature_attacks(ctx, header, &first.bytes, &other_body)
        }
        Scheme::BodySecret { field } | Scheme::HandshakeKey { field } => {
            let secret = signer
                .body_secret()
                .and_then(|(_, value)| value)
                .map(Secret::text)
                .unwrap_or_default();
            body_field_attacks(ctx, field, &secret, &first.bytes)
        }
        Scheme::CustomHeaders => header_attacks(ctx, &first.bytes),
    };
    attacks
        .into_iter()
        .map(|a| Case {
            id: format!("auth/{}", a.name),
            suite: Suite::Auth,
            event: first.event.clone(),
            description: a.description,
            requirement: requirement.clone(),
            expect: a.expect,
            plan: Plan::One(a.request),
            controls: vec![first.case_id()],
        })
        .collect()
}

fn refused(name: &str, description: &str, request: Request) -> Attack {
    Attack {
        name: name.to_owned(),
        description: description.to_owned(),
        expect: Expect::Refused,
        request,
    }
}

/// A signer of the vendor's scheme with the forger's credentials.
fn forger(ctx: &Context) -> Option<Signer> {
    let credentials = match ctx.sender.signer().scheme() {
        Scheme::RsaSha256 { .. } => Credentials::PrivateKeyPem(FORGER_KEY_PEM.to_owned()),
        _ => Credentials::Secret(FORGER_SECRET.into()),
    };
    let auth = hookcert_events::auth::Authentication {
        scheme: ctx.sender.signer().scheme(),
        required: true,
    };
    Signer::new(&auth, &credentials).ok()
}

/// `header` in the other case: `X-Signature` → `x-signature`, `x-siqsignature` →
/// `X-SIQSIGNATURE`.
fn other_case(header: &str) -> (String, &'static str) {
    if header.chars().any(|c| c.is_ascii_uppercase()) {
        (header.to_ascii_lowercase(), "lower")
    } else {
        (header.to_ascii_uppercase(), "upper")
    }
}

/// The header schemes (HMAC, RSA): the signature header attacked every way.
fn signature_attacks(ctx: &Context, header: &str, body: &[u8], other_body: &[u8]) -> Vec<Attack> {
    let signer = ctx.sender.signer();
    let with = |body: &[u8], signature: Option<String>| {
        let extra = signature
            .map(|s| (header.to_owned(), s))
            .into_iter()
            .collect();
        ctx.sender.request(extra, body.to_vec())
    };
    let signature = signer.signature(body).unwrap_or_default();
    let tampered = body_edit::tamper(body).unwrap_or_else(|| [body, b" "].concat());
    let wrong = forger(ctx)
        .and_then(|f| f.signature(body))
        .unwrap_or_default();
    let half: String = signature.chars().take(signature.len() / 2).collect();
    let (other_name, case) = other_case(header);
    let accepted_other_case = ctx
        .sender
        .request(vec![(other_name.clone(), signature.clone())], body.to_vec());
    vec![
        refused(
            "no-signature",
            &format!("no {header} header"),
            with(body, None),
        ),
        refused(
            "wrong-secret",
            "signed with a key that is not the endpoint's",
            with(body, Some(wrong)),
        ),
        refused(
            "tampered-body",
            "one byte of the body changed after signing",
            with(&tampered, Some(signature.clone())),
        ),
        refused(
            "other-body-signature",
            "the valid signature of another body",
            with(body, signer.signature(other_body)),
        ),
        refused(
            "malformed-signature",
            "a malformed signature (neither hex nor base64)",
            with(body, Some("!!not-a-signature!!".into())),
        ),
        refused(
            "malformed-truncated",
            "the signature truncated to half its length",
            with(body, Some(half)),
        ),
        refused(
            "malformed-empty",
            &format!("an empty {header} header"),
            with(body, Some(String::new())),
        ),
        Attack {
            name: format!("header-case-{case}"),
            description: format!(
                "a valid signature under the header name {other_name} (names are case-insensitive)"
            ),
            expect: Expect::Accepted,
            request: accepted_other_case,
        },
    ]
    .into_iter()
    .chain(hostile_header_values(
        ctx,
        header,
        &signature,
        &wrong_signature(ctx, body),
        body,
        "",
    ))
    .collect()
}

fn wrong_signature(ctx: &Context, body: &[u8]) -> String {
    forger(ctx)
        .and_then(|f| f.signature(body))
        .unwrap_or_default()
}

/// What anyone on the network can put in an authentication header: text that is not ASCII,
/// bytes that are not text, a value of 8 KiB, a bare CR, and the header twice (the right value
/// and a wrong one, in both orders). None may be accepted, none may crash the receiver.
fn hostile_header_values(
    ctx: &Context,
    header: &str,
    right: &str,
    wrong: &str,
    body: &[u8],
    suffix: &str,
) -> Vec<Attack> {
    let with = |values: Vec<(String, String)>, raw: Option<Vec<u8>>| {
        let mut request = ctx.sender.request(values, body.to_vec());
        if let Some(raw) = raw {
            request.raw_headers.push((header.to_owned(), raw));
        }
        request
    };
    let one = |value: String| vec![(header.to_owned(), value)];
    vec![
        refused(
            &format!("hostile-non-ascii{suffix}"),
            &format!("{header} holding non-ASCII text (UTF-8)"),
            with(one("çà-ßignature-€".into()), None),
        ),
        refused(
            &format!("hostile-raw-bytes{suffix}"),
            &format!("{header} holding bytes 0x80-0xFF that are not text"),
            with(Vec::new(), Some((0x80u8..=0xFF).step_by(3).collect())),
        ),
        refused(
            &format!("hostile-8kib{suffix}"),
            &format!("{header} holding 8 KiB"),
            with(one("a".repeat(8 * 1024)), None),
        ),
        refused(
            &format!("hostile-trailing-cr{suffix}"),
            &format!("{header} holding a wrong value and a trailing CR"),
            with(one(format!("{wrong}\r")), None),
        ),
        refused(
            &format!("two-values-right-first{suffix}"),
            &format!("{header} twice: the right value, then a wrong one"),
            with(
                vec![
                    (header.to_owned(), right.to_owned()),
                    (header.to_owned(), wrong.to_owned()),
                ],
                None,
            ),
        ),
        refused(
            &format!("two-values-wrong-first{suffix}"),
            &format!("{header} twice: a wrong value, then the right one"),
            with(
                vec![
                    (header.to_owned(), wrong.to_owned()),
                    (header.to_owned(), right.to_owned()),
                ],
                None,
            ),
        ),
    ]
}

/// Breakcold's secret, ClinchPad's handshake key: the field attacked every way.
fn body_field_attacks(ctx: &Context, field: &str, secret: &str, body: &[u8]) -> Vec<Attack> {
    let with_field = |value: Option<&str>| {
        let b =
            hookcert_events::with_top_level(body, field, value).unwrap_or_else(|| body.to_vec());
        ctx.sender.request(Vec::new(), b)
    };
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut attacks = vec![
        refused("no-secret", &format!("no {field} field"), with_field(None)),
        refused(
            "wrong-secret",
            &format!("a {field} that is not the endpoint's"),
            with_field(Some(&quoted(FORGER_SECRET))),
        ),
        refused(
            "empty-secret",
            &format!("an empty {field}"),
            with_field(Some("\"\"")),
        ),
        refused(
            "null-secret",
            &format!("{field} null"),
            with_field(Some("null")),
        ),
    ];
    for miss in NearMiss::ALL {
        attacks.push(refused(
            &format!("near-miss-{}", miss.name()),
            &format!("the {field} {}", miss.describe()),
            with_field(Some(&quoted(&miss.of(secret)))),
        ));
    }
    attacks.push(refused(
        "hostile-non-ascii",
        &format!("a {field} of non-ASCII text"),
        with_field(Some(&quoted("çà-ßecret-€"))),
    ));
    attacks.push(refused(
        "hostile-8kib",
        &format!("a {field} of 8 KiB"),
        with_field(Some(&quoted(&"a".repeat(8 * 1024)))),
    ));
    // The field twice: which one a receiver believes depends on its JSON reader; neither may
    // decide alone.
    let authentic = hookcert_events::with_top_level(body, field, Some(&quoted(secret)))
        .unwrap_or_else(|| body.to_vec());
    let wrong = format!("{}:{}", quoted(field), quoted(FORGER_SECRET));
    let right_first = match authentic.strip_suffix(b"}") {
        Some(open) => [open, b",", wrong.as_bytes(), b"}"].concat(),
        None => authentic.clone(),
    };
    let wrong_first = match authentic.strip_prefix(b"{") {
        Some(rest) => [b"{", wrong.as_bytes(), b",", rest].concat(),
        None => authentic.clone(),
    };
    attacks.push(refused(
        "two-values-right-first",
        &format!("{field} twice: the right value, then a wrong one"),
        ctx.sender.request(Vec::new(), right_first),
    ));
    attacks.push(refused(
        "two-values-wrong-first",
        &format!("{field} twice: a wrong value, then the right one"),
        ctx.sender.request(Vec::new(), wrong_first),
    ));
    attacks
}

/// Tomba's configured headers: each one missing, wrong, nearly right, empty; and spelled in
/// another case, which must still be accepted.
fn header_attacks(ctx: &Context, body: &[u8]) -> Vec<Attack> {
    let configured = ctx.sender.signer().headers(body);
    let request_with = |name: &str, replacement: Option<(String, String)>| {
        let headers = configured
            .iter()
            .filter_map(|(n, v)| match n == name {
                true => replacement.clone(),
                false => Some((n.clone(), v.clone())),
            })
            .collect();
        ctx.sender.request(headers, body.to_vec())
    };
    let mut attacks = Vec::new();
    for (name, value) in &configured {
        let id = name.to_ascii_lowercase();
        let keep_name = |v: String| Some((name.clone(), v));
        attacks.push(refused(
            &format!("no-header-{id}"),
            &format!("no {name} header"),
            request_with(name, None),
        ));
        attacks.push(refused(
            &format!("wrong-header-{id}"),
            &format!("a {name} value that is not the configured one"),
            request_with(name, keep_name("Bearer not-the-configured-token".into())),
        ));
        for miss in NearMiss::ALL.into_iter().filter(|m| m.survives_a_header()) {
            attacks.push(refused(
                &format!("near-miss-{}-{id}", miss.name()),
                &format!("the {name} value {}", miss.describe()),
                request_with(name, keep_name(miss.of(value))),
            ));
        }
        attacks.push(refused(
            &format!("empty-header-{id}"),
            &format!("an empty {name} header"),
            request_with(name, keep_name(String::new())),
        ));
        attacks.extend(hostile_header_values(
            ctx,
            name,
            value,
            "Bearer not-the-configured-token",
            body,
            &format!("-{id}"),
        ));
        let (other_name, case) = other_case(name);
        attacks.push(Attack {
            name: format!("header-case-{case}-{id}"),
            description: format!(
                "the configured {name} under the name {other_name} (names are case-insensitive)"
            ),
            expect: Expect::Accepted,
            request: request_with(name, Some((other_name.clone(), value.clone()))),
        });
    }
    attacks
}
