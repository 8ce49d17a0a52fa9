//! The pattern matchers `cargo xtask generate` compiles into Rust, held to the `regex` crate
//! on strings made to match each pattern, those strings mutated, and arbitrary strings.
//! Seeded, so a failure replays.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const SEED: [u8; 32] = *b"hookcert compiled patterns seed!";
const CASES_PER_PATTERN: usize = 40;

fn all_patterns() -> Vec<&'static hookcert_events::Pattern> {
    [
        hookcert_events::spotio::PATTERNS,
        hookcert_events::breakcold::PATTERNS,
        hookcert_events::clinchpad::PATTERNS,
        hookcert_events::zoho_salesiq::PATTERNS,
        hookcert_events::tomba::PATTERNS,
    ]
    .concat()
}

/// Variants of a string one edit away: each a likely boundary of the pattern.
fn edits(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    for i in 0..=chars.len() {
        for c in ['0', 'a', 'Z', '.', '-', ':', '@', ' ', 'é'] {
            let mut v = chars.clone();
            v.insert(i, c);
            out.push(v.into_iter().collect());
        }
        if i < chars.len() {
            let mut v = chars.clone();
            v.remove(i);
            out.push(v.into_iter().collect());
        }
    }
    out
}

#[test]
fn compiled_matchers_agree_with_the_regex_crate() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    );
    let mut compiled = 0;
    let mut compared = 0;
    for pattern in all_patterns() {
        if !pattern.is_compiled() {
            continue;
        }
        compiled += 1;
        let source = pattern.source();
        let re = regex::Regex::new(source).expect("catalog patterns compile");
        let inner = source.trim_start_matches('^').trim_end_matches('$');
        let matching = proptest::string::string_regex(inner).expect("generator for the pattern");
        let arbitrary = proptest::arbitrary::any::<String>();
        for _ in 0..CASES_PER_PATTERN {
            let s = matching.new_tree(&mut runner).expect("value").current();
            let noise = arbitrary.new_tree(&mut runner).expect("value").current();
            let mut candidates = edits(&s);
            candidates.push(s);
            candidates.push(noise);
            candidates.push(String::new());
            for candidate in candidates {
                let expected = re.is_match(&candidate);
                assert_eq!(
                    pattern.is_match(&candidate),
                    Some(expected),
                    "pattern {source:?} on {candidate:?}: the regex crate says {expected}"
                );
                compared += 1;
            }
        }
    }
    assert!(compiled >= 20, "only {compiled} compiled patterns");
    eprintln!("{compiled} compiled patterns, {compared} strings compared");
}
