//! `hookcert listen`: the reference receiver turned checker of a sender. Starts it, hands each
//! request's line to the caller as it comes, and stops after N finished deliveries or a
//! duration, with the conformance report.

use crate::catalog::CatalogError;
use crate::receiver::{self, Checker, ReceiverConfig, RunningReceiver};
use crate::sender_check::{ListenReport, SenderCheck};
use hookcert_events::auth::Credentials;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::mpsc;

#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Receiver(#[from] receiver::ReceiverError),
}

/// How to listen.
#[derive(Clone)]
pub struct ListenConfig {
    pub vendor: String,
    /// The receiver's half: secret, public key or headers.
    pub credentials: Credentials,
    pub addr: SocketAddr,
    /// Answer 500 to the first N attempts of each delivery, to watch the retries.
    pub fail_first: u32,
    pub delay: Duration,
}

/// When to stop.
#[derive(Debug, Clone, Copy, Default)]
pub struct StopWhen {
    /// After this many distinct deliveries, each finished (accepted, refused or out of
    /// retries).
    pub deliveries: Option<usize>,
    /// After this long, whatever has arrived.
    pub duration: Option<Duration>,
}

/// A listener accepting deliveries.
pub struct Listening {
    pub addr: SocketAddr,
    receiver: RunningReceiver,
    check: Arc<Mutex<SenderCheck>>,
    lines: mpsc::UnboundedReceiver<String>,
    started: Instant,
    started_at: String,
}

pub async fn start(config: ListenConfig) -> Result<Listening, ListenError> {
    let vendor = crate::catalog::vendor(&config.vendor)?;
    let started = Instant::now();
    let check = Arc::new(Mutex::new(SenderCheck::new(
        vendor.profile.clone(),
        config.fail_first,
        started,
    )));
    let (tx, lines) = mpsc::unbounded_channel();
    let mut receiver_config = ReceiverConfig::new(&config.vendor, config.credentials);
    receiver_config.delay = config.delay;
    receiver_config.check = Some(Checker {
        check: Arc::clone(&check),
        lines: tx,
    });
    let receiver = receiver::start(receiver_config, config.addr).await?;
    Ok(Listening {
        addr: receiver.addr,
        receiver,
        check,
        lines,
        started,
        started_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
    })
}

impl Listening {
    pub fn url(&self) -> String {
        self.receiver.url()
    }

    /// Serves until `stop` says so, giving each request's line to `on_line`; then the report.
    pub async fn run(mut self, stop: StopWhen, mut on_line: impl FnMut(&str)) -> ListenReport {
        let deadline = stop.duration.map(|d| tokio::time::Instant::now() + d);
        loop {
            let next = async {
                match deadline {
                    Some(at) => tokio::time::timeout_at(at, self.lines.recv()).await.ok(),
                    None => Some(self.lines.recv().await),
                }
            };
            let next = tokio::select! {
                next = next => next,
                _ = tokio::signal::ctrl_c() => None,
            };
            match next {
                Some(Some(line)) => on_line(&line),
                // Timed out, interrupted, or the receiver is gone.
                Some(None) | None => break,
            }
            if let Some(n) = stop.deliveries {
                if self.check.lock().map(|c| c.finished(n)).unwrap_or(true) {
                    break;
                }
            }
        }
        self.receiver.stop().await;
        while let Ok(line) = self.lines.try_recv() {
            on_line(&line);
        }
        let duration = self.started.elapsed();
        match self.check.lock() {
            Ok(check) => check.report(self.started_at.clone(), duration),
            Err(poisoned) => poisoned
                .into_inner()
                .report(self.started_at.clone(), duration),
        }
    }
}
