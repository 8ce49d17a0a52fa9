//! `hookcert send`: one authenticated event, golden or generated, to a URL, as the vendor
//! would send it.

use crate::certify::CertifyError;
use crate::credentials::{Auth, Credentials};
use crate::event_gen::{Encoding, Generator};
use crate::http_client::{Client, Outcome, Target};
use crate::judge::Success;
use crate::request::Request;
use crate::signing::Sender;
use std::time::Duration;

/// What to send.
#[derive(Debug, Clone)]
pub struct SendConfig {
    pub vendor: String,
    pub event: String,
    pub url: String,
    pub auth: Auth,
    /// A generated event from this seed instead of the golden example.
    pub generated_seed: Option<u64>,
    pub method: Option<String>,
    pub timeout_ms: Option<u64>,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct SendResult {
    pub outcome: Outcome,
    /// The answer was the vendor's success status.
    pub accepted: bool,
    pub request: Request,
}

pub async fn send(config: &SendConfig) -> Result<SendResult, CertifyError> {
    let catalog = crate::catalog::catalog()?;
    let vendor = crate::catalog::vendor(&config.vendor).map_err(CertifyError::Usage)?;
    let profile = &vendor.profile;
    if !vendor.events.iter().any(|e| e.name == config.event) {
        return Err(CertifyError::Usage(format!(
            "--event {}: not an event type of {} (see `hookcert catalog --vendor {}`)",
            config.event, profile.id, profile.id
        )));
    }
    let target = Target::parse(&config.url).map_err(|e| CertifyError::Usage(e.to_string()))?;
    let credentials =
        Credentials::new(profile, &config.auth).map_err(|e| CertifyError::Usage(e.0))?;
    let sender = Sender::new(profile, credentials, config.method.as_deref());
    let request = match config.generated_seed {
        Some(seed) => {
            let generator = Generator::new(catalog, vendor, seed);
            let mut runner = generator.runner(&format!("send/{}", config.event));
            let value = generator
                .event(&config.event, &mut runner)
                .ok_or_else(|| CertifyError::Usage(format!("cannot generate {}", config.event)))?;
            sender.authentic_value(&value, Encoding::Compact)
        }
        None => {
            let golden = crate::event_gen::golden(catalog, vendor)
                .into_iter()
                .find(|g| g.event.as_deref() == Some(config.event.as_str()))
                .ok_or_else(|| {
                    CertifyError::Usage(format!("no golden example of {}", config.event))
                })?;
            sender.authentic(&golden.bytes)
        }
    };
    let request = first_attempt(&vendor.profile, &sender, request);
    let timeout = Duration::from_millis(config.timeout_ms.unwrap_or(profile.timeout_ms));
    let client = Client::new(target, timeout);
    let outcome = client.send(&request).await;
    if let Outcome::Failed { error, .. } = &outcome {
        if matches!(
            error,
            crate::http_client::TransportError::Refused
                | crate::http_client::TransportError::Resolve(_)
        ) {
            return Err(CertifyError::Unreachable {
                url: config.url.clone(),
                reason: error.to_string(),
            });
        }
    }
    let accepted = outcome
        .status()
        .is_some_and(|s| Success::from_profile(&profile.success.statuses).accepts(s));
    Ok(SendResult {
        outcome,
        accepted,
        request,
    })
}

/// A delivery's first attempt: for vendors that count attempts in the body, the counter is 1.
fn first_attempt(
    profile: &hookcert_codegen::profile::VendorProfile,
    sender: &Sender,
    request: Request,
) -> Request {
    let Some(pointer) = profile.retry.attempt_pointer.as_deref() else {
        return request;
    };
    let field = pointer.trim_start_matches('/');
    match crate::body_edit::set_field(&request.body, field, Some("1")) {
        Some(body) => {
            let mut first = sender.signed(body);
            first.method = request.method;
            first
        }
        None => request,
    }
}
