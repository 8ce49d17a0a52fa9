//! Emits the planned types as Rust: serde structs and untagged unions with doc comments.

use crate::rust_types::{Field, Presence, StructDef, Ty, TypeSpace, UnionDef};
use hookcert_catalog::JsonType;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a planned type.
pub fn rust_ty(space: &TypeSpace, ty: &Ty) -> TokenStream {
    match ty {
        Ty::Str => quote!(String),
        Ty::Int => quote!(i64),
        Ty::Num => quote!(serde_json::Number),
        Ty::Bool => quote!(bool),
        Ty::Any => quote!(serde_json::Value),
        Ty::Map => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::List(item) => {
            let item = rust_ty(space, item);
            quote!(Vec<#item>)
        }
        Ty::Opt(inner) => {
            let inner = rust_ty(space, inner);
            quote!(Option<#inner>)
        }
        Ty::Struct(i) => {
            let name = ident(&space.structs[*i].name);
            quote!(#name)
        }
        Ty::Union(i) => {
            let name = ident(&space.unions[*i].name);
            quote!(#name)
        }
    }
}

fn doc_attr(doc: Option<&str>) -> TokenStream {
    match doc {
        Some(text) => {
            let lines = text.lines().map(|l| format!(" {}", l.trim_end()));
            quote!(#(#[doc = #lines])*)
        }
        None => quote!(),
    }
}

pub fn emit_struct(space: &TypeSpace, def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attr(def.doc.as_deref());
    let fields = def.fields.iter().map(|f| emit_field(space, f));
    let extra = def.extra.as_deref().map(|field| {
        let field = ident(field);
        quote! {
            /// The properties the catalog does not declare, as sent.
            #[serde(flatten)]
            pub #field: serde_json::Map<String, serde_json::Value>,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub struct #name {
            #(#fields)*
            #extra
        }
    }
}

fn emit_field(space: &TypeSpace, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let doc = doc_attr(field.doc.as_deref());
    let json = &field.json_name;
    let rename = (field.rust_name != field.json_name).then(|| quote!(rename = #json,));
    let inner = rust_ty(space, &field.ty);
    let (ty, serde) = match field.presence {
        Presence::Required => (inner, quote!()),
        Presence::RequiredNullable => (
            quote!(Option<#inner>),
            // With a deserialize_with, serde no longer treats a missing key as None: the
            // key stays required while null is allowed.
            quote!(deserialize_with = "crate::serde_helpers::nullable",),
        ),
        Presence::Optional => (
            quote!(Option<#inner>),
            // Plain serde would read `null` as None; the schema does not allow null here.
            quote!(
                default,
                deserialize_with = "crate::serde_helpers::present",
                skip_serializing_if = "Option::is_none",
            ),
        ),
        Presence::OptionalNullable => (
            quote!(Option<Option<#inner>>),
            quote!(
                default,
                deserialize_with = "crate::serde_helpers::double_option",
                skip_serializing_if = "Option::is_none",
            ),
        ),
    };
    let attr = if rename.is_none() && serde.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#rename #serde)])
    };
    quote! {
        #doc
        #attr
        pub #name: #ty,
    }
}

pub fn emit_union(def: &UnionDef) -> TokenStream {
    let name = ident(&def.name);
    let variants = def.members.iter().map(|m| {
        let variant = ident(&m.variant);
        let ty = match m.json_type {
            JsonType::String => quote!(String),
            JsonType::Integer => quote!(i64),
            JsonType::Number => quote!(serde_json::Number),
            JsonType::Boolean => quote!(bool),
            // The planner makes unions of scalars only.
            _ => quote!(serde_json::Value),
        };
        quote!(#variant(#ty),)
    });
    let doc = format!(
        " A value the documents show as any of: {}.",
        def.members
            .iter()
            .map(|m| m.json_type.name())
            .collect::<Vec<_>>()
            .join(", ")
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}
