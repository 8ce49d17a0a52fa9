//! hookcert-codegen: compiles the catalog model (hookcert-catalog) into the hookcert-events
//! crate: typed events, compiled validators and dispatch.
//!
//! Planning comes first (`rust_types`, the validator and dispatch plans); emitting Rust from
//! the plans is the last, plain step.

mod emit_dispatch;
mod emit_types;
mod emit_validators;
mod generate;
mod naming;
mod pattern_code;
mod pattern_implies;
mod rust_types;

pub use generate::{GeneratedFile, generate};
