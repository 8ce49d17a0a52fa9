//! The reference receiver: a correct webhook endpoint for every vendor, built on the generated
//! crate. It verifies authentication, parses and validates every event, and answers as the
//! contract says (the vendor's success status; 401 bad authentication; 400 malformed).
//! `certify` without `--url` certifies it; `listen` (issue 5) turns it into a checker.

use crate::catalog::CatalogError;
use crate::redact::Redactor;
use crate::sender_check::{Received, SenderCheck};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use hookcert_events::auth::{AuthError, Credentials, HeaderLookup, Place, SetupError, Verifier};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Bodies up to this size are read (a 5 MiB event must be answered, not dropped).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The receiver's credentials do not fit the vendor's scheme.
    #[error(transparent)]
    Credentials(#[from] SetupError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// How the receiver behaves.
#[derive(Clone)]
pub struct ReceiverConfig {
    pub vendor: String,
    /// The receiver's half: the secret, the public key, the expected headers.
    pub credentials: Credentials,
    /// Waited before each answer.
    pub delay: Duration,
    /// When set, the receiver is a checker of its sender (`listen`): every request is judged
    /// and answered by it, and its line sent to `lines`.
    pub check: Option<Checker>,
}

/// The sender checker a listening receiver reports to.
#[derive(Clone)]
pub struct Checker {
    pub check: Arc<Mutex<SenderCheck>>,
    /// One line per request, sent after the request was judged.
    pub lines: mpsc::UnboundedSender<String>,
}

impl ReceiverConfig {
    pub fn new(vendor: &str, credentials: Credentials) -> Self {
        ReceiverConfig {
            vendor: vendor.to_owned(),
            credentials,
            delay: Duration::ZERO,
            check: None,
        }
    }
}

struct Shared {
    vendor: String,
    verifier: Verifier,
    /// Error messages quote offending values, and a body secret is one.
    redactor: Redactor,
    delay: Duration,
    check: Option<Checker>,
}

/// A receiver serving in the background until stopped or dropped.
pub struct RunningReceiver {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningReceiver {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningReceiver {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts the receiver on `addr` (port 0: a free port).
pub async fn start(
    config: ReceiverConfig,
    addr: SocketAddr,
) -> Result<RunningReceiver, ReceiverError> {
    let vendor = crate::catalog::vendor(&config.vendor)?;
    let authentication = crate::catalog::authentication(vendor)?;
    let shared = Arc::new(Shared {
        vendor: config.vendor.clone(),
        verifier: Verifier::new(&authentication, &config.credentials)?,
        redactor: Redactor::new(config.credentials.redactions()),
        delay: config.delay,
        check: config.check,
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ReceiverError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ReceiverError::Bind { addr, source })?;
    let app = axum::Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared);
    let (tx, rx) = oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async {
        let _ = rx.await;
    });
    let task = tokio::spawn(async move {
        let _ = server.await;
    });
    Ok(RunningReceiver {
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

struct Headers<'a>(&'a HeaderMap);

impl HeaderLookup for Headers<'_> {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        self.0.get_all(name).iter().map(|v| v.as_bytes()).collect()
    }
}

/// What a correct receiver makes of one request.
pub struct Judgement {
    pub status: StatusCode,
    /// The answer's body: `{"ok":true}` or `{"error":…}`.
    pub body: String,
    pub auth: Result<(), String>,
    pub valid: Result<(), String>,
    /// Observed rules a valid body breaks (read off the document's examples, each citing its
    /// ERRATA entry): taken, and said.
    pub notes: Vec<String>,
}

impl Judgement {
    fn redact(&mut self, redactor: &Redactor) {
        self.body = redactor.text(&self.body);
        for message in [&mut self.auth, &mut self.valid] {
            if let Err(e) = message {
                *e = redactor.text(e);
            }
        }
        for note in &mut self.notes {
            *note = redactor.text(note);
        }
    }
}

/// Judges one request as a correct receiver: authentication first (a body secret needs the
/// body to be JSON, so a malformed body is a 400 there), then parsing and validation.
pub fn judge_request(
    vendor: &str,
    verifier: &Verifier,
    headers: &HeaderMap,
    body: &[u8],
) -> Judgement {
    let refuse = |status, error: String, auth: Result<(), String>| Judgement {
        status,
        body: serde_json::json!({ "error": &error }).to_string(),
        valid: if auth.is_ok() {
            Err(error.clone())
        } else {
            Ok(())
        },
        auth,
        notes: Vec::new(),
    };
    match verifier.verify(&Headers(headers), body) {
        Ok(()) => {}
        // The secret travels in a body that cannot be read: bad input, not a forgery.
        Err(
            e @ (AuthError::BodyNotJson { .. }
            | AuthError::Malformed {
                place: Place::BodyField(_),
                ..
            }),
        ) => return refuse(StatusCode::BAD_REQUEST, e.to_string(), Ok(())),
        Err(e) => return refuse(StatusCode::UNAUTHORIZED, e.to_string(), Err(e.to_string())),
    }
    match hookcert_events::parse(vendor, body) {
        Some(Ok(delivery)) => Judgement {
            status: StatusCode::OK,
            body: "{\"ok\":true}".into(),
            auth: Ok(()),
            valid: Ok(()),
            notes: delivery.notes().iter().map(ToString::to_string).collect(),
        },
        Some(Err(e)) => refuse(StatusCode::BAD_REQUEST, e.to_string(), Ok(())),
        None => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "unknown vendor".into(),
            Ok(()),
        ),
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let at = Instant::now();
    if !shared.delay.is_zero() {
        tokio::time::sleep(shared.delay).await;
    }
    let mut judgement = judge_request(&shared.vendor, &shared.verifier, &headers, &body);
    judgement.redact(&shared.redactor);
    let Some(checker) = &shared.check else {
        return (judgement.status, judgement.body);
    };
    let decision = match checker.check.lock() {
        Ok(mut check) => check.observe(Received {
            at,
            body: &body,
            auth: judgement.auth.clone(),
            valid: judgement.valid.clone(),
            notes: &judgement.notes,
        }),
        // A poisoned lock means a checker panicked: answer as a plain receiver.
        Err(_) => return (judgement.status, judgement.body),
    };
    let _ = checker.lines.send(decision.line);
    let status = StatusCode::from_u16(decision.status).unwrap_or(judgement.status);
    let body = if status == judgement.status {
        judgement.body
    } else {
        serde_json::json!({ "error": "answered 500 on purpose: this attempt is one the listener was told to fail" }).to_string()
    };
    (status, body)
}
