//! The one model of the catalog. Schemas are read once into these types; the Rust emitter, the
//! validator emitter, the event generator and `cargo xtask check` all read this, never the JSON.

use crate::profile::VendorProfile;
use serde_json::{Number, Value};
use std::path::PathBuf;

/// The whole catalog: every vendor and every schema file.
#[derive(Debug)]
pub struct Catalog {
    /// The `schemas/` folder it was read from.
    pub root: PathBuf,
    pub vendors: Vec<Vendor>,
    pub files: Vec<SchemaFile>,
    /// Every file the catalog was read from, by path below `schemas/`.
    pub sources: crate::load::Tree,
}

#[derive(Debug)]
pub struct Vendor {
    pub profile: VendorProfile,
    /// The vendor's folder, relative to the catalog root.
    pub dir: PathBuf,
    /// `envelope.schema.json`: the body of any event, known or not.
    pub envelope: FileId,
    /// In the profile's order.
    pub events: Vec<Event>,
    pub examples: Vec<Example>,
    /// ERRATA.md's numbered entries.
    pub errata: Vec<ErrataEntry>,
}

#[derive(Debug)]
pub struct Event {
    /// The event type as the vendor sends it (`lead.added`, `note:created`).
    pub name: String,
    pub file: FileId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Taken from the vendor's document.
    Document,
    /// Made by us: the document gives no example for the event.
    Constructed,
}

#[derive(Debug)]
pub struct Example {
    /// Relative to the catalog root.
    pub path: PathBuf,
    /// The event type the file is named after, or `batch`.
    pub label: String,
    pub origin: Origin,
    pub tag: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

#[derive(Debug)]
pub struct SchemaFile {
    /// Relative to the catalog root (`spotio/events/lead.added.schema.json`).
    pub path: PathBuf,
    /// The `$id`.
    pub id: String,
    /// The file as written, for embedding and for runtime validators used as references.
    pub raw: Value,
    pub root: Schema,
}

/// A JSON type named by `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JsonType {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    Null,
}

impl JsonType {
    pub fn parse(name: &str) -> Option<JsonType> {
        Some(match name {
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Null => "null",
        }
    }
}

/// The `format`s we check and generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    DateTime,
    Email,
    Uri,
    Uuid,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "date-time" => Format::DateTime,
            "email" => Format::Email,
            "uri" => Format::Uri,
            "uuid" => Format::Uuid,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Email => "email",
            Format::Uri => "uri",
            Format::Uuid => "uuid",
        }
    }
}

/// A resolved `$ref`: a schema file and a place in it (the root, or one of its `$defs`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ref {
    /// As written in the schema.
    pub written: String,
    pub file: FileId,
    /// `None` for the file's root, else the name under `$defs`.
    pub def: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub required: bool,
    pub schema: Schema,
}

/// One schema, with every keyword of our subset in typed form.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Where it sits in its file.
    pub pointer: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// A schema with a `$ref` carries no constraints of its own.
    pub reference: Option<Ref>,
    /// `None`: any JSON value.
    pub types: Option<Vec<JsonType>>,
    pub properties: Vec<Property>,
    /// `additionalProperties: true` written out: the generated type keeps the properties the
    /// schema does not declare (in an `extra` map) instead of dropping them.
    pub keep_unknown: bool,
    pub items: Option<Box<Schema>>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub enum_values: Option<Vec<Value>>,
    pub const_value: Option<Value>,
    pub format: Option<Format>,
    pub pattern: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub defs: Vec<(String, Schema)>,
    /// Constraints read off the document's examples, not its words (`x-observed`): checked,
    /// but a value that breaks them is a note, never a refusal.
    pub observed: Option<Observed>,
}

/// Constraints a schema states as observed: what the examples happened to show. Each cites the
/// ERRATA entry that records the inference and quotes the document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// The number of the vendor's ERRATA.md entry.
    pub errata: u32,
    pub pattern: Option<String>,
    pub format: Option<Format>,
    pub enum_values: Option<Vec<Value>>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Properties every example carries that the document never says are always sent.
    pub required: Vec<String>,
}

/// One entry of a vendor's ERRATA.md: a contradiction, a repair or an inference, with the
/// document's words it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrataEntry {
    pub number: u32,
    pub title: String,
    /// The `> ` quoted lines: the document's own words.
    pub quotes: Vec<String>,
}

impl Schema {
    /// True when `null` is one of the allowed types.
    pub fn is_nullable(&self) -> bool {
        self.types
            .as_ref()
            .is_some_and(|t| t.contains(&JsonType::Null))
    }

    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

impl Catalog {
    pub fn file(&self, id: FileId) -> &SchemaFile {
        &self.files[id.0]
    }

    /// The bytes of an example file, exactly as stored.
    pub fn example_bytes(&self, example: &Example) -> &[u8] {
        self.sources.get(&example.path).map_or(&[], Vec::as_slice)
    }

    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.profile.id == id)
    }

    /// The schema a `$ref` points at.
    pub fn resolve(&self, reference: &Ref) -> &Schema {
        let root = &self.file(reference.file).root;
        match &reference.def {
            None => root,
            Some(name) => root
                .defs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, s)| s)
                // The reader only builds refs whose target exists.
                .unwrap_or(root),
        }
    }

    /// Follows `$ref`s until a schema with constraints of its own.
    pub fn deref<'a>(&'a self, mut schema: &'a Schema) -> &'a Schema {
        // Refs form no cycles longer than the number of files times their defs; the reader
        // refuses a ref cycle without structure in between, so this ends.
        while let Some(r) = &schema.reference {
            schema = self.resolve(r);
        }
        schema
    }

    /// The schema that describes the value at `instance_pointer` of an instance of `schema`,
    /// walking properties and array items through refs.
    pub fn schema_at<'a>(
        &'a self,
        schema: &'a Schema,
        instance_pointer: &str,
    ) -> Option<&'a Schema> {
        let mut here = self.deref(schema);
        for token in crate::pointer::tokens(instance_pointer) {
            here = if token.parse::<usize>().is_ok() && here.items.is_some() {
                self.deref(here.items.as_deref()?)
            } else {
                self.deref(&here.property(&token)?.schema)
            };
        }
        Some(here)
    }
}
