//! Plans the Rust types of one vendor from the model: a struct per object schema, an untagged
//! enum per union of scalar types, and a Rust type for every field. Emitting code from this
//! plan is the last, dumbest step (see `emit_types`).

use crate::naming::{field_name, type_name};
use hookcert_catalog::{Catalog, FileId, JsonType, Problem, Schema};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Identifies a schema in the catalog: a file and the pointer inside it.
pub type SchemaKey = (FileId, String);

/// The Rust type of a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Str,
    Int,
    /// `serde_json::Number`: keeps integers and floats exactly as sent.
    Num,
    Bool,
    /// Any JSON value (`serde_json::Value`), for schemas without a type.
    Any,
    /// An object with no declared properties (`serde_json::Map`).
    Map,
    List(Box<Ty>),
    /// A value that may be null where no field's `Option` says so (array items).
    Opt(Box<Ty>),
    Struct(usize),
    Union(usize),
}

/// How a field's presence and nullability map onto `Option`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Required, not nullable: `T`.
    Required,
    /// Required but may be null: `Option<T>`, the key must be there.
    RequiredNullable,
    /// May be absent: `Option<T>`.
    Optional,
    /// May be absent or null: `Option<Option<T>>`, so that absent and null round-trip.
    OptionalNullable,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub rust_name: String,
    pub json_name: String,
    pub doc: Option<String>,
    pub ty: Ty,
    pub presence: Presence,
    /// The ERRATA entry of an observed `required` (`x-observed` of the object): every example
    /// carries the property but the document never says it is always sent, so serde takes its
    /// absence (the field is optional) and the validator notes it.
    pub observed_required: Option<u32>,
    /// The schema of the value (refs followed), whose constraints the validator checks.
    pub schema: SchemaKey,
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub name: String,
    /// The field that keeps the undeclared properties (the schema says
    /// `additionalProperties: true`): `extra`, unless a declared field took that name.
    pub extra: Option<String>,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
}

/// An untagged enum over scalar types (`["string", "integer"]`).
#[derive(Debug, Clone)]
pub struct UnionDef {
    pub name: String,
    /// Sorted by JSON type, so that the same types make the same union.
    pub members: Vec<UnionMember>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionMember {
    pub json_type: JsonType,
    /// The enum variant holding a value of this type (`String`, `Integer`).
    pub variant: String,
}

#[derive(Debug, Default)]
pub struct TypeSpace {
    pub structs: Vec<StructDef>,
    pub unions: Vec<UnionDef>,
    by_schema: HashMap<SchemaKey, usize>,
    names: BTreeSet<String>,
}

/// Plans the types for every schema of one vendor: a root (the envelope, each event) gets a
/// type of its own through `plan_root`, and everything it reaches gets one on the way.
pub struct Planner<'a> {
    catalog: &'a Catalog,
    pub space: TypeSpace,
    pub problems: Vec<Problem>,
}

impl<'a> Planner<'a> {
    pub fn new(catalog: &'a Catalog) -> Self {
        Planner {
            catalog,
            space: TypeSpace::default(),
            problems: Vec::new(),
        }
    }

    /// The type of a schema that must be a struct, named `name` unless it already has a name.
    pub fn plan_root(&mut self, file: FileId, pointer: &str, name: &str) -> Ty {
        let Some(schema) = find(&self.catalog.file(file).root, pointer) else {
            self.problems
                .push(Problem::new(self.shown(file), pointer, "no schema here"));
            return Ty::Any;
        };
        self.ty_of(file, schema, name)
    }

    fn shown(&self, file: FileId) -> std::path::PathBuf {
        Path::new("schemas").join(&self.catalog.file(file).path)
    }

    /// Follows refs, returning the file and schema that carry the constraints.
    fn deref(&self, mut file: FileId, mut schema: &'a Schema) -> (FileId, &'a Schema) {
        while let Some(r) = &schema.reference {
            file = r.file;
            schema = self.catalog.resolve(r);
        }
        (file, schema)
    }

    /// The name a referenced schema suggests: the def's name, or the file's name.
    fn suggested_name(&self, file: FileId, schema: &Schema, fallback: &str) -> String {
        let path = &self.catalog.file(file).path;
        let in_common = path.components().any(|c| c.as_os_str() == "common");
        if let Some(def) = schema.pointer.strip_prefix("/$defs/") {
            let stem = file_stem(path);
            // A def names a part of its file's object (`lead.schema.json#/$defs/deleted` is a
            // deleted lead), except in the grab-bag `types` file.
            if (in_common && stem == "types") || def.starts_with(&stem) {
                return type_name(def);
            }
            return type_name(&format!("{stem}_{def}"));
        }
        if schema.pointer.is_empty() {
            let stem = file_stem(path);
            return match stem.as_str() {
                "envelope" => "Envelope".into(),
                _ => type_name(&stem),
            };
        }
        fallback.to_owned()
    }

    fn ty_of(&mut self, file: FileId, site: &'a Schema, name: &str) -> Ty {
        let via_ref = site.reference.is_some();
        let (file, schema) = self.deref(file, site);
        let name = if via_ref {
            self.suggested_name(file, schema, name)
        } else {
            name.to_owned()
        };
        let non_null: Vec<JsonType> = schema
            .types
            .iter()
            .flatten()
            .copied()
            .filter(|t| *t != JsonType::Null)
            .collect();
        match non_null.as_slice() {
            [] => Ty::Any,
            [JsonType::String] => Ty::Str,
            [JsonType::Integer] => Ty::Int,
            [JsonType::Number] => Ty::Num,
            [JsonType::Boolean] => Ty::Bool,
            [JsonType::Array] => {
                let item = match schema.items.as_deref() {
                    Some(items) => {
                        let item = self.ty_of(file, items, &format!("{name}Item"));
                        let nullable = self.deref(file, items).1.is_nullable();
                        if nullable && item != Ty::Any {
                            Ty::Opt(Box::new(item))
                        } else {
                            item
                        }
                    }
                    None => Ty::Any,
                };
                Ty::List(Box::new(item))
            }
            [JsonType::Object] if schema.properties.is_empty() => Ty::Map,
            [JsonType::Object] => Ty::Struct(self.plan_struct(file, schema, &name)),
            many if many
                .iter()
                .all(|t| !matches!(t, JsonType::Object | JsonType::Array)) =>
            {
                Ty::Union(self.plan_union(many))
            }
            _ => {
                self.problems.push(Problem::new(
                    self.shown(file),
                    format!("{}/type", schema.pointer),
                    "a union of an object or array with other types is not supported by the code generator",
                ));
                Ty::Any
            }
        }
    }

    fn plan_union(&mut self, members: &[JsonType]) -> usize {
        let mut sorted = members.to_vec();
        sorted.sort();
        let members: Vec<UnionMember> = sorted
            .iter()
            .map(|&json_type| UnionMember {
                json_type,
                variant: type_name(json_type.name()),
            })
            .collect();
        if let Some(i) = self.space.unions.iter().position(|u| u.members == members) {
            return i;
        }
        let name = members
            .iter()
            .map(|m| m.variant.as_str())
            .collect::<Vec<_>>()
            .join("Or");
        self.space.names.insert(name.clone());
        self.space.unions.push(UnionDef { name, members });
        self.space.unions.len() - 1
    }

    fn unique_name(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_owned();
        let mut n = 2;
        while self.space.names.contains(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.space.names.insert(name.clone());
        name
    }

    fn plan_struct(&mut self, file: FileId, schema: &'a Schema, name: &str) -> usize {
        let key = (file, schema.pointer.clone());
        if let Some(&i) = self.space.by_schema.get(&key) {
            return i;
        }
        let name = if self.space.names.contains(name) {
            // A second `deleted` def in another common file: `LeadDeleted` reads better than
            // `Deleted2`.
            let stem = type_name(&file_stem(&self.catalog.file(file).path));
            if name.starts_with(&stem) {
                self.unique_name(name)
            } else {
                self.unique_name(&format!("{stem}{name}"))
            }
        } else {
            self.unique_name(name)
        };
        let index = self.space.structs.len();
        self.space.structs.push(StructDef {
            name: name.clone(),
            extra: None,
            doc: schema.description.clone().or_else(|| schema.title.clone()),
            fields: Vec::new(),
        });
        self.space.by_schema.insert(key, index);
        let mut fields: Vec<Field> = Vec::new();
        for property in &schema.properties {
            let (value_file, value) = self.deref(file, &property.schema);
            let ty = self.ty_of(
                file,
                &property.schema,
                &format!("{name}{}", type_name(&property.name)),
            );
            let mut rust_name = field_name(&property.name);
            while fields.iter().any(|f| f.rust_name == rust_name) {
                rust_name.push('_');
            }
            let nullable = value.is_nullable();
            let observed_required = schema
                .observed
                .as_ref()
                .filter(|o| o.required.contains(&property.name))
                .map(|o| o.errata);
            let doc = property
                .schema
                .description
                .clone()
                .or_else(|| value.description.clone());
            fields.push(Field {
                rust_name,
                json_name: property.name.clone(),
                doc: match observed_required {
                    Some(n) => Some(observed_required_doc(doc, n)),
                    None => doc,
                },
                ty,
                observed_required,
                // An observed `required` is never the document's: the field stays optional
                // (the schema reader refuses it beside a documented one, and it loses here).
                presence: match (property.required && observed_required.is_none(), nullable) {
                    (true, false) => Presence::Required,
                    (true, true) => Presence::RequiredNullable,
                    (false, false) => Presence::Optional,
                    (false, true) => Presence::OptionalNullable,
                },
                schema: (value_file, value.pointer.clone()),
            });
        }
        let extra = schema.keep_unknown.then(|| {
            let mut extra = String::from("extra");
            while fields.iter().any(|f| f.rust_name == extra) {
                extra.push('_');
            }
            extra
        });
        let def = &mut self.space.structs[index];
        def.fields = fields;
        def.extra = extra;
        index
    }
}

/// A field's doc comment, with what its absence means when it is only observed to be sent.
fn observed_required_doc(doc: Option<String>, errata: u32) -> String {
    let note = format!(
        "Every example of the document carries it, but the document never says it is always sent: its absence is a note (ERRATA #{errata})."
    );
    match doc {
        Some(doc) => format!("{doc}\n\n{note}"),
        None => note,
    }
}

fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.trim_end_matches(".schema.json").to_owned()
}

/// The schema at a pointer made of `properties`, `items` and `$defs` steps (no refs followed).
pub fn find<'s>(root: &'s Schema, pointer: &str) -> Option<&'s Schema> {
    let mut here = root;
    let mut tokens = pointer.split('/').skip(1);
    while let Some(token) = tokens.next() {
        here = match token {
            "properties" => &here.property(tokens.next()?)?.schema,
            "items" => here.items.as_deref()?,
            "$defs" => {
                let name = tokens.next()?;
                &here.defs.iter().find(|(n, _)| n == name)?.1
            }
            _ => return None,
        };
    }
    Some(here)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use hookcert_catalog::{Observed, Property, SchemaFile, Tree};

    /// A catalog of one schema file, `x/visitor.schema.json`, whose root is `root`.
    pub(crate) fn one_file_catalog(root: Schema) -> Catalog {
        Catalog {
            root: "schemas".into(),
            vendors: Vec::new(),
            files: vec![SchemaFile {
                path: "x/visitor.schema.json".into(),
                id: "https://hookcert.dev/schemas/x/visitor.schema.json".into(),
                raw: serde_json::Value::Null,
                root,
            }],
            sources: Tree::new(),
        }
    }

    fn property(name: &str, required: bool, types: Vec<JsonType>) -> Property {
        Property {
            name: name.into(),
            required,
            schema: Schema {
                pointer: format!("/properties/{name}"),
                description: Some(format!("The visitor's {name}.")),
                types: Some(types),
                ..Schema::default()
            },
        }
    }

    /// A visitor whose `name` the document requires, whose `phone` and `email` (nullable)
    /// every example carries (ERRATA entry 12), and whose `city` is merely optional.
    pub(crate) fn visitor() -> Schema {
        Schema {
            types: Some(vec![JsonType::Object]),
            properties: vec![
                property("name", true, vec![JsonType::String]),
                property("phone", false, vec![JsonType::String]),
                property("email", false, vec![JsonType::String, JsonType::Null]),
                property("city", false, vec![JsonType::String]),
            ],
            observed: Some(Observed {
                errata: 12,
                required: vec!["phone".into(), "email".into()],
                ..Observed::default()
            }),
            ..Schema::default()
        }
    }

    #[test]
    fn an_observed_required_property_makes_an_optional_field_that_cites_its_errata() {
        let catalog = one_file_catalog(visitor());
        let mut planner = Planner::new(&catalog);
        assert_eq!(planner.plan_root(FileId(0), "", "Visitor"), Ty::Struct(0));
        assert!(planner.problems.is_empty(), "{:?}", planner.problems);
        let fields: Vec<(&str, Presence, Option<u32>)> = planner.space.structs[0]
            .fields
            .iter()
            .map(|f| (f.json_name.as_str(), f.presence, f.observed_required))
            .collect();
        assert_eq!(
            fields,
            [
                ("name", Presence::Required, None),
                // serde must take its absence: only the validator notes it.
                ("phone", Presence::Optional, Some(12)),
                ("email", Presence::OptionalNullable, Some(12)),
                ("city", Presence::Optional, None),
            ]
        );
        let doc = planner.space.structs[0].fields[1].doc.as_deref();
        assert!(
            doc.is_some_and(
                |d| d.starts_with("The visitor's phone.\n\n") && d.contains("(ERRATA #12)")
            ),
            "{doc:?}"
        );
    }

    #[test]
    fn an_observed_required_never_makes_a_field_required() {
        // The schema reader refuses `required` and `x-observed`'s `required` naming the same
        // property; were it let through, the field would still be optional.
        let mut both = visitor();
        both.properties[1].required = true;
        let catalog = one_file_catalog(both);
        let mut planner = Planner::new(&catalog);
        planner.plan_root(FileId(0), "", "Visitor");
        assert_eq!(
            planner.space.structs[0].fields[1].presence,
            Presence::Optional
        );
    }
}
