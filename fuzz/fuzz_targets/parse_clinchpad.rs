//! `hookcert_events::clinchpad::parse` on arbitrary bytes: no panic, and an Ok delivery keeps the
//! invariants checked in `common::parse_target!`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[macro_use]
mod common;

parse_target!(clinchpad, "clinchpad", Some("/activity/type"), None);
