//! Issue 16: hookcert's signed deliveries, exported and sent by Locust, a load engine we did
//! not write, with a master and two workers as on several hosts (here all on 127.0.0.1). The
//! receiver is `hookcert listen`, which judges every delivery as it would a vendor's: each
//! must arrive exactly once, authentic and valid, and `hookcert bench --merge` must count
//! every one accepted.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hookcert::{Credentials, ListenConfig, StopWhen};
use support::binary::{Run, hookcert};

/// Bound on each vendor's whole run: Locust's start, the deliveries, the shutdown.
const DEADLINE: Duration = Duration::from_secs(180);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `locust` command of the project's own virtual environment, installed when missing.
fn locust() -> PathBuf {
    let out = Command::new("bash")
        .arg(workspace().join("scripts/ensure-locust.sh"))
        .stderr(Stdio::inherit())
        .output()
        .expect("bash runs scripts/ensure-locust.sh");
    assert!(
        out.status.success(),
        "scripts/ensure-locust.sh failed ({}): Locust is needed for this test",
        out.status
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// A process of the test's, killed by its PID when dropped, a panicking test included.
struct Process {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn start(name: &'static str, command: &mut Command, log: PathBuf) -> Process {
        let file = std::fs::File::create(&log).expect("a log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("the log file"))
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
        Process { name, child, log }
    }

    fn log(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("--- {} (last lines) ---\n{}", self.name, tail.join("\n"))
    }

    /// Waits for it to exit on its own, at most until `deadline`.
    fn wait_until(&mut self, deadline: Instant) -> Option<std::process::ExitStatus> {
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

fn path_str(path: &Path) -> String {
    path.to_str().expect("a UTF-8 temporary path").to_owned()
}

fn ok(run: &Run, what: &str) {
    assert_eq!(run.code, Some(0), "{what}\n{}", run.shown());
}

/// Exports `deliveries` for `vendor`, has a Locust master and two workers send them to a
/// `hookcert listen` receiver, and checks what the receiver saw and what the merge counts.
async fn distributed_run(
    vendor: &str,
    deliveries: u64,
    export_auth: Vec<String>,
    listen_auth: Credentials,
) {
    let locust = locust();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let corpus = dir.path().join("corpus");

    let listening = hookcert::listen(ListenConfig {
        vendor: vendor.to_owned(),
        credentials: listen_auth,
        addr: ([127, 0, 0, 1], 0).into(),
        fail_first: 0,
        delay: Duration::ZERO,
    })
    .await
    .expect("hookcert listen starts");
    let url = format!("{}webhooks/{vendor}", listening.url());
    // Stops once every delivery has arrived (and was answered), or at the deadline.
    let receiver = tokio::spawn(listening.run(
        StopWhen {
            deliveries: Some(deliveries as usize),
            duration: Some(DEADLINE),
        },
        |_| {},
    ));

    let export = [
        strings(&["export", "--vendor", vendor, "--url", &url]),
        export_auth,
        strings(&["--deliveries", &deliveries.to_string(), "--seed", "16"]),
        vec!["--out".into(), path_str(&corpus)],
    ]
    .concat();
    let run = tokio::task::spawn_blocking(move || hookcert(&export, Duration::from_secs(60)))
        .await
        .expect("the export");
    ok(&run, "hookcert export");

    let port = free_port().to_string();
    let locustfile = path_str(&corpus.join("locustfile.py"));
    let started = Instant::now();
    let mut master = Process::start(
        "locust master",
        Command::new(&locust)
            .args(["-f", &locustfile, "--headless", "--master"])
            .args([
                "--master-bind-host",
                "127.0.0.1",
                "--master-bind-port",
                &port,
            ])
            .args(["--expect-workers", "2", "-u", "8", "-r", "8"])
            // A bound of Locust's own, below the test's: a run that hangs still ends.
            .args(["--run-time", "150s", "--only-summary"]),
        dir.path().join("master.log"),
    );
    let workers: Vec<Process> = (0..2)
        .map(|i| {
            Process::start(
                "locust worker",
                Command::new(&locust)
                    .args(["-f", &locustfile, "--worker"])
                    .args(["--master-host", "127.0.0.1", "--master-port", &port]),
                dir.path().join(format!("worker-{i}.log")),
            )
        })
        .collect();
    let logs = |master: &Process| {
        let mut all = vec![master.log()];
        all.extend(workers.iter().map(Process::log));
        all.join("\n")
    };
    let status = master.wait_until(started + DEADLINE);
    assert!(
        status.is_some(),
        "the Locust master still runs after {DEADLINE:?}\n{}",
        logs(&master)
    );
    eprintln!(
        "{vendor}: {deliveries} deliveries through Locust (master and 2 workers) in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let report = receiver.await.expect("the receiver's task");
    assert_eq!(
        (report.summary.requests, report.summary.deliveries),
        (deliveries as u32, deliveries as u32),
        "hookcert listen saw {} requests of {} distinct deliveries, not each of {deliveries} once\n{}",
        report.summary.requests,
        report.summary.deliveries,
        logs(&master)
    );
    let bad: Vec<String> = report
        .deliveries
        .iter()
        .filter(|d| !d.conforming)
        .take(5)
        .map(|d| format!("{}: {:?}", d.number, d.violations))
        .collect();
    assert!(
        bad.is_empty() && report.summary.nonconforming == 0,
        "{} deliveries were not authentic and valid, first: {bad:?}",
        report.summary.nonconforming
    );

    let records = corpus.join("records");
    let files = std::fs::read_dir(&records)
        .map(|d| d.count())
        .unwrap_or_default();
    assert_eq!(
        files,
        2,
        "one record file per worker expected in {}\n{}",
        records.display(),
        logs(&master)
    );
    let merge = vec!["bench".to_owned(), "--merge".into(), path_str(&corpus)];
    let run = tokio::task::spawn_blocking(move || hookcert(&merge, Duration::from_secs(60)))
        .await
        .expect("the merge");
    ok(&run, "hookcert bench --merge");
    let summary = run.stdout.lines().next().unwrap_or_default();
    assert!(
        summary.starts_with(&format!("{deliveries} deliveries in "))
            && summary.contains(&format!("({deliveries} accepted, 0 not)"))
            && summary.contains("p95"),
        "the merged summary: {summary}\n{}",
        run.shown()
    );
    assert!(
        run.stdout.contains(&format!(
            "each of the {deliveries} deliveries sent exactly once"
        )),
        "{}",
        run.shown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locust_master_and_two_workers_send_an_exported_spotio_corpus_once_each() {
    let secret = support::token();
    distributed_run(
        "spotio",
        2_000,
        strings(&["--secret", &secret]),
        Credentials::Secret(secret.as_str().into()),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locust_master_and_two_workers_send_an_exported_salesiq_corpus_once_each() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let keys = dir.path().join("keys");
    let keygen = vec!["keygen".to_owned(), "--out".into(), path_str(&keys)];
    let run = tokio::task::spawn_blocking(move || hookcert(&keygen, Duration::from_secs(60)))
        .await
        .expect("keygen");
    ok(&run, "hookcert keygen");
    let public = std::fs::read_to_string(keys.join(hookcert::PUBLIC_FILE)).expect("public.pem");
    distributed_run(
        "zoho-salesiq",
        500,
        vec![
            "--private-key".into(),
            path_str(&keys.join(hookcert::PRIVATE_FILE)),
        ],
        Credentials::PublicKeyPem(public),
    )
    .await;
}

#[test]
fn export_refuses_what_it_cannot_write_with_the_flag_to_blame() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("something"), "x").expect("write");
    let out = path_str(dir.path());
    for (args, flag) in [
        (
            strings(&[
                "export",
                "--vendor",
                "spotio",
                "--url",
                "http://127.0.0.1:9/",
                "--secret",
                "s",
                "--out",
                &out,
            ]),
            "--out",
        ),
        (
            strings(&[
                "export",
                "--vendor",
                "spotio",
                "--url",
                "http://127.0.0.1:9/",
                "--secret",
                "s",
                "--deliveries",
                "0",
                "--out",
                &format!("{out}/new"),
            ]),
            "--deliveries",
        ),
        (
            strings(&[
                "export",
                "--vendor",
                "nobody",
                "--url",
                "http://127.0.0.1:9/",
                "--out",
                &format!("{out}/new"),
            ]),
            "--vendor",
        ),
        (
            strings(&[
                "export",
                "--vendor",
                "spotio",
                "--url",
                "http://127.0.0.1:9/",
                "--secret",
                "s",
                "--method",
                "GET",
                "--out",
                &format!("{out}/new"),
            ]),
            "--method",
        ),
        (strings(&["bench", "--merge", &out]), "--merge"),
    ] {
        let run = hookcert(&args, Duration::from_secs(60));
        assert_eq!(run.code, Some(2), "{args:?}\n{}", run.shown());
        let line = run.stderr.trim();
        assert!(
            line.starts_with(&format!("hookcert: error: {flag}")) && !line.contains('\n'),
            "{args:?}: {line}"
        );
    }
}
