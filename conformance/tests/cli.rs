//! The `hookcert` binary as CI pipelines use it: exit statuses, one-line errors, usage on bad
//! flags, report files, and never a panic.

use std::process::{Command, Output};

fn hookcert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookcert"))
        .args(args)
        .env_remove("HOOKCERT_SECRET")
        .output()
        .expect("hookcert runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn no_panic(out: &Output) {
    let stderr = text(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
}

#[test]
fn certify_without_url_certifies_the_reference_receiver_for_every_vendor() {
    for vendor in ["spotio", "breakcold", "clinchpad", "zoho-salesiq", "tomba"] {
        let out = hookcert(&["certify", "--vendor", vendor, "--seed", "5", "--cases", "4"]);
        no_panic(&out);
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{vendor}:\n{stdout}\n{}",
            text(&out.stderr)
        );
        assert!(
            stdout.contains("PASS:") && stdout.contains("seed 5"),
            "{stdout}"
        );
    }
}

#[test]
fn an_unreachable_target_exits_2_with_one_line() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let out = hookcert(&["certify", "--vendor", "tomba", "--url", &url]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot reach") && stderr.contains("refused"),
        "{stderr}"
    );
}

#[test]
fn bad_flags_exit_2_with_usage_or_a_named_reason() {
    let cases: &[(&[&str], &str)] = &[
        (&["certify", "--vendor", "spotio", "--bogus"], "Usage"),
        (&["certify"], "--vendor"),
        (&["certify", "--vendor", "nope"], "unknown vendor \"nope\""),
        (
            &["certify", "--vendor", "spotio", "--cases", "many"],
            "--cases",
        ),
        (
            &["certify", "--vendor", "spotio", "--suite", "speed"],
            "--suite speed",
        ),
        (
            &["certify", "--vendor", "spotio", "--event", "lead.exploded"],
            "--event lead.exploded",
        ),
        (
            &["certify", "--vendor", "spotio", "--url", "ftp://x/"],
            "--url ftp://x/",
        ),
        (
            &[
                "certify",
                "--vendor",
                "spotio",
                "--url",
                "http://127.0.0.1:9/",
            ],
            "spotio authenticates with an HMAC secret",
        ),
        (
            &[
                "certify",
                "--vendor",
                "zoho-salesiq",
                "--url",
                "http://127.0.0.1:9/",
                "--private-key",
                "/nonexistent.pem",
            ],
            "--private-key /nonexistent.pem",
        ),
        (
            &["certify", "--vendor", "tomba", "--header", "no colon"],
            "--header",
        ),
    ];
    for (args, expected) in cases {
        let out = hookcert(args);
        no_panic(&out);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let help = hookcert(&["certify", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("--time-scale"));
}

#[test]
fn report_files_are_written_and_failures_exit_1() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let json = dir.path().join("report.json");
    let junit = dir.path().join("junit.xml");
    let html = dir.path().join("report.html");
    let out = hookcert(&[
        "certify",
        "--vendor",
        "tomba",
        "--cases",
        "2",
        "--seed",
        "9",
        "--report-json",
        json.to_str().expect("utf-8"),
        "--junit",
        junit.to_str().expect("utf-8"),
        "--html",
        html.to_str().expect("utf-8"),
    ]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("the JSON report")).expect("JSON");
    assert_eq!(report["seed"], 9);
    assert!(
        std::fs::read_to_string(&junit)
            .expect("JUnit")
            .contains("<testsuites")
    );
    assert!(
        std::fs::read_to_string(&html)
            .expect("HTML")
            .contains("id=\"summary\"")
    );
    let unwritable = hookcert(&[
        "certify",
        "--vendor",
        "tomba",
        "--report-json",
        "/nonexistent/dir/r.json",
    ]);
    no_panic(&unwritable);
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(text(&unwritable.stderr).contains("--report-json /nonexistent/dir/r.json"));
}

#[test]
fn catalog_and_keygen_from_the_command_line() {
    let table = hookcert(&["catalog"]);
    assert_eq!(table.status.code(), Some(0));
    let table = text(&table.stdout);
    for vendor in ["spotio", "breakcold", "clinchpad", "zoho-salesiq", "tomba"] {
        assert!(table.contains(vendor), "{table}");
    }
    let json = hookcert(&["catalog", "--vendor", "spotio", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(
        value["vendors"][0]["events"].as_array().map(Vec::len),
        Some(10)
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    let openapi = dir.path().join("spotio.openapi.json");
    let out = hookcert(&[
        "catalog",
        "--openapi",
        "spotio",
        "--out",
        openapi.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&openapi).expect("written")).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["webhooks"]["lead.added"]["post"]["requestBody"].is_object());
    let bad = hookcert(&["catalog", "--openapi", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("unknown vendor \"nope\""));

    let keys = dir.path().join("keys");
    let out = hookcert(&["keygen", "--out", keys.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pkey = Command::new("openssl")
        .args(["pkey", "-in"])
        .arg(keys.join("private.pem"))
        .arg("-noout")
        .status()
        .expect("openssl runs");
    assert!(pkey.success());
    let again = hookcert(&["keygen", "--out", keys.to_str().expect("utf-8")]);
    no_panic(&again);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already exists"));
}
