//! The `hookcert` command line. Errors end here as one line and exit status 2; a run with a
//! FAIL case exits 1.

use anyhow::{Context as _, Result, anyhow};
use clap::{Args, Parser, Subcommand};
use hookcert::report::{self, Report};
use hookcert::{Auth, Certification, CertifyError};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hookcert",
    version,
    about = "Certifies CRM webhook receivers against the vendors' documents",
    long_about = "Certifies CRM webhook receivers (SPOTIO, Breakcold, ClinchPad, Zoho SalesIQ, \
                  Tomba) against the vendors' documents: plays the vendor against your endpoint \
                  and reports, case by case, what a correct receiver must do.\n\n\
                  Exit status: 0 no case failed; 1 at least one FAIL; 2 usage or configuration \
                  error, or the target cannot be reached."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Play the vendor against a receiver and judge its answers
    ///
    /// Without --url, starts the embedded reference receiver on a free loopback port with a
    /// fresh secret or key pair, and certifies it.
    Certify(CertifyArgs),
}

#[derive(Args)]
struct CertifyArgs {
    /// Vendor id: spotio, breakcold, clinchpad, zoho-salesiq, tomba
    #[arg(long)]
    vendor: String,
    /// The receiver's URL (http or https); default: the embedded reference receiver
    #[arg(long)]
    url: Option<String>,
    #[command(flatten)]
    auth: AuthArgs,
    /// Seed of the generated cases: the same seed sends byte-identical requests [default: random]
    #[arg(long)]
    seed: Option<u64>,
    /// Generated cases per event type
    #[arg(long, default_value_t = hookcert::certify::DEFAULT_CASES)]
    cases: u32,
    /// Only cases about this event type (repeatable)
    #[arg(long = "event", value_name = "EVENT")]
    events: Vec<String>,
    /// Only this suite (golden, generated, auth, robustness, unknown-event, duplicates,
    /// ordering, concurrency, latency) or case id such as auth/3 (repeatable)
    #[arg(long = "suite", value_name = "SUITE")]
    suites: Vec<String>,
    /// Answer timeout in milliseconds [default: the vendor's]
    #[arg(long)]
    timeout_ms: Option<u64>,
    /// Scale of the vendor's retry intervals when replaying them (0.01: a minute becomes 0.6 s)
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// PEM certificate(s) to trust for an https --url (a private CA or a self-signed receiver)
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Write the report as JSON (schema: conformance/report.schema.json)
    #[arg(long, value_name = "FILE")]
    report_json: Option<PathBuf>,
    /// Write the report as JUnit XML
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write the report as one self-contained HTML page
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

#[derive(Args)]
struct AuthArgs {
    /// The endpoint secret (spotio, breakcold) or handshake key (clinchpad); also HOOKCERT_SECRET
    #[arg(long, conflicts_with = "secret_file")]
    secret: Option<String>,
    /// A file holding the secret (trailing newline ignored)
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
    /// zoho-salesiq: the private key to sign with (PEM, PKCS#8 or PKCS#1)
    #[arg(long, value_name = "FILE")]
    private_key: Option<PathBuf>,
    /// tomba: a header to send, 'Name: value' (repeatable)
    #[arg(long = "header", value_name = "'NAME: VALUE'")]
    headers: Vec<String>,
    /// tomba: the HTTP method [default: POST]
    #[arg(long)]
    method: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Certify(args) => certify(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hookcert: error: {}", one_line(&e));
            ExitCode::from(2)
        }
    }
}

fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
        .replace('\n', " ")
}

impl AuthArgs {
    fn auth(&self) -> Result<Auth> {
        if let Some(path) = &self.private_key {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("--private-key {}", path.display()))?;
            return Ok(Auth::PrivateKeyPem(pem));
        }
        if !self.headers.is_empty() {
            let headers = self
                .headers
                .iter()
                .map(|h| {
                    let (name, value) = h
                        .split_once(':')
                        .ok_or_else(|| anyhow!("--header {h:?}: expected 'Name: value'"))?;
                    let name = name.trim();
                    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
                        return Err(anyhow!("--header {h:?}: not a header name"));
                    }
                    Ok((name.to_owned(), value.trim().to_owned()))
                })
                .collect::<Result<Vec<_>>>()?;
            return Ok(Auth::Headers(headers));
        }
        if let Some(secret) = &self.secret {
            return Ok(Auth::Secret(secret.clone()));
        }
        if let Some(path) = &self.secret_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("--secret-file {}", path.display()))?;
            return Ok(Auth::Secret(text.trim_end_matches(['\r', '\n']).to_owned()));
        }
        match std::env::var("HOOKCERT_SECRET") {
            Ok(secret) if !secret.is_empty() => Ok(Auth::Secret(secret)),
            _ => Ok(Auth::None),
        }
    }
}

fn certify(args: CertifyArgs) -> Result<ExitCode> {
    let mut run = Certification::new(&args.vendor)
        .map_err(|e| anyhow!("--vendor: {e}"))?
        .auth(args.auth.auth()?)
        .cases(args.cases)
        .time_scale(args.time_scale);
    if let Some(url) = &args.url {
        run = run.url(url.clone());
    }
    if let Some(seed) = args.seed {
        run = run.seed(seed);
    }
    if let Some(ms) = args.timeout_ms {
        run = run.timeout_ms(ms);
    }
    if let Some(path) = &args.ca_cert {
        let pem = std::fs::read_to_string(path)
            .with_context(|| format!("--ca-cert {}", path.display()))?;
        run = run.ca_cert_pem(pem);
    }
    if let Some(method) = &args.auth.method {
        run = run.method(method.clone());
    }
    let suites: Vec<&str> = args.suites.iter().map(String::as_str).collect();
    let events: Vec<&str> = args.events.iter().map(String::as_str).collect();
    run = run.suites(&suites).events(&events);
    let bar = progress_bar();
    if let Some(bar) = bar.clone() {
        run = run.progress(Box::new(move |done, total, case| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message(case.id.clone());
        }));
    }
    let report = match run.run_blocking() {
        Ok(report) => report,
        Err(e @ (CertifyError::Usage(_) | CertifyError::Unreachable { .. })) => {
            return Err(anyhow!(e));
        }
        Err(e) => return Err(anyhow!(e)),
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    write_reports(&args, &report)?;
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    print!("{}", report::terminal::render(&report, color));
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

fn write_reports(args: &CertifyArgs, report: &Report) -> Result<()> {
    if let Some(path) = &args.report_json {
        let json = serde_json::to_string_pretty(report)?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("--report-json {}", path.display()))?;
    }
    if let Some(path) = &args.junit {
        let xml = report::junit::render(report).map_err(|e| anyhow!("--junit: {e}"))?;
        std::fs::write(path, xml).with_context(|| format!("--junit {}", path.display()))?;
    }
    if let Some(path) = &args.html {
        std::fs::write(path, report::html::render(report))
            .with_context(|| format!("--html {}", path.display()))?;
    }
    Ok(())
}
