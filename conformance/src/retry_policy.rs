//! The vendor's retry policy, replayed for deliveries a receiver did not accept: how many
//! retries, how far apart, and what changes in the body between them.

use crate::body_edit;
use crate::request::Request;
use crate::signing::Sender;
use hookcert_codegen::profile::Retry;
use std::time::Duration;

/// The waits before each retry, scaled by `time_scale`.
pub fn schedule(retry: &Retry, time_scale: f64) -> Vec<Duration> {
    let base = retry.interval_ms.unwrap_or(1000) as f64 * time_scale.max(0.0);
    (0..retry.max_retries)
        .map(|k| {
            let factor = match retry.intervals.as_deref() {
                // "increasing intervals", no numbers: doubling is what such senders do.
                Some("increasing") => f64::from(1u32 << k.min(16)),
                _ => 1.0,
            };
            Duration::from_secs_f64(base * factor / 1000.0)
        })
        .collect()
}

/// The request of retry number `n` (1-based): the same bytes, or for vendors that count
/// attempts in the body, the count set to `n + 1` and the body signed again.
pub fn retry_request(retry: &Retry, sender: &Sender, original: &Request, n: u32) -> Request {
    let Some(pointer) = retry.attempt_pointer.as_deref() else {
        return original.clone();
    };
    let field = pointer.trim_start_matches('/');
    match body_edit::set_field(&original.body, field, Some(&(n + 1).to_string())) {
        Some(body) => {
            let mut request = sender.signed(body);
            request.method.clone_from(&original.method);
            request
        }
        None => original.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry(intervals: Option<&str>, max: u32, ms: u64) -> Retry {
        Retry {
            documented: true,
            max_retries: max,
            intervals: intervals.map(str::to_owned),
            interval_ms: Some(ms),
            attempt_pointer: None,
            pause_after_failures: None,
        }
    }

    #[test]
    fn spotio_increases_and_salesiq_waits_a_minute() {
        let spotio = schedule(&retry(Some("increasing"), 3, 1000), 1.0);
        assert_eq!(spotio, [1, 2, 4].map(Duration::from_secs));
        let salesiq = schedule(&retry(Some("fixed"), 3, 60_000), 0.001);
        assert_eq!(salesiq, [Duration::from_millis(60); 3]);
        assert!(schedule(&retry(None, 0, 0), 1.0).is_empty());
    }
}
