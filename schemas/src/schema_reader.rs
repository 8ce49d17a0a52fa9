//! Reads one schema file's JSON into the model, refusing every keyword and form the code
//! generator does not support. Each refusal names the file and the JSON pointer.

use crate::model::{FileId, Format, JsonType, Observed, Property, Ref, Schema};
use crate::pointer::{escape_token, unescape_token};
use crate::problem::Problem;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Keywords that may stand beside `$ref`.
const ANNOTATIONS: &[&str] = &["title", "description", "$comment"];

/// Everything the reader needs to know about the other files: their ids and raw JSON, so that
/// a `$ref` is checked to point at something that exists.
pub struct Files<'a> {
    pub by_id: &'a HashMap<String, FileId>,
    pub raw: &'a [Value],
}

pub struct SchemaReader<'a> {
    file: &'a Path,
    file_id_uri: &'a str,
    files: &'a Files<'a>,
    problems: &'a mut Vec<Problem>,
}

impl<'a> SchemaReader<'a> {
    pub fn new(
        file: &'a Path,
        file_id_uri: &'a str,
        files: &'a Files<'a>,
        problems: &'a mut Vec<Problem>,
    ) -> Self {
        SchemaReader {
            file,
            file_id_uri,
            files,
            problems,
        }
    }

    /// Reads the root schema of the file.
    pub fn read_root(&mut self, value: &Value) -> Schema {
        self.read(value, "", true)
    }

    fn refuse(&mut self, pointer: &str, message: impl Into<String>) {
        self.problems
            .push(Problem::new(self.file, pointer, message.into()));
    }

    fn read(&mut self, value: &Value, pointer: &str, is_root: bool) -> Schema {
        let mut schema = Schema {
            pointer: pointer.to_owned(),
            ..Schema::default()
        };
        let Some(map) = value.as_object() else {
            self.refuse(
                pointer,
                "a schema must be a JSON object (boolean schemas are not supported)",
            );
            return schema;
        };
        if map.contains_key("$ref") {
            self.read_ref(map, pointer, &mut schema);
            return schema;
        }
        for (key, v) in map {
            let at = format!("{pointer}/{}", escape_token(key));
            self.read_keyword(key, v, &at, is_root, &mut schema);
        }
        self.read_required(map, pointer, &mut schema);
        self.check_fits_types(&schema, map, pointer);
        self.check_observed(&schema, map, pointer);
        schema
    }

    /// `x-observed`: constraints read off examples, each group citing its ERRATA entry.
    fn read_observed(&mut self, v: &Value, at: &str) -> Option<Observed> {
        let Some(map) = v.as_object() else {
            self.refuse(
                at,
                "x-observed must be an object of constraints and \"errata\"",
            );
            return None;
        };
        let mut observed = Observed::default();
        let mut cited = false;
        for (key, value) in map {
            let here = format!("{at}/{}", escape_token(key));
            match key.as_str() {
                "errata" => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(n) if n > 0 => {
                        observed.errata = n;
                        cited = true;
                    }
                    _ => self.refuse(&here, "errata must be the number of an ERRATA.md entry (1, 2, …)"),
                },
                "pattern" => observed.pattern = self.read_pattern(value, &here),
                "format" => observed.format = self.read_format(value, &here),
                "enum" => observed.enum_values = self.read_enum(value, &here),
                "minimum" => observed.minimum = self.number(value, &here),
                "maximum" => observed.maximum = self.number(value, &here),
                "minLength" => observed.min_length = self.count(value, &here),
                "maxLength" => observed.max_length = self.count(value, &here),
                "required" => match value.as_array() {
                    Some(names) if names.iter().all(Value::is_string) => {
                        observed.required = names
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect();
                    }
                    _ => self.refuse(&here, "required must list property names"),
                },
                other => self.refuse(
                    &here,
                    format!("\"{other}\" is not an observed constraint (pattern, format, enum, minimum, maximum, minLength, maxLength, required, and errata)"),
                ),
            }
        }
        if !cited {
            self.refuse(
                at,
                "an observed constraint must cite the ERRATA entry that records it (\"errata\": N)",
            );
        }
        Some(observed)
    }

    /// Observed constraints fit the declared type as documented ones do, and an observed
    /// `required` names properties the schema declares but does not require.
    fn check_observed(&mut self, schema: &Schema, map: &Map<String, Value>, pointer: &str) {
        let Some(observed) = &schema.observed else {
            return;
        };
        let at = format!("{pointer}/x-observed");
        let has = |t: &[JsonType]| {
            schema
                .types
                .as_ref()
                .is_some_and(|types| types.iter().any(|x| t.contains(x)))
        };
        let string_rules = observed.pattern.is_some()
            || observed.format.is_some()
            || observed.min_length.is_some()
            || observed.max_length.is_some();
        if string_rules && !has(&[JsonType::String]) {
            self.refuse(
                &at,
                "pattern, format and lengths need \"type\" to include string",
            );
        }
        let number_rules = observed.minimum.is_some() || observed.maximum.is_some();
        if number_rules && !has(&[JsonType::Integer, JsonType::Number]) {
            self.refuse(
                &at,
                "minimum and maximum need \"type\" to include integer or number",
            );
        }
        for name in &observed.required {
            match schema.properties.iter().find(|p| &p.name == name) {
                None => self.refuse(
                    &at,
                    format!("required names \"{name}\", which is not in properties"),
                ),
                Some(p) if p.required => self.refuse(
                    &at,
                    format!(
                        "\"{name}\" is required by the document already; observed adds nothing"
                    ),
                ),
                Some(_) => {}
            }
        }
        let _ = map;
    }

    fn read_keyword(&mut self, key: &str, v: &Value, at: &str, is_root: bool, schema: &mut Schema) {
        match key {
            "$schema" if is_root => {
                if v.as_str() != Some(DIALECT) {
                    self.refuse(at, format!("$schema must be \"{DIALECT}\""));
                }
            }
            // The catalog loader checks the value against the file's path.
            "$id" if is_root => {}
            "$defs" if is_root => schema.defs = self.read_map_of_schemas(v, at),
            "$schema" | "$id" | "$defs" => {
                self.refuse(at, format!("{key} is supported only at the root of a file"))
            }
            "$comment" => {}
            "title" => schema.title = self.string(v, at),
            "description" => schema.description = self.string(v, at),
            "type" => schema.types = self.read_types(v, at),
            "properties" => {
                schema.properties = self
                    .read_map_of_schemas(v, at)
                    .into_iter()
                    .map(|(name, schema)| Property {
                        name,
                        required: false,
                        schema,
                    })
                    .collect();
            }
            "required" => {} // read after properties, see read_required
            "additionalProperties" => {
                schema.keep_unknown = v == &Value::Bool(true);
                if v != &Value::Bool(true) {
                    self.refuse(at, "additionalProperties must be absent or true: unknown properties are always allowed");
                }
            }
            "items" => {
                if v.is_object() {
                    schema.items = Some(Box::new(self.read(v, at, false)));
                } else {
                    self.refuse(at, "items must be one schema (an object)");
                }
            }
            "minItems" => schema.min_items = self.count(v, at),
            "maxItems" => schema.max_items = self.count(v, at),
            "minLength" => schema.min_length = self.count(v, at),
            "maxLength" => schema.max_length = self.count(v, at),
            "minimum" => schema.minimum = self.number(v, at),
            "maximum" => schema.maximum = self.number(v, at),
            "exclusiveMinimum" => schema.exclusive_minimum = self.number(v, at),
            "exclusiveMaximum" => schema.exclusive_maximum = self.number(v, at),
            "enum" => schema.enum_values = self.read_enum(v, at),
            "const" => {
                if is_scalar(v) {
                    schema.const_value = Some(v.clone());
                } else {
                    self.refuse(at, "const must be a string, number, boolean or null");
                }
            }
            "format" => schema.format = self.read_format(v, at),
            "pattern" => schema.pattern = self.read_pattern(v, at),
            "x-observed" => schema.observed = self.read_observed(v, at),
            other => self.refuse(at, format!("unsupported keyword \"{other}\" (see schemas/README.md for the subset the code generator supports)")),
        }
    }

    fn read_ref(&mut self, map: &Map<String, Value>, pointer: &str, schema: &mut Schema) {
        let at = format!("{pointer}/$ref");
        for key in map.keys() {
            if key != "$ref" && !ANNOTATIONS.contains(&key.as_str()) {
                self.refuse(
                    &format!("{pointer}/{}", escape_token(key)),
                    format!("\"{key}\" beside $ref is not supported: only title, description and $comment"),
                );
            }
        }
        schema.title = map.get("title").and_then(Value::as_str).map(str::to_owned);
        schema.description = map
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(written) = map.get("$ref").and_then(Value::as_str) else {
            self.refuse(&at, "$ref must be a string");
            return;
        };
        schema.reference = self.resolve_ref(written, &at);
    }

    fn resolve_ref(&mut self, written: &str, at: &str) -> Option<Ref> {
        let (path, fragment) = written.split_once('#').unwrap_or((written, ""));
        let target_uri = if path.is_empty() {
            self.file_id_uri.to_owned()
        } else {
            crate::uri::resolve(self.file_id_uri, path)
        };
        let Some(&file) = self.files.by_id.get(&target_uri) else {
            self.refuse(at, format!("$ref \"{written}\" points at {target_uri}, which is no schema file of the catalog"));
            return None;
        };
        let def = match fragment {
            "" => None,
            f => match f.strip_prefix("/$defs/") {
                Some(name) if !name.contains('/') => Some(unescape_token(name)),
                _ => {
                    self.refuse(at, format!("$ref \"{written}\": only \"#\" or \"#/$defs/<name>\" fragments are supported"));
                    return None;
                }
            },
        };
        if let Some(name) = &def {
            let exists = self.files.raw[file.0]
                .get("$defs")
                .and_then(|d| d.get(name))
                .is_some();
            if !exists {
                self.refuse(
                    at,
                    format!("$ref \"{written}\": {target_uri} has no $defs/{name}"),
                );
                return None;
            }
        }
        Some(Ref {
            written: written.to_owned(),
            file,
            def,
        })
    }

    fn read_map_of_schemas(&mut self, v: &Value, at: &str) -> Vec<(String, Schema)> {
        let Some(map) = v.as_object() else {
            self.refuse(at, "must be an object of schemas");
            return Vec::new();
        };
        map.iter()
            .map(|(name, sub)| {
                let sub_at = format!("{at}/{}", escape_token(name));
                (name.clone(), self.read(sub, &sub_at, false))
            })
            .collect()
    }

    fn read_required(&mut self, map: &Map<String, Value>, pointer: &str, schema: &mut Schema) {
        let Some(v) = map.get("required") else { return };
        let at = format!("{pointer}/required");
        let Some(names) = v.as_array() else {
            self.refuse(&at, "required must be an array of property names");
            return;
        };
        for (i, name) in names.iter().enumerate() {
            let item_at = format!("{at}/{i}");
            let Some(name) = name.as_str() else {
                self.refuse(&item_at, "required must list strings");
                continue;
            };
            match schema.properties.iter_mut().find(|p| p.name == name) {
                Some(p) if p.required => {
                    self.refuse(&item_at, format!("\"{name}\" is listed twice"))
                }
                Some(p) => p.required = true,
                None => self.refuse(
                    &item_at,
                    format!("required names \"{name}\", which is not in properties"),
                ),
            }
        }
    }

    fn read_types(&mut self, v: &Value, at: &str) -> Option<Vec<JsonType>> {
        let names: Vec<&Value> = match v {
            Value::String(_) => vec![v],
            Value::Array(a) if !a.is_empty() => a.iter().collect(),
            _ => {
                self.refuse(at, "type must be a type name or a non-empty array of them");
                return None;
            }
        };
        let mut types = Vec::new();
        for name in names {
            match name.as_str().and_then(JsonType::parse) {
                Some(t) if !types.contains(&t) => types.push(t),
                Some(t) => self.refuse(at, format!("type \"{}\" is listed twice", t.name())),
                None => self.refuse(at, format!("unknown type {name}")),
            }
        }
        Some(types)
    }

    fn read_enum(&mut self, v: &Value, at: &str) -> Option<Vec<Value>> {
        match v.as_array() {
            Some(values) if !values.is_empty() && values.iter().all(is_scalar) => {
                Some(values.clone())
            }
            _ => {
                self.refuse(
                    at,
                    "enum must be a non-empty array of strings, numbers, booleans or null",
                );
                None
            }
        }
    }

    fn read_format(&mut self, v: &Value, at: &str) -> Option<Format> {
        let format = v.as_str().and_then(Format::parse);
        if format.is_none() {
            self.refuse(
                at,
                format!("unsupported format {v}: only date-time, email, uri and uuid"),
            );
        }
        format
    }

    fn read_pattern(&mut self, v: &Value, at: &str) -> Option<String> {
        let Some(pattern) = v.as_str() else {
            self.refuse(at, "pattern must be a string");
            return None;
        };
        if let Some(problem) = pattern_problem(pattern) {
            self.refuse(at, format!("pattern {pattern:?}: {problem}"));
            return None;
        }
        Some(pattern.to_owned())
    }

    fn string(&mut self, v: &Value, at: &str) -> Option<String> {
        let s = v.as_str().map(str::to_owned);
        if s.is_none() {
            self.refuse(at, "must be a string");
        }
        s
    }

    fn count(&mut self, v: &Value, at: &str) -> Option<u64> {
        let n = v.as_u64();
        if n.is_none() {
            self.refuse(at, "must be a non-negative integer");
        }
        n
    }

    fn number(&mut self, v: &Value, at: &str) -> Option<serde_json::Number> {
        match v {
            Value::Number(n) => Some(n.clone()),
            _ => {
                self.refuse(at, "must be a number");
                None
            }
        }
    }

    /// Every constraint must apply to one of the declared types: a `pattern` on an integer-only
    /// field is a mistake, not a constraint.
    fn check_fits_types(&mut self, schema: &Schema, map: &Map<String, Value>, pointer: &str) {
        const NEEDS: &[(&str, &[JsonType])] = &[
            ("properties", &[JsonType::Object]),
            ("required", &[JsonType::Object]),
            ("items", &[JsonType::Array]),
            ("minItems", &[JsonType::Array]),
            ("maxItems", &[JsonType::Array]),
            ("pattern", &[JsonType::String]),
            ("format", &[JsonType::String]),
            ("minLength", &[JsonType::String]),
            ("maxLength", &[JsonType::String]),
            ("minimum", &[JsonType::Integer, JsonType::Number]),
            ("maximum", &[JsonType::Integer, JsonType::Number]),
            ("exclusiveMinimum", &[JsonType::Integer, JsonType::Number]),
            ("exclusiveMaximum", &[JsonType::Integer, JsonType::Number]),
        ];
        for (keyword, wanted) in NEEDS {
            if !map.contains_key(*keyword) {
                continue;
            }
            let fits = schema
                .types
                .as_ref()
                .is_some_and(|types| types.iter().any(|t| wanted.contains(t)));
            if !fits {
                let names: Vec<_> = wanted.iter().map(|t| t.name()).collect();
                self.refuse(
                    &format!("{pointer}/{keyword}"),
                    format!("{keyword} needs \"type\" to include {}", names.join(" or ")),
                );
            }
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !(v.is_array() || v.is_object())
}

/// Why a pattern cannot be used, or `None`. Patterns must mean the same to the Rust `regex`
/// crate, to ECMA-262 (the JSON Schema standard) and to Python's `re`: anchored, and without
/// the shorthand classes whose meaning differs (ECMA's `\d` is ASCII, Rust's and Python's are
/// Unicode).
pub fn pattern_problem(pattern: &str) -> Option<String> {
    if !pattern.starts_with('^') || !pattern.ends_with('$') || pattern.ends_with("\\$") {
        return Some("must be anchored with ^ and $".into());
    }
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                if "dDwWsSbB".contains(next) {
                    return Some(format!(
                        "\\{next} means different things in ECMA-262, Rust and Python; write the class out ([0-9], [A-Za-z0-9_], [ \\t\\r\\n])"
                    ));
                }
            }
        }
    }
    match regex::Regex::new(pattern) {
        Ok(_) => None,
        Err(e) => Some(format!(
            "not a pattern the generated validators can use: {}",
            e.to_string().lines().last().unwrap_or("invalid")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one schema as the only file of a catalog; returns the problems as text.
    fn problems_of(schema: serde_json::Value) -> Vec<String> {
        let id = "https://hookcert.dev/schemas/v/events/e.schema.json".to_owned();
        let by_id = HashMap::from([(id.clone(), FileId(0))]);
        let raw = vec![schema.clone()];
        let files = Files {
            by_id: &by_id,
            raw: &raw,
        };
        let mut problems = Vec::new();
        SchemaReader::new(Path::new("e.schema.json"), &id, &files, &mut problems)
            .read_root(&schema);
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn reads_the_subset_without_complaint() {
        let found = problems_of(serde_json::json!({
            "$schema": DIALECT,
            "$id": "https://hookcert.dev/schemas/v/events/e.schema.json",
            "type": "object",
            "required": ["a"],
            "properties": {
                "a": { "type": ["string", "integer"], "pattern": "^[0-9]+$" },
                "b": { "$ref": "#/$defs/b", "description": "a b" },
                "c": { "type": "array", "items": { "enum": ["x", null] }, "minItems": 1 }
            },
            "$defs": { "b": { "type": "string", "format": "date-time" } }
        }));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn refuses_what_the_generator_does_not_support_naming_the_pointer() {
        let found = problems_of(serde_json::json!({
            "type": "object",
            "required": ["missing"],
            "additionalProperties": false,
            "properties": {
                "a": { "oneOf": [{ "type": "string" }] },
                "b": { "type": "integer", "pattern": "^[0-9]+$" },
                "c": { "$ref": "#/$defs/nowhere" },
                "d": { "$ref": "other.schema.json" },
                "e": { "type": "string", "format": "hostname" },
                "f": { "$ref": "#", "type": "string" }
            }
        }));
        let expect = [
            "e.schema.json#/required/0: required names \"missing\"",
            "e.schema.json#/additionalProperties: additionalProperties must be absent or true",
            "e.schema.json#/properties/a/oneOf: unsupported keyword \"oneOf\"",
            "e.schema.json#/properties/b/pattern: pattern needs \"type\" to include string",
            "e.schema.json#/properties/c/$ref: $ref \"#/$defs/nowhere\"",
            "e.schema.json#/properties/d/$ref: $ref \"other.schema.json\" points at",
            "e.schema.json#/properties/e/format: unsupported format \"hostname\"",
            "e.schema.json#/properties/f/type: \"type\" beside $ref is not supported",
        ];
        for e in expect {
            assert!(
                found.iter().any(|f| f.starts_with(e)),
                "missing {e:?} in {found:?}"
            );
        }
        assert_eq!(found.len(), expect.len(), "{found:?}");
    }

    #[test]
    fn refuses_patterns_that_differ_between_engines() {
        assert!(pattern_problem("^[0-9]{13}$").is_none());
        assert!(pattern_problem("^\\d{13}$").is_some());
        assert!(pattern_problem("[0-9]+").is_some());
        assert!(pattern_problem("^(?=a)b$").is_some());
    }
}
