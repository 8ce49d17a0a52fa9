//! The HTTP/1.1 client the harness sends with. Hand-made on purpose: a vendor's requests must go
//! out byte for byte as built (header names spelled as the document spells them, in the case a
//! case asks for), which general clients normalise away. Keep-alive, HTTPS with rustls, a
//! timeout on the status line and headers, at most 64 KiB of a body read, redirects never
//! followed, and every failure an outcome of its own.

use crate::request::{Request, Wire};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// At most this much of a response body is read.
pub const BODY_LIMIT: usize = 64 * 1024;
const HEAD_LIMIT: usize = 64 * 1024;

/// The target URL could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("{url}: not a URL")]
    NotAUrl { url: String },
    #[error("{url}: the scheme must be http or https")]
    Scheme { url: String },
    #[error("{url}: no host")]
    NoHost { url: String },
}

/// PEM text that holds no usable certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("not PEM certificates: {reason}")]
    NotPem { reason: String },
    #[error("no certificate in it")]
    Empty,
}

/// Where requests go.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    tls: bool,
    host: String,
    port: u16,
    /// The request target: path and query.
    path: String,
    /// The `Host` header value.
    authority: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self, TargetError> {
        let url_owned = || url.to_owned();
        let uri: http::Uri = url
            .parse()
            .map_err(|_| TargetError::NotAUrl { url: url_owned() })?;
        let tls = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => return Err(TargetError::Scheme { url: url_owned() }),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| TargetError::NoHost { url: url_owned() })?;
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        if host.is_empty() {
            return Err(TargetError::NoHost { url: url_owned() });
        }
        Ok(Target {
            url: url.to_owned(),
            tls,
            host: host.to_owned(),
            port: authority.port_u16().unwrap_or(if tls { 443 } else { 80 }),
            path: uri
                .path_and_query()
                .map_or("/".to_owned(), |p| p.as_str().to_owned()),
            authority: authority.as_str().to_owned(),
        })
    }

    /// The request target: path and query (`/` when the URL has none).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `scheme://authority`, what Locust calls the host.
    pub fn origin(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.authority)
    }
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The status line and headers arrived within the timeout.
    Answered {
        status: u16,
        /// The status line's reason phrase, as sent (`Unauthorized`, or anything).
        reason: String,
        /// The response headers, names as sent (invalid UTF-8 replaced).
        headers: Vec<(String, String)>,
        latency: Duration,
        /// The first bytes of the body (at most [`BODY_LIMIT`]).
        body: Vec<u8>,
    },
    /// No answer: the transport failed.
    Failed {
        error: TransportError,
        latency: Duration,
    },
}

impl Outcome {
    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Answered { status, .. } => Some(*status),
            Outcome::Failed { .. } => None,
        }
    }

    pub fn latency(&self) -> Duration {
        match self {
            Outcome::Answered { latency, .. } | Outcome::Failed { latency, .. } => *latency,
        }
    }

    pub fn error(&self) -> Option<&TransportError> {
        match self {
            Outcome::Answered { .. } => None,
            Outcome::Failed { error, .. } => Some(error),
        }
    }
}

/// A transport failure, named as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("timeout")]
    Timeout,
    #[error("connection refused")]
    Refused,
    #[error("connection reset")]
    Reset,
    #[error("connection closed before an answer")]
    Closed,
    #[error("invalid HTTP: {0}")]
    InvalidHttp(String),
    #[error("cannot resolve host: {0}")]
    Resolve(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("I/O: {0}")]
    Io(String),
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

struct Connection {
    stream: Box<dyn Stream>,
    /// Bytes read past the last response.
    leftover: Vec<u8>,
}

/// Sends requests to one target, keeping connections alive between them.
pub struct Client {
    target: Target,
    timeout: Duration,
    idle: Mutex<Vec<Connection>>,
    /// Whether a connection may carry another request after its answer.
    keep_alive: bool,
    tls: Option<Result<tokio_rustls::TlsConnector, String>>,
}

/// Certificates from PEM text: the extra roots trusted for HTTPS (`--ca-cert`).
pub fn certificates_from_pem(
    pem: &str,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, CertificateError> {
    use rustls::pki_types::pem::PemObject;
    let certs: Vec<_> = rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| CertificateError::NotPem {
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(CertificateError::Empty);
    }
    Ok(certs)
}

impl Client {
    pub fn new(target: Target, timeout: Duration) -> Self {
        Self::with_roots(target, timeout, Vec::new())
    }

    /// A client that also trusts `extra_roots` for HTTPS (a private CA, a self-signed
    /// receiver), beside the usual web roots.
    pub fn with_roots(
        target: Target,
        timeout: Duration,
        extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    ) -> Self {
        let tls = target.tls.then(|| tls_connector(extra_roots));
        Client {
            target,
            timeout,
            idle: Mutex::new(Vec::new()),
            keep_alive: true,
            tls,
        }
    }

    /// Every request on a connection of its own. A certification's cases run side by side,
    /// and one a receiver half read (a refused body it did not drain, a method it chokes on)
    /// must not decide the answer to the next case sent on the same connection.
    pub fn one_request_per_connection(mut self) -> Self {
        self.keep_alive = false;
        self
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `request` and waits for its answer, at most the timeout for the status line and
    /// headers. A kept-alive connection that the server closed in the meantime is replaced
    /// once, as every HTTP client does; the retry happens before any answer was seen.
    pub async fn send(&self, request: &Request) -> Outcome {
        let started = Instant::now();
        let deadline = started + self.timeout;
        let encoded = self.encode(request);
        // A request that closes its connection goes on a new one: a kept-alive connection
        // would test the previous request's framing, not this one's.
        let fresh_only = request.wire != Wire::Standard;
        if !fresh_only {
            if let Some(conn) = self.take_idle() {
                match self.exchange(conn, &encoded, deadline, true).await {
                    Err(Exchange::Stale) => {}
                    result => return finish(result, started),
                }
            }
        }
        let result = match self.connect(deadline).await {
            Ok(conn) => self.exchange(conn, &encoded, deadline, false).await,
            Err(e) => Err(Exchange::Failed(e)),
        };
        finish(result, started)
    }

    /// Whether the target accepts connections at all. One that accepts and resets at once is
    /// there (its resets are the cases' outcomes, recorded one by one), not unreachable: a
    /// connection can only be reset once it was accepted.
    pub async fn reachable(&self) -> Result<(), TransportError> {
        let deadline = Instant::now() + self.timeout;
        match self.connect(deadline).await {
            Ok(conn) => {
                self.put_idle(conn);
                Ok(())
            }
            Err(TransportError::Reset) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn take_idle(&self) -> Option<Connection> {
        self.idle.lock().ok()?.pop()
    }

    fn put_idle(&self, conn: Connection) {
        if !self.keep_alive {
            return;
        }
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }

    /// The request as it goes on the wire, built in one allocation (this runs once per
    /// delivery in `hookcert bench`); for `Expect: 100-continue`, where the body waits for the
    /// server, `body_at` is where the head ends.
    fn encode(&self, request: &Request) -> Encoded {
        let head_len: usize = request
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len() + 4)
            .chain(
                request
                    .raw_headers
                    .iter()
                    .map(|(n, v)| n.len() + v.len() + 4),
            )
            .sum::<usize>()
            + request.method.len()
            + self.target.path.len()
            + self.target.authority.len()
            + 96;
        let mut wire = Vec::with_capacity(head_len + request.body.len() + 16);
        let version: &[u8] = match request.wire {
            Wire::Http10 => b" HTTP/1.0\r\nHost: ",
            _ => b" HTTP/1.1\r\nHost: ",
        };
        for part in [
            request.method.as_bytes(),
            b" ",
            self.target.path.as_bytes(),
            version,
            self.target.authority.as_bytes(),
            b"\r\n",
        ] {
            wire.extend_from_slice(part);
        }
        for (name, value) in &request.headers {
            for part in [name.as_bytes(), b": ", value.as_bytes(), b"\r\n"] {
                wire.extend_from_slice(part);
            }
        }
        for (name, value) in &request.raw_headers {
            for part in [name.as_bytes(), b": ", value, b"\r\n"] {
                wire.extend_from_slice(part);
            }
        }
        match request.wire {
            Wire::Chunked => wire.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
            Wire::ExpectContinue => wire.extend_from_slice(b"Expect: 100-continue\r\n"),
            Wire::ConnectionClose => wire.extend_from_slice(b"Connection: close\r\n"),
            Wire::Standard | Wire::Http10 => {}
        }
        if request.wire != Wire::Chunked {
            wire.extend_from_slice(b"Content-Length: ");
            wire.extend_from_slice(request.body.len().to_string().as_bytes());
            wire.extend_from_slice(b"\r\n");
        }
        wire.extend_from_slice(b"\r\n");
        let body_at = wire.len();
        if request.wire == Wire::Chunked {
            for chunk in request.body.chunks(16 * 1024) {
                wire.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                wire.extend_from_slice(chunk);
                wire.extend_from_slice(b"\r\n");
            }
            wire.extend_from_slice(b"0\r\n\r\n");
        } else {
            wire.extend_from_slice(&request.body);
        }
        Encoded {
            bytes: wire,
            body_at,
            wire: request.wire,
            head_request: request.method.eq_ignore_ascii_case("HEAD"),
        }
    }

    async fn connect(&self, deadline: Instant) -> Result<Connection, TransportError> {
        let address = (self.target.host.as_str(), self.target.port);
        let tcp = match tokio::time::timeout_at(deadline.into(), TcpStream::connect(address)).await
        {
            Err(_) => return Err(TransportError::Timeout),
            Ok(Err(e)) => return Err(connect_error(e)),
            Ok(Ok(s)) => s,
        };
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Stream> = match &self.tls {
            None => Box::new(tcp),
            Some(Err(e)) => return Err(TransportError::Tls(e.clone())),
            Some(Ok(connector)) => {
                let name = rustls::pki_types::ServerName::try_from(self.target.host.clone())
                    .map_err(|e| TransportError::Tls(e.to_string()))?;
                let handshake = connector.connect(name, tcp);
                match tokio::time::timeout_at(deadline.into(), handshake).await {
                    Err(_) => return Err(TransportError::Timeout),
                    Ok(Err(e)) => return Err(TransportError::Tls(e.to_string())),
                    Ok(Ok(s)) => Box::new(s),
                }
            }
        };
        Ok(Connection {
            stream,
            leftover: Vec::new(),
        })
    }

    async fn exchange(
        &self,
        mut conn: Connection,
        encoded: &Encoded,
        deadline: Instant,
        reused: bool,
    ) -> Result<Answer, Exchange> {
        let waits_for_continue = encoded.wire == Wire::ExpectContinue;
        let first = match waits_for_continue {
            true => &encoded.bytes[..encoded.body_at],
            false => &encoded.bytes[..],
        };
        write_all(&mut conn, first, deadline, reused).await?;
        let mut body_sent = !waits_for_continue;
        if waits_for_continue {
            // As real clients do: the body follows a `100 Continue`, or a second of silence;
            // a final answer before either means the body is not wanted.
            let wait = deadline.min(Instant::now() + EXPECT_CONTINUE_WAIT);
            let early = tokio::time::timeout_at(
                wait.into(),
                read_head(&mut conn, reused, encoded.head_request, false),
            )
            .await;
            match early {
                Ok(Ok(head)) if (100..200).contains(&head.status) => {}
                Ok(Ok(head)) => return self.read_rest(conn, head, false, encoded).await,
                Ok(Err(e)) => return Err(e),
                Err(_) => {}
            }
            write_all(
                &mut conn,
                &encoded.bytes[encoded.body_at..],
                deadline,
                reused,
            )
            .await?;
            body_sent = true;
        }
        let head = tokio::time::timeout_at(
            deadline.into(),
            read_head(&mut conn, reused, encoded.head_request, true),
        )
        .await;
        let head = match head {
            Err(_) => return Err(Exchange::Failed(TransportError::Timeout)),
            Ok(result) => result?,
        };
        self.read_rest(conn, head, body_sent, encoded).await
    }

    /// The body after a head, and the connection kept for the next request when it can be.
    async fn read_rest(
        &self,
        mut conn: Connection,
        mut head: Head,
        body_sent: bool,
        encoded: &Encoded,
    ) -> Result<Answer, Exchange> {
        // The body gets its own bound in time: an answer whose head came in time is answered,
        // whatever its body does.
        let body_deadline = Instant::now() + self.timeout;
        let body = tokio::time::timeout_at(body_deadline.into(), read_body(&mut conn, &head)).await;
        let (body, reusable) = match body {
            Ok(Ok(b)) => b,
            _ => (Vec::new(), false),
        };
        // After another form of request the server may still hold part of it (a server that
        // cannot read chunked bodies reads the chunks as the next request): such a connection
        // carries nothing else.
        let closes = encoded.wire != Wire::Standard;
        if reusable && head.keep_alive && body_sent && !closes {
            self.put_idle(conn);
        }
        Ok(Answer {
            status: head.status,
            reason: std::mem::take(&mut head.reason),
            headers: std::mem::take(&mut head.headers),
            body,
        })
    }
}

/// How long a client with `Expect: 100-continue` waits before sending the body anyway
/// (curl's default).
const EXPECT_CONTINUE_WAIT: Duration = Duration::from_secs(1);

/// A request as bytes.
struct Encoded {
    bytes: Vec<u8>,
    /// Where the head ends and the body starts.
    body_at: usize,
    wire: Wire,
    /// A `HEAD` request's answer has no body, whatever its headers say.
    head_request: bool,
}

async fn write_all(
    conn: &mut Connection,
    bytes: &[u8],
    deadline: Instant,
    reused: bool,
) -> Result<(), Exchange> {
    let write = async {
        conn.stream.write_all(bytes).await?;
        conn.stream.flush().await
    };
    match tokio::time::timeout_at(deadline.into(), write).await {
        Err(_) => Err(Exchange::Failed(TransportError::Timeout)),
        Ok(Err(e)) => Err(io_failure(e, reused)),
        Ok(Ok(())) => Ok(()),
    }
}

/// What came back, before its latency is known.
struct Answer {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

enum Exchange {
    /// A kept-alive connection was closed by the server before this request: try a new one.
    Stale,
    Failed(TransportError),
}

fn finish(result: Result<Answer, Exchange>, started: Instant) -> Outcome {
    let latency = started.elapsed();
    match result {
        Ok(answer) => Outcome::Answered {
            status: answer.status,
            reason: answer.reason,
            headers: answer.headers,
            latency,
            body: answer.body,
        },
        Err(Exchange::Failed(error)) => Outcome::Failed { error, latency },
        Err(Exchange::Stale) => Outcome::Failed {
            error: TransportError::Closed,
            latency,
        },
    }
}

fn connect_error(e: std::io::Error) -> TransportError {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => TransportError::Refused,
        ErrorKind::ConnectionReset => TransportError::Reset,
        _ if e.to_string().contains("lookup") || e.to_string().contains("resolve") => {
            TransportError::Resolve(e.to_string())
        }
        _ => TransportError::Io(e.to_string()),
    }
}

fn io_failure(e: std::io::Error, reused: bool) -> Exchange {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
            if reused =>
        {
            Exchange::Stale
        }
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            Exchange::Failed(TransportError::Reset)
        }
        _ => Exchange::Failed(TransportError::Io(e.to_string())),
    }
}

struct Head {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    keep_alive: bool,
    framing: Framing,
}

enum Framing {
    Length(usize),
    Chunked,
    /// No length: the body runs to the end of the connection.
    ToClose,
    None,
}

/// The next response head; with `skip_interim`, the first that is not a 1xx.
async fn read_head(
    conn: &mut Connection,
    reused: bool,
    head_request: bool,
    skip_interim: bool,
) -> Result<Head, Exchange> {
    let mut buf = std::mem::take(&mut conn.leftover);
    let mut chunk = [0u8; 8192];
    loop {
        if let Some((head, used)) = parse_head(&buf, head_request)? {
            if skip_interim && (100..200).contains(&head.status) {
                // An interim answer (100 Continue): the real one follows.
                buf.drain(..used);
                continue;
            }
            conn.leftover = buf.split_off(used);
            return Ok(head);
        }
        if buf.len() > HEAD_LIMIT {
            return Err(Exchange::Failed(TransportError::InvalidHttp(
                "response head over 64 KiB".into(),
            )));
        }
        let n = match conn.stream.read(&mut chunk).await {
            Ok(n) => n,
            Err(e) => return Err(io_failure(e, reused && buf.is_empty())),
        };
        if n == 0 {
            return Err(if buf.is_empty() && reused {
                Exchange::Stale
            } else if buf.is_empty() {
                Exchange::Failed(TransportError::Closed)
            } else {
                Exchange::Failed(TransportError::InvalidHttp(
                    "connection closed inside the response head".into(),
                ))
            });
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn parse_head(buf: &[u8], head_request: bool) -> Result<Option<(Head, usize)>, Exchange> {
    let mut headers = [httparse::EMPTY_HEADER; 100];
    let mut response = httparse::Response::new(&mut headers);
    let used = match response.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => {
            return Err(Exchange::Failed(TransportError::InvalidHttp(e.to_string())));
        }
    };
    let status = response.code.unwrap_or(0);
    let version = response.version.unwrap_or(1);
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let connection = header("connection").unwrap_or_default();
    let keep_alive = if version == 0 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let framing = if head_request || status == 204 || status == 304 || (100..200).contains(&status)
    {
        Framing::None
    } else if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        Framing::Chunked
    } else if let Some(length) = header("content-length") {
        match length.trim().parse() {
            Ok(n) => Framing::Length(n),
            Err(_) => {
                return Err(Exchange::Failed(TransportError::InvalidHttp(format!(
                    "Content-Length {length:?}"
                ))));
            }
        }
    } else {
        Framing::ToClose
    };
    let reason = response.reason.unwrap_or_default().to_owned();
    let headers = response
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    Ok(Some((
        Head {
            status,
            reason,
            headers,
            keep_alive,
            framing,
        },
        used,
    )))
}

/// Reads the body up to [`BODY_LIMIT`]; the flag says whether the connection ended on a
/// response boundary and can carry another request.
async fn read_body(conn: &mut Connection, head: &Head) -> std::io::Result<(Vec<u8>, bool)> {
    match head.framing {
        Framing::None => Ok((Vec::new(), true)),
        Framing::Length(n) => {
            let wanted = n.min(BODY_LIMIT);
            let mut body = std::mem::take(&mut conn.leftover);
            while body.len() < wanted {
                if read_more(conn, &mut body).await? == 0 {
                    return Ok((body, false));
                }
            }
            if body.len() > n {
                conn.leftover = body.split_off(n);
            }
            let complete = body.len() == n;
            body.truncate(BODY_LIMIT);
            Ok((body, complete))
        }
        Framing::ToClose => {
            let mut body = std::mem::take(&mut conn.leftover);
            while body.len() < BODY_LIMIT {
                if read_more(conn, &mut body).await? == 0 {
                    break;
                }
            }
            body.truncate(BODY_LIMIT);
            Ok((body, false))
        }
        Framing::Chunked => read_chunked(conn).await,
    }
}

async fn read_more(conn: &mut Connection, into: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut chunk = [0u8; 16 * 1024];
    let n = conn.stream.read(&mut chunk).await?;
    into.extend_from_slice(&chunk[..n]);
    Ok(n)
}

async fn read_chunked(conn: &mut Connection) -> std::io::Result<(Vec<u8>, bool)> {
    let mut raw = std::mem::take(&mut conn.leftover);
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        // A chunk-size line.
        let line_end = loop {
            if let Some(i) = find_crlf(&raw[at..]) {
                break at + i;
            }
            if raw.len() - at > 1024 || read_more(conn, &mut raw).await? == 0 {
                return Ok((body, false));
            }
        };
        let size_text = String::from_utf8_lossy(&raw[at..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_hex, 16) else {
            return Ok((body, false));
        };
        at = line_end + 2;
        if size == 0 {
            // Trailers end with an empty line.
            loop {
                if let Some(i) = find_crlf(&raw[at..]) {
                    let empty = i == 0;
                    at += i + 2;
                    if empty {
                        conn.leftover = raw.split_off(at);
                        return Ok((body, true));
                    }
                } else if read_more(conn, &mut raw).await? == 0 {
                    return Ok((body, false));
                }
            }
        }
        // A chunk may announce any size (up to 2^64 - 1): only what fits under the limit is
        // read, and the connection is given up past it.
        let room = BODY_LIMIT - body.len();
        if size > room {
            while raw.len() < at + room {
                if read_more(conn, &mut raw).await? == 0 {
                    break;
                }
            }
            let end = raw.len().min(at + room);
            body.extend_from_slice(&raw[at..end]);
            return Ok((body, false));
        }
        while raw.len() < at + size + 2 {
            if read_more(conn, &mut raw).await? == 0 {
                return Ok((body, false));
            }
        }
        body.extend_from_slice(&raw[at..at + size]);
        at += size + 2;
        // Keep the buffer from growing with what was already consumed.
        raw.drain(..at);
        at = 0;
    }
}

fn find_crlf(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\r\n")
}

fn tls_connector(
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Result<tokio_rustls::TlsConnector, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in extra_roots {
        roots
            .add(cert)
            .map_err(|e| format!("an extra root certificate: {e}"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}
