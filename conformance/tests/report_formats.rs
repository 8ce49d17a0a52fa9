//! The report formats read by tools we did not write: Python's `junitparser` reads the JUnit
//! XML, and headless Chromium parses the HTML page, so a malformed document cannot pass merely
//! because our own tests share our assumptions.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use hookcert::sample_report;
use serde_json::Value;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs one of the `scripts/ensure-*.sh` installers; they print what is missing and why.
fn ensure(script: &str, needed_for: &str) {
    let root = workspace_root();
    let status = Command::new("bash")
        .arg(root.join("scripts").join(script))
        .current_dir(&root)
        .status()
        .unwrap_or_else(|e| panic!("cannot run bash scripts/{script}: {e}"));
    assert!(
        status.success(),
        "scripts/{script} failed ({status}): {needed_for}; see its message above"
    );
}

// Prints the JUnit document as junitparser understands it, as JSON for the assertions.
const JUNITPARSER_SCRIPT: &str = r#"
import json, sys
from junitparser import JUnitXml
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = []
    for case in suite:
        first = case.result[0] if case.result else None
        cases.append({
            "name": case.name,
            "classname": case.classname,
            "result": type(first).__name__.lower() if first else "passed",
            "message": first.message if first else None,
            "text": first.text if first else None,
            "system_out": case.system_out,
            "time": case.time,
        })
    suites.append({
        "name": suite.name,
        "tests": suite.tests,
        "properties": {p.name: p.value for p in suite.properties()},
        "cases": cases,
    })
print(json.dumps({"tests": xml.tests, "failures": xml.failures, "skipped": xml.skipped,
                  "suites": suites}))
"#;

fn parse_with_junitparser(xml: &str) -> Value {
    ensure(
        "ensure-python-deps.sh",
        "Python 3 with junitparser is needed to cross-check the JUnit XML",
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("report.xml");
    std::fs::write(&path, xml).expect("write the JUnit XML");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = Command::new(&python)
        .args(["-c", JUNITPARSER_SCRIPT])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} (Python 3 is needed): {e}"));
    assert!(
        out.status.success(),
        "junitparser could not read the report:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

fn case<'a>(parsed: &'a Value, id: &str) -> &'a Value {
    parsed["suites"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["cases"].as_array().into_iter().flatten())
        .find(|c| c["name"] == id)
        .unwrap_or_else(|| panic!("no testcase {id} in {parsed}"))
}

#[test]
fn junitparser_reads_suites_cases_and_verdicts() {
    let xml = sample_report().render_junit().expect("the sample renders");
    let parsed = parse_with_junitparser(&xml);

    let suites: Vec<&str> = parsed["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .map(|s| s["name"].as_str().expect("a suite name"))
        .collect();
    assert_eq!(suites, ["golden", "generated", "robustness", "auth"]);
    assert_eq!(parsed["tests"], 4);
    assert_eq!(parsed["failures"], 1);
    assert_eq!(parsed["skipped"], 1);
    for suite in parsed["suites"].as_array().expect("suites") {
        assert_eq!(suite["tests"], 1, "{suite}");
        assert_eq!(suite["properties"]["vendor"], "spotio");
        assert_eq!(suite["properties"]["seed"], "7");
    }

    let failing = case(&parsed, "generated/activity.updated/5");
    assert_eq!(failing["result"], "failure");
    assert_eq!(failing["classname"], "hookcert.spotio.generated");
    let reason = failing["message"].as_str().expect("a failure message");
    // The cause first, so that a CI page of failures groups itself.
    assert!(
        reason.starts_with("[non-ascii] answered 500 to a valid event"),
        "{reason}"
    );
    let text = failing["text"].as_str().expect("a failure text");
    for part in [
        "FLAKY",
        "expected: ",
        "observed: 500",
        "curl -sS -X POST",
        "Grüße 🚀",
    ] {
        assert!(text.contains(part), "missing {part:?} in {text}");
    }
    assert!((failing["time"].as_f64().expect("a time") - 0.118).abs() < 0.001);

    assert_eq!(case(&parsed, "auth/not-configured")["result"], "skipped");
    assert_eq!(case(&parsed, "golden/activity.created")["result"], "passed");
    let warn = case(&parsed, "robustness/empty-body");
    assert_eq!(warn["result"], "passed");
    let out = warn["system_out"].as_str().expect("WARN in system-out");
    assert!(out.starts_with("WARN: accepted an empty body"), "{out}");
}

const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// Loads the page in headless Chromium and returns the DOM it built.
fn chromium_dom(page: &str) -> String {
    ensure(
        "ensure-test-tools.sh",
        "Chromium is needed to check the HTML report",
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("report.html");
    std::fs::write(&path, page).expect("write the HTML");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let child = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", path.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {chromium}: {e}"));
    let (stdout, stderr) = wait_with_deadline(child, CHROMIUM_TIMEOUT);
    assert!(
        stdout.contains("</html>"),
        "Chromium dumped no DOM; its stderr:\n{stderr}"
    );
    stdout
}

/// Reads both pipes on their own threads (a full pipe would stall the browser) and kills the
/// browser if it outlives the deadline, so a hung Chromium fails the test instead of CI.
fn wait_with_deadline(mut child: Child, limit: Duration) -> (String, String) {
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("poll Chromium").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within {limit:?}");
        }
        thread::sleep(Duration::from_millis(100));
    }
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    (stdout, stderr)
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// The markup of `<section id=...>` in Chromium's serialization of the DOM.
fn section<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section #{id} in the DOM:\n{dom}"));
    let len = dom[start..].find("</section>").expect("the section closes");
    &dom[start..start + len]
}

/// Appended to the page before Chromium loads it, to ask the browser what a reader gets: whether
/// the causes section is laid out and visible above the suites, and which element each of its
/// in-page links lands on. It writes its findings into `<pre id="dom-probe">` and removes itself,
/// so the DOM dumped holds no script of ours.
const DOM_PROBE: &str = r##"<script>
(() => {
  const out = { links: [] };
  try {
    const causes = document.getElementById('causes');
    const suites = document.getElementById('suites');
    if (causes) {
      const box = causes.getBoundingClientRect();
      const style = getComputedStyle(causes);
      out.causesVisible = box.width > 0 && box.height > 0 && style.display !== 'none'
        && style.visibility === 'visible' && Number(style.opacity) > 0;
      out.causesAboveSuites = !!suites && box.bottom <= suites.getBoundingClientRect().top;
      for (const a of causes.querySelectorAll('a[href^="#"]')) {
        const id = decodeURIComponent(a.getAttribute('href').slice(1));
        const target = document.getElementById(id);
        out.links.push({ href: a.getAttribute('href'), className: a.className,
          target: target ? target.id : null, targetClass: target ? target.className : null });
      }
    }
  } catch (e) {
    out.error = String(e);
  } finally {
    const pre = document.createElement('pre');
    pre.id = 'dom-probe';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
    document.currentScript.remove();
  }
})();
</script>"##;

/// What `DOM_PROBE` found, from the DOM Chromium dumped.
fn dom_probe(dom: &str) -> Value {
    let start = dom
        .find("<pre id=\"dom-probe\">")
        .unwrap_or_else(|| panic!("the DOM probe did not run; the DOM:\n{dom}"))
        + "<pre id=\"dom-probe\">".len();
    let len = dom[start..].find("</pre>").expect("the probe's pre closes");
    let text = dom[start..start + len]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the probe wrote {text}: {e}"))
}

#[test]
fn chromium_renders_summary_causes_and_failures() {
    let mut report = sample_report();
    // Escaping checked by a real HTML parser: unescaped, this would become a script element.
    report.cases[0].description = "<script>document.title = 'injected'</script>".into();
    let page = report.render_html();
    assert!(!page.contains("<script"), "the page itself holds a script");
    let dom = chromium_dom(&page.replacen("</body>", &format!("{DOM_PROBE}</body>"), 1));

    let summary = section(&dom, "summary");
    for verdict in ["pass", "warn", "fail", "skip"] {
        assert!(
            summary.contains(&format!("<strong>1</strong> {verdict}")),
            "no count of {verdict} in {summary}"
        );
    }

    // The causes come right after the counts, laid out where a reader sees them first.
    assert!(
        dom.find("<section id=\"summary\">") < dom.find("<section id=\"causes\">"),
        "the causes are not right after the summary"
    );
    let causes = section(&dom, "causes");
    assert!(causes.contains("id=\"cause-non-ascii\""), "{causes}");
    assert!(causes.contains("strings with non-ASCII characters get 500"));
    let probe = dom_probe(&dom);
    assert_eq!(probe["error"], Value::Null, "the probe failed: {probe}");
    assert_eq!(probe["causesVisible"], true, "{probe}");
    assert_eq!(probe["causesAboveSuites"], true, "{probe}");
    let links = probe["links"].as_array().expect("the probe lists links");
    let example = links
        .iter()
        .find(|l| l["className"] == "example")
        .unwrap_or_else(|| panic!("no example link in the causes: {probe}"));
    assert_eq!(example["href"], "#case-generated/activity.updated/5");
    // It lands on the failing case's full block, not on nothing.
    assert_eq!(example["target"], "case-generated/activity.updated/5");
    assert_eq!(example["targetClass"], "failing-case");
    for link in links {
        assert!(link["target"].is_string(), "a link to nothing: {link}");
    }

    let failures = section(&dom, "failures");
    assert_eq!(failures.matches("class=\"failing-case\"").count(), 1);
    assert!(failures.contains("<code>generated/activity.updated/5</code>"));
    assert!(failures.contains("FLAKY"));
    assert!(failures.contains("href=\"#cause-non-ascii\""));

    assert!(!dom.contains("<script"), "a description became markup");
    assert!(dom.contains("&lt;script&gt;document.title"));
    assert!(dom.contains("<title>hookcert FAIL: spotio</title>"));
}
