//! The deliveries `bench` sends and `export` writes: events drawn from the catalog model once,
//! each delivery one of them stamped with its own number and signed over its exact bytes, so
//! that no two bodies are the same and a delivery can be told from its body alone.

use crate::catalog::CatalogError;
use crate::event_gen::{Encoding, Generator};
use crate::request::Request;
use crate::sender::Sender;
use hookcert_catalog::Method;
use hookcert_events::auth::{Credentials, SetupError, Signer};

/// The unknown top-level field that carries a delivery's number (the schemas allow unknown
/// fields), first in the body.
pub const DELIVERY_FIELD: &str = "x_hookcert_delivery";

/// Distinct events drawn from the catalog model before a `bench` run: drawing one costs about
/// a millisecond (the strategies build value trees fit for shrinking), far more than sending
/// it.
const POOL: u64 = 512;

/// How distinct the deliveries are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distinct {
    /// Distinct bodies: at most [`POOL`] events, reused under distinct numbers (`bench`, where
    /// drawing must not cost more than sending).
    Bodies,
    /// Distinct deliveries: an event of its own for each, no two with the same identity (the
    /// values a vendor's retries keep), so that a receiver telling retries by identity, as
    /// `hookcert listen` does, sees each as a delivery of its own (`export`).
    Identities,
}

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Credentials(#[from] SetupError),
    #[error("no {vendor} event could be generated")]
    NoEvents { vendor: String },
    #[error("only {got} of {wanted} {vendor} events drawn have identities of their own")]
    TooFewIdentities {
        vendor: String,
        wanted: u64,
        got: u64,
    },
    #[error("{vendor} always sends {fixed}, not {asked}")]
    MethodFixed {
        vendor: String,
        fixed: Method,
        asked: Method,
    },
}

/// A vendor's deliveries for one seed and credentials; the `n`th is the same every time.
pub struct Corpus {
    sender: Sender,
    pool: Vec<Vec<u8>>,
}

impl Corpus {
    /// Draws the events for `deliveries` deliveries, as distinct as `distinct` says, sent
    /// with `method` where the vendor lets its users choose one.
    pub fn new(
        vendor_id: &str,
        credentials: &Credentials,
        method: Option<Method>,
        seed: u64,
        deliveries: u64,
        distinct: Distinct,
    ) -> Result<Self, CorpusError> {
        let catalog = crate::catalog::catalog()?;
        let vendor = crate::catalog::vendor(vendor_id)?;
        let signer = Signer::new(&crate::catalog::authentication(vendor)?, credentials)?;
        let method = crate::send::checked_method(&vendor.profile, method).map_err(|asked| {
            CorpusError::MethodFixed {
                vendor: vendor.profile.name.clone(),
                fixed: vendor.profile.http.method,
                asked,
            }
        })?;
        let sender = Sender::new(&vendor.profile, signer, method);
        let generator = Generator::new(catalog, vendor, seed);
        let mut runner = generator.runner("bench");
        let names: Vec<&str> = vendor.events.iter().map(|e| e.name.as_str()).collect();
        let wanted = match distinct {
            Distinct::Bodies => POOL.min(deliveries.max(1)),
            Distinct::Identities => deliveries.max(1),
        };
        let envelope = &vendor.profile.envelope;
        let mut identities = std::collections::HashSet::new();
        let mut pool: Vec<Vec<u8>> = Vec::new();
        // Bounded: a vendor whose events could not be told apart stops here, not never.
        for i in 0..wanted.saturating_mul(4) {
            if pool.len() as u64 == wanted {
                break;
            }
            let Some(value) = generator.event(names[i as usize % names.len()], &mut runner) else {
                continue;
            };
            if distinct == Distinct::Identities && !identities.insert(envelope.identity_of(&value))
            {
                continue;
            }
            pool.push(sender.authentic_value(&value, Encoding::Compact).body);
        }
        if pool.is_empty() {
            return Err(CorpusError::NoEvents {
                vendor: vendor_id.to_owned(),
            });
        }
        if distinct == Distinct::Identities && (pool.len() as u64) < wanted {
            return Err(CorpusError::TooFewIdentities {
                vendor: vendor_id.to_owned(),
                wanted,
                got: pool.len() as u64,
            });
        }
        Ok(Corpus { sender, pool })
    }

    /// Delivery number `n`: an event of the pool stamped with `n`, signed.
    pub fn delivery(&self, n: u64) -> Request {
        let event = &self.pool[(n % self.pool.len() as u64) as usize];
        self.sender.signed(stamped(event, n))
    }

    /// The delivery whose body is closest to the corpus's average size (for `wrk`'s one body).
    pub fn typical(&self) -> Request {
        let mean = self.pool.iter().map(Vec::len).sum::<usize>() / self.pool.len().max(1);
        let n = self
            .pool
            .iter()
            .enumerate()
            .min_by_key(|(_, b)| b.len().abs_diff(mean))
            .map_or(0, |(i, _)| i as u64);
        self.delivery(n)
    }
}

/// `{"x_hookcert_delivery":n,` then the rest of the compact object.
fn stamped(object: &[u8], n: u64) -> Vec<u8> {
    let rest = object.strip_prefix(b"{").unwrap_or(object);
    let mut body = Vec::with_capacity(object.len() + 32);
    body.extend_from_slice(b"{\"");
    body.extend_from_slice(DELIVERY_FIELD.as_bytes());
    body.extend_from_slice(b"\":");
    body.extend_from_slice(n.to_string().as_bytes());
    if rest != b"}" {
        body.push(b',');
    }
    body.extend_from_slice(rest);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamped_bodies_stay_json_objects() {
        let one: serde_json::Value =
            serde_json::from_slice(&stamped(br#"{"a":1}"#, 7)).expect("JSON");
        assert_eq!(one, serde_json::json!({"x_hookcert_delivery": 7, "a": 1}));
        let empty: serde_json::Value = serde_json::from_slice(&stamped(b"{}", 8)).expect("JSON");
        assert_eq!(empty, serde_json::json!({"x_hookcert_delivery": 8}));
    }

    #[test]
    fn a_delivery_is_the_same_every_time_and_unlike_its_neighbours() {
        let credentials = Credentials::Secret("whsec_corpus".into());
        let corpus = |seed| {
            Corpus::new("spotio", &credentials, None, seed, 20, Distinct::Bodies).expect("a corpus")
        };
        let (a, b) = (corpus(3), corpus(3));
        assert_eq!(a.delivery(5).body, b.delivery(5).body);
        assert_eq!(a.delivery(5).headers, b.delivery(5).headers);
        assert_ne!(a.delivery(5).body, a.delivery(6).body);
        // Past the pool: the same event, another number, another signature.
        assert_ne!(a.delivery(5).body, a.delivery(25).body);
        assert_ne!(a.delivery(5).headers, a.delivery(25).headers);
    }

    #[test]
    fn distinct_identities_give_each_delivery_an_event_of_its_own() {
        for vendor in ["spotio", "breakcold", "clinchpad", "zoho-salesiq", "tomba"] {
            let v = crate::catalog::vendor(vendor).expect("a vendor");
            let authentication = crate::catalog::authentication(v).expect("generated");
            let (credentials, _) = Credentials::fresh_pair(&authentication).expect("a pair");
            let corpus = Corpus::new(vendor, &credentials, None, 1, 600, Distinct::Identities)
                .unwrap_or_else(|e| panic!("{vendor}: {e}"));
            let envelope = &v.profile.envelope;
            let mut seen = std::collections::HashSet::new();
            for n in 0..600 {
                let body: serde_json::Value =
                    serde_json::from_slice(&corpus.delivery(n).body).expect("JSON");
                let mut event = body.clone();
                if let Some(o) = event.as_object_mut() {
                    o.shift_remove(DELIVERY_FIELD);
                }
                let identity = envelope.identity_of(&event);
                assert!(
                    seen.insert(identity.clone()),
                    "{vendor} {n}: {identity} again"
                );
            }
        }
    }
}
