//! Compiles a catalog `pattern` into Rust code when that can be done exactly and in linear
//! time: when the regex is LL(1) (at every choice, the next character decides). Such a
//! pattern is matched greedily, left to right, with no backtracking and no regex engine.
//! Anything else stays a regex, matched by the `regex` crate.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Ranges of characters, inclusive.
type Set = Vec<(char, char)>;

#[derive(Debug, Clone)]
enum Piece {
    /// `min..=max` characters of the set (`max` `None`: unbounded).
    Chars {
        set: Set,
        min: u32,
        max: Option<u32>,
    },
    /// `min..=max` repetitions of a sequence that starts with a character of its first set.
    Repeat {
        seq: Vec<Piece>,
        min: u32,
        max: Option<u32>,
    },
    /// One of several sequences, told apart by their first character; `nullable` when the
    /// empty string is one of them.
    Choice {
        alternatives: Vec<Vec<Piece>>,
        nullable: bool,
    },
}

/// The matcher's body for `pattern`, or `None` when it must stay a regex.
pub fn compile(pattern: &str) -> Option<TokenStream> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let seq = sequence(&hir)?;
    let seq = strip_anchors(seq)?;
    if !ll1(&seq, &Vec::new()) {
        return None;
    }
    let body = emit_seq(&seq);
    Some(quote! {
        let mut c = crate::validate::Cursor::new(s);
        #body && c.at_end()
    })
}

/// The anchored pattern's pieces without the `^` and `$` (which the caller's `at_end` and
/// starting at 0 provide). `None` unless the anchors are there, at the ends and only there.
fn strip_anchors(seq: Vec<Item>) -> Option<Vec<Piece>> {
    let n = seq.len();
    // JSON Schema patterns search: only an anchored pattern matches the whole string.
    if !matches!(seq.first(), Some(Item::Start)) || !matches!(seq.last(), Some(Item::End)) || n < 2
    {
        return None;
    }
    let mut out = Vec::new();
    for (i, item) in seq.into_iter().enumerate() {
        match item {
            Item::Start if i == 0 => {}
            Item::End if i == n - 1 => {}
            Item::Start | Item::End => return None,
            Item::Piece(p) => out.push(p),
        }
    }
    Some(out)
}

enum Item {
    Start,
    End,
    Piece(Piece),
}

fn sequence(hir: &Hir) -> Option<Vec<Item>> {
    match hir.kind() {
        HirKind::Concat(parts) => {
            let mut out = Vec::new();
            for part in parts {
                out.extend(sequence(part)?);
            }
            Some(out)
        }
        HirKind::Look(Look::Start) => Some(vec![Item::Start]),
        HirKind::Look(Look::End) => Some(vec![Item::End]),
        _ => Some(vec![Item::Piece(piece(hir)?)]),
    }
}

fn pieces(hir: &Hir) -> Option<Vec<Piece>> {
    sequence(hir)?
        .into_iter()
        .map(|i| match i {
            Item::Piece(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn piece(hir: &Hir) -> Option<Piece> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).ok()?;
            let mut chars = text.chars();
            let first = chars.next()?;
            if chars.next().is_some() {
                // A multi-character literal inside a repetition or choice: keep it a sequence.
                let seq = text
                    .chars()
                    .map(|c| Piece::Chars {
                        set: vec![(c, c)],
                        min: 1,
                        max: Some(1),
                    })
                    .collect();
                return Some(Piece::Repeat {
                    seq,
                    min: 1,
                    max: Some(1),
                });
            }
            Some(Piece::Chars {
                set: vec![(first, first)],
                min: 1,
                max: Some(1),
            })
        }
        HirKind::Class(class) => Some(Piece::Chars {
            set: set_of(class)?,
            min: 1,
            max: Some(1),
        }),
        HirKind::Capture(cap) => Some(Piece::Repeat {
            seq: pieces(&cap.sub)?,
            min: 1,
            max: Some(1),
        }),
        HirKind::Concat(_) => Some(Piece::Repeat {
            seq: pieces(hir)?,
            min: 1,
            max: Some(1),
        }),
        HirKind::Repetition(rep) => {
            if !rep.greedy {
                return None;
            }
            match piece(&rep.sub)? {
                Piece::Chars {
                    set,
                    min: 1,
                    max: Some(1),
                } => Some(Piece::Chars {
                    set,
                    min: rep.min,
                    max: rep.max,
                }),
                Piece::Repeat {
                    seq,
                    min: 1,
                    max: Some(1),
                } => Some(Piece::Repeat {
                    seq,
                    min: rep.min,
                    max: rep.max,
                }),
                other => Some(Piece::Repeat {
                    seq: vec![other],
                    min: rep.min,
                    max: rep.max,
                }),
            }
        }
        HirKind::Alternation(alternatives) => {
            let mut out = Vec::new();
            let mut nullable = false;
            for alt in alternatives {
                if matches!(alt.kind(), HirKind::Empty) {
                    nullable = true;
                } else {
                    out.push(pieces(alt)?);
                }
            }
            Some(Piece::Choice {
                alternatives: out,
                nullable,
            })
        }
        HirKind::Empty => Some(Piece::Choice {
            alternatives: Vec::new(),
            nullable: true,
        }),
        HirKind::Look(_) => None,
    }
}

fn set_of(class: &Class) -> Option<Set> {
    match class {
        Class::Unicode(u) => Some(u.ranges().iter().map(|r| (r.start(), r.end())).collect()),
        Class::Bytes(b) => b
            .ranges()
            .iter()
            .map(|r| {
                (r.start().is_ascii() && r.end().is_ascii())
                    .then(|| (r.start() as char, r.end() as char))
            })
            .collect(),
    }
}

fn nullable(p: &Piece) -> bool {
    match p {
        Piece::Chars { min, .. } => *min == 0,
        Piece::Repeat { seq, min, .. } => *min == 0 || seq.iter().all(nullable),
        Piece::Choice {
            alternatives,
            nullable,
        } => *nullable || alternatives.iter().any(|a| a.iter().all(self::nullable)),
    }
}

/// The characters that can start a match of the piece.
fn first(p: &Piece) -> Set {
    match p {
        Piece::Chars { set, .. } => set.clone(),
        Piece::Repeat { seq, .. } => first_of_seq(seq),
        Piece::Choice { alternatives, .. } => {
            alternatives.iter().flat_map(|a| first_of_seq(a)).collect()
        }
    }
}

fn first_of_seq(seq: &[Piece]) -> Set {
    let mut out = Vec::new();
    for p in seq {
        out.extend(first(p));
        if !nullable(p) {
            break;
        }
    }
    out
}

fn overlaps(a: &Set, b: &Set) -> bool {
    a.iter()
        .any(|(a0, a1)| b.iter().any(|(b0, b1)| a0 <= b1 && b0 <= a1))
}

/// True when greedy, left-to-right matching of `seq` followed by something starting with a
/// character of `follow` is exact: every optional or variable part starts with characters
/// that nothing after it can start with.
fn ll1(seq: &[Piece], follow: &Set) -> bool {
    for (i, p) in seq.iter().enumerate() {
        let mut after = first_of_seq(&seq[i + 1..]);
        if seq[i + 1..].iter().all(nullable) {
            after.extend(follow.iter().copied());
        }
        let ok = match p {
            Piece::Chars { set, min, max } => Some(*min) == *max || !overlaps(set, &after),
            Piece::Repeat {
                seq: inner,
                min,
                max,
            } => {
                let inner_first = first_of_seq(inner);
                let loops = max.is_none_or(|m| m > 1);
                let inner_follow = if loops {
                    [after.clone(), inner_first.clone()].concat()
                } else {
                    after.clone()
                };
                (!loops || !inner.iter().all(nullable))
                    && (Some(*min) == *max || !overlaps(&inner_first, &after))
                    && ll1(inner, &inner_follow)
            }
            Piece::Choice {
                alternatives,
                nullable,
            } => {
                let firsts: Vec<Set> = alternatives.iter().map(|a| first_of_seq(a)).collect();
                let disjoint = firsts
                    .iter()
                    .enumerate()
                    .all(|(i, a)| firsts[i + 1..].iter().all(|b| !overlaps(a, b)));
                let no_empty_alt = alternatives.iter().all(|a| !a.iter().all(self::nullable));
                let empty_ok = !*nullable || firsts.iter().all(|f| !overlaps(f, &after));
                disjoint && no_empty_alt && empty_ok && alternatives.iter().all(|a| ll1(a, &after))
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The ASCII characters of a set.
fn ascii_part(set: &Set) -> Set {
    set.iter()
        .filter(|(lo, _)| lo.is_ascii())
        .map(|&(lo, hi)| (lo, hi.min('\u{7f}')))
        .collect()
}

/// True when every non-ASCII character is in the set.
fn covers_non_ascii(set: &Set) -> bool {
    set.iter()
        .any(|&(lo, hi)| lo <= '\u{80}' && hi == char::MAX)
}

fn is_ascii(set: &Set) -> bool {
    set.iter().all(|(_, hi)| hi.is_ascii())
}

/// A byte test for an ASCII set: the standard predicate where there is one, else a pattern
/// (`b'0'..=b'9' | b'_'`), which compiles to a few comparisons.
fn byte_test(set: &Set) -> TokenStream {
    match byte_is(quote!(b), set) {
        // No parentheses around a closure's body.
        ByteTest::Equals(byte, lit) => quote!(|b: u8| #byte == #lit),
        ByteTest::Matches(test) => quote!(|b: u8| #test),
    }
}

/// The standard `u8` predicate that tests for the set, if there is one.
fn ascii_predicate(set: &Set) -> Option<proc_macro2::Ident> {
    let name = match set.as_slice() {
        [('0', '9')] => "is_ascii_digit",
        [('a', 'z')] => "is_ascii_lowercase",
        [('A', 'Z')] => "is_ascii_uppercase",
        [('A', 'Z'), ('a', 'z')] => "is_ascii_alphabetic",
        [('0', '9'), ('A', 'Z'), ('a', 'z')] => "is_ascii_alphanumeric",
        [('0', '9'), ('A', 'F'), ('a', 'f')] => "is_ascii_hexdigit",
        _ => return None,
    };
    Some(proc_macro2::Ident::new(
        name,
        proc_macro2::Span::call_site(),
    ))
}

/// An ASCII set as a 128-bit mask (bit `c` set for character `c`), for sets of more than
/// two ranges: one shift a byte, where `matches!` would compare against every range.
fn ascii_mask(set: &Set) -> TokenStream {
    let mut mask = 0u128;
    for &(lo, hi) in set {
        for c in lo as u32..=(hi as u32).min(127) {
            mask |= 1 << c;
        }
    }
    format!("0x{mask:032x}")
        .parse()
        .unwrap_or_else(|_| quote!(0))
}

fn byte_pattern(set: &Set) -> TokenStream {
    let alternatives = set.iter().map(|&(lo, hi)| {
        let (lo, hi) = (
            proc_macro2::Literal::byte_character(lo as u8),
            proc_macro2::Literal::byte_character(hi as u8),
        );
        if lo.to_string() == hi.to_string() {
            quote!(#lo)
        } else {
            quote!(#lo..=#hi)
        }
    });
    quote!(#(#alternatives)|*)
}

/// A test of the next character against a set.
fn peek_tokens(set: &Set) -> TokenStream {
    if is_ascii(set) {
        let test = byte_test(set);
        quote!(c.peek_byte(#test))
    } else if covers_non_ascii(set) {
        // `[^@ ]` and the like: a non-ASCII first byte is in, whatever character it starts.
        let test = byte_test(&ascii_part(set));
        quote!(c.peek_byte_or_non_ascii(#test))
    } else {
        let set = set_tokens(set);
        quote!(c.peek_in(#set))
    }
}

fn set_tokens(set: &Set) -> TokenStream {
    let pairs = set.iter().map(|(a, b)| quote!((#a, #b)));
    quote!(&[#(#pairs),*])
}

fn max_tokens(max: Option<u32>) -> TokenStream {
    match max {
        Some(m) => quote!(Some(#m)),
        None => quote!(None),
    }
}

/// The widest run checked as one fixed-width block: longer runs are rare in the catalog and
/// would unroll into long expressions.
const MAX_BLOCK: usize = 64;

fn emit_seq(seq: &[Piece]) -> TokenStream {
    let seq = split_counts(seq);
    let seq = seq.as_slice();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < seq.len() {
        let block = fixed_run(&seq[i..]);
        let taken = block.len().max(1);
        match block.as_slice() {
            // One ASCII character: the cursor's own test is as cheap as a block.
            [] | [(_, 1)] => parts.push(emit_piece(&seq[i])),
            _ => parts.push(emit_block(&block)),
        }
        i += taken;
    }
    if parts.is_empty() {
        return quote!(true);
    }
    quote!(#(#parts)&&*)
}

/// `[0-9]{6,18}` as `[0-9]{6}` and `[0-9]{0,12}`: the same greedy match, whose fixed part can
/// join a block and whose run is shorter.
fn split_counts(seq: &[Piece]) -> Vec<Piece> {
    let mut out = Vec::new();
    for p in seq {
        match p {
            Piece::Chars { set, min, max } if *min >= 2 && *max != Some(*min) && is_ascii(set) => {
                out.push(Piece::Chars {
                    set: set.clone(),
                    min: *min,
                    max: Some(*min),
                });
                out.push(Piece::Chars {
                    set: set.clone(),
                    min: 0,
                    max: max.map(|m| m - min),
                });
            }
            _ => out.push(p.clone()),
        }
    }
    out
}

/// The longest prefix of `seq` whose pieces each match a fixed number of ASCII bytes, with
/// those widths, within [`MAX_BLOCK`] in all.
fn fixed_run(seq: &[Piece]) -> Vec<(&Piece, usize)> {
    let mut out = Vec::new();
    let mut total = 0;
    for p in seq {
        match width(p) {
            Some(w) if w > 0 && total + w <= MAX_BLOCK => {
                total += w;
                out.push((p, w));
            }
            _ => break,
        }
    }
    out
}

/// The number of bytes the piece always matches, when that is fixed: ASCII characters, a
/// fixed count, and choices whose alternatives all have the same fixed width.
fn width(p: &Piece) -> Option<usize> {
    match p {
        Piece::Chars { set, min, max } if is_ascii(set) && Some(*min) == *max => {
            Some(*min as usize)
        }
        Piece::Chars { .. } => None,
        Piece::Repeat { seq, min, max } if Some(*min) == *max => {
            let one: usize = seq.iter().map(width).sum::<Option<usize>>()?;
            one.checked_mul(*min as usize).filter(|&w| w <= MAX_BLOCK)
        }
        Piece::Repeat { .. } => None,
        Piece::Choice {
            alternatives,
            nullable: false,
        } => {
            let widths: Vec<usize> = alternatives
                .iter()
                .map(|a| a.iter().map(width).sum::<Option<usize>>())
                .collect::<Option<_>>()?;
            let first = *widths.first()?;
            widths.iter().all(|&w| w == first).then_some(first)
        }
        Piece::Choice { .. } => None,
    }
}

/// A run of fixed-width pieces as one test: a single length check, then every byte tested at
/// a constant index, without branches where no choice needs one. The date, UUID and object
/// id patterns of the catalog are such runs.
fn emit_block(block: &[(&Piece, usize)]) -> TokenStream {
    let n: usize = block.iter().map(|(_, w)| w).sum();
    let mut offset = 0;
    let mut tests = Vec::new();
    for (p, w) in block {
        tests.extend(block_tests(p, offset));
        offset += w;
    }
    let n = proc_macro2::Literal::usize_unsuffixed(n);
    quote!(c.fixed(|b: &[u8; #n]| #(#tests)&*))
}

/// A test of one byte against a set: `byte == b'x'` for one character, else
/// `matches!(byte, ranges)`.
enum ByteTest {
    Equals(TokenStream, proc_macro2::Literal),
    Matches(TokenStream),
}

impl quote::ToTokens for ByteTest {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            // Parenthesized: `&` binds tighter than `==`.
            ByteTest::Equals(lhs, rhs) => quote!((#lhs == #rhs)),
            ByteTest::Matches(test) => test.clone(),
        });
    }
}

fn byte_is(byte: TokenStream, set: &Set) -> ByteTest {
    if let Some(predicate) = ascii_predicate(set) {
        return ByteTest::Matches(quote!(#byte.#predicate()));
    }
    match set.as_slice() {
        [(lo, hi)] if lo == hi => {
            ByteTest::Equals(byte, proc_macro2::Literal::byte_character(*lo as u8))
        }
        _ if set.len() > 2 => {
            let mask = ascii_mask(set);
            ByteTest::Matches(quote!(crate::validate::ascii_in(#mask, #byte)))
        }
        _ => {
            let pattern = byte_pattern(set);
            ByteTest::Matches(quote!(matches!(#byte, #pattern)))
        }
    }
}

/// The tests, to be and-ed, of one fixed-width piece whose first byte is `b[at]`.
fn block_tests(p: &Piece, at: usize) -> Vec<TokenStream> {
    let index = proc_macro2::Literal::usize_unsuffixed;
    match p {
        Piece::Chars { set, min, .. } => {
            let n = *min as usize;
            if n <= 4 {
                (at..at + n)
                    .map(|i| {
                        let i = index(i);
                        byte_is(quote!(b[#i]), set).into_token_stream()
                    })
                    .collect()
            } else {
                let (start, end) = (index(at), index(at + n));
                let test = byte_is(quote!(x), set);
                vec![quote!(b[#start..#end].iter().fold(true, |ok, &x| ok & #test))]
            }
        }
        Piece::Repeat { seq, min, .. } => {
            let mut tests = Vec::new();
            let mut offset = at;
            for _ in 0..*min {
                for piece in seq {
                    tests.extend(block_tests(piece, offset));
                    offset += width(piece).unwrap_or(0);
                }
            }
            tests
        }
        Piece::Choice { alternatives, .. } => {
            // The alternatives start with disjoint characters, so "one of them matches" is
            // their tests or-ed together: no branch.
            let arms = alternatives.iter().map(|a| {
                let at_index = index(at);
                let first = byte_is(quote!(b[#at_index]), &first_of_seq(a)).into_token_stream();
                let mut tests = Vec::new();
                let mut offset = at;
                for piece in a {
                    tests.extend(block_tests(piece, offset));
                    offset += width(piece).unwrap_or(0);
                }
                // The arm's first byte is usually tested already by the test that picks it.
                if tests.first().map(ToString::to_string) == Some(first.to_string()) {
                    tests.remove(0);
                }
                quote!((#first #(& #tests)*))
            });
            vec![quote!((#(#arms)|*))]
        }
    }
}

fn emit_piece(p: &Piece) -> TokenStream {
    match p {
        Piece::Chars { set, min, max } => {
            if let ([(lo, hi)], 1, Some(1)) = (set.as_slice(), min, max) {
                if lo == hi && lo.is_ascii() {
                    let byte = proc_macro2::Literal::byte_character(*lo as u8);
                    return quote!(c.eat(#byte));
                }
            }
            if max.is_none() && covers_non_ascii(set) {
                // `[^@ ]+` and the like: every non-ASCII character is in, so the run can be
                // read byte by byte without decoding.
                let test = byte_test(&ascii_part(set));
                return quote!(c.run_with_non_ascii(#test, #min));
            }
            let max = max_tokens(*max);
            if is_ascii(set) {
                let test = byte_test(set);
                return quote!(c.bytes(#test, #min, #max));
            }
            let set = set_tokens(set);
            quote!(c.chars(#set, #min, #max))
        }
        Piece::Repeat { seq, min, max } => {
            let body = emit_seq(seq);
            let start = first_of_seq(seq);
            if *min == 1 && *max == Some(1) {
                return body;
            }
            let max = max_tokens(*max);
            let start = peek_tokens(&start);
            quote!(c.repeat(#min, #max, |c| #start, |c| #body))
        }
        Piece::Choice {
            alternatives,
            nullable,
        } => {
            let arms = alternatives.iter().map(|a| {
                let start = peek_tokens(&first_of_seq(a));
                let body = emit_seq(a);
                quote!(if #start { #body } else)
            });
            let otherwise = if *nullable {
                quote!({ true })
            } else {
                quote!({ false })
            };
            quote!((#(#arms)* #otherwise))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_the_vendors_shapes() {
        for p in [
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,7})?[+-][0-9]{2}:[0-9]{2}$",
            "^[0-9]{13}$",
            "^[0-9a-f]{24}$",
            "^(|[^@, \\t\\r\\n]+@[^@, \\t\\r\\n]+(,[^@, \\t\\r\\n]+@[^@, \\t\\r\\n]+)*)$",
            "^(true|false)$",
        ] {
            assert!(compile(p).is_some(), "{p}");
        }
    }

    #[test]
    fn leaves_ambiguous_patterns_to_the_regex_engine() {
        for p in [
            // unanchored: a search, not a whole-string match
            "[0-9]+",
            "^[0-9]+",
            "[0-9]+$",
            "^(lead|lead |contact)$",
            "^[a-z]+[a-z0-9]$",
            "^(a*)*b$",
            "^.*x$",
        ] {
            assert!(compile(p).is_none(), "{p}");
        }
    }
}
