//! An OpenAPI 3.1 document of one vendor's webhooks, for tools that read OpenAPI rather than
//! our catalog: one `webhooks` entry per event type, the authentication as the receiver sees
//! it, and every schema file of the vendor bundled under `components.schemas`.
//!
//! The catalog's schemas reference each other by URL (`$ref` relative to each file's `$id`,
//! `https://hookcert.dev/schemas/...`), and nothing is served at those URLs. Bundled copies
//! therefore lose `$id` and every `$ref` is rewritten to a pointer inside the document, so that
//! a validator of the document never needs the network.

use crate::catalog::{self, CatalogError};
use crate::catalog_view::{authentication_summary, retry_summary, timeout_summary};
use hookcert_catalog::Catalog;
use hookcert_catalog::{AuthScheme, DIALECT, Statuses, VendorProfile, escape_token, resolve_uri};
use hookcert_catalog::{SchemaFile, Vendor};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The vendor's schemas cannot be carried into one document (`file#pointer: why`): a
    /// catalog the loader accepted but OpenAPI cannot hold.
    #[error("{0}")]
    Bundle(String),
}

/// The OpenAPI 3.1.0 document of `vendor`'s webhooks.
pub fn document(vendor: &str) -> Result<Value, OpenApiError> {
    let catalog = catalog::catalog()?;
    let vendor = catalog::vendor(vendor)?;
    webhooks_document(catalog, vendor).map_err(OpenApiError::Bundle)
}

fn webhooks_document(catalog: &Catalog, vendor: &Vendor) -> Result<Value, String> {
    let profile = &vendor.profile;
    let files = vendor_files(catalog, vendor)?;
    let schemas = bundle(&files)?;
    let component_of: HashMap<&str, &str> = files
        .iter()
        .map(|(name, file)| (file.id.as_str(), name.as_str()))
        .collect();

    let mut webhooks = Map::new();
    let mut operation_ids = BTreeMap::new();
    for event in &vendor.events {
        let file = catalog.file(event.file);
        let component = component_of.get(file.id.as_str()).ok_or_else(|| {
            format!(
                "{}: the schema of event {} is not among {}'s schema files",
                file.path.display(),
                event.name,
                profile.id
            )
        })?;
        let operation_id = identifier(&format!("{}_{}", profile.id, event.name));
        if let Some(other) = operation_ids.insert(operation_id.clone(), event.name.as_str()) {
            return Err(format!(
                "events {other} and {} of {} would share the operationId {operation_id}",
                event.name, profile.id
            ));
        }
        let operation = operation(profile, &event.name, file, component, &operation_id);
        let method = profile.http.method.as_str().to_ascii_lowercase();
        webhooks.insert(event.name.clone(), json!({ method: operation }));
    }

    Ok(json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("{} webhooks", profile.name),
            "version": env!("CARGO_PKG_VERSION"),
            "description": info_description(profile),
        },
        "jsonSchemaDialect": DIALECT,
        "webhooks": webhooks,
        "components": { "schemas": schemas },
    }))
}

/// The vendor's schema files with their component names (`envelope`, `common.types`,
/// `events.lead.added`), in catalog order.
fn vendor_files<'a>(
    catalog: &'a Catalog,
    vendor: &Vendor,
) -> Result<Vec<(String, &'a SchemaFile)>, String> {
    let mut names: BTreeMap<String, &SchemaFile> = BTreeMap::new();
    let mut files = Vec::new();
    for file in &catalog.files {
        let Ok(relative) = file.path.strip_prefix(&vendor.dir) else {
            continue;
        };
        let path = relative.to_string_lossy().replace('\\', "/");
        let stem = path
            .strip_suffix(".schema.json")
            .or_else(|| path.strip_suffix(".json"))
            .unwrap_or(&path);
        let name = sanitise(&stem.replace('/', "."));
        if let Some(other) = names.insert(name.clone(), file) {
            return Err(format!(
                "{} and {} would both be the component {name}",
                other.path.display(),
                file.path.display()
            ));
        }
        files.push((name, file));
    }
    Ok(files)
}

/// OpenAPI's rule for component keys is `^[a-zA-Z0-9._-]+$`; anything else (`:` in ClinchPad's
/// `note:created`) becomes `_`.
fn sanitise(name: &str) -> String {
    let out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() { "_".to_owned() } else { out }
}

/// operationIds are used as function names by code generators: letters, digits and `_`.
fn identifier(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Every file as a component: `$id`/`$schema` dropped, every `$ref` pointing into
/// `#/components/schemas/`.
fn bundle(files: &[(String, &SchemaFile)]) -> Result<Map<String, Value>, String> {
    let targets: HashMap<&str, (&str, &SchemaFile)> = files
        .iter()
        .map(|(name, file)| (without_fragment(&file.id), (name.as_str(), *file)))
        .collect();
    let mut schemas = Map::new();
    for (name, file) in files {
        let mut copy = file.raw.clone();
        let mut rewriter = Rewriter {
            file,
            targets: &targets,
        };
        rewriter.schema(&mut copy, "", true)?;
        schemas.insert(name.clone(), copy);
    }
    Ok(schemas)
}

struct Rewriter<'a> {
    file: &'a SchemaFile,
    targets: &'a HashMap<&'a str, (&'a str, &'a SchemaFile)>,
}

// Keywords whose values are schemas, so that a `$ref` inside `const`, `enum` or an annotation
// (data, not schema) is left alone.
const ONE_SCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// The constraint keywords of the catalog's subset: where they stand, the document says them.
const DOCUMENTED: &[&str] = &[
    "type",
    "required",
    "enum",
    "const",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
];
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

impl Rewriter<'_> {
    fn schema(&mut self, schema: &mut Value, at: &str, root: bool) -> Result<(), String> {
        let Value::Object(object) = schema else {
            return Ok(());
        };
        if root {
            // retain, not remove: with serde_json's preserve_order, remove swaps keys around.
            object.retain(|k, _| k != "$id" && k != "$schema");
        } else if object.contains_key("$id") {
            return Err(self.error(at, "an $id below the root is not supported".to_owned()));
        }
        if let Some(reference) = object.get_mut("$ref") {
            let Value::String(written) = reference else {
                return Err(self.error(at, "$ref is not a string".to_owned()));
            };
            *written = self.rewrite(written, at)?;
        }
        // Each constraint's source: the standard keywords hold what the document says; what
        // was only observed in its examples stays in `x-observed`, with its ERRATA entry.
        let documented: Vec<Value> = DOCUMENTED
            .iter()
            .filter(|k| object.contains_key(**k))
            .map(|k| Value::from(*k))
            .collect();
        if !documented.is_empty() {
            object.insert("x-hookcert-documented".into(), Value::Array(documented));
        }
        for key in ONE_SCHEMA {
            if let Some(sub) = object.get_mut(*key) {
                self.schema(sub, &format!("{at}/{}", escape_token(key)), false)?;
            }
        }
        for key in SCHEMA_LISTS {
            if let Some(Value::Array(subs)) = object.get_mut(*key) {
                for (i, sub) in subs.iter_mut().enumerate() {
                    self.schema(sub, &format!("{at}/{key}/{i}"), false)?;
                }
            }
        }
        for key in SCHEMA_MAPS {
            if let Some(Value::Object(subs)) = object.get_mut(*key) {
                for (name, sub) in subs.iter_mut() {
                    self.schema(
                        sub,
                        &format!("{at}/{}/{}", escape_token(key), escape_token(name)),
                        false,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// `../common/types.schema.json#/$defs/uuid` in `.../events/x.schema.json` becomes
    /// `#/components/schemas/common.types/$defs/uuid`.
    fn rewrite(&self, written: &str, at: &str) -> Result<String, String> {
        let absolute = resolve_uri(&self.file.id, written);
        let (document, fragment) = match absolute.split_once('#') {
            Some((d, f)) => (d, f),
            None => (absolute.as_str(), ""),
        };
        let Some((component, target)) = self.targets.get(document) else {
            return Err(self.error(
                at,
                format!(
                    "$ref \"{written}\" resolves to {absolute}, which is not a schema file of \
                     this vendor"
                ),
            ));
        };
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(self.error(
                at,
                format!("$ref \"{written}\": only JSON-pointer fragments are supported"),
            ));
        }
        let pointer = percent_decode(fragment)
            .ok_or_else(|| self.error(at, format!("$ref \"{written}\": bad percent-encoding")))?;
        if target.raw.pointer(&pointer).is_none() {
            return Err(self.error(
                at,
                format!(
                    "$ref \"{written}\" resolves to {absolute}, but {} has nothing at {pointer}",
                    target.path.display()
                ),
            ));
        }
        Ok(format!("#/components/schemas/{component}{fragment}"))
    }

    fn error(&self, at: &str, message: String) -> String {
        format!("{}#{at}: {message}", self.file.path.display())
    }
}

fn without_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(d, _)| d)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn operation(
    profile: &VendorProfile,
    event: &str,
    file: &SchemaFile,
    component: &str,
    operation_id: &str,
) -> Value {
    let text = |key: &str| file.raw.get(key).and_then(Value::as_str);
    let summary = text("title").unwrap_or(event);
    let mut description = String::new();
    if let Some(about) = text("description") {
        description.push_str(about);
        description.push_str("\n\n");
    }
    description.push_str(&authentication_text(profile));

    let mut operation = Map::new();
    operation.insert("operationId".to_owned(), json!(operation_id));
    operation.insert("summary".to_owned(), json!(summary));
    operation.insert("description".to_owned(), json!(description));
    if let Some(parameter) = header_parameter(profile) {
        operation.insert("parameters".to_owned(), json!([parameter]));
    }
    operation.insert(
        "requestBody".to_owned(),
        json!({
            "required": true,
            "description": format!("The whole request body of a {event} delivery."),
            "content": {
                profile.http.content_type.clone(): {
                    "schema": { "$ref": format!("#/components/schemas/{component}") }
                }
            }
        }),
    );
    operation.insert("responses".to_owned(), responses(profile));
    Value::Object(operation)
}

/// The signature header, for the schemes that sign into a header.
fn header_parameter(profile: &VendorProfile) -> Option<Value> {
    let auth = &profile.authentication;
    let header = auth.header.as_deref()?;
    let (description, schema) = match auth.scheme {
        AuthScheme::HmacSha256Hex => (
            "Lowercase hex HMAC-SHA256 of the raw request body, keyed with the endpoint's secret.",
            json!({ "type": "string", "pattern": "^[0-9a-f]{64}$" }),
        ),
        AuthScheme::RsaSha256Pkcs1v15Base64 => (
            "Standard base64 of the RSA-SHA256 (PKCS#1 v1.5) signature of the raw request body; \
             verify it with the webhook's public key.",
            json!({
                "type": "string",
                "contentEncoding": "base64",
                "pattern": "^[A-Za-z0-9+/]+={0,2}$",
            }),
        ),
        AuthScheme::BodySecret | AuthScheme::HandshakeKey | AuthScheme::CustomHeaders => {
            return None;
        }
    };
    Some(json!({
        "name": header,
        "in": "header",
        "required": auth.required,
        "description": description,
        "schema": schema,
    }))
}

/// How a receiver authenticates a delivery, with the document's words where it has them.
fn authentication_text(profile: &VendorProfile) -> String {
    let auth = &profile.authentication;
    let header = auth.header.as_deref().unwrap_or("signature");
    let field = auth
        .body_field
        .as_deref()
        .map_or("secret", |f| f.trim_start_matches('/'));
    let mut text = match auth.scheme {
        AuthScheme::HmacSha256Hex => format!(
            "Authentication: the `{header}` header carries the lowercase hex HMAC-SHA256 of the \
             raw request body, keyed with the endpoint's secret."
        ),
        AuthScheme::RsaSha256Pkcs1v15Base64 => format!(
            "Authentication: the `{header}` header carries the base64 RSA-SHA256 (PKCS#1 v1.5) \
             signature of the raw request body, checked with the webhook's public key."
        ),
        AuthScheme::BodySecret => format!(
            "Authentication: the body field `{field}` equals the endpoint's secret; a receiver \
             rejects a delivery whose `{field}` does not match."
        ),
        AuthScheme::HandshakeKey => format!(
            "Authentication: the body field `{field}` equals the handshake key configured for \
             the webhook, and is absent when none is configured."
        ),
        AuthScheme::CustomHeaders => "Authentication: only the headers the user configures for \
             the webhook (e.g. `Authorization: Bearer …`), if any."
            .to_owned(),
    };
    if profile.http.method_configurable {
        text.push_str(&format!(
            " The HTTP method is configurable ({} by default).",
            profile.http.method
        ));
    }
    if let Some(words) = profile.requirements.get("authentication") {
        text.push_str(&format!("\n\nThe document: \"{words}\""));
    }
    text
}

fn responses(profile: &VendorProfile) -> Value {
    let retries = retry_summary(&profile.retry);
    let (key, accepted) = if profile.success.statuses == Statuses::Exactly200 {
        (
            "200",
            format!(
                "Accepted. {} treats exactly 200 as success; any other status is a failed \
                 delivery (retries: {retries}).",
                profile.name
            ),
        )
    } else {
        (
            "2XX",
            format!(
                "Accepted: {} treats any 2xx as success (retries after a failure: {retries}).",
                profile.name
            ),
        )
    };
    json!({
        key: { "description": accepted },
        "400": {
            "description": "The body is not valid JSON or not the shape of a delivery: a \
                            correct receiver rejects it."
        },
        "401": {
            "description": "The authentication is missing or wrong: a correct receiver \
                            rejects the delivery."
        },
    })
}

fn info_description(profile: &VendorProfile) -> String {
    format!(
        "The webhooks {name} sends, as hookcert's catalog describes them from {name}'s own \
         document (`{source}`, the seed hookcert's catalog was written from; its ERRATA.md lists \
         where that document contradicts itself).\n\n\
         Delivery: {method} with `{content_type}`; authentication {auth}; success {success}; \
         the sender waits {timeout}; retries: {retries}.",
        name = profile.name,
        source = profile.source_document,
        method = profile.http.method,
        content_type = profile.http.content_type,
        auth = authentication_summary(profile),
        success = match profile.success.statuses {
            Statuses::Exactly200 => "exactly 200",
            Statuses::Any2xx => "any 2xx",
        },
        timeout = timeout_summary(profile),
        retries = retry_summary(&profile.retry),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookcert_catalog::{DIALECT, Schema};
    use std::path::PathBuf;

    fn file(path: &str, raw: Value) -> SchemaFile {
        SchemaFile {
            path: PathBuf::from(path),
            id: format!("https://hookcert.dev/schemas/{path}"),
            raw,
            root: Schema::default(),
        }
    }

    #[test]
    fn references_are_rewritten_into_the_document_and_data_is_left_alone() {
        let event = file(
            "v/events/a.schema.json",
            json!({
                "$schema": DIALECT,
                "$id": "https://hookcert.dev/schemas/v/events/a.schema.json",
                "properties": {
                    "$ref": { "$ref": "../common/t.schema.json#/$defs/id" },
                    "b": { "items": { "$ref": "#/$defs/b" } },
                    "c": { "const": { "$ref": "../nowhere" } },
                },
                "$defs": { "b": { "$ref": "../common/t.schema.json" } },
            }),
        );
        let types = file(
            "v/common/t.schema.json",
            json!({ "$id": "https://hookcert.dev/schemas/v/common/t.schema.json",
                    "$defs": { "id": { "type": "string" } } }),
        );
        let schemas = bundle(&[
            ("events.a".to_owned(), &event),
            ("common.t".to_owned(), &types),
        ])
        .expect("bundles");
        let a = &schemas["events.a"];
        assert!(a.get("$id").is_none() && a.get("$schema").is_none());
        assert_eq!(
            a["properties"]["$ref"]["$ref"],
            "#/components/schemas/common.t/$defs/id"
        );
        assert_eq!(
            a["properties"]["b"]["items"]["$ref"],
            "#/components/schemas/events.a/$defs/b"
        );
        assert_eq!(a["properties"]["c"]["const"]["$ref"], "../nowhere");
        assert_eq!(a["$defs"]["b"]["$ref"], "#/components/schemas/common.t");
    }

    #[test]
    fn an_unresolvable_reference_names_the_file_the_place_and_the_ref() {
        let event = file(
            "v/events/a.schema.json",
            json!({ "properties": { "x": { "$ref": "../common/missing.schema.json" } } }),
        );
        let err = bundle(&[("events.a".to_owned(), &event)]).expect_err("a dangling ref");
        assert!(
            err.starts_with("v/events/a.schema.json#/properties/x: $ref \"../common/missing"),
            "{err}"
        );
        assert!(
            err.contains("https://hookcert.dev/schemas/v/common/missing.schema.json"),
            "{err}"
        );

        let event = file(
            "v/events/a.schema.json",
            json!({ "properties": { "x": { "$ref": "#/$defs/nope" } } }),
        );
        let err = bundle(&[("events.a".to_owned(), &event)]).expect_err("a missing def");
        assert!(err.contains("has nothing at /$defs/nope"), "{err}");
    }

    #[test]
    fn component_names_follow_openapi_s_rule() {
        assert_eq!(sanitise("events.note:created"), "events.note_created");
        assert_eq!(sanitise("common.types"), "common.types");
    }
}
