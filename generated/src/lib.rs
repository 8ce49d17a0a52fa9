//! hookcert-events: typed CRM webhook events, compiled validators, dispatch and signature
//! verification for SPOTIO, Breakcold, ClinchPad, Zoho SalesIQ and Tomba, generated from the
//! catalog in `schemas/` by `cargo xtask generate`.
//!
//! ```
//! let body = br#"{"data":{"email":"","company":"","first_name":"","last_name":"","phone":"","website":"","position":"","twitter":"","linkedin":"","notes":"","score":0}}"#;
//! let delivery = hookcert_events::tomba::parse(body).expect("a valid save_lead");
//! assert_eq!(delivery.events[0].event_type(), Some("save_lead"));
//! // Observed rules the body breaks (read off the document's examples) are notes, not errors.
//! for note in &delivery.notes {
//!     assert!(note.errata.is_some());
//! }
//! ```
//!
//! Every rule of the catalog is documented (the vendor document's words) or observed (read
//! off its examples, `x-observed`, citing an ERRATA entry). `parse` refuses a body that breaks
//! a documented rule and takes one that breaks only observed ones, listing those in
//! [`Delivery::notes`]; `parse_with(body, Strictness::Observed)` refuses both.

pub mod auth;
mod dispatch;
mod fields;
mod formats;
mod serde_helpers;
mod single_pass;
mod validate;
// Formatted by prettyplease when generated; rustfmt would make every generation look like drift.
#[rustfmt::skip]
mod vendors;

pub use dispatch::{Delivery, ParseError, Strictness, UnknownEvent};
pub use fields::{top_level_string, with_top_level};
pub use formats::Format;
pub use validate::{At, Pattern, Validate, Violation};
pub use vendors::*;
