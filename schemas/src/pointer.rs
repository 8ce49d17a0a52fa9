//! JSON pointers (RFC 6901), and where a vendor's envelope puts each event of a body and its
//! type: the one place pointers are escaped, split and joined.

use crate::profile::{Envelope, EnvelopeKind};
use serde_json::Value;

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape_token`].
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The tokens of a pointer, unescaped (`/a~1b/0` → `a/b`, `0`).
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(unescape_token)
}

/// `pointer` with one more token, escaped.
pub fn push_token(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// One event found in a request body: its type (if the body names one) and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSlot {
    /// The event type, or `None` when the body does not name one where the profile says.
    pub event_type: Option<String>,
    /// For batches, the index of the event in the array; `None` for single-event bodies.
    pub index: Option<usize>,
}

impl Envelope {
    /// Where the event at `index` of a batch sits in the body (`/payload/3`); the body itself
    /// (`""`) for single-event envelopes.
    pub fn event_pointer(&self, index: usize) -> String {
        match (self.kind, self.events_pointer.as_deref()) {
            (EnvelopeKind::Batch, Some(events)) => format!("{events}/{index}"),
            _ => String::new(),
        }
    }

    /// Where the event type of the event at `index` sits in the body, when the envelope names
    /// one (`/payload/0/type`, `/event`).
    pub fn type_pointer_at(&self, index: usize) -> Option<String> {
        let type_pointer = self.type_pointer.as_deref()?;
        Some(self.event_pointer(index) + type_pointer)
    }

    /// A pointer into one event (`/data/id`) as a pointer into a one-event body.
    pub fn in_first_event(&self, pointer: &str) -> String {
        self.event_pointer(0) + pointer
    }

    /// The events a request body carries, found as the envelope describes. A batch whose
    /// array is missing carries none.
    pub fn event_slots(&self, body: &Value) -> Vec<EventSlot> {
        let type_of = |v: &Value| match &self.type_pointer {
            Some(p) => v.pointer(p).and_then(Value::as_str).map(str::to_owned),
            None => self.fixed_type.clone(),
        };
        match self.kind {
            EnvelopeKind::Single => vec![EventSlot {
                event_type: type_of(body),
                index: None,
            }],
            EnvelopeKind::Batch => {
                let items = self
                    .events_pointer
                    .as_deref()
                    .and_then(|p| body.pointer(p))
                    .and_then(Value::as_array);
                items
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, item)| EventSlot {
                        event_type: type_of(item),
                        index: Some(i),
                    })
                    .collect()
            }
        }
    }

    /// The body of a one-event request carrying only the event at `slot`: the body itself for
    /// single-event vendors, the batch narrowed to that one item for batch vendors. Event
    /// schemas describe such a one-event body.
    pub fn single_event_body(&self, body: &Value, slot: &EventSlot) -> Value {
        let (Some(index), Some(pointer)) = (slot.index, self.events_pointer.as_deref()) else {
            return body.clone();
        };
        let mut one = body.clone();
        if let Some(Value::Array(items)) = one.pointer_mut(pointer) {
            let item = items.get(index).cloned();
            items.clear();
            items.extend(item);
        }
        one
    }

    /// What tells one delivery from another, as the vendor's retries keep it: the values at
    /// the identity pointers of each event (`null` where absent), the events of a batch in
    /// order. Two bodies with one identity are the same delivery, sent again.
    pub fn identity_of(&self, body: &Value) -> String {
        let of = |item: &Value| -> String {
            self.identity
                .iter()
                .map(|p| {
                    item.pointer(p)
                        .map_or_else(|| "null".to_owned(), Value::to_string)
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        match (self.kind, self.events_pointer.as_deref()) {
            (EnvelopeKind::Batch, Some(p)) => match body.pointer(p).and_then(Value::as_array) {
                Some(items) => items.iter().map(of).collect::<Vec<_>>().join(" | "),
                None => of(body),
            },
            _ => of(body),
        }
    }

    /// Maps a JSON pointer into a one-event body back to the same place in the whole batch.
    pub fn pointer_in_body(&self, slot: &EventSlot, pointer: &str) -> String {
        let Some(index) = slot.index else {
            return pointer.to_owned();
        };
        let first = self.event_pointer(0);
        match pointer.strip_prefix(&first) {
            Some(rest) if !first.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
                self.event_pointer(index) + rest
            }
            _ => pointer.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(unescape_token("a~1b~0c"), "a/b~c");
        assert_eq!(tokens("/a~1b/0").collect::<Vec<_>>(), ["a/b", "0"]);
        assert_eq!(push_token("/x", "a/b"), "/x/a~1b");
        // `~01` is `~1` escaped, not `/`.
        assert_eq!(unescape_token("~01"), "~1");
    }
}
