//! Where a case is judged: what an answer (or its absence) means for each expectation, per the
//! contract's table.

use crate::http_client::Outcome;
use crate::report::Verdict;
use crate::suites::Expect;
use hookcert_catalog::Statuses;
use std::time::Duration;

/// What a correct receiver answers, in words for the report.
pub fn expected(expect: Expect, success: Statuses) -> String {
    match expect {
        Expect::Accepted => format!("{} within the timeout", success.describe()),
        Expect::Refused => "a 4xx (401 or 403 best)".into(),
        Expect::BadInput => "a 4xx".into(),
        Expect::Either => "a 2xx or a 4xx".into(),
        Expect::UnknownEvent => format!("{} (the event accepted)", success.describe()),
        Expect::Large => format!("{} (a 413 is a warning)", success.describe()),
        Expect::StrayMethod => "a 4xx (a request no vendor sends)".into(),
        Expect::Variation(wire) => format!(
            "{} for the delivery sent as {}",
            success.describe(),
            wire.name()
        ),
    }
}

/// The verdict on one answer, and why.
pub fn judge(expect: Expect, outcome: &Outcome, success: Statuses) -> (Verdict, String) {
    let status = match outcome {
        Outcome::Failed { error, .. } => {
            return (Verdict::Fail, format!("no answer: {error}"));
        }
        Outcome::Answered { status, .. } => *status,
    };
    let class = status / 100;
    let accepted = success.accepts(status);
    let redirect = if class == 3 {
        " (redirects are never followed)"
    } else {
        ""
    };
    match expect {
        Expect::Accepted if accepted => (Verdict::Pass, format!("accepted with {status}")),
        Expect::Accepted => (
            Verdict::Fail,
            format!("{status} is not the vendor's success status{redirect}"),
        ),
        Expect::Refused if class == 4 => (Verdict::Pass, format!("refused with {status}")),
        Expect::Refused if class == 2 => (
            Verdict::Fail,
            format!("{status}: a request that is not the vendor's was accepted"),
        ),
        Expect::Refused => (
            Verdict::Fail,
            format!("{status}: expected a 4xx refusal{redirect}"),
        ),
        Expect::BadInput if class == 4 => (Verdict::Pass, format!("refused with {status}")),
        Expect::BadInput if class == 2 => (
            Verdict::Warn,
            format!("{status}: accepted input it cannot process"),
        ),
        Expect::BadInput => (
            Verdict::Fail,
            format!("{status}: bad input must get a 4xx, not a failure{redirect}"),
        ),
        Expect::Either if class == 2 || class == 4 => (Verdict::Pass, format!("answered {status}")),
        Expect::Either => (
            Verdict::Fail,
            format!("{status}: expected a 2xx or a 4xx{redirect}"),
        ),
        Expect::UnknownEvent if accepted => (Verdict::Pass, format!("accepted with {status}")),
        Expect::UnknownEvent if class == 4 || class == 2 => (
            Verdict::Warn,
            format!(
                "{status}: an unknown event type was not accepted; the vendor would see a failed delivery"
            ),
        ),
        Expect::UnknownEvent => (
            Verdict::Fail,
            format!("{status}: failed on an unknown event type{redirect}"),
        ),
        Expect::Large if accepted => (Verdict::Pass, format!("accepted with {status}")),
        Expect::Large if status == 413 => (
            Verdict::Warn,
            "413: refused as too large, though no document states a size limit".into(),
        ),
        Expect::Large => (
            Verdict::Fail,
            format!("{status} is not the vendor's success status{redirect}"),
        ),
        Expect::StrayMethod if class == 4 => (Verdict::Pass, format!("refused with {status}")),
        Expect::StrayMethod if class == 2 || class == 3 => (
            Verdict::Warn,
            format!("{status}: answers requests no vendor sends"),
        ),
        Expect::StrayMethod => (
            Verdict::Fail,
            format!("{status}: a request anyone can send gets a failure"),
        ),
        Expect::Variation(_) if accepted => (Verdict::Pass, format!("accepted with {status}")),
        Expect::Variation(wire) if class == 4 || class == 2 || class == 3 => (
            Verdict::Warn,
            format!("{status}: refused the delivery sent as {}", wire.name()),
        ),
        Expect::Variation(wire) => (
            Verdict::Fail,
            format!("{status}: failed on the delivery sent as {}", wire.name()),
        ),
    }
}

/// What the contract asks of latency, over the accepted deliveries of a run.
pub fn judge_latency(max: Duration, timeouts: usize, timeout: Duration) -> (Verdict, String) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    if timeouts > 0 {
        return (
            Verdict::Fail,
            format!(
                "{timeouts} deliveries got no answer within the timeout of {:.0} ms",
                ms(timeout)
            ),
        );
    }
    if max * 2 >= timeout {
        return (
            Verdict::Warn,
            format!(
                "the slowest answer took {:.1} ms, over half the timeout of {:.0} ms",
                ms(max),
                ms(timeout)
            ),
        );
    }
    (
        Verdict::Pass,
        format!(
            "the slowest answer took {:.1} ms, under half the timeout of {:.0} ms",
            ms(max),
            ms(timeout)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_client::TransportError;

    fn answered(status: u16) -> Outcome {
        Outcome::Answered {
            status,
            reason: String::new(),
            headers: Vec::new(),
            latency: Duration::from_millis(1),
            body: Vec::new(),
        }
    }

    #[test]
    fn the_contract_table() {
        let spotio = Statuses::Exactly200;
        let any = Statuses::Any2xx;
        let v = |e, o: &Outcome, s| judge(e, o, s).0;
        assert_eq!(v(Expect::Accepted, &answered(200), spotio), Verdict::Pass);
        assert_eq!(v(Expect::Accepted, &answered(202), spotio), Verdict::Fail);
        assert_eq!(v(Expect::Accepted, &answered(202), any), Verdict::Pass);
        assert_eq!(v(Expect::Accepted, &answered(301), any), Verdict::Fail);
        assert_eq!(v(Expect::Refused, &answered(401), any), Verdict::Pass);
        assert_eq!(v(Expect::Refused, &answered(200), any), Verdict::Fail);
        assert_eq!(v(Expect::Refused, &answered(500), any), Verdict::Fail);
        assert_eq!(v(Expect::BadInput, &answered(400), any), Verdict::Pass);
        assert_eq!(v(Expect::BadInput, &answered(200), any), Verdict::Warn);
        assert_eq!(v(Expect::BadInput, &answered(500), any), Verdict::Fail);
        assert_eq!(v(Expect::Either, &answered(413), any), Verdict::Pass);
        assert_eq!(v(Expect::Either, &answered(200), any), Verdict::Pass);
        assert_eq!(
            v(Expect::UnknownEvent, &answered(200), spotio),
            Verdict::Pass
        );
        assert_eq!(
            v(Expect::UnknownEvent, &answered(202), spotio),
            Verdict::Warn
        );
        assert_eq!(v(Expect::UnknownEvent, &answered(422), any), Verdict::Warn);
        assert_eq!(v(Expect::UnknownEvent, &answered(500), any), Verdict::Fail);
        let timeout = Outcome::Failed {
            error: TransportError::Timeout,
            latency: Duration::from_secs(10),
        };
        for e in [
            Expect::Accepted,
            Expect::Refused,
            Expect::BadInput,
            Expect::Either,
        ] {
            assert_eq!(v(e, &timeout, any), Verdict::Fail);
        }
    }

    #[test]
    fn latency_thresholds() {
        let t = Duration::from_millis(1000);
        assert_eq!(
            judge_latency(Duration::from_millis(10), 0, t).0,
            Verdict::Pass
        );
        assert_eq!(
            judge_latency(Duration::from_millis(600), 0, t).0,
            Verdict::Warn
        );
        assert_eq!(
            judge_latency(Duration::from_millis(10), 1, t).0,
            Verdict::Fail
        );
    }
}
