//! hookcert: certifies CRM webhook receivers against the vendors' documents.
//!
//! It plays the vendor (SPOTIO, Breakcold, ClinchPad, Zoho SalesIQ, Tomba) against an
//! endpoint: golden and property-generated events, signature attacks, bad input, unknown
//! events, duplicates, reordering, concurrency and latency, each case judged as
//! `../shared/spec/contract.md` says, into a [`Report`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), hookcert::CertifyError> {
//! let report = hookcert::Certification::new("spotio")?
//!     .url("http://127.0.0.1:8080/webhooks/spotio")
//!     .credentials(hookcert::Credentials::Secret("whsec_…".into()))
//!     .seed(7)
//!     .run()
//!     .await?;
//! assert!(report.passed(), "{}", report.render_terminal(false));
//! # Ok(()) }
//! ```
//!
//! Where things happen: a delivery is signed by hookcert-events' `Signer` (through
//! `sender`), sent by `http_client`, its case judged in `judge`, retries and repeats run in
//! `runner`, and the report written by `report::{terminal, junit, html}`.

mod bench;
mod bench_merge;
mod body_edit;
mod catalog;
mod catalog_view;
mod causes;
mod certify;
mod corpus;
mod diagnosis;
mod event_gen;
mod export;
mod histogram;
mod http_client;
mod json_text;
mod judge;
mod keygen;
mod layouts;
mod listen;
mod openapi;
mod receiver;
mod redact;
mod report;
mod request;
mod retry_policy;
mod runner;
mod send;
mod sender;
mod sender_check;
mod shrink;
mod suites;

pub use bench::{BenchConfig, BenchError, BenchResult, run as bench};
pub use bench_merge::{MergeError, Merged, merge as bench_merge};
pub use catalog::CatalogError;
pub use catalog_view::{json as catalog_json, table as catalog_table};
pub use certify::{
    Certification, CertifyError, DEFAULT_CASES, DEFAULT_CONCURRENCY, Progress, ProgressUpdate,
};
pub use corpus::CorpusError;
pub use export::{
    ExportConfig, ExportError, ExportFormat, Exported, Manifest, ManifestError, export,
};
pub use hookcert_catalog::Method;
pub use hookcert_events::auth::{CredentialKind, Credentials, KeyError, Secret, SetupError};
pub use http_client::{CertificateError, Outcome, TargetError, TransportError};
pub use keygen::{KeygenError, PRIVATE_FILE, PUBLIC_FILE, write_pair as write_key_pair};
pub use listen::{ListenConfig, ListenError, Listening, StopWhen, start as listen};
pub use openapi::{OpenApiError, document as openapi_document};
pub use receiver::{ReceiverConfig, ReceiverError, RunningReceiver, start as start_receiver};
pub use report::{
    Answer, Attempt, CaseReport, Cause, Detail, Evidence, JunitError, LatencyStats, Observed,
    Purpose, Report, RequestRecord, Summary, Verdict,
};
pub use send::{SendConfig, SendError, SendResult, send};
pub use sender_check::{DeliveryRecord, ListenReport, ListenSummary, ReceivedAttempt};

#[doc(hidden)]
pub use report::sample_report;
