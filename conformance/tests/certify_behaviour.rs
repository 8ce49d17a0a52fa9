//! What a certification run promises beyond verdicts: the same seed sends the same bytes, the
//! vendor's retries are replayed and recorded, failing generated events are shrunk against the
//! endpoint, repeats that disagree are labelled FLAKY, and the JSON report matches its
//! published schema.

mod support;

use hookcert::{Certification, Verdict};
use hookcert::{Purpose, Report};
use support::independent_receiver::{Fault, start};
use support::{credentials, list};

/// Every request of a run as (case id, purpose, headers, body hash), in the order sent per case.
fn wire(report: &Report) -> Vec<String> {
    report
        .cases
        .iter()
        .flat_map(|c| {
            let mut attempts: Vec<String> = c
                .attempts
                .iter()
                .map(|a| {
                    format!(
                        "{} {:?} {:?} {}",
                        c.id, a.purpose, a.request.headers, a.request.body_sha256
                    )
                })
                .collect();
            // Concurrent requests finish in any order; what was sent is the same set.
            attempts.sort();
            attempts
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_sends_byte_identical_requests() {
    for vendor in ["spotio", "zoho-salesiq", "breakcold"] {
        let (auth, receiver_auth) = credentials(vendor);
        let receiver = start(vendor, receiver_auth, None).await;
        let run = |seed| {
            Certification::new(vendor)
                .expect("a vendor")
                .url(receiver.url.clone())
                .credentials(auth.clone())
                .seed(seed)
                .cases(4)
                .run()
        };
        let first = run(11).await.expect("a run");
        let second = run(11).await.expect("a run");
        let other = run(12).await.expect("a run");
        assert!(
            wire(&first).len() > 50,
            "{vendor}: too few requests recorded"
        );
        assert_eq!(wire(&first), wire(&second), "{vendor}: seed 11 twice");
        assert_ne!(wire(&first), wire(&other), "{vendor}: seeds 11 and 12");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_not_accepted_get_the_vendors_retries() {
    // SalesIQ: 3 retries, `attempt` counting 2, 3, 4, each re-signed; SPOTIO: 3, same bytes.
    for (vendor, event) in [
        ("zoho-salesiq", "operator.created"),
        ("spotio", "lead.added"),
    ] {
        let (auth, receiver_auth) = credentials(vendor);
        let receiver = start(
            vendor,
            receiver_auth,
            Some(Fault::RejectEventType(event.into())),
        )
        .await;
        let report = Certification::new(vendor)
            .expect("a vendor")
            .url(receiver.url.clone())
            .credentials(auth)
            // All of the vendor's golden deliveries: the others are accepted, so the run
            // goes on past its first phase and spends retries on the failing ones.
            .suites(&["golden"])
            .time_scale(0.001)
            .run()
            .await
            .expect("a run");
        // Retries are spent on the representatives of each cause, not on every case.
        let case = report
            .failures()
            .find(|c| c.attempts.iter().any(|a| a.purpose == Purpose::VendorRetry))
            .unwrap_or_else(|| {
                panic!(
                    "{vendor}: no failure with retries\n{}",
                    list(&report, None, &[])
                )
            });
        assert!(
            case.event.as_deref().is_none_or(|e| e == event),
            "{}",
            case.id
        );
        assert!(
            report
                .causes
                .iter()
                .any(|c| c.representatives.contains(&case.id))
        );
        let retries: Vec<_> = case
            .attempts
            .iter()
            .filter(|a| a.purpose == Purpose::VendorRetry)
            .collect();
        assert_eq!(retries.len(), 3, "{vendor}: {:#?}", case.attempts);
        let first = &case.attempts[0].request;
        if vendor == "zoho-salesiq" {
            for (n, retry) in retries.iter().enumerate() {
                assert!(
                    retry
                        .request
                        .body_preview
                        .contains(&format!("\"attempt\":{}", n + 2)),
                    "{}",
                    retry.request.body_preview
                );
                assert_ne!(retry.request.headers, first.headers, "re-signed");
            }
        } else {
            assert!(
                retries
                    .iter()
                    .all(|r| r.request.body_sha256 == first.body_sha256)
            );
        }
        // Retries go out in order, after the first delivery.
        let times: Vec<u64> = case.attempts.iter().map(|a| a.sent_at_ms).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_generated_events_are_shrunk_against_the_endpoint() {
    let (auth, receiver_auth) = credentials("spotio");
    let receiver = start("spotio", receiver_auth, Some(Fault::RejectNonAscii)).await;
    let report = Certification::new("spotio")
        .expect("a vendor")
        .url(receiver.url.clone())
        .credentials(auth)
        .suites(&["generated"])
        .seed(3)
        .cases(8)
        .time_scale(0.0)
        .run()
        .await
        .expect("a run");
    let shrunk: Vec<_> = report
        .failures()
        .filter(|c| c.attempts.iter().any(|a| a.purpose == Purpose::Shrink))
        .collect();
    assert!(
        !shrunk.is_empty(),
        "{}",
        list(&report, Some("generated"), &[])
    );
    for case in shrunk {
        let minimal = case.minimal_payload.as_deref().expect("a minimal payload");
        assert!(
            minimal.len() < case.attempts[0].request.body_bytes,
            "{}: {minimal}",
            case.id
        );
        assert!(
            !minimal.is_ascii(),
            "the minimal payload still fails: {minimal}"
        );
        assert!(
            case.reproduce
                .as_deref()
                .is_some_and(|r| r.contains("curl"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeats_that_disagree_are_flaky() {
    let (auth, receiver_auth) = credentials("breakcold");
    let receiver = start("breakcold", receiver_auth, Some(Fault::FailEveryOther)).await;
    let report = Certification::new("breakcold")
        .expect("a vendor")
        .url(receiver.url.clone())
        .credentials(auth)
        .suites(&["golden"])
        .time_scale(0.0)
        .run()
        .await
        .expect("a run");
    let flaky: Vec<_> = report.failures().filter(|c| c.flaky).collect();
    assert!(
        !flaky.is_empty(),
        "{}",
        list(&report, None, &[Verdict::Fail])
    );
    assert!(flaky.iter().all(|c| c.verdict == Verdict::Fail));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_report_matches_its_published_schema() {
    let derived = serde_json::to_value(schemars::schema_for!(Report)).expect("a schema");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("report.schema.json");
    let text = serde_json::to_string_pretty(&derived).expect("json") + "\n";
    if std::env::var_os("HOOKCERT_BLESS").is_some() {
        std::fs::write(&path, &text).expect("write the schema");
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == text,
        "{} differs from the report types; run HOOKCERT_BLESS=1 cargo test -p hookcert --test certify_behaviour and review the diff",
        path.display()
    );
    // A report with failures, attempts and replay commands in it.
    let (auth, receiver_auth) = credentials("tomba");
    let receiver = start("tomba", receiver_auth, Some(Fault::SkipAuth)).await;
    let report = Certification::new("tomba")
        .expect("a vendor")
        .url(receiver.url.clone())
        .credentials(auth)
        .cases(2)
        .run()
        .await
        .expect("a run");
    assert!(report.summary.fail > 0);
    let instance = serde_json::to_value(&report).expect("json");
    let validator = jsonschema::validator_for(&derived).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The contract's top-level fields, by name.
    for key in [
        "tool",
        "version",
        "vendor",
        "target",
        "seed",
        "started_at",
        "duration_ms",
        "summary",
        "cases",
    ] {
        assert!(instance.get(key).is_some(), "missing {key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_ids_are_unique_in_every_vendor() {
    for vendor in ["spotio", "breakcold", "clinchpad", "zoho-salesiq", "tomba"] {
        let report = Certification::new(vendor)
            .expect("a vendor")
            .cases(2)
            .seed(1)
            .run()
            .await
            .expect("a run");
        let mut ids: Vec<&str> = report.cases.iter().map(|c| c.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{vendor}: duplicate case ids");
    }
}
