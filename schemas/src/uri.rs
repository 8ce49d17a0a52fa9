//! URI references resolved against a base (RFC 3986, section 5): how a schema's `$ref` names
//! another file, relative to its own `$id`.

/// The parts of a URI reference (RFC 3986, appendix B).
struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn split(uri: &str) -> Parts<'_> {
    let (rest, fragment) = match uri.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (uri, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (scheme, rest) = match rest.find(':') {
        Some(colon)
            if !rest[..colon].contains('/')
                && rest[..colon]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic()) =>
        {
            (Some(&rest[..colon]), &rest[colon + 1..])
        }
        _ => (None, rest),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// Resolves `reference` against `base` as RFC 3986 section 5.2 says.
pub fn resolve(base: &str, reference: &str) -> String {
    let b = split(base);
    let r = split(reference);
    let (scheme, authority, path, query);
    if r.scheme.is_some() {
        scheme = r.scheme;
        authority = r.authority;
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        scheme = b.scheme;
        if r.authority.is_some() {
            authority = r.authority;
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            authority = b.authority;
            if r.path.is_empty() {
                path = b.path.to_owned();
                query = r.query.or(b.query);
            } else {
                path = if r.path.starts_with('/') {
                    remove_dot_segments(r.path)
                } else {
                    remove_dot_segments(&merge(&b, r.path))
                };
                query = r.query;
            }
        }
    }
    let mut out = String::new();
    if let Some(s) = scheme {
        out.push_str(s);
        out.push(':');
    }
    if let Some(a) = authority {
        out.push_str("//");
        out.push_str(a);
    }
    out.push_str(&path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = r.fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

fn merge(base: &Parts<'_>, path: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        return format!("/{path}");
    }
    match base.path.rfind('/') {
        Some(slash) => format!("{}{path}", &base.path[..=slash]),
        None => path.to_owned(),
    }
}

fn remove_dot_segments(path: &str) -> String {
    let absolute = path.starts_with('/');
    let body = if absolute { &path[1..] } else { path };
    let mut out: Vec<&str> = Vec::new();
    let mut trailing_slash = false;
    let segments: Vec<&str> = body.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => trailing_slash = last,
            ".." => {
                out.pop();
                trailing_slash = last;
            }
            s => {
                out.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut result = String::new();
    if absolute {
        result.push('/');
    }
    result.push_str(&out.join("/"));
    if trailing_slash && !result.ends_with('/') {
        result.push('/');
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_references_resolve_as_rfc_3986_says() {
        let base = "https://hookcert.dev/schemas/spotio/events/lead.added.schema.json";
        for (reference, expected) in [
            (
                "../common/lead.schema.json",
                "https://hookcert.dev/schemas/spotio/common/lead.schema.json",
            ),
            (
                "../common/types.schema.json#/$defs/uuid",
                "https://hookcert.dev/schemas/spotio/common/types.schema.json#/$defs/uuid",
            ),
            (
                "#/$defs/event",
                "https://hookcert.dev/schemas/spotio/events/lead.added.schema.json#/$defs/event",
            ),
            (
                "types.schema.json",
                "https://hookcert.dev/schemas/spotio/events/types.schema.json",
            ),
            ("/x/./y/../z", "https://hookcert.dev/x/z"),
            ("../../../../../a", "https://hookcert.dev/a"),
            ("//other.example/p", "https://other.example/p"),
            ("urn:x:y", "urn:x:y"),
            (
                "?q",
                "https://hookcert.dev/schemas/spotio/events/lead.added.schema.json?q",
            ),
            ("./", "https://hookcert.dev/schemas/spotio/events/"),
            ("..", "https://hookcert.dev/schemas/spotio/"),
        ] {
            assert_eq!(resolve(base, reference), expected, "{reference}");
        }
    }

    #[test]
    fn resolves_relative_refs() {
        let base = "https://hookcert.dev/schemas/spotio/events/lead.added.schema.json";
        assert_eq!(
            resolve(base, "../common/lead.schema.json"),
            "https://hookcert.dev/schemas/spotio/common/lead.schema.json"
        );
        assert_eq!(
            resolve(base, "other.schema.json"),
            "https://hookcert.dev/schemas/spotio/events/other.schema.json"
        );
        assert_eq!(resolve(base, "#/$defs/x"), format!("{base}#/$defs/x"));
        // RFC 3986, 5.4.1 and 5.4.2.
        let rfc = "http://a/b/c/d;p?q";
        for (reference, expected) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("..", "http://a/b/"),
            ("../..", "http://a/"),
            ("../../../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
        ] {
            assert_eq!(resolve(rfc, reference), expected, "{reference}");
        }
    }
}
