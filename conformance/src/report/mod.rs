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
pub use terminal::Detail;

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
    /// Why the run ended before every case was sent (the golden deliveries all refused alike,
    /// or the failure limit reached); `None` when every case ran.
    pub stopped: Option<String>,
    /// What made the cases fail, one entry per cause, worst first: the few things to fix.
    pub causes: Vec<Cause>,
    pub cases: Vec<CaseReport>,
}

/// One reason the receiver fails, established by a probe (a request that differs from a
/// failing one in one property) or by a control (the same delivery in its plain form), with the
/// cases it explains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Cause {
    /// Stable across runs: `reserialized-json`, `non-ascii`, `timeout/lead.updated`,
    /// `unexplained/500/lead.updated`.
    pub id: String,
    /// One line: what the receiver does, and what that means.
    pub diagnosis: String,
    /// The requirement it breaks, quoted from the vendor's document where it states one.
    pub requirement: String,
    /// Failing cases it explains.
    pub count: u32,
    /// Failing cases not judged on their own variable because their control failed by it.
    pub blocked: u32,
    /// The suites its cases belong to, in run order.
    pub suites: Vec<String>,
    /// The case shown as its example.
    pub example_case: String,
    /// The cases the cause's repeats (FLAKY), vendor-retry replay and shrinking were spent on.
    pub representatives: Vec<String>,
    /// How it was established: each probe or control, what it changed, what it got.
    pub evidence: Vec<Evidence>,
    /// The example's first answer in one line: status line and the start of the body.
    pub answer: Option<String>,
    /// The smallest failing body found for it (shrunk against the live endpoint).
    pub minimal_payload: Option<String>,
    /// A shell command that replays the example (its minimal payload when there is one).
    pub reproduce: Option<String>,
}

/// One observation a cause rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// `probe:js-layout`, `control:golden/lead.added`, `compare:event-types`.
    pub check: String,
    /// What it sent or compared, in words.
    pub description: String,
    pub observed: Observed,
    /// Whether it answered differently from the failing request: the property it changed is
    /// what decides the answer.
    pub flipped: bool,
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
    /// The cases this one varies one thing of: the same delivery in its plain form.
    pub controls: Vec<String>,
    /// The cause this failing case belongs to (an id of `Report::causes`).
    pub cause: Option<String>,
    /// Set when a control failed: the cause that sank it. The case is still FAIL, but not
    /// blamed on its own variable.
    pub blocked_by: Option<String>,
}

/// An answer, or why there was none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Observed {
    pub status: Option<u16>,
    pub latency_ms: Option<f64>,
    /// The transport outcome when no answer came: `timeout`, `connection reset`, `refused`,
    /// `invalid HTTP`, …
    pub error: Option<String>,
    /// What the receiver answered, when it answered.
    pub answer: Option<Answer>,
}

/// The receiver's answer: never thrown away, secrets redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Answer {
    /// `HTTP/1.1 401 Unauthorized`.
    pub status_line: String,
    /// Names as sent.
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced), cut after 4 KiB.
    pub body: String,
    /// The body's bytes read (at most 64 KiB are read).
    pub body_bytes: usize,
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
    /// A smaller payload tried while shrinking a failing case.
    Shrink,
    /// A request that differs from a failing one in one property, to find what decides the
    /// answer.
    Probe,
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
        terminal::render(self, color, Detail::Causes)
    }

    /// The end-of-run text at the detail asked for.
    pub fn render_terminal_with(&self, color: bool, detail: Detail) -> String {
        terminal::render(self, color, detail)
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
