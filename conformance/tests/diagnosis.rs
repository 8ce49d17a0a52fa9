//! A failing run reads as its causes (issue 13). Each test starts a receiver broken in a known
//! way, certifies it, and checks that the report names what was planted, and only that: a
//! receiver verifying its signature over re-serialized JSON (Node.js), a wrong URL path, two
//! independent defects in one receiver; and that every answer the receiver gave is recorded
//! while the secret it leaked in them is not.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use hookcert::{Certification, Report, Verdict};
use serde_json::Value;
use support::binary::{Run, hookcert};
use support::http::{TestSender, send};
use support::independent_receiver::{Fault, start_with};
use support::node_receiver::{NodeReceiver, js_stringify};
use support::{credentials, fixed_answer, token};

/// Causes that blame a case's own variable. With a receiver that refuses every plain delivery,
/// no case may be blamed on one: its control failed first.
const VARIABLE_CAUSES: [&str; 4] = ["header-name-case", "duplicates", "ordering", "concurrency"];

/// Suites whose cases vary one thing of a delivery in plain form, and must be accepted (with
/// the auth suite's `auth/header-case…` cases).
const VARIANT_SUITES: [&str; 3] = ["duplicates", "ordering", "concurrency"];

/// Long enough for any of these runs on a loaded two-core machine; the binary is killed after.
const DEADLINE: Duration = Duration::from_secs(180);

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("a UTF-8 temporary path").to_owned()
}

/// Runs the binary off the async runtime, so that a receiver on it keeps answering.
async fn hookcert_async(args: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || hookcert(&args, DEADLINE))
        .await
        .expect("the hookcert runner")
}

fn read_report(path: &Path, run: &Run) -> Report {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no JSON report at {}: {e}\n{}", path.display(), run.shown()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the JSON report does not parse: {e}"))
}

fn cause_ids(report: &Report) -> Vec<&str> {
    report.causes.iter().map(|c| c.id.as_str()).collect()
}

fn spotio_golden(event: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas/spotio/examples")
        .join(format!("{event}.doc.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn a_receiver_verifying_reserialized_json_gets_one_cause_that_says_so() {
    let secret = token();
    let receiver = NodeReceiver::start(&secret);

    // The receiver is known good but for its one mistake: the golden example as
    // JSON.stringify writes it is accepted, the same example as the vendor wrote it is not.
    let sender = TestSender::new(
        "spotio",
        &hookcert_events::auth::Credentials::Secret(secret.as_str().into()),
    );
    let golden = spotio_golden("lead.added");
    let compact = js_stringify(&golden);
    assert_ne!(
        compact, golden,
        "the golden example is in JSON.stringify layout already: the receiver's mistake would not show"
    );
    let accepted = send(&receiver.url, "POST", &sender.headers(&compact), &compact);
    assert_eq!(
        accepted.status,
        200,
        "the node receiver refuses a correctly signed body in its own layout: {}",
        String::from_utf8_lossy(&accepted.body)
    );
    let refused = send(&receiver.url, "POST", &sender.headers(&golden), &golden);
    assert_eq!(
        (
            refused.status,
            String::from_utf8_lossy(&refused.body).as_ref()
        ),
        (401, r#"{"detail":"Invalid signature"}"#),
        "the node receiver does not have the mistake it was written with"
    );

    let dir = tempfile::tempdir().expect("a temporary directory");
    let json = dir.path().join("report.json");
    let args = [
        strings(&[
            "certify",
            "--vendor",
            "spotio",
            "--url",
            &receiver.url,
            "--secret",
            &secret,
            "--seed",
            "7",
            "--report-json",
        ]),
        vec![path_arg(&json)],
    ]
    .concat();
    let run = hookcert(&args, DEADLINE);
    eprintln!("re-serialized JSON: certify took {:?}", run.elapsed);
    let report = read_report(&json, &run);
    let text = run.shown();

    assert_eq!(run.code, Some(1), "{text}");
    assert_eq!(cause_ids(&report), ["reserialized-json"], "{text}");
    let cause = &report.causes[0];
    assert!(
        cause.diagnosis.contains("re-serialized"),
        "the diagnosis does not name re-serialization: {}",
        cause.diagnosis
    );
    assert!(
        run.stdout.contains("re-serialized"),
        "stdout does not name re-serialization\n{text}"
    );
    for case in &report.cases {
        assert!(
            !case
                .cause
                .as_deref()
                .is_some_and(|c| VARIABLE_CAUSES.contains(&c)),
            "{} is blamed on its variable ({:?}) though its plain delivery is refused\n{text}",
            case.id,
            case.cause
        );
        let variant = VARIANT_SUITES.contains(&case.suite.as_str())
            || case.id.starts_with("auth/header-case");
        let accounted = case.verdict == Verdict::Skip
            || case.blocked_by.as_deref() == Some("reserialized-json")
            || case.cause.as_deref() == Some("reserialized-json");
        assert!(
            !variant || accounted,
            "{} ({}, cause {:?}, blocked by {:?}) is neither unsent, blocked by nor part of reserialized-json\n{text}",
            case.id,
            case.verdict.as_str(),
            case.cause,
            case.blocked_by
        );
    }
    let lines = run.stdout.lines().count();
    assert!(lines < 150, "{lines} lines of stdout\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_url_path_stops_the_run_at_the_golden_deliveries_with_a_hint() {
    let receiver = fixed_answer::start(404, "Not Found").await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let json = dir.path().join("report.json");
    // The default --time-scale 1: the vendor's retry schedule would take seconds per delivery
    // if it were spent on these.
    let args = [
        strings(&[
            "certify",
            "--vendor",
            "spotio",
            "--url",
            &receiver.url,
            "--secret",
            &token(),
            "--seed",
            "7",
            "--report-json",
        ]),
        vec![path_arg(&json)],
    ]
    .concat();
    let run = hookcert_async(args).await;
    eprintln!("404 everywhere: certify took {:?}", run.elapsed);
    let text = run.shown();

    assert_eq!(run.code, Some(1), "{text}");
    assert!(run.stdout.contains("is the URL path right?"), "{text}");
    assert!(
        run.elapsed < Duration::from_secs(10),
        "a run that can only fail took {:?}\n{text}",
        run.elapsed
    );
    let report = read_report(&json, &run);
    assert!(
        report.stopped.is_some(),
        "the report says nothing stopped\n{text}"
    );
    let sent_beyond_golden: Vec<&str> = report
        .cases
        .iter()
        .filter(|c| c.suite != "golden" && !c.attempts.is_empty())
        .map(|c| c.id.as_str())
        .collect();
    assert!(
        sent_beyond_golden.is_empty(),
        "sent after every golden delivery got 404: {sent_beyond_golden:?}"
    );
    let goldens = report.cases.iter().filter(|c| c.suite == "golden").count();
    assert!(
        receiver.requests() <= goldens + 2,
        "the receiver saw {} requests for {goldens} golden deliveries",
        receiver.requests()
    );
}

/// Whether a string value of the JSON text, escapes decoded, holds a non-ASCII character (or
/// the text does not parse and has one raw).
fn has_non_ascii(text: &str) -> bool {
    fn walk(v: &Value) -> bool {
        match v {
            Value::String(s) => !s.is_ascii(),
            Value::Array(a) => a.iter().any(walk),
            Value::Object(o) => o.iter().any(|(k, v)| !k.is_ascii() || walk(v)),
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }
    serde_json::from_str::<Value>(text).map_or(!text.is_ascii(), |v| walk(&v))
}

/// Its golden examples are ASCII and its generated cases are not. Not SPOTIO: every SPOTIO golden
/// example has non-ASCII names, so a receiver failing on non-ASCII refuses all of them, and the
/// run stops after the golden deliveries by design, before any repeat is sent.
const TWO_DEFECTS_VENDOR: &str = "clinchpad";

/// Breakcold: the secret travels in every request body, so redaction is tested on what is sent
/// as well as on what is answered. Its golden examples are ASCII.
const LEAKING_VENDOR: &str = "breakcold";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_independent_defects_get_two_causes_each_with_its_own_example() {
    let (auth, receiver_auth) = credentials(TWO_DEFECTS_VENDOR);
    let receiver = start_with(
        TWO_DEFECTS_VENDOR,
        receiver_auth,
        vec![Fault::CrashOnNonAscii, Fault::ConflictOnDuplicate],
    )
    .await;
    let report = Certification::new(TWO_DEFECTS_VENDOR)
        .expect("a catalog vendor")
        .url(receiver.url.clone())
        .credentials(auth)
        .seed(7)
        .time_scale(0.001)
        .run()
        .await
        .expect("the certification runs");
    let text = report.render_terminal(false);

    let ids: BTreeSet<&str> = cause_ids(&report).into_iter().collect();
    let non_ascii = report
        .causes
        .iter()
        .find(|c| c.id == "non-ascii" || c.id == "raw-utf8");
    let duplicates = report.causes.iter().find(|c| c.id == "duplicates");
    let (Some(non_ascii), Some(duplicates)) = (non_ascii, duplicates) else {
        panic!("causes {ids:?}, not one for non-ASCII and one for duplicates\n{text}");
    };
    assert_eq!(
        ids.len(),
        2,
        "causes {ids:?}: more than the two planted\n{text}"
    );

    for cause in [non_ascii, duplicates] {
        assert!(
            report.case(&cause.example_case).is_some(),
            "{}: example case {:?} is not in the report\n{text}",
            cause.id,
            cause.example_case
        );
        assert!(
            cause.minimal_payload.is_some() || cause.reproduce.is_some(),
            "{}: neither a minimal payload nor a reproduce command\n{text}",
            cause.id
        );
        assert!(cause.count > 0, "{}: no cases\n{text}", cause.id);
    }
    assert_ne!(
        non_ascii.example_case, duplicates.example_case,
        "both causes show the same example\n{text}"
    );
    let evidence = |c: &hookcert::Cause| (c.minimal_payload.clone(), c.reproduce.clone());
    assert_ne!(
        evidence(non_ascii),
        evidence(duplicates),
        "both causes show the same evidence\n{text}"
    );
    let minimal = non_ascii.minimal_payload.as_deref().unwrap_or_else(|| {
        panic!("{}: no minimal payload\n{text}", non_ascii.id);
    });
    assert!(
        has_non_ascii(minimal),
        "{}'s minimal payload has no non-ASCII character: {minimal}\n{text}",
        non_ascii.id
    );
    assert!(
        report
            .case(&duplicates.example_case)
            .is_some_and(|c| c.suite == "duplicates" || c.cause.as_deref() == Some("duplicates")),
        "the duplicates cause's example {:?} is not a repeat\n{text}",
        duplicates.example_case
    );
    // Every failing case is accounted for by one of the two.
    let stray: Vec<String> = report
        .failures()
        .filter(|c| {
            let of =
                |id: &str| c.cause.as_deref() == Some(id) || c.blocked_by.as_deref() == Some(id);
            !of(&non_ascii.id) && !of("duplicates")
        })
        .map(|c| {
            format!(
                "{} (cause {:?}, blocked by {:?})",
                c.id, c.cause, c.blocked_by
            )
        })
        .collect();
    assert!(
        stray.is_empty(),
        "failing cases of neither cause: {stray:?}\n{text}"
    );
}

/// Every attempt of every case in the JSON report, with its case's id.
fn attempts_of(report: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for case in report["cases"].as_array().into_iter().flatten() {
        let id = case["id"].as_str().unwrap_or("?").to_owned();
        for attempt in case["attempts"].as_array().into_iter().flatten() {
            out.push((id.clone(), attempt));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_recorded_and_the_secret_a_receiver_leaks_in_them_is_not() {
    let secret = token();
    let receiver = start_with(
        LEAKING_VENDOR,
        support::independent_receiver::ReceiverAuth::Secret(secret.clone()),
        vec![
            Fault::CrashOnNonAscii,
            Fault::ConflictOnDuplicate,
            Fault::EchoSecretIn401,
        ],
    )
    .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (json, junit, html) = (
        dir.path().join("report.json"),
        dir.path().join("junit.xml"),
        dir.path().join("report.html"),
    );
    let args = [
        strings(&[
            "certify",
            "--vendor",
            LEAKING_VENDOR,
            "--url",
            &receiver.url,
            "--secret",
            &secret,
            "--seed",
            "7",
            "--time-scale",
            "0.001",
            "--verbose",
        ]),
        vec!["--report-json".into(), path_arg(&json)],
        vec!["--junit".into(), path_arg(&junit)],
        vec!["--html".into(), path_arg(&html)],
    ]
    .concat();
    let run = hookcert_async(args).await;
    eprintln!("answers and secrets: certify took {:?}", run.elapsed);
    let text = run.shown();
    assert_eq!(run.code, Some(1), "{text}");

    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("read {}: {e}\n{text}", path.display()))
    };
    let (json_text, junit_text, html_text) = (read(&json), read(&junit), read(&html));
    let report: Value = serde_json::from_str(&json_text).expect("the JSON report parses");

    let attempts = attempts_of(&report);
    assert!(
        attempts.len() > 100,
        "only {} attempts recorded",
        attempts.len()
    );
    for (case, attempt) in &attempts {
        let observed = &attempt["observed"];
        assert!(
            observed["status"].is_u64() || observed["error"].is_string(),
            "{case}: an attempt with neither a status nor an error: {observed}"
        );
        if observed["status"].is_u64() {
            let line = observed["answer"]["status_line"].as_str().unwrap_or("");
            assert!(
                !line.is_empty(),
                "{case}: status {} without the answer's status line: {observed}",
                observed["status"]
            );
        }
    }
    // The leak reached the report, redacted: the check below is not passing for want of it.
    let leaked = attempts.iter().any(|(_, a)| {
        a["observed"]["answer"]["body"]
            .as_str()
            .is_some_and(|b| b.contains("bad secret, expected [redacted]"))
    });
    assert!(
        leaked,
        "no recorded 401 answer carries the receiver's (redacted) echo of the secret"
    );

    for (name, output) in [
        ("stdout", run.stdout.as_str()),
        ("stderr", run.stderr.as_str()),
        ("the JSON report", json_text.as_str()),
        ("the JUnit report", junit_text.as_str()),
        ("the HTML report", html_text.as_str()),
    ] {
        if let Some(at) = output.find(&secret) {
            let from = output[..at]
                .char_indices()
                .rev()
                .nth(80)
                .map_or(0, |(i, _)| i);
            panic!(
                "the secret appears in {name}: …{}<SECRET>…",
                &output[from..at]
            );
        }
    }
}
