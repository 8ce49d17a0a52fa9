//! The compiled validators against the `jsonschema` crate, on property-generated instances.
//!
//! For every vendor, at least 1,000 valid instances (built from the same schema model the
//! code generator reads) must parse, validate and round-trip; and on those instances and on
//! mutated copies of them, `parse` must accept exactly what the reference validator accepts.
//! The jsonschema crate ignores `x-observed`, so it judges the documented rules alone, as
//! `parse` does: observed violations are notes, which refuse nothing. Those notes are held to
//! `hookcert_catalog::observed_notes`, which reads the observed constraints off the model.
//! Seeded: a failure names the seed and the instance, and reruns identically.

use hookcert_catalog::{
    Catalog, ReferenceValidator, StrategyOptions as Options, Vendor, instances, observed_notes,
};
use hookcert_events::{AnyDelivery, ParseError};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rand_like::Mutator;
use serde_json::{Value, json};
use std::path::Path;

const CASES_PER_VENDOR: usize = 1000;
const SEED: [u8; 32] = *b"hookcert validators agree seed 1";

fn catalog() -> Catalog {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    hookcert_catalog::load(&root).unwrap_or_else(|p| panic!("catalog: {p}"))
}

fn runner() -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    )
}

/// Valid instances of each event of the vendor, round-robin, `CASES_PER_VENDOR` in all.
fn valid_instances(
    catalog: &Catalog,
    vendor: &Vendor,
    options: Options,
    runner: &mut TestRunner,
) -> Vec<(String, Value)> {
    let strategies: Vec<_> = vendor
        .events
        .iter()
        .map(|e| {
            (
                e.name.clone(),
                instances(catalog, &catalog.file(e.file).root, options),
            )
        })
        .collect();
    (0..CASES_PER_VENDOR)
        .map(|i| {
            let (name, strategy) = &strategies[i % strategies.len()];
            let tree = strategy
                .new_tree(runner)
                .unwrap_or_else(|e| panic!("{name}: no instance: {e}"));
            (name.clone(), tree.current())
        })
        .collect()
}

/// Our verdict on the documented rules: `parse` refuses for documented violations only, and
/// lists only those; an accepted body's observed violations are its notes.
fn ours(vendor: &str, body: &[u8]) -> Result<AnyDelivery, ParseError> {
    let verdict = hookcert_events::parse(vendor, body).expect("vendor");
    if let Err(ParseError::Invalid(found)) = &verdict {
        assert!(
            found.iter().all(|v| !v.is_observed()),
            "{vendor}: an observed violation refused the body: {found:?}"
        );
    }
    verdict
}

/// The `(pointer, errata)` of each note, sorted, as the reference gives them.
fn note_places<'a>(
    notes: impl IntoIterator<Item = (&'a str, Option<u32>)>,
) -> Vec<(String, Option<u32>)> {
    let mut out: Vec<_> = notes.into_iter().map(|(p, e)| (p.to_owned(), e)).collect();
    out.sort();
    out
}

/// Holds our notes on a body `parse` accepted to the reference's. The reference reads known
/// events only (an unknown one is held to the envelope), so only bodies whose events are all
/// known are compared: false for the others.
fn notes_agree(
    catalog: &Catalog,
    vendor: &Vendor,
    candidate: &Value,
    delivery: &AnyDelivery,
) -> bool {
    let known = delivery
        .events()
        .iter()
        .all(|(t, _)| t.is_some_and(|t| vendor.events.iter().any(|e| e.name == t)));
    if !known {
        return false;
    }
    let theirs = observed_notes(catalog, vendor, candidate);
    let ours = delivery.notes();
    assert_eq!(
        note_places(ours.iter().map(|n| (n.pointer.as_str(), n.errata))),
        note_places(theirs.iter().map(|n| (n.pointer.as_str(), n.errata))),
        "{}: our notes {ours:?}\nthe reference's {theirs:?}\non {candidate}",
        vendor.profile.id
    );
    true
}

#[test]
fn valid_instances_parse_validate_and_round_trip() {
    let catalog = catalog();
    let reference = ReferenceValidator::new(&catalog).expect("reference validator");
    let mut runner = runner();
    for vendor in &catalog.vendors {
        let id = &vendor.profile.id;
        let strict = Options {
            unknown_fields: false,
        };
        for (event, instance) in valid_instances(&catalog, vendor, strict, &mut runner) {
            let body = serde_json::to_vec(&instance).expect("serialize");
            let reference_says = reference.validate(vendor, &instance, None);
            assert!(
                reference_says.is_empty(),
                "{id} {event}: the generator made an invalid instance {instance}: {reference_says:?}"
            );
            let delivery = match hookcert_events::parse(id, &body).expect("vendor") {
                Ok(d) => d,
                Err(e) => panic!("{id} {event}: valid instance refused: {e}\n{instance}"),
            };
            let originals: Vec<&Value> = match vendor.profile.envelope.events_pointer.as_deref() {
                Some(p) => instance
                    .pointer(p)
                    .and_then(Value::as_array)
                    .expect("batch")
                    .iter()
                    .collect(),
                None => vec![&instance],
            };
            for ((event_type, value), original) in delivery.events().into_iter().zip(originals) {
                assert_eq!(
                    event_type,
                    Some(event.as_str()),
                    "{id}: dispatched to the wrong event"
                );
                assert_eq!(
                    &value.expect("serialize"),
                    original,
                    "{id} {event}: round trip changed the instance"
                );
            }
        }
    }
}

#[test]
fn verdicts_equal_the_jsonschema_crate_on_valid_and_mutated_instances() {
    let catalog = catalog();
    let reference = ReferenceValidator::new(&catalog).expect("reference validator");
    let mut runner = runner();
    let mut mutator = Mutator::new(0x5eed);
    for vendor in &catalog.vendors {
        let id = &vendor.profile.id;
        let (mut compared, mut invalid, mut notes_compared, mut noted) = (0, 0, 0, 0);
        for (event, instance) in valid_instances(&catalog, vendor, Options::default(), &mut runner)
        {
            for candidate in [instance.clone(), mutator.mutate(&instance)] {
                let body = serde_json::to_vec(&candidate).expect("serialize");
                let reference_ok = reference.validate_delivery(vendor, &candidate).is_empty();
                let parsed = ours(id, &body);
                let ours_ok = parsed.is_ok();
                assert_eq!(
                    ours_ok,
                    reference_ok,
                    "{id} {event}: generated validator says {}, jsonschema says {}, on\n{candidate}\nreference: {:?}\nours: {:?}",
                    verdict(ours_ok),
                    verdict(reference_ok),
                    reference.validate_delivery(vendor, &candidate),
                    hookcert_events::parse(id, &body).map(|r| r.err()),
                );
                compared += 1;
                invalid += usize::from(!reference_ok);
                if let Ok(delivery) = &parsed {
                    if notes_agree(&catalog, vendor, &candidate, delivery) {
                        notes_compared += 1;
                        noted += usize::from(!delivery.notes().is_empty());
                    }
                }
            }
        }
        assert!(compared >= 2 * CASES_PER_VENDOR, "{id}: {compared}");
        assert!(
            notes_compared >= CASES_PER_VENDOR,
            "{id}: the notes of only {notes_compared} bodies were compared"
        );
        assert!(
            invalid * 5 >= CASES_PER_VENDOR,
            "{id}: only {invalid} mutated instances were invalid: mutations too weak"
        );
        eprintln!(
            "{id}: {compared} instances compared, {invalid} invalid, all verdicts equal; notes equal on {notes_compared} accepted bodies, {noted} of them with notes"
        );
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "valid" } else { "invalid" }
}

/// Seeded mutations of JSON values, without a second random-number crate.
mod rand_like {
    use super::*;

    pub struct Mutator {
        state: u64,
    }

    impl Mutator {
        pub fn new(seed: u64) -> Self {
            Mutator { state: seed }
        }

        fn next(&mut self) -> u64 {
            // xorshift64*: enough spread for picking places and kinds.
            self.state ^= self.state >> 12;
            self.state ^= self.state << 25;
            self.state ^= self.state >> 27;
            self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn pick(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        pub fn mutate(&mut self, value: &Value) -> Value {
            let mut pointers = Vec::new();
            collect(value, String::new(), &mut pointers);
            let mut out = value.clone();
            if pointers.is_empty() {
                return json!([]);
            }
            let pointer = pointers[self.pick(pointers.len())].clone();
            let kind = self.pick(6);
            let replacement = {
                let Some(slot) = out.pointer(&pointer) else {
                    return out;
                };
                match (kind, slot) {
                    (0, _) => None,
                    (1, Value::String(_)) => Some(json!(42)),
                    (1, _) => Some(json!("mutated")),
                    (2, Value::String(s)) => Some(json!(format!("{s}~!"))),
                    (2, Value::Number(_)) => Some(json!(-987654321012_i64)),
                    (3, _) => Some(Value::Null),
                    (4, Value::String(s)) => Some(json!(s.chars().rev().collect::<String>())),
                    (4, Value::Array(_)) => Some(json!([])),
                    (5, Value::Object(_)) => Some(json!({})),
                    (_, Value::Bool(b)) => Some(json!(!b)),
                    (_, Value::Number(_)) => Some(json!(1.5)),
                    _ => Some(json!({"mutated": true})),
                }
            };
            match replacement {
                None => remove(&mut out, &pointer),
                Some(v) => {
                    if let Some(slot) = out.pointer_mut(&pointer) {
                        *slot = v;
                    }
                }
            }
            out
        }
    }

    fn collect(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    out.push(p.clone());
                    collect(v, p, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let p = format!("{at}/{i}");
                    out.push(p.clone());
                    collect(v, p, out);
                }
            }
            _ => {}
        }
    }

    fn remove(value: &mut Value, pointer: &str) {
        let Some((parent, last)) = pointer.rsplit_once('/') else {
            return;
        };
        match value.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.shift_remove(&last.replace("~1", "/").replace("~0", "~"));
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = last.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            _ => {}
        }
    }
}
