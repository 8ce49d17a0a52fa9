//! The hand-written `format` checks (`hookcert_events::formats`) held to the `jsonschema`
//! crate's, with formats on: on strings made in each format, those strings edited one
//! character at a time (the boundaries a fast path can get wrong), and arbitrary strings.
//! Seeded, so a failure replays.

use hookcert_events::Format;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::json;

const SEED: [u8; 32] = *b"hookcert formats agree seed 0001";
const CASES_PER_SHAPE: usize = 150;

/// Regexes that make strings in (or near) each format, in the styles the vendors write.
fn shapes(format: Format) -> &'static [&'static str] {
    match format {
        Format::DateTime => &[
            "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]{1,9})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])",
            "(19|20)[0-9]{2}-0[1-9]-(2[89]|3[01])T23:59:60(\\.[0-9]{1,3})?(Z|[+-]0[0-2]:[0-5]0)",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,3})?(Z|[+-][0-9]{2}:?[0-9]{2})?",
        ],
        Format::Email => &[
            "[a-z0-9._%+-]{1,12}@[a-z0-9-]{1,10}(\\.[a-z0-9-]{1,8}){1,3}",
            "[A-Za-z0-9!#$&'*/=?^_`{|}~.-]{1,10}@[a-zA-Z0-9.-]{1,20}",
            "\"[a-z @.]{0,8}\"@[a-z]{1,8}\\.(com|io)",
            "[a-z]{1,8}@\\[(([0-9]{1,3}\\.){3}[0-9]{1,3}|IPv6:[0-9a-f:]{2,20})\\]",
            "[a-z]{1,4}@(xn--[a-z0-9]{1,6}|[a-z]{2}--[a-z]{1,4})\\.com",
        ],
        Format::Uri => &[
            "(https?|ftp|mailto|urn):(//([a-z0-9.-]{1,12}(:[0-9]{1,5})?|\\[[0-9a-f:]{2,12}\\]))?(/[a-zA-Z0-9._~%!$&'()*+,;=:@-]{0,8}){0,3}(\\?[a-z=&%/?]{0,8})?(#[a-z/?]{0,6})?",
            "[a-z][a-z0-9+.-]{0,5}:[^ ]{0,20}",
            "//[a-z]{1,8}\\.com/[a-z]{0,4}",
        ],
        Format::Uuid => &[
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            "[0-9a-fA-Fg-]{30,40}",
        ],
    }
}

/// jsonschema 0.60 reads the digits of a date-time four or two at a time with a
/// subtract-and-mask test that lets a byte just below `'0'` through when the byte after it
/// borrows (`.185-08-20T06:01:24Z` passes as a date). Where a digit place of RFC 3339 holds
/// something else, the right verdict is "invalid", whatever that test says.
fn non_digit_in_a_digit_place(s: &str) -> bool {
    let b = s.as_bytes();
    let mut places: Vec<usize> = vec![0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1 + b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    if matches!(b.get(i), Some(b'+' | b'-')) {
        places.extend([i + 1, i + 2, i + 4, i + 5]);
    }
    places
        .iter()
        .any(|&p| b.get(p).is_some_and(|c| !c.is_ascii_digit()))
}

/// jsonschema 0.60 decodes an `xn--` label (an IDNA A-label) and checks the Unicode it
/// stands for (RFC 5891); `hookcert_events::formats` checks such a label as plain LDH letters
/// and does not decode it (documented there). The one place the verdicts may differ.
fn has_a_label(s: &str) -> bool {
    s.rsplit('@').next().is_some_and(|host| {
        host.split(['.', '/', ':']).any(|label| {
            label
                .as_bytes()
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"))
        })
    })
}

/// Variants of a string one edit away.
fn edits(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    for i in 0..=chars.len() {
        for c in [
            '0', '9', 'a', 'T', 'Z', '.', '-', ':', '@', '/', '%', ' ', 'é',
        ] {
            let mut inserted = chars.clone();
            inserted.insert(i, c);
            out.push(inserted.into_iter().collect());
            if i < chars.len() {
                let mut replaced = chars.clone();
                replaced[i] = c;
                out.push(replaced.into_iter().collect());
            }
        }
        if i < chars.len() {
            let mut removed = chars.clone();
            removed.remove(i);
            out.push(removed.into_iter().collect());
        }
    }
    out
}

#[test]
fn format_checks_agree_with_the_jsonschema_crate() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    );
    for format in [Format::DateTime, Format::Email, Format::Uri, Format::Uuid] {
        let reference = jsonschema::options()
            .should_validate_formats(true)
            .build(&json!({ "type": "string", "format": format.name() }))
            .expect("a format schema compiles");
        let (mut compared, mut valid) = (0usize, 0usize);
        let (mut reference_wrong, mut a_labels_not_decoded) = (0usize, 0usize);
        for shape in shapes(format) {
            let strings = proptest::string::string_regex(shape).expect("generator for the shape");
            let noise = proptest::arbitrary::any::<String>();
            for _ in 0..CASES_PER_SHAPE {
                let s = strings.new_tree(&mut runner).expect("value").current();
                let mut candidates = edits(&s);
                candidates.push(s);
                candidates.push(noise.new_tree(&mut runner).expect("value").current());
                for candidate in candidates {
                    let mut expected = reference.is_valid(&json!(candidate));
                    if has_a_label(&candidate) && format.is_valid(&candidate) && !expected {
                        a_labels_not_decoded += 1;
                        continue;
                    }
                    if expected
                        && format == Format::DateTime
                        && non_digit_in_a_digit_place(&candidate)
                    {
                        expected = false;
                        reference_wrong += 1;
                    }
                    assert_eq!(
                        format.is_valid(&candidate),
                        expected,
                        "{} on {candidate:?}: jsonschema says {expected}",
                        format.name()
                    );
                    compared += 1;
                    valid += usize::from(expected);
                }
            }
        }
        // Both verdicts must be well represented, or the comparison proves little.
        assert!(
            valid >= 1000 && compared - valid >= 1000,
            "{}: {valid} valid of {compared}",
            format.name()
        );
        eprintln!(
            "{}: {compared} strings compared, {valid} valid; set aside: {reference_wrong} where \
             jsonschema accepts a non-digit in a digit place, {a_labels_not_decoded} with an \
             A-label jsonschema decodes and refuses",
            format.name()
        );
    }
}
