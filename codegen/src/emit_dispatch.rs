//! Emits a vendor's event table from its plan (`plan_dispatch`): the `Event` enum (one variant
//! per event type, and `Unknown`), `parse` and its one-pass decoder, the list of event types
//! and the authentication; and the crate-wide vendor table of `vendors/mod.rs`.

use crate::emit_types::{ident, rust_ty};
use crate::emit_validators::opt_usize;
use crate::plan_dispatch::{
    AuthenticationPlan, BodyShape, DeclaredType, DispatchPlan, SchemePlan, VendorEntry,
};
use crate::rust_types::TypeSpace;
use proc_macro2::TokenStream;
use quote::quote;

/// Every dispatch item of one vendor module.
pub fn emit(plan: &DispatchPlan, space: &TypeSpace) -> TokenStream {
    let constants = emit_constants(plan);
    let event = emit_event(plan, space);
    let validate = emit_event_validate(plan, space);
    let parse = emit_parse(plan, space);
    let dispatcher = emit_dispatcher(plan, space);
    let decode_event = emit_decode_event(plan);
    quote! {
        #constants
        #event
        #validate
        #parse
        #dispatcher
        #decode_event
    }
}

fn emit_constants(plan: &DispatchPlan) -> TokenStream {
    let id = &plan.vendor_id;
    let names = plan.events.iter().map(|e| e.name.as_str());
    let authentication = emit_authentication(&plan.authentication);
    quote! {
        /// The vendor id used on the command line and in the catalog.
        pub const VENDOR_ID: &str = #id;

        /// Every documented event type, in the document's order.
        pub const EVENT_TYPES: &[&str] = &[#(#names),*];

        /// How the vendor authenticates its deliveries: build a [`crate::auth::Signer`] or a
        /// [`crate::auth::Verifier`] from it and the credentials.
        pub const AUTHENTICATION: crate::auth::Authentication = #authentication;
    }
}

/// The `Event` enum, `Delivery`, and what every event can say of itself.
fn emit_event(plan: &DispatchPlan, space: &TypeSpace) -> TokenStream {
    let inner = if plan.boxed {
        quote!(e.as_ref())
    } else {
        quote!(e)
    };
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
        let ty = if plan.boxed { quote!(Box<#ty>) } else { ty };
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let type_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let name = &e.name;
        quote!(Event::#variant(_) => Some(#name),)
    });
    let value_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        quote!(Event::#variant(e) => serde_json::to_value(#inner),)
    });
    quote! {
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
    }
}

/// `Validate` for `Event`: a known event as its type, an unknown one as the envelope.
fn emit_event_validate(plan: &DispatchPlan, space: &TypeSpace) -> TokenStream {
    let inner = if plan.boxed {
        quote!(e.as_ref())
    } else {
        quote!(e)
    };
    let validate_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        quote!(Event::#variant(e) => crate::validate::Validate::validate_at(#inner, at, out),)
    });
    let is_valid_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        quote!(Event::#variant(e) => crate::validate::Validate::is_valid(#inner),)
    });
    let unknown_ty = rust_ty(space, &plan.unknown_ty);
    quote! {
        impl crate::validate::Validate for Event {
            fn is_valid(&self) -> bool {
                match self {
                    #(#is_valid_arms)*
                    Event::Unknown(u) => crate::dispatch::unknown_is_valid::<#unknown_ty>(u),
                }
            }

            fn validate_at(&self, at: &crate::validate::At<'_>, out: &mut Vec<crate::validate::Violation>) {
                match self {
                    #(#validate_arms)*
                    Event::Unknown(u) => crate::dispatch::validate_unknown::<#unknown_ty>(u, at, out),
                }
            }
        }
    }
}

/// `derived_json_schema`, `parse` and its two ways, and `event_index`.
fn emit_parse(plan: &DispatchPlan, space: &TypeSpace) -> TokenStream {
    let schema_arms = plan.events.iter().map(|e| {
        let name = &e.name;
        let ty = rust_ty(space, &e.ty);
        quote!(#name => schemars::schema_for!(#ty),)
    });
    let one_pass = emit_one_pass(plan);
    let located = emit_located(&plan.body);
    let index_arms = plan.events.iter().enumerate().map(|(i, e)| {
        let name = &e.name;
        quote!(#name => Some(#i),)
    });
    quote! {
        /// The JSON Schema of an event's Rust type, derived by schemars (for batches, of one
        /// item): what the generated types accept, to compare with the catalog's schema.
        pub fn derived_json_schema(event_type: &str) -> Option<schemars::Schema> {
            Some(match event_type {
                #(#schema_arms)*
                _ => return None,
            })
        }

        /// Parses and validates a request body: every event typed, every violation of the
        /// catalog's documented rules reported with its JSON pointer; the observed rules the
        /// body breaks are its `notes`.
        pub fn parse(body: &[u8]) -> Result<Delivery, crate::ParseError> {
            parse_with(body, crate::Strictness::Documented)
        }

        /// [`parse`], refusing what `strictness` says: with `Strictness::Observed` a body that
        /// breaks an observed rule is refused too.
        pub fn parse_with(body: &[u8], strictness: crate::Strictness) -> Result<Delivery, crate::ParseError> {
            parse_unvalidated(body)?.validated_with(strictness)
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
            #located
        }

        /// The index of an event type in [`EVENT_TYPES`].
        fn event_index(event_type: &str) -> Option<usize> {
            match event_type {
                #(#index_arms)*
                _ => None,
            }
        }
    }
}

/// The fast way of `parse_unvalidated`: the one-pass decoder, when the body's shape has one.
fn emit_one_pass(plan: &DispatchPlan) -> TokenStream {
    let type_keys = &plan.type_keys;
    match &plan.body {
        BodyShape::Single => quote! {
            if let Ok(events) = crate::single_pass::decode_predicted::<Dispatcher>(body, None, &[#(#type_keys),*]) {
                return Ok(crate::Delivery { events, events_pointer: None, envelope_violations: Vec::new(), notes: Vec::new() });
            }
        },
        BodyShape::Batch {
            events_pointer,
            min_items,
            max_items,
            one_pass_key: Some(key),
            ..
        } => {
            let (min, max) = (opt_usize(*min_items), opt_usize(*max_items));
            quote! {
                if let Ok(events) = crate::single_pass::decode_predicted::<Dispatcher>(body, Some(#key), &[#(#type_keys),*]) {
                    let mut envelope_violations = Vec::new();
                    crate::validate::item_count(events.len(), #min, #max, None, &crate::validate::At::Root(#events_pointer), &mut envelope_violations);
                    return Ok(crate::Delivery { events, events_pointer: Some(#events_pointer), envelope_violations, notes: Vec::new() });
                }
            }
        }
        BodyShape::Batch {
            one_pass_key: None, ..
        } => quote!(),
    }
}

/// The body of `parse_located`.
fn emit_located(body: &BodyShape) -> TokenStream {
    match body {
        BodyShape::Single => quote! {
            let event = decode_event(body, "")?;
            Ok(crate::Delivery { events: vec![event], events_pointer: None, envelope_violations: Vec::new(), notes: Vec::new() })
        },
        BodyShape::Batch {
            events_pointer,
            keys,
            min_items,
            max_items,
            ..
        } => {
            let (min, max) = (opt_usize(*min_items), opt_usize(*max_items));
            quote! {
                let items = crate::dispatch::batch_items(body, &[#(#keys),*])?;
                let mut envelope_violations = Vec::new();
                crate::validate::item_count(items.len(), #min, #max, None, &crate::validate::At::Root(#events_pointer), &mut envelope_violations);
                let mut events = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{}/{i}", #events_pointer);
                    events.push(decode_event(item.get().as_bytes(), &at)?);
                }
                Ok(crate::Delivery { events, events_pointer: Some(#events_pointer), envelope_violations, notes: Vec::new() })
            }
        }
    }
}

/// The prediction and the `Dispatch` impl the one-pass decoder calls.
fn emit_dispatcher(plan: &DispatchPlan, space: &TypeSpace) -> TokenStream {
    let decode_as_arms = plan.events.iter().enumerate().map(|(i, e)| {
        let variant = ident(&e.variant);
        let ty = rust_ty(space, &e.ty);
        let event = boxed(plan, quote!(<#ty as serde::Deserialize>::deserialize(d)?));
        quote!(#i => Event::#variant(#event),)
    });
    let declared_arms = declared_arms(plan);
    let dispatch_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let name = &e.name;
        let ty = rust_ty(space, &e.ty);
        let event = boxed(plan, quote!(<#ty as serde::Deserialize>::deserialize(d)?));
        quote!(Some(#name) => Event::#variant(#event),)
    });
    let fixed_type = plan
        .fixed_type
        .as_ref()
        .map(|fixed| quote!(let event_type = event_type.or(Some(#fixed));));
    quote! {
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
    }
}

/// The arms of `declared_index`: the type each decoded event declares in its own type field.
/// The one-pass decoder's prediction is right only when that is the predicted one.
fn declared_arms(plan: &DispatchPlan) -> impl Iterator<Item = TokenStream> + '_ {
    plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        match &e.declared {
            DeclaredType::Field(path) => {
                let path = path.iter().map(|f| ident(f));
                quote!(Event::#variant(e) => event_index(e.#(#path).*.as_str()),)
            }
            DeclaredType::Itself => {
                let name = &e.name;
                quote!(Event::#variant(_) => event_index(#name),)
            }
        }
    })
}

/// `decode_event`: one event, from its bytes, the way that says where it went wrong.
fn emit_decode_event(plan: &DispatchPlan) -> TokenStream {
    let type_keys = &plan.type_keys;
    let event_type_of = match &plan.fixed_type {
        Some(fixed) => quote!(Some(std::borrow::Cow::Borrowed(#fixed))),
        None => quote!(crate::dispatch::event_type_at(bytes, &[#(#type_keys),*], at)?),
    };
    let decode_arms = plan.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let name = &e.name;
        let event = boxed(plan, quote!(crate::dispatch::decode(bytes, at)?));
        quote!(Some(#name) => Event::#variant(#event),)
    });
    quote! {
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
fn emit_authentication(auth: &AuthenticationPlan) -> TokenStream {
    let scheme = match &auth.scheme {
        SchemePlan::HmacSha256Hex { header } => {
            quote!(crate::auth::Scheme::HmacSha256Hex { header: #header })
        }
        SchemePlan::RsaSha256 { header } => {
            quote!(crate::auth::Scheme::RsaSha256 { header: #header })
        }
        SchemePlan::BodySecret { field } => {
            quote!(crate::auth::Scheme::BodySecret { field: #field })
        }
        SchemePlan::HandshakeKey { field } => {
            quote!(crate::auth::Scheme::HandshakeKey { field: #field })
        }
        SchemePlan::CustomHeaders => quote!(crate::auth::Scheme::CustomHeaders),
    };
    let required = auth.required;
    quote!(crate::auth::Authentication { scheme: #scheme, required: #required })
}

/// `vendors/mod.rs`: a module per vendor, and what is the same for all of them.
pub fn emit_vendor_table(vendors: &[VendorEntry]) -> TokenStream {
    let modules = vendors.iter().map(|v| {
        let module = ident(&v.module);
        let doc = format!(" {} ({}).", v.name, v.id);
        quote!(#[doc = #doc] pub mod #module;)
    });
    let ids = vendors.iter().map(|v| v.id.as_str());
    let variants: Vec<_> = vendors.iter().map(|v| ident(&v.variant)).collect();
    let modules_again: Vec<_> = vendors.iter().map(|v| ident(&v.module)).collect();
    let vendor_ids: Vec<_> = vendors.iter().map(|v| v.id.as_str()).collect();
    quote! {
        #![doc = " Generated by `cargo xtask generate` from `schemas/`. Do not edit: change the schemas and regenerate."]
        #(#modules)*
        /// The vendor ids, in catalog order.
        pub const VENDORS: &[&str] = &[#(#ids),*];

        /// A delivery of any vendor, for code that handles them all alike.
        #[derive(Debug, Clone, PartialEq)]
        pub enum AnyDelivery {
            #(#variants(#modules_again::Delivery),)*
        }

        /// Parses and validates a body of the vendor `vendor` (an id of [`VENDORS`]), refusing
        /// it for its documented violations only; `None` for an unknown vendor id.
        pub fn parse(vendor: &str, body: &[u8]) -> Option<Result<AnyDelivery, crate::ParseError>> {
            parse_with(vendor, body, crate::Strictness::Documented)
        }

        /// [`parse`], refusing what `strictness` says.
        pub fn parse_with(vendor: &str, body: &[u8], strictness: crate::Strictness) -> Option<Result<AnyDelivery, crate::ParseError>> {
            Some(match vendor {
                #(#vendor_ids => #modules_again::parse_with(body, strictness).map(AnyDelivery::#variants),)*
                _ => return None,
            })
        }

        /// The schemars-derived JSON Schema of an event type's Rust type; `None` for an unknown
        /// vendor or event type.
        pub fn derived_json_schema(vendor: &str, event_type: &str) -> Option<schemars::Schema> {
            match vendor {
                #(#vendor_ids => #modules_again::derived_json_schema(event_type),)*
                _ => None,
            }
        }

        /// How the vendor `vendor` (an id of [`VENDORS`]) authenticates; `None` for an unknown
        /// vendor id.
        pub fn authentication(vendor: &str) -> Option<crate::auth::Authentication> {
            match vendor {
                #(#vendor_ids => Some(#modules_again::AUTHENTICATION),)*
                _ => None,
            }
        }

        impl AnyDelivery {
            /// Each event's type (if it names one) and its JSON (for batches, the item).
            pub fn events(&self) -> Vec<(Option<&str>, Result<serde_json::Value, serde_json::Error>)> {
                match self {
                    #(AnyDelivery::#variants(d) => d.events.iter().map(|e| (e.event_type(), e.to_value())).collect(),)*
                }
            }

            /// The observed rules the body breaks (see [`crate::Delivery::notes`]).
            pub fn notes(&self) -> &[crate::Violation] {
                match self {
                    #(AnyDelivery::#variants(d) => &d.notes,)*
                }
            }
        }
    }
}

/// A decoded event as its variant holds it.
fn boxed(plan: &DispatchPlan, event: TokenStream) -> TokenStream {
    if plan.boxed {
        quote!(Box::new(#event))
    } else {
        event
    }
}
