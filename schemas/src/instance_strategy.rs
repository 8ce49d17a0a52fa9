//! Property-test strategies that generate JSON instances from the model: values that honour
//! types, formats, patterns, enums and bounds, with optional fields absent, nullable fields
//! null, unknown extra fields, non-ASCII and long strings and boundary numbers. The same
//! model the code generator reads; never a second reading of JSON Schema.

use crate::model::{Catalog, Format, JsonType, Observed, Schema};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use serde_json::{Map, Number, Value};

/// What to generate besides what the schema requires.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Add properties the schema does not declare (vendors add fields over time).
    pub unknown_fields: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            unknown_fields: true,
        }
    }
}

/// A strategy for valid instances of `schema`.
pub fn instances(catalog: &Catalog, schema: &Schema, options: Options) -> BoxedStrategy<Value> {
    Builder { catalog, options }.value(schema)
}

struct Builder<'a> {
    catalog: &'a Catalog,
    options: Options,
}

impl Builder<'_> {
    /// Observed forms most of the time, because they are what the vendor is seen to send; at
    /// times a value only the documented rules allow, because the vendor may send that too.
    fn value(&self, schema: &Schema) -> BoxedStrategy<Value> {
        let schema = self.catalog.deref(schema);
        match &schema.observed {
            Some(observed) => {
                let realistic = self.value_of(&with_observed(schema, observed));
                let documented = self.value_of(schema);
                prop_oneof![4 => realistic, 1 => documented].boxed()
            }
            None => self.value_of(schema),
        }
    }

    fn value_of(&self, schema: &Schema) -> BoxedStrategy<Value> {
        if let Some(c) = &schema.const_value {
            return Just(c.clone()).boxed();
        }
        if let Some(values) = &schema.enum_values {
            return proptest::sample::select(values.clone()).boxed();
        }
        let types: Vec<JsonType> = match &schema.types {
            Some(t) => t.clone(),
            None => return any_scalar(),
        };
        let strategies: Vec<BoxedStrategy<Value>> =
            types.iter().map(|t| self.of_type(schema, *t)).collect();
        one_of(strategies)
    }

    fn of_type(&self, schema: &Schema, ty: JsonType) -> BoxedStrategy<Value> {
        match ty {
            JsonType::Null => Just(Value::Null).boxed(),
            JsonType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
            JsonType::Integer => integers(schema).prop_map(Value::from).boxed(),
            JsonType::Number => numbers(schema),
            JsonType::String => strings(schema).prop_map(Value::String).boxed(),
            JsonType::Array => self.array(schema),
            JsonType::Object => self.object(schema),
        }
    }

    fn array(&self, schema: &Schema) -> BoxedStrategy<Value> {
        let min = schema.min_items.unwrap_or(0) as usize;
        let max = schema.max_items.map_or(min.max(3), |m| m as usize).max(min);
        let item = match schema.items.as_deref() {
            Some(items) => self.value(items),
            None => any_scalar(),
        };
        proptest::collection::vec(item, min..=max)
            .prop_map(Value::Array)
            .boxed()
    }

    fn object(&self, schema: &Schema) -> BoxedStrategy<Value> {
        let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        for property in &schema.properties {
            let name = property.name.clone();
            let value = self.value(&property.schema);
            let present = value.prop_map(move |v| Some((name.clone(), v)));
            fields.push(if property.required {
                present.boxed()
            } else {
                prop_oneof![Just(None), present].boxed()
            });
        }
        if schema.properties.is_empty() || self.options.unknown_fields {
            fields.push(prop_oneof![3 => Just(None), 1 => unknown_field().prop_map(Some)].boxed());
        }
        fields
            .prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .flatten()
                        .collect::<Map<String, Value>>(),
                )
            })
            .boxed()
    }
}

/// `schema` with its observed constraints held as if documented.
fn with_observed(schema: &Schema, observed: &Observed) -> Schema {
    let mut out = schema.clone();
    out.observed = None;
    if observed.pattern.is_some() {
        out.pattern.clone_from(&observed.pattern);
    }
    out.format = observed.format.or(out.format);
    if observed.enum_values.is_some() {
        out.enum_values.clone_from(&observed.enum_values);
    }
    if observed.minimum.is_some() {
        out.minimum.clone_from(&observed.minimum);
    }
    if observed.maximum.is_some() {
        out.maximum.clone_from(&observed.maximum);
    }
    out.min_length = observed.min_length.or(out.min_length);
    out.max_length = observed.max_length.or(out.max_length);
    for property in &mut out.properties {
        property.required |= observed.required.contains(&property.name);
    }
    out
}

fn one_of(mut strategies: Vec<BoxedStrategy<Value>>) -> BoxedStrategy<Value> {
    match strategies.len() {
        0 => Just(Value::Null).boxed(),
        1 => strategies.remove(0),
        _ => proptest::strategy::Union::new(strategies).boxed(),
    }
}

/// A property no schema declares, with a scalar value.
fn unknown_field() -> impl Strategy<Value = (String, Value)> {
    ("x_hookcert_[a-z]{1,8}", any_scalar())
}

fn any_scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        plain_text().prop_map(Value::String),
    ]
    .boxed()
}

/// Free text: ASCII words, any Unicode, and long strings.
fn plain_text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[A-Za-z0-9 .,'-]{0,24}",
        2 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
        1 => "[a-zé漢😀 ]{200,400}",
    ]
    .boxed()
}

fn bound_i64(n: &Option<Number>) -> Option<i64> {
    n.as_ref()
        .and_then(|n| n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)))
}

fn integers(schema: &Schema) -> BoxedStrategy<i64> {
    let mut low = bound_i64(&schema.minimum).unwrap_or(i64::MIN);
    let mut high = bound_i64(&schema.maximum).unwrap_or(i64::MAX);
    if let Some(x) = bound_i64(&schema.exclusive_minimum) {
        low = low.max(x.saturating_add(1));
    }
    if let Some(x) = bound_i64(&schema.exclusive_maximum) {
        high = high.min(x.saturating_sub(1));
    }
    if low > high {
        return Just(low).boxed();
    }
    let small_low = low.max(-1000);
    let small_high = high.min(1_000_000).max(small_low);
    prop_oneof![
        6 => small_low..=small_high,
        1 => proptest::sample::select(vec![low, high, low.saturating_add(1).min(high), high.saturating_sub(1).max(low)]),
        1 => low..=high,
    ]
    .boxed()
}

fn numbers(schema: &Schema) -> BoxedStrategy<Value> {
    let ints = integers(schema).prop_map(Value::from);
    let low = schema
        .minimum
        .as_ref()
        .and_then(Number::as_f64)
        .unwrap_or(-1e9);
    let high = schema
        .maximum
        .as_ref()
        .and_then(Number::as_f64)
        .unwrap_or(1e9)
        .max(low);
    let floats = (low..=high).prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number));
    prop_oneof![ints, floats].boxed()
}

/// The regex without its `^…$` anchors, which the string generator cannot take (every
/// catalog pattern is anchored, so generating the inside matches the whole).
fn unanchored(pattern: &str) -> &str {
    let p = pattern.strip_prefix('^').unwrap_or(pattern);
    p.strip_suffix('$').unwrap_or(p)
}

fn strings(schema: &Schema) -> BoxedStrategy<String> {
    let base: BoxedStrategy<String> = match (schema.format, &schema.pattern) {
        (Some(format), pattern) => formatted(format, pattern.clone()),
        (None, Some(pattern)) => match proptest::string::string_regex(unanchored(pattern)) {
            Ok(s) => s.boxed(),
            Err(_) => Just(String::new()).boxed(),
        },
        (None, None) => plain_text(),
    };
    let (min, max) = (schema.min_length, schema.max_length);
    if min.is_none() && max.is_none() {
        return base;
    }
    let min = min.unwrap_or(0) as usize;
    let max = max.map_or(usize::MAX, |m| m as usize);
    base.prop_map(move |s| fit_length(s, min, max)).boxed()
}

fn fit_length(s: String, min: usize, max: usize) -> String {
    let mut chars: Vec<char> = s.chars().take(max).collect();
    while chars.len() < min {
        chars.push('x');
    }
    chars.into_iter().collect()
}

/// A value of the format, rendered in the first of several styles that the pattern (if any)
/// accepts, so that generated values look like what the vendor sends.
fn formatted(format: Format, pattern: Option<String>) -> BoxedStrategy<String> {
    let pattern = pattern.and_then(|p| regex::Regex::new(&p).ok());
    let candidates: BoxedStrategy<Vec<String>> = match format {
        Format::DateTime => date_time_styles().boxed(),
        Format::Email => (
            "[a-z]{1,10}",
            proptest::option::of("[+.][a-z0-9]{1,6}"),
            "[a-z]{2,10}",
            "(com|pl|io|org)",
        )
            .prop_map(|(user, tag, host, tld)| {
                vec![format!("{user}{}@{host}.{tld}", tag.unwrap_or_default())]
            })
            .boxed(),
        Format::Uri => (
            "(https|http)",
            "[a-z]{2,10}",
            "(com|io|amazonaws\\.com)",
            "(/[a-z0-9_-]{1,8}){0,3}",
        )
            .prop_map(|(scheme, host, tld, path)| vec![format!("{scheme}://{host}.{tld}{path}")])
            .boxed(),
        Format::Uuid => "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
            .prop_map(|u| vec![u])
            .boxed(),
    };
    candidates
        .prop_map(move |styles| {
            let fits = |s: &String| pattern.as_ref().is_none_or(|re| re.is_match(s));
            styles
                .iter()
                .find(|s| fits(s))
                .cloned()
                .unwrap_or_else(|| styles[0].clone())
        })
        .boxed()
}

/// One instant written in every style the vendors use: 0 to 7 fractional digits, `Z` or a
/// numeric offset; the pattern then picks.
fn date_time_styles() -> impl Strategy<Value = Vec<String>> {
    (
        1u32..=9999,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        "[0-9]{7}",
        -12i32..=14,
        any::<bool>(),
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, offset_h, z_first)| {
            let date = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
            let offset = format!(
                "{}{:02}:00",
                if offset_h < 0 { '-' } else { '+' },
                offset_h.abs()
            );
            let mut styles = Vec::new();
            for digits in [7usize, 3, 0, 6, 1, 2, 4, 5] {
                let fraction = if digits == 0 {
                    String::new()
                } else {
                    format!(".{}", &frac[..digits])
                };
                let zulu = format!("{date}{fraction}Z");
                let numeric = format!("{date}{fraction}{offset}");
                let plus_zero = format!("{date}{fraction}+00:00");
                if z_first {
                    styles.extend([zulu, numeric, plus_zero]);
                } else {
                    styles.extend([numeric, plus_zero, zulu]);
                }
            }
            styles
        })
}
