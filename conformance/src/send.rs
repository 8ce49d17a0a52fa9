//! `hookcert send`: one authenticated event, golden or generated, to a URL, as the vendor
//! would send it.

use crate::catalog::CatalogError;
use crate::event_gen::{Encoding, Generator};
use crate::http_client::{Client, Outcome, Target, TargetError, TransportError};
use crate::request::Request;
use crate::sender::Sender;
use hookcert_catalog::{Method, VendorProfile};
use hookcert_events::auth::{Credentials, SetupError, Signer};
use std::time::Duration;

/// What to send.
#[derive(Debug, Clone)]
pub struct SendConfig {
    pub vendor: String,
    pub event: String,
    pub url: String,
    pub credentials: Credentials,
    /// A generated event from this seed instead of the golden example.
    pub generated_seed: Option<u64>,
    /// The method, where the vendor lets the user choose it (Tomba).
    pub method: Option<Method>,
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

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("{event}: not an event type of {vendor}")]
    UnknownEvent { vendor: String, event: String },
    #[error("{event}: no golden example to send")]
    NoGolden { event: String },
    #[error("{event}: no event could be generated")]
    NotGenerated { event: String },
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Credentials(#[from] SetupError),
    #[error("{vendor} always sends {fixed}, not {asked}")]
    MethodFixed {
        vendor: String,
        fixed: Method,
        asked: Method,
    },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: TransportError },
}

pub async fn send(config: &SendConfig) -> Result<SendResult, SendError> {
    let catalog = crate::catalog::catalog()?;
    let vendor = crate::catalog::vendor(&config.vendor)?;
    let profile = &vendor.profile;
    if !vendor.events.iter().any(|e| e.name == config.event) {
        return Err(SendError::UnknownEvent {
            vendor: profile.id.clone(),
            event: config.event.clone(),
        });
    }
    let method =
        checked_method(profile, config.method).map_err(|asked| SendError::MethodFixed {
            vendor: profile.name.clone(),
            fixed: profile.http.method,
            asked,
        })?;
    let target = Target::parse(&config.url)?;
    let signer = Signer::new(
        &crate::catalog::authentication(vendor)?,
        &config.credentials,
    )?;
    let sender = Sender::new(profile, signer, method);
    let request = match config.generated_seed {
        Some(seed) => {
            let generator = Generator::new(catalog, vendor, seed);
            let mut runner = generator.runner(&format!("send/{}", config.event));
            let value = generator.event(&config.event, &mut runner).ok_or_else(|| {
                SendError::NotGenerated {
                    event: config.event.clone(),
                }
            })?;
            sender.authentic_value(&value, Encoding::Compact)
        }
        None => {
            let golden = crate::event_gen::golden(catalog, vendor)
                .into_iter()
                .find(|g| g.event.as_deref() == Some(config.event.as_str()))
                .ok_or_else(|| SendError::NoGolden {
                    event: config.event.clone(),
                })?;
            sender.authentic(&golden.bytes)
        }
    };
    let request = first_attempt(profile, &sender, request);
    let timeout = Duration::from_millis(config.timeout_ms.unwrap_or(profile.timeout_ms));
    let client = Client::new(target, timeout);
    let outcome = client.send(&request).await;
    if let Outcome::Failed { error, .. } = &outcome {
        if matches!(error, TransportError::Refused | TransportError::Resolve(_)) {
            return Err(SendError::Unreachable {
                url: config.url.clone(),
                reason: error.clone(),
            });
        }
    }
    let accepted = outcome
        .status()
        .is_some_and(|s| profile.success.statuses.accepts(s));
    Ok(SendResult {
        outcome,
        accepted,
        request,
    })
}

/// The method to send with: the one asked for where the vendor lets the user choose, else the
/// profile's (asking for that one is no error). `Err` holds a method the vendor never sends.
pub(crate) fn checked_method(
    profile: &VendorProfile,
    asked: Option<Method>,
) -> Result<Option<Method>, Method> {
    match asked {
        Some(m) if !profile.http.method_configurable && m != profile.http.method => Err(m),
        other => Ok(other),
    }
}

/// A delivery's first attempt: for vendors that count attempts in the body, the counter is 1.
fn first_attempt(profile: &VendorProfile, sender: &Sender, request: Request) -> Request {
    let Some(pointer) = profile.retry.attempt_pointer.as_deref() else {
        return request;
    };
    let field = pointer.trim_start_matches('/');
    match hookcert_events::with_top_level(&request.body, field, Some("1")) {
        Some(body) => {
            let mut first = sender.signed(body);
            first.method = request.method;
            first
        }
        None => request,
    }
}
