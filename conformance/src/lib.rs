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
//!     .auth(hookcert::Auth::Secret("whsec_…".into()))
//!     .seed(7)
//!     .run()
//!     .await?;
//! assert!(report.passed(), "{}", hookcert::report::terminal::render(&report, false));
//! # Ok(()) }
//! ```

pub mod bench;
pub mod body_edit;
pub mod catalog;
pub mod catalog_view;
pub mod certify;
pub mod credentials;
pub mod event_gen;
pub mod http_client;
pub mod judge;
pub mod keygen;
pub mod listen;
pub mod openapi;
pub mod receiver;
pub mod report;
pub mod request;
pub mod retry_policy;
pub mod runner;
pub mod send;
pub mod sender_check;
pub mod shrink;
pub mod signing;
pub mod suites;

pub use certify::{Certification, CertifyError};
pub use credentials::Auth;
pub use report::{CaseReport, Report, Verdict};
