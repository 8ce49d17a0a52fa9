//! Breakcold's secret in the body (`Verifier` of `breakcold::AUTHENTICATION`, field `secret`) on an arbitrary
//! body: no panic; on JSON without duplicate keys, Ok exactly when the top-level `secret` is
//! the secret; a body with the secret put in verifies; one flipped byte of it never does.
#![no_main]

use hookcert_events::auth::{Credentials, Verifier};
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common;

const SECRET: &str = "wh_fuzz_secret_guards_nothing";

fuzz_target!(|data: &[u8]| {
    let verifier = Verifier::new(
        &hookcert_events::breakcold::AUTHENTICATION,
        &Credentials::Secret(SECRET.into()),
    )
    .expect("a secret fits Breakcold");
    common::check_body_field(&verifier, "secret", SECRET, data);
});
