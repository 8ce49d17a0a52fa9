//! JUnit XML for CI systems: one testsuite per suite, one testcase per case. JUnit knows only
//! pass, failure and skipped, so a WARN is a passing testcase that says WARN in its system-out.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};
use thiserror::Error;

use super::terminal::{answer_line, observed_text, purpose_text};
use super::{Attempt, CaseReport, Report, Verdict};

#[derive(Debug, Error)]
pub enum JunitError {
    // The cause is the source, not repeated here: error chains (anyhow `{:#}`) print it once.
    #[error("could not write the JUnit XML")]
    Serialize(#[from] quick_junit::SerializeError),
}

/// Renders the report as a JUnit XML document.
pub fn render(report: &Report) -> Result<String, JunitError> {
    let mut junit = quick_junit::Report::new(format!("hookcert {}", report.vendor));
    junit.set_time(Duration::from_millis(report.duration_ms));
    for (suite, _) in report.suites() {
        junit.add_test_suite(test_suite(report, &suite));
    }
    Ok(junit.to_string()?)
}

fn test_suite(report: &Report, suite: &str) -> TestSuite {
    let mut out = TestSuite::new(suite);
    // The <testsuites> root has no properties in the JUnit format, so every suite carries the
    // run's: a CI page showing one suite still says what was certified.
    out.add_properties([
        Property::new("vendor", report.vendor.as_str()),
        Property::new("target", report.target.as_str()),
        Property::new("seed", report.seed.to_string()),
    ]);
    let cases: Vec<TestCase> = report
        .cases
        .iter()
        .filter(|c| c.suite == suite)
        .map(|c| test_case(&report.vendor, c))
        .collect();
    out.set_time(cases.iter().filter_map(|c| c.time).sum());
    out.add_test_cases(cases);
    out
}

fn test_case(vendor: &str, case: &CaseReport) -> TestCase {
    let mut out = TestCase::new(case.id.as_str(), status(case));
    out.set_classname(format!("hookcert.{vendor}.{}", case.suite));
    out.set_time(case_time(&case.attempts));
    if case.verdict == Verdict::Warn {
        out.set_system_out(format!("WARN: {}\n{}", case.reason, details(case)));
    }
    out
}

fn status(case: &CaseReport) -> TestCaseStatus {
    match case.verdict {
        Verdict::Pass | Verdict::Warn => TestCaseStatus::success(),
        Verdict::Skip => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(case.reason.as_str());
            status
        }
        Verdict::Fail => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            // CI pages list messages: the cause says which of the few things to fix this is.
            let message = match (&case.blocked_by, &case.cause) {
                (Some(cause), _) => format!("[blocked by {cause}] {}", case.reason),
                (None, Some(cause)) => format!("[{cause}] {}", case.reason),
                (None, None) => case.reason.clone(),
            };
            status.set_message(message);
            status.set_type(if case.flaky { "FLAKY" } else { "FAIL" });
            status.set_description(failure_text(case));
            status
        }
    }
}

/// Time spent waiting on the receiver: the sum of every request's latency.
fn case_time(attempts: &[Attempt]) -> Duration {
    attempts
        .iter()
        .filter_map(|a| a.observed.latency_ms)
        // A latency is measured, never negative or infinite; if one is, it adds nothing rather
        // than panicking in Duration::from_secs_f64.
        .filter_map(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok())
        .sum()
}

fn failure_text(case: &CaseReport) -> String {
    let mut text = String::new();
    if case.flaky {
        text.push_str("FLAKY: the three tries of this case disagreed\n");
    }
    text.push_str(&details(case));
    if let Some(payload) = &case.minimal_payload {
        text.push_str(&format!("minimal payload: {payload}\n"));
    }
    if let Some(command) = &case.reproduce {
        text.push_str(&format!("reproduce:\n{command}\n"));
    }
    text
}

fn details(case: &CaseReport) -> String {
    let mut text = format!("description: {}\n", case.description);
    if !case.requirement.is_empty() {
        text.push_str(&format!("requirement: \"{}\"\n", case.requirement));
    }
    text.push_str(&format!("expected: {}\n", case.expected));
    text.push_str(&format!("observed: {}\n", observed_text(&case.observed)));
    if let Some(answer) = &case.observed.answer {
        text.push_str(&format!("answer: {}\n", answer_line(answer)));
    }
    for (i, attempt) in case.attempts.iter().enumerate() {
        text.push_str(&format!(
            "attempt {} ({}): {} {} -> {}\n",
            i + 1,
            purpose_text(attempt.purpose),
            attempt.request.method,
            attempt.request.url,
            observed_text(&attempt.observed)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::sample_report;

    fn xml() -> String {
        render(&sample_report()).expect("the sample renders")
    }

    #[test]
    fn one_testsuite_per_suite_in_run_order() {
        let xml = xml();
        let positions: Vec<usize> = ["golden", "generated", "robustness", "auth"]
            .iter()
            .map(|s| {
                xml.find(&format!("<testsuite name=\"{s}\""))
                    .unwrap_or_else(|| panic!("no suite {s} in\n{xml}"))
            })
            .collect();
        assert!(positions.is_sorted(), "{xml}");
        assert!(
            xml.contains("tests=\"4\" skipped=\"1\" failures=\"1\" errors=\"0\""),
            "{xml}"
        );
    }

    #[test]
    fn cases_are_named_by_id_and_classed_by_vendor_and_suite() {
        let xml = xml();
        assert!(
            xml.contains(
                "name=\"generated/activity.updated/5\" classname=\"hookcert.spotio.generated\""
            ),
            "{xml}"
        );
    }

    #[test]
    fn failure_carries_reason_details_and_replay() {
        let xml = xml();
        assert!(
            xml.contains("<failure message=\"[non-ascii] answered 500 to a valid event"),
            "{xml}"
        );
        assert!(xml.contains("type=\"FLAKY\""), "{xml}");
        for part in [
            "FLAKY: the three tries",
            "expected: the vendor&apos;s success status (200)",
            "observed: 500 in 48.5 ms",
            "reproduce:\ncurl -sS -X POST",
        ] {
            assert!(xml.contains(part), "missing {part:?} in\n{xml}");
        }
    }

    #[test]
    fn skip_is_skipped_and_warn_passes_saying_warn() {
        let xml = xml();
        assert!(
            xml.contains("<skipped message=\"no secret configured"),
            "{xml}"
        );
        assert!(
            xml.contains("<system-out>WARN: accepted an empty body"),
            "{xml}"
        );
    }

    #[test]
    fn run_properties_and_case_time() {
        let xml = xml();
        for part in [
            "<property name=\"vendor\" value=\"spotio\"/>",
            "<property name=\"seed\" value=\"7\"/>",
            "<property name=\"target\" value=\"http://127.0.0.1:8080/hooks/spotio\"/>",
        ] {
            assert!(xml.contains(part), "missing {part:?} in\n{xml}");
        }
        // 48.5 + 9.8 + 11.2 + 48.5 ms of waiting, give or take float rounding.
        let time = case_time(&sample_report().cases[1].attempts);
        assert!((time.as_secs_f64() - 0.118).abs() < 1e-6, "{time:?}");
    }

    #[test]
    fn nonsense_latency_does_not_panic() {
        let mut attempts = sample_report().cases[0].attempts.clone();
        attempts[0].observed.latency_ms = Some(f64::NAN);
        assert_eq!(case_time(&attempts), Duration::ZERO);
    }
}
