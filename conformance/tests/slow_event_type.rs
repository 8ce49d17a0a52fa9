//! A receiver too slow on one event type only (issue 13): the run ends with a report, and the
//! cause it names is a timeout of that event type, not hundreds of failing cases. Slow by
//! nature: every delivery of that type waits out Zoho SalesIQ's 5 s timeout.

mod support;

use std::path::Path;
use std::time::Duration;

use hookcert::{Credentials, Report};
use support::binary::hookcert;
use support::credentials;
use support::independent_receiver::{Fault, start_with};

/// Has a golden example and generated cases in the SalesIQ catalog.
const SLOW_EVENT: &str = "visitor.updated";
/// Past SalesIQ's documented timeout: "Timeout per execution is 5 seconds".
const SLEEP: Duration = Duration::from_secs(6);
/// The acceptance bound on the whole run.
const BOUND: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_slow_event_type_is_one_timeout_cause_naming_it() {
    let (auth, receiver_auth) = credentials("zoho-salesiq");
    let Credentials::PrivateKeyPem(pem) = auth else {
        panic!("SalesIQ credentials are a private key");
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let key = dir.path().join("private.pem");
    std::fs::write(&key, pem).expect("write the private key");
    let json = dir.path().join("report.json");
    let receiver = start_with(
        "zoho-salesiq",
        receiver_auth,
        vec![Fault::SlowOn(SLOW_EVENT.into(), SLEEP)],
    )
    .await;
    let path = |p: &Path| p.to_str().expect("a UTF-8 path").to_owned();
    let args: Vec<String> = vec![
        "certify".into(),
        "--vendor".into(),
        "zoho-salesiq".into(),
        "--url".into(),
        receiver.url.clone(),
        "--private-key".into(),
        path(&key),
        "--seed".into(),
        "7".into(),
        "--time-scale".into(),
        "0.01".into(),
        "--report-json".into(),
        path(&json),
    ];
    // Killed well after the bound, so that a slow run is measured rather than cut short.
    let run = tokio::task::spawn_blocking(move || hookcert(&args, BOUND * 2))
        .await
        .expect("the hookcert runner");
    eprintln!("slow on {SLOW_EVENT}: certify took {:?}", run.elapsed);
    let text = run.shown();

    assert_eq!(run.code, Some(1), "{text}");
    let report: Report = serde_json::from_str(
        &std::fs::read_to_string(&json).unwrap_or_else(|e| panic!("no JSON report: {e}\n{text}")),
    )
    .expect("the JSON report parses");
    let ids: Vec<&str> = report.causes.iter().map(|c| c.id.as_str()).collect();
    assert!(
        report
            .causes
            .iter()
            .any(|c| c.id.starts_with("timeout/") && c.id.contains(SLOW_EVENT)),
        "no timeout cause naming {SLOW_EVENT}: {ids:?}\n{text}"
    );
    // One defect, one cause: no other event type blamed, no case blamed on its variable.
    assert_eq!(
        ids,
        [format!("timeout/{SLOW_EVENT}")],
        "causes other than the slow event type's\n{text}"
    );
    assert!(
        run.elapsed < BOUND,
        "the run took {:?}, over the {BOUND:?} bound\n{text}",
        run.elapsed
    );
}
