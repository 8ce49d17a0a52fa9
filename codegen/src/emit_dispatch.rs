//! Emits a vendor's event table: the `Event` enum (one variant per event type, and `Unknown`),
//! `parse`, the list of event types, and the embedded profile and schemas.

use crate::emit_types::{ident, rust_ty};
use hookcert_catalog::Vendor;
use crate::naming::type_name;
use hookcert_catalog::{AuthScheme, EnvelopeKind};
use crate::rust_types::{Ty, TypeSpace};
use proc_macro2::TokenStream;
use quote::quote;

/// One event type of the vendor, with the Rust type of what its `Event` variant carries.
pub struct EventEntry {
    pub name: String,
    pub variant: String,
    pub doc: Option<String>,
    pub ty: Ty,
}

pub struct DispatchPlan {
    pub events: Vec<EventEntry>,
    /// For batches: the bounds on the number of events (`minItems`, `maxItems`).
    pub batch_bounds: (Option<u64>, Option<u64>),
    /// What an unknown event is validated as: the envelope (single) or its item (batch).
    pub unknown_ty: Ty,
}

fn pointer_keys(pointer: &str) -> Vec<String> {
    hookcert_catalog::tokens(pointer).collect()
}

pub fn emit(
    vendor: &Vendor,
    space: &TypeSpace,
    plan: &DispatchPlan,
) -> TokenStream {
    let profile = &vendor.profile;
    // Several event types: each boxed, so that an event costs the memory of its own type,
    // not of the largest. A single type (Tomba's) gains nothing from a box but an allocation.
    let boxed = plan.events.len() > 1;
    let wrap = |value: TokenStream| {
        if boxed {
            quote!(Box::new(#value))
        } else {
            value
        }
    };
    let inner = if boxed { quote!(e.as_ref()) } else { quote!(e) };
    let variants = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let ty = rust_ty(space, &e.ty);
        let doc = format!(
            " `{}`{}",
            e.name,
            e.doc
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        );
        let ty = if boxed { quote!(Box<#ty>) } else { ty };
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let names = plan.events.iter().map(|e| e.name.as_str());
    let type_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let name = &e.name;
        quote!(Event::#variant(_) => Some(#name),)
    });
    let validate_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        quote!(Event::#variant(e) => crate::validate::Validate::validate_at(#inner, at, out),)
    });
    let value_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        quote!(Event::#variant(e) => serde_json::to_value(#inner),)
    });
    let schema_arms = plan.events.iter().map(|e| {
        let name = &e.name;
        let ty = rust_ty(space, &e.ty);
        quote!(#name => schemars::schema_for!(#ty),)
    });
    let decode_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let name = &e.name;
        let event = wrap(quote!(crate::dispatch::decode(bytes, at)?));
        quote!(Some(#name) => Event::#variant(#event),)
    });
    let dispatch_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let name = &e.name;
        let ty = rust_ty(space, &e.ty);
        let event = wrap(quote!(<#ty as serde::Deserialize>::deserialize(d)?));
        quote!(Some(#name) => Event::#variant(#event),)
    });
    let type_keys_owned = pointer_keys(profile.envelope.type_pointer.as_deref().unwrap_or(""));
    let index_arms = plan.events.iter().enumerate().map(|(i, e)| {
        let name = &e.name;
        quote!(#name => Some(#i),)
    });
    let decode_as_arms = plan.events.iter().enumerate().map(|(i, e)| {
        let variant = ident(&e.variant);
        let ty = rust_ty(space, &e.ty);
        let event = wrap(quote!(<#ty as serde::Deserialize>::deserialize(d)?));
        quote!(#i => Event::#variant(#event),)
    });
    // The type each decoded event declares in its own type field: the prediction is right
    // only when that is the predicted one.
    let declared_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        match type_field_path(space, &e.ty, &type_keys_owned) {
            Some(path) if !path.is_empty() => {
                quote!(Event::#variant(e) => event_index(e.#(#path).*.as_str()),)
            }
            _ => {
                let name = &e.name;
                quote!(Event::#variant(_) => event_index(#name),)
            }
        }
    });
    let fixed_type = match &profile.envelope.fixed_type {
        Some(fixed) => quote!(let event_type = event_type.or(Some(#fixed));),
        None => quote!(),
    };
    let unknown_ty = rust_ty(space, &plan.unknown_ty);
    let type_keys = pointer_keys(profile.envelope.type_pointer.as_deref().unwrap_or(""));
    let event_type_of = match &profile.envelope.fixed_type {
        Some(fixed) => quote!(Some(std::borrow::Cow::Borrowed(#fixed))),
        None => quote!(crate::dispatch::event_type_at(bytes, &[#(#type_keys),*], at)?),
    };
    let one_pass = match (profile.envelope.kind, &profile.envelope.events_pointer) {
        (EnvelopeKind::Batch, Some(events_pointer)) => {
            match pointer_keys(events_pointer).as_slice() {
                [key] => {
                    let (min, max) = plan.batch_bounds;
                    let min = option_usize(min);
                    let max = option_usize(max);
                    quote! {
                        if let Ok(events) = crate::single_pass::decode_predicted::<Dispatcher>(body, Some(#key), &[#(#type_keys),*]) {
                            let mut envelope_violations = Vec::new();
                            crate::validate::item_count(events.len(), #min, #max, &crate::validate::At::Root(#events_pointer), &mut envelope_violations);
                            return Ok(crate::Delivery { events, events_pointer: Some(#events_pointer), envelope_violations });
                        }
                    }
                }
                _ => quote!(),
            }
        }
        _ => quote! {
            if let Ok(events) = crate::single_pass::decode_predicted::<Dispatcher>(body, None, &[#(#type_keys),*]) {
                return Ok(crate::Delivery { events, events_pointer: None, envelope_violations: Vec::new() });
            }
        },
    };
    let parse_body = match (profile.envelope.kind, &profile.envelope.events_pointer) {
        (EnvelopeKind::Batch, Some(events_pointer)) => {
            let keys = pointer_keys(events_pointer);
            let (min, max) = plan.batch_bounds;
            let min = option_usize(min);
            let max = option_usize(max);
            quote! {
                let items = crate::dispatch::batch_items(body, &[#(#keys),*])?;
                let mut envelope_violations = Vec::new();
                crate::validate::item_count(items.len(), #min, #max, &crate::validate::At::Root(#events_pointer), &mut envelope_violations);
                let mut events = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{}/{i}", #events_pointer);
                    events.push(decode_event(item.get().as_bytes(), &at)?);
                }
                Ok(crate::Delivery { events, events_pointer: Some(#events_pointer), envelope_violations })
            }
        }
        _ => quote! {
            let event = decode_event(body, "")?;
            Ok(crate::Delivery { events: vec![event], events_pointer: None, envelope_violations: Vec::new() })
        },
    };
    let id = &profile.id;
    let authentication = authentication(&profile.authentication);
    quote! {
        /// The vendor id used on the command line and in the catalog.
        pub const VENDOR_ID: &str = #id;

        /// Every documented event type, in the document's order.
        pub const EVENT_TYPES: &[&str] = &[#(#names),*];

        /// How the vendor authenticates its deliveries: build a [`crate::auth::Signer`] or a
        /// [`crate::auth::Verifier`] from it and the credentials.
        pub const AUTHENTICATION: crate::auth::Authentication = #authentication;

        /// One event of a delivery. An event type the catalog does not know is not an error:
        /// it arrives as `Unknown`, with its raw JSON.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            #(#variants)*
            /// An event type not in the catalog (or a body without one).
            Unknown(crate::UnknownEvent),
        }

        /// A parsed request body: the events it carries.
        pub type Delivery = crate::Delivery<Event>;

        impl Event {
            /// The event type as sent, or `None` for an unknown event without one.
            pub fn event_type(&self) -> Option<&str> {
                match self {
                    #(#type_arms)*
                    Event::Unknown(u) => u.event_type.as_deref(),
                }
            }

            /// The event as JSON (for batches, one item of the array).
            pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
                match self {
                    #(#value_arms)*
                    Event::Unknown(u) => Ok(u.raw.clone()),
                }
            }
        }

        impl crate::validate::Validate for Event {
            fn validate_at(&self, at: &crate::validate::At<'_>, out: &mut Vec<crate::validate::Violation>) {
                match self {
                    #(#validate_arms)*
                    Event::Unknown(u) => crate::dispatch::validate_unknown::<#unknown_ty>(u, at, out),
                }
            }
        }

        /// The JSON Schema of an event's Rust type, derived by schemars (for batches, of one
        /// item): what the generated types accept, to compare with the catalog's schema.
        pub fn derived_json_schema(event_type: &str) -> Option<schemars::Schema> {
            Some(match event_type {
                #(#schema_arms)*
                _ => return None,
            })
        }

        /// Parses and validates a request body: every event typed, every violation of the
        /// catalog's schemas reported with its JSON pointer.
        pub fn parse(body: &[u8]) -> Result<Delivery, crate::ParseError> {
            parse_unvalidated(body)?.validated()
        }

        /// Parses a request body into typed events without the checks serde cannot make
        /// (formats, patterns, enums, ranges): for callers that validate later or not at all.
        pub fn parse_unvalidated(body: &[u8]) -> Result<Delivery, crate::ParseError> {
            #one_pass
            parse_located(body)
        }

        /// The slow way, taken only when the one-pass decoder fails: each step on its own,
        /// so that the error names the JSON pointer where the body went wrong.
        fn parse_located(body: &[u8]) -> Result<Delivery, crate::ParseError> {
            #parse_body
        }

        /// The index of an event type in [`EVENT_TYPES`].
        fn event_index(event_type: &str) -> Option<usize> {
            match event_type {
                #(#index_arms)*
                _ => None,
            }
        }

        /// The event type the last body decoded in one pass carried, as an index into
        /// [`EVENT_TYPES`]: the prediction for the next body (`usize::MAX`: none yet).
        static PREDICTION: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(usize::MAX);

        /// Decodes one event of a known type in the one-pass decoder.
        struct Dispatcher;

        impl crate::single_pass::Dispatch for Dispatcher {
            type Event = Event;

            fn prediction() -> &'static std::sync::atomic::AtomicUsize {
                &PREDICTION
            }

            fn index_of(event_type: &str) -> Option<usize> {
                event_index(event_type)
            }

            fn decode_as<'de, D: serde::Deserializer<'de>>(index: usize, d: D) -> Result<Option<Event>, D::Error> {
                Ok(Some(match index {
                    #(#decode_as_arms)*
                    _ => return Ok(None),
                }))
            }

            fn declared_index(event: &Event) -> Option<usize> {
                match event {
                    #(#declared_arms)*
                    Event::Unknown(_) => None,
                }
            }

            fn decode<'de, D: serde::Deserializer<'de>>(event_type: Option<&str>, d: D) -> Result<Event, D::Error> {
                #fixed_type
                Ok(match event_type {
                    #(#dispatch_arms)*
                    _ => Event::Unknown(crate::UnknownEvent {
                        event_type: event_type.map(str::to_owned),
                        raw: <serde_json::Value as serde::Deserialize>::deserialize(d)?,
                    }),
                })
            }
        }

        fn decode_event(bytes: &[u8], at: &str) -> Result<Event, crate::ParseError> {
            let event_type = #event_type_of;
            Ok(match event_type.as_deref() {
                #(#decode_arms)*
                _ => Event::Unknown(crate::dispatch::decode_unknown(bytes, event_type, at)?),
            })
        }
    }
}

/// The profile's authentication as a `crate::auth::Authentication` expression.
fn authentication(auth: &hookcert_catalog::Authentication) -> TokenStream {
    let header = auth.header.as_deref().unwrap_or_default();
    let field = auth
        .body_field
        .as_deref()
        .and_then(|p| hookcert_catalog::tokens(p).next())
        .unwrap_or_default();
    let scheme = match auth.scheme {
        AuthScheme::HmacSha256Hex => quote!(crate::auth::Scheme::HmacSha256Hex { header: #header }),
        AuthScheme::RsaSha256Pkcs1v15Base64 => quote!(crate::auth::Scheme::RsaSha256 { header: #header }),
        AuthScheme::BodySecret => quote!(crate::auth::Scheme::BodySecret { field: #field }),
        AuthScheme::HandshakeKey => quote!(crate::auth::Scheme::HandshakeKey { field: #field }),
        AuthScheme::CustomHeaders => quote!(crate::auth::Scheme::CustomHeaders),
    };
    let required = auth.required;
    quote!(crate::auth::Authentication { scheme: #scheme, required: #required })
}

/// The `Event` variant names of a vendor.
pub fn variant_name(event: &str) -> String {
    type_name(event)
}

fn option_usize(n: Option<u64>) -> TokenStream {
    match n {
        Some(n) => {
            let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// The Rust field names leading to the event type inside an event's type, if every step is a
/// struct field.
fn type_field_path(space: &TypeSpace, ty: &Ty, keys: &[String]) -> Option<Vec<proc_macro2::Ident>> {
    let mut here = ty;
    let mut path = Vec::new();
    for key in keys {
        let Ty::Struct(i) = here else { return None };
        let field = space.structs[*i]
            .fields
            .iter()
            .find(|f| &f.json_name == key)?;
        path.push(ident(&field.rust_name));
        here = &field.ty;
    }
    matches!(here, Ty::Str).then_some(path)
}
