//! The report of a certification run: what every output (terminal, JSON, JUnit, HTML) is
//! rendered from, and what a library user asserts on. Its JSON Schema, derived from these types
//! with schemars, is published as `conformance/report.schema.json`. The renderers live beside
//! it: `terminal`, `junit`, `html`.

mod html;
mod junit;
mod sample;
mod terminal;

pub use junit::JunitError;
pub use sample::sample_report;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One certification run against one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Always `hookcert`.
    pub tool: String,
    pub version: String,
    /// The vendor id (`spotio`, `zoho-salesiq`, …).
    pub vendor: String,
    /// The URL certified.
    pub target: String,
    /// The seed of the run: the same seed sends byte-identical requests.
    pub seed: u64,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: u64,
    pub summary: Summary,
    /// Latency over every accepted delivery of the run, when there was one.
    pub latency: Option<LatencyStats>,
    pub cases: Vec<CaseReport>,
}

/// Counts of cases by verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub pass: u32,
    pub warn: u32,
    pub fail: u32,
    pub skip: u32,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "SKIP",
        }
    }
}

/// One case: a request (or a few) sent for one purpose, and the verdict on the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseReport {
    /// Stable across runs: `golden/lead.added`, `auth/3`.
    pub id: String,
    pub suite: String,
    /// The event type the case sends, when it is about one.
    pub event: Option<String>,
    /// One line: what is sent.
    pub description: String,
    /// The requirement checked, quoted from the vendor's document where it states one.
    pub requirement: String,
    pub verdict: Verdict,
    /// The three tries of a failing case disagreed.
    pub flaky: bool,
    /// What a correct receiver answers (`the vendor's success status (200)`, `4xx`).
    pub expected: String,
    /// The first answer (or transport error) the case was judged on.
    pub observed: Observed,
    /// Why the verdict is what it is, in a sentence.
    pub reason: String,
    /// Every request sent for this case, the first included, in the order sent.
    pub attempts: Vec<Attempt>,
    /// For a failing generated case: the smallest body that still fails, found by shrinking
    /// against the live endpoint.
    pub minimal_payload: Option<String>,
    /// A shell command that replays the request the verdict was judged on.
    pub reproduce: Option<String>,
}

/// An answer, or why there was none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Observed {
    pub status: Option<u16>,
    pub latency_ms: Option<f64>,
    /// The transport outcome when no answer came: `timeout`, `connection reset`, `refused`,
    /// `invalid HTTP`, …
    pub error: Option<String>,
}

/// Why a request was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// The case's own delivery.
    Case,
    /// The vendor's retry of a delivery that was not accepted, on the vendor's schedule.
    VendorRetry,
    /// A failing case tried again to tell a steady failure from a flaky one.
    Repeat,
    /// A smaller payload tried while shrinking a failing generated case.
    Shrink,
}

/// One request sent and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Attempt {
    pub purpose: Purpose,
    /// Milliseconds since the run started, when the request was sent.
    pub sent_at_ms: u64,
    pub request: RequestRecord,
    pub observed: Observed,
}

/// A request as sent, secrets redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestRecord {
    pub method: String,
    pub url: String,
    /// Header names spelled as sent.
    pub headers: Vec<(String, String)>,
    /// The body's length in bytes.
    pub body_bytes: usize,
    /// SHA-256 of the exact body, hex: two requests with the same hash sent the same bytes.
    pub body_sha256: String,
    /// The body as text (invalid UTF-8 replaced), cut after 4 KiB.
    pub body_preview: String,
}

/// Latency over the accepted deliveries of a run, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LatencyStats {
    pub count: u32,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Report {
    /// The end-of-run text `hookcert certify` prints; with `color`, verdicts painted with
    /// ANSI escapes.
    pub fn render_terminal(&self, color: bool) -> String {
        terminal::render(self, color)
    }

    /// JUnit XML, one testcase per case.
    pub fn render_junit(&self) -> Result<String, JunitError> {
        junit::render(self)
    }

    /// One self-contained HTML page.
    pub fn render_html(&self) -> String {
        html::render(self)
    }

    /// True when no case failed: what exit status 0 means.
    pub fn passed(&self) -> bool {
        self.summary.fail == 0
    }

    pub fn case(&self, id: &str) -> Option<&CaseReport> {
        self.cases.iter().find(|c| c.id == id)
    }

    /// The failing cases, in run order.
    pub fn failures(&self) -> impl Iterator<Item = &CaseReport> {
        self.cases.iter().filter(|c| c.verdict == Verdict::Fail)
    }

    /// The suites in the order their first case ran, each with its counts.
    pub fn suites(&self) -> Vec<(String, Summary)> {
        let mut out: Vec<(String, Summary)> = Vec::new();
        for case in &self.cases {
            let i = match out.iter().position(|(s, _)| *s == case.suite) {
                Some(i) => i,
                None => {
                    out.push((case.suite.clone(), Summary::default()));
                    out.len() - 1
                }
            };
            out[i].1.count(case.verdict);
        }
        out
    }
}

impl Summary {
    pub fn count(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Warn => self.warn += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::Skip => self.skip += 1,
        }
    }
}
