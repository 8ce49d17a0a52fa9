//! The `hookcert` binary run as CI runs it: a child process, its output captured, its exit
//! status and wall time taken, killed by its PID if it outlives its deadline.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// None when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// From spawning it to its exit.
    pub elapsed: Duration,
}

impl Run {
    /// Everything it said, for assertion messages: a red run explains itself.
    pub fn shown(&self) -> String {
        format!(
            "exit {:?} after {:.1} s\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            self.elapsed.as_secs_f64(),
            self.stdout,
            self.stderr
        )
    }
}

/// Kills the child by its PID unless it has been reaped, so that a panic leaves nothing behind.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs `hookcert args…`, blocking, for at most `deadline` (then it is killed and this
/// panics). Call it through `tokio::task::spawn_blocking` when a receiver runs on the test's
/// runtime.
pub fn hookcert(args: &[String], deadline: Duration) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookcert"))
        .args(args)
        .env_remove("HOOKCERT_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hookcert starts");
    let stdout = drain(child.stdout.take().expect("stdout"));
    let stderr = drain(child.stderr.take().expect("stderr"));
    let mut guard = Guard(Some(child));
    let status = loop {
        let child = guard.0.as_mut().expect("the child");
        if let Some(status) = child.try_wait().expect("wait for hookcert") {
            break status;
        }
        assert!(
            started.elapsed() < deadline,
            "hookcert {} still running after {} s; killed",
            args.join(" "),
            deadline.as_secs()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    guard.0 = None;
    Run {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        elapsed,
    }
}

fn drain(mut from: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
