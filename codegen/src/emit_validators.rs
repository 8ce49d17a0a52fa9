//! Emits the compiled validators from their plan (`plan_validators`): for every planned struct,
//! an `impl Validate` that checks what serde cannot (const, enum, pattern, format, lengths,
//! ranges, item counts) and reports every violation with its JSON pointer and its rule (`None`
//! for a documented one, `Some(n)` for one observed, ERRATA entry n). Plain generated code
//! calling small runtime checks; no schema is interpreted at run time.

use crate::emit_types::ident;
use crate::plan_validators::{
    AnyCheck, Bound, BoundCheck, FieldChecks, FormatCheck, IntEnum, ItemCount, LeftOfFormat,
    MatchedBy, MemberChecks, NumberChecks, NumberRepr, PatternCheck, PatternPlan, Rule, Scalar,
    ScalarCheck, StrCheck, StructChecks, UnionArm, ValueChecks,
};
use crate::rust_types::Presence;
use hookcert_catalog::{Format, JsonType};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// The struct's `impl Validate`: `is_valid`, the fast path (`emit_validity`), and
/// `validate_at`, which records every violation.
pub fn emit_struct(def: &StructChecks) -> TokenStream {
    let name = ident(&def.name);
    let body = if def.fields.is_empty() {
        quote!(let _ = (at, out);)
    } else {
        let checks = def.fields.iter().map(emit_field);
        quote!(#(#checks)*)
    };
    let test = crate::emit_validity::emit_struct_test(def);
    quote! {
        impl crate::validate::Validate for #name {
            fn is_valid(&self) -> bool {
                #test
            }

            fn validate_at(&self, at: &crate::validate::At<'_>, out: &mut Vec<crate::validate::Violation>) {
                #body
            }
        }
    }
}

fn emit_field(field: &FieldChecks) -> TokenStream {
    let checks = field
        .checks
        .as_ref()
        .map(|checks| emit_value(checks, &quote!(v), &quote!(&at)));
    let name = ident(&field.rust_name);
    let key = &field.json_name;
    if let Some(errata) = field.observed_required {
        return emit_observed_required(field, errata, checks);
    }
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

/// A field every example carries though the document never says so: its checks where it is
/// there, a note at the object where it is not.
fn emit_observed_required(
    field: &FieldChecks,
    errata: u32,
    checks: Option<TokenStream>,
) -> TokenStream {
    let name = ident(&field.rust_name);
    let key = &field.json_name;
    let errata = Literal::u32_unsuffixed(errata);
    let present = match (field.presence, checks) {
        (_, None) => quote!(Some(_) => {}),
        (Presence::OptionalNullable, Some(checks)) => {
            quote!(Some(Some(v)) => { let at = at.key(#key); #checks } Some(None) => {})
        }
        (_, Some(checks)) => quote!(Some(v) => { let at = at.key(#key); #checks }),
    };
    quote! {
        match &self.#name {
            #present
            None => crate::validate::missing(#key, #errata, at, out),
        }
    }
}

/// What a violation of a check of `rule` records as its `errata`.
fn errata(rule: Rule) -> TokenStream {
    match rule {
        Rule::Documented => quote!(None),
        Rule::Observed { errata } => {
            let errata = Literal::u32_unsuffixed(errata);
            quote!(Some(#errata))
        }
    }
}

/// Checks of one value `v` (an expression of type `&T`) at `at` (an `&At`).
fn emit_value(checks: &ValueChecks, v: &TokenStream, at: &TokenStream) -> TokenStream {
    match checks {
        ValueChecks::Nested => quote!(crate::validate::Validate::validate_at(#v, #at, out);),
        ValueChecks::Str(checks) => emit_str(checks, v, at),
        ValueChecks::Number(checks) => emit_number(checks, v, at),
        ValueChecks::Bool(checks) => emit_scalar(checks, &quote!(serde_json::Value::Bool(*#v)), at),
        ValueChecks::Any(checks) => emit_any(checks, v, at),
        ValueChecks::Opt(inner) => {
            let inner = emit_value(inner, &quote!(v), at);
            quote!(if let Some(v) = #v { #inner })
        }
        ValueChecks::List { count, each } => emit_list(*count, each.as_deref(), v, at),
        ValueChecks::Union { name, arms } => emit_union(name, arms, v, at),
    }
}

fn emit_list(
    count: Option<ItemCount>,
    each: Option<&ValueChecks>,
    v: &TokenStream,
    at: &TokenStream,
) -> TokenStream {
    let count = count.map(|ItemCount { min, max }| {
        let (min, max) = (opt_usize(min), opt_usize(max));
        quote!(crate::validate::item_count(#v.len(), #min, #max, None, #at, out);)
    });
    let each = each.map(|checks| {
        let checks = emit_value(checks, &quote!(item), &quote!(&at));
        quote! {
            for (i, item) in #v.iter().enumerate() {
                // Every caller names the enclosing place `at`.
                let at = at.index(i);
                #checks
            }
        }
    });
    quote!(#count #each)
}

fn emit_union(name: &str, arms: &[UnionArm], v: &TokenStream, at: &TokenStream) -> TokenStream {
    let name = ident(name);
    let arms = arms.iter().map(|arm| {
        let variant = ident(&arm.variant);
        let x = quote!(x);
        let checks = match &arm.checks {
            None => return quote!(#name::#variant(_) => {}),
            Some(MemberChecks::Str(checks)) => emit_str(checks, &x, at),
            Some(MemberChecks::Number(checks)) => emit_number(checks, &x, at),
            Some(MemberChecks::Value(checks)) => {
                emit_scalar(checks, &quote!(serde_json::Value::from(#x.clone())), at)
            }
        };
        quote!(#name::#variant(#x) => { #checks })
    });
    quote!(match #v { #(#arms)* })
}

fn emit_str(checks: &[StrCheck], v: &TokenStream, at: &TokenStream) -> TokenStream {
    let checks = checks.iter().map(|check| match check {
        StrCheck::Const(s) => quote!(crate::validate::str_const(#v, #s, None, #at, out);),
        StrCheck::Unsatisfiable { keyword } => quote!(crate::validate::never(#at, #keyword, out);),
        StrCheck::Enum { values, rule } => {
            // Membership as a `matches!` on the string: a switch on the length, then inline
            // comparisons, where a search of the list would call `memcmp` for each value.
            let member = if values.is_empty() {
                quote!(false)
            } else {
                quote!(matches!(#v.as_str(), #(#values)|*))
            };
            let errata = errata(*rule);
            quote!(crate::validate::str_enum(#v, #member, &[#(#values),*], #errata, #at, out);)
        }
        StrCheck::Pattern(check) => emit_pattern_check(check, v, at),
        StrCheck::Format(format) => emit_format(format, v, at),
        StrCheck::Length { min, max, rule } => {
            let (min, max, errata) = (opt_usize(*min), opt_usize(*max), errata(*rule));
            quote!(crate::validate::str_length(#v, #min, #max, #errata, #at, out);)
        }
    });
    quote!(#(#checks)*)
}

/// The runtime's `crate::formats::Format` variant of a format.
pub fn format_variant(format: Format) -> TokenStream {
    match format {
        Format::DateTime => quote!(DateTime),
        Format::Email => quote!(Email),
        Format::Uri => quote!(Uri),
        Format::Uuid => quote!(Uuid),
    }
}

fn emit_format(check: &FormatCheck, v: &TokenStream, at: &TokenStream) -> TokenStream {
    let f = format_variant(check.format);
    let errata = errata(check.rule);
    quote!(crate::validate::str_format(#v, crate::formats::Format::#f, #errata, #at, out);)
}

/// The check of the string `v` at `at` against a pattern, and of its format if it has one.
fn emit_pattern_check(check: &PatternCheck, v: &TokenStream, at: &TokenStream) -> TokenStream {
    let full = |format: &Option<FormatCheck>| format.as_ref().map(|f| emit_format(f, v, at));
    match check {
        // A compiled matcher is called directly, so that it can be inlined at the check.
        PatternCheck::Matcher {
            pattern,
            rule,
            format,
        } => {
            let (name, matcher) = (pattern_static(*pattern), matcher_fn(*pattern));
            let (errata, full) = (errata(*rule), full(format));
            quote! {
                crate::validate::pattern_result(#v, #matcher(#v), &#name, #errata, #at, out);
                #full
            }
        }
        PatternCheck::MatcherImpliesFormat {
            pattern,
            rule,
            format,
            on_match,
        } => emit_implied_format(*pattern, *rule, format, *on_match, v, at),
        PatternCheck::Regex {
            pattern,
            rule,
            format,
        } => {
            let name = pattern_static(*pattern);
            let (errata, full) = (errata(*rule), full(format));
            quote! {
                crate::validate::str_pattern(#v, &#name, #errata, #at, out);
                #full
            }
        }
    }
}

/// A compiled matcher whose verdict decides how much of the format it implies is left.
fn emit_implied_format(
    pattern: usize,
    rule: Rule,
    format: &FormatCheck,
    on_match: LeftOfFormat,
    v: &TokenStream,
    at: &TokenStream,
) -> TokenStream {
    let (name, matcher) = (pattern_static(pattern), matcher_fn(pattern));
    let full = emit_format(format, v, at);
    let errata = errata(rule);
    let verdict = quote! {
        let matched = #matcher(#v);
        crate::validate::pattern_result(#v, matched, &#name, #errata, #at, out);
    };
    match on_match {
        LeftOfFormat::Nothing => quote! {
            #verdict
            if !matched {
                #full
            }
        },
        LeftOfFormat::DayOfMonth => {
            let format_errata = self::errata(format.rule);
            quote! {
                #verdict
                if matched {
                    crate::validate::day_of_month(#v, #format_errata, #at, out);
                } else {
                    #full
                }
            }
        }
    }
}

fn emit_number(checks: &NumberChecks, v: &TokenStream, at: &TokenStream) -> TokenStream {
    let (as_f64, to_value) = match checks.repr {
        NumberRepr::Int => (quote!(*#v as f64), quote!(serde_json::Value::from(*#v))),
        NumberRepr::Num => (
            quote!(#v.as_f64().unwrap_or(f64::NAN)),
            quote!(serde_json::Value::Number(#v.clone())),
        ),
    };
    let bounds = checks
        .bounds
        .iter()
        .map(|BoundCheck { bound, limit, rule }| {
            let kind = bound_kind(*bound);
            let (limit, errata) = (Literal::f64_suffixed(*limit), errata(*rule));
            quote!(crate::validate::number_bound(#as_f64, #kind, #limit, #errata, #at, out);)
        });
    let values = emit_scalar(&checks.values, &to_value, at);
    let int_enums = checks.int_enums.iter().map(|IntEnum { values, rule }| {
        let values = values.iter().map(|&i| Literal::i64_unsuffixed(i));
        let errata = errata(*rule);
        quote!(crate::validate::int_enum(*#v, &[#(#values),*], #errata, #at, out);)
    });
    quote!(#(#bounds)* #values #(#int_enums)*)
}

/// The runtime's `crate::validate::Bound` of a bound.
pub fn bound_kind(bound: Bound) -> TokenStream {
    match bound {
        Bound::Minimum => quote!(crate::validate::Bound::Minimum),
        Bound::Maximum => quote!(crate::validate::Bound::Maximum),
        Bound::ExclusiveMinimum => quote!(crate::validate::Bound::ExclusiveMinimum),
        Bound::ExclusiveMaximum => quote!(crate::validate::Bound::ExclusiveMaximum),
    }
}

/// const and enum on a value turned into a `serde_json::Value` (booleans, numbers).
fn emit_scalar(checks: &[ScalarCheck], value: &TokenStream, at: &TokenStream) -> TokenStream {
    let checks = checks.iter().map(|check| match check {
        ScalarCheck::Const(c) => {
            let c = scalar_literal(c);
            quote!(crate::validate::value_const(&#value, &#c, None, #at, out);)
        }
        ScalarCheck::Enum { values, rule } => {
            let (values, errata) = (values.iter().map(scalar_literal), errata(*rule));
            quote!(crate::validate::value_enum(&#value, &[#(#values),*], #errata, #at, out);)
        }
    });
    quote!(#(#checks)*)
}

fn emit_any(checks: &[AnyCheck], v: &TokenStream, at: &TokenStream) -> TokenStream {
    let checks = checks.iter().map(|check| match check {
        AnyCheck::Type(types) => {
            let names = types.iter().map(|t| JsonType::name(*t));
            quote!(crate::validate::value_type(#v, &[#(#names),*], #at, out);)
        }
        AnyCheck::Value(ScalarCheck::Const(c)) => {
            let c = scalar_literal(c);
            quote!(crate::validate::value_const(#v, &#c, None, #at, out);)
        }
        AnyCheck::Value(ScalarCheck::Enum { values, rule }) => {
            let (values, errata) = (values.iter().map(scalar_literal), errata(*rule));
            quote!(crate::validate::value_enum(#v, &[#(#values),*], #errata, #at, out);)
        }
        AnyCheck::WhereString(checks) => {
            let checks = emit_str(checks, &quote!(s), at);
            quote!(if let serde_json::Value::String(s) = #v { #checks })
        }
    });
    quote!(#(#checks)*)
}

/// The pattern statics and matchers, and `PATTERNS`, the list of them all.
pub fn emit_patterns(patterns: &[PatternPlan]) -> TokenStream {
    let statics = patterns.iter().enumerate().map(|(i, pattern)| {
        let name = pattern_static(i);
        let source = &pattern.source;
        match &pattern.matched_by {
            MatchedBy::Compiled(body) => {
                let matcher = matcher_fn(i);
                quote! {
                    static #name: crate::validate::Pattern = crate::validate::Pattern::compiled(#source, #matcher);

                    fn #matcher(s: &str) -> bool {
                        #body
                    }
                }
            }
            MatchedBy::Regex {
                accepts_empty: true,
            } => quote! {
                static #name: crate::validate::Pattern = crate::validate::Pattern::regex_accepting_empty(#source);
            },
            MatchedBy::Regex {
                accepts_empty: false,
            } => quote! {
                static #name: crate::validate::Pattern = crate::validate::Pattern::regex(#source);
            },
        }
    });
    let all = (0..patterns.len()).map(pattern_static);
    quote! {
        #(#statics)*

        /// Every pattern of the vendor's schemas, for tests that hold the generated matchers
        /// to a regex engine.
        pub static PATTERNS: &[&crate::validate::Pattern] = &[#(&#all),*];
    }
}

pub fn pattern_static(index: usize) -> Ident {
    ident(&format!("PATTERN_{index}"))
}

pub fn matcher_fn(index: usize) -> Ident {
    ident(&format!("pattern_{index}"))
}

/// An optional count (`minItems`, `maxLength`) as an `Option<usize>` expression.
pub fn opt_usize(v: Option<u64>) -> TokenStream {
    match v {
        Some(n) => {
            let n = Literal::usize_unsuffixed(n as usize);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// A `serde_json::Value` expression for a scalar from the schema.
pub fn scalar_literal(v: &Scalar) -> TokenStream {
    match v {
        Scalar::Null => quote!(serde_json::Value::Null),
        Scalar::Bool(b) => quote!(serde_json::Value::Bool(#b)),
        Scalar::Str(s) => quote!(serde_json::Value::String(String::from(#s))),
        Scalar::Int(i) => quote!(serde_json::Value::from(#i)),
        Scalar::UInt(u) => quote!(serde_json::Value::from(#u)),
        Scalar::Float(f) => quote!(serde_json::Value::from(#f)),
    }
}
