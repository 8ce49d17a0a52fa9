//! Endpoints that misbehave at the transport level, each written here on a raw TCP listener:
//! one that never answers, one that resets every connection, one that answers bytes that are
//! not HTTP, two that send an endless body (a 1 GiB `Content-Length`, and one chunk of 1 GiB),
//! one that redirects, and one that drips its answer a byte at a time. Each is certified
//! through the real binary and through the library. The run must end within a bound computed
//! from the requests it may send, exit 1 (never 2, never a panic), record every attempt with
//! its transport outcome, send exactly the requests the endpoint saw, and keep its memory
//! bounded whatever the endpoint pushes.

use hookcert::Report;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TIMEOUT_MS: u64 = 300;
/// Tomba: two golden examples; these robustness cases besides (one of them 5 MiB, which an
/// endpoint that never answers must not turn into a hang on the write).
const SUITES: &[&str] = &["golden", "robustness/empty-body", "robustness/5mib-body"];
const CASES: u64 = 4;
/// Tomba's vendor retries (none), and the two repeats of a failing case.
const REQUESTS_PER_CASE: u64 = 1 + 2;
const GIB: u64 = 1 << 30;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Behaviour {
    /// Reads every request, answers none.
    Silent,
    /// SO_LINGER 0 and close as soon as a connection is accepted: a reset.
    Reset,
    /// Answers each request with bytes that are not HTTP.
    Garbage,
    /// `200` with `Content-Length: 1 GiB`, streamed as fast as the socket takes it.
    EndlessLength,
    /// `200`, chunked, one chunk announced as 1 GiB and streamed as fast as it goes.
    EndlessChunk,
    /// `200`, chunked, one chunk announced as 2^64 - 1 bytes, streamed.
    ChunkSizeMax,
    /// `302` to another listener, on a kept-alive connection.
    Redirect,
    /// A valid `200`, one byte every 200 ms.
    Drip,
}

struct Counters {
    connections: AtomicUsize,
    requests: AtomicUsize,
    /// Bytes written to each connection before its peer went away.
    pushed: Mutex<Vec<u64>>,
}

struct Endpoint {
    addr: SocketAddr,
    counters: Arc<Counters>,
    task: tokio::task::JoinHandle<()>,
}

impl Endpoint {
    async fn start(behaviour: Behaviour, redirect_to: Option<SocketAddr>) -> Endpoint {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let counters = Arc::new(Counters {
            connections: AtomicUsize::new(0),
            requests: AtomicUsize::new(0),
            pushed: Mutex::new(Vec::new()),
        });
        let c = Arc::clone(&counters);
        let task = tokio::spawn(async move {
            // Dropped (and so aborted) with the accept loop when the endpoint stops.
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                c.connections.fetch_add(1, Ordering::SeqCst);
                let c = Arc::clone(&c);
                connections.spawn(serve(stream, behaviour, redirect_to, c));
                while connections.try_join_next().is_some() {}
            }
        });
        Endpoint {
            addr,
            counters,
            task,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn connections(&self) -> usize {
        self.counters.connections.load(Ordering::SeqCst)
    }

    fn requests(&self) -> usize {
        self.counters.requests.load(Ordering::SeqCst)
    }

    fn pushed(&self) -> Vec<u64> {
        self.counters.pushed.lock().expect("lock").clone()
    }

    async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Reads one request (head and `Content-Length` body); false when the peer went away first.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>, counters: &Counters) -> bool {
    let mut chunk = vec![0u8; 64 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    counters.requests.fetch_add(1, Ordering::SeqCst);
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    buf.drain(..head_end + length);
    true
}

/// Writes `head`, then zeros up to `total` bytes or until the peer goes away; records how much
/// was written.
async fn push(stream: &mut TcpStream, head: &[u8], total: u64, counters: &Counters) {
    let zeros = vec![b'0'; 64 * 1024];
    let mut written = 0u64;
    if stream.write_all(head).await.is_ok() {
        written += head.len() as u64;
        while written < total {
            match stream.write(&zeros).await {
                Ok(0) | Err(_) => break,
                Ok(n) => written += n as u64,
            }
        }
    }
    counters.pushed.lock().expect("lock").push(written);
}

async fn serve(
    mut stream: TcpStream,
    behaviour: Behaviour,
    redirect_to: Option<SocketAddr>,
    counters: Arc<Counters>,
) {
    let mut buf = Vec::new();
    match behaviour {
        Behaviour::Reset => {
            // Deprecated for blocking on drop; with a zero linger the drop is immediate.
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
        Behaviour::Silent => while read_request(&mut stream, &mut buf, &counters).await {},
        Behaviour::Garbage => {
            while read_request(&mut stream, &mut buf, &counters).await {
                let garbage = b"\x16\x03\x01\x02\x00 this is not HTTP \xff\xfe\r\n\r\n";
                if stream.write_all(garbage).await.is_err() {
                    return;
                }
            }
        }
        Behaviour::EndlessLength => {
            if read_request(&mut stream, &mut buf, &counters).await {
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {GIB}\r\n\r\n");
                push(&mut stream, head.as_bytes(), GIB, &counters).await;
            }
        }
        Behaviour::EndlessChunk => {
            if read_request(&mut stream, &mut buf, &counters).await {
                let head =
                    format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{GIB:x}\r\n");
                push(&mut stream, head.as_bytes(), GIB, &counters).await;
            }
        }
        Behaviour::ChunkSizeMax => {
            if read_request(&mut stream, &mut buf, &counters).await {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
                    u64::MAX
                );
                push(&mut stream, head.as_bytes(), GIB, &counters).await;
            }
        }
        Behaviour::Redirect => {
            let to = redirect_to.expect("a redirect target");
            while read_request(&mut stream, &mut buf, &counters).await {
                let answer = format!(
                    "HTTP/1.1 302 Found\r\nLocation: http://{to}/elsewhere\r\nContent-Length: 0\r\n\r\n"
                );
                if stream.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
        Behaviour::Drip => {
            while read_request(&mut stream, &mut buf, &counters).await {
                for &b in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}" {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    if stream.write_all(&[b]).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// What each attempt of the run must show.
fn expected_outcome(behaviour: Behaviour) -> &'static str {
    match behaviour {
        Behaviour::Silent | Behaviour::Drip => "timeout",
        Behaviour::Reset => "connection reset",
        Behaviour::Garbage => "invalid HTTP",
        Behaviour::EndlessLength | Behaviour::EndlessChunk | Behaviour::ChunkSizeMax => "200",
        Behaviour::Redirect => "302",
    }
}

/// The exit status the contract asks for: a 200 whose head came in time is an answer, and
/// accepting (or, for the empty body, a WARN) is no FAIL, however long its body; everything
/// else here fails every case.
fn expected_exit(behaviour: Behaviour) -> i32 {
    match behaviour {
        Behaviour::EndlessLength | Behaviour::EndlessChunk | Behaviour::ChunkSizeMax => 0,
        _ => 1,
    }
}

/// The longest a run may take: every request it may send waiting out the timeout on its head
/// and again on its body, with slack, and the start of the process. A hang guard.
fn wall_bound() -> Duration {
    let requests = CASES * REQUESTS_PER_CASE;
    Duration::from_millis(requests * (2 * TIMEOUT_MS + 250) + 5_000)
}

fn check_report(behaviour: Behaviour, report: &Report, endpoint: &Endpoint, how: &str) {
    let expected = expected_outcome(behaviour);
    let attempts: Vec<_> = report.cases.iter().flat_map(|c| &c.attempts).collect();
    assert_eq!(report.cases.len() as u64, CASES, "{how}: {behaviour:?}");
    for case in &report.cases {
        // When every golden delivery failed alike the run stops there: the rest is skipped,
        // saying why, and sends nothing.
        if report.stopped.is_some() && case.suite != "golden" {
            assert_eq!(case.verdict, hookcert::Verdict::Skip, "{how}: {}", case.id);
            assert!(
                case.reason
                    .starts_with("not sent: every golden delivery got"),
                "{how}: {}",
                case.reason
            );
            assert!(
                case.attempts.is_empty(),
                "{how}: {} sent after the stop",
                case.id
            );
            continue;
        }
        assert!(!case.attempts.is_empty(), "{how}: {} sent nothing", case.id);
    }
    for a in &attempts {
        let shown = match (&a.observed.status, &a.observed.error) {
            (Some(status), None) => status.to_string(),
            (None, Some(error)) => error.clone(),
            other => panic!("{how}: {behaviour:?}: an attempt with {other:?}"),
        };
        assert!(
            shown.starts_with(expected),
            "{how}: {behaviour:?}: an attempt observed {shown:?}, expected {expected:?}"
        );
        assert!(a.observed.latency_ms.is_some(), "{how}: no latency");
    }
    let sent = attempts.len();
    assert!(sent as u64 <= CASES * REQUESTS_PER_CASE);
    match behaviour {
        // The connection that checked reachability was reset too, and retried once as a
        // stale kept-alive connection: one connection more than attempts, none fewer.
        Behaviour::Reset => assert_eq!(
            endpoint.connections(),
            sent + 1,
            "{how}: connections seen vs attempts recorded"
        ),
        _ => assert_eq!(
            endpoint.requests(),
            sent,
            "{how}: {behaviour:?}: requests the endpoint saw vs attempts recorded"
        ),
    }
    if expected_exit(behaviour) == 1 {
        assert!(report.summary.fail > 0, "{how}: {:?}", report.summary);
    } else {
        assert_eq!(report.summary.fail, 0, "{how}: {:?}", report.summary);
    }
}

/// Waits until the endpoint has counted what the harness sent (its tasks may lag the
/// harness by a moment), at most a second.
async fn settle(endpoint: &Endpoint) {
    let mut last = (usize::MAX, usize::MAX);
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = (endpoint.connections(), endpoint.requests());
        if now == last {
            return;
        }
        last = now;
    }
}

struct BinaryRun {
    code: i32,
    stdout: String,
    stderr: String,
    wall: Duration,
    report: Report,
    /// Peak resident set of the hookcert process, KiB.
    peak_rss_kib: u64,
}

fn run_binary(url: &str) -> BinaryRun {
    let dir = tempfile::tempdir().expect("a temp dir");
    let json = dir.path().join("report.json");
    let time_out = dir.path().join("time.txt");
    let mut args: Vec<String> = vec![
        "certify".into(),
        "--vendor".into(),
        "tomba".into(),
        "--url".into(),
        url.into(),
        "--timeout-ms".into(),
        TIMEOUT_MS.to_string(),
        "--time-scale".into(),
        "0".into(),
        "--seed".into(),
        "7".into(),
        "--report-json".into(),
        json.display().to_string(),
    ];
    for s in SUITES {
        args.push("--suite".into());
        args.push((*s).into());
    }
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut command = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&time_out)
            .arg(env!("CARGO_BIN_EXE_hookcert"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_hookcert"))
    };
    let started = Instant::now();
    let mut child = command
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hookcert starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).ok();
        s
    });
    // Without GNU time, the peak is sampled while the process runs.
    let mut sampled = 0u64;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if !gnu_time {
            sampled = sampled.max(vm_hwm_kib(child.id()).unwrap_or(0));
        }
        assert!(
            started.elapsed() < wall_bound() + Duration::from_secs(5),
            "hookcert hangs"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let wall = started.elapsed();
    let stdout = out.join().expect("stdout read");
    let stderr = err.join().expect("stderr read");
    let peak_rss_kib = if gnu_time {
        std::fs::read_to_string(&time_out)
            .ok()
            .and_then(|t| t.lines().last()?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no peak RSS from /usr/bin/time; stderr: {stderr}"))
    } else {
        sampled
    };
    let text = std::fs::read_to_string(&json)
        .unwrap_or_else(|e| panic!("no JSON report ({e}); stderr: {stderr}; stdout: {stdout}"));
    let report: Report = serde_json::from_str(&text).expect("the JSON report parses");
    BinaryRun {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
        wall,
        report,
        peak_rss_kib,
    }
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Certifies one hostile endpoint through the binary, then through the library; each against
/// a fresh endpoint so that the counts are the run's own.
async fn certify_hostile(behaviour: Behaviour) {
    // Where a redirect points: it must never be followed.
    let elsewhere = Endpoint::start(Behaviour::Silent, None).await;
    let redirect_to = (behaviour == Behaviour::Redirect).then_some(elsewhere.addr);

    let endpoint = Endpoint::start(behaviour, redirect_to).await;
    let url = endpoint.url();
    let run = tokio::task::spawn_blocking(move || run_binary(&url))
        .await
        .expect("the binary run");
    settle(&endpoint).await;
    eprintln!(
        "{behaviour:?} (binary): exit {}, {} ms (bound {} ms), {} attempts, endpoint saw {} connections / {} requests, peak RSS {} KiB, pushed {:?}",
        run.code,
        run.wall.as_millis(),
        wall_bound().as_millis(),
        run.report
            .cases
            .iter()
            .map(|c| c.attempts.len())
            .sum::<usize>(),
        endpoint.connections(),
        endpoint.requests(),
        run.peak_rss_kib,
        endpoint.pushed(),
    );
    assert!(
        !run.stderr.contains("panicked"),
        "{behaviour:?}: {}",
        run.stderr
    );
    assert_eq!(
        run.code,
        expected_exit(behaviour),
        "{behaviour:?}: stderr {}\nstdout {}",
        run.stderr,
        run.stdout
    );
    assert!(
        run.wall < wall_bound(),
        "{behaviour:?}: {:?} over {:?}",
        run.wall,
        wall_bound()
    );
    check_report(behaviour, &run.report, &endpoint, "binary");
    // Memory: at most 64 KiB of any body is read, so the process stays small, and the
    // endpoint cannot push more than the socket buffers hold past what was read.
    assert!(
        run.peak_rss_kib < 64 * 1024,
        "{behaviour:?}: peak RSS {} KiB",
        run.peak_rss_kib
    );
    for pushed in endpoint.pushed() {
        assert!(
            pushed < 16 << 20,
            "{behaviour:?}: the endpoint pushed {pushed} bytes into one connection"
        );
    }
    endpoint.stop().await;

    let endpoint = Endpoint::start(behaviour, redirect_to).await;
    let started = Instant::now();
    let report = hookcert::Certification::new("tomba")
        .expect("tomba")
        .url(endpoint.url())
        .suites(SUITES)
        .seed(7)
        .timeout_ms(TIMEOUT_MS)
        .time_scale(0.0)
        .run()
        .await
        .unwrap_or_else(|e| panic!("{behaviour:?}: the library run: {e}"));
    let wall = started.elapsed();
    settle(&endpoint).await;
    eprintln!(
        "{behaviour:?} (library): {} ms, endpoint saw {} connections / {} requests, pushed {:?}",
        wall.as_millis(),
        endpoint.connections(),
        endpoint.requests(),
        endpoint.pushed()
    );
    assert!(wall < wall_bound(), "{behaviour:?}: {wall:?}");
    check_report(behaviour, &report, &endpoint, "library");
    for pushed in endpoint.pushed() {
        assert!(pushed < 16 << 20, "{behaviour:?}: pushed {pushed} bytes");
    }
    endpoint.stop().await;

    assert_eq!(elsewhere.connections(), 0, "a redirect was followed");
    elsewhere.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_never_answers_times_out() {
    certify_hostile(Behaviour::Silent).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_resets_every_connection() {
    certify_hostile(Behaviour::Reset).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_answers_garbage() {
    certify_hostile(Behaviour::Garbage).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_with_a_1_gib_content_length() {
    certify_hostile(Behaviour::EndlessLength).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_with_a_1_gib_chunk() {
    certify_hostile(Behaviour::EndlessChunk).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_with_a_chunk_of_2_pow_64_bytes() {
    certify_hostile(Behaviour::ChunkSizeMax).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_redirects() {
    certify_hostile(Behaviour::Redirect).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_drips_its_answer() {
    certify_hostile(Behaviour::Drip).await;
}

/// Nothing listening at all: that, and only that, is "cannot be reached" (exit 2, one line).
#[test]
fn a_port_nobody_listens_on_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = Command::new(env!("CARGO_BIN_EXE_hookcert"))
        .args(["certify", "--vendor", "tomba", "--suite", "golden"])
        .args(["--url", &format!("http://127.0.0.1:{port}/")])
        .output()
        .expect("hookcert runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("refused"), "{stderr}");
}
