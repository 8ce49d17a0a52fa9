//! Secrets never appear in output or reports (contract §4): for every vendor that has one,
//! `hookcert certify` runs against a receiver that accepts everything and one that refuses
//! everything but the vendor's own examples with 500 (so that every failing output is produced: reproduce commands, minimal
//! payloads, JUnit, HTML, JSON), and neither the secret nor the near misses of it the auth suite
//! sends may appear anywhere. `hookcert listen` likewise, with senders sending near misses and
//! the right secret. And the reproduce commands, secrets and all read from the environment,
//! still replay the exact bytes the report names.

mod support;

use hookcert::Report;
use hookcert_events::auth::NearMiss;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the receiver answers.
#[derive(Clone)]
enum Policy {
    Always(u16),
    /// 200 to the vendor's own golden examples (their secret fields aside), 500 to anything
    /// else: the golden deliveries pass, so the run goes on and fails everywhere else,
    /// producing every kind of failing output.
    AllButGoldens(Arc<Vec<serde_json::Value>>),
}

impl Policy {
    fn status(&self, body: &[u8]) -> u16 {
        match self {
            Policy::Always(status) => *status,
            Policy::AllButGoldens(goldens) => {
                let plain = serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .map(without_secrets);
                if plain.is_some_and(|v| goldens.contains(&v)) {
                    200
                } else {
                    500
                }
            }
        }
    }
}

fn without_secrets(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(map) = value.as_object_mut() {
        map.shift_remove("secret");
        map.shift_remove("handshake_key");
    }
    value
}

fn goldens_of(vendor: &str) -> Policy {
    let catalog = hookcert_catalog::embedded().expect("catalog");
    let v = catalog.vendor(vendor).expect("vendor");
    Policy::AllButGoldens(Arc::new(
        v.examples
            .iter()
            .filter_map(|e| serde_json::from_slice(catalog.example_bytes(e)).ok())
            .map(without_secrets)
            .collect(),
    ))
}

/// A minimal HTTP/1.1 receiver answering each request as its policy says, keeping each body.
struct Receiver {
    addr: SocketAddr,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(status: u16) -> Receiver {
        Self::with_policy(Policy::Always(status)).await
    }

    async fn with_policy(policy: Policy) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&bodies);
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                connections.spawn(serve(stream, policy.clone(), Arc::clone(&kept)));
                while connections.try_join_next().is_some() {}
            }
        });
        Receiver { addr, bodies, task }
    }

    fn url(&self) -> String {
        format!("http://{}/hooks", self.addr)
    }

    fn take_bodies(&self) -> Vec<Vec<u8>> {
        std::mem::take(&mut *self.bodies.lock().expect("lock"))
    }

    async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

async fn serve(mut stream: TcpStream, policy: Policy, bodies: Arc<Mutex<Vec<Vec<u8>>>>) {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let header = |name: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
        };
        let length: usize = header("content-length:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if header("expect:").is_some_and(|v| v == "100-continue")
            && stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await
                .is_err()
        {
            return;
        }
        // A chunked body (the robustness suite's `wire-chunked`) ends with a last chunk of 0.
        let chunked = header("transfer-encoding:").is_some_and(|v| v.contains("chunked"));
        let body = if chunked {
            let end = loop {
                if let Some(i) = buf[head_end..].windows(5).position(|w| w == b"0\r\n\r\n") {
                    break head_end + i + 5;
                }
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let body = dechunk(&buf[head_end..end]);
            buf.drain(..end);
            body
        } else {
            while buf.len() < head_end + length {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let body = buf[head_end..head_end + length].to_vec();
            buf.drain(..head_end + length);
            body
        };
        let status = policy.status(&body);
        bodies.lock().expect("lock").push(body);
        let answer = format!("HTTP/1.1 {status} Whatever\r\nContent-Length: 2\r\n\r\n{{}}");
        if stream.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// The data of a chunked body, its size lines and CRLFs removed.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&raw[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = &raw[(start + size + 2).min(raw.len())..];
    }
    out
}

/// A secret of the form Breakcold holds its secrets to (`^wh_[A-Za-z0-9]+$`).
fn fresh_secret() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    format!("wh_{}", hex::encode(bytes))
}

/// A secret and its near misses.
fn with_variants(secret: &str) -> Vec<String> {
    let mut all = vec![secret.to_owned()];
    all.extend(NearMiss::ALL.iter().map(|m| m.of(secret)));
    all
}

/// The arguments that give `vendor` its credentials, and every string that must not be shown.
struct Credentials {
    args: Vec<String>,
    forbidden: Vec<String>,
    secret_env: Option<String>,
    _dir: tempfile::TempDir,
}

fn credentials(vendor: &str) -> Credentials {
    let dir = tempfile::tempdir().expect("a temp dir");
    let secret = fresh_secret();
    match vendor {
        "spotio" | "breakcold" | "clinchpad" => Credentials {
            args: vec!["--secret".into(), secret.clone()],
            forbidden: with_variants(&secret),
            secret_env: Some(secret),
            _dir: dir,
        },
        "tomba" => {
            let value = format!("Bearer {secret}");
            let mut forbidden = with_variants(&value);
            forbidden.push(secret);
            Credentials {
                args: vec!["--header".into(), format!("Authorization: {value}")],
                forbidden,
                secret_env: None,
                _dir: dir,
            }
        }
        "zoho-salesiq" => {
            let key = hookcert_events::auth::rsa_sha256::generate_keypair(2048).expect("a key");
            let (private_pem, _) = hookcert_events::auth::rsa_sha256::to_pem(&key).expect("pem");
            let path = dir.path().join("private.pem");
            std::fs::write(&path, &private_pem).expect("write the key");
            let forbidden: Vec<String> = private_pem
                .lines()
                .filter(|l| !l.starts_with("-----") && !l.trim().is_empty())
                .map(str::to_owned)
                .collect();
            assert!(forbidden.len() > 10, "{private_pem}");
            Credentials {
                args: vec!["--private-key".into(), path.display().to_string()],
                forbidden,
                secret_env: None,
                _dir: dir,
            }
        }
        other => panic!("no credentials for {other}"),
    }
}

fn assert_clean(what: &str, text: &str, forbidden: &[String]) {
    for f in forbidden {
        assert!(
            !text.contains(f.as_str()),
            "{what} shows the secret (or a near miss of it) {f:?}"
        );
    }
}

struct Run {
    code: i32,
    report: Report,
}

/// `hookcert certify` against `url`, with every report written; asserts that nothing it wrote
/// shows a forbidden string.
fn certify(vendor: &str, url: &str, creds: &Credentials) -> Run {
    let dir = tempfile::tempdir().expect("a temp dir");
    let json = dir.path().join("report.json");
    let junit = dir.path().join("junit.xml");
    let html = dir.path().join("report.html");
    let out = Command::new(env!("CARGO_BIN_EXE_hookcert"))
        .args(["certify", "--vendor", vendor, "--url", url])
        .args(&creds.args)
        .args(["--seed", "3", "--cases", "1", "--timeout-ms", "2000"])
        .args(["--time-scale", "0"])
        .args(["--suite", "golden", "--suite", "generated"])
        .args(["--suite", "auth", "--suite", "robustness"])
        .arg("--report-json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .arg("--html")
        .arg(&html)
        .env_remove("HOOKCERT_SECRET")
        .output()
        .expect("hookcert runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "{vendor}: exit {code}: {stderr}");
    let f = &creds.forbidden;
    assert_clean(&format!("{vendor}: stdout"), &stdout, f);
    assert_clean(&format!("{vendor}: stderr"), &stderr, f);
    for file in [&json, &junit, &html] {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("{vendor}: {}: {e}", file.display()));
        assert_clean(&format!("{vendor}: {}", file.display()), &text, f);
    }
    let report: Report =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    Run { code, report }
}

async fn redaction_for(vendor: &'static str) {
    let creds = credentials(vendor);
    let accepting = Receiver::start(200).await;
    let url = accepting.url();
    let (run, creds) = tokio::task::spawn_blocking(move || {
        let run = certify(vendor, &url, &creds);
        (run, creds)
    })
    .await
    .expect("the accepting run");
    assert!(
        run.report.summary.pass > 0,
        "{vendor}: {:?}",
        run.report.summary
    );
    accepting.stop().await;

    let refusing = Receiver::with_policy(goldens_of(vendor)).await;
    let url = refusing.url();
    let (run, creds) = tokio::task::spawn_blocking(move || {
        let run = certify(vendor, &url, &creds);
        (run, creds)
    })
    .await
    .expect("the refusing run");
    assert_eq!(run.code, 1, "{vendor}");
    let failing = run.report.failures().count();
    assert!(failing > 10, "{vendor}: {:?}", run.report.summary);
    assert!(
        run.report.failures().any(|c| c.minimal_payload.is_some()),
        "{vendor}: no minimal payload was produced"
    );
    if vendor == "breakcold" {
        replay_every_failure(&run.report, &refusing, &creds).await;
    }
    refusing.stop().await;
}

/// Runs each failing case's reproduce command with the secret in `HOOKCERT_SECRET` and checks
/// that the receiver got exactly the bytes the report names.
async fn replay_every_failure(report: &Report, receiver: &Receiver, creds: &Credentials) {
    let secret = creds.secret_env.clone().expect("a secret");
    let mut replayed = 0;
    receiver.take_bodies();
    for case in report.failures() {
        let Some(command) = case.reproduce.clone() else {
            panic!("{}: a failing case without a reproduce command", case.id);
        };
        if command.contains("body.json") {
            continue;
        }
        let secret = secret.clone();
        let out = tokio::task::spawn_blocking(move || {
            Command::new("sh")
                .arg("-c")
                .arg(&command)
                .env("HOOKCERT_SECRET", secret)
                .stdin(Stdio::null())
                .output()
                .expect("sh runs")
        })
        .await
        .expect("the replay");
        assert!(
            out.status.success(),
            "{}: the replay failed: {}",
            case.id,
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<String> = receiver
            .take_bodies()
            .iter()
            .map(|b| hex::encode(Sha256::digest(b)))
            .collect();
        let curls = case
            .reproduce
            .as_deref()
            .unwrap_or("")
            .matches("curl ")
            .count();
        assert_eq!(got.len(), curls, "{}: requests replayed", case.id);
        let sent: Vec<&str> = case
            .attempts
            .iter()
            .map(|a| a.request.body_sha256.as_str())
            .collect();
        for sha in &got {
            assert!(
                sent.contains(&sha.as_str()),
                "{}: the replay sent a body (sha256 {sha}) the run never sent",
                case.id
            );
        }
        if case.minimal_payload.is_none() && curls == 1 {
            assert_eq!(got[0], case.attempts[0].request.body_sha256, "{}", case.id);
        }
        replayed += 1;
    }
    assert!(replayed > 10, "only {replayed} replays");
    // Every auth near miss among them.
    assert!(report.failures().filter(|c| c.suite == "auth").count() >= NearMiss::ALL.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spotio_hmac_secret_is_never_shown() {
    redaction_for("spotio").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breakcold_body_secret_is_never_shown_and_replays() {
    redaction_for("breakcold").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clinchpad_handshake_key_is_never_shown() {
    redaction_for("clinchpad").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tomba_authorization_header_is_never_shown() {
    redaction_for("tomba").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoho_private_key_is_never_shown() {
    redaction_for("zoho-salesiq").await;
}

fn breakcold_goldens(n: usize) -> Vec<serde_json::Value> {
    let catalog = hookcert_catalog::embedded().expect("catalog");
    let vendor = catalog.vendor("breakcold").expect("breakcold");
    vendor
        .examples
        .iter()
        .map(|e| serde_json::from_slice(catalog.example_bytes(e)).expect("JSON"))
        .take(n)
        .collect()
}

/// `listen` with a secret: senders send near misses of it and the right one; neither its
/// lines nor its report show them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_never_shows_the_secret() {
    let secret = fresh_secret();
    let last_changed = NearMiss::LastCharacterChanged.of(&secret);
    let first_changed = format!("wx{}", &secret[2..]);
    let sent = [last_changed.clone(), first_changed.clone(), secret.clone()];
    let dir = tempfile::tempdir().expect("a temp dir");
    let json = dir.path().join("listen.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookcert"))
        .args(["listen", "--vendor", "breakcold", "--secret", &secret])
        .args(["--max-deliveries", "3", "--duration-s", "20"])
        .arg("--report-json")
        .arg(&json)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("listen starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a first line");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{first:?}"))
        .trim()
        .to_owned();
    let mut statuses = Vec::new();
    for (mut body, value) in breakcold_goldens(3).into_iter().zip(&sent) {
        body["secret"] = serde_json::Value::String(value.clone());
        let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        let body = serde_json::to_vec(&body).expect("body");
        let url = url.clone();
        let answer =
            tokio::task::spawn_blocking(move || support::http::send(&url, "POST", &headers, &body))
                .await
                .expect("sent");
        statuses.push(answer.status);
    }
    assert_eq!(statuses, [401, 401, 200]);
    let status = tokio::task::spawn_blocking(move || child.wait().expect("listen ends"))
        .await
        .expect("wait");
    let mut rest = String::new();
    stdout
        .read_to_string(&mut rest)
        .expect("the rest of stdout");
    let output = first + &rest;
    assert_eq!(status.code(), Some(1), "{output}");
    let report = std::fs::read_to_string(&json).expect("the listen report");
    let mut forbidden = with_variants(&secret);
    forbidden.push(first_changed);
    assert_clean("listen stdout", &output, &forbidden);
    assert_clean("listen --report-json", &report, &forbidden);
    assert!(Path::new(&json).exists());
}
