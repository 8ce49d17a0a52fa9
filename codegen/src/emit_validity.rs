//! Emits `is_valid` from the validator plan (`plan_validators`): the same checks as
//! `validate_at` (`emit_validators`), each spelled as a plain test and the tests and-ed, with
//! no place built and nothing recorded. It is the fast path of a valid body; the recording
//! `validate_at` runs only where it says false, so each check's two spellings must agree
//! (`Delivery::validated_with` asserts it in debug builds).

use crate::emit_types::ident;
use crate::emit_validators::{
    format_variant, matcher_fn, opt_usize, pattern_static, scalar_literal,
};
use crate::plan_validators::{
    AnyCheck, BoundCheck, FieldChecks, FormatCheck, IntEnum, ItemCount, LeftOfFormat, MemberChecks,
    NumberChecks, NumberRepr, PatternCheck, ScalarCheck, StrCheck, StructChecks, UnionArm,
    ValueChecks,
};
use crate::rust_types::Presence;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The body of the struct's `is_valid`: its fields' tests, and-ed.
pub fn emit_struct_test(def: &StructChecks) -> TokenStream {
    let mut fields = def.fields.iter().map(test_field);
    let Some(first) = fields.next() else {
        return quote!(true);
    };
    let rest: Vec<TokenStream> = fields.map(|f| f.test).collect();
    // A block or a `match` first, with more after it, would be read as a statement.
    let first = if first.block_like && !rest.is_empty() {
        let test = first.test;
        quote!((#test))
    } else {
        first.test
    };
    quote!(#first #(&& #rest)*)
}

struct FieldTest {
    test: TokenStream,
    /// The test is a block or a `match`.
    block_like: bool,
}

/// One field's test: its value's where it is there; its absence is a failure only where an
/// observed `required` notes it.
fn test_field(field: &FieldChecks) -> FieldTest {
    let name = ident(&field.rust_name);
    let absent_ok = field.observed_required.is_none();
    let Some(checks) = &field.checks else {
        return FieldTest {
            test: quote!(self.#name.is_some()),
            block_like: false,
        };
    };
    let test = test_value(checks, &quote!(v));
    let test = match field.presence {
        Presence::Required => quote!({ let v = &self.#name; #test }),
        Presence::RequiredNullable | Presence::Optional => {
            quote!(match &self.#name { Some(v) => #test, None => #absent_ok })
        }
        Presence::OptionalNullable => {
            quote!(match &self.#name { Some(Some(v)) => #test, Some(None) => true, None => #absent_ok })
        }
    };
    FieldTest {
        test,
        block_like: true,
    }
}

/// The test of one value `v` (an expression of type `&T`): a `bool` expression.
fn test_value(checks: &ValueChecks, v: &TokenStream) -> TokenStream {
    match checks {
        ValueChecks::Nested => quote!(crate::validate::Validate::is_valid(#v)),
        ValueChecks::Str(checks) => all(checks.iter().map(|c| test_str(c, v))),
        ValueChecks::Number(checks) => test_number(checks, v),
        ValueChecks::Bool(checks) => test_scalars(checks, &quote!(serde_json::Value::Bool(*#v))),
        ValueChecks::Any(checks) => all(checks.iter().map(|c| test_any(c, v))),
        ValueChecks::Opt(inner) => {
            let inner = test_value(inner, &quote!(v));
            quote!(match #v { Some(v) => #inner, None => true })
        }
        ValueChecks::List { count, each } => {
            let count = count.map(|ItemCount { min, max }| {
                let (min, max) = (opt_usize(min), opt_usize(max));
                quote!(crate::validate::count_fits(#v.len(), #min, #max))
            });
            let each = each.as_deref().map(|checks| match checks {
                ValueChecks::Nested => quote!(#v.iter().all(crate::validate::Validate::is_valid)),
                _ => {
                    let test = test_value(checks, &quote!(item));
                    quote!(#v.iter().all(|item| #test))
                }
            });
            all(count.into_iter().chain(each))
        }
        ValueChecks::Union { name, arms } => test_union(name, arms, v),
    }
}

fn test_union(name: &str, arms: &[UnionArm], v: &TokenStream) -> TokenStream {
    let name = ident(name);
    let arms = arms.iter().map(|arm| {
        let variant = ident(&arm.variant);
        let x = quote!(x);
        let test = match &arm.checks {
            None => return quote!(#name::#variant(_) => true,),
            Some(MemberChecks::Str(checks)) => all(checks.iter().map(|c| test_str(c, &x))),
            Some(MemberChecks::Number(checks)) => test_number(checks, &x),
            Some(MemberChecks::Value(checks)) => {
                test_scalars(checks, &quote!(serde_json::Value::from(#x.clone())))
            }
        };
        quote!(#name::#variant(#x) => #test,)
    });
    quote!(match #v { #(#arms)* })
}

fn test_str(check: &StrCheck, v: &TokenStream) -> TokenStream {
    match check {
        StrCheck::Const(s) => quote!(#v.as_str() == #s),
        StrCheck::Unsatisfiable { .. } => quote!(false),
        StrCheck::Enum { values, .. } if values.is_empty() => quote!(false),
        StrCheck::Enum { values, .. } => quote!(matches!(#v.as_str(), #(#values)|*)),
        StrCheck::Pattern(check) => test_pattern(check, v),
        StrCheck::Format(format) => test_format(format, v),
        StrCheck::Length { min, max, .. } => {
            let (min, max) = (opt_usize(*min), opt_usize(*max));
            quote!(crate::validate::length_fits(#v, #min, #max))
        }
    }
}

/// A pattern, and as much of its format as its verdict leaves (see `emit_validators`).
fn test_pattern(check: &PatternCheck, v: &TokenStream) -> TokenStream {
    let full = |format: &Option<FormatCheck>| format.as_ref().map(|f| test_format(f, v));
    match check {
        PatternCheck::Matcher {
            pattern, format, ..
        } => {
            let matcher = matcher_fn(*pattern);
            all(std::iter::once(quote!(#matcher(#v))).chain(full(format)))
        }
        PatternCheck::MatcherImpliesFormat {
            pattern, on_match, ..
        } => {
            let matcher = matcher_fn(*pattern);
            match on_match {
                LeftOfFormat::Nothing => quote!(#matcher(#v)),
                LeftOfFormat::DayOfMonth => {
                    quote!(#matcher(#v) && crate::formats::day_exists(#v))
                }
            }
        }
        PatternCheck::Regex {
            pattern, format, ..
        } => {
            let name = pattern_static(*pattern);
            let test = quote!(crate::validate::pattern_holds(#v, &#name));
            all(std::iter::once(test).chain(full(format)))
        }
    }
}

fn test_format(check: &FormatCheck, v: &TokenStream) -> TokenStream {
    let f = format_variant(check.format);
    quote!(crate::formats::Format::#f.is_valid(#v))
}

fn test_number(checks: &NumberChecks, v: &TokenStream) -> TokenStream {
    let (as_f64, to_value) = match checks.repr {
        NumberRepr::Int => (quote!(*#v as f64), quote!(serde_json::Value::from(*#v))),
        NumberRepr::Num => (
            quote!(#v.as_f64().unwrap_or(f64::NAN)),
            quote!(serde_json::Value::Number(#v.clone())),
        ),
    };
    let bounds = checks.bounds.iter().map(|BoundCheck { bound, limit, .. }| {
        let kind = crate::emit_validators::bound_kind(*bound);
        let limit = Literal::f64_suffixed(*limit);
        quote!(crate::validate::bound_holds(#as_f64, #kind, #limit))
    });
    let values = (!checks.values.is_empty()).then(|| test_scalars(&checks.values, &to_value));
    let int_enums = checks.int_enums.iter().map(|IntEnum { values, .. }| {
        let values = values.iter().map(|&i| Literal::i64_unsuffixed(i));
        quote!([#(#values),*].contains(#v))
    });
    all(bounds.chain(values).chain(int_enums))
}

/// `const` and `enum` on a value turned into a `serde_json::Value` (booleans, numbers).
fn test_scalars(checks: &[ScalarCheck], value: &TokenStream) -> TokenStream {
    let tests = checks.iter().map(|check| match check {
        ScalarCheck::Const(c) => {
            let c = scalar_literal(c);
            quote!(crate::validate::value_is(&#value, &#c))
        }
        ScalarCheck::Enum { values, .. } => {
            let values = values.iter().map(scalar_literal);
            quote!(crate::validate::value_in(&#value, &[#(#values),*]))
        }
    });
    all(tests)
}

fn test_any(check: &AnyCheck, v: &TokenStream) -> TokenStream {
    match check {
        AnyCheck::Type(types) => {
            let names = types.iter().map(|t| t.name());
            quote!(crate::validate::value_has_type(#v, &[#(#names),*]))
        }
        AnyCheck::Value(check) => test_scalars(std::slice::from_ref(check), &quote!(*#v)),
        AnyCheck::WhereString(checks) => {
            let test = all(checks.iter().map(|c| test_str(c, &quote!(s))));
            quote!(match #v { serde_json::Value::String(s) => #test, _ => true })
        }
    }
}

/// The tests and-ed, in order (`true` for none). None starts with a block or a `match`
/// where it matters: the callers put them after `=>`, `|item|` or `&&`.
fn all(tests: impl Iterator<Item = TokenStream>) -> TokenStream {
    let tests: Vec<TokenStream> = tests.collect();
    if tests.is_empty() {
        quote!(true)
    } else {
        quote!(#(#tests)&&*)
    }
}
