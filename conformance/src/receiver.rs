//! The reference receiver: a correct webhook endpoint for every vendor, built on the generated
//! crate. It verifies authentication, parses and validates every event, and answers as the
//! contract says (the vendor's success status; 401 bad authentication; 400 malformed).
//! `certify` without `--url` certifies it; `listen` (issue 5) turns it into a checker.

use crate::credentials::{self, Auth};
use crate::request::Redactor;
use crate::sender_check::{Received, SenderCheck};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use hookcert_codegen::profile::{AuthScheme, VendorProfile};
use hookcert_events::auth::{AuthError, HeaderLookup, Secret, Verifier, rsa_sha256};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Bodies up to this size are read (a 5 MiB event must be answered, not dropped).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    #[error("{0}")]
    Config(String),
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
    pub auth: Auth,
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
    pub fn new(vendor: &str, auth: Auth) -> Self {
        ReceiverConfig {
            vendor: vendor.to_owned(),
            auth,
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

/// The verifier a receiver checks deliveries with.
pub fn verifier(profile: &VendorProfile, auth: &Auth) -> Result<Verifier, ReceiverError> {
    let a = &profile.authentication;
    let header = a.header.clone().unwrap_or_default();
    let field = a.body_field.clone().unwrap_or_default();
    let wrong = |what: &str| ReceiverError::Config(format!("{} verifies with {what}", profile.id));
    Ok(match (a.scheme, auth) {
        (AuthScheme::HmacSha256Hex, Auth::Secret(s)) => Verifier::HmacSha256Hex {
            header,
            secret: Secret::new(s.as_bytes()),
        },
        (AuthScheme::HmacSha256Hex, _) => return Err(wrong("a secret")),
        (AuthScheme::RsaSha256Pkcs1v15Base64, Auth::PublicKeyPem(pem)) => Verifier::RsaSha256 {
            header,
            key: Box::new(
                rsa_sha256::public_key_from_pem(pem)
                    .map_err(|e| ReceiverError::Config(format!("--public-key: {e}")))?,
            ),
        },
        (AuthScheme::RsaSha256Pkcs1v15Base64, _) => return Err(wrong("a public key")),
        (AuthScheme::BodySecret, Auth::Secret(s)) => Verifier::BodySecret {
            field,
            secret: Secret::new(s.as_bytes()),
        },
        (AuthScheme::BodySecret, _) => return Err(wrong("a secret")),
        (AuthScheme::HandshakeKey, Auth::Secret(s)) => Verifier::HandshakeKey {
            field,
            key: Some(Secret::new(s.as_bytes())),
        },
        (AuthScheme::HandshakeKey, _) => Verifier::HandshakeKey { field, key: None },
        (AuthScheme::CustomHeaders, Auth::Headers(h)) => Verifier::Headers(
            h.iter()
                .map(|(n, v)| (n.clone(), Secret::new(v.as_bytes())))
                .collect(),
        ),
        (AuthScheme::CustomHeaders, _) => Verifier::Headers(Vec::new()),
    })
}

/// Starts the receiver on `addr` (port 0: a free port).
pub async fn start(
    config: ReceiverConfig,
    addr: SocketAddr,
) -> Result<RunningReceiver, ReceiverError> {
    let vendor = crate::catalog::vendor(&config.vendor).map_err(ReceiverError::Config)?;
    let shared = Arc::new(Shared {
        vendor: config.vendor.clone(),
        verifier: verifier(&vendor.profile, &config.auth)?,
        redactor: redactor(&config.auth),
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
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.0.get(name).map(|v| v.as_bytes())
    }
}

/// What a correct receiver makes of one request.
pub struct Judgement {
    pub status: StatusCode,
    /// The answer's body: `{"ok":true}` or `{"error":…}`.
    pub body: String,
    pub auth: Result<(), String>,
    pub valid: Result<(), String>,
}

impl Judgement {
    fn redact(&mut self, redactor: &Redactor) {
        self.body = redactor.text(&self.body);
        for message in [&mut self.auth, &mut self.valid] {
            if let Err(e) = message {
                *e = redactor.text(e);
            }
        }
    }
}

/// What must not appear in the receiver's answers and lines: its secrets and the near misses
/// of them that a sender under test may send.
fn redactor(auth: &Auth) -> Redactor {
    let secrets: Vec<String> = match auth {
        Auth::Secret(s) => vec![s.clone()],
        Auth::Headers(h) => h.iter().map(|(_, v)| v.clone()).collect(),
        Auth::None | Auth::PrivateKeyPem(_) | Auth::PublicKeyPem(_) => Vec::new(),
    };
    let mut all = Vec::new();
    for s in secrets.into_iter().filter(|s| !s.is_empty()) {
        all.extend(credentials::secret_variants(&s).into_iter().map(|(_, v)| v));
        all.push(s);
    }
    all.retain(|s| s.len() >= 4);
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    all.dedup();
    Redactor::new(all)
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
    };
    match verifier.verify(&Headers(headers), body) {
        Ok(()) => {}
        Err(AuthError::Malformed { what, reason }) if what == "body" => {
            let error = format!("body: {reason}");
            return refuse(StatusCode::BAD_REQUEST, error, Ok(()));
        }
        Err(e) => return refuse(StatusCode::UNAUTHORIZED, e.to_string(), Err(e.to_string())),
    }
    match hookcert_events::parse(vendor, body) {
        Some(Ok(_)) => Judgement {
            status: StatusCode::OK,
            body: "{\"ok\":true}".into(),
            auth: Ok(()),
            valid: Ok(()),
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
        }),
        // A poisoned lock means a checker panicked: answer as a plain receiver.
        Err(_) => return (judgement.status, judgement.body),
    };
    let _ = checker.lines.send(decision.line);
    let status = StatusCode::from_u16(decision.status).unwrap_or(judgement.status);
    let body = if status == judgement.status {
        judgement.body
    } else {
        serde_json::json!({ "error": "answered 500 on purpose (--fail-first)" }).to_string()
    };
    (status, body)
}
