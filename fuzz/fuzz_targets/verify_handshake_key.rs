//! ClinchPad's handshake key in the body (`Verifier::HandshakeKey`, field `/handshake_key`)
//! on an arbitrary body: with no key configured, always Ok; with one, the same checks as
//! verify_body_secret.
#![no_main]

use hookcert_events::auth::{Secret, Verifier};
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common;

const KEY: &str = "gfhkd1asfsa-fuzz";

fuzz_target!(|data: &[u8]| {
    let open = Verifier::HandshakeKey {
        field: "/handshake_key".into(),
        key: None,
    };
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        open.verify(&none[..], data),
        Ok(()),
        "no key configured, yet refused"
    );

    let keyed = Verifier::HandshakeKey {
        field: "/handshake_key".into(),
        key: Some(Secret::new(KEY)),
    };
    common::check_body_field(&keyed, "handshake_key", KEY, data);
});
