//! Zoho SalesIQ's RSA-SHA256 PKCS#1 v1.5 base64 check (`Verifier` of `zoho_salesiq::AUTHENTICATION`) on an arbitrary
//! header value and body, with the fixed test key pair in fuzz/keys/: no panic; a body signed
//! with `rsa_sha256::sign` verifies (any header-name case, surrounding blanks); the same
//! signature over the body with one byte flipped never does, nor does a changed signature.
#![no_main]

use hookcert_events::auth::{AuthError, Credentials, Verifier, rsa_sha256};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

#[allow(dead_code)]
mod common;

static PRIVATE: LazyLock<rsa::RsaPrivateKey> = LazyLock::new(|| {
    rsa_sha256::private_key_from_pem(common::RSA_PRIVATE_PEM).expect("test private key")
});
static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| {
    Verifier::new(
        &hookcert_events::zoho_salesiq::AUTHENTICATION,
        &Credentials::PublicKeyPem(common::RSA_PUBLIC_PEM.to_owned()),
    )
    .expect("test public key")
});

fuzz_target!(|data: &[u8]| {
    let (header, body) = common::split_header_body(data);
    let verifier = &*VERIFIER;

    // Arbitrary header value: no panic; whatever it says, it is not accepted unless it is
    // the signature (checked below through the deterministic PKCS#1 v1.5 signature).
    let result = verifier.verify(&[("x-siqsignature", header)][..], body);

    let signature = rsa_sha256::sign(&PRIVATE, body);
    if result.is_ok() {
        // PKCS#1 v1.5 signatures are unique for a key and message: only the (re-encoded)
        // signature itself verifies.
        let text = std::str::from_utf8(header).expect("Ok for a header that is not text");
        assert_eq!(text.trim(), signature, "Ok for another signature");
    }

    // Correctly signed: always Ok.
    for (name, value) in [
        ("x-siqsignature", signature.clone()),
        ("X-SIQSignature", format!(" {signature} ")),
    ] {
        assert_eq!(
            verifier.verify(&[("Other", "x"), (name, value.as_str())][..], body),
            Ok(()),
            "a correctly signed body was refused"
        );
    }

    let h = common::pick(data);
    let mask = match (h >> 8) as u8 {
        0 => 1,
        m => m,
    };
    // One body byte flipped: never Ok.
    if !body.is_empty() {
        let mut flipped = body.to_vec();
        flipped[h % body.len()] ^= mask;
        assert!(
            matches!(
                verifier.verify(&[("x-siqsignature", signature.as_str())][..], &flipped),
                Err(AuthError::Mismatch(_))
            ),
            "a changed body verified"
        );
    }
    // One byte of the decoded signature flipped: never Ok.
    {
        use base64::Engine;
        use base64::engine::general_purpose::STANDARD;
        let mut raw = STANDARD.decode(&signature).expect("base64");
        let i = h % raw.len();
        raw[i] ^= mask;
        let changed = STANDARD.encode(&raw);
        assert!(
            verifier
                .verify(&[("x-siqsignature", changed.as_str())][..], body)
                .is_err(),
            "a changed signature verified"
        );
    }
});
