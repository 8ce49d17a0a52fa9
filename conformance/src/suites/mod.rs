//! The suites: what is sent, and what a correct receiver answers. Each suite module builds its
//! cases; `judge` says what an answer means and `runner` sends them.

pub mod auth;
pub mod concurrency;
pub mod duplicates;
pub mod generated;
pub mod golden;
pub mod ordering;
pub mod robustness;
pub mod unknown_event;

use crate::event_gen::Generator;
use crate::request::Request;
use crate::sender::Sender;
use hookcert_catalog::Catalog;
use hookcert_catalog::Vendor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Suite {
    Golden,
    Generated,
    Auth,
    Robustness,
    UnknownEvent,
    Duplicates,
    Ordering,
    Concurrency,
    Latency,
}

impl Suite {
    pub const ALL: [Suite; 9] = [
        Suite::Golden,
        Suite::Generated,
        Suite::Auth,
        Suite::Robustness,
        Suite::UnknownEvent,
        Suite::Duplicates,
        Suite::Ordering,
        Suite::Concurrency,
        Suite::Latency,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Suite::Golden => "golden",
            Suite::Generated => "generated",
            Suite::Auth => "auth",
            Suite::Robustness => "robustness",
            Suite::UnknownEvent => "unknown-event",
            Suite::Duplicates => "duplicates",
            Suite::Ordering => "ordering",
            Suite::Concurrency => "concurrency",
            Suite::Latency => "latency",
        }
    }

    pub fn parse(id: &str) -> Option<Suite> {
        Suite::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// What a correct receiver does with a case's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The vendor's success status, within the timeout.
    Accepted,
    /// A 4xx: the request is not the vendor's.
    Refused,
    /// A 4xx; a 2xx is a warning (accepted what it cannot process).
    BadInput,
    /// A 2xx or a 4xx: a big but valid body.
    Either,
    /// Accepted; a 4xx (or a 2xx other than the vendor's success status) is a warning.
    UnknownEvent,
    /// A valid event bigger than any document mentions: accepted; a 413 is a warning (an
    /// honest refusal of a size no document rules out).
    Large,
    /// A method no vendor sends, unauthenticated: a 4xx; a 2xx or 3xx is a warning.
    StrayMethod,
    /// An authentic delivery in another form of HTTP vendors' clients use: accepted; a
    /// refusal is a warning naming the form; a 5xx or a dropped connection fails.
    Variation(crate::request::Wire),
}

/// How a case's requests are sent.
#[derive(Debug, Clone)]
pub enum Plan {
    One(Request),
    /// One after another, each judged.
    Sequence(Vec<Request>),
    /// All at once, each judged.
    Concurrent(Vec<Request>),
    /// Nothing to send, and why.
    Skip(String),
    /// Judged on every accepted delivery of the run, after the others.
    Latency,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub suite: Suite,
    pub event: Option<String>,
    pub description: String,
    pub requirement: String,
    pub expect: Expect,
    pub plan: Plan,
    /// The cases whose deliveries this one varies in one thing (their plain form): when one of
    /// them is not accepted, this case is not judged on its own variable.
    pub controls: Vec<String>,
}

/// What the suites build from.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    pub vendor: &'a Vendor,
    pub sender: &'a Sender,
    pub seed: u64,
    /// Generated cases per event type.
    pub cases: u32,
}

impl Context<'_> {
    pub fn generator(&self) -> Generator<'_> {
        Generator::new(self.catalog, self.vendor, self.seed)
    }

    /// The vendor document's words on `topic`, quoted, or the contract's when it is silent.
    pub fn requirement(&self, topic: &str, fallback: &str) -> String {
        let profile = &self.vendor.profile;
        match profile.requirements.get(topic) {
            Some(words) if !words.starts_with("(not documented)") => {
                format!("{}: \"{}\"", profile.name, words.replace('\n', " "))
            }
            Some(words) => format!("{} {}", profile.name, words.replace('\n', " ")),
            None => format!("contract: {fallback}"),
        }
    }

    /// The golden examples that carry one event each, the first of each event type.
    pub fn single_event_goldens(&self) -> Vec<crate::event_gen::Golden> {
        let mut seen = std::collections::HashSet::new();
        crate::event_gen::golden(self.catalog, self.vendor)
            .into_iter()
            .filter(|g| g.event.is_some())
            .filter(|g| seen.insert(g.event.clone()))
            .collect()
    }
}

/// Every case of the selected suites, in suite order.
pub fn plan(ctx: &Context, suites: &[Suite]) -> Vec<Case> {
    let mut cases = Vec::new();
    for suite in Suite::ALL.iter().filter(|s| suites.contains(s)) {
        cases.extend(match suite {
            Suite::Golden => golden::cases(ctx),
            Suite::Generated => generated::cases(ctx),
            Suite::Auth => auth::cases(ctx),
            Suite::Robustness => robustness::cases(ctx),
            Suite::UnknownEvent => unknown_event::cases(ctx),
            Suite::Duplicates => duplicates::cases(ctx),
            Suite::Ordering => ordering::cases(ctx),
            Suite::Concurrency => concurrency::cases(ctx),
            Suite::Latency => vec![latency_case(ctx)],
        });
    }
    cases
}

fn latency_case(ctx: &Context) -> Case {
    Case {
        id: "latency/all".into(),
        suite: Suite::Latency,
        event: None,
        description: "p50/p95/p99/max latency over every accepted delivery of the run".into(),
        requirement: ctx.requirement("timeout", "answer within the vendor's timeout"),
        expect: Expect::Accepted,
        plan: Plan::Latency,
        controls: Vec::new(),
    }
}
