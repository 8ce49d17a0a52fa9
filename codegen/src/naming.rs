//! Rust names for JSON names: types in PascalCase, fields in snake_case, always valid
//! identifiers, deterministic.

/// Splits a JSON name into words at separators and lower-to-upper case changes.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `lead.added` → `LeadAdded`, `note:created` → `NoteCreated`, `save_lead` → `SaveLead`.
pub fn type_name(name: &str) -> String {
    let mut out: String = words(name)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// `updatedAtUserName` → `updated_at_user_name`, `_id` → `id`, `type` → `r#type`-free `type_`.
pub fn field_name(name: &str) -> String {
    let mut out = words(name).join("_");
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "f_");
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

fn is_keyword(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else",
        "enum", "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match",
        "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "try", "type", "unsafe", "use", "where", "while", "yield", "abstract", "become",
        "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual",
    ];
    KEYWORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_well() {
        assert_eq!(type_name("lead.added"), "LeadAdded");
        assert_eq!(type_name("note:created"), "NoteCreated");
        assert_eq!(
            type_name("conversation.operator.replied"),
            "ConversationOperatorReplied"
        );
        assert_eq!(type_name("save_lead"), "SaveLead");
        assert_eq!(type_name("email_configurations"), "EmailConfigurations");
        assert_eq!(field_name("updatedAtUserName"), "updated_at_user_name");
        assert_eq!(field_name("_id"), "id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("icebreaker_2"), "icebreaker_2");
        assert_eq!(field_name("Content-Type"), "content_type");
    }
}
