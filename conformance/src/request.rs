//! A request the harness sends, how it is recorded in the report (secrets redacted), and the
//! shell command that replays it.

use crate::redact::Redactor;
use crate::report::RequestRecord;
use sha2::{Digest, Sha256};

/// One HTTP request, exactly as it goes on the wire (the client adds `Host`, the body's
/// framing as `wire` says, and nothing else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Names spelled as sent.
    pub headers: Vec<(String, String)>,
    /// Header values that are not text (bytes 0x80-0xFF, as anyone on the network can send),
    /// sent after `headers` as they are.
    pub raw_headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    /// A shell command that prints the body, for bodies too big to put in a command line.
    pub body_command: Option<String>,
    pub wire: Wire,
}

/// How a request's body and connection go on the wire: the forms vendors' HTTP clients use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Wire {
    /// HTTP/1.1 with `Content-Length`, the connection kept alive.
    #[default]
    Standard,
    /// `Transfer-Encoding: chunked`, as streaming clients send.
    Chunked,
    /// `Expect: 100-continue`: the head first, the body after `100 Continue` (or a second
    /// without an answer), as .NET's `HttpWebRequest` does by default.
    ExpectContinue,
    /// `Connection: close`: one request per connection.
    ConnectionClose,
    /// An HTTP/1.0 request.
    Http10,
}

impl Wire {
    /// A name for case ids and texts.
    pub fn name(self) -> &'static str {
        match self {
            Wire::Standard => "standard",
            Wire::Chunked => "chunked",
            Wire::ExpectContinue => "expect-100-continue",
            Wire::ConnectionClose => "connection-close",
            Wire::Http10 => "http-1.0",
        }
    }

    /// What `curl` needs to send the request the same way.
    fn curl_flags(self) -> &'static str {
        match self {
            Wire::Standard => "",
            Wire::Chunked => " -H 'Transfer-Encoding: chunked'",
            Wire::ExpectContinue => " -H 'Expect: 100-continue'",
            Wire::ConnectionClose => " -H 'Connection: close'",
            Wire::Http10 => " --http1.0",
        }
    }
}

const PREVIEW_BYTES: usize = 4096;
/// Bodies above this size are replayed from `body_command`, not inlined.
const INLINE_LIMIT: usize = 64 * 1024;

impl Request {
    pub fn new(method: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Request {
            method: method.to_owned(),
            headers,
            raw_headers: Vec::new(),
            body,
            body_command: None,
            wire: Wire::Standard,
        }
    }

    pub fn record(&self, url: &str, redactor: &Redactor) -> RequestRecord {
        // Redacted before it is cut, so that a cut cannot leave part of a secret behind.
        let mut preview = redactor.text(&String::from_utf8_lossy(&self.body));
        if self.body.len() > PREVIEW_BYTES {
            let mut cut = PREVIEW_BYTES.min(preview.len());
            while !preview.is_char_boundary(cut) {
                cut -= 1;
            }
            preview.truncate(cut);
            preview.push_str(&format!("… ({} bytes in all)", self.body.len()));
        }
        RequestRecord {
            method: self.method.clone(),
            url: url.to_owned(),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), redactor.text(v)))
                .chain(
                    self.raw_headers
                        .iter()
                        .map(|(n, v)| (n.clone(), redactor.text(&escaped(v)))),
                )
                .collect(),
            body_bytes: self.body.len(),
            body_sha256: hex::encode(Sha256::digest(&self.body)),
            body_preview: preview,
        }
    }

    /// A `curl` command that sends this request again. Secrets are not written out: they are
    /// read from `HOOKCERT_SECRET` / `HOOKCERT_HEADER_<n>` where the request carried them, and
    /// the near misses of them the auth suite sends are rebuilt from those variables.
    pub fn curl(&self, url: &str, redactor: &Redactor) -> String {
        let mut cmd = format!(
            "curl -sS -i -X {}{} {}",
            self.method,
            self.wire.curl_flags(),
            quote(url)
        );
        let mut header_env = 0;
        for (name, value) in &self.headers {
            let header = quote(&format!("{name}: {value}"));
            if redactor.contains_secret(value) {
                header_env += 1;
                let var = format!("HOOKCERT_HEADER_{header_env}");
                cmd.push_str(&format!(" -H {}", redactor.in_single_quotes(&header, &var)));
            } else {
                cmd.push_str(&format!(" -H {header}"));
            }
        }
        for (name, value) in &self.raw_headers {
            // POSIX printf writes the bytes a shell word cannot hold.
            cmd.push_str(&format!(
                " -H \"$({})\"",
                printf_bytes(&[name.as_bytes(), b": ", value].concat())
            ));
        }
        cmd.push_str(" --data-binary @-");
        let body_source = match (&self.body_command, self.body.len() > INLINE_LIMIT) {
            (Some(command), _) => redactor.in_single_quotes(command, "HOOKCERT_SECRET"),
            (None, true) => {
                return format!(
                    "# the {}-byte body (sha256 {}) is too big to inline; send it with:\n{cmd} < body.json",
                    self.body.len(),
                    hex::encode(Sha256::digest(&self.body))
                );
            }
            (None, false) => redactor.printf_body(&self.body, "HOOKCERT_SECRET"),
        };
        format!("{body_source} | {cmd}")
    }
}

/// Single-quoted for a POSIX shell.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Bytes shown as text: printable ASCII as is, anything else as `\xNN`.
fn escaped(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x20..=0x7e => (b as char).to_string(),
            _ => format!("\\x{b:02x}"),
        })
        .collect()
}

/// `printf` that writes exactly these bytes (no trailing newline; non-UTF-8 as octal escapes).
pub(crate) fn printf_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("printf '%b' '");
    for &b in bytes {
        match b {
            b'\'' => out.push_str("\\0047"),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\0{b:o}")),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_replay_command_prints_the_exact_body() {
        let body = b"{\"a\":\"it's \\\"q\\\" \xc3\xa9\xff\"}\n".to_vec();
        let request = Request::new("POST", vec![], body.clone());
        let cmd = request.curl("http://x/", &Redactor::default());
        let printf = cmd.split(" | ").next().expect("a printf");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(printf)
            .output()
            .expect("sh runs");
        assert_eq!(out.stdout, body, "{printf}");
    }

    #[test]
    fn secrets_are_redacted_and_read_from_the_environment() {
        let redactor = Redactor::new(
            hookcert_events::auth::Credentials::Secret("whsec_abcdef".into()).redactions(),
        );
        let request = Request::new(
            "POST",
            vec![("Authorization".into(), "Bearer whsec_abcdef".into())],
            br#"{"secret":"whsec_abcdef"}"#.to_vec(),
        );
        let cmd = request.curl("http://x/", &redactor);
        assert!(!cmd.contains("whsec_abcdef"), "{cmd}");
        assert!(cmd.contains("${HOOKCERT_HEADER_1}") && cmd.contains("${HOOKCERT_SECRET}"));
        let record = request.record("http://x/", &redactor);
        assert!(!format!("{record:?}").contains("whsec_abcdef"));
    }

    #[test]
    fn the_near_misses_of_a_secret_replay_from_the_environment() {
        let secret = "wh_0123456789abcdef";
        let redactions = hookcert_events::auth::Credentials::Secret(secret.into()).redactions();
        let redactor = Redactor::new(redactions.clone());
        for value in redactions.iter().map(|r| &r.text) {
            let body = format!("{{\"secret\":\"{value}\",\"n\":1}}").into_bytes();
            let cmd = Request::new("POST", vec![], body.clone()).curl("http://x/", &redactor);
            assert!(!cmd.contains(&secret[..secret.len() / 2]), "{cmd}");
            let printf = cmd.rsplit_once(" | curl").expect("a pipe").0;
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(printf)
                .env("HOOKCERT_SECRET", secret)
                .output()
                .expect("sh runs");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&body),
                "{cmd}"
            );
        }
    }
}
