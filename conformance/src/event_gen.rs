//! The events the harness sends: golden examples as stored, and property-generated events
//! drawn from the catalog model's strategies with a seeded generator, so that the same seed
//! gives the same events. Also the body encodings (whitespace, key order) a vendor might use.

use hookcert_catalog::{Catalog, Origin, StrategyOptions, Vendor, instances};
use proptest::prelude::RngCore;
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashMap;

/// One golden example of the catalog.
pub struct Golden {
    /// `lead.added`, `batch-mixed`, `operator.created-chat`: the label and tag of the file.
    pub name: String,
    /// The event type, `None` for a batch of several.
    pub event: Option<String>,
    pub origin: Origin,
    pub bytes: Vec<u8>,
}

impl Golden {
    /// The id of the case that sends this example as stored.
    pub fn case_id(&self) -> String {
        format!("golden/{}", self.name)
    }
}

pub fn golden(catalog: &Catalog, vendor: &Vendor) -> Vec<Golden> {
    let mut goldens: Vec<Golden> = vendor
        .examples
        .iter()
        .map(|e| {
            let is_batch = !vendor.events.iter().any(|ev| ev.name == e.label);
            Golden {
                name: match &e.tag {
                    Some(tag) => format!("{}-{tag}", e.label),
                    None => e.label.clone(),
                },
                event: (!is_batch).then(|| e.label.clone()),
                origin: e.origin,
                bytes: catalog.example_bytes(e).to_vec(),
            }
        })
        .collect();
    // Case ids must be unique: where the document's example and a constructed one share a
    // name, the constructed one says so.
    let names: Vec<String> = goldens.iter().map(|g| g.name.clone()).collect();
    for g in &mut goldens {
        let shared = names.iter().filter(|n| **n == g.name).count() > 1;
        if shared && g.origin == Origin::Constructed {
            g.name.push_str(".constructed");
        }
    }
    goldens
}

/// A seeded source of valid events.
pub struct Generator<'a> {
    catalog: &'a Catalog,
    vendor: &'a Vendor,
    seed: u64,
    /// Built once per event type: building compiles the schema's patterns.
    strategies: RefCell<HashMap<String, BoxedStrategy<Value>>>,
}

impl<'a> Generator<'a> {
    pub fn new(catalog: &'a Catalog, vendor: &'a Vendor, seed: u64) -> Self {
        Generator {
            catalog,
            vendor,
            seed,
            strategies: RefCell::new(HashMap::new()),
        }
    }

    /// A generator private to one case: its draws depend on the seed and the case's name only,
    /// so selecting fewer cases does not change the others' bytes.
    pub fn runner(&self, case: &str) -> TestRunner {
        let mut hasher = Sha256::new();
        hasher.update(self.seed.to_le_bytes());
        hasher.update(self.vendor.profile.id.as_bytes());
        hasher.update(case.as_bytes());
        let seed = hasher.finalize();
        TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
        )
    }

    /// A valid one-event body of `event` (for batch vendors, a batch of one).
    pub fn event(&self, event: &str, runner: &mut TestRunner) -> Option<Value> {
        let event = self.vendor.events.iter().find(|e| e.name == event)?;
        let strategy = self
            .strategies
            .borrow_mut()
            .entry(event.name.clone())
            .or_insert_with(|| {
                let root = &self.catalog.file(event.file).root;
                instances(self.catalog, root, StrategyOptions::default())
            })
            .clone();
        strategy.new_tree(runner).ok().map(|tree| tree.current())
    }

    /// A batch of `size` events of types drawn from the vendor's list; `None` for vendors that
    /// send one event per request.
    pub fn batch(&self, size: usize, runner: &mut TestRunner) -> Option<Value> {
        let pointer = self.vendor.profile.envelope.events_pointer.as_deref()?;
        let names: Vec<&str> = self.vendor.events.iter().map(|e| e.name.as_str()).collect();
        let mut body: Option<Value> = None;
        for _ in 0..size {
            let pick = names[runner.rng().next_u32() as usize % names.len()];
            let one = self.event(pick, runner)?;
            let items = one.pointer(pointer)?.as_array()?.clone();
            match body.as_mut().and_then(|b| b.pointer_mut(pointer)) {
                Some(Value::Array(all)) => all.extend(items),
                _ => body = Some(one),
            }
        }
        body
    }
}

/// The golden example of one event type made `target` bytes long (written compactly, the body
/// secret aside) by growing its first free-text field: a string the schema constrains in no way
/// (no pattern, format, enum or length), where every document allows any text. `None` when the
/// type has no such field.
pub fn padded(catalog: &Catalog, vendor: &Vendor, golden: &Golden, target: usize) -> Option<Value> {
    let event = vendor
        .events
        .iter()
        .find(|e| Some(&e.name) == golden.event.as_ref())?;
    let root = &catalog.file(event.file).root;
    let mut value: Value = serde_json::from_slice(&golden.bytes).ok()?;
    let pointer = free_text(catalog, root, &value, String::new())?;
    let size = serde_json::to_vec(&value).ok()?.len();
    let grow = target.checked_sub(size)?;
    // Plain ASCII prose: a size case must fail for its size, not for its characters.
    const PROSE: &str = "The customer called back about the renewal and asked for a quote. ";
    let slot = value.pointer_mut(&pointer)?;
    let mut text = slot.as_str()?.to_owned();
    while text.len() < grow + slot.as_str().map_or(0, str::len) {
        text.push_str(PROSE);
    }
    text.truncate(grow + slot.as_str().map_or(0, str::len));
    *slot = Value::String(text);
    Some(value)
}

/// The first string of `value` whose schema is free text, as a JSON pointer.
fn free_text(
    catalog: &Catalog,
    root: &hookcert_catalog::Schema,
    value: &Value,
    at: String,
) -> Option<String> {
    match value {
        Value::String(_) => {
            let schema = catalog.schema_at(root, &at)?;
            let free = schema.pattern.is_none()
                && schema.format.is_none()
                && schema.enum_values.is_none()
                && schema.const_value.is_none()
                && schema.max_length.is_none()
                && schema
                    .types
                    .as_ref()
                    .is_some_and(|t| t.contains(&hookcert_catalog::JsonType::String));
            free.then_some(at)
        }
        Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| free_text(catalog, root, v, hookcert_catalog::push_token(&at, k))),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| free_text(catalog, root, v, format!("{at}/{i}"))),
        _ => None,
    }
}

/// How a body is written: vendors differ, and a receiver must not care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Compact,
    Pretty,
    /// Pretty, keys in reverse order.
    PrettyReversed,
    /// Compact, keys in reverse order.
    CompactReversed,
    /// Tabs and a trailing newline.
    Tabs,
}

impl Encoding {
    const ALL: [Encoding; 5] = [
        Encoding::Compact,
        Encoding::Pretty,
        Encoding::PrettyReversed,
        Encoding::CompactReversed,
        Encoding::Tabs,
    ];

    pub fn draw(runner: &mut TestRunner) -> Self {
        Self::ALL[runner.rng().next_u32() as usize % Self::ALL.len()]
    }

    pub fn encode(self, value: &Value) -> Vec<u8> {
        let reversed;
        let value = match self {
            Encoding::PrettyReversed | Encoding::CompactReversed => {
                reversed = reverse_keys(value);
                &reversed
            }
            _ => value,
        };
        let written = match self {
            Encoding::Compact | Encoding::CompactReversed => serde_json::to_vec(value),
            Encoding::Pretty | Encoding::PrettyReversed => serde_json::to_vec_pretty(value),
            Encoding::Tabs => {
                let mut out = Vec::new();
                let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
                let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
                serde::Serialize::serialize(value, &mut ser).map(|()| {
                    out.push(b'\n');
                    out
                })
            }
        };
        // Serialising a Value to memory cannot fail (its keys are strings).
        written.unwrap_or_default()
    }
}

fn reverse_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reverse_keys(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(reverse_keys).collect()),
        other => other.clone(),
    }
}
