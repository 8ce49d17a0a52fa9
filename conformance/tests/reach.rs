//! The defects real receivers have that only sizes, hostile headers and other forms of HTTP
//! reach (issue 14): each test starts a SPOTIO receiver written here on a raw TCP listener, so
//! that it can be exactly as wrong as the servers integrators run (one that cannot read a
//! chunked body, one that throws on a non-ASCII header), and the same receiver without the
//! fault beside it, which must certify with no FAIL.

use hmac::{Hmac, Mac};
use hookcert::{Certification, Credentials, Report, Verdict};
use sha2::Sha256;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "wh_reachTestSecret1";

/// One way of being wrong.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    None,
    /// 413 for a body above 100 KiB (Express body-parser's default limit).
    Limit100KiB,
    /// 500 for a batch of more than 50 events.
    BatchOver50,
    /// 500 when the signature header is not ASCII (Python's `hmac.compare_digest` raises).
    NonAsciiSignatureCrash,
    /// 500 without a Content-Type (an Express `req.body` left undefined).
    NoContentTypeCrash,
    /// 200 to a GET, whatever it carries (adnanh/webhook's answer to an unsigned GET).
    GetAccepted,
    /// Reads only `Content-Length` bodies: a chunked body is read as empty (WSGI dev servers).
    NoChunked,
}

/// What the receiver makes of one request.
struct Request {
    method: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .collect()
    }
}

/// A correct SPOTIO receiver, but for `fault`.
fn answer(fault: Fault, request: &Request) -> (u16, &'static str) {
    if fault == Fault::GetAccepted && request.method == "GET" {
        return (200, "ok");
    }
    if request.method != "POST" {
        return (405, "method not allowed");
    }
    if fault == Fault::Limit100KiB && request.body.len() > 100 * 1024 {
        return (413, "request entity too large");
    }
    if fault == Fault::NoContentTypeCrash && request.header("content-type").is_empty() {
        return (500, "TypeError: Cannot read properties of undefined");
    }
    let signatures = request.header("x-signature");
    let [signature] = signatures.as_slice() else {
        return (401, "one X-Signature expected");
    };
    if fault == Fault::NonAsciiSignatureCrash && !signature.is_ascii() {
        return (
            500,
            "TypeError: comparing strings with non-ASCII characters is not supported",
        );
    }
    let Ok(signature) = hex::decode(String::from_utf8_lossy(signature).trim()) else {
        return (401, "bad signature");
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(&request.body);
    if mac.verify_slice(&signature).is_err() {
        return (401, "bad signature");
    }
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&request.body) else {
        return (400, "not JSON");
    };
    let Some(events) = body.get("payload").and_then(|p| p.as_array()) else {
        return (400, "no payload");
    };
    if fault == Fault::BatchOver50 && events.len() > 50 {
        return (500, "too many rows in one transaction");
    }
    (200, "ok")
}

struct Receiver {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(fault: Fault) -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "http://{}/hooks/spotio",
        listener.local_addr().expect("addr")
    );
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(serve(stream, fault));
        }
    });
    Receiver { url, task }
}

/// One connection: one request read and answered, then the connection closed.
async fn serve(mut stream: TcpStream, fault: Fault) {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if buf.len() > 64 * 1024 {
                return;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = buf[..head_end].to_vec();
        let mut lines = head
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        let request_line = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
        let method = request_line
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        let headers: Vec<(String, Vec<u8>)> = lines
            .filter(|l| !l.is_empty())
            .filter_map(|l| {
                let colon = l.iter().position(|&b| b == b':')?;
                let value = &l[colon + 1..];
                let start = value.iter().position(|&b| b != b' ').unwrap_or(value.len());
                Some((
                    String::from_utf8_lossy(&l[..colon]).into_owned(),
                    value[start..].to_vec(),
                ))
            })
            .collect();
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| String::from_utf8_lossy(v).trim().to_ascii_lowercase())
        };
        buf.drain(..head_end);
        if find("expect").as_deref() == Some("100-continue")
            && stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await
                .is_err()
        {
            return;
        }
        let chunked = find("transfer-encoding").is_some_and(|t| t.contains("chunked"));
        let body = if chunked && fault != Fault::NoChunked {
            match read_chunked(&mut stream, &mut buf, &mut chunk).await {
                Some(body) => body,
                None => return,
            }
        } else {
            let length: usize = find("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            while buf.len() < length {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            buf.drain(..length).collect()
        };
        let (status, text) = answer(
            fault,
            &Request {
                method: method.clone(),
                headers,
                body,
            },
        );
        let with_body = method != "HEAD";
        let answer = format!(
            "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            text.len(),
            if with_body { text } else { "" }
        );
        let _ = stream.write_all(answer.as_bytes()).await;
    }
}

async fn read_chunked(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    chunk: &mut [u8],
) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                break i;
            }
            let n = stream.read(chunk).await.ok().filter(|&n| n > 0)?;
            buf.extend_from_slice(&chunk[..n]);
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&buf[..line_end]).trim(), 16).ok()?;
        buf.drain(..line_end + 2);
        while buf.len() < size + 2 {
            let n = stream.read(chunk).await.ok().filter(|&n| n > 0)?;
            buf.extend_from_slice(&chunk[..n]);
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
        if size == 0 {
            return Some(body);
        }
    }
}

async fn certify(fault: Fault) -> Report {
    let receiver = start(fault).await;
    let report = Certification::new("spotio")
        .expect("spotio")
        .url(receiver.url.clone())
        .credentials(Credentials::Secret(SECRET.into()))
        .seed(7)
        .cases(2)
        .time_scale(0.001)
        .run()
        .await
        .expect("a run");
    drop(receiver);
    report
}

fn case<'r>(report: &'r Report, id: &str) -> &'r hookcert::CaseReport {
    report
        .case(id)
        .unwrap_or_else(|| panic!("no case {id}\n{}", report.render_terminal(false)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_correct_receiver_certifies() {
    let report = certify(Fault::None).await;
    assert!(report.passed(), "{}", report.render_terminal(false));
    for id in [
        "generated/batch-100",
        "auth/hostile-raw-bytes",
        "auth/two-values-right-first",
        "auth/two-values-wrong-first",
        "robustness/content-type-absent",
        "robustness/wire-chunked",
        "robustness/wire-expect-100-continue",
        "robustness/wire-http-1.0",
        "robustness/method-head",
    ] {
        assert_eq!(case(&report, id).verdict, Verdict::Pass, "{id}");
    }
    let size = report
        .cases
        .iter()
        .find(|c| c.id.starts_with("generated/size-1mib/"))
        .expect("a 1 MiB case");
    assert_eq!(size.verdict, Verdict::Pass);
    assert!(size.attempts[0].request.body_bytes >= 1024 * 1024 - 1024);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_kib_limit_fails_the_256_kib_event_and_names_the_limit() {
    let report = certify(Fault::Limit100KiB).await;
    let big = report
        .cases
        .iter()
        .find(|c| c.id.starts_with("generated/size-256kib/"))
        .expect("a 256 KiB case");
    assert_eq!(
        big.verdict,
        Verdict::Fail,
        "{}",
        report.render_terminal(false)
    );
    assert!(
        big.reason.contains("the largest body accepted was 64 KiB"),
        "{}",
        big.reason
    );
    assert_eq!(big.cause.as_deref(), Some("body-size"));
    let huge = report
        .cases
        .iter()
        .find(|c| c.id.starts_with("generated/size-1mib/"))
        .expect("a 1 MiB case");
    assert_eq!(
        huge.verdict,
        Verdict::Warn,
        "413 to 1 MiB is an honest refusal"
    );
    let cause = report
        .causes
        .iter()
        .find(|c| c.id == "body-size")
        .expect("the cause");
    assert!(
        cause.diagnosis.contains("64 KiB was accepted"),
        "{}",
        cause.diagnosis
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_failing_on_batches_above_50_fails_the_batch_of_100() {
    let report = certify(Fault::BatchOver50).await;
    let batch = case(&report, "generated/batch-100");
    assert_eq!(
        batch.verdict,
        Verdict::Fail,
        "{}",
        report.render_terminal(false)
    );
    let cause = report
        .causes
        .iter()
        .find(|c| c.id == "batch-size")
        .expect("the cause");
    assert!(
        cause
            .diagnosis
            .contains("batches of 100 events get 500; a batch of 50 events was accepted"),
        "{}",
        cause.diagnosis
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_ascii_signature_header_must_not_crash_the_receiver() {
    let report = certify(Fault::NonAsciiSignatureCrash).await;
    for id in ["auth/hostile-non-ascii", "auth/hostile-raw-bytes"] {
        let hostile = case(&report, id);
        assert_eq!(
            hostile.verdict,
            Verdict::Fail,
            "{id}: {}",
            report.render_terminal(false)
        );
        assert_eq!(hostile.observed.status, Some(500));
        assert_eq!(hostile.cause.as_deref(), Some("auth-failure"));
    }
    assert_eq!(case(&report, "auth/hostile-8kib").verdict, Verdict::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_content_type_must_not_crash_the_receiver() {
    let report = certify(Fault::NoContentTypeCrash).await;
    let absent = case(&report, "robustness/content-type-absent");
    assert_eq!(
        absent.verdict,
        Verdict::Fail,
        "{}",
        report.render_terminal(false)
    );
    assert_eq!(absent.cause.as_deref(), Some("content-type"));
    assert_eq!(
        case(&report, "robustness/content-type-text-plain").verdict,
        Verdict::Pass
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsigned_get_answered_200_is_a_warning() {
    let report = certify(Fault::GetAccepted).await;
    let get = case(&report, "robustness/method-get");
    assert_eq!(
        get.verdict,
        Verdict::Warn,
        "{}",
        report.render_terminal(false)
    );
    assert!(
        get.reason.contains("answers requests no vendor sends"),
        "{}",
        get.reason
    );
    assert!(report.passed(), "{}", report.render_terminal(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_cannot_read_chunked_bodies_gets_a_warning_naming_chunked() {
    let report = certify(Fault::NoChunked).await;
    let chunked = case(&report, "robustness/wire-chunked");
    assert_eq!(
        chunked.verdict,
        Verdict::Warn,
        "{}",
        report.render_terminal(false)
    );
    assert!(chunked.reason.contains("chunked"), "{}", chunked.reason);
    let text = report.render_terminal(false);
    assert!(
        text.contains("WARN robustness/wire-chunked"),
        "the warning is listed with its reason:\n{text}"
    );
    assert!(report.passed(), "{text}");
}

/// The 1 MiB and 100-event cases cost little against a correct receiver: a bound against a
/// hang, not a benchmark (BENCHMARKS.md has the figures).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_big_cases_do_not_hang() {
    let started = std::time::Instant::now();
    let receiver = start(Fault::None).await;
    let report = Certification::new("spotio")
        .expect("spotio")
        .url(receiver.url.clone())
        .credentials(Credentials::Secret(SECRET.into()))
        .seed(7)
        .suites(&["generated/size-1mib", "generated/batch-100"])
        .run()
        .await
        .expect("a run");
    assert!(report.passed(), "{}", report.render_terminal(false));
    assert!(started.elapsed() < Duration::from_secs(30));
}
