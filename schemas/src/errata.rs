//! A vendor's ERRATA.md read into its numbered entries: each contradiction, repair or inference
//! with the document's words it quotes (its `> ` lines).

use crate::model::ErrataEntry;

/// The numbered entries (`12. **Title.**`) and, for each, its quoted lines without the `> ` and
/// the backticks around a quoted JSON line.
pub fn parse(text: &str) -> Vec<ErrataEntry> {
    let mut entries: Vec<ErrataEntry> = Vec::new();
    for line in text.lines() {
        if let Some((number, title)) = entry_start(line) {
            entries.push(ErrataEntry {
                number,
                title,
                quotes: Vec::new(),
            });
            continue;
        }
        let trimmed = line.trim_start();
        if let (Some(quote), Some(entry)) = (trimmed.strip_prefix('>'), entries.last_mut()) {
            let quote = quote.trim();
            let quote = quote
                .strip_prefix('`')
                .and_then(|q| q.strip_suffix('`'))
                .unwrap_or(quote);
            if !quote.trim().is_empty() {
                entry.quotes.push(quote.to_owned());
            }
        }
    }
    entries
}

/// `12. **Title.**` at the start of a line: the entry's number and title.
fn entry_start(line: &str) -> Option<(u32, String)> {
    let (number, rest) = line.split_once(". ")?;
    let number: u32 = number.parse().ok()?;
    let title = rest.strip_prefix("**")?;
    let title = title.split("**").next().unwrap_or(title);
    Some((number, title.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_their_quotes() {
        let text = "# X\n\n1. **One (repair).**\n   > `\"a\": 1,`\n\n   > words\n\n   Decision.\n\n2. **Two.**\n   Nothing quoted.\n";
        let entries = parse(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].number, 1);
        assert_eq!(entries[0].title, "One (repair).");
        assert_eq!(entries[0].quotes, ["\"a\": 1,", "words"]);
        assert!(entries[1].quotes.is_empty());
    }
}
