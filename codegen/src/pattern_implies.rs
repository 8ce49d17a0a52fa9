//! Decides whether a field's `pattern` makes its `format` check (in part) redundant: when every
//! string the pattern matches is in a format's language, the format check can be left out
//! where the pattern matches. Decided exactly, as language inclusion of two DFAs, at
//! generation time; nothing of this runs in the generated code.

use regex_automata::Anchored;
use regex_automata::dfa::{Automaton, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use std::collections::{HashSet, VecDeque};

/// RFC 4122's hyphenated form, which the `uuid` format is: nothing else to check.
const UUID: &str = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";

/// RFC 3339 `date-time` with every field in range, without leap seconds: a string of this
/// language is a valid `date-time` exactly when its day exists in its month and year.
const DATE_TIME_BUT_CALENDAR: &str = concat!(
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]",
    "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?",
    "([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
);

/// Every match of the pattern is a UUID.
pub fn implies_uuid(pattern: &str) -> bool {
    included(pattern, UUID).unwrap_or(false)
}

/// Every match of the pattern is an RFC 3339 date-time but for the calendar: the `date-time`
/// check then only has to see that the day exists.
pub fn implies_date_time_but_calendar(pattern: &str) -> bool {
    included(pattern, DATE_TIME_BUT_CALENDAR).unwrap_or(false)
}

/// Whether every string the anchored pattern `small` matches whole, `large` matches whole
/// too. `None` when either does not build as a DFA (the caller then keeps its checks).
fn included(small: &str, large: &str) -> Option<bool> {
    if !(small.starts_with('^') && small.ends_with('$')) {
        return None;
    }
    let (a, b) = (dense::DFA::new(small).ok()?, dense::DFA::new(large).ok()?);
    let anchored = start::Config::new().anchored(Anchored::Yes);
    let start = (
        a.start_state(&anchored).ok()?,
        b.start_state(&anchored).ok()?,
    );
    // Walk the pairs of states both DFAs reach on the same input: `small` accepting where
    // `large` does not is a counterexample.
    let mut seen: HashSet<(StateID, StateID)> = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some((sa, sb)) = queue.pop_front() {
        if accepts_here(&a, sa) && !accepts_here(&b, sb) {
            return Some(false);
        }
        for byte in 0..=255u8 {
            let next = (a.next_state(sa, byte), b.next_state(sb, byte));
            if a.is_dead_state(next.0) || a.is_quit_state(next.0) {
                continue;
            }
            if seen.insert(next) {
                queue.push_back(next);
            }
        }
    }
    Some(true)
}

/// True when the input read so far, ending here, is a whole match.
fn accepts_here(dfa: &dense::DFA<Vec<u32>>, state: StateID) -> bool {
    dfa.is_match_state(dfa.next_eoi_state(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_patterns() {
        assert!(implies_uuid(
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
        ));
        assert!(implies_uuid("^[0-9A-F]{8}-([0-9A-F]{4}-){3}[0-9A-F]{12}$"));
        for not_implied in [
            // a character outside hexadecimal
            "^[0-9a-g]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            // no hyphens
            "^[0-9a-f]{32}$",
            // a hyphen out of place
            "^[0-9a-f]{9}-[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            // variable length, an alternative, or unanchored
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$",
            "^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|x)$",
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        ] {
            assert!(!implies_uuid(not_implied), "{not_implied}");
        }
    }

    #[test]
    fn date_time_patterns() {
        // SPOTIO's: every field in range, seconds to 59.
        assert!(implies_date_time_but_calendar(
            "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,7})?[+-]([01][0-9]|2[0-3]):[0-5][0-9]$"
        ));
        for not_implied in [
            // ClinchPad's and Breakcold's: any two digits, so hour 99 matches
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
            // a leap second, which depends on the offset
            "^2016-12-31T23:59:(59|60)Z$",
            // an offset without a colon
            "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9][+-][0-9]{4}$",
        ] {
            assert!(
                !implies_date_time_but_calendar(not_implied),
                "{not_implied}"
            );
        }
    }
}
