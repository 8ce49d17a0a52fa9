//! What `hookcert certify` prints when the run ends: who was certified, counts per suite,
//! latency, then the causes of the failures (one block each, with one example and its replay
//! command), the warnings with their reasons, every failing case only when asked, and a
//! one-line verdict. Also home of the plain-text forms the other renderers share.

use super::{Attempt, CaseReport, Cause, Observed, Purpose, Report, Summary, Verdict};

/// How much the end-of-run text says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The counts and the verdict.
    Summary,
    /// Also the causes and the warnings: the default.
    Causes,
    /// Also every failing case.
    Verbose,
}

/// Renders the end-of-run text. With `color`, verdicts are painted with ANSI escapes; without,
/// the text holds none, so it can go to a pipe or a log as is.
pub fn render(report: &Report, color: bool, detail: Detail) -> String {
    let paint = Paint(color);
    let mut lines = vec![heading(report), String::new()];
    lines.extend(suite_table(report, paint));
    lines.push(String::new());
    lines.push(latency_line(report));
    if let Some(stopped) = &report.stopped {
        lines.push(String::new());
        lines.push(format!("{} {stopped}", paint.code("1", "stopped:")));
    }
    if detail != Detail::Summary {
        if !report.causes.is_empty() {
            lines.push(String::new());
            lines.push(paint.code("1", &causes_heading(report)));
        }
        for cause in &report.causes {
            lines.push(String::new());
            lines.extend(cause_block(cause, paint));
        }
        let warnings: Vec<&CaseReport> = report
            .cases
            .iter()
            .filter(|c| c.verdict == Verdict::Warn)
            .collect();
        if !warnings.is_empty() {
            lines.push(String::new());
            for case in warnings {
                lines.push(format!(
                    "{} {}: {}",
                    paint.verdict(Verdict::Warn, "WARN"),
                    case.id,
                    case.reason
                ));
            }
        }
    }
    if detail == Detail::Verbose {
        for case in report.failures() {
            lines.push(String::new());
            lines.extend(failure_block(case, paint));
        }
    }
    lines.push(String::new());
    lines.push(verdict_line(report, paint));
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn causes_heading(report: &Report) -> String {
    let n = report.causes.len();
    let fails = report.summary.fail;
    format!(
        "{n} cause{} of {fails} failing case{}:",
        if n == 1 { "" } else { "s" },
        if fails == 1 { "" } else { "s" }
    )
}

/// One cause: what the receiver does, what it breaks, how that was established, one example.
fn cause_block(cause: &Cause, paint: Paint) -> Vec<String> {
    let mut lines = vec![format!(
        "{} {}: {}",
        paint.verdict(Verdict::Fail, "CAUSE"),
        cause.id,
        cause.diagnosis
    )];
    let mut cases = format!("{} ({})", cause.count, cause.suites.join(", "));
    if cause.blocked > 0 {
        cases.push_str(&format!(
            "; {} more not judged on their own variable (their control failed by this)",
            cause.blocked
        ));
    }
    lines.push(format!("  cases:       {cases}"));
    if !cause.requirement.is_empty() {
        lines.push(format!("  requirement: {}", cause.requirement));
    }
    if let Some(answer) = &cause.answer {
        lines.push(format!("  answer:      {answer}"));
    }
    let flipped: Vec<String> = cause
        .evidence
        .iter()
        .filter(|e| e.flipped)
        .map(|e| format!("{} ({})", e.description, observed_text(&e.observed)))
        .collect();
    let others = cause.evidence.iter().filter(|e| !e.flipped).count();
    if !flipped.is_empty() || others > 0 {
        let mut text = flipped.join("; ");
        if others > 0 {
            if !text.is_empty() {
                text.push_str("; ");
            }
            text.push_str(&format!(
                "{others} other probe(s) did not change the answer"
            ));
        }
        lines.push(format!("  established: {text}"));
    }
    lines.push(format!("  example:     {}", cause.example_case));
    if let Some(payload) = &cause.minimal_payload {
        lines.push(format!("  minimal:     {}", one_line(payload, 400)));
    }
    if let Some(command) = &cause.reproduce {
        lines.push("  reproduce:".to_owned());
        lines.extend(command.lines().map(str::to_owned));
    }
    lines
}

/// `text` on one line, cut after `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}… ({} bytes in all)", text.len())
    } else {
        flat
    }
}

#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn verdict(self, verdict: Verdict, text: &str) -> String {
        let code = match verdict {
            Verdict::Pass => "32",
            Verdict::Warn => "33",
            Verdict::Fail => "1;31",
            Verdict::Skip => "2",
        };
        self.code(code, text)
    }

    fn code(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

fn heading(report: &Report) -> String {
    format!(
        "{} {}: vendor {}, target {}, seed {}, {}",
        report.tool,
        report.version,
        report.vendor,
        report.target,
        report.seed,
        duration_text(report.duration_ms)
    )
}

const VERDICT_COLUMNS: [Verdict; 4] = [Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Skip];
const COUNT_WIDTH: usize = 6;

fn suite_table(report: &Report, paint: Paint) -> Vec<String> {
    let suites = report.suites();
    let width = suites
        .iter()
        .map(|(name, _)| name.chars().count())
        .chain(["suite".len(), "total".len()])
        .max()
        .unwrap_or(0);
    let mut header = format!("{:<width$}", "suite");
    for verdict in VERDICT_COLUMNS {
        header.push_str(&format!(
            "{:>COUNT_WIDTH$}",
            verdict.as_str().to_lowercase()
        ));
    }
    let mut rows = vec![paint.code("1", &header)];
    for (name, counts) in &suites {
        rows.push(table_row(name, counts, width, paint));
    }
    rows.push(table_row("total", &report.summary, width, paint));
    rows
}

/// Pads before painting: escape codes have no width on screen but would count in `{:>w$}`.
fn table_row(name: &str, counts: &Summary, width: usize, paint: Paint) -> String {
    let mut row = format!("{name:<width$}");
    for verdict in VERDICT_COLUMNS {
        let n = count_of(counts, verdict);
        let cell = format!("{n:>COUNT_WIDTH$}");
        // Only the counts that need attention are coloured, so they stand out.
        let needs_attention = n > 0 && matches!(verdict, Verdict::Warn | Verdict::Fail);
        row.push_str(&if needs_attention {
            paint.verdict(verdict, &cell)
        } else {
            cell
        });
    }
    row
}

pub(super) fn count_of(counts: &Summary, verdict: Verdict) -> u32 {
    match verdict {
        Verdict::Pass => counts.pass,
        Verdict::Warn => counts.warn,
        Verdict::Fail => counts.fail,
        Verdict::Skip => counts.skip,
    }
}

fn latency_line(report: &Report) -> String {
    match &report.latency {
        Some(l) => format!(
            "latency over {} accepted deliveries: p50 {}  p95 {}  p99 {}  max {}",
            l.count,
            ms_text(l.p50_ms),
            ms_text(l.p95_ms),
            ms_text(l.p99_ms),
            ms_text(l.max_ms)
        ),
        None => "latency: no delivery was accepted".to_owned(),
    }
}

fn failure_block(case: &CaseReport, paint: Paint) -> Vec<String> {
    let mut title = format!("{} {}", paint.verdict(Verdict::Fail, "FAIL"), case.id);
    if case.flaky {
        title.push_str(&format!("  {}", paint.code("1;35", "FLAKY")));
    }
    let mut lines = vec![title, format!("  {}", case.description)];
    match (&case.cause, &case.blocked_by) {
        (_, Some(cause)) => lines.push(format!(
            "  blocked by:  {cause} (its control {} failed by it)",
            case.controls.join(", ")
        )),
        (Some(cause), None) => lines.push(format!("  cause:       {cause}")),
        (None, None) => {}
    }
    if !case.requirement.is_empty() {
        lines.push(format!("  requirement: \"{}\"", case.requirement));
    }
    lines.push(format!("  expected:    {}", case.expected));
    lines.push(format!("  observed:    {}", observed_text(&case.observed)));
    if let Some(answer) = &case.observed.answer {
        lines.push(format!("  answer:      {}", answer_line(answer)));
    }
    lines.push(format!("  reason:      {}", case.reason));
    if !case.attempts.is_empty() {
        lines.push(format!("  attempts:    {}", attempts_text(&case.attempts)));
    }
    if let Some(command) = &case.reproduce {
        lines.push("  reproduce:".to_owned());
        // Verbatim, not indented: the command is pasted into a shell, and a heredoc's closing
        // word must start its line.
        lines.extend(command.lines().map(str::to_owned));
    }
    lines
}

fn verdict_line(report: &Report, paint: Paint) -> String {
    let s = &report.summary;
    let total = s.pass + s.warn + s.fail + s.skip;
    if report.passed() {
        format!(
            "{}: {total} cases, 0 failed (seed {})",
            paint.verdict(Verdict::Pass, "PASS"),
            report.seed
        )
    } else {
        format!(
            "{}: {} of {total} cases failed (seed {})",
            paint.verdict(Verdict::Fail, "FAIL"),
            s.fail,
            report.seed
        )
    }
}

/// One answer in words: `500 in 48.5 ms`, `no answer: timeout after 10000.0 ms`.
pub(super) fn observed_text(observed: &Observed) -> String {
    let after = observed.latency_ms.map(ms_text);
    match (observed.status, &observed.error, after) {
        (Some(status), _, Some(after)) => format!("{status} in {after}"),
        (Some(status), _, None) => status.to_string(),
        (None, Some(error), Some(after)) => format!("no answer: {error} after {after}"),
        (None, Some(error), None) => format!("no answer: {error}"),
        (None, None, _) => "nothing sent".to_owned(),
    }
}

/// The outcomes of a case's requests in order, so a flaky case shows how the tries disagreed.
fn attempts_text(attempts: &[Attempt]) -> String {
    let outcomes: Vec<String> = attempts
        .iter()
        .map(|a| match (a.observed.status, &a.observed.error) {
            (Some(status), _) => format!("{} {status}", purpose_text(a.purpose)),
            (None, Some(error)) => format!("{} {error}", purpose_text(a.purpose)),
            (None, None) => format!("{} -", purpose_text(a.purpose)),
        })
        .collect();
    outcomes.join(", ")
}

pub(super) fn purpose_text(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Case => "case",
        Purpose::VendorRetry => "vendor retry",
        Purpose::Repeat => "repeat",
        Purpose::Shrink => "shrink",
        Purpose::Probe => "probe",
    }
}

/// A receiver's answer on one line: the status line and the start of its body.
pub(super) fn answer_line(answer: &super::Answer) -> String {
    let body = one_line(&answer.body, 160);
    if body.is_empty() {
        answer.status_line.clone()
    } else {
        format!("{}: {body}", answer.status_line)
    }
}

pub(super) fn ms_text(ms: f64) -> String {
    format!("{ms:.1} ms")
}

/// `850 ms`, `4.18 s`, `2 min 05 s`: precise for short runs, readable for long ones.
pub(super) fn duration_text(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.2} s", ms as f64 / 1000.0),
        _ => format!("{} min {:02} s", ms / 60_000, ms % 60_000 / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::sample_report;

    #[test]
    fn plain_text_has_no_escape_codes() {
        let text = render(&sample_report(), false, Detail::Verbose);
        assert!(!text.contains('\x1b'), "{text}");
    }

    #[test]
    fn color_paints_verdicts() {
        let text = render(&sample_report(), true, Detail::Verbose);
        assert!(text.contains("\x1b[1;31mFAIL\x1b[0m"), "{text}");
        assert!(text.contains("\x1b[0m"));
    }

    #[test]
    fn heading_names_vendor_target_and_seed() {
        let text = render(&sample_report(), false, Detail::Verbose);
        let first = text.lines().next().expect("a first line");
        for part in ["spotio", "http://127.0.0.1:8080/hooks/spotio", "seed 7"] {
            assert!(first.contains(part), "{first}");
        }
    }

    #[test]
    fn suite_table_is_aligned_and_ordered() {
        let text = render(&sample_report(), false, Detail::Verbose);
        let table: Vec<&str> = text.lines().skip(2).take(6).collect();
        assert_eq!(
            table,
            [
                "suite       pass  warn  fail  skip",
                "golden         1     0     0     0",
                "generated      0     0     1     0",
                "robustness     0     1     0     0",
                "auth           0     0     0     1",
                "total          1     1     1     1",
            ]
        );
    }

    #[test]
    fn colour_changes_nothing_but_escape_codes() {
        let report = sample_report();
        assert_eq!(
            strip_ansi(&render(&report, true, Detail::Verbose)),
            render(&report, false, Detail::Verbose)
        );
    }

    fn strip_ansi(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                chars.by_ref().find(|&c| c == 'm');
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn latency_line_lists_percentiles() {
        let text = render(&sample_report(), false, Detail::Verbose);
        assert!(
            text.contains("p50 11.2 ms  p95 12.0 ms  p99 12.0 ms  max 12.0 ms"),
            "{text}"
        );
    }

    #[test]
    fn failing_case_is_explained_with_its_replay_command() {
        let text = render(&sample_report(), false, Detail::Verbose);
        for part in [
            "FAIL generated/activity.updated/5  FLAKY",
            "activity.updated with optional fields absent",
            "requirement: \"Your webhook endpoint must respond with code 200",
            "expected:    the vendor's success status (200)",
            "observed:    500 in 48.5 ms",
            "reason:      answered 500 to a valid event",
            "attempts:    case 500, vendor retry 200, repeat 200, repeat 500",
            "  reproduce:\ncurl -sS -X POST 'http://127.0.0.1:8080/hooks/spotio' \\\n",
            "\nEOF\n",
        ] {
            assert!(text.contains(part), "missing {part:?} in\n{text}");
        }
        assert!(
            !text.contains("golden/activity.created"),
            "only failures are detailed"
        );
    }

    #[test]
    fn last_line_gives_the_verdict() {
        let text = render(&sample_report(), false, Detail::Verbose);
        assert_eq!(
            text.lines().last(),
            Some("FAIL: 1 of 4 cases failed (seed 7)")
        );
    }

    #[test]
    fn passing_run_says_pass() {
        let mut report = sample_report();
        report.cases.retain(|c| c.verdict != Verdict::Fail);
        report.summary.fail = 0;
        let text = render(&report, false, Detail::Verbose);
        assert_eq!(
            text.lines().last(),
            Some("PASS: 3 cases, 0 failed (seed 7)")
        );
        assert!(!text.contains("FLAKY"));
    }

    #[test]
    fn observations_read_as_words() {
        let timeout = Observed {
            status: None,
            latency_ms: Some(10_000.0),
            error: Some("timeout".into()),
            answer: None,
        };
        assert_eq!(
            observed_text(&timeout),
            "no answer: timeout after 10000.0 ms"
        );
        assert_eq!(duration_text(850), "850 ms");
        assert_eq!(duration_text(4180), "4.18 s");
        assert_eq!(duration_text(125_000), "2 min 05 s");
    }
}
