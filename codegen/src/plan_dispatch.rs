//! Plans a vendor's dispatch: the `Event` enum, `parse` and its one-pass decoder, from the
//! vendor profile and the planned types; and the crate-wide table of vendors (`vendors/mod.rs`).
//! Every decision is taken here (boxed variants or not, where the type and the events sit,
//! the batch bounds, where each event declares its type); `emit_dispatch` only spells it out.

use crate::naming::type_name;
use crate::rust_types::{Planner, Ty, TypeSpace, find};
use hookcert_catalog::{AuthScheme, Catalog, EnvelopeKind, FileId, Problem, Vendor};
use std::path::PathBuf;

/// The dispatch of one vendor module.
#[derive(Debug)]
pub struct DispatchPlan {
    pub vendor_id: String,
    /// In the profile's order: an event's index here is its index in `EVENT_TYPES`.
    pub events: Vec<EventEntry>,
    /// Whether each variant boxes its event: with several event types, so that an event costs
    /// the memory of its own type, not of the largest. A single type (Tomba's) gains nothing
    /// from a box but an allocation.
    pub boxed: bool,
    /// What an unknown event is validated as: the envelope (single) or its item (batch).
    pub unknown_ty: Ty,
    /// The keys leading to the event type inside an event (empty when the profile names none).
    pub type_keys: Vec<String>,
    /// The event type of every body, when the vendor sends only one and does not name it.
    pub fixed_type: Option<String>,
    pub body: BodyShape,
    pub authentication: AuthenticationPlan,
}

/// One event type of the vendor, with the Rust type of what its `Event` variant carries.
#[derive(Debug)]
pub struct EventEntry {
    pub name: String,
    pub variant: String,
    pub doc: Option<String>,
    pub ty: Ty,
    pub declared: DeclaredType,
}

/// Where a decoded event says which type it is, for the one-pass decoder to see whether its
/// prediction was right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredType {
    /// In its own type field: the Rust field names leading to that string.
    Field(Vec<String>),
    /// Nowhere the types reach (a fixed type, or a type field not typed as a plain string):
    /// it is the event's own type.
    Itself,
}

/// Where a body's events sit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyShape {
    /// The body is the event.
    Single,
    /// The events are the items of an array.
    Batch {
        events_pointer: String,
        /// The keys of `events_pointer`.
        keys: Vec<String>,
        /// `minItems` and `maxItems` of the event array.
        min_items: Option<u64>,
        max_items: Option<u64>,
        /// The array's key when it sits at the top level, the only place the one-pass
        /// decoder reads a batch from; `None`: the body is always decoded step by step.
        one_pass_key: Option<String>,
    },
}

/// The profile's authentication, as the runtime's `crate::auth::Authentication`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticationPlan {
    pub scheme: SchemePlan,
    pub required: bool,
}

/// The runtime's `crate::auth::Scheme`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemePlan {
    HmacSha256Hex { header: String },
    RsaSha256 { header: String },
    BodySecret { field: String },
    HandshakeKey { field: String },
    CustomHeaders,
}

/// One vendor in the crate-wide table (`vendors/mod.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorEntry {
    pub id: String,
    pub name: String,
    pub module: String,
    /// Its variant of `AnyDelivery`.
    pub variant: String,
}

/// Plans the types of the vendor's envelope and events (through `planner`) and the dispatch
/// among them. Problems go to the planner's.
pub fn plan(catalog: &Catalog, vendor: &Vendor, planner: &mut Planner<'_>) -> DispatchPlan {
    let profile = &vendor.profile;
    let envelope = &profile.envelope;
    let batch_pointer = match (envelope.kind, &envelope.events_pointer) {
        (EnvelopeKind::Batch, Some(pointer)) => Some(pointer),
        _ => None,
    };
    let site = batch_pointer.map(|p| items_site(p)).unwrap_or_default();
    let unknown_name = if batch_pointer.is_some() {
        "EnvelopeEvent"
    } else {
        "Envelope"
    };
    let unknown_ty = planner.plan_root(vendor.envelope, &site, unknown_name);
    let typed: Vec<(String, String, FileId, Ty)> = vendor
        .events
        .iter()
        .map(|event| {
            let variant = type_name(&event.name);
            let ty = planner.plan_root(event.file, &site, &variant);
            (event.name.clone(), variant, event.file, ty)
        })
        .collect();
    let type_keys: Vec<String> = match &envelope.type_pointer {
        Some(pointer) => hookcert_catalog::tokens(pointer).collect(),
        None => Vec::new(),
    };
    let mut events = Vec::new();
    for (name, variant, file, ty) in typed {
        if !matches!(ty, Ty::Struct(_)) {
            planner.problems.push(Problem::new(
                "schemas",
                "",
                format!("event {name} of {} is not an object schema", profile.id),
            ));
        }
        events.push(EventEntry {
            doc: event_doc(catalog, file),
            declared: declared_type(&planner.space, &ty, &type_keys),
            name,
            variant,
            ty,
        });
    }
    let body = match batch_pointer {
        Some(pointer) => batch_shape(catalog, vendor, pointer, &mut planner.problems),
        None => BodyShape::Single,
    };
    DispatchPlan {
        vendor_id: profile.id.clone(),
        boxed: events.len() > 1,
        events,
        unknown_ty,
        type_keys,
        fixed_type: envelope.fixed_type.clone(),
        body,
        authentication: authentication(&profile.authentication),
    }
}

/// The schema site of a batch's items: `/properties/<k>/…/items` for the events pointer.
fn items_site(events_pointer: &str) -> String {
    let mut site = String::new();
    for key in events_pointer.split('/').skip(1) {
        site.push_str("/properties/");
        site.push_str(key);
    }
    site.push_str("/items");
    site
}

fn event_doc(catalog: &Catalog, file: FileId) -> Option<String> {
    let root = &catalog.file(file).root;
    find(root, "").and_then(|s| s.description.clone())
}

/// Where an event of type `ty` declares its type: the Rust field names leading to the string
/// at `keys`, if every step is a struct field.
fn declared_type(space: &TypeSpace, ty: &Ty, keys: &[String]) -> DeclaredType {
    let mut here = ty;
    let mut path = Vec::new();
    for key in keys {
        let Ty::Struct(i) = here else {
            return DeclaredType::Itself;
        };
        let Some(field) = space.structs[*i]
            .fields
            .iter()
            .find(|f| &f.json_name == key)
        else {
            return DeclaredType::Itself;
        };
        path.push(field.rust_name.clone());
        here = &field.ty;
    }
    if path.is_empty() || *here != Ty::Str {
        return DeclaredType::Itself;
    }
    DeclaredType::Field(path)
}

/// A batch's event array, whose count bounds must be the same in the envelope and in every
/// event schema; a batch envelope may declare nothing but the path to that array, since the
/// generated parse checks nothing else at that level.
fn batch_shape(
    catalog: &Catalog,
    vendor: &Vendor,
    pointer: &str,
    problems: &mut Vec<Problem>,
) -> BodyShape {
    let mut files = vec![vendor.envelope];
    files.extend(vendor.events.iter().map(|e| e.file));
    let mut bounds = None;
    for file in files {
        let shown = PathBuf::from("schemas").join(&catalog.file(file).path);
        let root = catalog.deref(&catalog.file(file).root);
        let extra = root
            .properties
            .iter()
            .filter(|p| pointer.trim_start_matches('/').split('/').next() != Some(p.name.as_str()));
        for p in extra {
            problems.push(Problem::new(&shown, format!("/properties/{}", p.name), "a batch body may declare only its event array: the generated parse would not check this"));
        }
        let Some(array) = catalog.schema_at(root, pointer) else {
            problems.push(Problem::new(
                &shown,
                "",
                format!("no event array at {pointer}"),
            ));
            continue;
        };
        let these = (array.min_items, array.max_items);
        match bounds {
            None => bounds = Some(these),
            Some(b) if b != these => problems.push(Problem::new(
                &shown,
                "",
                "minItems/maxItems of the event array differ from the envelope's",
            )),
            _ => {}
        }
    }
    let (min_items, max_items) = bounds.unwrap_or((None, None));
    let keys: Vec<String> = hookcert_catalog::tokens(pointer).collect();
    let one_pass_key = match keys.as_slice() {
        [key] => Some(key.clone()),
        _ => None,
    };
    BodyShape::Batch {
        events_pointer: pointer.to_owned(),
        keys,
        min_items,
        max_items,
        one_pass_key,
    }
}

fn authentication(auth: &hookcert_catalog::Authentication) -> AuthenticationPlan {
    let header = || auth.header.clone().unwrap_or_default();
    // The runtime reads a top-level body field: the pointer's first token.
    let field = || {
        auth.body_field
            .as_deref()
            .and_then(|p| hookcert_catalog::tokens(p).next())
            .unwrap_or_default()
    };
    let scheme = match auth.scheme {
        AuthScheme::HmacSha256Hex => SchemePlan::HmacSha256Hex { header: header() },
        AuthScheme::RsaSha256Pkcs1v15Base64 => SchemePlan::RsaSha256 { header: header() },
        AuthScheme::BodySecret => SchemePlan::BodySecret { field: field() },
        AuthScheme::HandshakeKey => SchemePlan::HandshakeKey { field: field() },
        AuthScheme::CustomHeaders => SchemePlan::CustomHeaders,
    };
    AuthenticationPlan {
        scheme,
        required: auth.required,
    }
}

/// Every vendor of the catalog, in its order.
pub fn vendor_table(catalog: &Catalog) -> Vec<VendorEntry> {
    catalog
        .vendors
        .iter()
        .map(|v| VendorEntry {
            id: v.profile.id.clone(),
            name: v.profile.name.clone(),
            module: v.profile.module_name(),
            variant: type_name(&v.profile.id),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rust_types::{Field, Presence, StructDef};
    use std::path::Path;

    fn catalog() -> Catalog {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
        hookcert_catalog::load(&root).unwrap_or_else(|p| panic!("{p}"))
    }

    fn plan_vendor(catalog: &Catalog, id: &str) -> (DispatchPlan, TypeSpace) {
        let Some(vendor) = catalog.vendor(id) else {
            panic!("no vendor {id}")
        };
        let mut planner = Planner::new(catalog);
        let plan = plan(catalog, vendor, &mut planner);
        assert!(planner.problems.is_empty(), "{:?}", planner.problems);
        (plan, planner.space)
    }

    #[test]
    fn a_top_level_batch_is_decoded_in_one_pass_with_its_bounds() {
        let catalog = catalog();
        let (spotio, _) = plan_vendor(&catalog, "spotio");
        assert!(spotio.boxed);
        assert_eq!(
            spotio.body,
            BodyShape::Batch {
                events_pointer: "/payload".into(),
                keys: vec!["payload".into()],
                min_items: Some(1),
                max_items: None,
                one_pass_key: Some("payload".into()),
            }
        );
        assert!(
            spotio
                .events
                .iter()
                .all(|e| e.declared == DeclaredType::Field(vec!["type_".into()]))
        );
    }

    #[test]
    fn a_single_fixed_type_is_neither_boxed_nor_declared() {
        let catalog = catalog();
        let (tomba, _) = plan_vendor(&catalog, "tomba");
        assert!(!tomba.boxed);
        assert_eq!(tomba.fixed_type.as_deref(), Some("save_lead"));
        assert_eq!(tomba.body, BodyShape::Single);
        assert!(tomba.type_keys.is_empty());
        assert_eq!(tomba.events[0].declared, DeclaredType::Itself);
        assert_eq!(tomba.authentication.scheme, SchemePlan::CustomHeaders);
    }

    #[test]
    fn a_nested_type_is_declared_through_its_fields() {
        let catalog = catalog();
        let (clinchpad, _) = plan_vendor(&catalog, "clinchpad");
        assert_eq!(clinchpad.type_keys, ["activity", "type"]);
        assert!(
            clinchpad
                .events
                .iter()
                .all(|e| e.declared == DeclaredType::Field(vec!["activity".into(), "type_".into()]))
        );
        assert_eq!(
            clinchpad.authentication,
            AuthenticationPlan {
                scheme: SchemePlan::HandshakeKey {
                    field: "handshake_key".into()
                },
                required: false,
            }
        );
    }

    fn field(json_name: &str, rust_name: &str, ty: Ty) -> Field {
        Field {
            rust_name: rust_name.into(),
            json_name: json_name.into(),
            doc: None,
            ty,
            presence: Presence::Required,
            observed_required: None,
            schema: (FileId(0), String::new()),
        }
    }

    #[test]
    fn a_type_field_that_is_not_a_plain_string_is_not_read() {
        let mut space = TypeSpace::default();
        space.structs.push(StructDef {
            name: "Event".into(),
            extra: None,
            doc: None,
            fields: vec![
                field("type", "type_", Ty::Str),
                field("kind", "kind", Ty::Opt(Box::new(Ty::Str))),
            ],
        });
        let event = Ty::Struct(0);
        let keys = |k: &[&str]| k.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert_eq!(
            declared_type(&space, &event, &keys(&["type"])),
            DeclaredType::Field(vec!["type_".into()])
        );
        assert_eq!(
            declared_type(&space, &event, &keys(&["kind"])),
            DeclaredType::Itself
        );
        assert_eq!(
            declared_type(&space, &event, &keys(&["missing"])),
            DeclaredType::Itself
        );
        assert_eq!(
            declared_type(&space, &event, &keys(&["type", "deeper"])),
            DeclaredType::Itself
        );
        assert_eq!(declared_type(&space, &event, &[]), DeclaredType::Itself);
    }
}
