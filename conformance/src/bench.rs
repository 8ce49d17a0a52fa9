//! `hookcert bench`: sustained valid deliveries against a receiver, generated, signed and
//! recorded as `certify` does, as fast as the receiver takes them. What the harness itself
//! can sustain, measured against `wrk` by `scripts/bench-throughput.sh`.
//!
//! Senders are async tasks with one kept-alive connection each; each makes its next delivery
//! (`corpus`: an event drawn from the model, stamped with the delivery's number, signed over
//! its exact bytes), sends it and records it as a JSON line streamed to disk, so memory stays flat however
//! long the run.

use crate::catalog::CatalogError;
use crate::corpus::{Corpus, CorpusError, Distinct};
use crate::histogram::Histogram;
use crate::http_client::{Client, Outcome, Target, TargetError, TransportError};
use hookcert_catalog::{Method, Statuses};
use hookcert_events::auth::Credentials;

use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    pub vendor: String,
    pub url: String,
    pub credentials: Credentials,
    /// The method, where the vendor lets its users choose one (Tomba).
    pub method: Option<Method>,
    pub deliveries: u64,
    pub concurrency: usize,
    pub seed: u64,
    /// Where the per-delivery records go (JSON lines); `None`: counted, not written.
    pub record: Option<PathBuf>,
    pub timeout_ms: Option<u64>,
    /// Write a `wrk` Lua script here that sends a body of the run's average size, with the
    /// same method and headers, so that `wrk` can be run against the same receiver for
    /// comparison.
    pub wrk_script: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("the concurrency must be at least 1")]
    NoConcurrency,
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: TransportError },
    /// The deliveries could not be made (catalog, credentials, method).
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// A file the run writes (the records, the wrk script or its body).
    #[error("{}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What a run measured: the summary `bench` prints, and `bench --merge` prints for the
/// records of a distributed run, line for line the same.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    pub deliveries: u64,
    pub accepted: u64,
    pub failed: u64,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_us: u64,
    pub p95_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
}

impl BenchResult {
    pub(crate) fn new(accepted: u64, failed: u64, seconds: f64, latency: &Histogram) -> Self {
        let deliveries = accepted + failed;
        BenchResult {
            deliveries,
            accepted,
            failed,
            seconds,
            per_second: deliveries as f64 / seconds.max(1e-9),
            p50_us: latency.quantile(0.50),
            p95_us: latency.quantile(0.95),
            p99_us: latency.quantile(0.99),
            max_us: latency.max_us,
        }
    }
}

impl std::fmt::Display for BenchResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} deliveries in {:.2} s: {:.0}/s ({} accepted, {} not); latency p50 {} µs, p95 {} µs, p99 {} µs, max {} µs",
            self.deliveries,
            self.seconds,
            self.per_second,
            self.accepted,
            self.failed,
            self.p50_us,
            self.p95_us,
            self.p99_us,
            self.max_us
        )
    }
}

/// One delivery's record, as written to disk.
#[derive(Serialize)]
struct Record {
    n: u64,
    sent_at_us: u64,
    status: Option<u16>,
    latency_us: u64,
    error: Option<String>,
    body_bytes: usize,
}

pub async fn run(config: BenchConfig) -> Result<BenchResult, BenchError> {
    let vendor = crate::catalog::vendor(&config.vendor)?;
    let profile = &vendor.profile;
    if config.concurrency == 0 {
        return Err(BenchError::NoConcurrency);
    }
    let target = Target::parse(&config.url)?;
    let timeout = Duration::from_millis(config.timeout_ms.unwrap_or(profile.timeout_ms));
    let probe = Client::new(target.clone(), timeout);
    probe
        .reachable()
        .await
        .map_err(|reason| BenchError::Unreachable {
            url: config.url.clone(),
            reason,
        })?;
    let corpus = Arc::new(Corpus::new(
        &config.vendor,
        &config.credentials,
        config.method,
        config.seed,
        config.deliveries,
        Distinct::Bodies,
    )?);
    if let Some(path) = &config.wrk_script {
        write_wrk_script(path, &corpus)?;
    }
    let sink = Arc::new(Mutex::new(Sink::new(
        config.record.as_deref(),
        profile.success.statuses,
    )?));
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut workers = Vec::with_capacity(config.concurrency);
    for _ in 0..config.concurrency {
        let client = Client::new(target.clone(), timeout);
        let (corpus, sink, next) = (Arc::clone(&corpus), Arc::clone(&sink), Arc::clone(&next));
        let deliveries = config.deliveries;
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= deliveries {
                    break;
                }
                let request = corpus.delivery(n);
                let sent = Instant::now();
                let outcome = client.send(&request).await;
                match sink.lock() {
                    Ok(mut sink) => sink.add(
                        n,
                        sent.saturating_duration_since(started),
                        &outcome,
                        request.body.len(),
                    ),
                    Err(_) => break,
                }
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    let seconds = started.elapsed().as_secs_f64();
    // A poisoned lock means a sender task panicked mid-record; what it recorded still counts.
    let mut sink = sink
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    sink.finish()?;
    Ok(BenchResult::new(
        sink.accepted,
        sink.failed,
        seconds,
        &sink.histogram,
    ))
}

/// A `wrk` script sending the pool's body closest to the average size, signed as the run signs.
fn write_wrk_script(path: &std::path::Path, corpus: &Corpus) -> Result<(), BenchError> {
    let request = corpus.typical();
    // The body goes in a file of its own: Lua string escapes are not JSON's.
    let body_path = path.with_extension("body");
    std::fs::write(&body_path, &request.body).map_err(|source| BenchError::Write {
        path: body_path.clone(),
        source,
    })?;
    let lua_string = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut script = format!("wrk.method = {}\n", lua_string(&request.method));
    script.push_str(&format!(
        "local file = assert(io.open({}, \"rb\"))\nwrk.body = file:read(\"*a\")\nfile:close()\n",
        lua_string(&body_path.to_string_lossy())
    ));
    for (name, value) in &request.headers {
        script.push_str(&format!(
            "wrk.headers[{}] = {}\n",
            lua_string(name),
            lua_string(value)
        ));
    }
    std::fs::write(path, script).map_err(|source| BenchError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Where records go: counted, histogrammed, and written as JSON lines as they come, so memory
/// stays flat however long the run.
struct Sink {
    path: Option<PathBuf>,
    out: Option<std::io::BufWriter<std::fs::File>>,
    error: Option<std::io::Error>,
    histogram: Histogram,
    success: Statuses,
    accepted: u64,
    failed: u64,
}

impl Sink {
    fn new(path: Option<&std::path::Path>, success: Statuses) -> Result<Self, BenchError> {
        let out = match path {
            Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p).map_err(
                |source| BenchError::Write {
                    path: p.to_owned(),
                    source,
                },
            )?)),
            None => None,
        };
        Ok(Sink {
            path: path.map(std::path::Path::to_owned),
            out,
            error: None,
            histogram: Histogram::new(),
            success,
            accepted: 0,
            failed: 0,
        })
    }

    fn add(&mut self, n: u64, sent_at: Duration, outcome: &Outcome, body_bytes: usize) {
        let latency_us = outcome.latency().as_micros() as u64;
        self.histogram.add(latency_us);
        if outcome.status().is_some_and(|s| self.success.accepts(s)) {
            self.accepted += 1;
        } else {
            self.failed += 1;
        }
        let (Some(out), None) = (self.out.as_mut(), &self.error) else {
            return;
        };
        let record = Record {
            n,
            sent_at_us: sent_at.as_micros() as u64,
            status: outcome.status(),
            latency_us,
            error: outcome.error().map(ToString::to_string),
            body_bytes,
        };
        let written = serde_json::to_writer(&mut *out, &record)
            .map_err(std::io::Error::other)
            .and_then(|()| out.write_all(b"\n"));
        if let Err(e) = written {
            self.error = Some(e);
        }
    }

    fn finish(&mut self) -> Result<(), BenchError> {
        let written = match (self.error.take(), self.out.as_mut()) {
            (Some(e), _) => Err(e),
            (None, Some(out)) => out.flush(),
            (None, None) => Ok(()),
        };
        written.map_err(|source| BenchError::Write {
            path: self.path.clone().unwrap_or_default(),
            source,
        })
    }
}
