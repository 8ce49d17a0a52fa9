//! Receivers that are wrong in one known way, each of which the certification must catch in
//! the suite meant for it: every suite, and every vendor's authentication scheme, has one. A
//! suite that passed everything would otherwise look exactly like a suite that checks nothing.

mod support;

use std::time::Duration;

use hookcert::{Certification, Verdict};
use support::independent_receiver::{Fault, start};
use support::{credentials, list};

struct Row {
    vendor: &'static str,
    fault: Fault,
    /// The suite that must FAIL.
    suite: &'static str,
    /// Suites run beside it because it judges their deliveries (latency sends nothing itself).
    with: &'static [&'static str],
}

fn row(vendor: &'static str, fault: Fault, suite: &'static str) -> Row {
    Row {
        vendor,
        fault,
        suite,
        with: &[],
    }
}

fn table() -> Vec<Row> {
    vec![
        row(
            "spotio",
            Fault::RejectEventType("lead.added".into()),
            "golden",
        ),
        row(
            "breakcold",
            Fault::RejectEventType("lead.create".into()),
            "golden",
        ),
        row(
            "tomba",
            Fault::RejectEventType("save_lead".into()),
            "golden",
        ),
        row("spotio", Fault::RejectNonAscii, "generated"),
        row("clinchpad", Fault::RejectNonAscii, "generated"),
        row("spotio", Fault::SkipAuth, "auth"),
        row("spotio", Fault::SpotioMissingSignatureAccepted, "auth"),
        row("zoho-salesiq", Fault::SkipAuth, "auth"),
        row("zoho-salesiq", Fault::SalesiqAcceptsAnyBase64, "auth"),
        row("breakcold", Fault::SkipAuth, "auth"),
        row("breakcold", Fault::BreakcoldPrefixSecret, "auth"),
        row("clinchpad", Fault::ClinchpadIgnoresKey, "auth"),
        row("tomba", Fault::SkipAuth, "auth"),
        row("tomba", Fault::TombaPresenceOnly, "auth"),
        row("zoho-salesiq", Fault::Crash500OnMalformed, "robustness"),
        row("breakcold", Fault::Crash500OnMalformed, "robustness"),
        row("clinchpad", Fault::RejectUnknownEvent, "unknown-event"),
        row("zoho-salesiq", Fault::RejectUnknownEvent, "unknown-event"),
        row("spotio", Fault::ConflictOnDuplicate, "duplicates"),
        row("zoho-salesiq", Fault::ConflictOnDuplicate, "duplicates"),
        row("spotio", Fault::RequireCreatedFirst, "ordering"),
        row("breakcold", Fault::RequireCreatedFirst, "ordering"),
        row("tomba", Fault::SerialOnly, "concurrency"),
        row("breakcold", Fault::SerialOnly, "concurrency"),
        // Tomba has two golden examples: few deliveries to wait out.
        Row {
            vendor: "tomba",
            fault: Fault::Slow(Duration::from_millis(500)),
            suite: "latency",
            with: &["golden"],
        },
    ]
}

/// Why the certification let `row`'s broken receiver through, or None when it caught it.
async fn missed(row: &Row) -> Option<String> {
    let (auth, receiver_auth) = credentials(row.vendor);
    let receiver = start(row.vendor, receiver_auth, Some(row.fault.clone())).await;
    let mut certification = Certification::new(row.vendor)
        .expect("a catalog vendor")
        .url(receiver.url.clone())
        .credentials(auth)
        .seed(7)
        .cases(4)
        // The vendors' retry schedules would otherwise wait minutes on a refused delivery.
        .time_scale(0.001)
        .suites(&[&[row.suite], row.with].concat());
    if row.suite == "latency" {
        // Well under the 500 ms the slow receiver takes, so every delivery times out.
        certification = certification.timeout_ms(300);
    }
    let report = match certification.run().await {
        Ok(report) => report,
        Err(e) => return Some(format!("the certification did not run: {e}")),
    };
    let caught = report
        .cases
        .iter()
        .any(|c| c.suite == row.suite && c.verdict == Verdict::Fail);
    (!caught).then(|| {
        format!(
            "no FAIL in suite {} (receiver saw {} request(s)); verdicts:\n  {}",
            row.suite,
            receiver.requests(),
            list(
                &report,
                Some(row.suite),
                &[Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Skip]
            )
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_broken_receiver_fails_its_suite() {
    let rows = table();
    for suite in [
        "golden",
        "generated",
        "auth",
        "robustness",
        "unknown-event",
        "duplicates",
        "ordering",
        "concurrency",
        "latency",
    ] {
        assert!(
            rows.iter().any(|r| r.suite == suite),
            "the table has no row for suite {suite}"
        );
    }

    // Every row runs, so one red run lists every miss rather than the first.
    let mut misses = Vec::new();
    for row in &rows {
        if let Some(why) = missed(row).await {
            misses.push(format!(
                "{} {:?} -> {}: {why}",
                row.vendor, row.fault, row.suite
            ));
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {} broken receivers were not caught:\n{}",
        misses.len(),
        rows.len(),
        misses.join("\n")
    );
}
