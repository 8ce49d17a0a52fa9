//! One self-contained HTML page a person can read when the receiver is broken: who was
//! certified and the counts, then why the run stopped early (when it did) and the causes of the
//! failures, each with the evidence that established it and one example; then every suite's
//! cases, failures first and each WARN and FAIL with its reason; then the failing cases grouped
//! by cause, each with its requests, the receiver's answers and a replay command, identical ones
//! collapsed into a list. No external resources and no JavaScript, so the file can be mailed,
//! attached to CI or opened offline.

use std::collections::HashSet;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::terminal::{answer_line, count_of, duration_text, ms_text, observed_text, purpose_text};
use super::{Answer, Attempt, CaseReport, Cause, Observed, Purpose, Report, Summary, Verdict};

/// Renders the report as a complete HTML document. Every text from the report is escaped.
pub fn render(report: &Report) -> String {
    page(report).into_string()
}

/// What the page holds an element for, so that a link is only drawn to a target that exists:
/// every failing case gets one (a full block or an entry in a collapsed list), every cause one.
struct Targets<'a> {
    causes: HashSet<&'a str>,
    failing: HashSet<&'a str>,
}

impl<'a> Targets<'a> {
    fn of(report: &'a Report) -> Self {
        Targets {
            causes: report.causes.iter().map(|c| c.id.as_str()).collect(),
            failing: report.failures().map(|c| c.id.as_str()).collect(),
        }
    }
}

fn page(report: &Report) -> Markup {
    let overall = overall_verdict(report);
    let targets = Targets::of(report);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "hookcert " (overall.as_str()) ": " (report.vendor) }
                // A constant of ours, not report data: the only unescaped text on the page.
                style { (PreEscaped(CSS)) }
            }
            body {
                (header(report, overall))
                (summary(&report.summary))
                (stopped(report))
                (causes(report, &targets))
                (latency(report))
                (suites(report, &targets))
                (failures(report, &targets))
            }
        }
    }
}

fn overall_verdict(report: &Report) -> Verdict {
    if report.passed() {
        Verdict::Pass
    } else {
        Verdict::Fail
    }
}

fn header(report: &Report, overall: Verdict) -> Markup {
    html! {
        header {
            h1 { "Webhook certification: " (report.vendor) " " (pill(overall)) }
            dl class="meta" {
                dt { "vendor" } dd { (report.vendor) }
                dt { "target" } dd { code { (report.target) } }
                dt { "seed" } dd { code { (report.seed) } }
                dt { "started" } dd { (report.started_at) }
                dt { "duration" } dd { (duration_text(report.duration_ms)) }
                dt { "tool" } dd { (report.tool) " " (report.version) }
            }
        }
    }
}

const VERDICTS: [Verdict; 4] = [Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Skip];

fn summary(counts: &Summary) -> Markup {
    html! {
        section id="summary" {
            @for verdict in VERDICTS {
                div class=(format!("count {}", verdict_class(verdict))) {
                    strong { (count_of(counts, verdict)) }
                    " " (verdict.as_str().to_lowercase())
                }
            }
        }
    }
}

/// Why the run ended before every case was sent: the first thing to read, since the counts
/// below it are then partial.
fn stopped(report: &Report) -> Markup {
    html! {
        @if let Some(why) = &report.stopped {
            div id="stopped" class="stopped" role="alert" {
                strong { "The run stopped early: " } (why)
                p class="small" { "Cases after this point were not sent; the counts are partial." }
            }
        }
    }
}

fn causes(report: &Report, targets: &Targets) -> Markup {
    html! {
        section id="causes" {
            h2 { "Causes " span class="muted" { (causes_count_text(report)) } }
            @if report.causes.is_empty() {
                p class="muted" {
                    @if report.summary.fail == 0 {
                        "No case failed."
                    } @else {
                        "No cause was established; each failing case is shown below."
                    }
                }
            }
            @for cause in &report.causes {
                (cause_block(cause, targets))
            }
        }
    }
}

fn causes_count_text(report: &Report) -> String {
    let n = report.causes.len();
    let fails = report.summary.fail;
    format!(
        "{n} cause{} of {fails} failing case{}",
        plural(n as u64),
        plural(u64::from(fails))
    )
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One cause: what the receiver does, what it breaks, how that was established, one example
/// to look at and a command to replay it.
fn cause_block(cause: &Cause, targets: &Targets) -> Markup {
    html! {
        article class="cause" id=(cause_anchor(&cause.id)) {
            h3 { span class="pill fail" { "CAUSE" } " " code { (cause.id) } }
            p class="diagnosis" { (cause.diagnosis) }
            p class="muted small" {
                (cause.count) " failing case" (plural(u64::from(cause.count)))
                @if cause.blocked > 0 {
                    " · " (cause.blocked) " more blocked (their control failed by it, so their \
                       own variable was not judged)"
                }
                @if !cause.suites.is_empty() {
                    " · suite" (plural(cause.suites.len() as u64)) ": " (cause.suites.join(", "))
                }
            }
            @if !cause.requirement.is_empty() {
                blockquote { "“" (cause.requirement) "”" }
            }
            @if !cause.evidence.is_empty() {
                h4 { "how it was established" }
                table class="evidence" {
                    tr {
                        th { "check" } th { "what was sent" } th { "what it got" }
                        th { "answer changed?" }
                    }
                    @for evidence in &cause.evidence {
                        tr class=[evidence.flipped.then_some("flipped")] {
                            td { code { (evidence.check) } }
                            td { (evidence.description) }
                            td {
                                (observed_text(&evidence.observed))
                                @if let Some(answer) = &evidence.observed.answer {
                                    div class="muted small" { (answer_line(answer)) }
                                }
                            }
                            td {
                                @if evidence.flipped {
                                    strong { "yes" } ": what it changed decides the answer"
                                } @else {
                                    "no"
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(answer) = &cause.answer {
                h4 { "the receiver's answer" }
                pre class="answer-line" { (answer) }
            }
            h4 { "example" }
            p { (case_ref(&cause.example_case, targets, Some("example"))) }
            @if let Some(payload) = &cause.minimal_payload {
                h4 { "minimal failing payload" }
                pre { (payload) }
            }
            @if let Some(command) = &cause.reproduce {
                h4 { "replay" }
                pre class="command" { (command) }
            }
        }
    }
}

fn latency(report: &Report) -> Markup {
    html! {
        section id="latency" {
            h2 { "Latency" }
            @if let Some(l) = &report.latency {
                p class="muted" { "Over " (l.count) " accepted deliveries." }
                table class="latency" {
                    tr { th { "p50" } th { "p95" } th { "p99" } th { "max" } }
                    tr {
                        td { (ms_text(l.p50_ms)) } td { (ms_text(l.p95_ms)) }
                        td { (ms_text(l.p99_ms)) } td { (ms_text(l.max_ms)) }
                    }
                }
            } @else {
                p class="muted" { "No delivery was accepted." }
            }
        }
    }
}

fn suites(report: &Report, targets: &Targets) -> Markup {
    html! {
        section id="suites" {
            h2 { "Suites" }
            @for (suite, counts) in report.suites() {
                h3 { (suite) " " span class="muted" { (counts_text(&counts)) } }
                (suite_table(report.cases.iter().filter(|c| c.suite == suite), targets))
            }
        }
    }
}

fn counts_text(counts: &Summary) -> String {
    let parts: Vec<String> = VERDICTS
        .iter()
        .map(|&v| format!("{} {}", count_of(counts, v), v.as_str().to_lowercase()))
        .collect();
    parts.join(" · ")
}

/// The order a suite's rows are read in: what needs fixing first, what passed last.
fn row_rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Fail => 0,
        Verdict::Warn => 1,
        Verdict::Pass => 2,
        Verdict::Skip => 3,
    }
}

fn suite_table<'a>(cases: impl Iterator<Item = &'a CaseReport>, targets: &Targets) -> Markup {
    let mut rows: Vec<&CaseReport> = cases.collect();
    // Stable: run order within a verdict.
    rows.sort_by_key(|c| row_rank(c.verdict));
    html! {
        table class="cases" {
            tr {
                th { "case" } th { "verdict" } th { "description" }
                th { "status" } th class="num" { "latency" } th { "error" }
            }
            @for case in rows {
                tr class=(verdict_class(case.verdict)) {
                    td { (case_link(case, targets)) }
                    td class="nowrap" { (pill(case.verdict)) @if case.flaky { " " (flaky_pill()) } }
                    td {
                        (case.description)
                        @if matches!(case.verdict, Verdict::Warn | Verdict::Fail) {
                            div class="reason" { (case.reason) }
                        }
                        @if case.verdict == Verdict::Fail {
                            (cause_line(case, targets))
                        }
                    }
                    (observed_cells(&case.observed))
                }
            }
        }
    }
}

/// Failing cases link to their details further down; the others have none.
fn case_link(case: &CaseReport, targets: &Targets) -> Markup {
    case_ref(&case.id, targets, None)
}

/// A case id, linked to its details when the page has them.
fn case_ref(id: &str, targets: &Targets, class: Option<&str>) -> Markup {
    html! {
        @if targets.failing.contains(id) {
            a class=[class] href=(format!("#{}", case_anchor(id))) { code { (id) } }
        } @else {
            code class=[class] { (id) }
        }
    }
}

/// A cause id, linked to its block at the top when the page has it.
fn cause_ref(id: &str, targets: &Targets) -> Markup {
    html! {
        @if targets.causes.contains(id) {
            a href=(format!("#{}", cause_anchor(id))) { code { (id) } }
        } @else {
            code { (id) }
        }
    }
}

/// `cause: non-ascii`, or `blocked by: non-ascii (its control golden/lead.added failed by it)`.
fn cause_line(case: &CaseReport, targets: &Targets) -> Markup {
    html! {
        @if let Some(cause) = &case.blocked_by {
            div class="cause-ref" {
                "blocked by: " (cause_ref(cause, targets))
                @if !case.controls.is_empty() {
                    " (its control" (plural(case.controls.len() as u64)) " "
                    @for (i, control) in case.controls.iter().enumerate() {
                        @if i > 0 { ", " }
                        (case_ref(control, targets, None))
                    }
                    " failed by it)"
                }
            }
        } @else if let Some(cause) = &case.cause {
            div class="cause-ref" { "cause: " (cause_ref(cause, targets)) }
        }
    }
}

fn observed_cells(observed: &Observed) -> Markup {
    html! {
        td { @if let Some(status) = observed.status { (status) } @else { "—" } }
        td class="num" { @if let Some(ms) = observed.latency_ms { (ms_text(ms)) } @else { "—" } }
        td { @if let Some(error) = &observed.error { (error) } }
    }
}

/// The failing cases of one cause (or of none), its own ones before those it blocked.
struct Bucket<'a> {
    cause: Option<&'a str>,
    groups: Vec<Group<'a>>,
}

/// Failing cases alike enough that one of them, shown in full, stands for all: the same cause
/// (or the same blocking cause) and the same reason.
struct Group<'a> {
    blocked: bool,
    reason: &'a str,
    cases: Vec<&'a CaseReport>,
}

impl<'a> Group<'a> {
    /// The case shown in full: the cause's example when it is here (so that the example link
    /// lands on a full block), else the first in run order; and the others.
    fn split(&self, example: Option<&str>) -> (&'a CaseReport, Vec<&'a CaseReport>) {
        let lead = example
            .and_then(|id| self.cases.iter().position(|c| c.id == id))
            .unwrap_or(0);
        let rest = self
            .cases
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != lead)
            .map(|(_, c)| *c)
            .collect();
        (self.cases[lead], rest)
    }
}

/// Buckets in the order of `report.causes` (worst first), cases without a known cause last;
/// groups and cases in run order, blocked ones after a cause's own.
fn buckets(report: &Report) -> Vec<Bucket<'_>> {
    let mut buckets: Vec<Bucket> = Vec::new();
    for case in report.failures() {
        let blocked = case.blocked_by.is_some();
        let cause = case.blocked_by.as_deref().or(case.cause.as_deref());
        let bucket = match buckets.iter().position(|b| b.cause == cause) {
            Some(i) => &mut buckets[i],
            None => {
                buckets.push(Bucket {
                    cause,
                    groups: Vec::new(),
                });
                buckets.last_mut().expect("just pushed")
            }
        };
        match bucket
            .groups
            .iter_mut()
            .find(|g| g.blocked == blocked && g.reason == case.reason)
        {
            Some(group) => group.cases.push(case),
            None => bucket.groups.push(Group {
                blocked,
                reason: &case.reason,
                cases: vec![case],
            }),
        }
    }
    let position = |cause: Option<&str>| {
        cause
            .and_then(|id| report.causes.iter().position(|c| c.id == id))
            .unwrap_or(usize::MAX)
    };
    buckets.sort_by_key(|b| position(b.cause));
    for bucket in &mut buckets {
        bucket.groups.sort_by_key(|g| g.blocked);
    }
    buckets
}

fn failures(report: &Report, targets: &Targets) -> Markup {
    let failing = report.failures().count();
    html! {
        section id="failures" {
            h2 { "Failing cases (" (failing) ")" }
            @if failing == 0 {
                p class="muted" { "No case failed." }
            }
            @for bucket in buckets(report) {
                (bucket_block(report, &bucket, targets))
            }
        }
    }
}

fn bucket_block(report: &Report, bucket: &Bucket, targets: &Targets) -> Markup {
    let cause = bucket
        .cause
        .and_then(|id| report.causes.iter().find(|c| c.id == id));
    let example = cause.map(|c| c.example_case.as_str());
    let count: usize = bucket.groups.iter().map(|g| g.cases.len()).sum();
    html! {
        div class="cause-group" {
            p class="group-head" {
                @match bucket.cause {
                    Some(id) => { "cause " (cause_ref(id, targets)) }
                    None => { "no cause established" }
                }
                @if let Some(cause) = cause { " · " (cause.diagnosis) }
                span class="muted" { " · " (count) " case" (plural(count as u64)) }
            }
            @for group in &bucket.groups {
                @let (lead, rest) = group.split(example);
                (failing_case(lead, targets))
                (alike_list(&rest))
            }
        }
    }
}

/// Up to this many alike cases are listed openly; more go into a `<details>`.
const ALIKE_OPEN: usize = 5;

/// The cases like the one just shown in full: one line each, every one the target of its links.
fn alike_list(rest: &[&CaseReport]) -> Markup {
    let title = format!("and {} more like it (same cause, same reason)", rest.len());
    let list = html! {
        ul class="alike-list" {
            @for case in rest {
                li id=(case_anchor(&case.id)) {
                    code { (case.id) }
                    @if case.flaky { " " (flaky_pill()) }
                    " · " (case.description)
                    span class="muted" { " · " (observed_text(&case.observed)) }
                }
            }
        }
    };
    html! {
        @if rest.len() > ALIKE_OPEN {
            details class="alike" {
                summary { (title) }
                (list)
            }
        } @else if !rest.is_empty() {
            div class="alike" {
                p { (title) ":" }
                (list)
            }
        }
    }
}

fn failing_case(case: &CaseReport, targets: &Targets) -> Markup {
    html! {
        article class="failing-case" id=(case_anchor(&case.id)) {
            h3 { (pill(case.verdict)) " " code { (case.id) } @if case.flaky { " " (flaky_pill()) } }
            p { (case.description) }
            (cause_line(case, targets))
            @if !case.requirement.is_empty() {
                blockquote { "“" (case.requirement) "”" }
            }
            div class="compare" {
                div { h4 { "expected" } (case.expected) }
                div { h4 { "observed" } (observed_text(&case.observed)) }
            }
            p { strong { "Why: " } (case.reason) }
            h4 { "requests (" (case.attempts.len()) ")" }
            @for (i, attempt) in case.attempts.iter().enumerate() {
                (attempt_block(i + 1, attempt, &case.attempts[..i]))
            }
            @if let Some(payload) = &case.minimal_payload {
                h4 { "minimal failing payload" }
                pre { (payload) }
            }
            @if let Some(command) = &case.reproduce {
                h4 { "replay" }
                pre class="command" { (command) }
            }
        }
    }
}

/// The number of an earlier request that sent the same bytes: retries and repeats resend the
/// body, and showing it once keeps a failing case short enough to read.
fn same_body_as(earlier: &[Attempt], attempt: &Attempt) -> Option<usize> {
    earlier
        .iter()
        .position(|a| a.request.body_sha256 == attempt.request.body_sha256)
        .map(|i| i + 1)
}

/// The number of an earlier request answered with exactly the same status line, headers and
/// body, for the same reason.
fn same_answer_as(earlier: &[Attempt], answer: &Answer) -> Option<usize> {
    earlier
        .iter()
        .position(|a| a.observed.answer.as_ref() == Some(answer))
        .map(|i| i + 1)
}

fn attempt_block(number: usize, attempt: &Attempt, earlier: &[Attempt]) -> Markup {
    let request = &attempt.request;
    let probe = attempt.purpose == Purpose::Probe;
    html! {
        div class=(if probe { "attempt probe" } else { "attempt" }) {
            div class="attempt-head" {
                strong { "#" (number) " " (purpose_text(attempt.purpose)) }
                @if probe {
                    span class="pill probe" title="differs from the failing request in one property" {
                        "PROBE"
                    }
                }
                span class="muted" { "+" (attempt.sent_at_ms) " ms" }
                code { (request.method) " " (request.url) }
                span { "→ " strong { (observed_text(&attempt.observed)) } }
            }
            div class="attempt-body" {
                div class="exchange" {
                    div class="request" {
                        h5 { "request" }
                        table class="headers" {
                            @for (name, value) in &request.headers {
                                tr { th { (name) } td { code { (value) } } }
                            }
                        }
                        p class="muted small" {
                            (request.body_bytes) " bytes · sha256 " code { (request.body_sha256) }
                        }
                        @if let Some(earlier) = same_body_as(earlier, attempt) {
                            p class="muted small" { "same body as request #" (earlier) }
                        } @else if request.body_preview.is_empty() {
                            p class="muted small" { "(empty body)" }
                        } @else {
                            pre { (request.body_preview) }
                        }
                    }
                    div class="answer" {
                        h5 { "answer" }
                        (answer_block(attempt, earlier))
                    }
                }
            }
        }
    }
}

/// Bodies are stored cut after this many bytes.
const ANSWER_BODY_KEPT: usize = 4096;

fn answer_block(attempt: &Attempt, earlier: &[Attempt]) -> Markup {
    html! {
        @if let Some(answer) = &attempt.observed.answer {
            p { code class="status-line" { (answer.status_line) } }
            @if let Some(earlier) = same_answer_as(earlier, answer) {
                p class="muted small" { "same answer as request #" (earlier) }
            } @else {
                table class="headers" {
                    @for (name, value) in &answer.headers {
                        tr { th { (name) } td { code { (value) } } }
                    }
                }
                p class="muted small" {
                    (answer.body_bytes) " bytes"
                    @if answer.body_bytes > ANSWER_BODY_KEPT { " · the first 4 KiB shown" }
                }
                @if answer.body.is_empty() {
                    p class="muted small" { "(empty body)" }
                } @else {
                    pre class="answer-body" { (answer.body) }
                }
            }
        } @else {
            p class="muted small" { (observed_text(&attempt.observed)) }
        }
    }
}

fn pill(verdict: Verdict) -> Markup {
    html! { span class=(format!("pill {}", verdict_class(verdict))) { (verdict.as_str()) } }
}

fn flaky_pill() -> Markup {
    html! { span class="pill flaky" title="the three tries of this case disagreed" { "FLAKY" } }
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "fail",
        Verdict::Skip => "skip",
    }
}

fn case_anchor(id: &str) -> String {
    fragment("case", id)
}

fn cause_anchor(id: &str) -> String {
    fragment("cause", id)
}

/// An element id (and link fragment): ids are stable and free of whitespace, which an HTML id
/// cannot hold, but whitespace is mapped anyway so that a link and its target always agree.
fn fragment(kind: &str, id: &str) -> String {
    let id: String = id
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    format!("{kind}-{id}")
}

const CSS: &str = r#"
:root { --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa;
  --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --skip: #6e7781; --flaky: #8250df;
  --probe: #0969da; --mark: #fff8c5; --fail-soft: #fff5f5; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  max-width: 1100px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
h4, h5 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  margin: 18px 0 6px; }
h5 { margin: 4px 0; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  margin: 0; max-height: 320px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
a { color: #0969da; }
.muted { color: var(--muted); font-weight: normal; }
.small { font-size: 13px; margin: 6px 0; }
.nowrap { white-space: nowrap; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
#summary { display: flex; gap: 12px; margin-top: 24px; }
.count { flex: 1; border: 1px solid var(--line); border-top: 4px solid currentColor; border-radius: 6px;
  padding: 10px 16px; text-transform: uppercase; font-size: 13px; letter-spacing: .05em; }
.count strong { display: block; font-size: 30px; line-height: 1.15; letter-spacing: 0; }
.count.pass { color: var(--pass); } .count.warn { color: var(--warn); }
.count.fail { color: var(--fail); } .count.skip { color: var(--skip); }
.pill { display: inline-block; font: 600 11px/1 system-ui, sans-serif; letter-spacing: .04em;
  padding: 4px 8px; border-radius: 999px; color: #fff; vertical-align: middle; }
.pill.pass { background: var(--pass); } .pill.warn { background: var(--warn); }
.pill.fail { background: var(--fail); } .pill.skip { background: var(--skip); }
.pill.flaky { background: var(--flaky); } .pill.probe { background: var(--probe); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
table.cases { table-layout: fixed; }
table.cases th:nth-child(1) { width: 27%; } table.cases th:nth-child(2) { width: 13%; }
table.cases th:nth-child(4) { width: 8%; } table.cases th:nth-child(5) { width: 10%; }
table.cases th:nth-child(6) { width: 14%; }
table.cases td:first-child { overflow-wrap: anywhere; }
table.latency { width: auto; } table.latency td { font-variant-numeric: tabular-nums; padding-right: 28px; }
.failing-case { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px;
  padding: 2px 20px 20px; margin: 18px 0; }
blockquote { margin: 10px 0; padding: 4px 14px; border-left: 3px solid var(--line); color: var(--muted);
  font-style: italic; }
.compare { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.compare > div { background: var(--soft); border-radius: 6px; padding: 2px 14px 10px; }
.compare h4 { margin-top: 8px; }
.attempt { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
.attempt-head { display: flex; flex-wrap: wrap; gap: 6px 16px; padding: 6px 12px; background: var(--soft);
  border-bottom: 1px solid var(--line); border-radius: 6px 6px 0 0; }
.attempt-body { padding: 6px 12px 10px; }
table.headers th { text-transform: none; letter-spacing: 0; font-size: 13px; width: 1%; white-space: nowrap;
  color: var(--fg); border: 0; padding: 2px 12px 2px 0; }
table.headers td { border: 0; padding: 2px 0; overflow-wrap: anywhere; }
.stopped { margin: 20px 0 0; padding: 12px 16px; font-size: 16px; background: var(--mark);
  border: 1px solid #d4a72c; border-left: 6px solid var(--warn); border-radius: 6px; }
.stopped p { margin: 4px 0 0; color: var(--muted); }
.cause { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px;
  padding: 2px 20px 18px; margin: 18px 0; }
.diagnosis { font-size: 17px; font-weight: 600; margin: 6px 0 2px; }
table.evidence td:first-child { white-space: nowrap; }
tr.flipped td { background: var(--mark); }
tr.flipped td:first-child { box-shadow: inset 4px 0 var(--warn); }
table.cases tr.fail td { background: var(--fail-soft); }
.reason { font-size: 13px; margin-top: 2px; }
tr.warn .reason { color: var(--warn); }
.cause-ref { font-size: 13px; margin: 2px 0; }
.cause-group { margin: 12px 0 30px; }
.group-head { font-weight: 600; margin: 24px 0 6px; }
.alike { margin: -6px 0 18px; padding: 8px 14px; border: 1px dashed var(--line); border-radius: 6px; }
.alike p { margin: 0; }
.alike summary { cursor: pointer; color: #0969da; }
.alike-list { margin: 6px 0 0; padding-left: 22px; font-size: 14px; }
.alike-list li { overflow-wrap: anywhere; }
:target { outline: 2px solid var(--probe); outline-offset: 3px; }
.attempt.probe { border: 1px dashed var(--probe); }
.exchange { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 10px 20px; }
.exchange > div { min-width: 0; overflow-wrap: anywhere; }
.status-line { font-weight: 600; }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::sample_report;

    fn section<'a>(html: &'a str, id: &str) -> &'a str {
        let start = html
            .find(&format!("<section id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no section {id}"));
        let len = html[start..].find("</section>").expect("section closes");
        &html[start..start + len]
    }

    fn position(html: &str, part: &str) -> usize {
        html.find(part)
            .unwrap_or_else(|| panic!("missing {part} in\n{html}"))
    }

    /// Every `href="#…"` on the page names an element id on the page.
    fn assert_links_resolve(html: &str) {
        for piece in html.split("href=\"#").skip(1) {
            let target = &piece[..piece.find('"').expect("the attribute closes")];
            assert!(
                html.contains(&format!("id=\"{target}\"")),
                "a link to #{target}, which the page does not hold"
            );
        }
    }

    /// The sample's failing case, repeated `n` times under ids `generated/activity.updated/0..n`.
    fn with_alike_failures(n: u32) -> Report {
        let mut report = sample_report();
        let failing = report.cases[1].clone();
        report.cases.remove(1);
        for i in 0..n {
            let mut case = failing.clone();
            case.id = format!("generated/activity.updated/{i}");
            report.cases.insert(1 + i as usize, case);
        }
        report.summary.fail = n;
        report.causes[0].count = n;
        report
    }

    #[test]
    fn is_one_self_contained_page() {
        let html = render(&sample_report());
        assert!(html.starts_with("<!DOCTYPE html>"));
        for banned in ["<script", "<link", "src=", "@import", "url("] {
            assert!(!html.contains(banned), "{banned} in the page");
        }
    }

    #[test]
    fn header_names_the_run() {
        let html = render(&sample_report());
        for part in [
            "http://127.0.0.1:8080/hooks/spotio",
            "<code>7</code>",
            "2025-06-01T12:00:00Z",
            "4.18 s",
        ] {
            assert!(html.contains(part), "missing {part}");
        }
    }

    #[test]
    fn summary_counts_every_verdict() {
        let html = render(&sample_report());
        let summary = section(&html, "summary");
        for word in ["pass", "warn", "fail", "skip"] {
            assert!(
                summary.contains(&format!("<strong>1</strong> {word}")),
                "{summary}"
            );
        }
    }

    #[test]
    fn latency_and_suites_are_shown() {
        let html = render(&sample_report());
        assert!(section(&html, "latency").contains("12.0 ms"));
        let suites = section(&html, "suites");
        for suite in ["golden", "generated", "robustness", "auth"] {
            assert!(
                suites.contains(&format!("<h3>{suite} ")),
                "no suite {suite}"
            );
        }
        assert!(suites.contains("href=\"#case-generated/activity.updated/5\""));
        assert!(
            suites.contains("cause: <a href=\"#cause-non-ascii\"><code>non-ascii</code></a>"),
            "{suites}"
        );
    }

    #[test]
    fn causes_come_first_with_link_targets() {
        let html = render(&sample_report());
        assert!(
            position(&html, "<section id=\"summary\">")
                < position(&html, "<section id=\"causes\">")
        );
        assert!(
            position(&html, "<section id=\"causes\">") < position(&html, "<section id=\"suites\">")
        );
        let causes = section(&html, "causes");
        for part in [
            "1 cause of 1 failing case",
            "<article class=\"cause\" id=\"cause-non-ascii\">",
            "strings with non-ASCII characters get 500",
            "1 failing case · suite: generated",
            "<blockquote>“Your webhook endpoint must respond with code 200",
            "<tr class=\"flipped\"><td><code>probe:non-ascii</code></td>",
            "the same body with non-ASCII characters replaced by '?'",
            "200 in 9.1 ms",
            "<pre class=\"answer-line\">HTTP/1.1 500 Internal Server Error: Traceback",
            "<a class=\"example\" href=\"#case-generated/activity.updated/5\">",
            "{&quot;eventType&quot;:&quot;activity.updated&quot;,&quot;payload&quot;:[{&quot;note&quot;:&quot;ü&quot;}]}",
            "<pre class=\"command\">curl -sS -X POST",
        ] {
            assert!(causes.contains(part), "missing {part} in\n{causes}");
        }
        assert!(
            html.contains(
                "<article class=\"failing-case\" id=\"case-generated/activity.updated/5\">"
            )
        );
        assert_links_resolve(&html);
    }

    #[test]
    fn blocked_case_names_its_cause_and_control() {
        let mut report = sample_report();
        let mut blocked = report.cases[1].clone();
        blocked.id = "auth/wrong-secret".into();
        blocked.suite = "auth".into();
        blocked.reason = "answered 500 where a refusal was due".into();
        blocked.cause = None;
        blocked.blocked_by = Some("non-ascii".into());
        blocked.controls = vec!["generated/activity.updated/5".into()];
        report.cases.push(blocked);
        report.summary.fail = 2;
        report.causes[0].blocked = 1;
        let html = render(&report);
        let blocked_line = "blocked by: <a href=\"#cause-non-ascii\"><code>non-ascii</code></a> \
                            (its control <a href=\"#case-generated/activity.updated/5\">\
                            <code>generated/activity.updated/5</code></a> failed by it)";
        assert_eq!(section(&html, "suites").matches(blocked_line).count(), 1);
        assert_eq!(section(&html, "failures").matches(blocked_line).count(), 1);
        assert!(section(&html, "causes").contains("1 more blocked"));
        // Its own group, after the cause's own cases.
        let failures = section(&html, "failures");
        assert_eq!(failures.matches("class=\"failing-case\"").count(), 2);
        assert!(
            position(failures, "id=\"case-generated/activity.updated/5\"")
                < position(failures, "id=\"case-auth/wrong-secret\"")
        );
        assert_links_resolve(&html);
    }

    #[test]
    fn warn_and_fail_rows_carry_their_reason() {
        let html = render(&sample_report());
        let suites = section(&html, "suites");
        assert!(
            suites.contains("<div class=\"reason\">accepted an empty body it cannot process</div>"),
            "{suites}"
        );
        assert!(suites.contains("<div class=\"reason\">answered 500 to a valid event"));
        // PASS and SKIP rows keep to their description.
        assert!(!suites.contains("accepted within the timeout"));
        assert!(!suites.contains("no secret configured"));
    }

    #[test]
    fn fail_rows_come_before_warn_pass_and_skip() {
        let mut report = sample_report();
        let mut second_pass = report.cases[0].clone();
        second_pass.id = "golden/activity.deleted".into();
        // Run order: PASS, FAIL, WARN, SKIP, PASS; all in one suite.
        report.cases.push(second_pass);
        for case in &mut report.cases {
            case.suite = "golden".into();
        }
        let html = render(&report);
        let suites = section(&html, "suites");
        let order = [
            "generated/activity.updated/5",
            "robustness/empty-body",
            "golden/activity.created",
            "golden/activity.deleted",
            "auth/not-configured",
        ]
        .map(|id| position(suites, &format!("<code>{id}</code>")));
        assert!(order.is_sorted(), "rows out of order: {order:?}\n{suites}");
    }

    #[test]
    fn failing_case_has_everything_to_act_on() {
        let html = render(&sample_report());
        let failures = section(&html, "failures");
        assert_eq!(failures.matches("class=\"failing-case\"").count(), 1);
        for part in [
            "id=\"case-generated/activity.updated/5\"",
            "FLAKY",
            "cause: <a href=\"#cause-non-ascii\"><code>non-ascii</code></a>",
            "<blockquote>“Your webhook endpoint must respond with code 200",
            "the vendor's success status (200)",
            "500 in 48.5 ms",
            "answered 500 to a valid event",
            "#4 repeat",
            "same body as request #1",
            "<th>X-Signature</th>",
            "Grüße 🚀",
            "minimal failing payload",
            "<pre class=\"command\">curl -sS -X POST",
        ] {
            assert!(failures.contains(part), "missing {part} in\n{failures}");
        }
    }

    #[test]
    fn attempts_show_the_receivers_answer() {
        let mut report = sample_report();
        report.cases[1].attempts[2].purpose = Purpose::Probe;
        let html = render(&report);
        let failures = section(&html, "failures");
        for part in [
            "<code class=\"status-line\">HTTP/1.1 500 Internal Server Error</code>",
            "<code class=\"status-line\">HTTP/1.1 200 OK</code>",
            "<th>Content-Type</th><td><code>text/plain</code></td>",
            "<pre class=\"answer-body\">Traceback (most recent call last):\n  UnicodeEncodeError</pre>",
            "same answer as request #1",
            "same answer as request #2",
            "<div class=\"attempt probe\">",
            "#3 probe",
        ] {
            assert!(failures.contains(part), "missing {part} in\n{failures}");
        }
        assert_eq!(failures.matches("class=\"attempt probe\"").count(), 1);
        assert_eq!(failures.matches("PROBE").count(), 1);
    }

    #[test]
    fn twenty_identical_failures_show_one_block_and_a_list() {
        let html = render(&with_alike_failures(20));
        let failures = section(&html, "failures");
        assert!(failures.contains("Failing cases (20)"));
        assert_eq!(
            failures.matches("class=\"failing-case\"").count(),
            1,
            "{failures}"
        );
        // The one in full is the cause's example, so its link lands on the details.
        assert!(
            failures.contains(
                "<article class=\"failing-case\" id=\"case-generated/activity.updated/5\">"
            )
        );
        assert!(failures.contains(
            "<details class=\"alike\"><summary>and 19 more like it (same cause, same reason)"
        ));
        for i in (0..20).filter(|&i| i != 5) {
            assert!(
                failures.contains(&format!("<li id=\"case-generated/activity.updated/{i}\">")),
                "no entry for case {i}"
            );
        }
        assert_eq!(failures.matches("<pre class=\"command\">").count(), 1);
        assert_links_resolve(&html);

        // A different reason is a different block.
        let mut report = with_alike_failures(20);
        report.cases[3].reason = "answered 502".into();
        let html = render(&report);
        let failures = section(&html, "failures");
        assert_eq!(failures.matches("class=\"failing-case\"").count(), 2);
        assert!(failures.contains("and 18 more like it"));
    }

    #[test]
    fn a_few_alike_failures_are_listed_openly() {
        let html = render(&with_alike_failures(3));
        let failures = section(&html, "failures");
        assert_eq!(failures.matches("class=\"failing-case\"").count(), 1);
        assert!(failures.contains("<div class=\"alike\"><p>and 2 more like it"));
        assert!(!failures.contains("<details"));
    }

    #[test]
    fn stopped_run_says_why_above_the_causes() {
        let mut report = sample_report();
        report.stopped = Some("the golden deliveries all got 401 <Unauthorized>".into());
        let html = render(&report);
        let stopped = position(&html, "<div id=\"stopped\" class=\"stopped\"");
        assert!(stopped < position(&html, "<section id=\"causes\">"));
        assert!(html.contains(
            "The run stopped early: </strong>the golden deliveries all got 401 &lt;Unauthorized&gt;"
        ));
        assert!(!render(&sample_report()).contains("id=\"stopped\""));
    }

    #[test]
    fn report_text_is_escaped() {
        let mut report = sample_report();
        report.cases[1].description = "<script>alert(1)</script>".into();
        report.cases[1].attempts[0].request.body_preview = "</pre><b>x</b>".into();
        let html = render(&report);
        assert!(!html.contains("<script>"), "unescaped script");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;/pre&gt;&lt;b&gt;x&lt;/b&gt;"));
    }

    #[test]
    fn answer_and_cause_text_is_escaped() {
        let mut report = sample_report();
        let answer = report.cases[1].attempts[0]
            .observed
            .answer
            .as_mut()
            .expect("the sample's attempts have answers");
        answer.body = "</pre><img src=x onerror=alert(1)>".into();
        answer.headers = vec![("X-<i>".into(), "\"quoted\" & <b>".into())];
        report.causes[0].diagnosis = "<h1>big</h1>".into();
        report.causes[0].answer = Some("HTTP/1.1 500 <oops>".into());
        let html = render(&report);
        assert!(!html.contains("<img"), "unescaped answer body");
        assert!(html.contains("&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(
            html.contains(
                "<th>X-&lt;i&gt;</th><td><code>&quot;quoted&quot; &amp; &lt;b&gt;</code>"
            )
        );
        assert!(html.contains("&lt;h1&gt;big&lt;/h1&gt;"));
        assert!(html.contains("HTTP/1.1 500 &lt;oops&gt;"));
    }

    #[test]
    fn run_without_failures_says_so() {
        let mut report = sample_report();
        report.cases.retain(|c| c.verdict != Verdict::Fail);
        report.causes.clear();
        report.summary.fail = 0;
        report.latency = None;
        let html = render(&report);
        assert!(section(&html, "causes").contains("No case failed."));
        assert!(section(&html, "failures").contains("No case failed."));
        assert!(section(&html, "latency").contains("No delivery was accepted."));
        assert!(html.contains("<title>hookcert PASS: spotio</title>"));
    }

    #[test]
    fn links_only_point_at_what_the_page_holds() {
        let mut report = sample_report();
        // A cause id no cause entry has, and an example that is not a failing case.
        report.cases[1].cause = Some("gone".into());
        report.causes[0].example_case = "golden/activity.created".into();
        let html = render(&report);
        assert!(!html.contains("href=\"#cause-gone\""));
        assert!(!html.contains("href=\"#case-golden/activity.created\""));
        assert_links_resolve(&html);
    }
}
