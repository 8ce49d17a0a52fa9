//! hookcert-catalog: the schema catalog and the one model read from it.
//!
//! The catalog's files (vendor profiles, JSON Schemas, golden examples) live in this package's
//! folder and are embedded in it; [`embedded`] reads them into a [`Catalog`] once per process,
//! and [`load`] reads a folder of the same layout. The code generator, `cargo xtask` and the
//! conformance harness all read this model, never the JSON.
//!
//! Data flows one way: files → [`load_files`] → [`Catalog`] → (code generator | harness).

mod embedded;
mod errata;
#[cfg(feature = "strategies")]
mod instance_strategy;
mod load;
mod model;
mod pointer;
mod problem;
mod profile;
#[cfg(feature = "reference")]
mod reference_validator;
mod schema_reader;
mod uri;

pub use embedded::embedded;
#[cfg(feature = "strategies")]
pub use instance_strategy::{Options as StrategyOptions, instances};
pub use load::{BATCH_LABEL, ID_BASE, Tree, load, load_files, read_folder};
pub use model::{
    Catalog, ErrataEntry, Event, Example, FileId, Format, JsonType, Observed, Origin, Property,
    Ref, Schema, SchemaFile, Vendor,
};
pub use pointer::{EventSlot, escape_token, push_token, tokens, unescape_token};
pub use problem::{Problem, Problems};
pub use profile::{
    AuthScheme, Authentication, Envelope, EnvelopeKind, Http, Intervals, Method, Retry, Statuses,
    Success, VendorProfile,
};
#[cfg(feature = "reference")]
pub use reference_validator::{ReferenceError, ReferenceValidator, Violation, observed_notes};
pub use schema_reader::{DIALECT, pattern_problem};
pub use uri::resolve as resolve_uri;
