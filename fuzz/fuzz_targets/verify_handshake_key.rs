//! ClinchPad's handshake key in the body (`Verifier` of `clinchpad::AUTHENTICATION`, field `handshake_key`)
//! on an arbitrary body: with no key configured, always Ok; with one, the same checks as
//! verify_body_secret.
#![no_main]

use hookcert_events::auth::{Credentials, Verifier};
use hookcert_events::clinchpad::AUTHENTICATION;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common;

const KEY: &str = "gfhkd1asfsa-fuzz";

fuzz_target!(|data: &[u8]| {
    let open = Verifier::new(&AUTHENTICATION, &Credentials::None).expect("no key fits ClinchPad");
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        open.verify(&none[..], data),
        Ok(()),
        "no key configured, yet refused"
    );

    let keyed =
        Verifier::new(&AUTHENTICATION, &Credentials::Secret(KEY.into())).expect("a key fits");
    common::check_body_field(&keyed, "handshake_key", KEY, data);
});
