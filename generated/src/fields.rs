//! A request body's top-level fields, read and set without touching the rest: the body
//! schemes carry their secret there, and a changed field must leave every other byte as sent.

use crate::dispatch::{ParseError, event_type_at};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The string in the top-level field `key`, found without decoding the rest; `None` when it
/// is absent or not a string. An error when the body is not JSON.
pub fn top_level_string<'a>(body: &'a [u8], key: &str) -> Result<Option<Cow<'a, str>>, ParseError> {
    event_type_at(body, &[key], "")
}

/// `body` with the top-level field `key` set to the JSON text `value` (added last when
/// absent), or removed when `value` is `None`; every other member keeps its exact text, and
/// members are joined without blanks. `None` if `body` is not a JSON object or `value` is not
/// JSON.
pub fn with_top_level(body: &[u8], key: &str, value: Option<&str>) -> Option<Vec<u8>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values_keep_their_bytes() {
        let body = b"{\n  \"event\": \"lead.create\",\n  \"secret\": \"old\",\n  \"payload\": {\"n\": 1.50, \"big\": 12345678901234567890123}\n}";
        let out = with_top_level(body, "secret", Some("\"new\"")).expect("an object");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            r#"{"event":"lead.create","secret":"new","payload":{"n": 1.50, "big": 12345678901234567890123}}"#
        );
        let removed = with_top_level(body, "secret", None).expect("an object");
        assert!(!String::from_utf8_lossy(&removed).contains("secret"));
        assert_eq!(with_top_level(b"[1]", "secret", Some("1")), None);
        assert_eq!(
            top_level_string(body, "secret").expect("JSON").as_deref(),
            Some("old")
        );
    }
}
