//! Edits of a delivery's body for the suites: a field set as a string (through
//! hookcert-events' top-level field editor, which keeps every other value's bytes), and one
//! letter changed after signing.

/// `body` with its top-level string field `key` set to `value`; `None` if `body` is not a JSON
/// object.
pub fn set_string(body: &[u8], key: &str, value: &str) -> Option<Vec<u8>> {
    let text = serde_json::to_string(value).ok()?;
    hookcert_events::with_top_level(body, key, Some(&text))
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
    fn a_string_field_is_set_and_the_rest_kept() {
        let out = set_string(b"{\"n\": 1.50, \"s\": \"old\"}", "s", "n\"ew").expect("an object");
        assert_eq!(out, b"{\"n\":1.50,\"s\":\"n\\\"ew\"}");
        assert_eq!(set_string(b"[1]", "s", "x"), None);
    }

    #[test]
    fn tampering_keeps_json_and_changes_one_byte() {
        let body = br#"{"a":"abc","1":null}"#;
        let out = tamper(body).expect("a letter in a string");
        assert_eq!(out, br#"{"a":"abx","1":null}"#);
        assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
    }
}
