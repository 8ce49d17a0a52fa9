//! `hookcert listen` driven by senders written here: a correct one per retrying vendor, and
//! faulty ones (unsigned, wrong key, too many retries, intervals that do not increase, an
//! attempt counter that does not count, a schema violation, a different event on retry). Each
//! gets its verdict and exit status from the real binary. And `send` to `listen` for every
//! event of every vendor.

mod support;

use hookcert::Credentials;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::http::TestSender;

// Breakcold holds its secrets to `^wh_[A-Za-z0-9]+$`.
const SECRET: &str = "wh_listenTestSecret1";

fn golden(vendor: &str, event: &str) -> Vec<u8> {
    let catalog = hookcert_catalog::embedded().expect("catalog");
    let v = catalog.vendor(vendor).expect("vendor");
    let example = v
        .examples
        .iter()
        .find(|e| e.label == event)
        .expect("a golden example");
    catalog.example_bytes(example).to_vec()
}

struct Keys {
    private_pem: String,
    public_file: tempfile::NamedTempFile,
}

fn keys() -> Keys {
    let key = hookcert_events::auth::rsa_sha256::generate_keypair(2048).expect("a key");
    let (private_pem, public_pem) = hookcert_events::auth::rsa_sha256::to_pem(&key).expect("pem");
    let public_file = tempfile::NamedTempFile::new().expect("a temp file");
    std::fs::write(public_file.path(), public_pem).expect("write");
    Keys {
        private_pem,
        public_file,
    }
}

/// A running `hookcert listen` and its URL.
struct Listener {
    child: Child,
    url: String,
    output: BufReader<std::process::ChildStdout>,
}

fn listen(args: &[&str]) -> Listener {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookcert"))
        .arg("listen")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hookcert listen starts");
    let mut output = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    output.read_line(&mut first).expect("a first line");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .trim()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Listener { child, url, output }
}

impl Listener {
    /// Waits for the listener to stop; its exit code and the rest of its output.
    fn finish(mut self) -> (i32, String) {
        let status = self.child.wait().expect("listen ends");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.output, &mut rest).expect("output");
        (status.code().unwrap_or(-1), rest)
    }
}

/// A request a sender of the test sends: headers and body.
struct Request {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Sends `request` and returns the status.
fn post(url: &str, request: &Request) -> u16 {
    support::http::send(url, "POST", &request.headers, &request.body).status
}

fn sender(vendor: &str, credentials: &Credentials) -> TestSender {
    TestSender::new(vendor, credentials)
}

/// `body` made authentic by `sender`.
fn authentic(sender: &TestSender, body: &[u8]) -> Request {
    let (headers, body) = sender.authentic(body);
    Request { headers, body }
}

/// Exactly `body`, signed by `sender`.
fn signed(sender: &TestSender, body: Vec<u8>) -> Request {
    Request {
        headers: sender.headers(&body),
        body,
    }
}

fn salesiq_attempt(sender: &TestSender, body: &[u8], attempt: u32) -> Request {
    let body = hookcert_events::with_top_level(body, "attempt", Some(&attempt.to_string()))
        .expect("an object");
    signed(sender, body)
}

#[test]
fn a_correct_spotio_sender_retries_with_increasing_intervals() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let report_path = dir.path().join("listen.json");
    let l = listen(&[
        "--vendor",
        "spotio",
        "--secret",
        SECRET,
        "--fail-first",
        "2",
        "--max-deliveries",
        "1",
        "--duration-s",
        "20",
        "--report-json",
        report_path.to_str().expect("utf-8"),
    ]);
    let s = sender("spotio", &Credentials::Secret(SECRET.into()));
    let request = authentic(&s, &golden("spotio", "lead.added"));
    let mut statuses = vec![post(&l.url, &request)];
    for wait in [40, 120] {
        std::thread::sleep(Duration::from_millis(wait));
        statuses.push(post(&l.url, &request));
    }
    assert_eq!(statuses, [500, 500, 200]);
    let (code, out) = l.finish();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS: 1 deliveries (3 requests)"), "{out}");
    let report: hookcert::ListenReport =
        serde_json::from_slice(&std::fs::read(&report_path).expect("the report")).expect("JSON");
    let statuses: Vec<u16> = report.deliveries[0]
        .attempts
        .iter()
        .map(|a| a.status)
        .collect();
    assert_eq!(statuses, [500, 500, 200]);
    assert!(report.deliveries[0].conforming);
}

#[test]
fn a_correct_salesiq_sender_counts_its_attempts() {
    let k = keys();
    let public = k.public_file.path().to_str().expect("utf-8").to_owned();
    let l = listen(&[
        "--vendor",
        "zoho-salesiq",
        "--public-key",
        &public,
        "--fail-first",
        "3",
        "--max-deliveries",
        "1",
        "--duration-s",
        "20",
    ]);
    let s = sender(
        "zoho-salesiq",
        &Credentials::PrivateKeyPem(k.private_pem.clone()),
    );
    let body = golden("zoho-salesiq", "operator.created");
    let statuses: Vec<u16> = (1..=4)
        .map(|n| post(&l.url, &salesiq_attempt(&s, &body, n)))
        .collect();
    assert_eq!(statuses, [500, 500, 500, 200]);
    let (code, out) = l.finish();
    assert_eq!(code, 0, "{out}");
}

/// Runs a faulty sender against a listener and checks exit status 1 and the named fault.
fn faulty(args: &[&str], send: impl FnOnce(&str), expected: &str) {
    let l = listen(args);
    send(&l.url);
    let (code, out) = l.finish();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(expected), "expected {expected:?} in:\n{out}");
}

#[test]
fn an_unsigned_delivery_is_refused_and_reported() {
    faulty(
        &[
            "--vendor",
            "spotio",
            "--secret",
            SECRET,
            "--max-deliveries",
            "1",
            "--duration-s",
            "20",
        ],
        |url| {
            let request = Request {
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: golden("spotio", "lead.added"),
            };
            assert_eq!(post(url, &request), 401);
        },
        "authentication: header X-Signature is missing",
    );
}

#[test]
fn a_delivery_signed_with_the_wrong_key_is_refused_and_reported() {
    let k = keys();
    let public = k.public_file.path().to_str().expect("utf-8").to_owned();
    let other = keys();
    faulty(
        &[
            "--vendor",
            "zoho-salesiq",
            "--public-key",
            &public,
            "--max-deliveries",
            "1",
            "--duration-s",
            "20",
        ],
        |url| {
            let s = sender(
                "zoho-salesiq",
                &Credentials::PrivateKeyPem(other.private_pem.clone()),
            );
            let request = salesiq_attempt(&s, &golden("zoho-salesiq", "operator.created"), 1);
            assert_eq!(post(url, &request), 401);
        },
        "authentication: header x-siqsignature does not match",
    );
}

#[test]
fn too_many_retries_are_reported() {
    // Breakcold: "There is no retry policy": any retry is one too many.
    faulty(
        &[
            "--vendor",
            "breakcold",
            "--secret",
            SECRET,
            "--fail-first",
            "1",
            "--duration-s",
            "2",
        ],
        |url| {
            let s = sender("breakcold", &Credentials::Secret(SECRET.into()));
            let request = authentic(&s, &golden("breakcold", "lead.create"));
            assert_eq!(post(url, &request), 500);
            assert_eq!(post(url, &request), 200);
        },
        "retry 1 exceeds the documented 0 retries",
    );
}

#[test]
fn intervals_that_do_not_increase_are_reported() {
    faulty(
        &[
            "--vendor",
            "spotio",
            "--secret",
            SECRET,
            "--fail-first",
            "3",
            "--max-deliveries",
            "1",
            "--duration-s",
            "20",
        ],
        |url| {
            let s = sender("spotio", &Credentials::Secret(SECRET.into()));
            let request = authentic(&s, &golden("spotio", "lead.added"));
            post(url, &request);
            for wait in [150, 150, 30] {
                std::thread::sleep(Duration::from_millis(wait));
                post(url, &request);
            }
        },
        "intervals must increase",
    );
}

#[test]
fn an_attempt_counter_that_does_not_count_is_reported() {
    let k = keys();
    let public = k.public_file.path().to_str().expect("utf-8").to_owned();
    faulty(
        &[
            "--vendor",
            "zoho-salesiq",
            "--public-key",
            &public,
            "--fail-first",
            "1",
            "--max-deliveries",
            "1",
            "--duration-s",
            "20",
        ],
        |url| {
            let s = sender(
                "zoho-salesiq",
                &Credentials::PrivateKeyPem(k.private_pem.clone()),
            );
            let request = salesiq_attempt(&s, &golden("zoho-salesiq", "operator.created"), 1);
            assert_eq!(post(url, &request), 500);
            assert_eq!(post(url, &request), 200);
        },
        "attempt 1 follows attempt 1: it must count up by one",
    );
}

#[test]
fn a_schema_violation_is_refused_and_reported() {
    faulty(
        &[
            "--vendor",
            "spotio",
            "--secret",
            SECRET,
            "--max-deliveries",
            "1",
            "--duration-s",
            "20",
        ],
        |url| {
            let s = sender("spotio", &Credentials::Secret(SECRET.into()));
            let text = String::from_utf8(golden("spotio", "lead.added")).expect("utf-8");
            let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
            value["payload"][0]["date"] = "yesterday".into();
            let request = signed(&s, serde_json::to_vec(&value).expect("json"));
            assert_eq!(post(url, &request), 400);
        },
        "/payload/0/date: \"yesterday\" does not match",
    );
}

#[test]
fn a_different_event_on_retry_is_reported() {
    faulty(
        &[
            "--vendor",
            "spotio",
            "--secret",
            SECRET,
            "--fail-first",
            "1",
            "--max-deliveries",
            "1",
            "--duration-s",
            "20",
        ],
        |url| {
            let s = sender("spotio", &Credentials::Secret(SECRET.into()));
            let body = golden("spotio", "lead.added");
            assert_eq!(post(url, &authentic(&s, &body)), 500);
            // Same type, date and id: the retry of that delivery, but its data changed.
            let mut value: serde_json::Value = serde_json::from_slice(&body).expect("json");
            value["payload"][0]["data"]["x_changed"] = true.into();
            std::thread::sleep(Duration::from_millis(50));
            assert_eq!(
                post(url, &signed(&s, serde_json::to_vec(&value).expect("json"))),
                200
            );
        },
        "retry 1 does not carry the same event as the first attempt",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_to_listen_succeeds_for_every_event_of_every_vendor() {
    use hookcert::{ListenConfig, StopWhen};
    let catalog = hookcert_catalog::embedded().expect("catalog");
    let k = keys();
    for vendor in &catalog.vendors {
        let id = vendor.profile.id.as_str();
        let (send_auth, listen_auth) = match id {
            "zoho-salesiq" => (
                Credentials::PrivateKeyPem(k.private_pem.clone()),
                Credentials::PublicKeyPem(
                    std::fs::read_to_string(k.public_file.path()).expect("pem"),
                ),
            ),
            "tomba" => {
                let h = vec![("Authorization".to_owned(), "Bearer wh_tomba".into())];
                (Credentials::Headers(h.clone()), Credentials::Headers(h))
            }
            _ => (
                Credentials::Secret(SECRET.into()),
                Credentials::Secret(SECRET.into()),
            ),
        };
        let listening = hookcert::listen(ListenConfig {
            vendor: id.to_owned(),
            credentials: listen_auth,
            addr: ([127, 0, 0, 1], 0).into(),
            fail_first: 0,
            delay: Duration::ZERO,
        })
        .await
        .expect("listening");
        let url = listening.url();
        let mut sent = 0;
        for event in &vendor.events {
            for generated_seed in [None, Some(7)] {
                let result = hookcert::send(&hookcert::SendConfig {
                    vendor: id.to_owned(),
                    event: event.name.clone(),
                    url: url.clone(),
                    credentials: send_auth.clone(),
                    generated_seed,
                    method: None,
                    timeout_ms: None,
                })
                .await
                .expect("sent");
                assert!(
                    result.accepted,
                    "{id} {} {generated_seed:?}: {:?}",
                    event.name, result.outcome
                );
                sent += 1;
            }
        }
        let report = listening
            .run(
                StopWhen {
                    deliveries: Some(sent),
                    duration: Some(Duration::from_secs(5)),
                },
                |_| {},
            )
            .await;
        assert_eq!(report.summary.requests as usize, sent, "{id}");
        assert!(
            report.passed(),
            "{id}: {:#?}",
            report
                .deliveries
                .iter()
                .filter(|d| !d.conforming)
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_send_command_exits_0_on_success_and_2_when_unreachable() {
    let l = listen(&[
        "--vendor",
        "spotio",
        "--secret",
        SECRET,
        "--max-deliveries",
        "1",
        "--duration-s",
        "20",
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_hookcert"))
        .args([
            "send",
            "--vendor",
            "spotio",
            "--event",
            "lead.added",
            "--url",
            &l.url,
            "--secret",
            SECRET,
        ])
        .output()
        .expect("send runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("200 in "));
    let (code, _) = l.finish();
    assert_eq!(code, 0);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let out = Command::new(env!("CARGO_BIN_EXE_hookcert"))
        .args([
            "send",
            "--vendor",
            "spotio",
            "--event",
            "lead.added",
            "--url",
            &format!("http://127.0.0.1:{port}/"),
            "--secret",
            SECRET,
        ])
        .output()
        .expect("send runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_secret_never_appears_in_listen_output() {
    // A secret outside the form Breakcold's examples show makes the body break an observed
    // rule at /secret, a WARN whose note would quote it.
    let odd = "wh_odd_secret_value";
    let l = listen(&[
        "--vendor",
        "breakcold",
        "--secret",
        odd,
        "--max-deliveries",
        "1",
        "--duration-s",
        "20",
    ]);
    let s = sender("breakcold", &Credentials::Secret(odd.into()));
    let request = authentic(&s, &golden("breakcold", "lead.create"));
    let answer = support::http::send(&l.url, "POST", &request.headers, &request.body);
    assert_eq!(answer.status, 200);
    let (_, out) = l.finish();
    assert!(
        out.contains("WARN") && out.contains("/secret") && out.contains("[redacted]"),
        "{out}"
    );
    assert!(!out.contains(odd), "{out}");
}

#[test]
fn a_delivery_sent_again_after_it_was_accepted_is_reported() {
    // SPOTIO: "must respond with code 200, otherwise Spotio will retry": a repeat of a
    // delivery answered 200 is a re-send the policy does not allow.
    faulty(
        &[
            "--vendor",
            "spotio",
            "--secret",
            SECRET,
            "--duration-s",
            "2",
        ],
        |url| {
            let s = sender("spotio", &Credentials::Secret(SECRET.into()));
            let request = authentic(&s, &golden("spotio", "lead.added"));
            assert_eq!(post(url, &request), 200);
            assert_eq!(post(url, &request), 200);
        },
        "sent again after it was accepted: SPOTIO repeats only deliveries that were not accepted",
    );
    // SalesIQ: retries are the failed deliveries' ("Maximum auto retry count"); the same event
    // sent again once accepted is not one.
    let k = keys();
    let public = k.public_file.path().to_str().expect("utf-8").to_owned();
    faulty(
        &[
            "--vendor",
            "zoho-salesiq",
            "--public-key",
            &public,
            "--duration-s",
            "2",
        ],
        |url| {
            let s = sender(
                "zoho-salesiq",
                &Credentials::PrivateKeyPem(k.private_pem.clone()),
            );
            let request = salesiq_attempt(&s, &golden("zoho-salesiq", "operator.created"), 1);
            assert_eq!(post(url, &request), 200);
            assert_eq!(post(url, &request), 200);
        },
        "sent again after it was accepted: Zoho SalesIQ repeats only deliveries that were not accepted",
    );
}
