//! How common JSON serializers write a body that a receiver parsed and serialized again.
//!
//! A receiver that checks its HMAC over `serialize(parse(body))` instead of the bytes it got
//! accepts exactly the bodies already in its serializer's layout, so the harness needs each
//! layout of a body to tell such a receiver from one that signs the raw bytes.
//!
//! JavaScript, Python and Go are emulated from their own rules, because each parses numbers,
//! duplicate keys and escapes differently from serde_json: one reader here keeps everything
//! any of them could see (number text as written, strings as UTF-16, every member in order)
//! and each writer applies its language's rules to it. The tests hold the JavaScript and
//! Python writers to `node` and `python3` byte for byte; Go is not installed, so its writer is
//! held to hand-checked vectors from Go 1.22+'s `encoding/json`. The serde layouts are
//! serde_json itself, as this crate builds it.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

/// A layout a body can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Layout {
    /// `JSON.stringify(JSON.parse(text))`.
    JsStringify,
    /// Python's `json.dumps(json.loads(body))`, both with their defaults.
    PythonDumps,
    /// Go's `json.Marshal` of what `json.Unmarshal` put in an `interface{}`.
    GoMarshal,
    /// `serde_json::to_vec` of a `serde_json::Value`.
    SerdeCompact,
    /// `serde_json::to_vec_pretty` of a `serde_json::Value`.
    Pretty,
    /// Compact, with every object's keys in reverse order.
    ReversedKeys,
}

impl Layout {
    #[cfg(test)]
    pub(crate) const ALL: [Layout; 6] = [
        Layout::JsStringify,
        Layout::PythonDumps,
        Layout::GoMarshal,
        Layout::SerdeCompact,
        Layout::Pretty,
        Layout::ReversedKeys,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Layout::JsStringify => "JavaScript JSON.stringify",
            Layout::PythonDumps => "Python json.dumps",
            Layout::GoMarshal => "Go encoding/json",
            Layout::SerdeCompact => "compact",
            Layout::Pretty => "pretty-printed",
            Layout::ReversedKeys => "keys reversed",
        }
    }

    pub(crate) fn id(self) -> &'static str {
        match self {
            Layout::JsStringify => "js",
            Layout::PythonDumps => "python",
            Layout::GoMarshal => "go",
            Layout::SerdeCompact => "compact",
            Layout::Pretty => "pretty",
            Layout::ReversedKeys => "reversed-keys",
        }
    }

    /// The body as this serializer writes `JSON.parse(body)` (or its language's equivalent);
    /// None when `body` is not JSON to that language.
    ///
    /// Bodies nested deeper than serde_json allows (127 levels) are None for every layout,
    /// although node and Python would go deeper.
    pub(crate) fn rewrite(self, body: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(body.len());
        match self {
            Layout::JsStringify => js_write(&parse(body, Dialect::Strict)?, &mut out)?,
            Layout::PythonDumps => {
                // json.loads on bytes decodes them as "utf-8-sig", so a leading BOM is dropped
                // (Flask, Django and FastAPI all hand it the bytes).
                let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
                python_write(&parse(body, Dialect::Python)?, &mut out)?;
            }
            Layout::GoMarshal => go_write(&parse(body, Dialect::Strict)?, &mut out)?,
            Layout::SerdeCompact => return serde_json::to_vec(&serde_value(body)?).ok(),
            Layout::Pretty => return serde_json::to_vec_pretty(&serde_value(body)?).ok(),
            Layout::ReversedKeys => return serde_json::to_vec(&reversed(serde_value(body)?)).ok(),
        }
        Some(out)
    }
}

fn serde_value(body: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(body).ok()
}

fn reversed(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .rev()
                .map(|(key, value)| (key, reversed(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(reversed).collect()),
        other => other,
    }
}

/// A parsed body with all that any of the emulated parsers could see: number text as
/// written (each language reads it its own way), strings as UTF-16 (JavaScript and Python
/// keep lone surrogates, Go replaces them), and every object member in order, duplicates
/// included (each language keeps a different one).
#[derive(Debug)]
enum Json<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(Vec<u16>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Vec<u16>, Json<'a>)>),
}

/// What the reader accepts beyond RFC 8259.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Strict,
    /// Python's json.loads also reads `NaN`, `Infinity` and `-Infinity`.
    Python,
}

/// serde_json's recursion limit: it refuses a 128th nested container. The same limit here
/// keeps every layout agreeing on which bodies are JSON, and the recursion off the stack's end.
const MAX_DEPTH: usize = 127;

/// Python refuses to convert integers with more digits than this
/// (`sys.int_info.default_max_str_digits`, Python 3.11 and the 3.7-3.10 security releases).
const PYTHON_MAX_INT_DIGITS: usize = 4300;

/// `body` read as JSON text; None when it is not UTF-8 or not JSON.
fn parse(body: &[u8], dialect: Dialect) -> Option<Json<'_>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut reader = Reader {
        text,
        pos: 0,
        dialect,
    };
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    (reader.pos == text.len()).then_some(value)
}

struct Reader<'a> {
    text: &'a str,
    /// Always on a character boundary: the reader steps over ASCII bytes and whole characters.
    pos: usize,
    dialect: Dialect,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, word: &str) -> bool {
        let found = self
            .text
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word.as_bytes()));
        if found {
            self.pos += word.len();
        }
        found
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json<'a>> {
        let python = self.dialect == Dialect::Python;
        match self.peek()? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Json::String),
            b't' => self.eat("true").then_some(Json::Bool(true)),
            b'f' => self.eat("false").then_some(Json::Bool(false)),
            b'n' => self.eat("null").then_some(Json::Null),
            b'N' if python => self.constant("NaN"),
            b'I' if python => self.constant("Infinity"),
            b'-' if python && self.text.get(self.pos..)?.starts_with("-I") => {
                self.constant("-Infinity")
            }
            _ => self.number(),
        }
    }

    fn constant(&mut self, word: &'static str) -> Option<Json<'a>> {
        self.eat(word).then_some(Json::Number(word))
    }

    fn object(&mut self, depth: usize) -> Option<Json<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.eat("}") {
            return Some(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.skip_whitespace();
            if !self.eat(":") {
                return None;
            }
            self.skip_whitespace();
            members.push((key, self.value(depth)?));
            self.skip_whitespace();
            if self.eat("}") {
                return Some(Json::Object(members));
            }
            if !self.eat(",") {
                return None;
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat("]") {
            return Some(Json::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            if self.eat("]") {
                return Some(Json::Array(items));
            }
            if !self.eat(",") {
                return None;
            }
        }
    }

    fn string(&mut self) -> Option<Vec<u16>> {
        self.pos += 1;
        let mut units = Vec::new();
        loop {
            let c = self.text.get(self.pos..)?.chars().next()?;
            self.pos += c.len_utf8();
            match c {
                '"' => return Some(units),
                '\\' => {
                    let escape = self.peek()?;
                    self.pos += 1;
                    let unit = match escape {
                        b'"' => 0x22,
                        b'\\' => 0x5c,
                        b'/' => 0x2f,
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => 0x0a,
                        b'r' => 0x0d,
                        b't' => 0x09,
                        b'u' => self.hex4()?,
                        _ => return None,
                    };
                    units.push(unit);
                }
                c if c < ' ' => return None,
                c => units.extend_from_slice(c.encode_utf16(&mut [0; 2])),
            }
        }
    }

    fn hex4(&mut self) -> Option<u16> {
        let hex = self.text.get(self.pos..self.pos + 4)?;
        // from_str_radix would also take a leading '+'.
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        u16::from_str_radix(hex, 16).ok()
    }

    fn number(&mut self) -> Option<Json<'a>> {
        let start = self.pos;
        self.eat("-");
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.eat(".") && !self.digits() {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.digits() {
                return None;
            }
        }
        self.text.get(start..self.pos).map(Json::Number)
    }

    /// Steps over ASCII digits; false if there were none.
    fn digits(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos > start
    }
}

/// The members of an object as a hash map keeps them: one per key, where the key first
/// appeared, with the value it last had (JavaScript objects and Python dicts).
fn first_position_last_value<'v, 'a>(
    members: &'v [(Vec<u16>, Json<'a>)],
) -> Vec<(&'v [u16], &'v Json<'a>)> {
    let mut at: HashMap<&[u16], usize> = HashMap::new();
    let mut out: Vec<(&[u16], &Json<'a>)> = Vec::with_capacity(members.len());
    for (key, value) in members {
        match at.entry(key) {
            Entry::Occupied(slot) => {
                if let Some(member) = out.get_mut(*slot.get()) {
                    member.1 = value;
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push((key, value));
            }
        }
    }
    out
}

/// `key` as an ECMAScript array index: the canonical decimal form of an integer below
/// 2^32 - 1. Ordinary objects list these before all other keys, in numeric order
/// (OrdinaryOwnPropertyKeys), so JSON.stringify moves them to the front.
fn array_index(key: &[u16]) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key.first() == Some(&0x30)) {
        return None;
    }
    let mut n: u64 = 0;
    for &unit in key {
        let digit = char::from_u32(u32::from(unit))?.to_digit(10)?;
        n = n * 10 + u64::from(digit);
    }
    u32::try_from(n).ok().filter(|&n| n != u32::MAX)
}

/// The two-letter escape that all three languages write for `c`, if there is one.
fn short_escape(c: u32) -> Option<&'static [u8]> {
    let escape = match c {
        0x22 => "\\\"",
        0x5c => "\\\\",
        0x08 => "\\b",
        0x09 => "\\t",
        0x0a => "\\n",
        0x0c => "\\f",
        0x0d => "\\r",
        _ => return None,
    };
    Some(escape.as_bytes())
}

fn push_u_escape(out: &mut Vec<u8>, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((unit >> shift) & 0xf)]);
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

/// The shortest decimal digits that read back as a finite, non-zero `x`, with the position
/// of the decimal point: |x| = 0.DIGITS × 10^point (ECMAScript's k digits and n, Python's
/// decpt).
struct Shortest {
    digits: String,
    point: i32,
}

impl Shortest {
    fn of(x: f64) -> Option<Shortest> {
        let x = x.abs();
        let shortest = Shortest::parse(&format!("{x:e}"))?;
        // Rust breaks an exact tie between the two closest candidates upward; V8, Python's
        // repr and Go's strconv break it to the even one (158154228141327.625 is ...327.62 to
        // them and ...327.63 to Rust). Only an odd last digit can have passed an even one.
        if shortest.digits.ends_with(['1', '3', '5', '7', '9']) {
            if let Some(even) = shortest.even_twin(x) {
                return Some(even);
            }
        }
        Some(shortest)
    }

    /// Reads Rust's `{:e}` output.
    fn parse(formatted: &str) -> Option<Shortest> {
        let (mantissa, exponent) = formatted.split_once('e')?;
        Some(Shortest {
            digits: mantissa.replace('.', ""),
            point: exponent.parse::<i32>().ok()? + 1,
        })
    }

    /// The candidate as long as `self` and one below it, if `x` lies exactly halfway between
    /// the two, it is even, and it reads back as `x`.
    fn even_twin(&self, x: f64) -> Option<Shortest> {
        // No f64 has more than 767 significant digits, so these are its exact value.
        let exact = Shortest::parse(&format!("{x:.800e}"))?;
        let k = self.digits.len();
        let kept = exact.digits.get(..k)?;
        let tie = exact
            .digits
            .get(k..)?
            .strip_prefix('5')?
            .bytes()
            .all(|b| b == b'0');
        let even = kept.ends_with(['0', '2', '4', '6', '8']);
        let twin = Shortest {
            digits: kept.to_owned(),
            point: exact.point,
        };
        let reads_back = format!("0.{}e{}", twin.digits, twin.point).parse() == Ok(x);
        (tie && even && reads_back).then_some(twin)
    }

    /// Without an exponent: `0.000ddd`, `dd.ddd` or `ddd000`.
    fn fixed(&self) -> String {
        let k = self.digits.len();
        match usize::try_from(self.point) {
            Ok(0) | Err(_) => {
                let zeros = self.point.unsigned_abs() as usize;
                format!("0.{}{}", "0".repeat(zeros), self.digits)
            }
            Ok(point) if point >= k => format!("{}{}", self.digits, "0".repeat(point - k)),
            Ok(point) => {
                let (whole, fraction) = self.digits.split_at(point);
                format!("{whole}.{fraction}")
            }
        }
    }

    /// `d.ddde+N`, the exponent written with at least `exponent_digits` digits.
    fn exponential(&self, exponent_digits: usize) -> String {
        let (first, rest) = self.digits.split_at(1);
        let exponent = self.point - 1;
        let sign = if exponent < 0 { '-' } else { '+' };
        let dot = if rest.is_empty() { "" } else { "." };
        format!(
            "{first}{dot}{rest}e{sign}{:0exponent_digits$}",
            exponent.unsigned_abs()
        )
    }
}

fn sign(x: f64) -> &'static str {
    if x.is_sign_negative() { "-" } else { "" }
}

fn js_write(value: &Json<'_>, out: &mut Vec<u8>) -> Option<()> {
    match value {
        Json::Null => out.extend_from_slice(b"null"),
        Json::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Json::Number(text) => out.extend_from_slice(js_number(text.parse().ok()?)?.as_bytes()),
        Json::String(units) => js_string(units, out),
        Json::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                js_write(item, out)?;
            }
            out.push(b']');
        }
        Json::Object(members) => {
            let mut members = first_position_last_value(members);
            members.sort_by_key(|(key, _)| match array_index(key) {
                Some(index) => (false, index),
                None => (true, 0),
            });
            out.push(b'{');
            for (i, (key, value)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                js_string(key, out);
                out.push(b':');
                js_write(value, out)?;
            }
            out.push(b'}');
        }
    }
    Some(())
}

/// ECMAScript Number::toString (§6.1.6.1.20) as JSON.stringify uses it: NaN and the
/// infinities become `null`, and -0 is `0`.
fn js_number(x: f64) -> Option<String> {
    if !x.is_finite() {
        return Some("null".to_owned());
    }
    if x == 0.0 {
        return Some("0".to_owned());
    }
    let shortest = Shortest::of(x)?;
    let body = if (-5..=21).contains(&shortest.point) {
        shortest.fixed()
    } else {
        shortest.exponential(1)
    };
    Some(format!("{}{body}", sign(x)))
}

/// QuoteJSONString: lone surrogates escaped (well-formed JSON.stringify, ES2019), every
/// other character but the C0 controls, `"` and `\` written as it is.
fn js_string(units: &[u16], out: &mut Vec<u8>) {
    out.push(b'"');
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => match short_escape(u32::from(c)) {
                Some(escape) => out.extend_from_slice(escape),
                None if c < ' ' => push_u_escape(out, c as u16),
                None => push_char(out, c),
            },
            Err(lone) => push_u_escape(out, lone.unpaired_surrogate()),
        }
    }
    out.push(b'"');
}

fn python_write(value: &Json<'_>, out: &mut Vec<u8>) -> Option<()> {
    match value {
        Json::Null => out.extend_from_slice(b"null"),
        Json::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Json::Number(text) => out.extend_from_slice(python_number(text)?.as_bytes()),
        Json::String(units) => python_string(units, out),
        Json::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                python_write(item, out)?;
            }
            out.push(b']');
        }
        Json::Object(members) => {
            out.push(b'{');
            for (i, (key, value)) in first_position_last_value(members).into_iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                python_string(key, out);
                out.extend_from_slice(b": ");
                python_write(value, out)?;
            }
            out.push(b'}');
        }
    }
    Some(())
}

/// A JSON number as Python reads and writes it: an int (exact, any size up to the digit
/// limit) unless it has a fraction or an exponent, then a float written by repr.
fn python_number(text: &str) -> Option<String> {
    if matches!(text, "NaN" | "Infinity" | "-Infinity") {
        return Some(text.to_owned());
    }
    if text.contains(['.', 'e', 'E']) {
        return python_float(text.parse().ok()?);
    }
    let digits = text.trim_start_matches('-');
    if digits.len() > PYTHON_MAX_INT_DIGITS {
        return None;
    }
    // The only integer whose text str() does not give back: there is no negative zero int.
    Some(if digits == "0" { digits } else { text }.to_owned())
}

/// float.__repr__: shortest digits, the exponent form when the point is more than 16 places
/// right or 4 left of the first digit, otherwise fixed with at least one fraction digit.
fn python_float(x: f64) -> Option<String> {
    if x.is_infinite() {
        return Some(format!("{}Infinity", sign(x)));
    }
    if x == 0.0 {
        return Some(format!("{}0.0", sign(x)));
    }
    let shortest = Shortest::of(x)?;
    let body = if shortest.point <= -4 || shortest.point > 16 {
        shortest.exponential(2)
    } else {
        let fixed = shortest.fixed();
        if fixed.contains('.') {
            fixed
        } else {
            fixed + ".0"
        }
    };
    Some(format!("{}{body}", sign(x)))
}

/// ensure_ascii: printable ASCII but `"` and `\` as it is, everything else `\uXXXX` per UTF-16
/// unit (so astral characters become surrogate pairs and DEL is escaped too).
fn python_string(units: &[u16], out: &mut Vec<u8>) {
    out.push(b'"');
    for &unit in units {
        match short_escape(u32::from(unit)) {
            Some(escape) => out.extend_from_slice(escape),
            None => match u8::try_from(unit) {
                Ok(b @ 0x20..=0x7e) => out.push(b),
                _ => push_u_escape(out, unit),
            },
        }
    }
    out.push(b'"');
}

fn go_write(value: &Json<'_>, out: &mut Vec<u8>) -> Option<()> {
    match value {
        Json::Null => out.extend_from_slice(b"null"),
        Json::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Json::Number(text) => out.extend_from_slice(go_number(text.parse().ok()?)?.as_bytes()),
        Json::String(units) => go_string(&String::from_utf16_lossy(units), out),
        Json::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                go_write(item, out)?;
            }
            out.push(b']');
        }
        Json::Object(members) => {
            // A map[string]interface{}: lone surrogates are U+FFFD by now (so keys may
            // collide), the last value wins, and Marshal sorts the keys by their bytes.
            let map: BTreeMap<String, &Json<'_>> = members
                .iter()
                .map(|(key, value)| (String::from_utf16_lossy(key), value))
                .collect();
            out.push(b'{');
            for (i, (key, value)) in map.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                go_string(&key, out);
                out.push(b':');
                go_write(value, out)?;
            }
            out.push(b'}');
        }
    }
    Some(())
}

/// encoding/json's floatEncoder for a float64. None for a number out of float64's range,
/// which Unmarshal refuses (strconv.ParseFloat's ErrRange) rather than making it infinite.
fn go_number(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some(format!("{}0", sign(x)));
    }
    let shortest = Shortest::of(x)?;
    let abs = x.abs();
    let body = if !(1e-6..1e21).contains(&abs) {
        let mut text = shortest.exponential(2);
        // Go's clean-up of `e-07` to `e-7`; positive exponents keep their two digits.
        if let Some(at) = text.find("e-0") {
            text.remove(at + 2);
        }
        text
    } else {
        shortest.fixed()
    };
    Some(format!("{}{body}", sign(x)))
}

/// appendString with escapeHTML, as Marshal calls it (Go 1.22 and later, which added the
/// `\b` and `\f` short forms): `<`, `>`, `&`, U+2028 and U+2029 escaped too.
fn go_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match short_escape(u32::from(c)) {
            Some(escape) => out.extend_from_slice(escape),
            None if c < ' ' || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                push_u_escape(out, c as u16);
            }
            None => push_char(out, c),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(layout: Layout, body: &str) -> Option<String> {
        let out = layout.rewrite(body.as_bytes())?;
        Some(String::from_utf8(out).expect("every layout writes UTF-8"))
    }

    fn all(body: &str) -> [Option<String>; 6] {
        Layout::ALL.map(|layout| text(layout, body))
    }

    #[test]
    fn names_and_ids_are_distinct() {
        let ids: std::collections::HashSet<_> = Layout::ALL.iter().map(|l| l.id()).collect();
        let names: std::collections::HashSet<_> = Layout::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(ids.len(), Layout::ALL.len());
        assert_eq!(names.len(), Layout::ALL.len());
    }

    const NUMBERS: &str = "[200000.0,1e21,1.5e-7,-0,1E2,0.1,5e-324,1.7976931348623157e308,\
        9007199254740993,123456789012345678901234567890,1e-7,0.000001,-1e-400,100,1.0,1e20,\
        123e-20,1e16,1e15,0.0001,0.00001,-2.5E+3,18446744073709551616]";

    #[test]
    fn javascript_numbers_are_doubles_written_by_number_to_string() {
        assert_eq!(
            text(Layout::JsStringify, NUMBERS).as_deref(),
            Some(
                "[200000,1e+21,1.5e-7,0,100,0.1,5e-324,1.7976931348623157e+308,\
                 9007199254740992,1.2345678901234568e+29,1e-7,0.000001,0,100,1,\
                 100000000000000000000,1.23e-18,10000000000000000,1000000000000000,0.0001,\
                 0.00001,-2500,18446744073709552000]"
            )
        );
        assert_eq!(
            text(Layout::JsStringify, "[1e400,-1e400]").as_deref(),
            Some("[null,null]")
        );
    }

    #[test]
    fn python_keeps_ints_exact_and_writes_floats_by_repr() {
        assert_eq!(
            text(Layout::PythonDumps, NUMBERS).as_deref(),
            Some(
                "[200000.0, 1e+21, 1.5e-07, 0, 100.0, 0.1, 5e-324, 1.7976931348623157e+308, \
                 9007199254740993, 123456789012345678901234567890, 1e-07, 1e-06, -0.0, 100, \
                 1.0, 1e+20, 1.23e-18, 1e+16, 1000000000000000.0, 0.0001, 1e-05, -2500.0, \
                 18446744073709551616]"
            )
        );
        assert_eq!(
            text(Layout::PythonDumps, "[1e400,-1e400,NaN,Infinity,-Infinity]").as_deref(),
            Some("[Infinity, -Infinity, NaN, Infinity, -Infinity]")
        );
        let limit = "9".repeat(PYTHON_MAX_INT_DIGITS);
        assert_eq!(text(Layout::PythonDumps, &limit), Some(limit.clone()));
        assert_eq!(text(Layout::PythonDumps, &format!("-{limit}9")), None);
        assert_eq!(
            text(Layout::PythonDumps, &format!("{limit}9.0")).as_deref(),
            Some("Infinity")
        );
    }

    #[test]
    fn go_numbers_are_float64_with_exponents_outside_1e_minus_6_to_1e21() {
        let numbers = NUMBERS.replace(",-1e-400", ",-1e-400,1e-10,1.5e-6");
        assert_eq!(
            text(Layout::GoMarshal, &numbers).as_deref(),
            Some(
                "[200000,1e+21,1.5e-7,-0,100,0.1,5e-324,1.7976931348623157e+308,\
                 9007199254740992,1.2345678901234568e+29,1e-7,0.000001,-0,1e-10,0.0000015,100,\
                 1,100000000000000000000,1.23e-18,10000000000000000,1000000000000000,0.0001,\
                 0.00001,-2500,18446744073709552000]"
            )
        );
        // Unmarshal fails on a number out of float64's range instead of making it infinite.
        assert_eq!(text(Layout::GoMarshal, "[1,1e400]"), None);
        assert_eq!(text(Layout::GoMarshal, "NaN"), None);
    }

    #[test]
    fn a_tie_between_two_shortest_candidates_goes_to_the_even_one() {
        // Each is exactly halfway between two 17- or 16-digit candidates that both read back.
        let body =
            "[158154228141327.625,-3254771099974.15625,896232519838505.25,260725342397310.375]";
        let js = "[158154228141327.62,-3254771099974.1562,896232519838505.2,260725342397310.38]";
        assert_eq!(text(Layout::JsStringify, body).as_deref(), Some(js));
        assert_eq!(text(Layout::GoMarshal, body).as_deref(), Some(js));
        assert_eq!(
            text(Layout::PythonDumps, body).as_deref(),
            Some(&*js.replace(',', ", "))
        );
    }

    const STRING: &str = "\"\\u0000\\u001F\\b\\t\\n\\f\\r\\\"\\\\\\/ é 😀 \\ud83d\\ude00 \\ud800 \\uDC00x \
                          \u{2028} <>& \u{7f}\"";

    #[test]
    fn strings_are_escaped_each_language_its_own_way() {
        assert_eq!(
            text(Layout::JsStringify, STRING).as_deref(),
            Some(
                "\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/ é 😀 😀 \\ud800 \\udc00x \u{2028} <>& \u{7f}\""
            )
        );
        assert_eq!(
            text(Layout::PythonDumps, STRING).as_deref(),
            Some(
                "\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/ \\u00e9 \\ud83d\\ude00 \\ud83d\\ude00 \
                 \\ud800 \\udc00x \\u2028 <>& \\u007f\""
            )
        );
        assert_eq!(
            text(Layout::GoMarshal, STRING).as_deref(),
            Some(
                "\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/ é 😀 😀 \u{fffd} \u{fffd}x \\u2028 \
                 \\u003c\\u003e\\u0026 \u{7f}\""
            )
        );
        assert_eq!(
            text(Layout::SerdeCompact, STRING).as_deref(),
            None,
            "serde_json refuses lone surrogates"
        );
    }

    #[test]
    fn surrogate_escapes_pair_up_only_when_adjacent_and_in_order() {
        let body = r#"["\ude00\ud83d","\ud83d\ud83d\ude00","\ud83dA"]"#;
        assert_eq!(
            text(Layout::JsStringify, body).as_deref(),
            Some(r#"["\ude00\ud83d","\ud83d😀","\ud83dA"]"#)
        );
        assert_eq!(
            text(Layout::GoMarshal, body).as_deref(),
            Some("[\"\u{fffd}\u{fffd}\",\"\u{fffd}😀\",\"\u{fffd}A\"]")
        );
        assert_eq!(
            text(Layout::PythonDumps, body).as_deref(),
            Some(r#"["\ude00\ud83d", "\ud83d\ud83d\ude00", "\ud83dA"]"#)
        );
    }

    const KEYS: &str =
        r#"{"b":1,"a":2,"10":3,"2":4,"b":5,"01":6,"4294967295":7,"4294967294":8,"-1":9}"#;

    #[test]
    fn key_order_and_duplicates_follow_each_language() {
        let [js, python, go, compact, pretty, reversed] = all(KEYS);
        assert_eq!(
            js.as_deref(),
            Some(r#"{"2":4,"10":3,"4294967294":8,"b":5,"a":2,"01":6,"4294967295":7,"-1":9}"#)
        );
        assert_eq!(
            python.as_deref(),
            Some(
                r#"{"b": 5, "a": 2, "10": 3, "2": 4, "01": 6, "4294967295": 7, "4294967294": 8, "-1": 9}"#
            )
        );
        assert_eq!(
            go.as_deref(),
            Some(r#"{"-1":9,"01":6,"10":3,"2":4,"4294967294":8,"4294967295":7,"a":2,"b":5}"#)
        );
        assert_eq!(
            compact.as_deref(),
            Some(r#"{"b":5,"a":2,"10":3,"2":4,"01":6,"4294967295":7,"4294967294":8,"-1":9}"#)
        );
        assert_eq!(
            reversed.as_deref(),
            Some(r#"{"-1":9,"4294967294":8,"4294967295":7,"01":6,"2":4,"10":3,"a":2,"b":5}"#)
        );
        assert!(pretty.is_some_and(|p| p.starts_with("{\n  \"b\": 5,\n  \"a\": 2,\n")));
    }

    #[test]
    fn keys_are_equal_after_unescaping() {
        let body = r#"{"é":1,"\u00e9":2,"😀":3,"\ud83d\ude00":4}"#;
        assert_eq!(
            text(Layout::JsStringify, body).as_deref(),
            Some(r#"{"é":2,"😀":4}"#)
        );
        assert_eq!(
            text(Layout::PythonDumps, body).as_deref(),
            Some(r#"{"\u00e9": 2, "\ud83d\ude00": 4}"#)
        );
        assert_eq!(
            text(Layout::GoMarshal, body).as_deref(),
            Some(r#"{"é":2,"😀":4}"#)
        );
    }

    #[test]
    fn go_sorts_keys_by_utf8_bytes_after_replacing_lone_surrogates() {
        let body = r#"{"é":1,"z":2,"Z":3,"😀":4,"\uffff":5,"\ud800":6,"\udc00":7}"#;
        assert_eq!(
            text(Layout::GoMarshal, body).as_deref(),
            Some("{\"Z\":3,\"z\":2,\"é\":1,\"\u{fffd}\":7,\"\u{ffff}\":5,\"😀\":4}")
        );
        assert_eq!(
            text(Layout::JsStringify, body).as_deref(),
            Some("{\"é\":1,\"z\":2,\"Z\":3,\"😀\":4,\"\u{ffff}\":5,\"\\ud800\":6,\"\\udc00\":7}")
        );
    }

    #[test]
    fn a_duplicate_replaces_the_whole_value() {
        let body = r#"{"a":{"x":1,"y":2},"b":[],"a":{"y":3}}"#;
        assert_eq!(
            all(body),
            [
                Some(r#"{"a":{"y":3},"b":[]}"#),
                Some(r#"{"a": {"y": 3}, "b": []}"#),
                Some(r#"{"a":{"y":3},"b":[]}"#),
                Some(r#"{"a":{"y":3},"b":[]}"#),
                Some("{\n  \"a\": {\n    \"y\": 3\n  },\n  \"b\": []\n}"),
                Some(r#"{"b":[],"a":{"y":3}}"#),
            ]
            .map(|s| s.map(str::to_owned))
        );
    }

    #[test]
    fn serde_layouts_write_numbers_as_serde_json_reads_them() {
        assert_eq!(
            text(
                Layout::SerdeCompact,
                "[1E2,-0,18446744073709551615,18446744073709551616]"
            )
            .as_deref(),
            Some("[100.0,-0.0,18446744073709551615,1.8446744073709552e+19]")
        );
        assert_eq!(text(Layout::SerdeCompact, "[1e400]"), None);
    }

    #[test]
    fn what_is_not_json_is_none() {
        for body in [
            "",
            " ",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "-",
            "[1] x",
            "tru",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\u+123\"",
            "\"a\tb\"",
            "{\"a\" 1}",
            "{1:2}",
            "'a'",
            "[-Infinity]",
            "\u{feff}[]",
        ] {
            let [js, python, go, compact, pretty, reversed] = all(body);
            assert_eq!(
                (js, go, compact, pretty, reversed),
                (None, None, None, None, None),
                "{body:?}"
            );
            if !matches!(body, "[-Infinity]" | "\u{feff}[]") {
                assert_eq!(python, None, "{body:?}");
            }
        }
        for layout in Layout::ALL {
            assert_eq!(layout.rewrite(b"\"\xff\""), None, "{layout:?}");
        }
        assert_eq!(
            text(Layout::PythonDumps, "\u{feff}[]").as_deref(),
            Some("[]")
        );
    }

    #[test]
    fn every_layout_stops_at_serde_json_nesting_limit() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(all(&nested(MAX_DEPTH)).iter().all(Option::is_some));
        assert!(all(&nested(MAX_DEPTH + 1)).iter().all(Option::is_none));
    }

    #[test]
    fn whitespace_goes_and_scalars_stay() {
        let body = " \t\r\n{ \"a\" : [ 1 , true , null , \"x\" ] } \n";
        assert_eq!(
            text(Layout::JsStringify, body).as_deref(),
            Some(r#"{"a":[1,true,null,"x"]}"#)
        );
        assert_eq!(
            text(Layout::PythonDumps, body).as_deref(),
            Some(r#"{"a": [1, true, null, "x"]}"#)
        );
        assert_eq!(text(Layout::GoMarshal, " false ").as_deref(), Some("false"));
    }

    /// xorshift64*: the same bodies on every run, no dependency on a crate's stream.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn chance(&mut self, one_in: usize) -> bool {
            self.below(one_in) == 0
        }

        fn pick<'p>(&mut self, pool: &[&'p str]) -> &'p str {
            pool[self.below(pool.len())]
        }
    }

    const NUMBER_POOL: &[&str] = &[
        "0",
        "-0",
        "1",
        "-1",
        "200000.0",
        "1e21",
        "1E21",
        "1e+21",
        "1.5e-7",
        "1e-7",
        "0.000001",
        "1e-6",
        "9.99e-7",
        "0.1",
        "-0.0",
        "5e-324",
        "2.5e-324",
        "1e-400",
        "-1e-400",
        "1e400",
        "-1e400",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1E5",
        "2e-3",
        "2E+3",
        "9007199254740993",
        "9007199254740992",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901234567890",
        "1e16",
        "1e15",
        "9999999999999998",
        "1e22",
        "1e23",
        "123456789012345680000",
        "0.0001",
        "0.00001",
        "1.0",
        "100",
        "1e2",
        "4294967295",
        "2.2250738585072014e-308",
        "0.30000000000000004",
        "123.456",
        "-123.456e-10",
        "1e0",
        "0e0",
        "0.0e-5",
        "100e-2",
        "5E-1",
        "158154228141327.625",
        "-3254771099974.15625",
        "896232519838505.25",
        "260725342397310.375",
        "4503599627370495.5",
        "0.5e-323",
    ];

    const STRING_PIECES: &[&str] = &[
        "a",
        "Z",
        "09",
        " ",
        "_-",
        "/",
        "\\/",
        "\\\"",
        "\\\\",
        "\\b",
        "\\f",
        "\\n",
        "\\r",
        "\\t",
        "\\u0000",
        "\\u0001",
        "\\u001F",
        "\\u001f",
        "\\u007f",
        "\u{7f}",
        "\\u0080",
        "é",
        "中",
        "ß",
        "\u{fffd}",
        "\u{2028}",
        "\u{2029}",
        "\\u2028",
        "\\u2029",
        "😀",
        "𝄞",
        "\u{10ffff}",
        "\u{feff}",
        "\u{80}",
        "\u{a0}",
        "\\u00e9",
        "\\u00E9",
        "\\ud83d\\ude00",
        "\\uD834\\uDD1E",
        "\\ud800",
        "\\udc00",
        "\\ud800\\ud800",
        "\\udbff\\udfff",
        "\\ude00\\ud83d",
        "\\ud800x",
        "\\uffff",
        "\\ufeff",
        "<",
        ">",
        "&",
        "<script>",
        "&amp;",
        "\u{ffff}",
        "\\u0041",
    ];

    const KEY_POOL: &[&str] = &[
        "a",
        "b",
        "id",
        "Z",
        "",
        "0",
        "1",
        "2",
        "10",
        "01",
        "-1",
        "1.5",
        "4294967294",
        "4294967295",
        "4294967296",
        "9007199254740993",
        "é",
        "\\u00e9",
        "😀",
        "\\ud83d\\ude00",
        "\\ud800",
        "\\udc00",
        "__proto__",
        "constructor",
        "aa",
        "a\\u0000",
        "<",
        "&",
        "\\u2028",
        "\u{2028}",
    ];

    fn whitespace(rng: &mut Rng, out: &mut String) {
        if rng.chance(4) {
            out.push_str(rng.pick(&[" ", "\n", "\t", "\r\n", "  "]));
        }
    }

    fn number(rng: &mut Rng, out: &mut String) {
        match rng.below(6) {
            0 | 1 => out.push_str(rng.pick(NUMBER_POOL)),
            2 => {
                if rng.chance(3) {
                    out.push('-');
                }
                out.push(char::from(b'1' + rng.below(9) as u8));
                for _ in 0..rng.below(30) {
                    out.push(char::from(b'0' + rng.below(10) as u8));
                }
            }
            3 => {
                let x = f64::from_bits(rng.next());
                if !x.is_finite() {
                    out.push_str("0.5");
                } else if rng.chance(2) {
                    out.push_str(&format!("{x:e}"));
                } else {
                    out.push_str(&format!("{x:?}"));
                }
            }
            4 => {
                // Near 2^53 with a few fraction bits, where two shortest candidates can tie;
                // Rust's own shortest form of such a value is the one the others do not pick.
                let mantissa = (1u64 << 52) | (rng.next() >> 12);
                let x = mantissa as f64 / f64::from(1u32 << (1 + rng.below(8)));
                out.push_str(&format!("{x:?}"));
            }
            _ => {
                if rng.chance(2) {
                    out.push('-');
                }
                out.push(char::from(b'0' + rng.below(10) as u8));
                if rng.chance(2) {
                    out.push('.');
                    for _ in 0..=rng.below(18) {
                        out.push(char::from(b'0' + rng.below(10) as u8));
                    }
                }
                out.push(if rng.chance(2) { 'e' } else { 'E' });
                out.push_str(rng.pick(&["", "+", "-"]));
                out.push_str(&rng.below(340).to_string());
            }
        }
    }

    fn string(rng: &mut Rng, out: &mut String) {
        out.push('"');
        for _ in 0..rng.below(8) {
            out.push_str(rng.pick(STRING_PIECES));
        }
        out.push('"');
    }

    fn value(rng: &mut Rng, depth: usize, out: &mut String) {
        whitespace(rng, out);
        let kind = if depth >= 4 {
            3 + rng.below(7)
        } else {
            rng.below(10)
        };
        match kind {
            0..=2 => {
                out.push('{');
                for i in 0..rng.below(7) {
                    if i > 0 {
                        out.push(',');
                    }
                    whitespace(rng, out);
                    if rng.chance(3) {
                        string(rng, out);
                    } else {
                        out.push('"');
                        out.push_str(rng.pick(KEY_POOL));
                        out.push('"');
                    }
                    whitespace(rng, out);
                    out.push(':');
                    value(rng, depth + 1, out);
                }
                whitespace(rng, out);
                out.push('}');
            }
            3 | 4 if depth < 4 => {
                out.push('[');
                for i in 0..rng.below(5) {
                    if i > 0 {
                        out.push(',');
                    }
                    value(rng, depth + 1, out);
                }
                out.push(']');
            }
            3..=5 => string(rng, out),
            6..=8 => number(rng, out),
            _ => out.push_str(rng.pick(&["true", "false", "null"])),
        }
        whitespace(rng, out);
    }

    /// Bodies that every emulated parser must agree on: generated ones, then the edges.
    fn bodies() -> Vec<Vec<u8>> {
        let mut rng = Rng(0x5eed_1a70_75ca_fe01);
        let mut out: Vec<Vec<u8>> = (0..2000)
            .map(|_| {
                let mut body = String::new();
                if rng.chance(5) {
                    value(&mut rng, 2, &mut body);
                } else {
                    // Mostly objects, as webhook bodies are.
                    let mut object = String::new();
                    while !object.starts_with('{') {
                        object.clear();
                        value(&mut rng, 0, &mut object);
                        object = object.trim_start().to_owned();
                    }
                    body = object;
                }
                body.into_bytes()
            })
            .collect();
        let limit = "7".repeat(PYTHON_MAX_INT_DIGITS);
        for edge in [
            String::new(),
            " ".into(),
            "null".into(),
            "[]".into(),
            "{}".into(),
            "[1,]".into(),
            "01".into(),
            "[NaN,Infinity,-Infinity]".into(),
            "NaN".into(),
            "[-NaN]".into(),
            "\u{feff}{\"a\":1}".into(),
            "\"a\tb\"".into(),
            "\"\\u+123\"".into(),
            "\"\\u 123\"".into(),
            "\"\\u00e\"".into(),
            "\"\\u00E9\\U00E9\"".into(),
            "{\"a\":1}{".into(),
            format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH)),
            limit.clone(),
            format!("-{limit}"),
            format!("{limit}7"),
            format!("{limit}.5"),
            "1e999999999999".into(),
            "[1e-999999999999]".into(),
        ] {
            out.push(edge.into_bytes());
        }
        out
    }

    /// Runs `program` over the bodies (base64, one a line, behind an `x` so that no line is
    /// empty) and returns what it printed for each: base64 of its output, or `!` if it refused.
    fn run_reference(program: &str, args: &[&str], bodies: &[Vec<u8>]) -> Vec<Option<Vec<u8>>> {
        use base64::Engine;
        use base64::engine::general_purpose::STANDARD;
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("bodies.txt");
        let lines: String = bodies
            .iter()
            .map(|body| format!("x{}\n", STANDARD.encode(body)))
            .collect();
        std::fs::write(&path, lines).expect("write the bodies");
        let output = std::process::Command::new(program)
            .args(args)
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            output.status.success(),
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).expect("base64 lines");
        let results: Vec<Option<Vec<u8>>> = stdout
            .lines()
            .map(|line| {
                let encoded = line.strip_prefix('x')?;
                Some(STANDARD.decode(encoded).expect("base64 from the script"))
            })
            .collect();
        assert_eq!(
            results.len(),
            bodies.len(),
            "{program} printed a line per body"
        );
        results
    }

    const NODE: &str = "
        const fs = require('fs');
        const out = [];
        for (const line of fs.readFileSync(process.argv[1], 'latin1').split('\\n')) {
            if (!line) continue;
            const text = Buffer.from(line.slice(1), 'base64').toString('utf8');
            try {
                out.push('x' + Buffer.from(JSON.stringify(JSON.parse(text)), 'utf8').toString('base64'));
            } catch (e) {
                out.push('!');
            }
        }
        process.stdout.write(out.join('\\n') + '\\n');
    ";

    const PYTHON: &str = "
import base64, json, sys
out = []
for line in open(sys.argv[1], 'rb'):
    line = line.strip()
    if not line:
        continue
    try:
        text = json.dumps(json.loads(base64.b64decode(line[1:])))
        out.append('x' + base64.b64encode(text.encode('ascii')).decode())
    except Exception:
        out.append('!')
sys.stdout.write('\\n'.join(out) + '\\n')
";

    /// Runs scripts/ensure-test-tools.sh, then insists on node and python3 whatever it said
    /// (it also wants Chromium, which this test does not need).
    fn ensure_node_and_python() {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scripts/ensure-test-tools.sh");
        let status = std::process::Command::new("bash")
            .arg(&script)
            .status()
            .unwrap_or_else(|e| panic!("cannot run bash {}: {e}", script.display()));
        for tool in ["node", "python3"] {
            let found = std::process::Command::new(tool)
                .arg("--version")
                .output()
                .is_ok_and(|out| out.status.success());
            assert!(
                found,
                "{tool} is needed to check the layouts against the real serializer, and \
                 scripts/ensure-test-tools.sh ({status}) did not provide it"
            );
        }
    }

    fn show(bytes: Option<&[u8]>) -> String {
        match bytes {
            Some(bytes) => format!("{:?}", String::from_utf8_lossy(bytes)),
            None => "not JSON".to_owned(),
        }
    }

    #[test]
    fn node_and_python_write_every_body_as_emulated() {
        ensure_node_and_python();
        let bodies = bodies();
        let node = run_reference("node", &["-e", NODE], &bodies);
        let python = run_reference("python3", &["-c", PYTHON], &bodies);
        let mut differences = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            for (layout, theirs) in [
                (Layout::JsStringify, &node[i]),
                (Layout::PythonDumps, &python[i]),
            ] {
                let ours = layout.rewrite(body);
                if &ours != theirs {
                    differences.push(format!(
                        "{} on body {i} {:?}\n  expected {}\n  actual   {}",
                        layout.name(),
                        String::from_utf8_lossy(body),
                        show(theirs.as_deref()),
                        show(ours.as_deref())
                    ));
                }
            }
        }
        let accepted = node.iter().filter(|n| n.is_some()).count();
        assert!(accepted > 1500, "only {accepted} bodies were JSON to node");
        assert!(
            differences.is_empty(),
            "{} differences, the first:\n{}",
            differences.len(),
            differences
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn a_body_already_in_a_layout_is_written_the_same() {
        for body in bodies() {
            for layout in Layout::ALL {
                if layout == Layout::ReversedKeys {
                    continue;
                }
                if let Some(once) = layout.rewrite(&body) {
                    assert_eq!(
                        layout.rewrite(&once).as_ref(),
                        Some(&once),
                        "{} of {:?}",
                        layout.name(),
                        String::from_utf8_lossy(&body)
                    );
                }
            }
        }
    }
}
