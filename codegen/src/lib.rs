//! hookcert-codegen: the schema catalog read into one model, and (from issue 3 on) the Rust
//! emitted from it.
//!
//! Data flows one way: `schemas/` → [`catalog::load`] → [`model::Catalog`] → emitters.

pub mod catalog;
pub mod model;
pub mod problem;
pub mod profile;
pub mod schema_reader;

pub use catalog::load;
pub use model::Catalog;
pub use problem::{Problem, Problems};

pub mod emit_dispatch;
pub mod emit_types;
pub mod emit_validators;
pub mod generate;
pub mod instance_strategy;
pub mod naming;
pub mod pattern_code;
pub mod pattern_implies;
pub mod reference_validator;
pub mod rust_types;
