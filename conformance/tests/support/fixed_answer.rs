//! A receiver that gives every request, on every path and method, the same answer: a URL that
//! points at the wrong place, or a receiver that refuses everything.

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::oneshot;

/// A running receiver; it stops when dropped.
pub struct FixedAnswer {
    /// `http://127.0.0.1:PORT/webhooks`
    pub url: String,
    requests: Arc<AtomicUsize>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl FixedAnswer {
    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for FixedAnswer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts it on a free loopback port, on the current tokio runtime.
pub async fn start(status: u16, body: &'static str) -> FixedAnswer {
    let status = StatusCode::from_u16(status).expect("an HTTP status");
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    let app = Router::new().fallback(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        async move { (status, body).into_response() }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = rx.await;
        };
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    });
    FixedAnswer {
        url: format!("http://127.0.0.1:{port}/webhooks"),
        requests,
        shutdown: Some(tx),
    }
}
