//! The `format`s the catalog uses, checked as JSON Schema 2020-12 defines them: `date-time`
//! (RFC 3339), `email` (RFC 5321 mailbox), `uri` (RFC 3986 absolute URI) and `uuid` (RFC 4122
//! hyphenated form). Hand-written to keep the crate light; the property tests hold them to the
//! `jsonschema` crate's verdicts.

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

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

/// `full-date "T" full-time` of RFC 3339 (the separator in either case).
pub fn is_date_time(s: &str) -> bool {
    let Some(t) = s.bytes().position(|b| b == b'T' || b == b't') else {
        return false;
    };
    is_full_date(&s.as_bytes()[..t]) && is_full_time(&s.as_bytes()[t + 1..])
}

fn is_full_date(b: &[u8]) -> bool {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn is_full_time(b: &[u8]) -> bool {
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) =
        (digits(&b[..2]), digits(&b[3..5]), digits(&b[6..8]))
    else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut i = 8;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let offset = &b[i..];
    let utc_minutes: i32 = match offset.first() {
        Some(b'Z' | b'z') if offset.len() == 1 => 0,
        Some(sign @ (b'+' | b'-')) if offset.len() == 6 && offset[3] == b':' => {
            let (Some(oh), Some(om)) = (digits(&offset[1..3]), digits(&offset[4..6])) else {
                return false;
            };
            if oh > 23 || om > 59 {
                return false;
            }
            let total = (oh * 60 + om) as i32;
            if *sign == b'+' { -total } else { total }
        }
        _ => return false,
    };
    // A leap second is only valid at 23:59:60 UTC.
    if second == 60 {
        let utc = ((hour * 60 + minute) as i32 + utc_minutes).rem_euclid(24 * 60);
        return utc == 23 * 60 + 59;
    }
    true
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return false;
    }
    [&b[..8], &b[9..13], &b[14..18], &b[19..23], &b[24..]]
        .iter()
        .all(|group| group.iter().all(u8::is_ascii_hexdigit))
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
    let atom = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'%' | b'+' | b'-');
    let dot_atom = !local.is_empty()
        && local.len() <= 64
        && local[0] != b'.'
        && local[local.len() - 1] != b'.'
        && local.windows(2).all(|w| !(w[0] == b'.' && w[1] == b'.'))
        && local.iter().all(|&c| atom(c) || c == b'.');
    dot_atom && domain.contains(&b'.') && domain.last() != Some(&b'.') && is_hostname_bytes(domain)
}

fn full_email(s: &str) -> bool {
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
    b.split(|&c| c == b'.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label[0] != b'-'
            && label[label.len() - 1] != b'-'
            && label
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && !(label.len() >= 4
                && &label[2..4] == b"--"
                && !label[..2].eq_ignore_ascii_case(b"xn"))
    })
}

/// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
fn is_hostname(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
                && !(b.len() >= 4 && &b[2..4] == b"--" && !b[..2].eq_ignore_ascii_case(b"xn"))
        })
}

/// Unreserved characters and sub-delimiters of RFC 3986, as a table: one lookup a byte.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric()
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
        c += 1;
    }
    table
};

fn is_plain(b: u8) -> bool {
    PLAIN[b as usize]
}

/// The index after the run of bytes allowed by `extra` (besides unreserved, sub-delims and
/// percent-encodings) from `at`; `None` on a broken percent-encoding.
fn scan(b: &[u8], mut at: usize, extra: &[u8]) -> Option<usize> {
    while let Some(&c) = b.get(at) {
        if is_plain(c) || extra.contains(&c) {
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
    Some(at)
}

/// RFC 3986 `absolute-URI [ "#" fragment ]`, i.e. the `URI` production.
pub fn is_uri(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(colon) = b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || b"+-.".contains(c)))
    else {
        return false;
    };
    if colon == 0 || !b[0].is_ascii_alphabetic() || b[colon] != b':' {
        return false;
    }
    let mut at = colon + 1;
    if b[at..].starts_with(b"//") {
        let Some(end) = scan(b, at + 2, b":@[]") else {
            return false;
        };
        if !is_authority(&b[at + 2..end]) {
            return false;
        }
        at = end;
    }
    let Some(end) = scan(b, at, b":@/") else {
        return false;
    };
    at = end;
    for delimiter in [b'?', b'#'] {
        if b.get(at) == Some(&delimiter) {
            let Some(end) = scan(b, at + 1, b":@/?") else {
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
