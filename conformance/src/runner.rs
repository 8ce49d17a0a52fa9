//! Sends the cases and records everything: each request and its outcome, the vendor's retries
//! of deliveries that were not accepted, the repeats that tell a steady failure from a flaky
//! one, and the shrinking of failing generated events.

use crate::http_client::{Client, Outcome, TransportError};
use crate::judge;
use crate::redact::Redactor;
use crate::report::{Attempt, CaseReport, LatencyStats, Observed, Purpose, Verdict};
use crate::request::Request;
use crate::retry_policy;
use crate::sender::Sender;
use crate::shrink;
use crate::suites::{Case, Expect, Plan, Source};
use hookcert_catalog::{Statuses, Vendor};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Requests a shrink may send for one case, and cases shrunk in one run.
const SHRINK_BUDGET: usize = 48;
const SHRUNK_CASES: usize = 8;

/// Called after each case, for progress display.
pub type OnCase<'a> = Box<dyn FnMut(&CaseReport) + Send + 'a>;

pub struct Runner<'a> {
    pub client: Arc<Client>,
    pub sender: &'a Sender,
    pub vendor: &'a Vendor,
    pub redactor: Redactor,
    pub time_scale: f64,
    pub started: Instant,
    pub on_case: Option<OnCase<'a>>,
    success: Statuses,
    shrunk: usize,
    /// Requests of the run that got no answer within the timeout.
    timeouts: AtomicUsize,
}

/// One request's record, kept with its outcome for judging.
struct Sent {
    outcome: Outcome,
    attempt: Attempt,
    request: Request,
}

impl<'a> Runner<'a> {
    pub fn new(
        client: Arc<Client>,
        sender: &'a Sender,
        vendor: &'a Vendor,
        redactor: Redactor,
        time_scale: f64,
    ) -> Self {
        Runner {
            client,
            sender,
            vendor,
            redactor,
            time_scale,
            started: Instant::now(),
            on_case: None,
            success: vendor.profile.success.statuses,
            shrunk: 0,
            timeouts: AtomicUsize::new(0),
        }
    }

    /// Runs every case in order; the latency case is judged last, over everything sent.
    pub async fn run(&mut self, cases: &[Case]) -> (Vec<CaseReport>, Option<LatencyStats>) {
        let mut reports = Vec::with_capacity(cases.len());
        for case in cases {
            let report = match &case.plan {
                Plan::Latency => continue,
                Plan::Skip(why) => self.skipped(case, why),
                Plan::One(request) => self.run_case(case, std::slice::from_ref(request)).await,
                Plan::Sequence(requests) | Plan::Concurrent(requests) => {
                    self.run_case(case, requests).await
                }
            };
            if let Some(on_case) = self.on_case.as_mut() {
                on_case(&report);
            }
            reports.push(report);
        }
        let stats = latency_stats(&reports, self.success);
        if let Some(case) = cases.iter().find(|c| matches!(c.plan, Plan::Latency)) {
            let report = self.latency_report(case, stats);
            if let Some(on_case) = self.on_case.as_mut() {
                on_case(&report);
            }
            reports.push(report);
        }
        (reports, stats)
    }

    async fn run_case(&mut self, case: &Case, requests: &[Request]) -> CaseReport {
        match &case.plan {
            Plan::Concurrent(_) => self.run_concurrent(case, requests).await,
            _ => self.run_sequence(case, requests).await,
        }
    }

    /// Counts what the latency case judges: requests that got no answer in time.
    fn note(&self, outcome: &Outcome) {
        if outcome.error() == Some(&TransportError::Timeout) {
            self.timeouts.fetch_add(1, Ordering::Relaxed);
        }
    }

    async fn send(&self, request: &Request, purpose: Purpose) -> Sent {
        let sent_at_ms = self.started.elapsed().as_millis() as u64;
        let outcome = self.client.send(request).await;
        self.note(&outcome);
        let attempt = Attempt {
            purpose,
            sent_at_ms,
            request: request.record(&self.client.target().url, &self.redactor),
            observed: observed(&outcome),
        };
        Sent {
            outcome,
            attempt,
            request: request.clone(),
        }
    }

    /// Sends one delivery; when it should have been accepted and was not, replays the
    /// vendor's retries until one is accepted or the policy is exhausted.
    async fn deliver(
        &self,
        request: &Request,
        expect: Expect,
        attempts: &mut Vec<Attempt>,
    ) -> Sent {
        let first = self.send(request, Purpose::Case).await;
        attempts.push(first.attempt.clone());
        let wants_acceptance = matches!(expect, Expect::Accepted | Expect::UnknownEvent);
        if wants_acceptance && !self.accepted(&first.outcome) {
            let retry = &self.vendor.profile.retry;
            for (n, wait) in retry_policy::schedule(retry, self.time_scale)
                .into_iter()
                .enumerate()
            {
                tokio::time::sleep(wait).await;
                let again = retry_policy::retry_request(retry, self.sender, request, n as u32 + 1);
                let sent = self.send(&again, Purpose::VendorRetry).await;
                attempts.push(sent.attempt.clone());
                if self.accepted(&sent.outcome) {
                    break;
                }
            }
        }
        first
    }

    fn accepted(&self, outcome: &Outcome) -> bool {
        outcome.status().is_some_and(|s| self.success.accepts(s))
    }

    async fn run_sequence(&mut self, case: &Case, requests: &[Request]) -> CaseReport {
        let mut attempts = Vec::new();
        let mut judged = Vec::new();
        for request in requests {
            let sent = self.deliver(request, case.expect, &mut attempts).await;
            judged.push(sent);
        }
        let mut report = self.judged(case, &judged, attempts);
        if report.verdict == Verdict::Fail {
            let first: Vec<String> = judged.iter().map(|s| class(&s.outcome)).collect();
            let mut flaky = false;
            for _ in 0..2 {
                let mut classes = Vec::new();
                for request in requests {
                    let sent = self.send(request, Purpose::Repeat).await;
                    classes.push(class(&sent.outcome));
                    report.attempts.push(sent.attempt);
                }
                flaky |= classes != first;
            }
            report.flaky = flaky;
            if let (Some(source), [request]) = (&case.source, requests) {
                self.shrink(case, source, request, &mut report).await;
            }
        }
        report
    }

    async fn run_concurrent(&mut self, case: &Case, requests: &[Request]) -> CaseReport {
        let mut attempts = Vec::new();
        let judged = self.send_all(requests, &mut attempts).await;
        let mut report = self.judged(case, &judged, attempts);
        if report.verdict == Verdict::Fail {
            let first: Vec<String> = judged.iter().map(|s| class(&s.outcome)).collect();
            let mut flaky = false;
            for _ in 0..2 {
                let mut repeat = Vec::new();
                let sent = self.send_all(requests, &mut repeat).await;
                for a in &mut repeat {
                    a.purpose = Purpose::Repeat;
                }
                report.attempts.extend(repeat);
                flaky |= sent.iter().map(|s| class(&s.outcome)).collect::<Vec<_>>() != first;
            }
            report.flaky = flaky;
        }
        report
    }

    async fn send_all(&self, requests: &[Request], attempts: &mut Vec<Attempt>) -> Vec<Sent> {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, request) in requests.iter().enumerate() {
            let client = Arc::clone(&self.client);
            let request = request.clone();
            let started = self.started;
            tasks.spawn(async move {
                let sent_at_ms = started.elapsed().as_millis() as u64;
                let outcome = client.send(&request).await;
                (i, sent_at_ms, outcome, request)
            });
        }
        let mut done = Vec::with_capacity(requests.len());
        while let Some(joined) = tasks.join_next().await {
            if let Ok(result) = joined {
                done.push(result);
            }
        }
        done.sort_by_key(|(i, ..)| *i);
        done.into_iter()
            .map(|(_, sent_at_ms, outcome, request)| {
                self.note(&outcome);
                let attempt = Attempt {
                    purpose: Purpose::Case,
                    sent_at_ms,
                    request: request.record(&self.client.target().url, &self.redactor),
                    observed: observed(&outcome),
                };
                attempts.push(attempt.clone());
                Sent {
                    outcome,
                    attempt,
                    request,
                }
            })
            .collect()
    }

    /// The case's verdict: the worst over its requests, judged on the first that got it.
    fn judged(&self, case: &Case, sent: &[Sent], attempts: Vec<Attempt>) -> CaseReport {
        let verdicts: Vec<(Verdict, String)> = sent
            .iter()
            .map(|s| judge::judge(case.expect, &s.outcome, self.success))
            .collect();
        let worst = (0..sent.len())
            .max_by_key(|&i| (rank(verdicts[i].0), std::cmp::Reverse(i)))
            .unwrap_or(0);
        let (verdict, mut reason) = verdicts
            .get(worst)
            .cloned()
            .unwrap_or((Verdict::Fail, "nothing was sent".into()));
        if sent.len() > 1 {
            reason = format!("request {} of {}: {reason}", worst + 1, sent.len());
        }
        let reproduce = (verdict == Verdict::Fail || verdict == Verdict::Warn)
            .then(|| self.reproduce(case, sent, worst));
        CaseReport {
            id: case.id.clone(),
            suite: case.suite.id().to_owned(),
            event: case.event.clone(),
            description: case.description.clone(),
            requirement: case.requirement.clone(),
            verdict,
            flaky: false,
            expected: judge::expected(case.expect, self.success),
            observed: sent
                .get(worst)
                .map_or_else(observed_none, |s| s.attempt.observed.clone()),
            reason,
            attempts,
            minimal_payload: None,
            reproduce,
        }
    }

    /// The commands that replay a case: every request of a sequence (order matters), only
    /// the judged one of a concurrent burst.
    fn reproduce(&self, case: &Case, sent: &[Sent], judged: usize) -> String {
        let url = &self.client.target().url;
        let chosen: Vec<&Sent> = match case.plan {
            Plan::Concurrent(_) => sent.get(judged).into_iter().collect(),
            _ => sent.iter().collect(),
        };
        chosen
            .iter()
            .map(|s| s.request.curl(url, &self.redactor))
            .collect::<Vec<_>>()
            .join(" && \\\n")
    }

    fn skipped(&self, case: &Case, why: &str) -> CaseReport {
        CaseReport {
            id: case.id.clone(),
            suite: case.suite.id().to_owned(),
            event: case.event.clone(),
            description: case.description.clone(),
            requirement: case.requirement.clone(),
            verdict: Verdict::Skip,
            flaky: false,
            expected: judge::expected(case.expect, self.success),
            observed: observed_none(),
            reason: why.to_owned(),
            attempts: Vec::new(),
            minimal_payload: None,
            reproduce: None,
        }
    }

    /// Tries smaller valid variants of a failing generated event; the smallest that still
    /// fails becomes the report's minimal payload.
    async fn shrink(
        &mut self,
        case: &Case,
        source: &Source,
        request: &Request,
        report: &mut CaseReport,
    ) {
        // Built only when a case needs shrinking: compiling every schema costs more than a
        // passing run.
        let Ok(validator) = crate::catalog::reference_validator() else {
            return;
        };
        if self.shrunk >= SHRUNK_CASES {
            return;
        }
        self.shrunk += 1;
        let mut best = source.value.clone();
        let mut best_request = request.clone();
        let mut budget = SHRINK_BUDGET;
        'outer: while budget > 0 {
            for candidate in shrink::candidates(&best) {
                if !validator.validate(self.vendor, &candidate, None).is_empty() {
                    continue;
                }
                if budget == 0 {
                    break 'outer;
                }
                budget -= 1;
                let attempt = self
                    .sender
                    .authentic_value(&candidate, crate::event_gen::Encoding::Compact);
                let sent = self.send(&attempt, Purpose::Shrink).await;
                report.attempts.push(sent.attempt);
                let (verdict, _) = judge::judge(case.expect, &sent.outcome, self.success);
                if verdict == Verdict::Fail {
                    best = candidate;
                    best_request = attempt;
                    continue 'outer;
                }
            }
            break;
        }
        let body = String::from_utf8_lossy(&best_request.body).into_owned();
        report.minimal_payload = Some(self.redactor.text(&body));
        report.reproduce = Some(best_request.curl(&self.client.target().url, &self.redactor));
    }

    fn latency_report(&self, case: &Case, stats: Option<LatencyStats>) -> CaseReport {
        let timeout = self.client.timeout();
        let timeouts = self.timeouts.load(Ordering::Relaxed);
        let max = stats.map_or(Duration::ZERO, |s| {
            Duration::from_secs_f64(s.max_ms / 1000.0)
        });
        let (verdict, reason) = match stats {
            None if timeouts == 0 => (Verdict::Skip, "no delivery was accepted".to_owned()),
            _ => judge::judge_latency(max, timeouts, timeout),
        };
        let mut report = self.skipped(case, &reason);
        report.verdict = verdict;
        report.expected = format!(
            "every answer within half the timeout of {} ms",
            timeout.as_millis()
        );
        report.observed = Observed {
            status: None,
            latency_ms: stats.map(|s| s.max_ms),
            error: (timeouts > 0).then(|| format!("{timeouts} timeouts")),
        };
        report
    }
}

/// Fail above warn above pass above skip, for picking a case's worst request.
fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Fail => 3,
        Verdict::Warn => 2,
        Verdict::Pass => 1,
        Verdict::Skip => 0,
    }
}

/// An outcome reduced to what a repeat must reproduce to count as the same.
fn class(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Answered { status, .. } => status.to_string(),
        Outcome::Failed { error, .. } => error.to_string(),
    }
}

fn observed(outcome: &Outcome) -> Observed {
    Observed {
        status: outcome.status(),
        latency_ms: Some(round_ms(outcome.latency())),
        error: outcome.error().map(ToString::to_string),
    }
}

fn observed_none() -> Observed {
    Observed {
        status: None,
        latency_ms: None,
        error: None,
    }
}

fn round_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// Percentiles over every accepted answer of the run.
fn latency_stats(reports: &[CaseReport], success: Statuses) -> Option<LatencyStats> {
    let mut ms: Vec<f64> = reports
        .iter()
        .flat_map(|r| &r.attempts)
        .filter(|a| a.observed.status.is_some_and(|s| success.accepts(s)))
        .filter_map(|a| a.observed.latency_ms)
        .collect();
    if ms.is_empty() {
        return None;
    }
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Some(LatencyStats {
        count: ms.len() as u32,
        p50_ms: at(0.50),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        max_ms: ms[ms.len() - 1],
    })
}
