//! Tomba's configured headers (`Verifier` of `tomba::AUTHENTICATION`) on arbitrary request headers (the input
//! as `name:value` lines; the last line is the body): no panic; Ok exactly when, for every
//! configured header, the first request header of that name (any case) has exactly its
//! value; the configured headers sent (by its `Signer`) verify, one flipped byte of a
//! value never does.
#![no_main]

use hookcert_events::auth::{Credentials, Secret, Signer, Verifier};
use hookcert_events::tomba::AUTHENTICATION;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common;

fn configured() -> Vec<(String, Secret)> {
    vec![
        (
            "Authorization".into(),
            Secret::new("Bearer fuzz-token-guards-nothing"),
        ),
        ("X-Api-Key".into(), Secret::new("k3y")),
    ]
}

fuzz_target!(|data: &[u8]| {
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let body = lines.pop().unwrap_or_default();
    let headers: Vec<(String, Vec<u8>)> = lines
        .iter()
        .map(|line| {
            let colon = line.iter().position(|&b| b == b':').unwrap_or(line.len());
            let name = String::from_utf8_lossy(&line[..colon]).into_owned();
            let value = line.get(colon + 1..).unwrap_or_default().to_vec();
            (name, value)
        })
        .collect();

    let expected = configured();
    let verifier =
        Verifier::new(&AUTHENTICATION, &Credentials::Headers(configured())).expect("headers fit");
    let result = verifier.verify(&headers[..], body);
    if let Err(e) = &result {
        assert!(
            !e.to_string().contains("fuzz-token"),
            "secret in error: {e}"
        );
    }
    let model = expected.iter().all(|(name, value)| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .is_some_and(|(_, v)| v.as_slice() == value.expose())
    });
    assert_eq!(
        result.is_ok(),
        model,
        "verify disagrees with the model: {result:?}"
    );

    // Nothing configured: always Ok.
    let open = Verifier::new(&AUTHENTICATION, &Credentials::None).expect("nothing fits Tomba");
    assert_eq!(open.verify(&headers[..], body), Ok(()));

    // The configured headers sent first (names in any case): always Ok.
    let sent = Signer::new(&AUTHENTICATION, &Credentials::Headers(configured()))
        .expect("headers fit")
        .headers(body);
    let h = common::pick(data);
    let mut signed: Vec<(String, Vec<u8>)> = sent
        .iter()
        .map(|(n, v)| {
            let n = if h & 1 == 0 {
                n.to_ascii_lowercase()
            } else {
                n.to_ascii_uppercase()
            };
            (n, v.clone().into_bytes())
        })
        .collect();
    signed.extend(headers.iter().cloned());
    assert_eq!(
        verifier.verify(&signed[..], body),
        Ok(()),
        "the configured headers were refused"
    );

    // One byte of one configured value flipped: never Ok.
    let which = (h >> 1) % sent.len();
    let len = signed[which].1.len();
    let mask = match (h >> 8) as u8 {
        0 => 1,
        m => m,
    };
    signed[which].1[(h >> 16) % len] ^= mask;
    assert!(
        verifier.verify(&signed[..], body).is_err(),
        "a changed header value verified"
    );
});
