//! SPOTIO's HMAC-SHA256 hex check (`Verifier` of `spotio::AUTHENTICATION`) on an arbitrary header value
//! and body: no panic; Ok only for the right MAC; a body signed with `hmac_sha256_hex::sign`
//! verifies (any header-name case, either hex case, surrounding blanks); one flipped body
//! byte never does.
#![no_main]

use hookcert_events::auth::{AuthError, Credentials, Verifier, hmac_sha256_hex};
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common;

const SECRET: &str = "fuzz-test-secret-guards-nothing";

fuzz_target!(|data: &[u8]| {
    let (header, body) = common::split_header_body(data);
    let verifier = Verifier::new(
        &hookcert_events::spotio::AUTHENTICATION,
        &Credentials::Secret(SECRET.into()),
    )
    .expect("a secret fits SPOTIO");
    let expected = hmac_sha256_hex::sign(SECRET.as_bytes(), body);

    // Arbitrary header value: Ok only if it is the MAC (hex in either case, trimmed).
    let result = verifier.verify(&[("X-Signature", header)][..], body);
    if result.is_ok() {
        let text = std::str::from_utf8(header).expect("Ok for a header that is not text");
        assert!(
            text.trim().eq_ignore_ascii_case(&expected),
            "Ok for a signature that is not the MAC: {text:?}"
        );
    }
    // Errors never show the secret.
    if let Err(e) = &result {
        assert!(
            !e.to_string().contains("fuzz-test-secret"),
            "secret in error: {e}"
        );
    }

    // Correctly signed: always Ok.
    assert_eq!(expected.len(), 64);
    for (name, value) in [
        ("X-Signature", expected.clone()),
        ("x-signature", expected.to_uppercase()),
        ("X-SIGNATURE", format!(" {expected}\t")),
    ] {
        assert_eq!(
            verifier.verify(&[("Other", "x"), (name, value.as_str())][..], body),
            Ok(()),
            "a correctly signed body was refused"
        );
    }
    // Missing header: Missing.
    assert!(matches!(
        verifier.verify(&[("Other", expected.as_str())][..], body),
        Err(AuthError::Missing(_))
    ));

    // One body byte flipped (any position, any non-zero mask): never Ok.
    if !body.is_empty() {
        let h = common::pick(data);
        let mut flipped = body.to_vec();
        let mask = (h >> 8) as u8;
        flipped[h % body.len()] ^= if mask == 0 { 1 } else { mask };
        assert!(
            matches!(
                verifier.verify(&[("X-Signature", expected.as_str())][..], &flipped),
                Err(AuthError::Mismatch(_))
            ),
            "a changed body verified"
        );
    }
});
