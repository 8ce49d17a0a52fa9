//! Issue 15: what the documents promise, and what one example happened to show. Each value of
//! the issue's list is one the documents allow though their examples never show it: a phone
//! with spaces, a SalesIQ `attempt` of 5, a Breakcold id that is no UUID, a ClinchPad user
//! without a photo, … For each: `hookcert_events::<vendor>::parse` takes the body (with a
//! note citing the ERRATA entry where an observed rule is broken), `hookcert listen` answers
//! 200 and gives WARN, not FAIL, and certify's generator sends such a value under some seed.
//! And a receiver stricter than the documents (one that refuses observed rules too) FAILs
//! `generated`, with the document's looser words as the requirement, while the correct one
//! beside it passes.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use hookcert::{Certification, Credentials, ListenConfig, StopWhen, Verdict};
use hookcert_events::Strictness;
use serde_json::{Value, json};
use support::http::{TestSender, send};

/// One value the documents allow, put into a golden example.
struct Example {
    what: &'static str,
    vendor: &'static str,
    /// The golden example file under `schemas/<vendor>/examples/`.
    golden: &'static str,
    /// Edits: a pointer and its new value (`None`: the property removed).
    edits: &'static [(&'static str, Option<&'static str>)],
    /// The ERRATA entry of the observed rule the value breaks; `None` where the constraint was
    /// loosened to the document's words, so that the value breaks nothing at all.
    errata: Option<u32>,
    /// The event type whose generated cases may carry such a value, and where (a pointer
    /// suffix, array indices and all, of the note).
    generated: Option<(&'static str, &'static str)>,
}

const EXAMPLES: &[Example] = &[
    Example {
        what: "a SalesIQ visitor phone with spaces",
        vendor: "zoho-salesiq",
        golden: "conversation.created.doc.json",
        edits: &[("/entity/visitor/phone", Some(r#""+1 415 555 0142""#))],
        errata: Some(31),
        generated: Some(("conversation.created", "/phone")),
    },
    Example {
        what: "a SalesIQ operator phone with spaces",
        vendor: "zoho-salesiq",
        golden: "operator.created.doc.json",
        edits: &[("/entity/phone", Some(r#""+1 415 555 0142""#))],
        errata: Some(31),
        generated: Some(("operator.created", "/entity/phone")),
    },
    Example {
        what: "a SalesIQ email list separated by \", \"",
        vendor: "zoho-salesiq",
        golden: "department.created.doc.json",
        edits: &[(
            "/entity/email_configurations/transcript_recipients",
            Some(r#""tricia@zylker.com, amelia@zylker.com""#),
        )],
        errata: None,
        generated: None,
    },
    Example {
        what: "a SalesIQ rating of 6 (the scale is not documented)",
        vendor: "zoho-salesiq",
        golden: "conversation.rated.doc-rating.json",
        edits: &[("/entity/rating", Some("6"))],
        errata: Some(15),
        generated: Some(("conversation.rated", "/entity/rating")),
    },
    Example {
        what: "a SalesIQ attempt of 5",
        vendor: "zoho-salesiq",
        golden: "conversation.rated.doc-rating.json",
        edits: &[("/attempt", Some("5"))],
        errata: Some(9),
        generated: Some(("conversation.rated", "/attempt")),
    },
    Example {
        what: "a SalesIQ operator's maximum_concurrent_chat of \"unlimited\"",
        vendor: "zoho-salesiq",
        golden: "operator.created.doc.json",
        edits: &[("/entity/maximum_concurrent_chat", Some(r#""unlimited""#))],
        errata: Some(32),
        generated: Some(("operator.created", "/entity/maximum_concurrent_chat")),
    },
    Example {
        what: "a SalesIQ operator's time_format of \"24h\"",
        vendor: "zoho-salesiq",
        golden: "operator.created.doc.json",
        edits: &[("/entity/time_format", Some(r#""24h""#))],
        errata: Some(32),
        generated: Some(("operator.created", "/entity/time_format")),
    },
    Example {
        what: "a SalesIQ operator signature that is no hex digest",
        vendor: "zoho-salesiq",
        golden: "operator.created.doc.json",
        edits: &[("/entity/signature", Some(r#""Patricia, Zylker support""#))],
        errata: Some(32),
        generated: Some(("operator.created", "/entity/signature")),
    },
    Example {
        what: "a SalesIQ conversation status \"Waiting - Bot\"",
        vendor: "zoho-salesiq",
        golden: "conversation.created.doc.json",
        edits: &[("/entity/status", Some(r#""Waiting - Bot""#))],
        errata: Some(17),
        generated: Some(("conversation.created", "/entity/status")),
    },
    Example {
        what: "a SalesIQ visitor_conversation_id with capitals and a dash",
        vendor: "zoho-salesiq",
        golden: "conversation.created.doc.json",
        edits: &[(
            "/entity/visitor_conversation_id",
            Some(r#""AD433-hjdid546f8n4b734j4omfhjs""#),
        )],
        errata: Some(33),
        generated: Some(("conversation.created", "/entity/visitor_conversation_id")),
    },
    Example {
        what: "a SalesIQ visitor.updated without app_id",
        vendor: "zoho-salesiq",
        golden: "visitor.updated.doc-case1.json",
        edits: &[("/app_id", None)],
        errata: Some(19),
        generated: Some(("visitor.updated", "")),
    },
    Example {
        what: "a SalesIQ operator.departments.associated naming only some operator fields",
        vendor: "zoho-salesiq",
        golden: "operator.departments.associated.constructed.json",
        edits: &[
            ("/entity/signature", None),
            ("/entity/date_of_birth", None),
            ("/entity/notify", None),
        ],
        errata: Some(24),
        generated: Some(("operator.departments.associated", "/entity")),
    },
    Example {
        what: "a Breakcold payload id that is no UUID",
        vendor: "breakcold",
        golden: "campaign.create.constructed.json",
        edits: &[("/payload/id", Some(r#""cmp_8f2k1""#))],
        errata: Some(2),
        generated: Some(("campaign.create", "/payload/id")),
    },
    Example {
        what: "a Breakcold time without milliseconds",
        vendor: "breakcold",
        golden: "campaign.create.constructed.json",
        edits: &[("/payload/created_at", Some(r#""2023-05-10T10:00:12Z""#))],
        errata: Some(2),
        generated: Some(("campaign.create", "/payload/created_at")),
    },
    Example {
        what: "a ClinchPad todo date in words",
        vendor: "clinchpad",
        golden: "todo:created.constructed.json",
        edits: &[("/activity/todo_date", Some(r#""Jan 14, 2014""#))],
        errata: Some(6),
        generated: Some(("todo:created", "/activity/todo_date")),
    },
    Example {
        what: "a ClinchPad todo time \"half past ten\"",
        vendor: "clinchpad",
        golden: "todo:created.constructed.json",
        edits: &[("/activity/todo_time", Some(r#""half past ten""#))],
        errata: Some(7),
        generated: Some(("todo:created", "/activity/todo_time")),
    },
    Example {
        what: "a ClinchPad record_value that is a number",
        vendor: "clinchpad",
        golden: "record:created.constructed.json",
        edits: &[("/activity/record_value", Some("42"))],
        errata: None,
        generated: None,
    },
    Example {
        what: "a ClinchPad lead size \"1,500.00\"",
        vendor: "clinchpad",
        golden: "lead:size_changed.constructed.json",
        edits: &[("/activity/lead_size", Some(r#""1,500.00""#))],
        errata: Some(3),
        generated: Some(("lead:size_changed", "/activity/lead_size")),
    },
    Example {
        what: "a ClinchPad product price \"1,500.00\"",
        vendor: "clinchpad",
        golden: "product:added.constructed.json",
        edits: &[("/activity/product_price", Some(r#""1,500.00""#))],
        errata: Some(4),
        generated: Some(("product:added", "/activity/product_price")),
    },
    Example {
        what: "a ClinchPad user without a photo",
        vendor: "clinchpad",
        golden: "todo:created.constructed.json",
        edits: &[("/activity/user/photo_url", None)],
        errata: Some(10),
        generated: Some(("todo:created", "/user")),
    },
    Example {
        what: "a SPOTIO activity id that is not digits",
        vendor: "spotio",
        golden: "activity.created.doc.json",
        edits: &[("/payload/0/data/id", Some(r#""a7c2-91""#))],
        errata: Some(4),
        generated: Some(("activity.created", "/data/id")),
    },
    Example {
        what: "a SPOTIO address country in words, without a house number",
        vendor: "spotio",
        golden: "lead.added.doc.json",
        edits: &[
            ("/payload/0/data/address/country", Some(r#""Poland""#)),
            ("/payload/0/data/address/houseNumber", None),
        ],
        errata: Some(11),
        generated: Some(("lead.added", "/address/country")),
    },
    Example {
        what: "Tomba social and phone values of no particular form",
        vendor: "tomba",
        golden: "save_lead.doc.json",
        edits: &[
            ("/data/twitter", Some(r#""Tomba on Twitter""#)),
            ("/data/linkedin", Some(r#""in/tomba""#)),
            ("/data/website", Some(r#""tomba dot io""#)),
            ("/data/phone", Some(r#""call +1 (415) 555 0142 ext. 7""#)),
        ],
        errata: Some(4),
        generated: Some(("save_lead", "/data/")),
    },
];

fn golden(vendor: &str, file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas")
        .join(vendor)
        .join("examples")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The example's body: its golden example with the edits made.
fn body(example: &Example) -> Value {
    let mut value = golden(example.vendor, example.golden);
    for (pointer, replacement) in example.edits {
        let (parent, key) = pointer.rsplit_once('/').expect("a property pointer");
        match replacement {
            Some(text) => {
                let new: Value = serde_json::from_str(text).expect("a JSON replacement");
                let slot = value
                    .pointer_mut(pointer)
                    .unwrap_or_else(|| panic!("{}: no {pointer} in the golden", example.what));
                *slot = new;
            }
            None => {
                let removed = value
                    .pointer_mut(parent)
                    .and_then(Value::as_object_mut)
                    .and_then(|o| o.shift_remove(key));
                assert!(
                    removed.is_some(),
                    "{}: no {pointer} in the golden",
                    example.what
                );
            }
        }
    }
    value
}

fn parse(vendor: &str, body: &[u8]) -> Result<Vec<hookcert_events::Violation>, String> {
    match hookcert_events::parse(vendor, body).expect("a generated vendor") {
        Ok(delivery) => Ok(delivery.notes().to_vec()),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn each_example_is_taken_by_parse_with_a_note_citing_its_errata_entry() {
    for example in EXAMPLES {
        let bytes = serde_json::to_vec(&body(example)).expect("JSON");
        let notes = parse(example.vendor, &bytes)
            .unwrap_or_else(|e| panic!("{}: refused by parse: {e}", example.what));
        match example.errata {
            Some(n) => {
                assert!(
                    !notes.is_empty() && notes.iter().all(|v| v.errata == Some(n)),
                    "{}: notes {notes:?}, not notes citing ERRATA #{n} only",
                    example.what
                );
                let strict =
                    hookcert_events::parse_with(example.vendor, &bytes, Strictness::Observed)
                        .expect("a generated vendor");
                assert!(
                    strict.is_err(),
                    "{}: Strictness::Observed took it",
                    example.what
                );
            }
            None => assert!(
                notes.is_empty(),
                "{}: loosened to the document's words, yet noted: {notes:?}",
                example.what
            ),
        }
    }
}

/// Listen's credentials and a sender's, for a vendor.
fn credentials(vendor: &str) -> (Credentials, TestSender) {
    let auth = hookcert_events::authentication(vendor).expect("a generated vendor");
    let (harness, receiver) = Credentials::fresh_pair(&auth).expect("fresh credentials");
    (receiver, TestSender::new(vendor, &harness))
}

/// What `hookcert listen` made of one body, sent signed: the status it answered, and its record.
async fn listened(
    vendor: &str,
    credentials: &Credentials,
    sender: &std::sync::Arc<TestSender>,
    body: Vec<u8>,
) -> (u16, hookcert::DeliveryRecord) {
    let listening = hookcert::listen(ListenConfig {
        vendor: vendor.to_owned(),
        credentials: credentials.clone(),
        addr: ([127, 0, 0, 1], 0).into(),
        fail_first: 0,
        delay: Duration::ZERO,
    })
    .await
    .expect("listening");
    let url = listening.url();
    let run = tokio::spawn(listening.run(
        StopWhen {
            deliveries: Some(1),
            duration: Some(Duration::from_secs(30)),
        },
        |_| {},
    ));
    let sender = std::sync::Arc::clone(sender);
    let status = tokio::task::spawn_blocking(move || {
        let (headers, body) = sender.authentic(&body);
        send(&url, "POST", &headers, &body).status
    })
    .await
    .expect("the sender");
    let report = run.await.expect("the listener");
    let record = report
        .deliveries
        .into_iter()
        .next()
        .expect("the delivery recorded");
    (status, record)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_gives_warn_not_fail_for_each_example_and_fail_for_a_documented_violation() {
    let mut by_vendor: BTreeMap<&str, Vec<&Example>> = BTreeMap::new();
    for example in EXAMPLES {
        by_vendor.entry(example.vendor).or_default().push(example);
    }
    for (vendor, examples) in by_vendor {
        let (credentials, sender) = credentials(vendor);
        let sender = std::sync::Arc::new(sender);
        for example in &examples {
            let bytes = serde_json::to_vec(&body(example)).expect("JSON");
            let (status, record) = listened(vendor, &credentials, &sender, bytes).await;
            assert_eq!(status, 200, "{}: answered {status}", example.what);
            assert!(
                record.conforming,
                "{}: FAIL in listen: {:?}",
                example.what, record.violations
            );
            match example.errata {
                Some(n) => {
                    let notes: Vec<&String> = record
                        .warnings
                        .iter()
                        .filter(|w| w.starts_with("schema (observed rule)"))
                        .collect();
                    assert!(
                        !notes.is_empty()
                            && notes
                                .iter()
                                .all(|w| w.contains(&format!("(observed, ERRATA #{n})"))),
                        "{}: warnings {:?}, not WARN citing ERRATA #{n}",
                        example.what,
                        record.warnings
                    );
                }
                None => assert!(
                    record.warnings.is_empty(),
                    "{}: WARN for a loosened rule: {:?}",
                    example.what,
                    record.warnings
                ),
            }
        }
        // A documented rule broken: an object where the document has a string.
        let mut broken = body(examples[0]);
        let (pointer, value) = match vendor {
            "spotio" => ("/payload/0/data", json!("not an object")),
            "tomba" => ("/data", json!("not an object")),
            "clinchpad" => ("/activity", json!("not an object")),
            "breakcold" => ("/payload", json!("not an object")),
            _ => ("/entity", json!("not an object")),
        };
        *broken.pointer_mut(pointer).expect("the pointer") = value;
        let bytes = serde_json::to_vec(&broken).expect("JSON");
        let (status, record) = listened(vendor, &credentials, &sender, bytes).await;
        assert_eq!(
            status, 400,
            "{vendor}: the documented violation answered {status}"
        );
        assert!(
            !record.conforming,
            "{vendor}: a documented violation is not a FAIL"
        );
    }
}

/// A generated form sought: its ERRATA entry, where its note points, what it is.
type Form = (u32, &'static str, &'static str);

/// The seeds certify is run with to find each generated form: a few, as a user would try.
const SEEDS: [u64; 4] = [1, 2, 3, 4];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certify_generates_each_example_under_some_seed() {
    let mut wanted: BTreeMap<(&str, &str), Vec<Form>> = BTreeMap::new();
    for example in EXAMPLES {
        if let (Some(n), Some((event, at))) = (example.errata, example.generated) {
            wanted
                .entry((example.vendor, event))
                .or_default()
                .push((n, at, example.what));
        }
    }
    for ((vendor, event), forms) in wanted {
        let mut missing: Vec<Form> = forms.clone();
        for seed in SEEDS {
            if missing.is_empty() {
                break;
            }
            let report = Certification::new(vendor)
                .expect("a vendor")
                .seed(seed)
                .suites(&["generated"])
                .events(&[event])
                .time_scale(0.001)
                .run()
                .await
                .unwrap_or_else(|e| panic!("{vendor} {event}: {e}"));
            let descriptions: Vec<&str> = report
                .cases
                .iter()
                .filter(|c| c.suite == "generated")
                .map(|c| c.description.as_str())
                .collect();
            missing.retain(|(n, at, _)| {
                !descriptions.iter().any(|d| {
                    d.split("; ").any(|note| {
                        note.contains(at) && note.contains(&format!("(observed, ERRATA #{n})"))
                    })
                })
            });
            // The reference receiver is built on the documents: every such case passes.
            let failed: Vec<&str> = report.failures().map(|c| c.id.as_str()).collect();
            assert!(
                failed.is_empty(),
                "{vendor} {event} seed {seed}: {failed:?}"
            );
        }
        assert!(
            missing.is_empty(),
            "{vendor} {event}: no generated case under seeds {SEEDS:?} carries {:?}",
            missing
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_stricter_than_the_documents_fails_generated_with_the_documents_words() {
    for (strictness, should_fail) in [
        (Strictness::Observed, true),
        (Strictness::Documented, false),
    ] {
        let receiver = strict_receiver::start("zoho-salesiq", strictness).await;
        let report = Certification::new("zoho-salesiq")
            .expect("a vendor")
            .url(receiver.url.clone())
            .credentials(receiver.harness_credentials.clone())
            .seed(3)
            .suites(&["generated"])
            .time_scale(0.001)
            .run()
            .await
            .expect("the certification runs");
        let failed: Vec<_> = report
            .cases
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .collect();
        if !should_fail {
            assert!(
                failed.is_empty(),
                "the receiver that keeps to the documents failed: {:?}",
                failed.iter().map(|c| &c.id).collect::<Vec<_>>()
            );
            continue;
        }
        assert!(
            !failed.is_empty(),
            "a receiver refusing observed rules passed generated\n{}",
            report.render_terminal(false)
        );
        for case in &failed {
            assert!(
                case.requirement.contains("the document says only \"")
                    && case.requirement.contains("ERRATA #"),
                "{}: failed, but its requirement does not quote the document's looser words: {}",
                case.id,
                case.requirement
            );
        }
    }
}

/// A SalesIQ receiver built on hookcert-events as a user would build it, with a choice of how
/// strict to be: `Strictness::Observed` refuses what the documents allow but their examples
/// never show.
mod strict_receiver {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use hookcert::Credentials;
    use hookcert_events::Strictness;
    use hookcert_events::auth::Verifier;
    use std::sync::Arc;

    pub struct Running {
        pub url: String,
        pub harness_credentials: Credentials,
        _stop: tokio::sync::oneshot::Sender<()>,
    }

    struct Shared {
        vendor: &'static str,
        verifier: Verifier,
        strictness: Strictness,
    }

    pub async fn start(vendor: &'static str, strictness: Strictness) -> Running {
        let auth = hookcert_events::authentication(vendor).expect("a generated vendor");
        let (harness, receiver) = Credentials::fresh_pair(&auth).expect("fresh credentials");
        let shared = Arc::new(Shared {
            vendor,
            verifier: Verifier::new(&auth, &receiver).expect("a verifier"),
            strictness,
        });
        let app = Router::new().fallback(handle).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}/", listener.local_addr().expect("the address"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Running {
            url,
            harness_credentials: harness,
            _stop: stop,
        }
    }

    async fn handle(
        State(shared): State<Arc<Shared>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        let pairs: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        if shared.verifier.verify(&pairs[..], &body).is_err() {
            return StatusCode::UNAUTHORIZED;
        }
        match hookcert_events::parse_with(shared.vendor, &body, shared.strictness) {
            Some(Ok(_)) => StatusCode::OK,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}
