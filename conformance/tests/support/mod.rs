// Each test binary uses only part of the support code (the correct receiver, or its faults).
#![allow(dead_code)]

pub mod binary;
pub mod fixed_answer;
pub mod http;
pub mod independent_receiver;
pub mod node_receiver;

use hookcert::{Credentials, Report, Verdict};
use independent_receiver::ReceiverAuth;
use rand_core::RngCore;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

/// A secret no earlier run could have seen, so that a receiver cannot pass by accident.
pub fn token() -> String {
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Fresh credentials for `vendor`: the harness's half and the receiver's half.
pub fn credentials(vendor: &str) -> (Credentials, ReceiverAuth) {
    match vendor {
        "spotio" | "breakcold" | "clinchpad" => {
            let secret = token();
            (
                Credentials::Secret(secret.as_str().into()),
                ReceiverAuth::Secret(secret),
            )
        }
        "zoho-salesiq" => {
            let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).expect("RSA keygen");
            let private = key.to_pkcs8_pem(LineEnding::LF).expect("PKCS#8 PEM");
            let public = key
                .to_public_key()
                .to_public_key_pem(LineEnding::LF)
                .expect("SPKI PEM");
            (
                Credentials::PrivateKeyPem(private.to_string()),
                ReceiverAuth::PublicKeyPem(public),
            )
        }
        "tomba" => {
            let headers = vec![("Authorization".to_owned(), format!("Bearer {}", token()))];
            (
                Credentials::Headers(
                    headers
                        .iter()
                        .map(|(n, v)| (n.clone(), v.as_str().into()))
                        .collect(),
                ),
                ReceiverAuth::Headers(headers),
            )
        }
        other => panic!("no credentials for vendor {other:?}"),
    }
}

/// One line per case of `suite` (all suites: None) with one of `verdicts`, so that a red run
/// explains itself.
pub fn list(report: &Report, suite: Option<&str>, verdicts: &[Verdict]) -> String {
    let lines: Vec<String> = report
        .cases
        .iter()
        .filter(|c| suite.is_none_or(|s| c.suite == s) && verdicts.contains(&c.verdict))
        .map(|c| {
            let observed = match (&c.observed.status, &c.observed.error) {
                (Some(status), _) => status.to_string(),
                (None, Some(error)) => error.clone(),
                (None, None) => "nothing".to_owned(),
            };
            format!(
                "{} {}{} (expected {}, observed {}): {}",
                c.id,
                c.verdict.as_str(),
                if c.flaky { " FLAKY" } else { "" },
                c.expected,
                observed,
                c.reason
            )
        })
        .collect();
    if lines.is_empty() {
        "(none)".to_owned()
    } else {
        lines.join("\n  ")
    }
}
