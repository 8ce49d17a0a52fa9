//! A small hand-built report for the renderers' tests: one PASS, one WARN, one SKIP and one
//! flaky FAIL with every attempt recorded. Public (hidden) so that the integration tests,
//! which cannot see `cfg(test)` items, render the same report as the unit tests.

use super::{
    Answer, Attempt, CaseReport, Cause, Evidence, LatencyStats, Observed, Purpose, Report,
    RequestRecord, Summary, Verdict,
};

const TARGET: &str = "http://127.0.0.1:8080/hooks/spotio";
const REQUIREMENT: &str = "Your webhook endpoint must respond with code 200, otherwise Spotio \
                           will retry the request up to 3 times with increasing intervals.";

pub fn sample_report() -> Report {
    Report {
        tool: "hookcert".into(),
        version: "0.1.0".into(),
        vendor: "spotio".into(),
        target: TARGET.into(),
        seed: 7,
        started_at: "2025-06-01T12:00:00Z".into(),
        duration_ms: 4180,
        summary: Summary {
            pass: 1,
            warn: 1,
            fail: 1,
            skip: 1,
        },
        latency: Some(LatencyStats {
            count: 4,
            p50_ms: 11.2,
            p95_ms: 12.0,
            p99_ms: 12.0,
            max_ms: 12.0,
        }),
        stopped: None,
        causes: vec![non_ascii_cause()],
        cases: vec![
            golden_pass(),
            generated_flaky_fail(),
            robustness_warn(),
            auth_skip(),
        ],
    }
}

fn golden_pass() -> CaseReport {
    let body = r#"{"eventType":"activity.created","payload":[{"id":"a-1"}]}"#;
    CaseReport {
        id: "golden/activity.created".into(),
        suite: "golden".into(),
        event: Some("activity.created".into()),
        description: "the document's example of activity.created, signed".into(),
        requirement: REQUIREMENT.into(),
        verdict: Verdict::Pass,
        flaky: false,
        expected: "the vendor's success status (200)".into(),
        observed: answered(200, 12.0),
        reason: "accepted within the timeout".into(),
        attempts: vec![attempt(Purpose::Case, 100, body, answered(200, 12.0))],
        minimal_payload: None,
        reproduce: None,
        controls: Vec::new(),
        cause: None,
        blocked_by: None,
    }
}

fn generated_flaky_fail() -> CaseReport {
    let body = r#"{"eventType":"activity.updated","payload":[{"id":"a-2","note":"Grüße 🚀","dueDate":null}]}"#;
    let failed = answered(500, 48.5);
    CaseReport {
        id: "generated/activity.updated/5".into(),
        suite: "generated".into(),
        event: Some("activity.updated".into()),
        description: "activity.updated with optional fields absent and non-ASCII strings".into(),
        requirement: REQUIREMENT.into(),
        verdict: Verdict::Fail,
        flaky: true,
        expected: "the vendor's success status (200)".into(),
        observed: failed.clone(),
        reason: "answered 500 to a valid event; the three tries disagreed (500, 200, 500)".into(),
        attempts: vec![
            attempt(Purpose::Case, 1200, body, failed.clone()),
            attempt(Purpose::VendorRetry, 1260, body, answered(200, 9.8)),
            attempt(Purpose::Repeat, 1300, body, answered(200, 11.2)),
            attempt(Purpose::Repeat, 1350, body, failed),
        ],
        minimal_payload: Some(
            r#"{"eventType":"activity.updated","payload":[{"note":"ü"}]}"#.into(),
        ),
        reproduce: Some(format!(
            "curl -sS -X POST '{TARGET}' \\\n  -H 'Content-Type: application/json' \\\n  \
             -H 'X-Signature: {SIGNATURE}' \\\n  --data-binary @- <<'EOF'\n{body}\nEOF"
        )),
        controls: Vec::new(),
        cause: Some("non-ascii".into()),
        blocked_by: None,
    }
}

fn robustness_warn() -> CaseReport {
    CaseReport {
        id: "robustness/empty-body".into(),
        suite: "robustness".into(),
        event: None,
        description: "an empty body, signed".into(),
        requirement: "a receiver refuses input it cannot process".into(),
        verdict: Verdict::Warn,
        flaky: false,
        expected: "4xx".into(),
        observed: answered(200, 3.1),
        reason: "accepted an empty body it cannot process".into(),
        attempts: vec![attempt(Purpose::Case, 2400, "", answered(200, 3.1))],
        minimal_payload: None,
        reproduce: None,
        controls: Vec::new(),
        cause: None,
        blocked_by: None,
    }
}

fn auth_skip() -> CaseReport {
    CaseReport {
        id: "auth/not-configured".into(),
        suite: "auth".into(),
        event: None,
        description: "a delivery without the X-Signature header".into(),
        requirement: "requests are signed with HMAC-SHA256 in X-Signature".into(),
        verdict: Verdict::Skip,
        flaky: false,
        expected: "4xx (401/403 best)".into(),
        observed: Observed {
            status: None,
            latency_ms: None,
            error: None,
            answer: None,
        },
        reason: "no secret configured, so nothing checks the signature".into(),
        attempts: Vec::new(),
        minimal_payload: None,
        reproduce: None,
        controls: Vec::new(),
        cause: None,
        blocked_by: None,
    }
}

const SIGNATURE: &str = "9b1f0c3e5a7d2b4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d";

fn answered(status: u16, latency_ms: f64) -> Observed {
    let (reason, body) = match status {
        200 => ("OK", r#"{"ok":true}"#),
        _ => (
            "Internal Server Error",
            "Traceback (most recent call last):\n  UnicodeEncodeError",
        ),
    };
    Observed {
        status: Some(status),
        latency_ms: Some(latency_ms),
        error: None,
        answer: Some(Answer {
            status_line: format!("HTTP/1.1 {status} {reason}"),
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: body.into(),
            body_bytes: body.len(),
        }),
    }
}

fn non_ascii_cause() -> Cause {
    Cause {
        id: "non-ascii".into(),
        diagnosis: "strings with non-ASCII characters get 500".into(),
        requirement: REQUIREMENT.into(),
        count: 1,
        blocked: 0,
        suites: vec!["generated".into()],
        example_case: "generated/activity.updated/5".into(),
        representatives: vec!["generated/activity.updated/5".into()],
        evidence: vec![Evidence {
            check: "probe:non-ascii".into(),
            description: "the same body with non-ASCII characters replaced by '?'".into(),
            observed: answered(200, 9.1),
            flipped: true,
        }],
        answer: Some(
            "HTTP/1.1 500 Internal Server Error: Traceback (most recent call last):".into(),
        ),
        minimal_payload: Some(
            r#"{"eventType":"activity.updated","payload":[{"note":"ü"}]}"#.into(),
        ),
        reproduce: Some(format!("curl -sS -X POST '{TARGET}' --data-binary @-")),
    }
}

fn attempt(purpose: Purpose, sent_at_ms: u64, body: &str, observed: Observed) -> Attempt {
    Attempt {
        purpose,
        sent_at_ms,
        request: RequestRecord {
            method: "POST".into(),
            url: TARGET.into(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Signature".into(), SIGNATURE.into()),
            ],
            body_bytes: body.len(),
            // A fixed stand-in: the renderers show the hash, they never check it.
            body_sha256: "3f8a".repeat(16),
            body_preview: body.into(),
        },
        observed,
    }
}
