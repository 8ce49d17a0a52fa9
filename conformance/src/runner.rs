//! Sends the cases and records everything, in phases, so that a broken receiver costs little:
//!
//! 1. the golden deliveries, side by side; when they all get the same refusal the run stops
//!    there with a hint (`causes::preflight`);
//! 2. every other case once, independent cases side by side (a case's own requests keep their
//!    order), up to the failure limit;
//! 3. the causes of the failures, established by probes and controls (`causes::establish`);
//! 4. per cause, on a few representatives only: the repeats that tell a steady failure from a
//!    flaky one, the vendor's retry policy replayed, and shrinking.

use crate::causes::{self, CauseDraft};
use crate::http_client::{Client, Outcome, TransportError};
use crate::judge;
use crate::redact::Redactor;
use crate::report::{Answer, Attempt, CaseReport, Cause, LatencyStats, Observed, Purpose, Verdict};
use crate::request::Request;
use crate::retry_policy;
use crate::shrink;
use crate::suites::{Case, Context, Expect, Plan, Suite};
use futures_util::stream::{FuturesUnordered, StreamExt};
use hookcert_catalog::Statuses;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Cases of a cause on which repeats, retries and shrinking are spent.
const REPRESENTATIVES: usize = 2;
/// Requests a shrink may send for one representative.
const SHRINK_BUDGET: usize = 96;
/// Bodies above this size are not shrunk.
const SHRINK_LIMIT: usize = 64 * 1024;
/// At most this much of an answer's body goes into the report.
const ANSWER_EXCERPT: usize = 4096;

/// How much a run may do at once, and when it stops.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Cases in flight at once (a case's own requests keep their order).
    pub concurrency: usize,
    /// Stop sending new cases once this many have failed.
    pub max_failures: Option<usize>,
}

/// Called when a case's first pass is done.
pub type OnCase<'a> = &'a mut (dyn FnMut(&CaseReport) + Send);

pub struct Runner<'a> {
    pub(crate) ctx: &'a Context<'a>,
    pub(crate) client: Arc<Client>,
    pub(crate) redactor: Redactor,
    time_scale: f64,
    started: Instant,
    pub(crate) limits: Limits,
    pub(crate) success: Statuses,
    timeouts: AtomicUsize,
}

/// One request of a case's first pass and what it got.
pub(crate) struct Sent {
    pub outcome: Outcome,
    pub request: Request,
    pub sent_at_ms: u64,
}

/// A case after its first pass: its report, and the requests as sent.
pub(crate) struct Executed {
    pub report: CaseReport,
    pub sent: Vec<Sent>,
    /// The request the verdict was judged on.
    pub judged: usize,
}

/// What a run produced.
pub struct RunOutcome {
    pub cases: Vec<CaseReport>,
    pub causes: Vec<Cause>,
    pub latency: Option<LatencyStats>,
    pub stopped: Option<String>,
}

impl<'a> Runner<'a> {
    pub fn new(
        ctx: &'a Context<'a>,
        client: Arc<Client>,
        redactor: Redactor,
        time_scale: f64,
        limits: Limits,
    ) -> Self {
        Runner {
            ctx,
            client,
            redactor,
            time_scale,
            started: Instant::now(),
            limits: Limits {
                concurrency: limits.concurrency.max(1),
                ..limits
            },
            success: ctx.vendor.profile.success.statuses,
            timeouts: AtomicUsize::new(0),
        }
    }

    pub async fn run(&self, cases: &[Case], on_case: OnCase<'_>) -> RunOutcome {
        let mut done: Vec<Option<Executed>> = cases.iter().map(|_| None).collect();
        let sendable = |i: &usize| !matches!(cases[*i].plan, Plan::Skip(_) | Plan::Latency);
        let (golden, rest): (Vec<usize>, Vec<usize>) = (0..cases.len())
            .filter(sendable)
            .partition(|&i| cases[i].suite == Suite::Golden);
        self.first_pass(cases, &golden, &mut done, on_case, None)
            .await;
        let preflight = causes::preflight(self, cases, &mut done, &golden).await;
        let stopped_at_golden = preflight.is_some();
        let (causes, stopped, mut reports) = match preflight {
            Some((cause, stopped)) => {
                let reports = self.finish_reports(cases, done, Some(&stopped));
                (vec![cause], Some(stopped), reports)
            }
            None => {
                let stopped = self
                    .first_pass(cases, &rest, &mut done, on_case, self.limits.max_failures)
                    .await
                    .then(|| {
                        format!(
                            "stopped after {} failing cases, the limit set for this run",
                            self.limits.max_failures.unwrap_or_default()
                        )
                    });
                let drafts = causes::establish(self, cases, &mut done).await;
                let causes = self.spend(cases, &mut done, drafts).await;
                let mut reports = self.finish_reports(cases, done, stopped.as_deref());
                if let Some(check) = causes::indistinguishable(self, cases, &reports) {
                    reports.push(check);
                }
                (causes, stopped, reports)
            }
        };
        note_largest_accepted(&mut reports, self.success);
        let latency = latency_stats(&reports, self.success);
        if let Some(case) = cases.iter().find(|c| matches!(c.plan, Plan::Latency)) {
            let mut report = self.latency_report(case, latency);
            if stopped_at_golden && report.verdict != Verdict::Fail {
                // What accepted answers there were came from probes: no measure of the
                // receiver's pace. Timeouts, though, are one whatever was sent.
                report.verdict = Verdict::Skip;
                report.reason = "not judged: the run stopped after the golden deliveries".into();
            }
            if report.verdict == Verdict::Fail {
                report.cause = causes
                    .iter()
                    .find(|c| c.id.starts_with("timeout"))
                    .map(|c| c.id.clone());
            }
            reports.push(report);
        }
        RunOutcome {
            cases: reports,
            causes,
            latency,
            stopped,
        }
    }

    /// Sends each of `indices` once, `limits.concurrency` cases at a time; true when the
    /// failure limit stopped it early.
    async fn first_pass(
        &self,
        cases: &[Case],
        indices: &[usize],
        done: &mut [Option<Executed>],
        on_case: OnCase<'_>,
        max_failures: Option<usize>,
    ) -> bool {
        let mut pending = FuturesUnordered::new();
        let mut next = indices.iter();
        let mut failures = 0;
        let mut stopped = false;
        loop {
            while !stopped && pending.len() < self.limits.concurrency {
                let Some(&i) = next.next() else { break };
                pending.push(async move { (i, self.execute(&cases[i]).await) });
            }
            let Some((i, executed)) = pending.next().await else {
                break;
            };
            on_case(&executed.report);
            if executed.report.verdict == Verdict::Fail {
                failures += 1;
                stopped |= max_failures.is_some_and(|max| failures >= max);
            }
            done[i] = Some(executed);
        }
        stopped && next.next().is_some()
    }

    /// A case's first pass: its requests sent once (in order, or all at once for a concurrent
    /// case) and judged; no retries, no repeats.
    async fn execute(&self, case: &Case) -> Executed {
        let requests: &[Request] = match &case.plan {
            Plan::One(r) => std::slice::from_ref(r),
            Plan::Sequence(rs) | Plan::Concurrent(rs) => rs,
            Plan::Skip(_) | Plan::Latency => &[],
        };
        let sent: Vec<(Sent, Attempt)> = match case.plan {
            Plan::Concurrent(_) => {
                let all = requests.iter().map(|r| self.send(r, Purpose::Case));
                futures_util::future::join_all(all).await
            }
            _ => {
                let mut out = Vec::with_capacity(requests.len());
                for r in requests {
                    out.push(self.send(r, Purpose::Case).await);
                }
                out
            }
        };
        let (sent, attempts): (Vec<Sent>, Vec<Attempt>) = sent.into_iter().unzip();
        let (report, judged) = self.judged(case, &sent, attempts);
        Executed {
            report,
            sent,
            judged,
        }
    }

    /// Sends one request and records it, with the receiver's answer.
    pub(crate) async fn send(&self, request: &Request, purpose: Purpose) -> (Sent, Attempt) {
        let sent_at_ms = self.started.elapsed().as_millis() as u64;
        let outcome = self.client.send(request).await;
        if outcome.error() == Some(&TransportError::Timeout) {
            self.timeouts.fetch_add(1, Ordering::Relaxed);
        }
        let attempt = Attempt {
            purpose,
            sent_at_ms,
            request: request.record(&self.client.target().url, &self.redactor),
            observed: self.observed(&outcome),
        };
        let sent = Sent {
            outcome,
            request: request.clone(),
            sent_at_ms,
        };
        (sent, attempt)
    }

    pub(crate) fn accepted(&self, outcome: &Outcome) -> bool {
        outcome.status().is_some_and(|s| self.success.accepts(s))
    }

    /// The case's verdict: the worst over its requests, judged on the first that got it.
    fn judged(&self, case: &Case, sent: &[Sent], attempts: Vec<Attempt>) -> (CaseReport, usize) {
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
        let observed = attempts
            .get(worst)
            .map_or_else(observed_none, |a| a.observed.clone());
        let mut report = self.base_report(case, verdict, reason);
        report.observed = observed;
        report.attempts = attempts;
        if matches!(verdict, Verdict::Fail | Verdict::Warn) {
            report.reproduce = Some(self.reproduce(case, sent, worst));
        }
        (report, worst)
    }

    fn base_report(&self, case: &Case, verdict: Verdict, reason: String) -> CaseReport {
        CaseReport {
            id: case.id.clone(),
            suite: case.suite.id().to_owned(),
            event: case.event.clone(),
            // A description may quote a body's values (the notes of a documented-only value),
            // the body secret among them.
            description: self.redactor.text(&case.description),
            requirement: case.requirement.clone(),
            verdict,
            flaky: false,
            expected: judge::expected(case.expect, self.success),
            observed: observed_none(),
            reason,
            attempts: Vec::new(),
            minimal_payload: None,
            reproduce: None,
            controls: case.controls.clone(),
            cause: None,
            blocked_by: None,
        }
    }

    /// The commands that replay a case: every request of a sequence (order matters), only
    /// the judged one of a concurrent burst.
    pub(crate) fn reproduce(&self, case: &Case, sent: &[Sent], judged: usize) -> String {
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

    /// Every case's report in plan order: the ones not sent are skipped, with why.
    fn finish_reports(
        &self,
        cases: &[Case],
        done: Vec<Option<Executed>>,
        stopped: Option<&str>,
    ) -> Vec<CaseReport> {
        cases
            .iter()
            .zip(done)
            .filter(|(case, _)| !matches!(case.plan, Plan::Latency))
            .map(|(case, executed)| match (executed, &case.plan) {
                (Some(e), _) => e.report,
                (None, Plan::Skip(why)) => self.base_report(case, Verdict::Skip, why.clone()),
                (None, _) => self.base_report(
                    case,
                    Verdict::Skip,
                    format!("not sent: {}", stopped.unwrap_or("the run stopped")),
                ),
            })
            .collect()
    }

    /// Repeats, retries and shrinking, on a few representatives of each cause.
    async fn spend(
        &self,
        cases: &[Case],
        done: &mut [Option<Executed>],
        drafts: Vec<CauseDraft>,
    ) -> Vec<Cause> {
        let mut work = Vec::new();
        for (d, draft) in drafts.iter().enumerate() {
            for &i in draft.members.iter().take(REPRESENTATIVES) {
                if let Some(executed) = &done[i] {
                    work.push((d, i, self.spend_on(&cases[i], executed, draft)));
                }
            }
        }
        let results = bounded(
            self.limits.concurrency,
            work.into_iter()
                .map(|(d, i, f)| async move { (d, i, f.await) }),
        )
        .await;
        let mut spent: Vec<Vec<(usize, Spent)>> = drafts.iter().map(|_| Vec::new()).collect();
        for (d, i, result) in results {
            if let Some(executed) = done[i].as_mut() {
                executed
                    .report
                    .attempts
                    .extend(result.attempts.iter().cloned());
                executed.report.flaky |= result.flaky;
                if let Some(payload) = &result.minimal_payload {
                    executed.report.minimal_payload = Some(payload.clone());
                }
                if let Some(command) = &result.reproduce {
                    executed.report.reproduce = Some(command.clone());
                }
            }
            spent[d].push((i, result));
        }
        drafts
            .into_iter()
            .zip(spent)
            .map(|(draft, results)| causes::finish(cases, done, draft, results))
            .collect()
    }

    /// The extra work on one representative.
    fn spend_on<'s>(
        &'s self,
        case: &'s Case,
        executed: &Executed,
        draft: &'s CauseDraft,
    ) -> impl Future<Output = Spent> + 's {
        let requests: Vec<Request> = executed.sent.iter().map(|s| s.request.clone()).collect();
        let first: Vec<String> = executed.sent.iter().map(|s| class(&s.outcome)).collect();
        let judged = executed.judged;
        let failing = executed.sent.get(judged).map(|s| s.request.clone());
        let concurrent = matches!(case.plan, Plan::Concurrent(_));
        async move {
            let mut spent = Spent::default();
            for _ in 0..2 {
                let again: Vec<(Sent, Attempt)> = if concurrent {
                    let all = requests.iter().map(|r| self.send(r, Purpose::Repeat));
                    futures_util::future::join_all(all).await
                } else {
                    let mut out = Vec::new();
                    for r in &requests {
                        out.push(self.send(r, Purpose::Repeat).await);
                    }
                    out
                };
                let classes: Vec<String> = again.iter().map(|(s, _)| class(&s.outcome)).collect();
                spent.flaky |= classes != first;
                spent.attempts.extend(again.into_iter().map(|(_, a)| a));
            }
            let wants_acceptance = matches!(case.expect, Expect::Accepted | Expect::UnknownEvent);
            if let (true, Some(failing)) = (wants_acceptance, &failing) {
                self.replay_retries(failing, &mut spent).await;
            }
            if let (true, Some(failing)) = (draft.shrinkable, &failing) {
                self.shrink(case, failing, draft, &mut spent).await;
            }
            spent
        }
    }

    /// The vendor's retries of a delivery that was not accepted, on its schedule.
    async fn replay_retries(&self, failing: &Request, spent: &mut Spent) {
        let retry = &self.ctx.vendor.profile.retry;
        for (n, wait) in retry_policy::schedule(retry, self.time_scale)
            .into_iter()
            .enumerate()
        {
            tokio::time::sleep(wait).await;
            let again = retry_policy::retry_request(retry, self.ctx.sender, failing, n as u32 + 1);
            let (sent, attempt) = self.send(&again, Purpose::VendorRetry).await;
            spent.attempts.push(attempt);
            if self.accepted(&sent.outcome) {
                break;
            }
        }
    }

    /// Tries smaller valid variants of a failing delivery that keep the cause's property; the
    /// smallest that still fails the same way is the cause's minimal payload.
    async fn shrink(&self, case: &Case, failing: &Request, draft: &CauseDraft, spent: &mut Spent) {
        // A body this big shrinks slowly (every candidate a copy of it, validated) and says
        // nothing a smaller example would not: its cause is about size, not content.
        if failing.body.len() > SHRINK_LIMIT {
            return;
        }
        let Ok(validator) = crate::catalog::reference_validator() else {
            return;
        };
        let Ok(mut best) = serde_json::from_slice::<serde_json::Value>(&failing.body) else {
            return;
        };
        let mut best_request = failing.clone();
        let mut budget = SHRINK_BUDGET;
        let batch = self.limits.concurrency.clamp(1, 8);
        'outer: while budget > 0 {
            let candidates: Vec<(serde_json::Value, Request)> = shrink::candidates(&best)
                .into_iter()
                .filter(|c| validator.validate(self.ctx.vendor, c, None).is_empty())
                .map(|c| {
                    let request = self
                        .ctx
                        .sender
                        .authentic_value(&c, crate::event_gen::Encoding::Compact);
                    (c, request)
                })
                .filter(|(_, r)| draft.keeps(self, &r.body))
                .collect();
            for chunk in candidates.chunks(batch) {
                if budget == 0 {
                    break 'outer;
                }
                let chunk = &chunk[..chunk.len().min(budget)];
                budget -= chunk.len();
                let tries = chunk.iter().map(|(_, r)| self.send(r, Purpose::Shrink));
                let results = futures_util::future::join_all(tries).await;
                let mut found = None;
                for (k, (sent, attempt)) in results.into_iter().enumerate() {
                    let (verdict, _) = judge::judge(case.expect, &sent.outcome, self.success);
                    let same = draft.symptom_of(&sent.outcome);
                    if found.is_none() && verdict == Verdict::Fail && same {
                        found = Some(k);
                    }
                    spent.attempts.push(attempt);
                }
                if let Some(k) = found {
                    best = chunk[k].0.clone();
                    best_request = chunk[k].1.clone();
                    continue 'outer;
                }
            }
            break;
        }
        if best_request.body != failing.body {
            let body = String::from_utf8_lossy(&best_request.body).into_owned();
            spent.minimal_payload = Some(self.redactor.text(&body));
            spent.reproduce = Some(best_request.curl(&self.client.target().url, &self.redactor));
            spent.minimal_request = Some(best_request);
        }
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
        let mut report = self.base_report(case, verdict, reason);
        report.expected = format!(
            "every answer within half the timeout of {} ms",
            timeout.as_millis()
        );
        report.observed = Observed {
            status: None,
            latency_ms: stats.map(|s| s.max_ms),
            error: (timeouts > 0).then(|| format!("{timeouts} timeouts")),
            answer: None,
        };
        report
    }

    /// An outcome as the report shows it, the answer's body cut and its secrets redacted.
    pub(crate) fn observed(&self, outcome: &Outcome) -> Observed {
        let answer = match outcome {
            Outcome::Answered {
                status,
                reason,
                headers,
                body,
                ..
            } => {
                let mut text = self.redactor.text(&String::from_utf8_lossy(body));
                if text.len() > ANSWER_EXCERPT {
                    let mut cut = ANSWER_EXCERPT;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    text.truncate(cut);
                }
                Some(Answer {
                    status_line: format!("HTTP/1.1 {status} {reason}").trim_end().to_owned(),
                    headers: headers
                        .iter()
                        .map(|(n, v)| (n.clone(), self.redactor.text(v)))
                        .collect(),
                    body: text,
                    body_bytes: body.len(),
                })
            }
            Outcome::Failed { .. } => None,
        };
        Observed {
            status: outcome.status(),
            latency_ms: Some(round_ms(outcome.latency())),
            error: outcome.error().map(ToString::to_string),
            answer,
        }
    }
}

/// What the extra work on one representative found.
#[derive(Default)]
pub(crate) struct Spent {
    pub attempts: Vec<Attempt>,
    pub flaky: bool,
    pub minimal_payload: Option<String>,
    pub reproduce: Option<String>,
    pub minimal_request: Option<Request>,
}

/// Runs the futures, at most `limit` at a time; results in completion order.
pub(crate) async fn bounded<T, F: Future<Output = T>>(
    limit: usize,
    futures: impl IntoIterator<Item = F>,
) -> Vec<T> {
    let mut pending = FuturesUnordered::new();
    let mut next = futures.into_iter();
    let mut out = Vec::new();
    loop {
        while pending.len() < limit.max(1) {
            let Some(f) = next.next() else { break };
            pending.push(f);
        }
        match pending.next().await {
            Some(result) => out.push(result),
            None => break,
        }
    }
    out
}

/// A refused big event says how big a body the receiver did take, so that its limit reads
/// off the case.
fn note_largest_accepted(reports: &mut [CaseReport], success: Statuses) {
    let largest = reports
        .iter()
        .flat_map(|r| &r.attempts)
        .filter(|a| a.observed.status.is_some_and(|s| success.accepts(s)))
        .map(|a| a.request.body_bytes)
        .max();
    for report in reports
        .iter_mut()
        .filter(|r| r.id.starts_with("generated/size-") && r.verdict == Verdict::Warn)
    {
        if let Some(bytes) = largest {
            report.reason = format!(
                "{}; the largest body it accepted in this run was {} KiB",
                report.reason,
                bytes / 1024
            );
        }
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

pub(crate) fn observed_none() -> Observed {
    Observed {
        status: None,
        latency_ms: None,
        error: None,
        answer: None,
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
