//! One self-contained HTML page a person can read: who was certified, the counts, every suite's
//! cases, and each failing case with its requests, answers and replay command. No external
//! resources and no JavaScript, so the file can be mailed, attached to CI or opened offline.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::terminal::{count_of, duration_text, ms_text, observed_text, purpose_text};
use super::{Attempt, CaseReport, Observed, Report, Summary, Verdict};

/// Renders the report as a complete HTML document. Every text from the report is escaped.
pub fn render(report: &Report) -> String {
    page(report).into_string()
}

fn page(report: &Report) -> Markup {
    let overall = overall_verdict(report);
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
                (latency(report))
                (suites(report))
                (failures(report))
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

fn suites(report: &Report) -> Markup {
    html! {
        section id="suites" {
            h2 { "Suites" }
            @for (suite, counts) in report.suites() {
                h3 { (suite) " " span class="muted" { (counts_text(&counts)) } }
                (suite_table(report.cases.iter().filter(|c| c.suite == suite)))
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

fn suite_table<'a>(cases: impl Iterator<Item = &'a CaseReport>) -> Markup {
    html! {
        table class="cases" {
            tr {
                th { "case" } th { "verdict" } th { "description" }
                th { "status" } th class="num" { "latency" } th { "error" }
            }
            @for case in cases {
                tr {
                    td { (case_link(case)) }
                    td class="nowrap" { (pill(case.verdict)) @if case.flaky { " " (flaky_pill()) } }
                    td { (case.description) }
                    (observed_cells(&case.observed))
                }
            }
        }
    }
}

/// Failing cases link to their details further down; the others have none.
fn case_link(case: &CaseReport) -> Markup {
    html! {
        @if case.verdict == Verdict::Fail {
            a href=(format!("#{}", anchor(case))) { code { (case.id) } }
        } @else {
            code { (case.id) }
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

fn failures(report: &Report) -> Markup {
    let failing: Vec<&CaseReport> = report.failures().collect();
    html! {
        section id="failures" {
            h2 { "Failing cases (" (failing.len()) ")" }
            @if failing.is_empty() {
                p class="muted" { "No case failed." }
            }
            @for case in failing {
                (failing_case(case))
            }
        }
    }
}

fn failing_case(case: &CaseReport) -> Markup {
    html! {
        article class="failing-case" id=(anchor(case)) {
            h3 { (pill(case.verdict)) " " code { (case.id) } @if case.flaky { " " (flaky_pill()) } }
            p { (case.description) }
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
                (attempt_block(i + 1, attempt, same_body_as(&case.attempts[..i], attempt)))
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

fn attempt_block(number: usize, attempt: &Attempt, same_body_as: Option<usize>) -> Markup {
    let request = &attempt.request;
    html! {
        div class="attempt" {
            div class="attempt-head" {
                strong { "#" (number) " " (purpose_text(attempt.purpose)) }
                span class="muted" { "+" (attempt.sent_at_ms) " ms" }
                code { (request.method) " " (request.url) }
                span { "→ " strong { (observed_text(&attempt.observed)) } }
            }
            div class="attempt-body" {
                table class="headers" {
                    @for (name, value) in &request.headers {
                        tr { th { (name) } td { code { (value) } } }
                    }
                }
                p class="muted small" {
                    (request.body_bytes) " bytes · sha256 " code { (request.body_sha256) }
                }
                @if let Some(earlier) = same_body_as {
                    p class="muted small" { "same body as request #" (earlier) }
                } @else if request.body_preview.is_empty() {
                    p class="muted small" { "(empty body)" }
                } @else {
                    pre { (request.body_preview) }
                }
            }
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

fn anchor(case: &CaseReport) -> String {
    format!("case-{}", case.id)
}

const CSS: &str = r#"
:root { --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa;
  --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --skip: #6e7781; --flaky: #8250df; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  max-width: 1100px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
h4 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  margin: 18px 0 6px; }
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
.pill.flaky { background: var(--flaky); }
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
    }

    #[test]
    fn failing_case_has_everything_to_act_on() {
        let html = render(&sample_report());
        let failures = section(&html, "failures");
        assert_eq!(failures.matches("class=\"failing-case\"").count(), 1);
        for part in [
            "id=\"case-generated/activity.updated/5\"",
            "FLAKY",
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
    fn run_without_failures_says_so() {
        let mut report = sample_report();
        report.cases.retain(|c| c.verdict != Verdict::Fail);
        report.summary.fail = 0;
        report.latency = None;
        let html = render(&report);
        assert!(section(&html, "failures").contains("No case failed."));
        assert!(section(&html, "latency").contains("No delivery was accepted."));
        assert!(html.contains("<title>hookcert PASS: spotio</title>"));
    }
}
