//! The vendor's retry policy, replayed for deliveries a receiver did not accept: how many
//! retries, how far apart, and what changes in the body between them.

use crate::request::Request;
use crate::sender::Sender;
use hookcert_catalog::{Intervals, Retry};
use std::time::Duration;

/// The waits before each retry, scaled by `time_scale`.
pub fn schedule(retry: &Retry, time_scale: f64) -> Vec<Duration> {
    let base = retry.interval_ms.unwrap_or(1000) as f64 * time_scale.max(0.0);
    (0..retry.max_retries)
        .map(|k| {
            let factor = match retry.intervals {
                // "increasing intervals", no numbers: doubling is what such senders do.
                Some(Intervals::Increasing) => f64::from(1u32 << k.min(16)),
                Some(Intervals::Fixed) | None => 1.0,
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
    match hookcert_events::with_top_level(&original.body, field, Some(&(n + 1).to_string())) {
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

    fn retry(intervals: Option<Intervals>, max: u32, ms: u64) -> Retry {
        Retry {
            documented: true,
            max_retries: max,
            intervals,
            interval_ms: Some(ms),
            attempt_pointer: None,
            pause_after_failures: None,
        }
    }

    #[test]
    fn spotio_increases_and_salesiq_waits_a_minute() {
        let spotio = schedule(&retry(Some(Intervals::Increasing), 3, 1000), 1.0);
        assert_eq!(spotio, [1, 2, 4].map(Duration::from_secs));
        let salesiq = schedule(&retry(Some(Intervals::Fixed), 3, 60_000), 0.001);
        assert_eq!(salesiq, [Duration::from_millis(60); 3]);
        assert!(schedule(&retry(None, 0, 0), 1.0).is_empty());
    }
}
