//! The re-serializing SPOTIO receiver of `reserializing_receiver.js`, run under Node.js: a
//! receiver written as real ones are, in another language, with the harness's code nowhere near
//! it. And JavaScript's own `JSON.stringify` layout of a body, written by Node.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long Node may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(15);

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/reserializing_receiver.js")
}

fn node() -> Command {
    Command::new("node")
}

fn no_node(e: std::io::Error) -> ! {
    panic!("cannot run node ({e}); bash scripts/ensure-test-tools.sh installs it")
}

/// A running Node.js receiver; killed by its PID when dropped, a panicking test included.
pub struct NodeReceiver {
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    child: Child,
    /// Held open: the script exits when its standard input closes, so that it cannot outlive a
    /// test killed before its guards ran.
    _stdin: Option<ChildStdin>,
}

impl NodeReceiver {
    /// Starts the receiver on a free loopback port, verifying with `secret`.
    pub fn start(secret: &str) -> NodeReceiver {
        let mut child = node()
            .arg(script())
            .arg("0")
            .arg(secret)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| no_node(e));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("node's standard output");
        // The guard exists before anything can panic, so the process is always killed.
        let mut receiver = NodeReceiver {
            url: String::new(),
            child,
            _stdin: stdin,
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(read.map(|_| line));
        });
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => panic!("reading the node receiver's first line: {e}"),
            Err(_) => panic!(
                "the node receiver printed no address within {} s",
                START_TIMEOUT.as_secs()
            ),
        };
        receiver.url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the node receiver said {line:?}, not its address"))
            .to_owned();
        receiver
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for NodeReceiver {
    fn drop(&mut self) {
        // SIGKILL to this PID only; then reaped, so no zombie is left.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `body` as `JSON.stringify(JSON.parse(body))` writes it: the one layout the re-serializing
/// receiver's signature check accepts.
pub fn js_stringify(body: &[u8]) -> Vec<u8> {
    let mut child = node()
        .arg("-e")
        .arg(
            "let s='';process.stdin.setEncoding('utf8');process.stdin.on('data',c=>s+=c);\
             process.stdin.on('end',()=>process.stdout.write(JSON.stringify(JSON.parse(s))));",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| no_node(e));
    let mut stdin = child.stdin.take().expect("node's standard input");
    stdin.write_all(body).expect("write the body to node");
    drop(stdin);
    let out = child.wait_with_output().expect("node's output");
    assert!(
        out.status.success(),
        "node -e JSON.stringify: {}",
        out.status
    );
    out.stdout
}
