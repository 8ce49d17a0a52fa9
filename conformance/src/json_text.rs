//! A JSON body as text with every value's place in it, so that a probe can change one thing of
//! a delivery and keep every other byte as it was sent: a layout-sensitive receiver (one that
//! verifies a signature over re-serialized JSON) must not see a second difference.

/// A value and the bytes it spans.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    String,
    Number,
    Literal,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub key: String,
    pub key_start: usize,
    pub value: Node,
}

/// Replace `start..end` with `text`.
pub(crate) struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: Vec<u8>,
}

/// The body's values and their places; `None` when it is not JSON.
pub(crate) fn parse(body: &[u8]) -> Option<Node> {
    let mut p = Parser { s: body, i: 0 };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    (p.i == body.len()).then_some(node)
}

/// `body` with the edits made; overlapping edits are not expected (the later one is dropped).
pub(crate) fn apply(body: &[u8], mut edits: Vec<Edit>) -> Vec<u8> {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    for e in edits {
        if e.start < at || e.end > body.len() {
            continue;
        }
        out.extend_from_slice(&body[at..e.start]);
        out.extend_from_slice(&e.text);
        at = e.end;
    }
    out.extend_from_slice(&body[at..]);
    out
}

impl Node {
    /// Every string value below (and including) this one, keys aside.
    pub fn strings(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        self.walk(&mut |n| {
            if n.kind == Kind::String {
                out.push(n);
            }
        });
        out
    }

    /// Every number below (and including) this one.
    pub fn numbers(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        self.walk(&mut |n| {
            if n.kind == Kind::Number {
                out.push(n);
            }
        });
        out
    }

    fn walk<'n>(&'n self, f: &mut dyn FnMut(&'n Node)) {
        f(self);
        match &self.kind {
            Kind::Object(members) => members.iter().for_each(|m| m.value.walk(f)),
            Kind::Array(items) => items.iter().for_each(|n| n.walk(f)),
            _ => {}
        }
    }

    /// The value at a JSON pointer made of object keys and array indices.
    pub fn at(&self, pointer: &str) -> Option<&Node> {
        let mut here = self;
        for token in hookcert_catalog::tokens(pointer) {
            here = match &here.kind {
                Kind::Object(members) => &members.iter().find(|m| m.key == token)?.value,
                Kind::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(here)
    }

    /// Objects below (and including) this one, each with its JSON pointer.
    pub fn objects(&self) -> Vec<(String, &Node)> {
        let mut out = Vec::new();
        self.objects_into(String::new(), &mut out);
        out
    }

    fn objects_into<'n>(&'n self, at: String, out: &mut Vec<(String, &'n Node)>) {
        match &self.kind {
            Kind::Object(members) => {
                out.push((at.clone(), self));
                for m in members {
                    m.value
                        .objects_into(hookcert_catalog::push_token(&at, &m.key), out);
                }
            }
            Kind::Array(items) => {
                for (i, n) in items.iter().enumerate() {
                    n.objects_into(format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
}

/// The edit that removes member `index` of an object, with the comma that joins it.
pub(crate) fn remove_member(members: &[Member], index: usize) -> Option<Edit> {
    let member = members.get(index)?;
    let (start, end) = match (members.get(index + 1), index.checked_sub(1)) {
        (Some(next), _) => (member.key_start, next.key_start),
        (None, Some(prev)) => (members[prev].value.end, member.value.end),
        (None, None) => (member.key_start, member.value.end),
    };
    Some(Edit {
        start,
        end,
        text: Vec::new(),
    })
}

/// The edit that adds `"key":value` as the first member of `object`.
pub(crate) fn insert_first(object: &Node, key: &str, value: &[u8]) -> Option<Edit> {
    let Kind::Object(members) = &object.kind else {
        return None;
    };
    let mut text = serde_json::to_vec(key).ok()?;
    text.push(b':');
    text.extend_from_slice(value);
    if !members.is_empty() {
        text.push(b',');
    }
    Some(Edit {
        start: object.start + 1,
        end: object.start + 1,
        text,
    })
}

/// The characters of a string token (quotes included in `raw`), each with the raw text that
/// writes it: `\u00e9` and `é` both give `'é'`; a surrogate pair escape gives one char.
pub(crate) fn string_chars(raw: &[u8]) -> Vec<(char, Vec<u8>)> {
    let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
    let text = String::from_utf8_lossy(inner);
    let bytes: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != '\\' {
            let mut buf = [0u8; 4];
            out.push((bytes[i], bytes[i].encode_utf8(&mut buf).as_bytes().to_vec()));
            i += 1;
            continue;
        }
        let Some(&kind) = bytes.get(i + 1) else { break };
        if kind != 'u' {
            let c = match kind {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'b' => '\u{8}',
                'f' => '\u{c}',
                other => other,
            };
            out.push((c, format!("\\{kind}").into_bytes()));
            i += 2;
            continue;
        }
        let hex = |at: usize| -> Option<u32> {
            let s: String = bytes.get(at..at + 4)?.iter().collect();
            u32::from_str_radix(&s, 16).ok()
        };
        let Some(first) = hex(i + 2) else { break };
        let pair = (0xD800..0xDC00)
            .contains(&first)
            .then(|| {
                (bytes.get(i + 6) == Some(&'\\') && bytes.get(i + 7) == Some(&'u'))
                    .then(|| hex(i + 8))
                    .flatten()
                    .filter(|low| (0xDC00..0xE000).contains(low))
            })
            .flatten();
        let (c, len) = match pair {
            Some(low) => (
                char::from_u32(0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)),
                12,
            ),
            None => (char::from_u32(first), 6),
        };
        let written: String = bytes[i..(i + len).min(bytes.len())].iter().collect();
        out.push((c.unwrap_or('\u{FFFD}'), written.into_bytes()));
        i += len;
    }
    out
}

struct Parser<'s> {
    s: &'s [u8],
    i: usize,
}

/// Deeper than this is not a delivery: the parser refuses rather than recurse without end.
const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.i;
        let kind = match *self.s.get(self.i)? {
            b'{' => self.object(depth)?,
            b'[' => self.array(depth)?,
            b'"' => {
                self.string()?;
                Kind::String
            }
            b'-' | b'0'..=b'9' => {
                self.number()?;
                Kind::Number
            }
            _ => {
                self.literal()?;
                Kind::Literal
            }
        };
        Some(Node {
            start,
            end: self.i,
            kind,
        })
    }

    fn object(&mut self, depth: usize) -> Option<Kind> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Some(Kind::Object(members));
        }
        loop {
            self.ws();
            let key_start = self.i;
            self.string()?;
            let key = serde_json::from_slice(&self.s[key_start..self.i]).ok()?;
            self.ws();
            (self.s.get(self.i) == Some(&b':')).then_some(())?;
            self.i += 1;
            self.ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_start,
                value,
            });
            self.ws();
            match self.s.get(self.i)? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(Kind::Object(members));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Kind> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Some(Kind::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.s.get(self.i)? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(Kind::Array(items));
                }
                _ => return None,
            }
        }
    }

    fn string(&mut self) -> Option<()> {
        (self.s.get(self.i) == Some(&b'"')).then_some(())?;
        self.i += 1;
        loop {
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        while self.i < self.s.len()
            && matches!(
                self.s[self.i],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.i += 1;
        }
        (self.i > start).then_some(())
    }

    fn literal(&mut self) -> Option<()> {
        for word in [&b"true"[..], b"false", b"null"] {
            if self.s[self.i..].starts_with(word) {
                self.i += word.len();
                return Some(());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_found_and_edits_keep_the_rest() {
        let body = b"{\n  \"a\": \"x\",\n  \"b\": [1, 2.0],\n  \"c\": {\"d\": null}\n}";
        let root = parse(body).expect("JSON");
        let Kind::Object(members) = &root.kind else {
            panic!("an object")
        };
        assert_eq!(members.len(), 3);
        assert_eq!(
            &body[members[1].value.start..members[1].value.end],
            b"[1, 2.0]"
        );
        let removed = apply(body, vec![remove_member(members, 1).expect("an edit")]);
        assert_eq!(removed, b"{\n  \"a\": \"x\",\n  \"c\": {\"d\": null}\n}");
        let last = apply(body, vec![remove_member(members, 2).expect("an edit")]);
        assert_eq!(last, b"{\n  \"a\": \"x\",\n  \"b\": [1, 2.0]\n}");
        let added = apply(body, vec![insert_first(&root, "k", b"1").expect("an edit")]);
        assert!(added.starts_with(b"{\"k\":1,\n  \"a\""));
        assert_eq!(root.numbers().len(), 2);
        assert_eq!(root.strings().len(), 1);
        assert!(root.at("/c/d").is_some() && root.at("/b/1").is_some());
        assert_eq!(parse(b"{\"a\":}"), None);
    }

    #[test]
    fn string_characters_know_how_they_were_written() {
        let chars = string_chars(br#""a\u00e9\ud83d\ude00\n""#);
        let only: String = chars.iter().map(|(c, _)| *c).collect();
        assert_eq!(only, "aé😀\n");
        assert_eq!(chars[2].1, br"\ud83d\ude00".to_vec());
    }
}
