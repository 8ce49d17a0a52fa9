//! What the generated validators report and the small checks they call. Every violation
//! carries the JSON pointer of the offending value and the source of the rule it breaks (the
//! document's words, or an ERRATA entry's inference from its examples); the path is built
//! only when a check fails.

use crate::formats::Format;
use std::fmt;
use std::sync::OnceLock;

/// One way a value breaks the catalog's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the request body ("" for the body itself).
    pub pointer: String,
    /// The JSON Schema keyword that failed (`pattern`, `format`, `enum`, …; `required` for an
    /// observed property that is missing).
    pub keyword: &'static str,
    pub message: String,
    /// `None`: a documented rule (the document's words), which refuses the body. `Some(n)`: an
    /// observed one (`x-observed`, read off the document's examples), recorded in entry `n` of
    /// the vendor's ERRATA.md: a note, which refuses nothing unless asked
    /// ([`Strictness::Observed`](crate::Strictness::Observed)).
    pub errata: Option<u32>,
}

impl Violation {
    /// True when the rule broken was only observed: a note, not a refusal.
    pub fn is_observed(&self) -> bool {
        self.errata.is_some()
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)?;
        match self.errata {
            Some(n) => write!(f, " (observed, ERRATA #{n})"),
            None => Ok(()),
        }
    }
}

/// Where a value sits in the body: a chain of borrowed steps, turned into a JSON pointer only
/// when a check fails, so that valid input costs no allocation.
#[derive(Debug, Clone, Copy)]
pub enum At<'a> {
    /// The root, or a prefix already written out (a batch item: `/payload/3`).
    Root(&'a str),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    pub fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    pub fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }

    pub fn pointer(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            At::Root(prefix) => out.push_str(prefix),
            At::Key(parent, key) => {
                parent.write(out);
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            At::Index(parent, i) => {
                parent.write(out);
                out.push('/');
                out.push_str(&i.to_string());
            }
        }
    }
}

/// Implemented by every generated type: checks what serde cannot.
pub trait Validate {
    /// True when the value breaks no rule, documented or observed. The generated types
    /// implement it as the same checks as [`validate_at`](Validate::validate_at), each a plain
    /// test, recording nothing: the fast path of a valid body, after which the violations are
    /// recorded only where it says false.
    fn is_valid(&self) -> bool {
        let mut out = Vec::new();
        self.validate_at(&At::Root(""), &mut out);
        out.is_empty()
    }

    fn validate_at(&self, at: &At<'_>, out: &mut Vec<Violation>);

    /// Every violation, with pointers from the root of this value.
    fn validate(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        self.validate_at(&At::Root(""), &mut out);
        out
    }
}

/// Records a violation. Out of line and marked cold: valid input never comes here, and the
/// checks' fast paths stay short and predicted.
#[cold]
#[inline(never)]
fn push(
    out: &mut Vec<Violation>,
    at: &At<'_>,
    keyword: &'static str,
    errata: Option<u32>,
    message: fmt::Arguments<'_>,
) {
    out.push(Violation {
        pointer: at.pointer(),
        keyword,
        message: message.to_string(),
        errata,
    });
}

/// A `pattern` from the catalog: a matcher compiled into Rust by `cargo xtask generate` where
/// the regex allows it (linear, no engine), else a regex compiled on first use. Patterns are
/// checked to compile by `cargo xtask check` before any code is generated from them.
pub struct Pattern {
    source: &'static str,
    matcher: Matcher,
    accepts_empty: bool,
}

enum Matcher {
    Compiled(fn(&str) -> bool),
    Regex(OnceLock<Option<regex::Regex>>),
}

impl Pattern {
    /// A pattern matched by generated code.
    pub const fn compiled(source: &'static str, matcher: fn(&str) -> bool) -> Self {
        Pattern {
            source,
            matcher: Matcher::Compiled(matcher),
            accepts_empty: false,
        }
    }

    /// A pattern matched by the `regex` crate.
    pub const fn regex(source: &'static str) -> Self {
        Pattern {
            source,
            matcher: Matcher::Regex(OnceLock::new()),
            accepts_empty: false,
        }
    }

    /// A regex pattern that matches the empty string (`cargo xtask generate` checked), which
    /// then needs no engine.
    pub const fn regex_accepting_empty(source: &'static str) -> Self {
        Pattern {
            source,
            matcher: Matcher::Regex(OnceLock::new()),
            accepts_empty: true,
        }
    }

    pub fn source(&self) -> &'static str {
        self.source
    }

    /// True when `cargo xtask generate` compiled the pattern into Rust.
    pub fn is_compiled(&self) -> bool {
        matches!(self.matcher, Matcher::Compiled(_))
    }

    /// `None` when a regex pattern does not compile, which `cargo xtask check` rules out.
    pub fn is_match(&self, s: &str) -> Option<bool> {
        match &self.matcher {
            Matcher::Compiled(matches) => Some(matches(s)),
            Matcher::Regex(_) if self.accepts_empty && s.is_empty() => Some(true),
            Matcher::Regex(compiled) => compiled
                .get_or_init(|| regex::Regex::new(self.source).ok())
                .as_ref()
                .map(|re| re.is_match(s)),
        }
    }
}

/// Reads a string left to right for the generated pattern matchers.
pub struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    pub fn new(s: &'a str) -> Self {
        Cursor { rest: s }
    }

    #[inline]
    fn peek(&self) -> Option<char> {
        let b = *self.rest.as_bytes().first()?;
        if b.is_ascii() {
            Some(b as char)
        } else {
            self.rest.chars().next()
        }
    }

    /// True when the next byte is an ASCII character that `test` accepts.
    #[inline]
    pub fn peek_byte(&self, test: impl Fn(u8) -> bool) -> bool {
        self.rest
            .as_bytes()
            .first()
            .is_some_and(|&b| b.is_ascii() && test(b))
    }

    /// True when the next byte starts a non-ASCII character or is an ASCII character that
    /// `test` accepts: the first-character test of a set holding all of non-ASCII.
    #[inline]
    pub fn peek_byte_or_non_ascii(&self, test: impl Fn(u8) -> bool) -> bool {
        self.rest
            .as_bytes()
            .first()
            .is_some_and(|&b| !b.is_ascii() || test(b))
    }

    /// Consumes the ASCII character `byte` if it is next.
    #[inline]
    pub fn eat(&mut self, byte: u8) -> bool {
        if self.rest.as_bytes().first() == Some(&byte) {
            self.rest = &self.rest[1..];
            true
        } else {
            false
        }
    }

    /// Consumes the next `N` bytes if there are that many and `test` accepts them: a run of
    /// fixed-width pieces checked at constant indices, after a single length check.
    #[inline]
    pub fn fixed<const N: usize>(&mut self, test: impl Fn(&[u8; N]) -> bool) -> bool {
        match self.rest.as_bytes().first_chunk::<N>() {
            // `test` accepts ASCII bytes only, so `N` is a character boundary.
            Some(head) if test(head) => match self.rest.get(N..) {
                Some(rest) => {
                    self.rest = rest;
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// Like `chars`, for a set of ASCII characters given as a byte test.
    #[inline]
    pub fn bytes(&mut self, test: impl Fn(u8) -> bool, min: u32, max: Option<u32>) -> bool {
        if max == Some(min) {
            // An exact count (`{4}`, `{24}`), the common case: a fixed slice, no counting.
            // On failure nothing is consumed, where the loop below consumes the matching
            // prefix; no caller reads the cursor after a failure.
            let n = min as usize;
            let fits = self.rest.len() >= n
                && self.rest.as_bytes()[..n]
                    .iter()
                    .all(|&b| b.is_ascii() && test(b));
            if fits {
                self.rest = &self.rest[n..];
            }
            return fits;
        }
        let limit = max.map_or(usize::MAX, |m| m as usize);
        let n = self
            .rest
            .bytes()
            .take(limit)
            .take_while(|&b| b.is_ascii() && test(b))
            .count();
        self.rest = &self.rest[n..];
        n >= min as usize
    }

    /// Consumes a run of characters that are either non-ASCII or ASCII accepted by `test`;
    /// true when it holds at least `min` characters. Never stops inside a character: all
    /// bytes of a non-ASCII character are non-ASCII.
    #[inline]
    pub fn run_with_non_ascii(&mut self, test: impl Fn(u8) -> bool, min: u32) -> bool {
        let taken = self
            .rest
            .bytes()
            .take_while(|&b| !b.is_ascii() || test(b))
            .count();
        let enough = match min {
            // Any byte taken starts a character: the cursor is always on a boundary.
            0 | 1 => taken >= min as usize,
            _ => {
                self.rest.as_bytes()[..taken]
                    .iter()
                    .filter(|&&b| b & 0xC0 != 0x80)
                    .count()
                    >= min as usize
            }
        };
        self.rest = &self.rest[taken..];
        enough
    }

    /// True when the next character is in `set`.
    #[allow(
        dead_code,
        reason = "emitted for a `pattern` whose repetition or alternative starts with a class of some non-ASCII characters, which no catalog schema uses today"
    )]
    #[inline]
    pub fn peek_in(&self, set: &[(char, char)]) -> bool {
        self.peek().is_some_and(|c| in_set(c, set))
    }

    /// Consumes as many characters of `set` as there are, up to `max`; true when at least
    /// `min` were there.
    #[allow(
        dead_code,
        reason = "emitted for a `pattern` that repeats a class of some non-ASCII characters (or of all, a bounded number of times), which no catalog schema uses today"
    )]
    pub fn chars(&mut self, set: &[(char, char)], min: u32, max: Option<u32>) -> bool {
        let mut n = 0u32;
        while max.is_none_or(|m| n < m) {
            match self.peek() {
                Some(c) if in_set(c, set) => {
                    self.rest = &self.rest[c.len_utf8()..];
                    n += 1;
                }
                _ => break,
            }
        }
        n >= min
    }

    /// Matches `one` at least `min` and at most `max` times, repeating while `starts` sees
    /// its first character next (which the generator made sure nothing after it starts with).
    pub fn repeat(
        &mut self,
        min: u32,
        max: Option<u32>,
        starts: impl Fn(&Self) -> bool,
        one: impl Fn(&mut Self) -> bool,
    ) -> bool {
        let mut n = 0u32;
        while max.is_none_or(|m| n < m) && (n < min || starts(self)) {
            if !one(self) {
                return false;
            }
            n += 1;
        }
        n >= min
    }

    pub fn at_end(&self) -> bool {
        self.rest.is_empty()
    }
}

/// True when `b` is an ASCII character whose bit is set in `mask`: the generated matchers'
/// test for a set of many ranges.
#[inline]
pub fn ascii_in(mask: u128, b: u8) -> bool {
    ((mask >> (b & 0x7f)) & 1 == 1) & (b < 0x80)
}

fn in_set(c: char, set: &[(char, char)]) -> bool {
    set.iter().any(|&(lo, hi)| lo <= c && c <= hi)
}

// Every check takes `errata`, what a violation it finds records (`None`: a documented rule;
// `Some(n)`: observed, ERRATA entry n), just before the place `at` and the list `out`.

pub fn str_const(
    v: &str,
    expected: &str,
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    if v != expected {
        push(
            out,
            at,
            "const",
            errata,
            format_args!("{v:?} is not {expected:?}"),
        );
    }
}

/// Records the verdict of an `enum` check the validator made inline (`is_member`).
#[inline]
pub fn str_enum(
    v: &str,
    is_member: bool,
    allowed: &[&str],
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    debug_assert_eq!(is_member, allowed.contains(&v));
    if !is_member {
        push(
            out,
            at,
            "enum",
            errata,
            format_args!("{v:?} is not one of {allowed:?}"),
        );
    }
}

/// Checks `v` against a regex pattern.
pub fn str_pattern(
    v: &str,
    pattern: &Pattern,
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    match pattern.is_match(v) {
        Some(true) => {}
        Some(false) => push(
            out,
            at,
            "pattern",
            errata,
            format_args!("{v:?} does not match {:?}", pattern.source()),
        ),
        None => push(
            out,
            at,
            "pattern",
            errata,
            format_args!(
                "the catalog's pattern {:?} does not compile",
                pattern.source()
            ),
        ),
    }
}

/// Records the verdict of a pattern's generated matcher, called inline by the validator.
#[inline]
pub fn pattern_result(
    v: &str,
    matched: bool,
    pattern: &Pattern,
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    if !matched {
        push(
            out,
            at,
            "pattern",
            errata,
            format_args!("{v:?} does not match {:?}", pattern.source()),
        );
    }
}

pub fn str_format(
    v: &str,
    format: Format,
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    if !format.is_valid(v) {
        push(
            out,
            at,
            "format",
            errata,
            format_args!("{v:?} is not a valid {}", format.name()),
        );
    }
}

/// The part of the `date-time` check that a pattern holding every field in range leaves:
/// whether the day exists in its month (`cargo xtask generate` proved the rest implied).
#[inline]
pub fn day_of_month(v: &str, errata: Option<u32>, at: &At<'_>, out: &mut Vec<Violation>) {
    if !crate::formats::day_exists(v) {
        push(
            out,
            at,
            "format",
            errata,
            format_args!("{v:?} is not a valid {}", Format::DateTime.name()),
        );
    }
}

#[allow(
    dead_code,
    reason = "emitted for `minLength` and `maxLength`, documented or observed, only where a catalog schema has one"
)]
pub fn str_length(
    v: &str,
    min: Option<usize>,
    max: Option<usize>,
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    if length_fits(v, min, max) {
        return;
    }
    let len = v.chars().count();
    if min.is_some_and(|m| len < m) {
        push(
            out,
            at,
            "minLength",
            errata,
            format_args!("{v:?} is shorter than {} characters", min.unwrap_or(0)),
        );
    }
    if max.is_some_and(|m| len > m) {
        push(
            out,
            at,
            "maxLength",
            errata,
            format_args!("{v:?} is longer than {} characters", max.unwrap_or(0)),
        );
    }
}

/// Which numeric bound a check is about.
#[derive(Debug, Clone, Copy)]
pub enum Bound {
    Minimum,
    Maximum,
    #[allow(
        dead_code,
        reason = "emitted for `exclusiveMinimum`, which no catalog schema uses today"
    )]
    ExclusiveMinimum,
    #[allow(
        dead_code,
        reason = "emitted for `exclusiveMaximum`, which no catalog schema uses today"
    )]
    ExclusiveMaximum,
}

/// Whether `v` keeps the bound `limit`.
#[inline]
pub fn bound_holds(v: f64, bound: Bound, limit: f64) -> bool {
    match bound {
        Bound::Minimum => v >= limit,
        Bound::Maximum => v <= limit,
        Bound::ExclusiveMinimum => v > limit,
        Bound::ExclusiveMaximum => v < limit,
    }
}

pub fn number_bound(
    v: f64,
    bound: Bound,
    limit: f64,
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    let (keyword, words) = match bound {
        Bound::Minimum => ("minimum", "less than the minimum of"),
        Bound::Maximum => ("maximum", "greater than the maximum of"),
        Bound::ExclusiveMinimum => ("exclusiveMinimum", "less than or equal to"),
        Bound::ExclusiveMaximum => ("exclusiveMaximum", "greater than or equal to"),
    };
    if !bound_holds(v, bound, limit) {
        push(
            out,
            at,
            keyword,
            errata,
            format_args!("{v} is {words} {limit}"),
        );
    }
}

pub fn item_count(
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    if count_fits(len, min, max) {
        return;
    }
    if min.is_some_and(|m| len < m) {
        push(
            out,
            at,
            "minItems",
            errata,
            format_args!("{len} items, fewer than {}", min.unwrap_or(0)),
        );
    }
    if max.is_some_and(|m| len > m) {
        push(
            out,
            at,
            "maxItems",
            errata,
            format_args!("{len} items, more than {}", max.unwrap_or(0)),
        );
    }
}

/// `enum` on an integer, compared as integers (the generator kept the members one can equal).
#[allow(
    dead_code,
    reason = "emitted for `enum` on an integer, documented or observed, only where a catalog schema has one"
)]
pub fn int_enum(
    v: i64,
    allowed: &[i64],
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    if !allowed.contains(&v) {
        push(
            out,
            at,
            "enum",
            errata,
            format_args!("{v} is not one of {allowed:?}"),
        );
    }
}

#[allow(
    dead_code,
    reason = "emitted for `const` on a boolean, a number or an untyped value, which no catalog schema uses today"
)]
pub fn value_const(
    v: &serde_json::Value,
    expected: &serde_json::Value,
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    if !value_is(v, expected) {
        push(
            out,
            at,
            "const",
            errata,
            format_args!("{v} is not {expected}"),
        );
    }
}

#[allow(
    dead_code,
    reason = "emitted for `enum` on a boolean, a number or an untyped value, which no catalog schema uses today"
)]
pub fn value_enum(
    v: &serde_json::Value,
    allowed: &[serde_json::Value],
    errata: Option<u32>,
    at: &At<'_>,
    out: &mut Vec<Violation>,
) {
    if !value_in(v, allowed) {
        push(
            out,
            at,
            "enum",
            errata,
            format_args!("{v} is not one of the allowed values"),
        );
    }
}

/// JSON Schema equality: numbers compare by value (1 equals 1.0).
#[allow(
    dead_code,
    reason = "emitted for `const` on a boolean, a number or an untyped value, which no catalog schema uses today"
)]
pub fn value_is(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Whether `v` equals a member of `allowed`, as JSON Schema compares.
#[allow(
    dead_code,
    reason = "emitted for `enum` on a boolean, a number or an untyped value, only where a catalog schema has one"
)]
pub fn value_in(v: &serde_json::Value, allowed: &[serde_json::Value]) -> bool {
    allowed.iter().any(|a| value_is(v, a))
}

/// Whether `v` has `min` to `max` characters.
#[allow(
    dead_code,
    reason = "emitted for `minLength` and `maxLength`, documented or observed, only where a catalog schema has one"
)]
#[inline]
pub fn length_fits(v: &str, min: Option<usize>, max: Option<usize>) -> bool {
    // A character is 1 to 4 bytes: most strings are decided by their byte length alone.
    let bytes = v.len();
    if min.is_none_or(|m| bytes >= m.saturating_mul(4)) && max.is_none_or(|m| bytes <= m) {
        return true;
    }
    let len = v.chars().count();
    min.is_none_or(|m| len >= m) && max.is_none_or(|m| len <= m)
}

/// Whether a list of `len` items has `min` to `max` of them.
#[inline]
pub fn count_fits(len: usize, min: Option<usize>, max: Option<usize>) -> bool {
    min.is_none_or(|m| len >= m) && max.is_none_or(|m| len <= m)
}

/// Whether `v` matches a regex pattern (a pattern that does not compile matches nothing).
pub fn pattern_holds(v: &str, pattern: &Pattern) -> bool {
    pattern.is_match(v) == Some(true)
}

/// The `type` check of a value the Rust types leave as `serde_json::Value` (`"type": "null"`).
/// Always a documented rule: `x-observed` has no `type`.
#[allow(
    dead_code,
    reason = "emitted for `type` on a value without a Rust type of its own (`\"type\": \"null\"`), which no catalog schema uses today"
)]
pub fn value_type(v: &serde_json::Value, types: &[&str], at: &At<'_>, out: &mut Vec<Violation>) {
    if !value_has_type(v, types) {
        push(
            out,
            at,
            "type",
            None,
            format_args!("{v} is not of type {}", types.join(" or ")),
        );
    }
}

/// Whether `v` is of one of `types`, as JSON Schema reads them.
#[allow(
    dead_code,
    reason = "emitted for `type` on a value without a Rust type of its own, which no catalog schema uses today"
)]
pub fn value_has_type(v: &serde_json::Value, types: &[&str]) -> bool {
    use serde_json::Value;
    let fits = |t: &str| match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => {
            v.as_i64().is_some()
                || v.as_u64().is_some()
                || v.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "array" => v.is_array(),
        "object" => matches!(v, Value::Object(_)),
        _ => false,
    };
    types.iter().any(|t| fits(t))
}

/// A schema that no value of this Rust type can satisfy (a `const` of another JSON type).
#[allow(
    dead_code,
    reason = "emitted for a `const` that is not a string on a string (as in a `[\"string\", \"integer\"]` union), which no catalog schema uses today"
)]
pub fn never(at: &At<'_>, keyword: &'static str, out: &mut Vec<Violation>) {
    push(
        out,
        at,
        keyword,
        None,
        format_args!("no value of this type is allowed here"),
    );
}

/// The property `name`, which every example of the document carries though the document never
/// says it is always sent (`x-observed`'s `required`), is absent from the object at `at` (the
/// object's place, as JSON Schema reports `required`). Only an observed rule comes here: serde
/// refuses the absence of a documented one.
#[allow(
    dead_code,
    reason = "emitted for `x-observed`'s `required`, only where a catalog schema has one"
)]
#[cold]
#[inline(never)]
pub fn missing(name: &str, errata: u32, at: &At<'_>, out: &mut Vec<Violation>) {
    push(
        out,
        at,
        "required",
        Some(errata),
        format_args!("{name:?} is missing, though every example of the document carries it"),
    );
}

// The checks below are emitted for keywords no catalog schema uses today: without these tests
// nothing would run them.
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The keywords `check` reports at `/f`.
    fn keywords(check: impl FnOnce(&At<'_>, &mut Vec<Violation>)) -> Vec<&'static str> {
        let root = At::Root("");
        let at = root.key("f");
        let mut out = Vec::new();
        check(&at, &mut out);
        assert!(out.iter().all(|v| v.pointer == "/f"), "{out:?}");
        out.iter().map(|v| v.keyword).collect()
    }

    #[test]
    fn str_length_counts_characters() {
        let check = |v: &str, min, max| keywords(|at, out| str_length(v, min, max, None, at, out));
        assert_eq!(check("ab", Some(3), None), ["minLength"]);
        assert_eq!(check("abc", None, Some(2)), ["maxLength"]);
        // Two characters in four bytes.
        assert!(check("éé", Some(2), Some(2)).is_empty());
        assert!(check("", None, Some(0)).is_empty());
    }

    #[test]
    fn exclusive_bounds_exclude_the_limit() {
        let check = |v, bound| keywords(|at, out| number_bound(v, bound, 10.0, None, at, out));
        assert_eq!(check(10.0, Bound::ExclusiveMinimum), ["exclusiveMinimum"]);
        assert!(check(10.5, Bound::ExclusiveMinimum).is_empty());
        assert_eq!(check(10.0, Bound::ExclusiveMaximum), ["exclusiveMaximum"]);
        assert!(check(9.5, Bound::ExclusiveMaximum).is_empty());
        // The inclusive bounds, for contrast, accept the limit.
        assert!(check(10.0, Bound::Minimum).is_empty());
        assert!(check(10.0, Bound::Maximum).is_empty());
    }

    #[test]
    fn value_const_and_enum_compare_numbers_by_value() {
        let constant = |v, c| keywords(|at, out| value_const(&v, &c, None, at, out));
        assert!(constant(json!(1), json!(1.0)).is_empty());
        assert!(constant(json!(true), json!(true)).is_empty());
        assert_eq!(constant(json!("a"), json!("b")), ["const"]);
        assert_eq!(constant(json!(1), json!("1")), ["const"]);
        let member = |v, allowed: &[serde_json::Value]| {
            keywords(|at, out| value_enum(&v, allowed, None, at, out))
        };
        assert!(member(json!(2.0), &[json!(1), json!(2)]).is_empty());
        assert!(member(json!(null), &[json!(null)]).is_empty());
        assert_eq!(member(json!(true), &[json!(false)]), ["enum"]);
    }

    #[test]
    fn value_type_reads_integers_as_json_schema_does() {
        let check = |v, types: &[&str]| keywords(|at, out| value_type(&v, types, at, out));
        assert!(check(json!(null), &["null"]).is_empty());
        assert!(check(json!(2.0), &["integer"]).is_empty());
        assert_eq!(check(json!(2.5), &["integer"]), ["type"]);
        assert_eq!(check(json!("x"), &["integer", "null"]), ["type"]);
        assert!(check(json!({}), &["object"]).is_empty());
    }

    #[test]
    fn never_always_reports_its_keyword() {
        assert_eq!(keywords(|at, out| never(at, "const", out)), ["const"]);
    }

    #[test]
    fn an_observed_violation_cites_its_errata_entry_and_says_so() {
        let root = At::Root("");
        let visitor = root.key("visitor");
        let at = visitor.key("phone");
        let mut out = Vec::new();
        pattern_result(
            "12",
            false,
            &Pattern::regex("^[0-9]{5}$"),
            Some(31),
            &at,
            &mut out,
        );
        str_format("x", Format::Email, None, &at, &mut out);
        missing("email", 7, &visitor, &mut out);
        let shown: Vec<String> = out.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "/visitor/phone: \"12\" does not match \"^[0-9]{5}$\" (observed, ERRATA #31)",
                "/visitor/phone: \"x\" is not a valid email",
                "/visitor: \"email\" is missing, though every example of the document carries it (observed, ERRATA #7)",
            ]
        );
        assert_eq!(
            out.iter().map(|v| v.errata).collect::<Vec<_>>(),
            [Some(31), None, Some(7)]
        );
        assert_eq!(out[2].keyword, "required");
        assert!(out[0].is_observed() && !out[1].is_observed());
    }

    /// `^[é-ü]{2,3}x[α-ω]*$`, as the generator compiles it.
    fn non_ascii_run(s: &str) -> bool {
        let mut c = Cursor::new(s);
        c.chars(&[('é', 'ü')], 2, Some(3))
            && c.eat(b'x')
            && c.chars(&[('α', 'ω')], 0, None)
            && c.at_end()
    }

    /// `^(éa|b)+$`, as the generator compiles it.
    fn non_ascii_choice(s: &str) -> bool {
        let mut c = Cursor::new(s);
        c.repeat(
            1,
            None,
            |c| c.peek_in(&[('é', 'é'), ('b', 'b')]),
            |c| {
                if c.peek_in(&[('é', 'é')]) {
                    c.chars(&[('é', 'é')], 1, Some(1)) && c.eat(b'a')
                } else if c.peek_byte(|b| b == b'b') {
                    c.eat(b'b')
                } else {
                    false
                }
            },
        ) && c.at_end()
    }

    #[test]
    fn non_ascii_classes_match_whole_characters() {
        for (s, expected) in [
            ("éüx", true),
            ("éüöxαβ", true),
            ("éx", false),
            ("éüöüx", false),
            ("éüxa", false),
            ("ex", false),
        ] {
            assert_eq!(non_ascii_run(s), expected, "{s:?}");
        }
        for (s, expected) in [
            ("éa", true),
            ("béab", true),
            ("", false),
            ("é", false),
            ("èa", false),
            ("a", false),
        ] {
            assert_eq!(non_ascii_choice(s), expected, "{s:?}");
        }
    }
}
