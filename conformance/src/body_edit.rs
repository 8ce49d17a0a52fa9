//! Edits of a JSON body's top-level fields that keep every other byte of the values as they
//! were: a golden example is sent as the document wrote it, with only the secret put in.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The top-level members of a JSON object, each value as its exact text.
fn members(body: &[u8]) -> Option<Vec<(String, Box<RawValue>)>> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(String, Box<RawValue>)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let members = (&mut de).deserialize_map(Members).ok()?;
    de.end().ok()?;
    Some(members)
}

/// `body` with the top-level field `key` set to the JSON text `value` (added last when
/// absent), or removed when `value` is `None`. `None` if `body` is not a JSON object.
pub fn set_field(body: &[u8], key: &str, value: Option<&str>) -> Option<Vec<u8>> {
    let mut members = members(body)?;
    let at = members.iter().position(|(k, _)| k == key);
    match (value, at) {
        (Some(v), Some(i)) => members[i].1 = RawValue::from_string(v.to_owned()).ok()?,
        (Some(v), None) => {
            members.push((key.to_owned(), RawValue::from_string(v.to_owned()).ok()?))
        }
        (None, Some(i)) => {
            members.remove(i);
        }
        (None, None) => {}
    }
    let mut out = Vec::with_capacity(body.len() + 32);
    out.push(b'{');
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend(serde_json::to_vec(k).ok()?);
        out.push(b':');
        out.extend(v.get().as_bytes());
    }
    out.push(b'}');
    Some(out)
}

/// `body` with its top-level string field `key` set to `value` (see [`set_field`]).
pub fn set_string(body: &[u8], key: &str, value: &str) -> Option<Vec<u8>> {
    let text = serde_json::to_string(value).ok()?;
    set_field(body, key, Some(&text))
}

/// `body` with one letter inside a JSON string changed (the last such letter), so that it
/// is still JSON but no longer the bytes that were signed. `None` when there is none.
pub fn tamper(body: &[u8]) -> Option<Vec<u8>> {
    let mut in_string = false;
    let mut escaped = false;
    let mut last = None;
    for (i, &b) in body.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            } else if b.is_ascii_alphabetic() {
                last = Some(i);
            }
        } else if b == b'"' {
            in_string = true;
        }
    }
    let i = last?;
    let mut out = body.to_vec();
    out[i] = if out[i] == b'x' { b'y' } else { b'x' };
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values_keep_their_bytes() {
        let body = b"{\n  \"event\": \"lead.create\",\n  \"secret\": \"old\",\n  \"payload\": {\"n\": 1.50, \"big\": 12345678901234567890123}\n}";
        let out = set_string(body, "secret", "new").expect("an object");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            r#"{"event":"lead.create","secret":"new","payload":{"n": 1.50, "big": 12345678901234567890123}}"#
        );
        let removed = set_field(body, "secret", None).expect("an object");
        assert!(!String::from_utf8_lossy(&removed).contains("secret"));
        assert_eq!(set_string(b"[1]", "secret", "x"), None);
    }

    #[test]
    fn tampering_keeps_json_and_changes_one_byte() {
        let body = br#"{"a":"abc","1":null}"#;
        let out = tamper(body).expect("a letter in a string");
        assert_eq!(out, br#"{"a":"abx","1":null}"#);
        assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
    }
}
