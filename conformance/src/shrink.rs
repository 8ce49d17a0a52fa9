//! Shrinking a failing generated event against the live endpoint: smaller variants of the
//! event that are still valid (held to the catalog by the reference validator) are tried, and
//! the smallest that still fails is reported.

use serde_json::Value;

/// Smaller variants of `value`, biggest cuts first: each property removed, each array cut to
/// its first element or emptied, each string emptied or halved, each number set to 0.
pub fn candidates(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut paths = Vec::new();
    collect_paths(value, String::new(), &mut paths);
    let whole = size(value);
    for path in &paths {
        out.extend(smaller(value, path).into_iter().filter(|c| size(c) < whole));
    }
    out
}

fn collect_paths(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let child = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(child.clone());
                collect_paths(v, child, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let child = format!("{at}/{i}");
                out.push(child.clone());
                collect_paths(v, child, out);
            }
        }
        _ => {}
    }
}

/// Variants of `root` with the value at `path` removed or made smaller.
fn smaller(root: &Value, path: &str) -> Vec<Value> {
    let Some(here) = root.pointer(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(removed) = remove(root, path) {
        out.push(removed);
    }
    let replacements: Vec<Value> = match here {
        Value::Array(items) if items.len() > 1 => vec![Value::Array(vec![items[0].clone()])],
        Value::String(s) if !s.is_empty() => {
            let half: String = s.chars().take(s.chars().count() / 2).collect();
            vec![Value::String(String::new()), Value::String(half)]
        }
        Value::Number(n) if n.as_f64() != Some(0.0) => vec![Value::from(0)],
        _ => Vec::new(),
    };
    for r in replacements {
        let mut v = root.clone();
        if let Some(slot) = v.pointer_mut(path) {
            *slot = r;
            out.push(v);
        }
    }
    out
}

fn remove(root: &Value, path: &str) -> Option<Value> {
    let (parent, last) = path.rsplit_once('/')?;
    let mut v = root.clone();
    match v.pointer_mut(parent)? {
        Value::Object(map) => {
            let key = last.replace("~1", "/").replace("~0", "~");
            map.shift_remove(&key)?;
        }
        Value::Array(items) => {
            let i: usize = last.parse().ok()?;
            if i < items.len() {
                items.remove(i);
            }
        }
        _ => return None,
    }
    Some(v)
}

/// A size to compare candidates by: the compact encoding's length.
pub fn size(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(usize::MAX, |v| v.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_candidate_is_smaller() {
        let v = json!({"a": "hello", "b": [1, 2, 3], "c": {"d": 5}});
        let cs = candidates(&v);
        assert!(cs.len() >= 8);
        assert!(cs.iter().all(|c| size(c) < size(&v)), "{cs:?}");
        assert!(cs.contains(&json!({"b": [1, 2, 3], "c": {"d": 5}})));
    }
}
