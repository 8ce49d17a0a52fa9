//! Where a cause is established. Failing cases are grouped into the few reasons they fail:
//! a case whose control (its delivery in plain form) failed is not judged on its own variable;
//! the failing valid deliveries are probed (re-sent changed in one property each, from the table
//! in `diagnosis`) until the property that decides the answer is found; a case whose control
//! passed is blamed on its variable; what no probe explains is said to be unexplained.

use crate::diagnosis::{self, Failing, PROBE_ORDER, Property, Symptom};
use crate::http_client::{Outcome, TransportError};
use crate::json_text::{self, Node};
use crate::report::{CaseReport, Cause, Evidence, Purpose, Verdict};
use crate::request::Request;
use crate::runner::{Executed, Runner, Spent, bounded};
use crate::suites::{Case, Expect, Suite};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Failing deliveries probed per run, at most: each costs a dozen requests.
const PROBED: usize = 4;

/// A cause being established, before the work spent on its representatives.
pub(crate) struct CauseDraft {
    pub id: String,
    pub diagnosis: String,
    pub requirement: String,
    pub property: Option<Property>,
    /// Claims every failing valid delivery with its symptom, whatever its properties (a
    /// receiver that fails under load, or at random).
    pub claims_symptom: bool,
    pub symptom: Option<Symptom>,
    /// Its failing cases, the example first.
    pub members: Vec<usize>,
    /// Cases whose control it sank.
    pub blocked: Vec<usize>,
    pub evidence: Vec<Evidence>,
    /// Whether shrinking its example means anything: a layout or a timeout does not shrink.
    pub shrinkable: bool,
    /// Said in each of its cases' reasons (the limit a size search found).
    pub note: Option<String>,
}

impl CauseDraft {
    fn new(id: String, diagnosis: String, requirement: String) -> Self {
        CauseDraft {
            id,
            diagnosis,
            requirement,
            property: None,
            claims_symptom: false,
            symptom: None,
            members: Vec::new(),
            blocked: Vec::new(),
            evidence: Vec::new(),
            shrinkable: false,
            note: None,
        }
    }

    /// Whether a smaller candidate still has the property the cause is about.
    pub fn keeps(&self, runner: &Runner, body: &[u8]) -> bool {
        let Some(property) = self.property else {
            return true;
        };
        let tree = json_text::parse(body);
        property.holds(&Failing {
            body,
            tree: tree.as_ref(),
            events_pointer: runner.ctx.vendor.profile.envelope.events_pointer.as_deref(),
            accepted_before: false,
            golden: None,
        })
    }

    /// Whether an outcome is the cause's symptom (any failure, for causes without one).
    pub fn symptom_of(&self, outcome: &Outcome) -> bool {
        self.symptom.as_ref().is_none_or(|s| *s == symptom(outcome))
    }
}

pub(crate) fn symptom(outcome: &Outcome) -> Symptom {
    match outcome {
        Outcome::Answered { status, .. } => Symptom::Status(*status),
        Outcome::Failed {
            error: TransportError::Timeout,
            ..
        } => Symptom::Timeout,
        Outcome::Failed { error, .. } => Symptom::NoAnswer(error.to_string()),
    }
}

/// A failing case's judged request, ready for the table.
struct View {
    body: Vec<u8>,
    tree: Option<Node>,
    accepted_before: bool,
    event: Option<String>,
    symptom: Symptom,
}

/// What the run has seen: which bodies were accepted when, and the golden example of each
/// event type.
struct History {
    accepted: HashMap<[u8; 32], u64>,
    goldens: HashMap<String, (Vec<u8>, Node)>,
}

impl History {
    fn new(runner: &Runner, done: &[Option<Executed>]) -> Self {
        let mut accepted: HashMap<[u8; 32], u64> = HashMap::new();
        for sent in done.iter().flatten().flat_map(|e| &e.sent) {
            if runner.accepted(&sent.outcome) {
                let key: [u8; 32] = Sha256::digest(&sent.request.body).into();
                let at = accepted.entry(key).or_insert(sent.sent_at_ms);
                *at = (*at).min(sent.sent_at_ms);
            }
        }
        let goldens = runner
            .ctx
            .single_event_goldens()
            .into_iter()
            .filter_map(|g| {
                let tree = json_text::parse(&g.bytes)?;
                Some((g.event.clone()?, (g.bytes, tree)))
            })
            .collect();
        History { accepted, goldens }
    }

    fn view(&self, executed: &Executed, event: Option<&str>) -> Option<View> {
        let sent = executed.sent.get(executed.judged)?;
        let key: [u8; 32] = Sha256::digest(&sent.request.body).into();
        Some(View {
            body: sent.request.body.clone(),
            tree: json_text::parse(&sent.request.body),
            accepted_before: self
                .accepted
                .get(&key)
                .is_some_and(|&at| at < sent.sent_at_ms),
            event: event.map(str::to_owned),
            symptom: symptom(&sent.outcome),
        })
    }

    fn failing<'v>(&'v self, runner: &'v Runner, view: &'v View) -> Failing<'v> {
        Failing {
            body: &view.body,
            tree: view.tree.as_ref(),
            events_pointer: runner.ctx.vendor.profile.envelope.events_pointer.as_deref(),
            accepted_before: view.accepted_before,
            golden: view
                .event
                .as_deref()
                .and_then(|e| self.goldens.get(e))
                .map(|(b, t)| (b.as_slice(), t)),
        }
    }
}

/// When every golden delivery got the same refusal: the cause, and why the run stops. Before a
/// hint about credentials or the receiver's parsing, one golden delivery is probed, so that a
/// receiver that verifies re-serialized JSON is told so, not to check its secret.
pub(crate) async fn preflight(
    runner: &Runner<'_>,
    cases: &[Case],
    done: &mut [Option<Executed>],
    golden: &[usize],
) -> Option<(Cause, String)> {
    let symptoms: Vec<(usize, Symptom)> = golden
        .iter()
        .filter_map(|&i| {
            let e = done[i].as_ref()?;
            let sent = e.sent.get(e.judged)?;
            (!runner.accepted(&sent.outcome)).then(|| (i, symptom(&sent.outcome)))
        })
        .collect();
    let first = symptoms.first()?.1.clone();
    if symptoms.len() != golden.len() || symptoms.iter().any(|(_, s)| *s != first) {
        return None;
    }
    let history = History::new(runner, done);
    let mut draft = None;
    // A refusal or a failure may come from one property of the examples (a 500 on non-ASCII
    // text): probed, so that a hint is given only where no probe names a cause.
    if matches!(
        first,
        Symptom::Status(400 | 401 | 403 | 415 | 422 | 500..=599)
    ) {
        let smallest = *golden.iter().min_by_key(|&&i| {
            done[i]
                .as_ref()
                .map_or(usize::MAX, |e| e.sent[e.judged].request.body.len())
        })?;
        draft = probe_for_cause(runner, cases, done, &history, smallest, &first).await;
        if let Some(d) = draft.as_mut() {
            let property = d.property;
            for &i in golden {
                let holds = done[i]
                    .as_ref()
                    .and_then(|e| history.view(e, cases[i].event.as_deref()))
                    .is_some_and(|v| {
                        property.is_some_and(|p| p.holds(&history.failing(runner, &v)))
                    });
                if holds && !d.members.contains(&i) {
                    d.members.push(i);
                }
            }
        }
    }
    let probed = draft.is_some();
    let draft = match draft {
        Some(d) => d,
        None => {
            let location = done[golden[0]]
                .as_ref()
                .and_then(|e| match &e.sent[e.judged].outcome {
                    Outcome::Answered { headers, .. } => headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case("location"))
                        .map(|(_, v)| v.clone()),
                    Outcome::Failed { .. } => None,
                });
            let (id, hint) = diagnosis::preflight_hint(
                &first,
                runner.ctx.vendor.profile.http.method.as_str(),
                location.as_deref(),
            );
            let mut d = CauseDraft::new(
                id,
                hint,
                runner
                    .ctx
                    .requirement("success", "answer the vendor's success status"),
            );
            d.symptom = Some(first.clone());
            d.evidence.push(Evidence {
                check: "compare:golden".into(),
                description: format!("all {} golden deliveries of the vendor", golden.len()),
                observed: done[golden[0]]
                    .as_ref()
                    .map_or_else(crate::runner::observed_none, |e| e.report.observed.clone()),
                flipped: false,
            });
            d
        }
    };
    let mut draft = draft;
    for &i in golden {
        if !draft.members.contains(&i) {
            draft.members.push(i);
        }
    }
    // The hint already says what every golden delivery got.
    let stopped = if probed {
        format!(
            "every golden delivery got {first}, so nothing else was sent: {}",
            draft.diagnosis
        )
    } else {
        format!("{}; nothing else was sent", draft.diagnosis)
    };
    let cause = finish(cases, done, draft, Vec::new());
    Some((cause, stopped))
}

/// Probes one failing case: every property of the table it has, changed alone, sent at once.
/// The first property (in the table's order) whose change got the vendor's success decides.
async fn probe_for_cause(
    runner: &Runner<'_>,
    cases: &[Case],
    done: &mut [Option<Executed>],
    history: &History,
    index: usize,
    symptom_seen: &Symptom,
) -> Option<CauseDraft> {
    let executed = done[index].as_ref()?;
    let view = history.view(executed, cases[index].event.as_deref())?;
    let base = executed.sent.get(executed.judged)?.request.clone();
    if let Some(draft) = alone(runner, done, index, &base, symptom_seen).await {
        return Some(draft);
    }
    let executed = done[index].as_ref()?;
    let view = history
        .view(executed, cases[index].event.as_deref())
        .unwrap_or(view);
    let failing = history.failing(runner, &view);
    let probes: Vec<(Property, Request)> = PROBE_ORDER
        .iter()
        .filter_map(|&p| {
            let probe = p.probe(&failing)?;
            let mut request = runner.ctx.sender.signed(probe.body);
            request.method.clone_from(&base.method);
            if let Some(content_type) = probe.content_type {
                for (name, value) in &mut request.headers {
                    if name.eq_ignore_ascii_case("content-type") {
                        *value = content_type.to_owned();
                    }
                }
            }
            Some((p, request))
        })
        .collect();
    let results = bounded(
        runner.limits.concurrency,
        probes
            .iter()
            .enumerate()
            .map(|(k, (_, r))| async move { (k, runner.send(r, Purpose::Probe).await) }),
    )
    .await;
    let mut results: Vec<_> = results.into_iter().collect();
    results.sort_by_key(|(k, _)| *k);
    let mut evidence = Vec::new();
    let mut decided = None;
    for (k, (sent, attempt)) in results {
        let property = probes[k].0;
        let flipped = runner.accepted(&sent.outcome);
        if flipped && decided.is_none() {
            decided = Some(property);
        }
        evidence.push(Evidence {
            check: format!("probe:{}", probe_name(property)),
            description: property.probe_description(),
            observed: attempt.observed.clone(),
            flipped,
        });
        if let Some(e) = done[index].as_mut() {
            e.report.attempts.push(attempt);
        }
    }
    let property = decided?;
    let signed = runner
        .ctx
        .sender
        .signer()
        .scheme()
        .signature_header()
        .is_some();
    let (topic, fallback) = property.requirement();
    let mut draft = CauseDraft::new(
        property.id().to_owned(),
        property.diagnosis(symptom_seen, signed),
        runner.ctx.requirement(topic, fallback),
    );
    draft.property = Some(property);
    draft.symptom = Some(symptom_seen.clone());
    draft.members.push(index);
    draft.evidence = evidence;
    draft.shrinkable = !matches!(property, Property::NotInLayout(_) | Property::ContentType);
    Some(draft)
}

/// The failing request sent again, twice, with nothing else in flight: accepted both times,
/// the failure came from the load; once, the receiver answers at random. Either way no property
/// of the delivery decides, and probing them would read noise.
async fn alone(
    runner: &Runner<'_>,
    done: &mut [Option<Executed>],
    index: usize,
    request: &Request,
    symptom_seen: &Symptom,
) -> Option<CauseDraft> {
    let mut accepted = Vec::new();
    let mut evidence = Vec::new();
    for _ in 0..2 {
        let (sent, attempt) = runner.send(request, Purpose::Probe).await;
        let ok = runner.accepted(&sent.outcome);
        accepted.push(ok);
        evidence.push(Evidence {
            check: "probe:alone".into(),
            description: "the same request again, with nothing else in flight".into(),
            observed: attempt.observed.clone(),
            flipped: ok,
        });
        if let Some(e) = done[index].as_mut() {
            e.report.attempts.push(attempt);
        }
    }
    let (id, diagnosis) = match accepted.as_slice() {
        [true, true] => (
            "under-load",
            format!(
                "deliveries sent while others were in flight got {symptom_seen}; the same deliveries alone were accepted"
            ),
        ),
        [false, false] => return None,
        _ => (
            "flaky",
            format!("the same request gets {symptom_seen} or is accepted, unpredictably"),
        ),
    };
    let mut draft = CauseDraft::new(
        id.to_owned(),
        diagnosis,
        runner
            .ctx
            .requirement("success", "accept every valid event"),
    );
    draft.claims_symptom = true;
    draft.symptom = Some(symptom_seen.clone());
    draft.members.push(index);
    draft.evidence = evidence;
    Some(draft)
}

fn probe_name(property: Property) -> String {
    match property {
        Property::NotInLayout(layout) => format!("layout-{}", layout.id()),
        other => other.id().to_owned(),
    }
}

/// Every failing case of the run, given to one cause or blocked by one.
pub(crate) async fn establish(
    runner: &Runner<'_>,
    cases: &[Case],
    done: &mut [Option<Executed>],
) -> Vec<CauseDraft> {
    let history = History::new(runner, done);
    let failing: Vec<usize> = (0..cases.len())
        .filter(|&i| {
            done[i]
                .as_ref()
                .is_some_and(|e| e.report.verdict == Verdict::Fail)
        })
        .collect();
    let by_id: HashMap<&str, usize> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    // Decided before any probe is sent: a control's verdict is its first pass.
    let failed_control: HashMap<usize, usize> = failing
        .iter()
        .filter_map(|&i| {
            let control = cases[i].controls.iter().find_map(|c| {
                let j = *by_id.get(c.as_str())?;
                done[j]
                    .as_ref()
                    .is_some_and(|e| e.report.verdict == Verdict::Fail)
                    .then_some(j)
            })?;
            Some((i, control))
        })
        .collect();
    let mut drafts: Vec<CauseDraft> = Vec::new();
    let mut assigned: HashSet<usize> = HashSet::new();
    // The valid deliveries, golden and generated: the base every variant rests on.
    let base: Vec<usize> = failing
        .iter()
        .copied()
        .filter(|&i| cases[i].controls.is_empty() && wants_acceptance(&cases[i]))
        .collect();
    timeouts(runner, cases, done, &base, &mut drafts, &mut assigned);
    // A body or a batch too big: the limit searched for with smaller ones of the same, before
    // any probe (a batch cut to one event is also a smaller body).
    limits(runner, cases, done, &failing, &mut drafts, &mut assigned).await;
    let mut probed = 0;
    loop {
        let left: Vec<usize> = base
            .iter()
            .copied()
            .filter(|i| !assigned.contains(i))
            .collect();
        let Some(rep) = representative(cases, done, &left) else {
            break;
        };
        if probed == PROBED {
            break;
        }
        probed += 1;
        let symptom_seen = match done[rep].as_ref().and_then(|e| e.sent.get(e.judged)) {
            Some(s) => symptom(&s.outcome),
            None => break,
        };
        match probe_for_cause(runner, cases, done, &history, rep, &symptom_seen).await {
            Some(mut draft) => {
                assigned.insert(rep);
                claim(
                    runner,
                    cases,
                    done,
                    &history,
                    &mut draft,
                    &left,
                    &mut assigned,
                );
                drafts.push(draft);
            }
            None => {
                let mut draft = unexplained(runner, cases, done, rep, &symptom_seen);
                for &i in &left {
                    let same = done[i]
                        .as_ref()
                        .and_then(|e| history.view(e, cases[i].event.as_deref()));
                    if same.is_some_and(|v| {
                        v.symptom == symptom_seen
                            && v.event.as_deref() == cases[rep].event.as_deref()
                    }) {
                        assigned.insert(i);
                        if !draft.members.contains(&i) {
                            draft.members.push(i);
                        }
                    }
                }
                drafts.push(draft);
            }
        }
    }
    // What was not probed: unexplained, by answer and event type.
    let left: Vec<usize> = base
        .iter()
        .copied()
        .filter(|i| !assigned.contains(i))
        .collect();
    for i in left {
        if assigned.contains(&i) {
            continue;
        }
        let Some(symptom_seen) = done[i]
            .as_ref()
            .and_then(|e| e.sent.get(e.judged))
            .map(|s| symptom(&s.outcome))
        else {
            continue;
        };
        let id = unexplained_id(&symptom_seen, cases[i].event.as_deref());
        match drafts.iter_mut().find(|d| d.id == id) {
            Some(d) => d.members.push(i),
            None => drafts.push(unexplained(runner, cases, done, i, &symptom_seen)),
        }
        assigned.insert(i);
    }
    // Cases resting on a control that failed: blocked by the control's cause.
    for &i in &failing {
        if assigned.contains(&i) {
            continue;
        }
        if let Some(&control) = failed_control.get(&i) {
            if let Some(d) = drafts.iter_mut().find(|d| d.members.contains(&control)) {
                d.blocked.push(i);
                assigned.insert(i);
            }
        }
    }
    // Variants whose control passed: an established property may still explain them.
    let variants: Vec<usize> = failing
        .iter()
        .copied()
        .filter(|i| !assigned.contains(i))
        .collect();
    for d in drafts
        .iter_mut()
        .filter(|d| d.property.is_some() || d.claims_symptom)
    {
        claim(runner, cases, done, &history, d, &variants, &mut assigned);
    }
    // A repeat refused by the duplicates suite establishes the repeat as a cause, which also
    // explains any other case that resent bytes already accepted.
    variable_causes(
        runner,
        cases,
        done,
        &history,
        &failing,
        &mut drafts,
        &mut assigned,
    );
    drafts.sort_by_key(|d| std::cmp::Reverse(d.members.len() + d.blocked.len()));
    drafts
}

/// Smaller sizes tried when a grown event is refused, largest first.
const BODY_SIZES: [usize; 6] = [128, 64, 32, 16, 8, 4];
/// Smaller batches tried when a big batch is refused, largest first.
const BATCH_SIZES: [usize; 6] = [50, 25, 12, 6, 3, 2];

/// The sized cases that failed: the same event grown less, and the same batch cut, sent from
/// the largest down until one is accepted; the cause names the limit found.
async fn limits(
    runner: &Runner<'_>,
    cases: &[Case],
    done: &mut [Option<Executed>],
    failing: &[usize],
    drafts: &mut Vec<CauseDraft>,
    assigned: &mut HashSet<usize>,
) {
    let goldens = runner.ctx.single_event_goldens();
    // Sizes first: a batch refused for its bytes is explained by the body limit found.
    let mut order: Vec<usize> = failing.to_vec();
    order.sort_by_key(|&i| !cases[i].id.starts_with("generated/size-"));
    for i in order {
        if assigned.contains(&i) {
            continue;
        }
        let id = cases[i].id.as_str();
        let Some(sent) = done[i].as_ref().and_then(|e| e.sent.get(e.judged)) else {
            continue;
        };
        let symptom_seen = symptom(&sent.outcome);
        let failed_bytes = sent.request.body.len();
        let (kind, tries): (&str, Vec<(String, Request)>) = if id.starts_with("generated/size-") {
            let Some(golden) = cases[i]
                .controls
                .first()
                .and_then(|c| goldens.iter().find(|g| &g.case_id() == c))
            else {
                continue;
            };
            let tries = BODY_SIZES
                .iter()
                .filter(|&&kib| kib * 1024 < failed_bytes)
                .filter_map(|&kib| {
                    let value = crate::event_gen::padded(
                        runner.ctx.catalog,
                        runner.ctx.vendor,
                        golden,
                        kib * 1024,
                    )?;
                    let request = runner
                        .ctx
                        .sender
                        .authentic_value(&value, crate::event_gen::Encoding::Compact);
                    Some((format!("{kib} KiB"), request))
                })
                .collect();
            ("body-size", tries)
        } else if id.starts_with("generated/batch-") {
            let Some(pointer) = runner.ctx.vendor.profile.envelope.events_pointer.as_deref() else {
                continue;
            };
            let Some(tree) = json_text::parse(&sent.request.body) else {
                continue;
            };
            let Some(json_text::Kind::Array(items)) = tree.at(pointer).map(|n| &n.kind) else {
                continue;
            };
            let tries = BATCH_SIZES
                .iter()
                .filter(|&&n| n < items.len())
                .map(|&n| {
                    let cut = json_text::apply(
                        &sent.request.body,
                        vec![json_text::Edit {
                            start: items[n - 1].end,
                            end: items[items.len() - 1].end,
                            text: Vec::new(),
                        }],
                    );
                    (format!("{n} events"), runner.ctx.sender.signed(cut))
                })
                .collect();
            ("batch-size", tries)
        } else {
            continue;
        };
        let what_failed = match kind {
            "body-size" => format!("{} KiB", failed_bytes / 1024),
            _ => id.trim_start_matches("generated/batch-").to_owned() + " events",
        };
        let mut evidence = Vec::new();
        let mut largest = None;
        let mut largest_bytes = None;
        for (size, request) in tries {
            let (sent, attempt) = runner.send(&request, Purpose::Probe).await;
            let ok = runner.accepted(&sent.outcome);
            if ok {
                largest_bytes = Some(request.body.len());
            }
            evidence.push(Evidence {
                check: format!("probe:{kind}"),
                description: format!("the same, at {size}"),
                observed: attempt.observed.clone(),
                flipped: ok,
            });
            if let Some(e) = done[i].as_mut() {
                e.report.attempts.push(attempt);
            }
            if ok {
                largest = Some(size);
                break;
            }
        }
        let (diagnosis, note) = match (&largest, kind) {
            (Some(ok), "body-size") => (
                format!(
                    "bodies of {what_failed} get {symptom_seen}; {ok} was accepted: the receiver limits bodies to less than {what_failed}, though no document states a limit"
                ),
                format!("the largest body accepted was {ok}"),
            ),
            (Some(ok), _) => (
                format!(
                    "batches of {what_failed} get {symptom_seen}; a batch of {ok} was accepted"
                ),
                format!("the largest batch accepted was {ok}"),
            ),
            (None, "body-size") => (
                format!(
                    "bodies of {what_failed} get {symptom_seen}, and so do smaller ones down to 4 KiB"
                ),
                "no smaller body of the same event was accepted either".to_owned(),
            ),
            (None, _) => (
                format!(
                    "batches of {what_failed} get {symptom_seen}, and so do smaller ones down to 2 events"
                ),
                "no smaller batch was accepted either".to_owned(),
            ),
        };
        let (topic, fallback) = match kind {
            "body-size" => (
                "size",
                "accept a valid event of 256 KiB: no document states a size limit",
            ),
            _ => ("envelope", "accept a batch of any number of events"),
        };
        let mut draft = CauseDraft::new(
            kind.to_owned(),
            diagnosis,
            runner.ctx.requirement(topic, fallback),
        );
        draft.symptom = Some(symptom_seen.clone());
        draft.evidence = evidence;
        draft.note = Some(note);
        draft.members.push(i);
        assigned.insert(i);
        // Every other failing delivery bigger than the body found accepted, with the same
        // answer, has the same cause.
        let accepted_bytes = largest_bytes;
        if kind == "body-size" {
            for &j in failing {
                let bigger = done[j]
                    .as_ref()
                    .and_then(|e| e.sent.get(e.judged))
                    .is_some_and(|s| {
                        symptom(&s.outcome) == symptom_seen
                            && accepted_bytes.is_some_and(|ok| s.request.body.len() > ok)
                    });
                if bigger && !assigned.contains(&j) {
                    draft.members.push(j);
                    assigned.insert(j);
                }
            }
        }
        match drafts.iter_mut().find(|d| d.id == kind) {
            Some(existing) => existing.members.extend(draft.members),
            None => drafts.push(draft),
        }
    }
}

fn wants_acceptance(case: &Case) -> bool {
    matches!(case.expect, Expect::Accepted)
}

/// The failing delivery to probe next: a golden one, else the smallest.
fn representative(cases: &[Case], done: &[Option<Executed>], left: &[usize]) -> Option<usize> {
    left.iter()
        .copied()
        .filter(|&i| done[i].as_ref().is_some_and(|e| e.sent.len() == 1))
        .min_by_key(|&i| {
            let golden = cases[i].suite != Suite::Golden;
            let size = done[i]
                .as_ref()
                .map_or(usize::MAX, |e| e.sent[e.judged].request.body.len());
            (golden, size)
        })
}

/// Adds to `draft` every case of `candidates` with its symptom and property.
fn claim(
    runner: &Runner,
    cases: &[Case],
    done: &[Option<Executed>],
    history: &History,
    draft: &mut CauseDraft,
    candidates: &[usize],
    assigned: &mut HashSet<usize>,
) {
    if draft.property.is_none() && !draft.claims_symptom {
        return;
    }
    for &i in candidates {
        if assigned.contains(&i) {
            continue;
        }
        let Some(view) = done[i]
            .as_ref()
            .and_then(|e| history.view(e, cases[i].event.as_deref()))
        else {
            continue;
        };
        let same_symptom = draft.symptom.as_ref().is_none_or(|s| *s == view.symptom);
        let has = match draft.property {
            Some(property) => property.holds(&history.failing(runner, &view)),
            None => true,
        };
        if same_symptom && has {
            draft.members.push(i);
            assigned.insert(i);
        }
    }
}

fn unexplained_id(symptom: &Symptom, event: Option<&str>) -> String {
    let what = match symptom {
        Symptom::Status(s) => s.to_string(),
        Symptom::Timeout => "timeout".into(),
        Symptom::NoAnswer(_) => "no-answer".into(),
    };
    format!("unexplained/{what}/{}", event.unwrap_or("batch"))
}

fn unexplained(
    runner: &Runner,
    cases: &[Case],
    done: &[Option<Executed>],
    index: usize,
    symptom_seen: &Symptom,
) -> CauseDraft {
    let event = cases[index]
        .event
        .as_deref()
        .unwrap_or("batches of several events");
    let mut draft = CauseDraft::new(
        unexplained_id(symptom_seen, cases[index].event.as_deref()),
        format!("{symptom_seen} on {event}, unexplained: no probe changed the answer"),
        runner
            .ctx
            .requirement("success", "accept every valid event"),
    );
    draft.symptom = Some(symptom_seen.clone());
    draft.members.push(index);
    draft.shrinkable = *symptom_seen != Symptom::Timeout;
    // The probes sent for it (if any) are its evidence: none flipped.
    if let Some(e) = done[index].as_ref() {
        draft.evidence = e
            .report
            .attempts
            .iter()
            .filter(|a| a.purpose == Purpose::Probe)
            .map(|a| Evidence {
                check: "probe".into(),
                description: format!(
                    "{} bytes, sha256 {}",
                    a.request.body_bytes, a.request.body_sha256
                ),
                observed: a.observed.clone(),
                flipped: false,
            })
            .collect();
    }
    draft
}

/// Deliveries that got no answer in time, when they are all of some event types and the other
/// types are answered: the comparison across event types establishes it.
fn timeouts(
    runner: &Runner,
    cases: &[Case],
    done: &[Option<Executed>],
    base: &[usize],
    drafts: &mut Vec<CauseDraft>,
    assigned: &mut HashSet<usize>,
) {
    let timed_out = |i: usize| {
        done[i]
            .as_ref()
            .and_then(|e| e.sent.get(e.judged))
            .is_some_and(|s| symptom(&s.outcome) == Symptom::Timeout)
    };
    let mut by_event: BTreeMap<&str, (Vec<usize>, usize)> = BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        let (Some(event), Some(e)) = (case.event.as_deref(), done[i].as_ref()) else {
            continue;
        };
        if !case.controls.is_empty() || !wants_acceptance(case) {
            continue;
        }
        let entry = by_event.entry(event).or_default();
        if base.contains(&i) && timed_out(i) {
            entry.0.push(i);
        } else if e.report.verdict == Verdict::Pass {
            entry.1 += 1;
        }
    }
    let answered_elsewhere: usize = by_event
        .values()
        .filter(|(t, _)| t.is_empty())
        .map(|(_, p)| p)
        .sum();
    let timeout_ms = runner.client.timeout().as_millis();
    for (event, (slow, passed)) in by_event {
        if slow.is_empty() {
            continue;
        }
        let only_this = passed == 0 && answered_elsewhere > 0;
        let (id, diagnosis) = if only_this {
            (
                format!("timeout/{event}"),
                format!(
                    "no answer within {timeout_ms} ms to {event} deliveries; other event types are answered in time"
                ),
            )
        } else {
            (
                format!("timeout/{event}"),
                format!(
                    "no answer within {timeout_ms} ms to {} of the {event} deliveries",
                    slow.len()
                ),
            )
        };
        let mut draft = CauseDraft::new(
            id,
            diagnosis,
            runner
                .ctx
                .requirement("timeout", "answer within the vendor's timeout"),
        );
        draft.symptom = Some(Symptom::Timeout);
        draft.evidence.push(Evidence {
            check: "compare:event-types".into(),
            description: format!(
                "{} {event} deliveries timed out, {passed} were accepted; {answered_elsewhere} deliveries of other event types were accepted",
                slow.len()
            ),
            observed: done[slow[0]].as_ref().map_or_else(crate::runner::observed_none, |e| e.report.observed.clone()),
            flipped: only_this,
        });
        for &i in &slow {
            assigned.insert(i);
        }
        draft.members = slow;
        drafts.push(draft);
    }
}

/// Failing cases whose control passed, and the checks without a control: each is blamed on
/// what it varies, one cause per kind.
fn variable_causes(
    runner: &Runner,
    cases: &[Case],
    done: &[Option<Executed>],
    history: &History,
    failing: &[usize],
    drafts: &mut Vec<CauseDraft>,
    assigned: &mut HashSet<usize>,
) {
    // The duplicates suite first: its cause also explains other resent bytes.
    let repeats: Vec<usize> = failing
        .iter()
        .copied()
        .filter(|&i| !assigned.contains(&i) && cases[i].suite == Suite::Duplicates)
        .collect();
    let first_repeat = repeats.first().and_then(|&i| {
        let e = done[i].as_ref()?;
        Some((
            i,
            e.report.observed.clone(),
            symptom(&e.sent.get(e.judged)?.outcome),
        ))
    });
    if let Some((first, observed, symptom_seen)) = first_repeat {
        let mut draft = CauseDraft::new(
            "duplicates".into(),
            Property::Repeated.diagnosis(&symptom_seen, false),
            runner
                .ctx
                .requirement("retry", "accept a delivery seen before"),
        );
        draft.property = Some(Property::Repeated);
        draft.symptom = Some(symptom_seen);
        draft.evidence.push(Evidence {
            check: format!(
                "control:{}",
                cases[first].controls.first().cloned().unwrap_or_default()
            ),
            description: "accepted the first time, the same delivery sent again got".into(),
            observed,
            flipped: true,
        });
        for i in repeats {
            draft.members.push(i);
            assigned.insert(i);
        }
        let rest: Vec<usize> = failing
            .iter()
            .copied()
            .filter(|i| !assigned.contains(i))
            .collect();
        claim(runner, cases, done, history, &mut draft, &rest, assigned);
        drafts.push(draft);
    }
    for &i in failing {
        if assigned.contains(&i) {
            continue;
        }
        let case = &cases[i];
        let symptom_seen = done[i]
            .as_ref()
            .and_then(|e| e.sent.get(e.judged))
            .map_or(Symptom::Status(0), |s| symptom(&s.outcome));
        let accepted = matches!(symptom_seen, Symptom::Status(s) if runner.success.accepts(s) || (200..300).contains(&s));
        let (id, diagnosis, topic, fallback) = match (case.suite, case.expect) {
            (Suite::Auth, Expect::Accepted) => (
                "header-name-case".to_owned(),
                format!(
                    "{}: got {symptom_seen}; header names are case-insensitive",
                    case.description
                ),
                "authentication",
                "accept header names in any case",
            ),
            (Suite::Auth, _) if accepted => (
                "forged-accepted".to_owned(),
                "requests that are not the vendor's are accepted: forged events get through"
                    .to_owned(),
                "authentication",
                "refuse what the vendor did not send",
            ),
            (Suite::Auth, _) => (
                "auth-failure".to_owned(),
                format!("bad authentication gets {symptom_seen}, not a 4xx: anyone can trigger it"),
                "authentication",
                "refuse what the vendor did not send with a 4xx",
            ),
            (Suite::Robustness, Expect::Variation(wire)) => (
                format!("transport-{}", wire.name()),
                format!(
                    "an authentic delivery sent as {} gets {symptom_seen}: vendors' HTTP clients send it so",
                    wire.name()
                ),
                "transport",
                "accept an authentic delivery in any form of HTTP/1.x vendors' clients send",
            ),
            (Suite::Robustness, Expect::StrayMethod) => (
                "stray-method".to_owned(),
                format!(
                    "requests with a method no vendor sends get {symptom_seen}: anyone can trigger it"
                ),
                "method",
                "refuse with a 4xx a request no vendor sends, unauthenticated; never fail with a 5xx",
            ),
            (Suite::Robustness, _) if case.id.starts_with("robustness/content-type-") => (
                "content-type".to_owned(),
                format!(
                    "an authentic delivery with another Content-Type (or none) gets {symptom_seen}"
                ),
                "content_type",
                "the documents do not state the Content-Type header: answer 2xx or 4xx to an authentic delivery whatever it says, never 5xx",
            ),
            (Suite::Robustness, _) => (
                "bad-input-failure".to_owned(),
                format!("bad input gets {symptom_seen}, not a 4xx"),
                "validation",
                "refuse what cannot be processed with a 4xx; never fail with a 5xx or a dropped connection",
            ),
            (Suite::UnknownEvent, _) => (
                "unknown-event".to_owned(),
                format!("an event type the document does not list gets {symptom_seen}"),
                "events",
                "accept event types added after the document",
            ),
            (Suite::Ordering, _) => (
                "ordering".to_owned(),
                format!("related events out of order get {symptom_seen}; each alone is accepted"),
                "events",
                "accept related events in any order",
            ),
            (Suite::Concurrency, _) => (
                "concurrency".to_owned(),
                format!("deliveries sent at once get {symptom_seen}; each alone is accepted"),
                "timeout",
                "accept concurrent deliveries",
            ),
            _ => (
                unexplained_id(&symptom_seen, case.event.as_deref()),
                format!(
                    "{symptom_seen} on {}, unexplained",
                    case.event.as_deref().unwrap_or("a delivery")
                ),
                "success",
                "accept every valid event",
            ),
        };
        match drafts.iter_mut().find(|d| d.id == id) {
            Some(d) => d.members.push(i),
            None => {
                let mut draft =
                    CauseDraft::new(id, diagnosis, runner.ctx.requirement(topic, fallback));
                let control = case.controls.first().and_then(|c| {
                    let j = cases.iter().position(|k| &k.id == c)?;
                    Some((c, done[j].as_ref()?.report.observed.clone()))
                });
                // A control that was never sent establishes nothing.
                let control = control.filter(|(_, o)| o.status.is_some() || o.error.is_some());
                if let Some((control, observed)) = control {
                    draft.evidence.push(Evidence {
                        check: format!("control:{control}"),
                        description: format!("{control}, the same delivery in its plain form"),
                        observed,
                        flipped: true,
                    });
                }
                draft.members.push(i);
                drafts.push(draft);
            }
        }
        assigned.insert(i);
    }
}

/// The cause as the report shows it; its cases marked.
pub(crate) fn finish(
    cases: &[Case],
    done: &mut [Option<Executed>],
    draft: CauseDraft,
    spent: Vec<(usize, Spent)>,
) -> Cause {
    for &i in &draft.members {
        if let Some(e) = done[i].as_mut() {
            e.report.cause = Some(draft.id.clone());
            if let Some(note) = &draft.note {
                e.report.reason = format!("{}; {note}", e.report.reason);
            }
        }
    }
    for &i in &draft.blocked {
        if let Some(e) = done[i].as_mut() {
            e.report.blocked_by = Some(draft.id.clone());
        }
    }
    let mut suites: Vec<String> = Vec::new();
    for &i in draft.members.iter().chain(&draft.blocked) {
        let suite = cases[i].suite.id().to_owned();
        if !suites.contains(&suite) {
            suites.push(suite);
        }
    }
    let example = draft.members.first().copied();
    let example_spent = spent
        .iter()
        .find(|(i, _)| Some(*i) == example)
        .map(|(_, s)| s);
    let example_report = example.and_then(|i| done[i].as_ref());
    let answer = example_report
        .and_then(|e| e.report.observed.answer.as_ref())
        .map(|a| {
            let first_line: String = a
                .body
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(160)
                .collect();
            if first_line.is_empty() {
                a.status_line.clone()
            } else {
                format!("{}: {first_line}", a.status_line)
            }
        });
    let reproduce = example_spent
        .and_then(|s| s.reproduce.clone())
        .or_else(|| example_report.and_then(|e| e.report.reproduce.clone()));
    let minimal_payload = example_spent.and_then(|s| s.minimal_payload.clone());
    Cause {
        id: draft.id,
        diagnosis: draft.diagnosis,
        requirement: draft.requirement,
        count: draft.members.len() as u32,
        blocked: draft.blocked.len() as u32,
        suites,
        example_case: example.map(|i| cases[i].id.clone()).unwrap_or_default(),
        representatives: spent.iter().map(|(i, _)| cases[*i].id.clone()).collect(),
        evidence: draft.evidence,
        answer,
        minimal_payload,
        reproduce,
    }
}

/// Authentic and forged requests answered byte for byte alike: the receiver may not look at
/// events at all. A check of its own (PASS or WARN), when both were sent.
pub(crate) fn indistinguishable(
    runner: &Runner,
    cases: &[Case],
    reports: &[CaseReport],
) -> Option<CaseReport> {
    let answer = |r: &CaseReport| {
        r.observed
            .answer
            .as_ref()
            .map(|a| (r.observed.status, a.body.clone()))
    };
    let authentic: Vec<_> = reports
        .iter()
        .filter(|r| r.suite == "golden" && r.verdict == Verdict::Pass)
        .filter_map(answer)
        .collect();
    let forged: Vec<&CaseReport> = reports
        .iter()
        .zip(cases)
        .filter(|(r, c)| {
            c.suite == Suite::Auth && c.expect == Expect::Refused && r.verdict != Verdict::Skip
        })
        .map(|(r, _)| r)
        .collect();
    if authentic.is_empty() || forged.is_empty() {
        return None;
    }
    let same: Vec<&str> = forged
        .iter()
        .filter(|r| answer(r).is_some_and(|a| authentic.contains(&a)))
        .map(|r| r.id.as_str())
        .collect();
    let (verdict, reason) = if same.is_empty() {
        (
            Verdict::Pass,
            "forged requests are answered differently from authentic ones".to_owned(),
        )
    } else {
        (
            Verdict::Warn,
            format!(
                "the receiver answers a forged request exactly as an authentic one; does it process events at all? ({})",
                same.join(", ")
            ),
        )
    };
    Some(CaseReport {
        id: "auth/indistinguishable-answers".into(),
        suite: Suite::Auth.id().into(),
        event: None,
        description: "the answers to forged requests compared with the answers to authentic ones"
            .into(),
        requirement: runner
            .ctx
            .requirement("authentication", "refuse what the vendor did not send"),
        verdict,
        flaky: false,
        expected: "forged and authentic requests answered differently".into(),
        observed: forged[0].observed.clone(),
        reason,
        attempts: Vec::new(),
        minimal_payload: None,
        reproduce: None,
        controls: Vec::new(),
        cause: None,
        blocked_by: None,
    })
}
