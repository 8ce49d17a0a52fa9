//! A certification run, from options to report: the library API that `hookcert certify` and a
//! user's own `cargo test` share.

use crate::catalog::CatalogError;
use crate::http_client::{CertificateError, Client, Target, TargetError, TransportError};
use crate::receiver::{self, ReceiverConfig, ReceiverError, RunningReceiver};
use crate::redact::Redactor;
use crate::report::{CaseReport, Report, Summary};
use crate::runner::{Limits, Runner};
use crate::sender::Sender;
use crate::suites::{self, Context, Suite};
use hookcert_catalog::{Catalog, Method, Vendor};
use hookcert_events::auth::{Credentials, KeyError, SetupError, Signer};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Generated cases per event type unless told otherwise.
pub const DEFAULT_CASES: u32 = 16;

/// Cases in flight at once unless told otherwise: vendors deliver in parallel, and a receiver
/// that takes 40 ms an answer is then certified in well under a second.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Why a run could not be made: options that do not fit, and targets that cannot be reached
/// at all. (A receiver that answers wrongly is a report with FAIL cases, not an error.)
#[derive(Debug, thiserror::Error)]
pub enum CertifyError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("{selector}: no such suite; the suites are {} (or a case id such as auth/no-signature)", suites.join(", "))]
    UnknownSuite {
        selector: String,
        suites: Vec<&'static str>,
    },
    #[error("{event}: not an event type of {vendor}")]
    UnknownEvent { vendor: String, event: String },
    #[error("{value}: the time scale must be a number ≥ 0")]
    TimeScale { value: f64 },
    #[error("the answer timeout must be above 0 ms")]
    ZeroTimeout,
    #[error("{vendor} always sends {fixed}, not {asked}")]
    MethodFixed {
        vendor: String,
        fixed: Method,
        asked: Method,
    },
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    CaCertificate(#[from] CertificateError),
    #[error(transparent)]
    Credentials(#[from] SetupError),
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: TransportError },
    #[error("credentials for the reference receiver: {0}")]
    FreshCredentials(KeyError),
    #[error("the reference receiver: {0}")]
    Receiver(#[from] ReceiverError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Where a run is: called each time a case has been sent and judged.
pub struct ProgressUpdate<'r> {
    /// Cases judged so far, and to send in all.
    pub done: usize,
    pub total: usize,
    /// The case just judged.
    pub case: &'r CaseReport,
    /// Its suite's cases judged so far, and to send in all: equal when the suite is done.
    pub suite_done: usize,
    pub suite_total: usize,
}

pub type Progress = Box<dyn FnMut(&ProgressUpdate) + Send>;

/// The options of one certification run.
pub struct Certification {
    vendor: String,
    url: Option<String>,
    credentials: Credentials,
    seed: Option<u64>,
    cases: u32,
    selectors: Vec<String>,
    events: Vec<String>,
    timeout_ms: Option<u64>,
    time_scale: f64,
    concurrency: usize,
    max_failures: Option<usize>,
    method: Option<Method>,
    ca_cert_pem: Option<String>,
    progress: Option<Progress>,
}

impl Certification {
    /// A run for the vendor `vendor` (`spotio`, `breakcold`, `clinchpad`, `zoho-salesiq`,
    /// `tomba`).
    pub fn new(vendor: &str) -> Result<Self, CertifyError> {
        crate::catalog::vendor(vendor)?;
        Ok(Certification {
            vendor: vendor.to_owned(),
            url: None,
            credentials: Credentials::None,
            seed: None,
            cases: DEFAULT_CASES,
            selectors: Vec::new(),
            events: Vec::new(),
            timeout_ms: None,
            time_scale: 1.0,
            concurrency: DEFAULT_CONCURRENCY,
            max_failures: None,
            method: None,
            ca_cert_pem: None,
            progress: None,
        })
    }

    /// The endpoint to certify; without one, the reference receiver is started in-process.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// The vendor's credentials: the secret, the private key, the headers (see
    /// [`Credentials`]); without them, only what the vendor lets go unauthenticated is sent.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The same seed sends byte-identical requests. Without one, a random seed is drawn and
    /// reported.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Generated cases per event type (default 16).
    pub fn cases(mut self, cases: u32) -> Self {
        self.cases = cases;
        self
    }

    /// Only these suites (`auth`) or cases (`auth/no-signature`); default all.
    pub fn suites(mut self, selectors: &[&str]) -> Self {
        self.selectors = selectors.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Only cases about these event types; default all.
    pub fn events(mut self, events: &[&str]) -> Self {
        self.events = events.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// The answer timeout; default the vendor's.
    pub fn timeout_ms(mut self, ms: u64) -> Self {
        self.timeout_ms = Some(ms);
        self
    }

    /// Scales the vendor's retry intervals (0.001 turns a minute into 60 ms).
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.time_scale = scale;
        self
    }

    /// Cases in flight at once (default 16); a case whose meaning depends on order (duplicates,
    /// ordering) keeps its own requests in order. 1 sends one case at a time.
    pub fn concurrency(mut self, cases: usize) -> Self {
        self.concurrency = cases.max(1);
        self
    }

    /// Stop sending new cases once this many have failed; what was sent is still diagnosed.
    pub fn max_failures(mut self, failures: usize) -> Self {
        self.max_failures = Some(failures.max(1));
        self
    }

    /// The HTTP method, where the vendor lets it be configured (Tomba).
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// PEM certificates to trust for an https URL, beside the usual web roots.
    pub fn ca_cert_pem(mut self, pem: impl Into<String>) -> Self {
        self.ca_cert_pem = Some(pem.into());
        self
    }

    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Runs the certification on the current tokio runtime.
    pub async fn run(mut self) -> Result<Report, CertifyError> {
        let catalog = crate::catalog::catalog()?;
        let vendor = crate::catalog::vendor(&self.vendor)?;
        let profile = &vendor.profile;
        let selection = self.selection()?;
        self.check_events(vendor)?;
        if !(self.time_scale.is_finite() && self.time_scale >= 0.0) {
            return Err(CertifyError::TimeScale {
                value: self.time_scale,
            });
        }
        let method = crate::send::checked_method(profile, self.method).map_err(|asked| {
            CertifyError::MethodFixed {
                vendor: profile.name.clone(),
                fixed: profile.http.method,
                asked,
            }
        })?;
        let authentication = crate::catalog::authentication(vendor)?;
        match self.url.clone() {
            Some(url) => {
                Target::parse(&url)?;
                let signer = Signer::new(&authentication, &self.credentials)?;
                let sender = Sender::new(profile, signer, method);
                let redactor = Redactor::new(self.credentials.redactions());
                self.certify(catalog, vendor, &url, &sender, redactor, &selection)
                    .await
            }
            None => {
                let (signing, verifying) = Credentials::fresh_pair(&authentication)
                    .map_err(CertifyError::FreshCredentials)?;
                let config = ReceiverConfig::new(&self.vendor, verifying);
                let running = receiver::start(config, ([127, 0, 0, 1], 0).into()).await?;
                let signer = Signer::new(&authentication, &signing)?;
                let sender = Sender::new(profile, signer, method);
                let redactor = Redactor::new(signing.redactions());
                let report = self
                    .certify(
                        catalog,
                        vendor,
                        &running.url(),
                        &sender,
                        redactor,
                        &selection,
                    )
                    .await;
                RunningReceiver::stop(running).await;
                report
            }
        }
    }

    /// Runs on a runtime of its own: for callers without one.
    pub fn run_blocking(self) -> Result<Report, CertifyError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(CertifyError::Runtime)?;
        runtime.block_on(self.run())
    }

    async fn certify(
        &mut self,
        catalog: &Catalog,
        vendor: &Vendor,
        url: &str,
        sender: &Sender,
        redactor: Redactor,
        selection: &[Selector],
    ) -> Result<Report, CertifyError> {
        let profile = &vendor.profile;
        let target = Target::parse(url)?;
        let timeout = Duration::from_millis(self.timeout_ms.unwrap_or(profile.timeout_ms));
        if timeout.is_zero() {
            return Err(CertifyError::ZeroTimeout);
        }
        let roots = match &self.ca_cert_pem {
            Some(pem) => crate::http_client::certificates_from_pem(pem)?,
            None => Vec::new(),
        };
        let client =
            Arc::new(Client::with_roots(target, timeout, roots).one_request_per_connection());
        client
            .reachable()
            .await
            .map_err(|reason| CertifyError::Unreachable {
                url: url.to_owned(),
                reason,
            })?;
        let seed = self.seed.unwrap_or_else(random_seed);
        let ctx = Context {
            catalog,
            vendor,
            sender,
            seed,
            cases: self.cases,
        };
        let suites: Vec<Suite> = Suite::ALL
            .into_iter()
            .filter(|s| selection.is_empty() || selection.iter().any(|sel| sel.suite == *s))
            .collect();
        let cases: Vec<suites::Case> = suites::plan(&ctx, &suites)
            .into_iter()
            .filter(|c| selection.is_empty() || selection.iter().any(|s| s.matches(&c.id)))
            .filter(|c| {
                self.events.is_empty()
                    || matches!(c.plan, suites::Plan::Latency)
                    || c.event.as_ref().is_some_and(|e| self.events.contains(e))
            })
            .collect();
        let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        let started = Instant::now();
        let limits = Limits {
            concurrency: self.concurrency,
            max_failures: self.max_failures,
        };
        let runner = Runner::new(&ctx, Arc::clone(&client), redactor, self.time_scale, limits);
        let sendable =
            |c: &&suites::Case| !matches!(c.plan, suites::Plan::Skip(_) | suites::Plan::Latency);
        let total = cases.iter().filter(sendable).count();
        let mut suite_totals: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::new();
        for case in cases.iter().filter(sendable) {
            *suite_totals.entry(case.suite.id()).or_default() += 1;
        }
        let mut suite_done: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        let mut done = 0;
        let mut progress = self.progress.take();
        let mut on_case = |case: &CaseReport| {
            done += 1;
            let in_suite = suite_done.entry(case.suite.clone()).or_default();
            *in_suite += 1;
            if let Some(progress) = progress.as_mut() {
                progress(&ProgressUpdate {
                    done,
                    total,
                    case,
                    suite_done: *in_suite,
                    suite_total: suite_totals.get(case.suite.as_str()).copied().unwrap_or(0),
                });
            }
        };
        let outcome = runner.run(&cases, &mut on_case).await;
        let mut summary = Summary::default();
        for r in &outcome.cases {
            summary.count(r.verdict);
        }
        Ok(Report {
            tool: "hookcert".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            vendor: self.vendor.clone(),
            target: url.to_owned(),
            seed,
            started_at,
            duration_ms: started.elapsed().as_millis() as u64,
            summary,
            latency: outcome.latency,
            stopped: outcome.stopped,
            causes: outcome.causes,
            cases: outcome.cases,
        })
    }

    fn selection(&self) -> Result<Vec<Selector>, CertifyError> {
        self.selectors
            .iter()
            .map(|s| {
                let (suite, rest) = match s.split_once('/') {
                    Some((suite, rest)) => (suite, Some(rest)),
                    None => (s.as_str(), None),
                };
                let suite = Suite::parse(suite).ok_or_else(|| CertifyError::UnknownSuite {
                    selector: s.clone(),
                    suites: Suite::ALL.iter().map(|s| s.id()).collect(),
                })?;
                Ok(Selector {
                    suite,
                    case: rest.map(|_| s.clone()),
                })
            })
            .collect()
    }

    fn check_events(&self, vendor: &Vendor) -> Result<(), CertifyError> {
        for e in &self.events {
            let known = vendor.events.iter().any(|ev| &ev.name == e)
                || e == crate::suites::unknown_event::UNKNOWN_TYPE;
            if !known {
                return Err(CertifyError::UnknownEvent {
                    vendor: vendor.profile.id.clone(),
                    event: e.clone(),
                });
            }
        }
        Ok(())
    }
}

/// A `--suite` value: a suite, or one case of it.
struct Selector {
    suite: Suite,
    case: Option<String>,
}

impl Selector {
    fn matches(&self, id: &str) -> bool {
        match &self.case {
            Some(case) => id == case || id.starts_with(&format!("{case}/")),
            None => id.split('/').next() == Some(self.suite.id()),
        }
    }
}

fn random_seed() -> u64 {
    use rand_core::RngCore;
    rand_core::OsRng.next_u64() % 1_000_000_000
}
