//! The reference receiver: a correct webhook endpoint for every vendor, built on the generated
//! crate. It verifies authentication, parses and validates every event, and answers as the
//! contract says (the vendor's success status; 401 bad authentication; 400 malformed).
//! `certify` without `--url` certifies it; `listen` (issue 5) turns it into a checker.

use crate::credentials::Auth;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use hookcert_codegen::profile::{AuthScheme, VendorProfile};
use hookcert_events::auth::{AuthError, HeaderLookup, Secret, Verifier, rsa_sha256};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

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
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    pub vendor: String,
    /// The receiver's half: the secret, the public key, the expected headers.
    pub auth: Auth,
    /// Waited before each answer.
    pub delay: Duration,
}

struct Shared {
    vendor: String,
    verifier: Verifier,
    delay: Duration,
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
        delay: config.delay,
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

/// The judgement of one request: status and a short JSON answer.
pub fn answer(
    vendor: &str,
    verifier: &Verifier,
    headers: &HeaderMap,
    body: &[u8],
) -> (StatusCode, String) {
    match verifier.verify(&Headers(headers), body) {
        Ok(()) => {}
        Err(AuthError::Malformed { what, reason }) if what == "body" => {
            return reply(StatusCode::BAD_REQUEST, &format!("body: {reason}"));
        }
        Err(e) => return reply(StatusCode::UNAUTHORIZED, &e.to_string()),
    }
    match hookcert_events::parse(vendor, body) {
        Some(Ok(_)) => (StatusCode::OK, "{\"ok\":true}".into()),
        Some(Err(e)) => reply(StatusCode::BAD_REQUEST, &e.to_string()),
        None => reply(StatusCode::INTERNAL_SERVER_ERROR, "unknown vendor"),
    }
}

fn reply(status: StatusCode, error: &str) -> (StatusCode, String) {
    let body = serde_json::json!({ "error": error }).to_string();
    (status, body)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    if !shared.delay.is_zero() {
        tokio::time::sleep(shared.delay).await;
    }
    answer(&shared.vendor, &shared.verifier, &headers, &body)
}
