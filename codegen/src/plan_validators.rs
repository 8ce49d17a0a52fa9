//! Plans the compiled validators of one vendor: for every planned struct, the checks of each
//! field, with every decision taken here: which pattern a check uses, whether that pattern
//! compiles to Rust or stays a regex, what a pattern proves of a format (the DFA proof in
//! `pattern_implies`) and so what is left to check where it matches, and which rule each check
//! enforces: documented (the schema's keywords) or observed (`x-observed`, citing an ERRATA
//! entry), planned alike and told apart only by the [`Rule`] a violation records.
//! `emit_validators` only spells the plan out.

use crate::rust_types::{Field, Presence, StructDef, Ty, TypeSpace, UnionDef, find};
use hookcert_catalog::{Catalog, FileId, Format, JsonType, Problem, Schema};
use proc_macro2::TokenStream;
use serde_json::{Number, Value};
use std::collections::HashMap;
use std::path::Path;

/// The validators of one vendor module.
#[derive(Debug)]
pub struct ValidatorPlan {
    /// One per struct of the type space, in its order.
    pub structs: Vec<StructChecks>,
    /// Every pattern the checks use, in the order first used; a [`PatternCheck`] names its
    /// pattern by index here.
    pub patterns: Vec<PatternPlan>,
}

/// The `Validate` impl of one struct.
#[derive(Debug)]
pub struct StructChecks {
    /// The Rust type.
    pub name: String,
    /// The fields with anything to check, in declaration order.
    pub fields: Vec<FieldChecks>,
}

/// Where the rule a check enforces comes from: what its violation records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The document's words (the schema's own keywords): a violation refuses the body.
    Documented,
    /// Read off the document's examples (`x-observed`), as entry `errata` of the vendor's
    /// ERRATA.md records: a violation is a note.
    Observed { errata: u32 },
}

/// The checks of one field. Never empty: a field with nothing to check has no `FieldChecks`.
#[derive(Debug)]
pub struct FieldChecks {
    pub rust_name: String,
    pub json_name: String,
    pub presence: Presence,
    /// The ERRATA entry of an observed `required`: the field is optional, its absence a note.
    pub observed_required: Option<u32>,
    /// The checks of the value where there is one.
    pub checks: Option<ValueChecks>,
}

/// The checks of one value, by the Rust type it has. Never empty: a value with nothing to
/// check has no `ValueChecks`.
#[derive(Debug)]
pub enum ValueChecks {
    /// A struct, which validates itself.
    Nested,
    Str(Vec<StrCheck>),
    Number(NumberChecks),
    /// A `bool`'s `const` and `enum`.
    Bool(Vec<ScalarCheck>),
    /// A `serde_json::Value` (a schema without a type of its own).
    Any(Vec<AnyCheck>),
    /// A value that may be null (an array item): its checks where it is not.
    Opt(Box<ValueChecks>),
    List {
        count: Option<ItemCount>,
        /// The checks of every item.
        each: Option<Box<ValueChecks>>,
    },
    /// An untagged enum of scalars: the checks of whichever member the value is.
    Union {
        name: String,
        arms: Vec<UnionArm>,
    },
}

/// A check of a string. `const` is always documented (`x-observed` has none); the others say
/// which rule they enforce.
#[derive(Debug)]
pub enum StrCheck {
    Const(String),
    /// A keyword no string satisfies (a `const` of another JSON type).
    Unsatisfiable {
        keyword: &'static str,
    },
    /// The string members of the `enum`: no string equals another JSON type's member.
    Enum {
        values: Vec<String>,
        rule: Rule,
    },
    Pattern(PatternCheck),
    /// A format no pattern check took (see [`PatternCheck`]).
    Format(FormatCheck),
    Length {
        min: Option<u64>,
        max: Option<u64>,
        rule: Rule,
    },
}

/// A `format`, and the rule that states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatCheck {
    pub format: Format,
    pub rule: Rule,
}

/// A string's `pattern` (`rule`: whose it is), with a `format` of the schema when it has one
/// too: how much of the format is left to check depends on what the pattern proves. The
/// pattern and the format may come from different rules (an observed pattern beside a
/// documented format); each violation records its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternCheck {
    /// The generated matcher, called inline; then the format, if any, in full.
    Matcher {
        pattern: usize,
        rule: Rule,
        format: Option<FormatCheck>,
    },
    /// The generated matcher, whose verdict decides the format check: in full where the
    /// pattern does not match (for the violation), only `on_match` where it does, since the
    /// pattern implies the rest of the format.
    MatcherImpliesFormat {
        pattern: usize,
        rule: Rule,
        format: FormatCheck,
        on_match: LeftOfFormat,
    },
    /// The `regex` crate, whose verdict is not at hand: the format, if any, in full.
    Regex {
        pattern: usize,
        rule: Rule,
        format: Option<FormatCheck>,
    },
}

/// What of a format is left to check where a pattern that implies the rest matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOfFormat {
    /// Nothing: the pattern spells out the whole format (Breakcold's UUID ids).
    Nothing,
    /// The calendar: the pattern holds every date-time field in range (SPOTIO's), but only
    /// the calendar knows whether the day exists in its month.
    DayOfMonth,
}

/// One pattern of the vendor.
#[derive(Debug)]
pub struct PatternPlan {
    pub source: String,
    pub matched_by: MatchedBy,
}

#[derive(Debug)]
pub enum MatchedBy {
    /// The body of a `fn(s: &str) -> bool` that `pattern_code` compiled the pattern into.
    Compiled(TokenStream),
    /// Matched by the `regex` crate at run time. `accepts_empty`: the regex matches "",
    /// which is then answered without the engine (optional text fields are often sent empty).
    Regex { accepts_empty: bool },
}

#[derive(Debug)]
pub struct NumberChecks {
    pub repr: NumberRepr,
    /// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, in that order, then the
    /// observed `minimum` and `maximum`.
    pub bounds: Vec<BoundCheck>,
    /// `const`, and `enum` but on an `i64`, compared as JSON.
    pub values: Vec<ScalarCheck>,
    /// `enum` on an `i64`: the members an integer can equal, matched as integers, without a
    /// JSON value built for each (observed enums of counts and codes are common).
    pub int_enums: Vec<IntEnum>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntEnum {
    pub values: Vec<i64>,
    pub rule: Rule,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundCheck {
    pub bound: Bound,
    pub limit: f64,
    pub rule: Rule,
}

/// How a number is held in Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberRepr {
    /// `i64` (`"type": "integer"`).
    Int,
    /// `serde_json::Number` (`"type": "number"`).
    Num,
}

/// The runtime's `crate::validate::Bound`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

/// `const` or `enum` on a value compared as JSON (booleans, numbers, untyped values). `const`
/// is always documented.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarCheck {
    Const(Scalar),
    Enum { values: Vec<Scalar>, rule: Rule },
}

/// A scalar from a schema's `const` or `enum`, typed as the generated literal will be.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Str(String),
    Int(i64),
    /// Above `i64::MAX`.
    UInt(u64),
    Float(f64),
}

#[derive(Debug)]
pub enum AnyCheck {
    /// The JSON types the schema allows (a `serde_json::Value` may be any): documented, as
    /// `x-observed` has no `type`.
    Type(Vec<JsonType>),
    Value(ScalarCheck),
    /// The string checks, where the value is a string.
    WhereString(Vec<StrCheck>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemCount {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Debug)]
pub struct UnionArm {
    pub variant: String,
    /// `None`: nothing to check for this member.
    pub checks: Option<MemberChecks>,
}

/// The checks of one member of a union, by its JSON type.
#[derive(Debug)]
pub enum MemberChecks {
    Str(Vec<StrCheck>),
    Number(NumberChecks),
    /// A boolean, compared as JSON.
    Value(Vec<ScalarCheck>),
}

/// Plans the validator of every struct in `space`.
pub fn plan(catalog: &Catalog, space: &TypeSpace) -> Result<ValidatorPlan, Vec<Problem>> {
    let mut planner = ValidatorPlanner {
        catalog,
        space,
        patterns: Vec::new(),
        implications: HashMap::new(),
        problems: Vec::new(),
    };
    let structs = space
        .structs
        .iter()
        .map(|s| planner.struct_checks(s))
        .collect();
    if !planner.problems.is_empty() {
        return Err(planner.problems);
    }
    Ok(ValidatorPlan {
        structs,
        patterns: planner.patterns,
    })
}

struct ValidatorPlanner<'a> {
    catalog: &'a Catalog,
    space: &'a TypeSpace,
    patterns: Vec<PatternPlan>,
    /// Whether a pattern (by index) implies a format, in whole or but for the calendar:
    /// decided once for each pair, since the proof builds two DFAs and a pattern recurs
    /// across a vendor's fields.
    implications: HashMap<(usize, Format), bool>,
    problems: Vec<Problem>,
}

impl<'a> ValidatorPlanner<'a> {
    fn struct_checks(&mut self, def: &StructDef) -> StructChecks {
        let fields = def
            .fields
            .iter()
            .filter_map(|f| self.field_checks(f))
            .collect();
        StructChecks {
            name: def.name.clone(),
            fields,
        }
    }

    fn field_checks(&mut self, field: &Field) -> Option<FieldChecks> {
        let (file, pointer) = &field.schema;
        let Some(schema) = find(&self.catalog.file(*file).root, pointer) else {
            self.problems.push(Problem::new(
                self.shown(*file),
                pointer.as_str(),
                "the type planner keyed a field to no schema (a code generator bug)",
            ));
            return None;
        };
        let checks = self.value_checks(&field.ty, *file, schema);
        if checks.is_none() && field.observed_required.is_none() {
            return None;
        }
        Some(FieldChecks {
            rust_name: field.rust_name.clone(),
            json_name: field.json_name.clone(),
            presence: field.presence,
            observed_required: field.observed_required,
            checks,
        })
    }

    fn shown(&self, file: FileId) -> std::path::PathBuf {
        Path::new("schemas").join(&self.catalog.file(file).path)
    }

    /// The checks of a value of type `ty` against `schema`, of the file `file`.
    fn value_checks(&mut self, ty: &Ty, file: FileId, schema: &'a Schema) -> Option<ValueChecks> {
        let (file, schema) = deref(self.catalog, file, schema);
        match ty {
            Ty::Struct(_) => Some(ValueChecks::Nested),
            Ty::Str => non_empty(self.str_checks(schema)).map(ValueChecks::Str),
            Ty::Int => self
                .number_checks(file, schema, NumberRepr::Int)
                .map(ValueChecks::Number),
            Ty::Num => self
                .number_checks(file, schema, NumberRepr::Num)
                .map(ValueChecks::Number),
            Ty::Bool => non_empty(self.scalar_checks(file, schema)).map(ValueChecks::Bool),
            Ty::Any => non_empty(self.any_checks(file, schema)).map(ValueChecks::Any),
            Ty::Map => None,
            Ty::Opt(inner) => self
                .value_checks(inner, file, schema)
                .map(|c| ValueChecks::Opt(Box::new(c))),
            Ty::List(item) => {
                let count = (schema.min_items.is_some() || schema.max_items.is_some()).then_some(
                    ItemCount {
                        min: schema.min_items,
                        max: schema.max_items,
                    },
                );
                let each = match schema.items.as_deref() {
                    Some(items) => self.value_checks(item, file, items).map(Box::new),
                    None => None,
                };
                (count.is_some() || each.is_some()).then_some(ValueChecks::List { count, each })
            }
            Ty::Union(i) => {
                let space = self.space;
                self.union_checks(&space.unions[*i], file, schema)
            }
        }
    }

    fn union_checks(
        &mut self,
        union: &UnionDef,
        file: FileId,
        schema: &Schema,
    ) -> Option<ValueChecks> {
        let arms: Vec<UnionArm> = union
            .members
            .iter()
            .map(|member| UnionArm {
                variant: member.variant.clone(),
                checks: match member.json_type {
                    JsonType::String => non_empty(self.str_checks(schema)).map(MemberChecks::Str),
                    JsonType::Integer => self
                        .number_checks(file, schema, NumberRepr::Int)
                        .map(MemberChecks::Number),
                    JsonType::Number => self
                        .number_checks(file, schema, NumberRepr::Num)
                        .map(MemberChecks::Number),
                    _ => non_empty(self.scalar_checks(file, schema)).map(MemberChecks::Value),
                },
            })
            .collect();
        arms.iter()
            .any(|a| a.checks.is_some())
            .then(|| ValueChecks::Union {
                name: union.name.clone(),
                arms,
            })
    }

    /// The checks of a string: `const`, then per keyword the documented rule before the
    /// observed one.
    fn str_checks(&mut self, schema: &Schema) -> Vec<StrCheck> {
        let rules = by_rule(schema);
        let mut out = Vec::new();
        if let Some(c) = &schema.const_value {
            out.push(match c.as_str() {
                Some(s) => StrCheck::Const(s.to_owned()),
                None => StrCheck::Unsatisfiable { keyword: "const" },
            });
        }
        for k in &rules {
            if let Some(values) = k.enum_values {
                let strings = values.iter().filter_map(Value::as_str).map(str::to_owned);
                out.push(StrCheck::Enum {
                    values: strings.collect(),
                    rule: k.rule,
                });
            }
        }
        let mut formats: Vec<FormatCheck> = rules
            .iter()
            .filter_map(|k| {
                k.format.map(|format| FormatCheck {
                    format,
                    rule: k.rule,
                })
            })
            .collect();
        for k in &rules {
            if let Some(pattern) = k.pattern {
                let check = self.pattern_check(pattern, k.rule, &mut formats);
                out.push(StrCheck::Pattern(check));
            }
        }
        out.extend(formats.into_iter().map(StrCheck::Format));
        for k in &rules {
            if k.min_length.is_some() || k.max_length.is_some() {
                out.push(StrCheck::Length {
                    min: k.min_length,
                    max: k.max_length,
                    rule: k.rule,
                });
            }
        }
        out
    }

    /// The check of a pattern of `rule`, taking from `formats` the one it implies (its verdict
    /// then decides how much of the format is left, whichever rule states each), else the one
    /// of its own rule, checked in full after it.
    fn pattern_check(
        &mut self,
        source: &str,
        rule: Rule,
        formats: &mut Vec<FormatCheck>,
    ) -> PatternCheck {
        let pattern = self.pattern_index(source);
        let compiled = matches!(self.patterns[pattern].matched_by, MatchedBy::Compiled(_));
        // No proof is attempted for a regex: its verdict is not at hand to use.
        if compiled {
            for i in 0..formats.len() {
                if let Some(on_match) = self.left_of_format(pattern, formats[i].format) {
                    return PatternCheck::MatcherImpliesFormat {
                        pattern,
                        rule,
                        format: formats.remove(i),
                        on_match,
                    };
                }
            }
        }
        let format = formats
            .iter()
            .position(|f| f.rule == rule)
            .map(|i| formats.remove(i));
        if compiled {
            PatternCheck::Matcher {
                pattern,
                rule,
                format,
            }
        } else {
            PatternCheck::Regex {
                pattern,
                rule,
                format,
            }
        }
    }

    /// The pattern's index, compiling it (once) when first seen.
    fn pattern_index(&mut self, source: &str) -> usize {
        if let Some(i) = self.patterns.iter().position(|p| p.source == source) {
            return i;
        }
        let matched_by = match crate::pattern_code::compile(source) {
            Some(body) => MatchedBy::Compiled(body),
            None => MatchedBy::Regex {
                accepts_empty: regex::Regex::new(source).is_ok_and(|re| re.is_match("")),
            },
        };
        self.patterns.push(PatternPlan {
            source: source.to_owned(),
            matched_by,
        });
        self.patterns.len() - 1
    }

    /// What is left of `format` where the pattern matches, if the pattern implies the rest.
    fn left_of_format(&mut self, pattern: usize, format: Format) -> Option<LeftOfFormat> {
        let source = &self.patterns[pattern].source;
        let implied = *self
            .implications
            .entry((pattern, format))
            .or_insert_with(|| match format {
                Format::Uuid => crate::pattern_implies::implies_uuid(source),
                Format::DateTime => crate::pattern_implies::implies_date_time_but_calendar(source),
                Format::Email | Format::Uri => false,
            });
        match format {
            _ if !implied => None,
            Format::Uuid => Some(LeftOfFormat::Nothing),
            Format::DateTime => Some(LeftOfFormat::DayOfMonth),
            Format::Email | Format::Uri => None,
        }
    }

    fn number_checks(
        &mut self,
        file: FileId,
        schema: &Schema,
        repr: NumberRepr,
    ) -> Option<NumberChecks> {
        let observed = schema.observed.as_ref();
        let bounds: Vec<BoundCheck> = [
            (Bound::Minimum, schema.minimum.as_ref(), Rule::Documented),
            (Bound::Maximum, schema.maximum.as_ref(), Rule::Documented),
            (
                Bound::ExclusiveMinimum,
                schema.exclusive_minimum.as_ref(),
                Rule::Documented,
            ),
            (
                Bound::ExclusiveMaximum,
                schema.exclusive_maximum.as_ref(),
                Rule::Documented,
            ),
            (
                Bound::Minimum,
                observed.and_then(|o| o.minimum.as_ref()),
                observed_rule(schema),
            ),
            (
                Bound::Maximum,
                observed.and_then(|o| o.maximum.as_ref()),
                observed_rule(schema),
            ),
        ]
        .into_iter()
        .filter_map(|(bound, limit, rule)| {
            Some(BoundCheck {
                bound,
                limit: as_f64(limit?),
                rule,
            })
        })
        .collect();
        let mut values = self.scalar_checks(file, schema);
        let mut int_enums = Vec::new();
        if repr == NumberRepr::Int {
            values.retain(|check| match check {
                ScalarCheck::Enum { values, rule } => {
                    int_enums.push(IntEnum {
                        values: values.iter().filter_map(as_i64).collect(),
                        rule: *rule,
                    });
                    false
                }
                ScalarCheck::Const(_) => true,
            });
        }
        (!bounds.is_empty() || !values.is_empty() || !int_enums.is_empty()).then_some(
            NumberChecks {
                repr,
                bounds,
                values,
                int_enums,
            },
        )
    }

    /// `const` and `enum`, compared as JSON.
    fn scalar_checks(&mut self, file: FileId, schema: &Schema) -> Vec<ScalarCheck> {
        let mut out = Vec::new();
        if let Some(c) = &schema.const_value {
            if let Some(c) = self.scalar(c, file, schema, "const") {
                out.push(ScalarCheck::Const(c));
            }
        }
        for k in by_rule(schema) {
            let Some(values) = k.enum_values else {
                continue;
            };
            let keyword = match k.rule {
                Rule::Documented => "enum",
                Rule::Observed { .. } => "x-observed/enum",
            };
            let values = values
                .iter()
                .filter_map(|v| self.scalar(v, file, schema, keyword))
                .collect();
            out.push(ScalarCheck::Enum {
                values,
                rule: k.rule,
            });
        }
        out
    }

    fn scalar(
        &mut self,
        value: &Value,
        file: FileId,
        schema: &Schema,
        keyword: &str,
    ) -> Option<Scalar> {
        Some(match value {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(*b),
            Value::String(s) => Scalar::Str(s.clone()),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Scalar::Int(i),
                (None, Some(u)) => Scalar::UInt(u),
                _ => Scalar::Float(as_f64(n)),
            },
            // The schema reader refuses these; refused here too rather than checked wrong.
            Value::Array(_) | Value::Object(_) => {
                self.problems.push(Problem::new(
                    self.shown(file),
                    format!("{}/{keyword}", schema.pointer),
                    format!("{keyword} holds an array or object, which the code generator does not compare"),
                ));
                return None;
            }
        })
    }

    fn any_checks(&mut self, file: FileId, schema: &Schema) -> Vec<AnyCheck> {
        let mut out = Vec::new();
        if let Some(types) = &schema.types {
            out.push(AnyCheck::Type(types.clone()));
        }
        let values = self.scalar_checks(file, schema);
        out.extend(values.into_iter().map(AnyCheck::Value));
        let string_keywords = by_rule(schema).iter().any(|k| {
            k.pattern.is_some()
                || k.format.is_some()
                || k.min_length.is_some()
                || k.max_length.is_some()
        });
        if string_keywords {
            out.push(AnyCheck::WhereString(self.str_checks(schema)));
        }
        out
    }
}

/// The value keywords one rule states of a schema: its own (documented) or its `x-observed`.
/// `const` and the exclusive bounds are documented only, and read from the schema.
struct Keywords<'s> {
    rule: Rule,
    enum_values: Option<&'s [Value]>,
    pattern: Option<&'s str>,
    format: Option<Format>,
    min_length: Option<u64>,
    max_length: Option<u64>,
}

/// The documented keywords, then the observed ones if the schema has any.
fn by_rule(schema: &Schema) -> Vec<Keywords<'_>> {
    let documented = Keywords {
        rule: Rule::Documented,
        enum_values: schema.enum_values.as_deref(),
        pattern: schema.pattern.as_deref(),
        format: schema.format,
        min_length: schema.min_length,
        max_length: schema.max_length,
    };
    let observed = schema.observed.as_ref().map(|o| Keywords {
        rule: Rule::Observed { errata: o.errata },
        enum_values: o.enum_values.as_deref(),
        pattern: o.pattern.as_deref(),
        format: o.format,
        min_length: o.min_length,
        max_length: o.max_length,
    });
    std::iter::once(documented).chain(observed).collect()
}

/// The rule of the schema's `x-observed` (documented if it has none, when nothing reads it).
fn observed_rule(schema: &Schema) -> Rule {
    match &schema.observed {
        Some(o) => Rule::Observed { errata: o.errata },
        None => Rule::Documented,
    }
}

/// Follows refs to the schema that carries the constraints, and its file.
fn deref<'s>(
    catalog: &'s Catalog,
    mut file: FileId,
    mut schema: &'s Schema,
) -> (FileId, &'s Schema) {
    while let Some(r) = &schema.reference {
        file = r.file;
        schema = catalog.resolve(r);
    }
    (file, schema)
}

/// The `i64` a member of an `enum` is equal to as JSON (`2.0` is `2`), if any: a member that
/// is not a number, not whole or out of range no `i64` equals.
fn as_i64(member: &Scalar) -> Option<i64> {
    match member {
        Scalar::Int(i) => Some(*i),
        Scalar::Float(f) if f.fract() == 0.0 && (i64::MIN as f64..i64::MAX as f64).contains(f) => {
            Some(*f as i64)
        }
        Scalar::Null | Scalar::Bool(_) | Scalar::Str(_) | Scalar::UInt(_) | Scalar::Float(_) => {
            None
        }
    }
}

fn non_empty<T>(checks: Vec<T>) -> Option<Vec<T>> {
    (!checks.is_empty()).then_some(checks)
}

/// A JSON number as the `f64` the runtime compares with; serde_json reads only finite
/// numbers, so the fallback is never taken.
fn as_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookcert_catalog::{Observed, Tree};

    const UUID: &str = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    /// SPOTIO's: every date-time field held in range.
    const DATE_TIME_IN_RANGE: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,7})?[+-]([01][0-9]|2[0-3]):[0-5][0-9]$";
    /// ClinchPad's: any two digits, so hour 99 matches.
    const DATE_TIME_ANY_DIGITS: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$";
    /// Not LL(1): which alternative applies shows only after `lead`.
    const AMBIGUOUS: &str = "^(lead|lead |contact)$";

    fn empty_catalog() -> Catalog {
        Catalog {
            root: "schemas".into(),
            vendors: Vec::new(),
            files: Vec::new(),
            sources: Tree::new(),
        }
    }

    fn planner<'a>(catalog: &'a Catalog, space: &'a TypeSpace) -> ValidatorPlanner<'a> {
        ValidatorPlanner {
            catalog,
            space,
            patterns: Vec::new(),
            implications: HashMap::new(),
            problems: Vec::new(),
        }
    }

    fn string(pattern: &str, format: Option<Format>) -> Schema {
        Schema {
            pattern: Some(pattern.to_owned()),
            format,
            ..Schema::default()
        }
    }

    fn documented(format: Format) -> FormatCheck {
        FormatCheck {
            format,
            rule: Rule::Documented,
        }
    }

    fn pattern_check(checks: &[StrCheck]) -> &PatternCheck {
        match checks {
            [StrCheck::Pattern(check)] => check,
            other => panic!("not a lone pattern check: {other:?}"),
        }
    }

    #[test]
    fn a_pattern_that_spells_out_a_uuid_leaves_nothing_to_check_where_it_matches() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let checks = planner.str_checks(&string(UUID, Some(Format::Uuid)));
        assert_eq!(
            pattern_check(&checks),
            &PatternCheck::MatcherImpliesFormat {
                pattern: 0,
                rule: Rule::Documented,
                format: documented(Format::Uuid),
                on_match: LeftOfFormat::Nothing,
            }
        );
        assert!(matches!(
            planner.patterns[0].matched_by,
            MatchedBy::Compiled(_)
        ));
    }

    #[test]
    fn a_date_time_pattern_in_range_leaves_the_calendar() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let in_range = planner.str_checks(&string(DATE_TIME_IN_RANGE, Some(Format::DateTime)));
        assert_eq!(
            pattern_check(&in_range),
            &PatternCheck::MatcherImpliesFormat {
                pattern: 0,
                rule: Rule::Documented,
                format: documented(Format::DateTime),
                on_match: LeftOfFormat::DayOfMonth,
            }
        );
        let any_digits = planner.str_checks(&string(DATE_TIME_ANY_DIGITS, Some(Format::DateTime)));
        assert_eq!(
            pattern_check(&any_digits),
            &PatternCheck::Matcher {
                pattern: 1,
                rule: Rule::Documented,
                format: Some(documented(Format::DateTime)),
            }
        );
        // A UUID pattern proves nothing of a date-time, nor any pattern of an email.
        let uuid_as_date = planner.str_checks(&string(UUID, Some(Format::DateTime)));
        assert_eq!(
            pattern_check(&uuid_as_date),
            &PatternCheck::Matcher {
                pattern: 2,
                rule: Rule::Documented,
                format: Some(documented(Format::DateTime)),
            }
        );
        let email = planner.str_checks(&string("^[a-z]+@[a-z]+$", Some(Format::Email)));
        assert!(matches!(
            pattern_check(&email),
            PatternCheck::Matcher {
                format: Some(FormatCheck {
                    format: Format::Email,
                    ..
                }),
                ..
            }
        ));
    }

    #[test]
    fn a_pattern_the_compiler_refuses_falls_back_to_the_regex_and_the_whole_format() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let checks = planner.str_checks(&string(AMBIGUOUS, Some(Format::Uuid)));
        assert_eq!(
            pattern_check(&checks),
            &PatternCheck::Regex {
                pattern: 0,
                rule: Rule::Documented,
                format: Some(documented(Format::Uuid)),
            }
        );
        assert!(matches!(
            planner.patterns[0].matched_by,
            MatchedBy::Regex {
                accepts_empty: false
            }
        ));
        // No proof is attempted for a regex: its verdict would not be at hand to use.
        assert!(planner.implications.is_empty());
        planner.str_checks(&string("^(|[a-z]+[a-z0-9])$", None));
        assert!(matches!(
            planner.patterns[1].matched_by,
            MatchedBy::Regex {
                accepts_empty: true
            }
        ));
    }

    #[test]
    fn a_pattern_is_planned_once_however_often_it_is_used() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let first = planner.str_checks(&string(UUID, Some(Format::Uuid)));
        let again = planner.str_checks(&string(UUID, Some(Format::Uuid)));
        let alone = planner.str_checks(&string(UUID, None));
        assert_eq!(pattern_check(&first), pattern_check(&again));
        assert_eq!(
            pattern_check(&alone),
            &PatternCheck::Matcher {
                pattern: 0,
                rule: Rule::Documented,
                format: None,
            }
        );
        assert_eq!(planner.patterns.len(), 1);
        assert_eq!(planner.implications.len(), 1);
    }

    #[test]
    fn string_keywords_keep_their_order_and_their_meaning() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let schema = Schema {
            const_value: Some(serde_json::json!(5)),
            enum_values: Some(vec![serde_json::json!("a"), serde_json::json!(1)]),
            format: Some(Format::Uri),
            max_length: Some(9),
            ..Schema::default()
        };
        let checks = planner.str_checks(&schema);
        assert!(matches!(
            checks.as_slice(),
            [
                // No string equals 5.
                StrCheck::Unsatisfiable { keyword: "const" },
                StrCheck::Enum { values, rule: Rule::Documented },
                StrCheck::Format(FormatCheck {
                    format: Format::Uri,
                    rule: Rule::Documented
                }),
                StrCheck::Length {
                    min: None,
                    max: Some(9),
                    rule: Rule::Documented,
                },
            ] if values == &["a"]
        ));
    }

    #[test]
    fn numbers_keep_their_bounds_and_literals_exact() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let schema = Schema {
            maximum: Some(10.into()),
            exclusive_minimum: Some(0.into()),
            enum_values: Some(vec![
                serde_json::json!(-1),
                serde_json::json!(u64::MAX),
                serde_json::json!(2.5),
            ]),
            ..Schema::default()
        };
        let checks = planner.number_checks(FileId(0), &schema, NumberRepr::Int);
        let Some(checks) = checks else {
            panic!("no number checks")
        };
        let bound = |bound, limit| BoundCheck {
            bound,
            limit,
            rule: Rule::Documented,
        };
        assert_eq!(
            checks.bounds,
            [
                bound(Bound::Maximum, 10.0),
                bound(Bound::ExclusiveMinimum, 0.0)
            ]
        );
        // An `i64` equals only the first member; a `serde_json::Number` is compared as JSON.
        assert!(checks.values.is_empty());
        assert_eq!(
            checks.int_enums,
            [IntEnum {
                values: vec![-1],
                rule: Rule::Documented,
            }]
        );
        let Some(checks) = planner.number_checks(FileId(0), &schema, NumberRepr::Num) else {
            panic!("no number checks")
        };
        assert_eq!(
            checks.values,
            [ScalarCheck::Enum {
                values: vec![Scalar::Int(-1), Scalar::UInt(u64::MAX), Scalar::Float(2.5)],
                rule: Rule::Documented,
            }]
        );
        assert!(checks.int_enums.is_empty());
        assert!(
            planner
                .number_checks(FileId(0), &Schema::default(), NumberRepr::Num)
                .is_none()
        );
    }

    #[test]
    fn a_value_with_nothing_to_check_has_no_checks() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let items = Schema {
            items: Some(Box::new(Schema::default())),
            ..Schema::default()
        };
        let list = Ty::List(Box::new(Ty::Opt(Box::new(Ty::Str))));
        assert!(planner.value_checks(&list, FileId(0), &items).is_none());
        let counted = Schema {
            min_items: Some(1),
            ..items.clone()
        };
        assert!(matches!(
            planner.value_checks(&list, FileId(0), &counted),
            Some(ValueChecks::List {
                count: Some(ItemCount {
                    min: Some(1),
                    max: None
                }),
                each: None,
            })
        ));
    }

    fn observed(errata: u32, observed: Observed) -> Schema {
        Schema {
            types: Some(vec![JsonType::String]),
            observed: Some(Observed { errata, ..observed }),
            ..Schema::default()
        }
    }

    const PHONE: &str = "^\\+?[0-9]{5,15}$";

    #[test]
    fn an_observed_pattern_is_compiled_as_a_documented_one_and_marked_with_its_errata() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let phone = observed(
            31,
            Observed {
                pattern: Some(PHONE.to_owned()),
                ..Observed::default()
            },
        );
        let checks = planner.str_checks(&phone);
        assert_eq!(
            pattern_check(&checks),
            &PatternCheck::Matcher {
                pattern: 0,
                rule: Rule::Observed { errata: 31 },
                format: None,
            }
        );
        assert!(matches!(
            planner.patterns[0].matched_by,
            MatchedBy::Compiled(_)
        ));
        // The same pattern documented elsewhere shares the matcher, not the rule.
        let documented = planner.str_checks(&string(PHONE, None));
        assert_eq!(
            pattern_check(&documented),
            &PatternCheck::Matcher {
                pattern: 0,
                rule: Rule::Documented,
                format: None,
            }
        );
        assert_eq!(planner.patterns.len(), 1);
    }

    #[test]
    fn a_pattern_and_a_format_of_different_rules_each_keep_their_own() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        // An observed UUID pattern beside a documented `uuid`: its verdict still spares the
        // format where it matches, and a format violation stays documented.
        let id = Schema {
            format: Some(Format::Uuid),
            ..observed(
                4,
                Observed {
                    pattern: Some(UUID.to_owned()),
                    ..Observed::default()
                },
            )
        };
        let checks = planner.str_checks(&id);
        assert_eq!(
            pattern_check(&checks),
            &PatternCheck::MatcherImpliesFormat {
                pattern: 0,
                rule: Rule::Observed { errata: 4 },
                format: documented(Format::Uuid),
                on_match: LeftOfFormat::Nothing,
            }
        );
        // A documented pattern that proves nothing of an observed `date-time`: the format is
        // checked in full, on its own, as observed.
        let date = Schema {
            pattern: Some(DATE_TIME_ANY_DIGITS.to_owned()),
            ..observed(
                5,
                Observed {
                    format: Some(Format::DateTime),
                    ..Observed::default()
                },
            )
        };
        let checks = planner.str_checks(&date);
        assert!(matches!(
            checks.as_slice(),
            [
                StrCheck::Pattern(PatternCheck::Matcher {
                    pattern: 1,
                    rule: Rule::Documented,
                    format: None,
                }),
                StrCheck::Format(FormatCheck {
                    format: Format::DateTime,
                    rule: Rule::Observed { errata: 5 },
                }),
            ]
        ));
        // Both patterns, and the documented format proven by the documented one.
        let both = Schema {
            pattern: Some(DATE_TIME_IN_RANGE.to_owned()),
            format: Some(Format::DateTime),
            ..observed(
                6,
                Observed {
                    pattern: Some(DATE_TIME_ANY_DIGITS.to_owned()),
                    ..Observed::default()
                },
            )
        };
        let checks = planner.str_checks(&both);
        assert!(matches!(
            checks.as_slice(),
            [
                StrCheck::Pattern(PatternCheck::MatcherImpliesFormat {
                    rule: Rule::Documented,
                    format: FormatCheck {
                        rule: Rule::Documented,
                        ..
                    },
                    on_match: LeftOfFormat::DayOfMonth,
                    ..
                }),
                StrCheck::Pattern(PatternCheck::Matcher {
                    pattern: 1,
                    rule: Rule::Observed { errata: 6 },
                    format: None,
                }),
            ]
        ));
    }

    #[test]
    fn observed_enums_lengths_and_bounds_follow_the_documented_ones() {
        let (catalog, space) = (empty_catalog(), TypeSpace::default());
        let mut planner = planner(&catalog, &space);
        let seen = Rule::Observed { errata: 9 };
        let status = Schema {
            enum_values: Some(vec![serde_json::json!("open"), serde_json::json!("closed")]),
            ..observed(
                9,
                Observed {
                    enum_values: Some(vec![serde_json::json!("open")]),
                    min_length: Some(1),
                    max_length: Some(6),
                    ..Observed::default()
                },
            )
        };
        let checks = planner.str_checks(&status);
        assert!(matches!(
            checks.as_slice(),
            [
                StrCheck::Enum { values: documented, rule: Rule::Documented },
                StrCheck::Enum { values: observed, rule: r },
                StrCheck::Length { min: Some(1), max: Some(6), rule: l },
            ] if documented == &["open", "closed"] && observed == &["open"] && *r == seen && *l == seen
        ));
        let count = Schema {
            types: Some(vec![JsonType::Integer]),
            maximum: Some(100.into()),
            observed: Some(Observed {
                errata: 9,
                minimum: Some(1.into()),
                maximum: Some(10.into()),
                enum_values: Some(vec![serde_json::json!(1), serde_json::json!(2)]),
                ..Observed::default()
            }),
            ..Schema::default()
        };
        let Some(checks) = planner.number_checks(FileId(0), &count, NumberRepr::Int) else {
            panic!("no number checks")
        };
        let bound = |bound, limit, rule| BoundCheck { bound, limit, rule };
        assert_eq!(
            checks.bounds,
            [
                bound(Bound::Maximum, 100.0, Rule::Documented),
                bound(Bound::Minimum, 1.0, seen),
                bound(Bound::Maximum, 10.0, seen),
            ]
        );
        assert_eq!(
            checks.int_enums,
            [IntEnum {
                values: vec![1, 2],
                rule: seen,
            }]
        );
    }

    #[test]
    fn an_observed_required_field_is_checked_for_its_absence_even_with_nothing_else() {
        let catalog =
            crate::rust_types::tests::one_file_catalog(crate::rust_types::tests::visitor());
        let mut types = crate::rust_types::Planner::new(&catalog);
        types.plan_root(FileId(0), "", "Visitor");
        assert!(types.problems.is_empty(), "{:?}", types.problems);
        let plan = match plan(&catalog, &types.space) {
            Ok(plan) => plan,
            Err(problems) => panic!("{problems:?}"),
        };
        let fields = &plan.structs[0].fields;
        let phone = fields.iter().find(|f| f.json_name == "phone");
        assert!(matches!(
            phone,
            Some(FieldChecks {
                presence: Presence::Optional,
                observed_required: Some(12),
                checks: None,
                ..
            })
        ));
        // A field with neither checks nor an observed `required` has no checks at all.
        assert!(fields.iter().all(|f| f.json_name != "name"));
    }
}
