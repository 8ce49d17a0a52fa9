//! Emits the compiled validators: for every planned struct, an `impl Validate` that checks
//! what serde cannot (const, enum, pattern, format, lengths, ranges, item counts) and reports
//! every violation with its JSON pointer. Plain generated code calling small runtime checks;
//! no schema is interpreted at run time.

use crate::emit_types::ident;
use hookcert_catalog::{Catalog, Format, JsonType, Schema};
use crate::rust_types::{Field, Presence, StructDef, Ty, TypeSpace, find};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Number, Value};
use std::collections::HashMap;

/// How a string's `format` is checked beside its `pattern`.
enum FormatCheck {
    /// In full, whatever the pattern says.
    Always(TokenStream),
    /// Implied in part or whole where the pattern matches (`cargo xtask generate` proved it):
    /// there only `on_match` is left; in full where the pattern does not match, for the
    /// violation.
    Implied {
        full: TokenStream,
        on_match: TokenStream,
    },
}

/// Collects the regexes the validators use, one static each.
#[derive(Default)]
pub struct Patterns {
    pub sources: Vec<String>,
    /// Whether a pattern implies a format (part or whole), decided once for each pair: the
    /// proof builds two DFAs, and a pattern recurs across a vendor's fields.
    implications: HashMap<(String, Format), bool>,
}

impl Patterns {
    /// The format check beside `pattern`: `full` alone, or, where `pattern` implies the format
    /// (in whole, or but for the calendar), what is left of it where the pattern matches.
    fn format_check(
        &mut self,
        pattern: &str,
        format: Format,
        full: TokenStream,
        v: &TokenStream,
        at: &TokenStream,
    ) -> FormatCheck {
        let implied = *self
            .implications
            .entry((pattern.to_owned(), format))
            .or_insert_with(|| match format {
                Format::Uuid => crate::pattern_implies::implies_uuid(pattern),
                Format::DateTime => crate::pattern_implies::implies_date_time_but_calendar(pattern),
                Format::Email | Format::Uri => false,
            });
        match format {
            // A pattern that spells out the UUID form (Breakcold's ids) leaves nothing to check
            // where it matches.
            Format::Uuid if implied => FormatCheck::Implied {
                full,
                on_match: TokenStream::new(),
            },
            // A pattern that holds every date-time field in range (SPOTIO's) leaves the
            // calendar: does the day exist in its month?
            Format::DateTime if implied => FormatCheck::Implied {
                full,
                on_match: quote!(crate::validate::day_of_month(#v, #at, out);),
            },
            _ => FormatCheck::Always(full),
        }
    }

    /// The check of the string `v` at `at` against `source`, and of its format if it has one.
    fn check_for(
        &mut self,
        source: &str,
        v: &TokenStream,
        at: &TokenStream,
        format: Option<FormatCheck>,
    ) -> TokenStream {
        let index = match self.sources.iter().position(|s| s == source) {
            Some(i) => i,
            None => {
                self.sources.push(source.to_owned());
                self.sources.len() - 1
            }
        };
        let name = ident(&format!("PATTERN_{index}"));
        let matcher = ident(&format!("pattern_{index}"));
        let compiled = crate::pattern_code::compile(source).is_some();
        match format {
            // A compiled matcher is called directly, so that it can be inlined at the check.
            None if compiled => {
                quote!(crate::validate::pattern_result(#v, #matcher(#v), &#name, #at, out);)
            }
            None => quote!(crate::validate::str_pattern(#v, &#name, #at, out);),
            Some(FormatCheck::Always(full)) if compiled => quote! {
                crate::validate::pattern_result(#v, #matcher(#v), &#name, #at, out);
                #full
            },
            Some(FormatCheck::Implied { full, on_match }) if compiled && on_match.is_empty() => {
                quote! {
                    let matched = #matcher(#v);
                    crate::validate::pattern_result(#v, matched, &#name, #at, out);
                    if !matched {
                        #full
                    }
                }
            }
            Some(FormatCheck::Implied { full, on_match }) if compiled => quote! {
                let matched = #matcher(#v);
                crate::validate::pattern_result(#v, matched, &#name, #at, out);
                if matched {
                    #on_match
                } else {
                    #full
                }
            },
            // A regex's verdict is not at hand: the format is checked whole.
            Some(FormatCheck::Always(full) | FormatCheck::Implied { full, .. }) => quote! {
                crate::validate::str_pattern(#v, &#name, #at, out);
                #full
            },
        }
    }

    pub fn emit(&self) -> TokenStream {
        let statics = self.sources.iter().enumerate().map(|(i, source)| {
            let name = ident(&format!("PATTERN_{i}"));
            match crate::pattern_code::compile(source) {
                Some(body) => {
                    let matcher = ident(&format!("pattern_{i}"));
                    quote! {
                        static #name: crate::validate::Pattern = crate::validate::Pattern::compiled(#source, #matcher);

                        fn #matcher(s: &str) -> bool {
                            #body
                        }
                    }
                }
                // Optional text fields are often sent empty: a pattern that accepts "" answers
                // for it without running the regex.
                None if regex::Regex::new(source).is_ok_and(|re| re.is_match("")) => quote! {
                    static #name: crate::validate::Pattern = crate::validate::Pattern::regex_accepting_empty(#source);
                },
                None => quote! {
                    static #name: crate::validate::Pattern = crate::validate::Pattern::regex(#source);
                },
            }
        });
        let all = (0..self.sources.len()).map(|i| ident(&format!("PATTERN_{i}")));
        quote! {
            #(#statics)*

            /// Every pattern of the vendor's schemas, for tests that hold the generated matchers
            /// to a regex engine.
            pub static PATTERNS: &[&crate::validate::Pattern] = &[#(&#all),*];
        }
    }
}

pub struct ValidatorEmitter<'a> {
    pub catalog: &'a Catalog,
    pub space: &'a TypeSpace,
    pub patterns: Patterns,
}

impl<'a> ValidatorEmitter<'a> {
    fn schema(&self, key: &crate::rust_types::SchemaKey) -> &'a Schema {
        let root = &self.catalog.file(key.0).root;
        // Keys come from the planner, which only makes keys of schemas that exist.
        find(root, &key.1).unwrap_or(root)
    }

    pub fn emit_struct(&mut self, def: &StructDef) -> TokenStream {
        let name = ident(&def.name);
        let checks: Vec<TokenStream> = def.fields.iter().map(|f| self.field_checks(f)).collect();
        let body = if checks.iter().all(TokenStream::is_empty) {
            quote!(let _ = (at, out);)
        } else {
            quote!(#(#checks)*)
        };
        quote! {
            impl crate::validate::Validate for #name {
                fn validate_at(&self, at: &crate::validate::At<'_>, out: &mut Vec<crate::validate::Violation>) {
                    #body
                }
            }
        }
    }

    fn field_checks(&mut self, field: &Field) -> TokenStream {
        let schema = self.schema(&field.schema);
        let checks = self.value_checks(&field.ty, schema, &quote!(v), &quote!(&at));
        if checks.is_empty() {
            return quote!();
        }
        let name = ident(&field.rust_name);
        let key = &field.json_name;
        let inner = quote! {
            let at = at.key(#key);
            #checks
        };
        match field.presence {
            Presence::Required => quote!({ let v = &self.#name; #inner }),
            Presence::RequiredNullable | Presence::Optional => {
                quote!(if let Some(v) = &self.#name { #inner })
            }
            Presence::OptionalNullable => quote!(if let Some(Some(v)) = &self.#name { #inner }),
        }
    }

    /// Checks of one value `v` (an expression of type `&T`) at `at` (an `&At`).
    fn value_checks(
        &mut self,
        ty: &Ty,
        schema: &Schema,
        v: &TokenStream,
        at: &TokenStream,
    ) -> TokenStream {
        let schema = self.catalog.deref(schema);
        match ty {
            Ty::Struct(_) => quote!(crate::validate::Validate::validate_at(#v, #at, out);),
            Ty::Str => self.string_checks(schema, v, at),
            Ty::Int => self.number_checks(schema, v, at, true),
            Ty::Num => self.number_checks(schema, v, at, false),
            Ty::Bool => self.scalar_value_checks(schema, &quote!(serde_json::Value::Bool(*#v)), at),
            Ty::Any => self.any_checks(schema, v, at),
            Ty::Map => quote!(),
            Ty::Opt(inner) => {
                let inner = self.value_checks(inner, schema, &quote!(v), at);
                if inner.is_empty() {
                    quote!()
                } else {
                    quote!(if let Some(v) = #v { #inner })
                }
            }
            Ty::List(item_ty) => self.list_checks(schema, item_ty, v, at),
            Ty::Union(i) => self.union_checks(*i, schema, v, at),
        }
    }

    fn list_checks(
        &mut self,
        schema: &Schema,
        item_ty: &Ty,
        v: &TokenStream,
        at: &TokenStream,
    ) -> TokenStream {
        let count = match (schema.min_items, schema.max_items) {
            (None, None) => quote!(),
            (min, max) => {
                let min = opt_u64(min);
                let max = opt_u64(max);
                quote!(crate::validate::item_count(#v.len(), #min, #max, #at, out);)
            }
        };
        let each = match schema.items.as_deref() {
            Some(items) => self.value_checks(item_ty, items, &quote!(item), &quote!(&at)),
            None => quote!(),
        };
        let each = if each.is_empty() {
            quote!()
        } else {
            quote! {
                for (i, item) in #v.iter().enumerate() {
                    // Every caller names the enclosing place `at`.
                    let at = at.index(i);
                    #each
                }
            }
        };
        quote!(#count #each)
    }

    fn union_checks(
        &mut self,
        index: usize,
        schema: &Schema,
        v: &TokenStream,
        at: &TokenStream,
    ) -> TokenStream {
        let union = &self.space.unions[index];
        let name = ident(&union.name);
        let mut any_checks = false;
        let arms: Vec<TokenStream> = union
            .members
            .clone()
            .iter()
            .map(|member| {
                let variant = ident(&crate::naming::type_name(member.name()));
                let checks = match member {
                    JsonType::String => self.string_checks(schema, &quote!(x), at),
                    JsonType::Integer => self.number_checks(schema, &quote!(x), at, true),
                    JsonType::Number => self.number_checks(schema, &quote!(x), at, false),
                    _ => self.scalar_value_checks(
                        schema,
                        &quote!(serde_json::Value::from(x.clone())),
                        at,
                    ),
                };
                any_checks |= !checks.is_empty();
                if checks.is_empty() {
                    quote!(#name::#variant(_) => {})
                } else {
                    quote!(#name::#variant(x) => { #checks })
                }
            })
            .collect();
        if !any_checks {
            return quote!();
        }
        quote!(match #v { #(#arms)* })
    }

    fn string_checks(&mut self, schema: &Schema, v: &TokenStream, at: &TokenStream) -> TokenStream {
        let mut out = Vec::new();
        if let Some(c) = &schema.const_value {
            out.push(match c.as_str() {
                Some(s) => quote!(crate::validate::str_const(#v, #s, #at, out);),
                None => quote!(crate::validate::never(#at, "const", out);),
            });
        }
        if let Some(values) = &schema.enum_values {
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            // Membership as a `matches!` on the string: a switch on the length, then inline
            // comparisons, where a search of the list would call `memcmp` for each value.
            let member = if strings.is_empty() {
                quote!(false)
            } else {
                quote!(matches!(#v.as_str(), #(#strings)|*))
            };
            out.push(quote!(crate::validate::str_enum(#v, #member, &[#(#strings),*], #at, out);));
        }
        let full_format = |format: Format| {
            let f = match format {
                Format::DateTime => quote!(DateTime),
                Format::Email => quote!(Email),
                Format::Uri => quote!(Uri),
                Format::Uuid => quote!(Uuid),
            };
            quote!(crate::validate::str_format(#v, crate::formats::Format::#f, #at, out);)
        };
        match (&schema.pattern, schema.format) {
            (Some(pattern), format) => {
                let format = format.map(|f| {
                    self.patterns
                        .format_check(pattern, f, full_format(f), v, at)
                });
                out.push(self.patterns.check_for(pattern, v, at, format));
            }
            (None, Some(format)) => out.push(full_format(format)),
            (None, None) => {}
        }
        if schema.min_length.is_some() || schema.max_length.is_some() {
            let min = opt_u64(schema.min_length);
            let max = opt_u64(schema.max_length);
            out.push(quote!(crate::validate::str_length(#v, #min, #max, #at, out);));
        }
        quote!(#(#out)*)
    }

    fn number_checks(
        &mut self,
        schema: &Schema,
        v: &TokenStream,
        at: &TokenStream,
        integer: bool,
    ) -> TokenStream {
        let mut out = Vec::new();
        let as_f64 = if integer {
            quote!(*#v as f64)
        } else {
            quote!(#v.as_f64().unwrap_or(f64::NAN))
        };
        let bounds = [
            (&schema.minimum, quote!(crate::validate::Bound::Minimum)),
            (&schema.maximum, quote!(crate::validate::Bound::Maximum)),
            (
                &schema.exclusive_minimum,
                quote!(crate::validate::Bound::ExclusiveMinimum),
            ),
            (
                &schema.exclusive_maximum,
                quote!(crate::validate::Bound::ExclusiveMaximum),
            ),
        ];
        for (limit, kind) in bounds {
            if let Some(limit) = limit {
                let limit = f64_literal(limit);
                out.push(quote!(crate::validate::number_bound(#as_f64, #kind, #limit, #at, out);));
            }
        }
        let to_value = if integer {
            quote!(serde_json::Value::from(*#v))
        } else {
            quote!(serde_json::Value::Number(#v.clone()))
        };
        if schema.const_value.is_some() || schema.enum_values.is_some() {
            out.push(self.scalar_value_checks(schema, &to_value, at));
        }
        quote!(#(#out)*)
    }

    /// const and enum on a value turned into a `serde_json::Value` (booleans, numbers).
    fn scalar_value_checks(
        &mut self,
        schema: &Schema,
        value: &TokenStream,
        at: &TokenStream,
    ) -> TokenStream {
        let mut out = Vec::new();
        if let Some(c) = &schema.const_value {
            let c = value_literal(c);
            out.push(quote!(crate::validate::value_const(&#value, &#c, #at, out);));
        }
        if let Some(values) = &schema.enum_values {
            let values = values.iter().map(value_literal);
            out.push(quote!(crate::validate::value_enum(&#value, &[#(#values),*], #at, out);));
        }
        quote!(#(#out)*)
    }

    fn any_checks(&mut self, schema: &Schema, v: &TokenStream, at: &TokenStream) -> TokenStream {
        let mut out = Vec::new();
        if let Some(types) = &schema.types {
            let names = types.iter().map(|t| t.name());
            out.push(quote!(crate::validate::value_type(#v, &[#(#names),*], #at, out);));
        }
        if let Some(c) = &schema.const_value {
            let c = value_literal(c);
            out.push(quote!(crate::validate::value_const(#v, &#c, #at, out);));
        }
        if let Some(values) = &schema.enum_values {
            let values = values.iter().map(value_literal);
            out.push(quote!(crate::validate::value_enum(#v, &[#(#values),*], #at, out);));
        }
        if schema.pattern.is_some()
            || schema.format.is_some()
            || schema.min_length.is_some()
            || schema.max_length.is_some()
        {
            let checks = self.string_checks(schema, &quote!(s), at);
            out.push(quote!(if let serde_json::Value::String(s) = #v { #checks }));
        }
        quote!(#(#out)*)
    }
}

fn opt_u64(v: Option<u64>) -> TokenStream {
    match v {
        Some(n) => {
            let n = Literal::usize_unsuffixed(n as usize);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn f64_literal(n: &Number) -> TokenStream {
    let value = n.as_f64().unwrap_or(0.0);
    let lit = Literal::f64_suffixed(value);
    quote!(#lit)
}

/// A `serde_json::Value` expression for a scalar from the schema.
fn value_literal(v: &Value) -> TokenStream {
    match v {
        Value::Null => quote!(serde_json::Value::Null),
        Value::Bool(b) => quote!(serde_json::Value::Bool(#b)),
        Value::String(s) => quote!(serde_json::Value::String(String::from(#s))),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => quote!(serde_json::Value::from(#i)),
            (None, Some(u)) => quote!(serde_json::Value::from(#u)),
            _ => {
                let f = n.as_f64().unwrap_or(0.0);
                quote!(serde_json::Value::from(#f))
            }
        },
        // The schema reader only allows scalars in const and enum.
        _ => quote!(serde_json::Value::Null),
    }
}
