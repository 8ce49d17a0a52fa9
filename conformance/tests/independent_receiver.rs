//! The certification against a receiver written from the contract alone (not from the
//! generated crate): a correct receiver must come out with no FAIL, for every vendor and
//! every way of configuring its authentication.

mod support;

use hookcert::{Certification, Credentials, Report, Verdict};
use support::independent_receiver::{ReceiverAuth, start};
use support::{credentials, list};

async fn certify(vendor: &str, auth: Credentials, receiver_auth: ReceiverAuth) -> Report {
    let receiver = start(vendor, receiver_auth, None).await;
    let report = Certification::new(vendor)
        .expect("a catalog vendor")
        .url(receiver.url.clone())
        .credentials(auth)
        .seed(7)
        .time_scale(0.001)
        .run()
        .await
        .expect("the certification runs");
    assert!(
        receiver.requests() > 0,
        "{vendor}: the receiver saw no request"
    );
    report
}

fn assert_no_fail(vendor: &str, report: &Report) {
    assert!(
        report.summary.fail == 0,
        "{vendor}: a correct receiver failed {} case(s):\n  {}",
        report.summary.fail,
        list(report, None, &[Verdict::Fail])
    );
    // A run that sent nothing would pass vacuously.
    for suite in ["golden", "generated", "robustness", "concurrency"] {
        assert!(
            report
                .cases
                .iter()
                .any(|c| c.suite == suite && c.verdict == Verdict::Pass),
            "{vendor}: no passing case in suite {suite}; cases:\n  {}",
            list(report, None, &[Verdict::Pass, Verdict::Warn, Verdict::Skip])
        );
    }
}

fn assert_auth_checked(vendor: &str, report: &Report) {
    let auth: Vec<_> = report.cases.iter().filter(|c| c.suite == "auth").collect();
    assert!(
        auth.iter().any(|c| c.verdict == Verdict::Pass)
            && auth
                .iter()
                .all(|c| matches!(c.verdict, Verdict::Pass | Verdict::Skip)),
        "{vendor}: with credentials configured the auth cases must PASS:\n  {}",
        list(
            report,
            Some("auth"),
            &[Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Skip]
        )
    );
}

fn assert_auth_skipped(vendor: &str, report: &Report) {
    let auth: Vec<_> = report.cases.iter().filter(|c| c.suite == "auth").collect();
    assert!(
        !auth.is_empty() && auth.iter().all(|c| c.verdict == Verdict::Skip),
        "{vendor}: with nothing configured to check, the auth cases must be SKIP:\n  {}",
        list(
            report,
            Some("auth"),
            &[Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Skip]
        )
    );
}

async fn certify_configured(vendor: &str) {
    let (auth, receiver_auth) = credentials(vendor);
    let report = certify(vendor, auth, receiver_auth).await;
    assert_no_fail(vendor, &report);
    assert_auth_checked(vendor, &report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spotio_independent_receiver_passes() {
    certify_configured("spotio").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breakcold_independent_receiver_passes() {
    certify_configured("breakcold").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clinchpad_independent_receiver_passes() {
    certify_configured("clinchpad").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoho_salesiq_independent_receiver_passes() {
    certify_configured("zoho-salesiq").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tomba_independent_receiver_passes() {
    certify_configured("tomba").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clinchpad_without_key_passes_and_skips_auth() {
    let report = certify("clinchpad", Credentials::None, ReceiverAuth::None).await;
    assert_no_fail("clinchpad without a key", &report);
    assert_auth_skipped("clinchpad without a key", &report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tomba_without_headers_passes_and_skips_auth() {
    let report = certify("tomba", Credentials::None, ReceiverAuth::None).await;
    assert_no_fail("tomba without headers", &report);
    assert_auth_skipped("tomba without headers", &report);
}
