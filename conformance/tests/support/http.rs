//! A plain blocking HTTP/1.1 client for the tests' own senders: one request per connection,
//! bytes exactly as given, the status and body read back. Written here so that a sender in a
//! test shares no code with the harness it checks.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Sends one request to `url` (`http://host:port/path`) and reads the answer to the end.
pub fn send(url: &str, method: &str, headers: &[(String, String)], body: &[u8]) -> Answer {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(authority).expect("the receiver accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).expect("write the head");
    stream.write_all(body).expect("write the body");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the answer");
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |i| i + 4);
    let raw = &answer[split..];
    let chunked = text.lines().take_while(|l| !l.is_empty()).any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    Answer {
        status,
        body: if chunked { dechunk(raw) } else { raw.to_vec() },
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&raw[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = &raw[(start + size + 2).min(raw.len())..];
    }
    out
}

/// A vendor's sender, written for the tests: hookcert-events signs (it is the one owner of
/// signing), this puts the request together.
pub struct TestSender {
    pub signer: hookcert_events::auth::Signer,
}

impl TestSender {
    pub fn new(vendor: &str, credentials: &hookcert_events::auth::Credentials) -> Self {
        let auth = hookcert_events::authentication(vendor).expect("a known vendor");
        TestSender {
            signer: hookcert_events::auth::Signer::new(&auth, credentials).expect("credentials"),
        }
    }

    /// The headers of a JSON request with exactly `body`, signed.
    pub fn headers(&self, body: &[u8]) -> Vec<(String, String)> {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        headers.extend(self.signer.headers(body));
        headers
    }

    /// `body` made authentic (the body secret put in), and its headers.
    pub fn authentic(&self, body: &[u8]) -> (Vec<(String, String)>, Vec<u8>) {
        let body = self.signer.body(body);
        (self.headers(&body), body)
    }
}
