//! The `hookcert` command line. The library's errors are typed and speak of what went wrong;
//! here, and only here, they are tied to the flag that caused them, printed as one line, and
//! given exit status 2. A run with a FAIL case exits 1.

use anyhow::{Context as _, Result, anyhow};
use clap::{Args, Parser, Subcommand};
use hookcert::{
    BenchError, CatalogError, Certification, CertifyError, CorpusError, CredentialKind,
    Credentials, ExportError, ExportFormat, KeyError, ListenError, MergeError, Method,
    OpenApiError, Report, SendError, SetupError,
};
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
    /// Play the receiver and judge a sender: signatures, schemas, retries
    ///
    /// Prints `listening on http://127.0.0.1:PORT/` first, then one line per request. Answers
    /// as a correct receiver (200; 401 bad authentication; 400 malformed), or 500 to the first
    /// N attempts of each delivery with --fail-first, to watch the sender's retries. Exit
    /// status 0 when every delivery conformed, 1 otherwise.
    Listen(ListenArgs),
    /// Send one authenticated event (golden, or generated with --generated) to a URL
    ///
    /// Prints the status and latency; exit status 0 on the vendor's success status, 1 on any
    /// other answer, 2 when the URL cannot be reached.
    Send(SendArgs),
    /// The vendors and their events, authentication, timeout and retry policy
    ///
    /// As a table, or JSON with --json; --openapi V writes an OpenAPI 3.1 document of V's
    /// webhooks (request body schemas, signature headers) for other languages' tooling.
    Catalog(CatalogArgs),
    /// Send valid deliveries as fast as the receiver takes them, and measure the rate
    ///
    /// Each delivery is generated, signed and recorded (JSON lines to --record) as certify
    /// does; prints deliveries per second and latency. scripts/bench-throughput.sh runs it
    /// against wrk. With --merge DIR, prints the same summary for the records of a run of an
    /// exported corpus (see `hookcert export`), and checks each delivery was sent once.
    Bench(BenchArgs),
    /// Write the deliveries bench sends to a folder, for Locust (or Vegeta) to send
    ///
    /// --format locust (the default) writes deliveries.jsonl (method, path, headers, base64
    /// body and number of each signed delivery), manifest.json and a locustfile.py that
    /// shares the deliveries out over Locust's workers, so that each is sent once, and records
    /// every answer for `hookcert bench --merge DIR`. --format vegeta writes targets.jsonl in
    /// Vegeta's JSON format. The vendors' signatures do not cover the time, so a corpus stays
    /// valid wherever and whenever it is sent.
    Export(ExportArgs),
    /// Write an RSA-2048 key pair for Zoho SalesIQ: private.pem (PKCS#8), public.pem (SPKI)
    Keygen(KeygenArgs),
}

#[derive(Args)]
struct CatalogArgs {
    /// Only this vendor, with its event types
    #[arg(long)]
    vendor: Option<String>,
    /// JSON instead of a table
    #[arg(long, conflicts_with = "openapi")]
    json: bool,
    /// Write an OpenAPI 3.1 document of this vendor's webhooks
    #[arg(long, value_name = "VENDOR", conflicts_with = "vendor")]
    openapi: Option<String>,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct ExportArgs {
    /// Vendor id: spotio, breakcold, clinchpad, zoho-salesiq, tomba
    #[arg(long)]
    vendor: String,
    /// The receiver's URL: every delivery goes to its path (Locust's --host can change the
    /// origin)
    #[arg(long)]
    url: String,
    #[command(flatten)]
    auth: AuthArgs,
    /// How many deliveries to write
    #[arg(long, default_value_t = 10_000)]
    deliveries: u64,
    /// Seed of the generated events (the same seed and credentials write the same corpus)
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The folder to write (created; refused when not empty)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Which load engine the folder is for
    #[arg(long, value_enum, default_value_t = FormatArg::Locust)]
    format: FormatArg,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    /// deliveries.jsonl and a locustfile.py that shards and records
    Locust,
    /// targets.jsonl, Vegeta's JSON targets (vegeta attack -format=json)
    Vegeta,
}

#[derive(Args)]
struct BenchArgs {
    /// Vendor id: spotio, breakcold, clinchpad, zoho-salesiq, tomba
    #[arg(long, required_unless_present = "merge")]
    vendor: Option<String>,
    /// The receiver's URL
    #[arg(long, required_unless_present = "merge")]
    url: Option<String>,
    /// Print the summary of the records in DIR/records (written by the locustfile of
    /// `hookcert export` DIR, one file per worker, gathered from every host) instead of sending
    #[arg(long, value_name = "DIR", conflicts_with_all = ["vendor", "url", "record", "wrk_script"])]
    merge: Option<PathBuf>,
    #[command(flatten)]
    auth: AuthArgs,
    /// How many deliveries to send
    #[arg(long, default_value_t = 100_000)]
    deliveries: u64,
    /// Deliveries in flight at once, each on its own kept-alive connection
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Seed of the generated events
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write one JSON line per delivery to this file, as it happens
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Answer timeout in milliseconds [default: the vendor's]
    #[arg(long)]
    timeout_ms: Option<u64>,
    /// Print the result as one JSON object
    #[arg(long)]
    json: bool,
    /// Also write a wrk Lua script sending a body of the run's average size, signed the same
    /// way, for a comparison run against the same receiver
    #[arg(long, value_name = "FILE")]
    wrk_script: Option<PathBuf>,
}

#[derive(Args)]
struct KeygenArgs {
    /// The folder to write private.pem and public.pem into (created if missing)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct ListenArgs {
    /// Vendor id: spotio, breakcold, clinchpad, zoho-salesiq, tomba
    #[arg(long)]
    vendor: String,
    /// Port to listen on [default: a free port]
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    #[command(flatten)]
    auth: AuthArgs,
    /// Answer 500 to the first N attempts of each delivery
    #[arg(long, default_value_t = 0)]
    fail_first: u32,
    /// Wait this long before each answer
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Stop once N distinct deliveries have been seen and each has finished
    #[arg(long)]
    max_deliveries: Option<usize>,
    /// Stop after this many seconds, whatever has arrived
    #[arg(long)]
    duration_s: Option<f64>,
    /// Write the conformance report as JSON
    #[arg(long, value_name = "FILE")]
    report_json: Option<PathBuf>,
}

#[derive(Args)]
struct SendArgs {
    /// Vendor id: spotio, breakcold, clinchpad, zoho-salesiq, tomba
    #[arg(long)]
    vendor: String,
    /// The event type to send (see `hookcert catalog --vendor V`)
    #[arg(long)]
    event: String,
    /// Where to send it
    #[arg(long)]
    url: String,
    #[command(flatten)]
    auth: AuthArgs,
    /// Send a property-generated event instead of the golden example
    #[arg(long)]
    generated: bool,
    /// Seed of the generated event
    #[arg(long, default_value_t = 0, requires = "generated")]
    seed: u64,
    /// Answer timeout in milliseconds [default: the vendor's]
    #[arg(long)]
    timeout_ms: Option<u64>,
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
    #[arg(long, default_value_t = hookcert::DEFAULT_CASES)]
    cases: u32,
    /// Only cases about this event type (repeatable)
    #[arg(long = "event", value_name = "EVENT")]
    events: Vec<String>,
    /// Only this suite (golden, generated, auth, robustness, unknown-event, duplicates,
    /// ordering, concurrency, latency) or case id such as auth/no-signature (repeatable)
    #[arg(long = "suite", value_name = "SUITE")]
    suites: Vec<String>,
    /// Answer timeout in milliseconds [default: the vendor's]
    #[arg(long)]
    timeout_ms: Option<u64>,
    /// Scale of the vendor's retry intervals when replaying them (0.01: a minute becomes 0.6 s)
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Cases in flight at once; a case whose requests depend on order keeps them in order
    #[arg(long, default_value_t = hookcert::DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// Stop sending new cases after N failing ones (what was sent is still diagnosed)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_failures: Option<u32>,
    /// Print the summary alone
    #[arg(long, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print every failing case, each with its replay command
    #[arg(long)]
    verbose: bool,
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
    /// zoho-salesiq: the private key to sign with (certify, send; PEM, PKCS#8 or PKCS#1)
    #[arg(long, value_name = "FILE", conflicts_with = "public_key")]
    private_key: Option<PathBuf>,
    /// zoho-salesiq: the public key to verify with (listen; PEM, SPKI or PKCS#1)
    #[arg(long, value_name = "FILE")]
    public_key: Option<PathBuf>,
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
        Command::Listen(args) => listen(args),
        Command::Send(args) => send(args),
        Command::Catalog(args) => catalog(args),
        Command::Keygen(args) => keygen(args),
        Command::Bench(args) => bench(args),
        Command::Export(args) => export(args),
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
    fn credentials(&self) -> Result<Credentials> {
        if let Some(path) = &self.public_key {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("--public-key {}", path.display()))?;
            return Ok(Credentials::PublicKeyPem(pem));
        }
        if let Some(path) = &self.private_key {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("--private-key {}", path.display()))?;
            return Ok(Credentials::PrivateKeyPem(pem));
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
                    Ok((name.to_owned(), value.trim().into()))
                })
                .collect::<Result<Vec<_>>>()?;
            return Ok(Credentials::Headers(headers));
        }
        if let Some(secret) = &self.secret {
            return Ok(Credentials::Secret(secret.as_str().into()));
        }
        if let Some(path) = &self.secret_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("--secret-file {}", path.display()))?;
            return Ok(Credentials::Secret(
                text.trim_end_matches(['\r', '\n']).into(),
            ));
        }
        match std::env::var("HOOKCERT_SECRET") {
            Ok(secret) if !secret.is_empty() => Ok(Credentials::Secret(secret.into())),
            _ => Ok(Credentials::None),
        }
    }

    /// `--method`, read as a method name.
    fn method(&self) -> Result<Option<Method>> {
        self.method
            .as_deref()
            .map(|m| {
                Method::parse(m).ok_or_else(|| {
                    let known: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
                    anyhow!("--method {m}: not a method; one of {}", known.join(", "))
                })
            })
            .transpose()
    }
}

/// The flags that give credentials of each kind.
fn flags_for(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Secret => "--secret, --secret-file or HOOKCERT_SECRET",
        CredentialKind::PrivateKey => "--private-key FILE (PEM, PKCS#8 or PKCS#1)",
        CredentialKind::PublicKey => "--public-key FILE (PEM, SPKI or PKCS#1)",
        CredentialKind::Headers => "--header 'Name: value' (repeatable)",
        CredentialKind::None => "nothing",
    }
}

/// Credentials that do not fit `vendor`, said with the flags that would.
fn credentials_error(vendor: &str, e: &SetupError) -> anyhow::Error {
    match e {
        SetupError::WrongKind {
            scheme,
            given,
            takes,
        } => {
            let give: Vec<&str> = takes.iter().map(|k| flags_for(*k)).collect();
            let given = match given {
                CredentialKind::None => String::new(),
                other => format!(", which {other} does not fit"),
            };
            anyhow!(
                "{vendor} authenticates with {scheme}{given}; give {}",
                give.join(", or ")
            )
        }
        SetupError::Key(KeyError::NotPrivateKeyPem) => anyhow!("--private-key: {e}"),
        SetupError::Key(KeyError::NotPublicKeyPem) => anyhow!("--public-key: {e}"),
        SetupError::Key(_) => anyhow!("{e}"),
    }
}

fn catalog_error(e: &CatalogError) -> anyhow::Error {
    match e {
        CatalogError::UnknownVendor { .. } => anyhow!("--vendor: {e}"),
        _ => anyhow!("{e}"),
    }
}

fn certify_error(vendor: &str, e: CertifyError) -> anyhow::Error {
    match &e {
        CertifyError::Catalog(c) => catalog_error(c),
        CertifyError::UnknownSuite { .. } => anyhow!("--suite {e}"),
        CertifyError::UnknownEvent { vendor, .. } => {
            anyhow!("--event {e} (see `hookcert catalog --vendor {vendor}`)")
        }
        CertifyError::TimeScale { .. } => anyhow!("--time-scale {e}"),
        CertifyError::ZeroTimeout => anyhow!("--timeout-ms: {e}"),
        CertifyError::MethodFixed { .. } => anyhow!("--method: {e}"),
        CertifyError::Target(_) => anyhow!("--url {e}"),
        CertifyError::CaCertificate(_) => anyhow!("--ca-cert: {e}"),
        CertifyError::Credentials(c) => credentials_error(vendor, c),
        CertifyError::Unreachable { .. }
        | CertifyError::FreshCredentials(_)
        | CertifyError::Receiver(_)
        | CertifyError::Runtime(_) => anyhow!(e),
    }
}

fn certify(args: CertifyArgs) -> Result<ExitCode> {
    let mut run = Certification::new(&args.vendor)
        .map_err(|e| certify_error(&args.vendor, e))?
        .credentials(args.auth.credentials()?)
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
    if let Some(method) = args.auth.method()? {
        run = run.method(method);
    }
    let suites: Vec<&str> = args.suites.iter().map(String::as_str).collect();
    let events: Vec<&str> = args.events.iter().map(String::as_str).collect();
    run = run.suites(&suites).events(&events);
    run = run.concurrency(usize::from(args.concurrency));
    if let Some(max) = args.max_failures {
        run = run.max_failures(max as usize);
    }
    let bar = progress_bar();
    match (bar.clone(), args.quiet) {
        (Some(bar), _) => {
            run = run.progress(Box::new(move |p| {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                bar.set_message(p.case.id.clone());
            }));
        }
        // In a pipe or a CI log: one line as each suite is done.
        (None, false) => {
            let mut counts: std::collections::HashMap<String, [u32; 4]> =
                std::collections::HashMap::new();
            run = run.progress(Box::new(move |p| {
                let c = counts.entry(p.case.suite.clone()).or_default();
                c[p.case.verdict as usize] += 1;
                if p.suite_done == p.suite_total {
                    eprintln!(
                        "hookcert: {} done: {} pass, {} warn, {} fail ({}/{} cases)",
                        p.case.suite, c[0], c[1], c[2], p.done, p.total
                    );
                }
            }));
        }
        (None, true) => {}
    }
    let report = run
        .run_blocking()
        .map_err(|e| certify_error(&args.vendor, e))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    write_reports(&args, &report)?;
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let detail = if args.quiet {
        hookcert::Detail::Summary
    } else if args.verbose {
        hookcert::Detail::Verbose
    } else {
        hookcert::Detail::Causes
    };
    print!("{}", report.render_terminal_with(color, detail));
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn listen(args: ListenArgs) -> Result<ExitCode> {
    use hookcert::{ListenConfig, StopWhen};
    use std::io::Write;
    let credentials = args.auth.credentials()?;
    if matches!(credentials, Credentials::PrivateKeyPem(_)) {
        return Err(anyhow!("--private-key: listen verifies; give --public-key"));
    }
    let duration = match args.duration_s {
        Some(s) if !(s.is_finite() && s > 0.0) => {
            return Err(anyhow!(
                "--duration-s {s}: must be a number of seconds above 0"
            ));
        }
        Some(s) => Some(std::time::Duration::from_secs_f64(s)),
        None => None,
    };
    let config = ListenConfig {
        vendor: args.vendor.clone(),
        credentials,
        addr: std::net::SocketAddr::new(args.host, args.port),
        fail_first: args.fail_first,
        delay: std::time::Duration::from_millis(args.delay_ms),
    };
    let stop = StopWhen {
        deliveries: args.max_deliveries,
        duration,
    };
    let runtime = runtime()?;
    let report = runtime.block_on(async {
        let listening = hookcert::listen(config).await.map_err(|e| match &e {
            ListenError::Catalog(c) => catalog_error(c),
            ListenError::Receiver(hookcert::ReceiverError::Catalog(c)) => catalog_error(c),
            ListenError::Receiver(hookcert::ReceiverError::Credentials(c)) => {
                credentials_error(&args.vendor, c)
            }
            ListenError::Receiver(_) => anyhow!("--port: {e}"),
        })?;
        println!("listening on {}", listening.url());
        let _ = std::io::stdout().flush();
        Ok::<_, anyhow::Error>(
            listening
                .run(stop, |line| {
                    println!("{line}");
                    let _ = std::io::stdout().flush();
                })
                .await,
        )
    })?;
    if let Some(path) = &args.report_json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("--report-json {}", path.display()))?;
    }
    let s = report.summary;
    let warned = match s.warned {
        0 => String::new(),
        n => format!(" ({n} with WARN)"),
    };
    println!(
        "{}: {} deliveries ({} requests), {} conforming{warned}, {} not",
        if report.passed() { "PASS" } else { "FAIL" },
        s.deliveries,
        s.requests,
        s.conforming,
        s.nonconforming
    );
    for d in report.deliveries.iter().filter(|d| !d.conforming) {
        println!(
            "  FAIL delivery {} ({}): {}",
            d.number,
            d.event_types.join(","),
            d.violations.join("; ")
        );
    }
    for d in report
        .deliveries
        .iter()
        .filter(|d| d.conforming && !d.warnings.is_empty())
    {
        println!(
            "  WARN delivery {} ({}): {}",
            d.number,
            d.event_types.join(","),
            d.warnings.join("; ")
        );
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn send(args: SendArgs) -> Result<ExitCode> {
    let config = hookcert::SendConfig {
        vendor: args.vendor.clone(),
        event: args.event.clone(),
        url: args.url.clone(),
        credentials: args.auth.credentials()?,
        generated_seed: args.generated.then_some(args.seed),
        method: args.auth.method()?,
        timeout_ms: args.timeout_ms,
    };
    let result = runtime()?
        .block_on(hookcert::send(&config))
        .map_err(|e| match &e {
            SendError::Catalog(c) => catalog_error(c),
            SendError::UnknownEvent { vendor, .. } => {
                anyhow!("--event {e} (see `hookcert catalog --vendor {vendor}`)")
            }
            SendError::NoGolden { .. } | SendError::NotGenerated { .. } => anyhow!("--event {e}"),
            SendError::Target(_) => anyhow!("--url {e}"),
            SendError::Credentials(c) => credentials_error(&config.vendor, c),
            SendError::MethodFixed { .. } => anyhow!("--method: {e}"),
            SendError::Unreachable { .. } => anyhow!(e),
        })?;
    let latency = result.outcome.latency().as_secs_f64() * 1000.0;
    match &result.outcome {
        hookcert::Outcome::Answered { status, .. } => {
            println!(
                "{status} in {latency:.1} ms ({} {})",
                config.vendor, config.event
            );
        }
        hookcert::Outcome::Failed { error, .. } => {
            println!(
                "no answer: {error} after {latency:.1} ms ({} {})",
                config.vendor, config.event
            );
        }
    }
    Ok(if result.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn catalog(args: CatalogArgs) -> Result<ExitCode> {
    let text = if let Some(vendor) = &args.openapi {
        let doc = hookcert::openapi_document(vendor).map_err(|e| match &e {
            OpenApiError::Catalog(CatalogError::UnknownVendor { .. }) => anyhow!("--openapi: {e}"),
            _ => anyhow!(e),
        })?;
        serde_json::to_string_pretty(&doc)? + "\n"
    } else if args.json {
        let json = hookcert::catalog_json(args.vendor.as_deref()).map_err(|e| catalog_error(&e))?;
        serde_json::to_string_pretty(&json)? + "\n"
    } else {
        hookcert::catalog_table(args.vendor.as_deref()).map_err(|e| catalog_error(&e))?
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("--out {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(args: BenchArgs) -> Result<ExitCode> {
    if let Some(dir) = &args.merge {
        return bench_merge(dir, args.json);
    }
    let (Some(vendor), Some(url)) = (args.vendor.clone(), args.url.clone()) else {
        return Err(anyhow!("--vendor and --url are needed, unless --merge"));
    };
    let config = hookcert::BenchConfig {
        vendor: vendor.clone(),
        url,
        credentials: args.auth.credentials()?,
        method: args.auth.method()?,
        deliveries: args.deliveries,
        concurrency: args.concurrency,
        seed: args.seed,
        record: args.record.clone(),
        timeout_ms: args.timeout_ms,
        wrk_script: args.wrk_script.clone(),
    };
    // One thread: on a small machine the receiver under load needs the other core more.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime
        .block_on(hookcert::bench(config))
        .map_err(|e| match &e {
            BenchError::Catalog(c) => catalog_error(c),
            BenchError::Corpus(c) => corpus_error(&vendor, c),
            BenchError::NoConcurrency => anyhow!("--concurrency: {e}"),
            BenchError::Target(_) => anyhow!("--url {e}"),
            BenchError::Write { path, .. } if Some(path) == args.record.as_ref() => {
                anyhow!("--record {e}")
            }
            BenchError::Write { .. } => anyhow!("--wrk-script {e}"),
            BenchError::Unreachable { .. } => anyhow!(e),
        })?;
    if args.json {
        println!("{}", serde_json::to_string(&result)?);
    } else {
        println!("{result}");
    }
    Ok(if result.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `bench --merge DIR`: exit 0 when every delivery was sent once and accepted.
fn bench_merge(dir: &std::path::Path, json: bool) -> Result<ExitCode> {
    let merged = hookcert::bench_merge(dir).map_err(|e| match &e {
        MergeError::Manifest(_) | MergeError::NoRecords { .. } => anyhow!("--merge {e}"),
        MergeError::Read { .. } | MergeError::Invalid { .. } | MergeError::Unknown { .. } => {
            anyhow!(e)
        }
    })?;
    if json {
        let mut value = serde_json::to_value(&merged.result)?;
        if let Some(object) = value.as_object_mut() {
            object.insert("record_files".into(), merged.record_files.into());
            object.insert("expected".into(), merged.expected.into());
            object.insert("missing".into(), merged.missing.into());
            object.insert("repeated".into(), merged.repeated.into());
        }
        println!("{value}");
    } else {
        println!("{}", merged.result);
        println!("{}", merged.coverage());
    }
    Ok(if merged.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn corpus_error(vendor: &str, e: &CorpusError) -> anyhow::Error {
    match e {
        CorpusError::Catalog(c) => catalog_error(c),
        CorpusError::Credentials(c) => credentials_error(vendor, c),
        CorpusError::MethodFixed { .. } => anyhow!("--method: {e}"),
        CorpusError::NoEvents { .. } | CorpusError::TooFewIdentities { .. } => anyhow!("{e}"),
    }
}

fn export(args: ExportArgs) -> Result<ExitCode> {
    let config = hookcert::ExportConfig {
        vendor: args.vendor.clone(),
        url: args.url.clone(),
        credentials: args.auth.credentials()?,
        method: args.auth.method()?,
        deliveries: args.deliveries,
        seed: args.seed,
        out: args.out.clone(),
        format: match args.format {
            FormatArg::Locust => ExportFormat::Locust,
            FormatArg::Vegeta => ExportFormat::Vegeta,
        },
    };
    let exported = hookcert::export(&config).map_err(|e| match &e {
        ExportError::Catalog(c) => catalog_error(c),
        ExportError::Corpus(c) => corpus_error(&args.vendor, c),
        ExportError::Target(_) => anyhow!("--url {e}"),
        ExportError::NoDeliveries => anyhow!("--deliveries: {e}"),
        ExportError::NotEmpty { .. } | ExportError::Write { .. } => anyhow!("--out {e}"),
        ExportError::StaleSignatures { .. } => anyhow!("--vendor: {e}"),
    })?;
    println!(
        "{} {} deliveries ({} bytes of bodies) written to {}",
        exported.deliveries,
        args.vendor,
        exported.body_bytes,
        args.out.display()
    );
    for file in &exported.files {
        println!("  {}", file.display());
    }
    if let ExportFormat::Locust = config.format {
        let dir = args.out.display();
        println!(
            "send them: cd {dir} && locust -f locustfile.py --headless -u 32 -r 32 --processes 2\n\
             then: hookcert bench --merge {dir}"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn keygen(args: KeygenArgs) -> Result<ExitCode> {
    let (private, public) =
        hookcert::write_key_pair(&args.out).map_err(|e| anyhow!("--out: {e}"))?;
    println!(
        "wrote {} (PKCS#8, keep it secret) and {} (SPKI)",
        private.display(),
        public.display()
    );
    Ok(ExitCode::SUCCESS)
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
        let xml = report.render_junit().map_err(|e| anyhow!("--junit: {e}"))?;
        std::fs::write(path, xml).with_context(|| format!("--junit {}", path.display()))?;
    }
    if let Some(path) = &args.html {
        std::fs::write(path, report.render_html())
            .with_context(|| format!("--html {}", path.display()))?;
    }
    Ok(())
}
