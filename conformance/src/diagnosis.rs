//! The table of known diagnoses: every property of a delivery that is known to decide a broken
//! receiver's answer, each with the probe that establishes it (the failing delivery changed in
//! that one property) and the test that tells whether another failing delivery has it. Pure:
//! `causes` sends the probes and applies this table to a run.

use crate::json_text::{self, Edit, Kind, Node};
use crate::layouts::Layout;

/// What a failing request met instead of the vendor's success: a status, or no answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Symptom {
    Status(u16),
    /// No status line and headers within the timeout.
    Timeout,
    /// Any other transport failure, by its report name (`connection reset`).
    NoAnswer(String),
}

impl std::fmt::Display for Symptom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Symptom::Status(s) => write!(f, "{s}"),
            Symptom::Timeout => f.write_str("no answer within the timeout"),
            Symptom::NoAnswer(e) => write!(f, "no answer ({e})"),
        }
    }
}

/// A property of a delivery that a probe can change alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Property {
    /// Bytes already accepted earlier in the run.
    Repeated,
    /// Non-ASCII characters written raw (UTF-8), not as `\u` escapes.
    RawUtf8,
    /// Characters outside the Basic Multilingual Plane.
    OutsideBmp,
    /// Non-ASCII characters in strings, however written.
    NonAscii,
    /// Numbers written with a fraction of zero (`200000.0`) or an exponent.
    WholeNumberFloats,
    /// Integers above 2^53.
    BigIntegers,
    /// More than one event in a batch.
    SeveralEvents,
    /// Strings longer than [`LONG_STRING`] characters.
    LongStrings,
    /// Fields the catalog does not declare (ours are named `x_hookcert_…`).
    UnknownFields,
    /// Optional fields left out (the golden example of the type has them).
    OptionalFieldsAbsent,
    /// `Content-Type: application/json` without a charset.
    ContentType,
    /// The bytes as sent are not what `Layout` writes: the receiver re-serializes.
    NotInLayout(Layout),
}

/// Strings longer than this are "long": the generator's free text runs to 400 characters.
pub(crate) const LONG_STRING: usize = 100;

/// The order in which probes are believed: the most specific first. A receiver that fails on
/// raw UTF-8 also accepts Python's layout (which escapes it), so layouts come last.
pub(crate) const PROBE_ORDER: [Property; 17] = [
    Property::Repeated,
    Property::RawUtf8,
    Property::OutsideBmp,
    Property::NonAscii,
    Property::WholeNumberFloats,
    Property::BigIntegers,
    Property::SeveralEvents,
    Property::LongStrings,
    Property::UnknownFields,
    Property::OptionalFieldsAbsent,
    Property::ContentType,
    Property::NotInLayout(Layout::JsStringify),
    Property::NotInLayout(Layout::PythonDumps),
    Property::NotInLayout(Layout::GoMarshal),
    Property::NotInLayout(Layout::SerdeCompact),
    Property::NotInLayout(Layout::Pretty),
    Property::NotInLayout(Layout::ReversedKeys),
];

/// A failing request, as the table reads it.
pub(crate) struct Failing<'a> {
    pub body: &'a [u8],
    /// The body's values and their places, when it is JSON.
    pub tree: Option<&'a Node>,
    /// Where the events sit for batch vendors (`/payload`).
    pub events_pointer: Option<&'a str>,
    /// Whether these exact bytes were accepted earlier in the run.
    pub accepted_before: bool,
    /// The golden example of the delivery's event type, and its places.
    pub golden: Option<(&'a [u8], &'a Node)>,
}

/// A probe: the bytes to send instead of the failing body (signed as they are), and a
/// `Content-Type` to send instead of the vendor's, if any.
pub(crate) struct ProbeBody {
    pub body: Vec<u8>,
    pub content_type: Option<&'static str>,
}

impl Property {
    /// A stable id, for cause ids and evidence.
    pub fn id(self) -> &'static str {
        match self {
            Property::Repeated => "duplicates",
            Property::RawUtf8 => "raw-utf8",
            Property::OutsideBmp => "outside-bmp",
            Property::NonAscii => "non-ascii",
            Property::WholeNumberFloats => "whole-number-floats",
            Property::BigIntegers => "big-integers",
            Property::SeveralEvents => "batches",
            Property::LongStrings => "long-strings",
            Property::UnknownFields => "unknown-fields",
            Property::OptionalFieldsAbsent => "optional-fields-absent",
            Property::ContentType => "content-type",
            Property::NotInLayout(_) => "reserialized-json",
        }
    }

    /// What the probe changes, in words.
    pub fn probe_description(self) -> String {
        match self {
            Property::Repeated => "the same delivery made unique (an unknown field added)".into(),
            Property::RawUtf8 => {
                "the same body with non-ASCII characters written as \\u escapes".into()
            }
            Property::OutsideBmp => {
                "the same body with characters outside the BMP replaced by '?'".into()
            }
            Property::NonAscii => "the same body with non-ASCII characters replaced by '?'".into(),
            Property::WholeNumberFloats => {
                "the same body with 200000.0-style numbers written as 200000".into()
            }
            Property::BigIntegers => {
                "the same body with integers above 2^53 replaced by 2^53 - 1".into()
            }
            Property::SeveralEvents => "the batch cut to its first event".into(),
            Property::LongStrings => {
                format!("the same body with strings cut to {LONG_STRING} characters")
            }
            Property::UnknownFields => {
                "the same body without the fields the catalog does not declare".into()
            }
            Property::OptionalFieldsAbsent => {
                "the same event with the fields of the golden example it lacks added".into()
            }
            Property::ContentType => {
                "the same request with Content-Type: application/json; charset=utf-8".into()
            }
            Property::NotInLayout(layout) => {
                format!("the same body written as {} writes it", layout.name())
            }
        }
    }

    /// The failing body changed in this property alone, every other byte kept; `None` when
    /// the body does not have the property.
    pub fn probe(self, failing: &Failing) -> Option<ProbeBody> {
        let body = |bytes: Vec<u8>| {
            Some(ProbeBody {
                body: bytes,
                content_type: None,
            })
        };
        let edits = |edits: Vec<Edit>| {
            (!edits.is_empty()).then(|| ProbeBody {
                body: json_text::apply(failing.body, edits),
                content_type: None,
            })
        };
        let tree = failing.tree;
        match self {
            Property::Repeated => edits(
                json_text::insert_first(tree?, "x_hookcert_probe", b"\"unique\"")
                    .into_iter()
                    .collect(),
            ),
            Property::RawUtf8 => body(escape_non_ascii(failing.body)?),
            Property::OutsideBmp => edits(replace_in_strings(failing.body, tree?, |c| {
                c as u32 > 0xFFFF
            })),
            Property::NonAscii => edits(replace_in_strings(failing.body, tree?, |c| !c.is_ascii())),
            Property::WholeNumberFloats => edits(
                tree?
                    .numbers()
                    .into_iter()
                    .filter_map(|n| {
                        let whole = whole_number(&failing.body[n.start..n.end])?;
                        Some(Edit {
                            start: n.start,
                            end: n.end,
                            text: whole.to_vec(),
                        })
                    })
                    .collect(),
            ),
            Property::BigIntegers => edits(
                tree?
                    .numbers()
                    .into_iter()
                    .filter(|n| is_big_integer(&failing.body[n.start..n.end]))
                    .map(|n| {
                        let negative = failing.body[n.start] == b'-';
                        let text = if negative {
                            "-9007199254740991"
                        } else {
                            "9007199254740991"
                        };
                        Edit {
                            start: n.start,
                            end: n.end,
                            text: text.as_bytes().to_vec(),
                        }
                    })
                    .collect(),
            ),
            Property::SeveralEvents => {
                let events = tree?.at(failing.events_pointer?)?;
                match &events.kind {
                    Kind::Array(items) if items.len() > 1 => edits(vec![Edit {
                        start: items[0].end,
                        end: items[items.len() - 1].end,
                        text: Vec::new(),
                    }]),
                    _ => None,
                }
            }
            Property::LongStrings => edits(
                tree?
                    .strings()
                    .into_iter()
                    .filter_map(|n| {
                        let chars = json_text::string_chars(&failing.body[n.start..n.end]);
                        (chars.len() > LONG_STRING).then(|| {
                            let mut text = vec![b'"'];
                            chars
                                .iter()
                                .take(LONG_STRING)
                                .for_each(|(_, raw)| text.extend(raw));
                            text.push(b'"');
                            Edit {
                                start: n.start,
                                end: n.end,
                                text,
                            }
                        })
                    })
                    .collect(),
            ),
            Property::UnknownFields => edits(
                tree?
                    .objects()
                    .into_iter()
                    .flat_map(|(_, object)| match &object.kind {
                        Kind::Object(members) => (0..members.len())
                            .filter(|&i| members[i].key.starts_with("x_hookcert"))
                            .filter_map(|i| json_text::remove_member(members, i))
                            .collect(),
                        _ => Vec::new(),
                    })
                    .collect(),
            ),
            Property::OptionalFieldsAbsent => {
                let (golden_body, golden) = failing.golden?;
                edits(fill_from_golden(tree?, golden_body, golden))
            }
            Property::ContentType => Some(ProbeBody {
                body: failing.body.to_vec(),
                content_type: Some("application/json; charset=utf-8"),
            }),
            Property::NotInLayout(layout) => {
                let rewritten = layout.rewrite(failing.body)?;
                (rewritten != failing.body).then_some(ProbeBody {
                    body: rewritten,
                    content_type: None,
                })
            }
        }
    }

    /// Whether another failing request has this property (so the same cause explains it).
    pub fn holds(self, failing: &Failing) -> bool {
        match self {
            Property::Repeated => failing.accepted_before,
            Property::ContentType => true,
            Property::NotInLayout(layout) => layout
                .rewrite(failing.body)
                .is_some_and(|b| b != failing.body),
            Property::RawUtf8 => !failing.body.is_ascii(),
            // The others are what their probe changes: the property holds where the probe
            // has something to change.
            _ => self.probe(failing).is_some(),
        }
    }

    /// The diagnosis in one line, given what the failing requests met.
    pub fn diagnosis(self, symptom: &Symptom, signed: bool) -> String {
        match self {
            Property::Repeated => format!(
                "a delivery sent again gets {symptom}: deliveries come at least once, and a repeat must be accepted"
            ),
            Property::RawUtf8 => format!(
                "bodies with non-ASCII characters written as UTF-8 get {symptom}; the same written as \\u escapes are accepted"
            ),
            Property::OutsideBmp => format!(
                "strings with characters outside the Basic Multilingual Plane (emoji) get {symptom}"
            ),
            Property::NonAscii => format!("strings with non-ASCII characters get {symptom}"),
            Property::WholeNumberFloats => format!(
                "numbers written with a zero fraction (200000.0) get {symptom}; written as 200000 they are accepted"
            ),
            Property::BigIntegers => format!(
                "integers above 2^53 get {symptom}: they are probably read as floating-point numbers"
            ),
            Property::SeveralEvents => {
                format!("batches of more than one event get {symptom}; a batch of one is accepted")
            }
            Property::LongStrings => {
                format!("strings longer than {LONG_STRING} characters get {symptom}")
            }
            Property::UnknownFields => format!(
                "fields the document does not name get {symptom}: vendors add fields, and a receiver must ignore them"
            ),
            Property::OptionalFieldsAbsent => format!(
                "deliveries without some optional fields get {symptom}: the receiver requires fields the document does not"
            ),
            Property::ContentType => format!(
                "requests with Content-Type: application/json get {symptom}; with a charset parameter they are accepted"
            ),
            Property::NotInLayout(layout) if signed => format!(
                "bodies not in {} layout get {symptom}: the signature is probably verified over re-serialized JSON, not the bytes received",
                layout.name()
            ),
            Property::NotInLayout(layout) => format!(
                "bodies not in {} layout get {symptom}: the receiver probably re-serializes the JSON it received",
                layout.name()
            ),
        }
    }

    /// The vendor requirement topic the property breaks, and the contract's words otherwise.
    pub fn requirement(self) -> (&'static str, &'static str) {
        match self {
            Property::Repeated => ("retry", "accept a delivery seen before"),
            Property::NotInLayout(_) => (
                "authentication",
                "verify the signature over the exact bytes received",
            ),
            _ => ("success", "accept every valid event"),
        }
    }
}

/// Edits that replace, inside every string value, the characters `pick` chooses with `?`.
fn replace_in_strings(body: &[u8], tree: &Node, pick: impl Fn(char) -> bool) -> Vec<Edit> {
    tree.strings()
        .into_iter()
        .filter_map(|n| {
            let chars = json_text::string_chars(&body[n.start..n.end]);
            chars.iter().any(|(c, _)| pick(*c)).then(|| {
                let mut text = vec![b'"'];
                for (c, raw) in &chars {
                    if pick(*c) {
                        text.push(b'?');
                    } else {
                        text.extend(raw);
                    }
                }
                text.push(b'"');
                Edit {
                    start: n.start,
                    end: n.end,
                    text,
                }
            })
        })
        .collect()
}

/// An integer token (no fraction, no exponent) whose value is beyond 2^53.
fn is_big_integer(token: &[u8]) -> bool {
    let digits = token.strip_prefix(b"-").unwrap_or(token);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    const LIMIT: &[u8] = b"9007199254740992";
    digits.len() > LIMIT.len() || (digits.len() == LIMIT.len() && digits > LIMIT)
}

/// Edits adding, to every object of the failing body, the members the golden example has at
/// the same place and it lacks, as the golden writes them.
fn fill_from_golden(tree: &Node, golden_body: &[u8], golden: &Node) -> Vec<Edit> {
    let mut out = Vec::new();
    for (at, golden_object) in golden.objects() {
        let (Some(mine), Kind::Object(theirs)) = (tree.at(&at), &golden_object.kind) else {
            continue;
        };
        let Kind::Object(members) = &mine.kind else {
            continue;
        };
        let mut text = Vec::new();
        for m in theirs
            .iter()
            .filter(|m| !members.iter().any(|x| x.key == m.key))
        {
            text.extend(serde_json::to_vec(&m.key).unwrap_or_default());
            text.push(b':');
            text.extend_from_slice(&golden_body[m.value.start..m.value.end]);
            text.push(b',');
        }
        if text.is_empty() {
            continue;
        }
        if members.is_empty() {
            text.pop();
        }
        out.push(Edit {
            start: mine.start + 1,
            end: mine.start + 1,
            text,
        });
    }
    out
}

/// The body with every non-ASCII character inside strings written as `\uXXXX` escapes (the same
/// JSON value); `None` when the body is ASCII already or is not UTF-8.
fn escape_non_ascii(body: &[u8]) -> Option<Vec<u8>> {
    if body.is_ascii() {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    Some(out.into_bytes())
}

/// The integer part of a number token like `200000.0` or `-3.000`; `None` for any other.
fn whole_number(token: &[u8]) -> Option<&[u8]> {
    let dot = token.iter().position(|&b| b == b'.')?;
    let (int, frac) = (&token[..dot], &token[dot + 1..]);
    (!frac.is_empty() && frac.iter().all(|&b| b == b'0') && !int.is_empty()).then_some(int)
}

/// The hint when every golden delivery got the same answer and no probe changed it.
pub(crate) fn preflight_hint(
    symptom: &Symptom,
    method: &str,
    location: Option<&str>,
) -> (String, String) {
    let (id, text) = match symptom {
        Symptom::Status(404) => ("wrong-path", "is the URL path right?".to_owned()),
        Symptom::Status(405) => (
            "method-not-allowed",
            format!("does the endpoint take {method}?"),
        ),
        Symptom::Status(401 | 403) => (
            "credentials",
            "are the credentials right (the secret, the key, the headers)?".to_owned(),
        ),
        Symptom::Status(s @ 300..=399) => (
            "redirected",
            match location {
                Some(to) => format!(
                    "redirects are never followed; the receiver points to {to} (status {s})"
                ),
                None => "redirects are never followed: is the URL right?".to_owned(),
            },
        ),
        Symptom::Status(500..=599) => (
            "fails-everything",
            "the receiver fails on every delivery; its answer is below".to_owned(),
        ),
        Symptom::Status(_) => (
            "refuses-examples",
            "the receiver refuses the vendor's own examples, and no probe changed that".to_owned(),
        ),
        Symptom::Timeout => (
            "no-answer",
            "is the receiver running, and answering within the timeout?".to_owned(),
        ),
        Symptom::NoAnswer(_) => (
            "no-answer",
            "is the receiver running, and speaking HTTP on that port?".to_owned(),
        ),
    };
    (
        id.to_owned(),
        format!("every golden delivery got {symptom}: {text}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(p: Property, body: &str) -> Option<String> {
        let tree = json_text::parse(body.as_bytes()).expect("JSON");
        let f = Failing {
            body: body.as_bytes(),
            tree: Some(&tree),
            events_pointer: Some("/payload"),
            accepted_before: false,
            golden: None,
        };
        p.probe(&f)
            .map(|b| String::from_utf8(b.body).expect("UTF-8"))
    }

    const BODY: &str = "{\n \"payload\": [\n  {\"a\": \"Grüße 😀\", \"n\": 200000.0,\n   \"big\": 9007199254740993, \"x_hookcert_q\": 1},\n  {\"a\": \"b\"}\n ]\n}";

    #[test]
    fn each_probe_changes_its_property_and_keeps_every_other_byte() {
        let p = |property| probe(property, BODY).expect("applies");
        assert_eq!(p(Property::NonAscii), BODY.replace("Grüße 😀", "Gr??e ?"));
        assert_eq!(p(Property::OutsideBmp), BODY.replace("😀", "?"));
        assert_eq!(
            p(Property::RawUtf8),
            BODY.replace("Grüße 😀", "Gr\\u00fc\\u00dfe \\ud83d\\ude00")
        );
        assert_eq!(
            p(Property::WholeNumberFloats),
            BODY.replace("200000.0", "200000")
        );
        assert_eq!(
            p(Property::BigIntegers),
            BODY.replace("9007199254740993", "9007199254740991")
        );
        assert_eq!(
            p(Property::UnknownFields),
            BODY.replace(", \"x_hookcert_q\": 1", "")
        );
        assert_eq!(
            p(Property::SeveralEvents),
            BODY.replace(",\n  {\"a\": \"b\"}", "")
        );
        assert!(
            p(Property::Repeated).starts_with("{\"x_hookcert_probe\":\"unique\",\n \"payload\"")
        );
        let long = format!("{{\"s\": \"{}\"}}", "é".repeat(150));
        assert_eq!(
            probe(Property::LongStrings, &long),
            Some(format!("{{\"s\": \"{}\"}}", "é".repeat(100)))
        );
    }

    #[test]
    fn a_plain_body_has_none_of_the_properties() {
        let body = r#"{"payload": [{"a": "b", "n": 1.5, "m": 2}]}"#;
        for p in [
            Property::RawUtf8,
            Property::OutsideBmp,
            Property::NonAscii,
            Property::WholeNumberFloats,
            Property::BigIntegers,
            Property::SeveralEvents,
            Property::LongStrings,
            Property::UnknownFields,
        ] {
            assert_eq!(probe(p, body), None, "{p:?}");
        }
    }

    #[test]
    fn missing_fields_are_taken_from_the_golden_example() {
        let golden = br#"{"payload":[{"data":{"id":"1","name":"N"},"type":"t"}]}"#;
        let golden_tree = json_text::parse(golden).expect("JSON");
        let body = br#"{"payload":[{"data":{"id":"2"},"type":"t"}]}"#;
        let tree = json_text::parse(body).expect("JSON");
        let f = Failing {
            body,
            tree: Some(&tree),
            events_pointer: Some("/payload"),
            accepted_before: false,
            golden: Some((golden, &golden_tree)),
        };
        let out = Property::OptionalFieldsAbsent
            .probe(&f)
            .expect("a field to add");
        assert_eq!(
            out.body,
            br#"{"payload":[{"data":{"name":"N","id":"2"},"type":"t"}]}"#
        );
    }

    #[test]
    fn hints_name_the_likely_mistake() {
        let (id, text) = preflight_hint(&Symptom::Status(404), "POST", None);
        assert_eq!(id, "wrong-path");
        assert_eq!(
            text,
            "every golden delivery got 404: is the URL path right?"
        );
        let (_, text) = preflight_hint(&Symptom::Status(401), "POST", None);
        assert!(text.contains("credentials"), "{text}");
    }
}
