//! A certification run, from options to report: the library API that `hookcert certify` and a
//! user's own `cargo test` share.

use crate::credentials::{self, Auth, Credentials};
use crate::http_client::{Client, Target};
use crate::receiver::{self, ReceiverConfig, RunningReceiver};
use crate::report::{CaseReport, Report, Summary};
use crate::request::Redactor;
use crate::runner::Runner;
use crate::signing::Sender;
use crate::suites::{self, Context, Suite};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Generated cases per event type unless told otherwise.
pub const DEFAULT_CASES: u32 = 16;

/// Why a run could not be made: usage and configuration errors, and targets that cannot be
/// reached at all. (A receiver that answers wrongly is a report with FAIL cases, not an error.)
#[derive(Debug, thiserror::Error)]
pub enum CertifyError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the reference receiver: {0}")]
    Receiver(String),
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
}

/// Progress: cases done, cases in all, the case just finished.
pub type Progress = Box<dyn FnMut(usize, usize, &CaseReport) + Send>;

/// The options of one certification run.
pub struct Certification {
    vendor: String,
    url: Option<String>,
    auth: Auth,
    seed: Option<u64>,
    cases: u32,
    selectors: Vec<String>,
    events: Vec<String>,
    timeout_ms: Option<u64>,
    time_scale: f64,
    method: Option<String>,
    ca_cert_pem: Option<String>,
    progress: Option<Progress>,
}

impl Certification {
    /// A run for the vendor `vendor` (`spotio`, `breakcold`, `clinchpad`, `zoho-salesiq`,
    /// `tomba`).
    pub fn new(vendor: &str) -> Result<Self, CertifyError> {
        crate::catalog::vendor(vendor).map_err(CertifyError::Usage)?;
        Ok(Certification {
            vendor: vendor.to_owned(),
            url: None,
            auth: Auth::None,
            seed: None,
            cases: DEFAULT_CASES,
            selectors: Vec::new(),
            events: Vec::new(),
            timeout_ms: None,
            time_scale: 1.0,
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

    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
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

    /// Only these suites (`auth`) or cases (`auth/3`); default all.
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

    /// The HTTP method, where the vendor lets it be configured (Tomba).
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
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
        let vendor = crate::catalog::vendor(&self.vendor).map_err(CertifyError::Usage)?;
        let profile = &vendor.profile;
        let selection = self.selection()?;
        self.check_events(vendor)?;
        if !(self.time_scale.is_finite() && self.time_scale >= 0.0) {
            return Err(CertifyError::Usage(format!(
                "--time-scale {}: must be a number ≥ 0",
                self.time_scale
            )));
        }
        if let Some(method) = &self.method {
            if !profile.http.method_configurable
                && !method.eq_ignore_ascii_case(&profile.http.method)
            {
                return Err(CertifyError::Usage(format!(
                    "--method: {} always sends {}",
                    profile.name, profile.http.method
                )));
            }
        }
        if let Some(url) = &self.url {
            Target::parse(url).map_err(|e| CertifyError::Usage(e.to_string()))?;
        }
        let (auth, embedded) = match &self.url {
            Some(_) => (self.auth.clone(), None),
            None => {
                let (send, check) = credentials::fresh(profile)
                    .map_err(|e| CertifyError::Receiver(e.to_string()))?;
                let config = ReceiverConfig::new(&self.vendor, check);
                let running = receiver::start(config, ([127, 0, 0, 1], 0).into())
                    .await
                    .map_err(|e| CertifyError::Receiver(e.to_string()))?;
                (send, Some(running))
            }
        };
        let url = match (&self.url, &embedded) {
            (Some(url), _) => url.clone(),
            (None, Some(r)) => r.url(),
            (None, None) => return Err(CertifyError::Receiver("not started".into())),
        };
        let report = self.certify(catalog, vendor, &url, &auth, &selection).await;
        if let Some(running) = embedded {
            RunningReceiver::stop(running).await;
        }
        report
    }

    /// Runs on a runtime of its own: for callers without one.
    pub fn run_blocking(self) -> Result<Report, CertifyError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| CertifyError::Usage(format!("cannot start the async runtime: {e}")))?;
        runtime.block_on(self.run())
    }

    async fn certify(
        &mut self,
        catalog: &hookcert_codegen::Catalog,
        vendor: &hookcert_codegen::model::Vendor,
        url: &str,
        auth: &Auth,
        selection: &[Selector],
    ) -> Result<Report, CertifyError> {
        let profile = &vendor.profile;
        let credentials = Credentials::new(profile, auth).map_err(|e| CertifyError::Usage(e.0))?;
        let redactor = Redactor::new(credentials.redactions());
        let sender = Sender::new(profile, credentials, self.method.as_deref());
        let target = Target::parse(url).map_err(|e| CertifyError::Usage(e.to_string()))?;
        let timeout = Duration::from_millis(self.timeout_ms.unwrap_or(profile.timeout_ms));
        if timeout.is_zero() {
            return Err(CertifyError::Usage("--timeout-ms must be above 0".into()));
        }
        let roots = match &self.ca_cert_pem {
            Some(pem) => crate::http_client::certificates_from_pem(pem)
                .map_err(|e| CertifyError::Usage(format!("--ca-cert: {e}")))?,
            None => Vec::new(),
        };
        let client = Arc::new(Client::with_roots(target, timeout, roots));
        client
            .reachable()
            .await
            .map_err(|e| CertifyError::Unreachable {
                url: url.to_owned(),
                reason: e.to_string(),
            })?;
        let seed = self.seed.unwrap_or_else(random_seed);
        let ctx = Context {
            catalog,
            vendor,
            sender: &sender,
            seed,
            cases: self.cases,
            timeout_ms: timeout.as_millis() as u64,
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
        let mut runner = Runner::new(
            Arc::clone(&client),
            &sender,
            vendor,
            redactor,
            self.time_scale,
        );
        let total = cases.len();
        if let Some(mut progress) = self.progress.take() {
            let mut done = 0;
            runner.on_case = Some(Box::new(move |case: &CaseReport| {
                done += 1;
                progress(done, total, case);
            }));
        }
        let (reports, latency) = runner.run(&cases).await;
        let mut summary = Summary::default();
        for r in &reports {
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
            latency,
            cases: reports,
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
                let suite = Suite::parse(suite).ok_or_else(|| {
                    let all: Vec<&str> = Suite::ALL.iter().map(|s| s.id()).collect();
                    CertifyError::Usage(format!(
                        "--suite {s}: no such suite; the suites are {} (or a case id such as auth/3)",
                        all.join(", ")
                    ))
                })?;
                Ok(Selector {
                    suite,
                    case: rest.map(|_| s.clone()),
                })
            })
            .collect()
    }

    fn check_events(&self, vendor: &hookcert_codegen::model::Vendor) -> Result<(), CertifyError> {
        for e in &self.events {
            let known = vendor.events.iter().any(|ev| &ev.name == e)
                || e == crate::suites::unknown_event::UNKNOWN_TYPE;
            if !known {
                return Err(CertifyError::Usage(format!(
                    "--event {e}: not an event type of {} (see `hookcert catalog --vendor {}`)",
                    vendor.profile.id, vendor.profile.id
                )));
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
