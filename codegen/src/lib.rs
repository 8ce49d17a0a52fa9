//! hookcert-codegen: compiles the catalog model (hookcert-catalog) into the hookcert-events
//! crate: typed events, compiled validators and dispatch.
//!
//! Planning comes first (`plan_module`: the types in `rust_types`, then `plan_validators` and
//! `plan_dispatch`); emitting Rust from the plans (`emit_*`) is the last, plain step, which
//! decides nothing and never reads the catalog.

mod emit_dispatch;
mod emit_types;
mod emit_validators;
mod emit_validity;
mod generate;
mod naming;
mod pattern_code;
mod pattern_implies;
mod plan_dispatch;
mod plan_module;
mod plan_validators;
mod rust_types;

pub use generate::{GeneratedFile, generate};
