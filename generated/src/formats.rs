//! The `format`s the catalog uses, checked as JSON Schema 2020-12 defines them: `date-time`
//! (RFC 3339), `email` (RFC 5321 mailbox), `uri` (RFC 3986 absolute URI) and `uuid` (RFC 4122
//! hyphenated form). Hand-written to keep the crate light and fast (each is one pass, most of
//! it without branches); `tests/formats_agree.rs` holds them to the `jsonschema` crate's
//! verdicts. One known difference: a host name label in IDNA's `xn--` form is checked as
//! letters, digits and hyphens, not decoded and checked as Unicode (RFC 5891), which
//! jsonschema does.

/// A `format` keyword value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DateTime,
    Email,
    Uri,
    Uuid,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Email => "email",
            Format::Uri => "uri",
            Format::Uuid => "uuid",
        }
    }

    pub fn is_valid(self, s: &str) -> bool {
        match self {
            Format::DateTime => is_date_time(s),
            Format::Email => is_email(s),
            Format::Uri => is_uri(s),
            Format::Uuid => is_uuid(s),
        }
    }
}

/// `full-date "T" full-time` of RFC 3339 (the separator in either case).
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    // `YYYY-MM-DDTHH:MM:SS` has a fixed shape: every digit and separator tested at once,
    // without a branch, before any number is read.
    let Some(head) = b.first_chunk::<19>() else {
        return false;
    };
    let shape = DIGITS_AT
        .iter()
        .fold(true, |ok, &i| ok & head[i].is_ascii_digit())
        & (head[4] == b'-')
        & (head[7] == b'-')
        & matches!(head[10], b'T' | b't')
        & (head[13] == b':')
        & (head[16] == b':');
    if !shape {
        return false;
    }
    let (hour, minute, second) = (two(head, 11), two(head, 14), two(head, 17));
    if hour > 23 || minute > 59 || second > 60 || !day_fits(head) {
        return false;
    }
    let Some(utc_offset) = fraction_and_offset(&b[19..]) else {
        return false;
    };
    // A leap second is only valid at 23:59:60 UTC.
    if second == 60 {
        let utc = ((hour * 60 + minute) as i32 + utc_offset).rem_euclid(24 * 60);
        return utc == 23 * 60 + 59;
    }
    true
}

/// Whether the day of a string that starts `YYYY-MM-DD` exists in its month and year: the
/// rest of [`is_date_time`], for a string already known to be RFC 3339 in every other way.
pub fn day_exists(s: &str) -> bool {
    let Some(head) = s.as_bytes().first_chunk::<10>() else {
        return false;
    };
    DIGITS_AT[..6].iter().all(|&i| head[i].is_ascii_digit()) && day_fits(head)
}

/// The number written by the two ASCII digits at `b[i]` and `b[i + 1]`.
fn two(b: &[u8], i: usize) -> u32 {
    u32::from(b[i].wrapping_sub(b'0')) * 10 + u32::from(b[i + 1].wrapping_sub(b'0'))
}

/// Whether the day of `YYYY-MM-DD`, its digits already checked, exists in its month and year.
fn day_fits(b: &[u8]) -> bool {
    let (year, month, day) = (two(b, 0) * 100 + two(b, 2), two(b, 5), two(b, 8));
    (1..=days_in_month(year, month)).contains(&day)
}

/// Where the digits of `YYYY-MM-DDTHH:MM:SS` are.
const DIGITS_AT: [usize; 14] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/// 0 for a month that does not exist, so that no day fits it.
fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// `[time-secfrac] time-offset`: the minutes to add to reach UTC, if well formed.
fn fraction_and_offset(b: &[u8]) -> Option<i32> {
    let mut i = 0;
    if b.first() == Some(&b'.') {
        i = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if i == 1 {
            return None;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let hours = i32::from(h1 - b'0') * 10 + i32::from(h2 - b'0');
            let minutes = i32::from(m1 - b'0') * 10 + i32::from(m2 - b'0');
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            Some(if *sign == b'+' { -total } else { total })
        }
        _ => None,
    }
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return false;
    }
    b.iter().enumerate().fold(true, |ok, (i, c)| {
        ok & (c.is_ascii_hexdigit() | matches!(i, 8 | 13 | 18 | 23))
    })
}

/// An RFC 5321 mailbox with a host name or an address literal as its domain.
pub fn is_email(s: &str) -> bool {
    plain_email(s) || full_email(s)
}

/// The everyday form, `dot-atom@host.name` with ASCII letters, digits and `._%+-`, checked
/// without the full parser; anything else goes to the full RFC 5321 check.
fn plain_email(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(at) = b.iter().position(|&c| c == b'@') else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    is_dot_atom(local)
        && domain.contains(&b'.')
        && domain.last() != Some(&b'.')
        && is_hostname_bytes(domain)
}

/// Letters, digits and `_%+-`: the atom characters of the fast path.
const ATOM: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'%' | b'+' | b'-');
        c += 1;
    }
    table
};

/// Atoms joined by single dots, at most 64 bytes: no dot first, last or twice in a row.
fn is_dot_atom(local: &[u8]) -> bool {
    if local.is_empty() || local.len() > 64 {
        return false;
    }
    // A dot right at the start counts as a doubled one.
    let mut after_dot = true;
    for &c in local {
        let dot = c == b'.';
        if (dot && after_dot) || (!dot && !ATOM[c as usize]) {
            return false;
        }
        after_dot = dot;
    }
    !after_dot
}

fn full_email(s: &str) -> bool {
    // RFC 5321 allows an empty quoted local part (`""@host`); `email_address` does not.
    if let Some(domain) = s.strip_prefix("\"\"@") {
        return full_email(&format!("\"a\"@{domain}"));
    }
    let Ok(parsed) = s.parse::<email_address::EmailAddress>() else {
        return false;
    };
    if !parsed.local_part().is_ascii() {
        return false;
    }
    let domain = parsed.domain();
    match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => match literal.get(..5) {
            Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => {
                literal[5..].parse::<std::net::Ipv6Addr>().is_ok()
            }
            _ => literal.parse::<std::net::Ipv4Addr>().is_ok(),
        },
        None => is_hostname(domain),
    }
}

/// [`is_hostname`] on bytes, for the email fast path: one pass, no allocation.
fn is_hostname_bytes(b: &[u8]) -> bool {
    if b.is_empty() || b.len() > 253 {
        return false;
    }
    b.split(|&c| c == b'.').all(is_label)
}

/// One label of a host name: 1 to 63 letters, digits and inner hyphens, and no `--` in
/// third and fourth place unless it starts `xn` (an IDNA A-label).
fn is_label(label: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
        return false;
    };
    label.len() <= 63
        && first != b'-'
        && last != b'-'
        && label.iter().fold(true, |ok, &c| {
            ok & (c.is_ascii_alphanumeric() | (c == b'-'))
        })
        && !(label.len() >= 4 && &label[2..4] == b"--" && !label[..2].eq_ignore_ascii_case(b"xn"))
}

/// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
fn is_hostname(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    is_hostname_bytes(s.as_bytes())
}

/// Where in a URI a byte may stand as itself (RFC 3986): one bit for each part, so that a
/// byte costs one table lookup. Unreserved characters and sub-delimiters may stand anywhere.
const IN_AUTHORITY: u8 = 1;
const IN_PATH: u8 = 2;
const IN_QUERY: u8 = 4;
/// Letters, digits and `+-.`: the characters of a scheme.
const IN_SCHEME: u8 = 8;
/// `:@[]`: the authority's delimiters; an authority without any is a plain host name.
const DELIMITS_AUTHORITY: u8 = 16;

const URI_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let plain = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        if plain || matches!(b, b':' | b'@' | b'[' | b']') {
            table[c] |= IN_AUTHORITY;
        }
        if plain || matches!(b, b':' | b'@' | b'/') {
            table[c] |= IN_PATH;
        }
        if plain || matches!(b, b':' | b'@' | b'/' | b'?') {
            table[c] |= IN_QUERY;
        }
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') {
            table[c] |= IN_SCHEME;
        }
        if matches!(b, b':' | b'@' | b'[' | b']') {
            table[c] |= DELIMITS_AUTHORITY;
        }
        c += 1;
    }
    table
};

/// The index after the run of bytes allowed in `part` (or percent-encoded) from `at`, and
/// the table bits of every byte of the run or-ed together; `None` on a broken
/// percent-encoding.
fn scan(b: &[u8], mut at: usize, part: u8) -> Option<(usize, u8)> {
    let mut seen = 0;
    while let Some(&c) = b.get(at) {
        let bits = URI_BYTES[c as usize];
        if bits & part != 0 {
            seen |= bits;
            at += 1;
        } else if c == b'%' {
            if !b.get(at + 1..at + 3)?.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            at += 3;
        } else {
            break;
        }
    }
    Some((at, seen))
}

/// RFC 3986 `absolute-URI [ "#" fragment ]`, i.e. the `URI` production.
pub fn is_uri(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(colon) = b
        .iter()
        .position(|&c| URI_BYTES[c as usize] & IN_SCHEME == 0)
    else {
        return false;
    };
    if colon == 0 || !b[0].is_ascii_alphabetic() || b[colon] != b':' {
        return false;
    }
    let mut at = colon + 1;
    if b[at..].starts_with(b"//") {
        let Some((end, seen)) = scan(b, at + 2, IN_AUTHORITY) else {
            return false;
        };
        // Without `:@[]` the authority is a host name of allowed bytes, nothing more to see.
        if seen & DELIMITS_AUTHORITY != 0 && !is_authority(&b[at + 2..end]) {
            return false;
        }
        at = end;
    }
    let Some((end, _)) = scan(b, at, IN_PATH) else {
        return false;
    };
    at = end;
    for delimiter in [b'?', b'#'] {
        if b.get(at) == Some(&delimiter) {
            let Some((end, _)) = scan(b, at + 1, IN_QUERY) else {
                return false;
            };
            at = end;
        }
    }
    at == b.len()
}

fn is_authority(b: &[u8]) -> bool {
    let host_port = match b.iter().rposition(|c| *c == b'@') {
        Some(i) => {
            if b[..i].iter().any(|c| matches!(c, b'@' | b'[' | b']')) {
                return false;
            }
            &b[i + 1..]
        }
        None => b,
    };
    let (host, port) = if host_port.first() == Some(&b'[') {
        let Some(close) = host_port.iter().position(|c| *c == b']') else {
            return false;
        };
        let literal = &host_port[1..close];
        let Ok(text) = std::str::from_utf8(literal) else {
            return false;
        };
        let ok = text.parse::<std::net::Ipv6Addr>().is_ok()
            || (text.starts_with(['v', 'V']) && text.contains('.') && text.len() > 3);
        if !ok {
            return false;
        }
        (&host_port[..0], &host_port[close + 1..])
    } else {
        match host_port.iter().position(|c| *c == b':') {
            Some(i) => (&host_port[..i], &host_port[i..]),
            None => (host_port, &host_port[host_port.len()..]),
        }
    };
    if host.iter().any(|c| matches!(c, b'[' | b']' | b'@' | b':')) {
        return false;
    }
    match port.split_first() {
        None => true,
        Some((b':', digits)) => digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_as_the_vendors_write_them() {
        for ok in [
            "2020-09-04T10:20:31.3778028+00:00",
            "0001-01-01T00:00:00+00:00",
            "2014-01-10T09:37:58Z",
            "2023-04-29T11:13:55.021Z",
            "2016-12-31T23:59:60Z",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2020-09-04 10:20:31Z",
            "2020-02-30T10:20:31Z",
            "2020-09-04T24:00:00Z",
            "2020-09-04T10:20:31",
            "2020-09-04T10:20:31+0000",
            "2020-09-04T10:20:31.Z",
            "2016-12-31T22:59:60Z",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn emails_uris_uuids() {
        assert!(is_email("maciej+100@spotio.com"));
        assert!(!is_email("not an email"));
        assert!(!is_email("a@-bad-.com"));
        assert!(is_uri("https://s3.amazonaws.com/..."));
        assert!(is_uri("mailto:x@y.z"));
        assert!(!is_uri("//no-scheme.example"));
        assert!(!is_uri("https://exa mple.com"));
        assert!(!is_uri("http://x/%zz"));
        assert!(is_uuid("eb8edc65-129a-4cb6-abbe-6bf8979c0658"));
        assert!(!is_uuid("eb8edc65129a4cb6abbe6bf8979c0658"));
    }
}
