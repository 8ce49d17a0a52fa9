//! Inputs found by the cargo-fuzz targets in `fuzz/` (see fuzz/README.md), kept as tests so
//! that `cargo test` holds the fixes without cargo-fuzz. Each says which target found it and
//! what was wrong.

use hookcert_events::auth::{AuthError, Credentials, Malformation, Place, Verifier};
use hookcert_events::{ParseError, breakcold, clinchpad, spotio, zoho_salesiq};

/// A body with one byte that is not UTF-8 in a field the vendor's types do not read.
fn with_invalid_byte(before: &[u8], after: &[u8]) -> Vec<u8> {
    [before, b"\xff", after].concat()
}

fn assert_not_json<T: std::fmt::Debug>(result: Result<T, ParseError>) {
    assert!(
        matches!(result, Err(ParseError::NotJson { .. })),
        "expected NotJson, got {result:?}"
    );
}

/// Found by `parse_clinchpad` (2026-11-23): a byte that is not UTF-8 inside the string value
/// of an unknown field (`"handshakegkey": "gfhkd\xff…"`) was accepted, because serde_json
/// checks UTF-8 only in the strings it decodes, not in those it skips. JSON is UTF-8, and
/// `ParseError::NotJson` says "(or not UTF-8)". Fixed by checking the body whole
/// (`dispatch::check_utf8`, `single_pass::decode_predicted`).
#[test]
fn clinchpad_refuses_a_body_that_is_not_utf8() {
    let body = with_invalid_byte(
        br#"{"activity":{"_id":"52cfbf76cce8b40f0f000005","created_at":"2014-01-10T09:37:58Z","note_content":"Hello world!","type":"note:created","user":{"_id":"52cf8c0acce8b4c375000001","name":"Webhook Testing","photo_url":"https://s3.amazonaws.com/..."}},"lead":{"_id":"52cfa124cce8b4d113000056","name":"Webhook T","stage":{"_id":"52cf8c0bcce8b4c37500000c","name":"Offer"},"pipe":{"_id":"52cf8c0bcce8b4c375000008","name":"Default"}},"handshake_key":"gfhkd1asfsa","handshakegkey":""#,
        br#""}"#,
    );
    assert_not_json(clinchpad::parse(&body));
    assert_not_json(clinchpad::parse_unvalidated(&body));
}

/// Found by `parse_zoho_salesiq` (2026-11-23): the same as above, a byte that is not UTF-8
/// in an unknown field's string, accepted.
#[test]
fn zoho_salesiq_refuses_a_body_that_is_not_utf8() {
    let body = with_invalid_byte(
        br#"{"entity_type":"department","org_id":"55778119","event":"department.deleted","entity_id":"40526000001808025","attempt":1,"version":"1","event_time":"1567065647511","zz":""#,
        br#""}"#,
    );
    assert_not_json(zoho_salesiq::parse(&body));
}

/// Found by `parse_spotio` (2026-11-23): the same byte, and worse, the answer depended on
/// the previous body: the one-pass decoder, predicting the type of the last body, accepted
/// it; the located way (after a body of another type) refused it as not JSON. Now refused
/// whatever came before.
#[test]
fn spotio_refuses_a_body_that_is_not_utf8_whatever_came_before() {
    let body = with_invalid_byte(
        br#"{"payload":[{"data":{"zz":""#,
        br#"","id":"5f5214ef2050870001dab572","createdAt":"2020-09-04T10:20:31.3778028+00:00","updatedAt":"2020-09-04T10:20:31.3778028+00:00","assignedUserId":73244,"assignedUserName":"Maciej Krolicki","assignedUserEmail":"maciej+100@spotio.com","assignedUserPhone":"+48796329885#100","updatedAtUserName":"Maciej Krolicki","updatedAtUserEmail":"maciej+100@spotio.com","company":"Ergo Arena","address":{"fullAddress":"plac Dwoch Miast 1, 80-344 Gdansk, Poland","lat":54.426445545222734,"lng":18.58053313396899,"street":"Pomorskie","houseNumber":"1","zip":"80-344","city":"Gdansk","state":"Pomorskie","country":"PL"},"fields":[{"id":16,"values":["10-100"],"title":"Number of employees"}],"contacts":[{"firstName":"Jan","lastName":"Kowalski","fields":[{"id":2,"values":["jan.kowalski@ergoarena.pl"],"title":"Email"},{"id":3,"values":["+48 600500600"],"title":"Phone"}]}],"stageId":1,"stageName":"Prospecting","value":200000.0,"lastActivityTime":"2020-09-04T10:20:31.3778028+00:00","visitsCount":0,"dateOfAssignment":"2020-09-04T10:20:31.3778028+00:00","callCount":0},"type":"lead.added","date":"2020-09-04T10:20:31.3778028+00:00"}]}"#,
    );
    let clean: Vec<u8> = body
        .windows(9)
        .position(|w| w == b"\"zz\":\"\xff\",")
        .map(|at| [&body[..at], &body[at + 9..]].concat())
        .expect("the inserted field");
    assert!(spotio::parse(&clean).is_ok(), "the clean body is valid");
    // Predicting lead.added (the last body's type), then each other type.
    assert_not_json(spotio::parse(&body));
    let catalog = hookcert_catalog::embedded().expect("the catalog");
    let vendor = catalog.vendor("spotio").expect("spotio");
    for example in &vendor.examples {
        let _ = spotio::parse(catalog.example_bytes(example));
        assert_not_json(spotio::parse(&body));
    }
}

/// Found by `parse_breakcold` (2026-11-23): a repeated type key. The type was read from the
/// first `"event"` (an unknown type, so the body was kept as an unknown event), the raw JSON
/// kept by serde_json's `Value` from the last (`campaign.create`): parse returned Ok with an
/// event whose raw JSON says `campaign.create` but whose payload breaks that type's schema
/// (its `to_value()` did not parse back). A repeated key on the type's path is now refused.
#[test]
fn breakcold_refuses_a_repeated_type_key() {
    let body = br#"{
    "id_space": "eb8edc65-129a-4cb6-abbe-6bf8979c0658",
    "event": "6bf8979c0658",
    "event": "campaign.create",
    "secret": "wh_a4",
    "payload": {
        "id": "ae97ba94-d0ed-482f-8f6d-05pring out023-06-02T16:05:48.907Z",
          "custom_f_at": null
    }
}
"#;
    let result = breakcold::parse(body);
    assert!(
        matches!(&result, Err(ParseError::Shape { message, .. }) if message.contains("duplicate field `event`")),
        "{result:?}"
    );
    // Whatever the order, and whatever was parsed before.
    let swapped = String::from_utf8_lossy(body)
        .replace("\"6bf8979c0658\"", "\"tmp\"")
        .replace("\"campaign.create\"", "\"6bf8979c0658\"")
        .replace("\"tmp\"", "\"campaign.create\"");
    assert!(breakcold::parse(swapped.as_bytes()).is_err());
    assert!(breakcold::parse(body).is_err());
}

/// Follows from the fix above (the body-field check reads the field the same way): a body
/// secret given twice is refused, rather than the first one being believed.
#[test]
fn a_repeated_body_secret_is_refused() {
    let v = Verifier::new(
        &hookcert_events::breakcold::AUTHENTICATION,
        &Credentials::Secret("wh_right".into()),
    )
    .expect("a secret fits Breakcold");
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        v.verify(&none[..], br#"{"secret":"wh_right","secret":"wh_wrong"}"#),
        Err(AuthError::Malformed {
            place: Place::BodyField("secret".into()),
            reason: Malformation::Repeated
        })
    );
    assert_eq!(v.verify(&none[..], br#"{"secret":"wh_right"}"#), Ok(()));
}

/// Found by `parse_spotio` (2026-11-23, in the run after the fixes above): a parsed event,
/// serialized with `to_value()` and parsed again, was not the same event. The body said
/// `"value": 20000444444444444444444444444444444444444444444440.0`; serde_json without its
/// `float_roundtrip` feature reads it one ULP off, and does not read back the shortest text
/// it writes for that float either. Under `cargo test` the feature was on anyway (jsonschema,
/// a dev-dependency, asks for it), so this test could not see the bug; hookcert-events built
/// alone (as in fuzz/, or in a user's crate) had it. Fixed by asking for the feature in
/// generated/Cargo.toml; `float_roundtrip_is_asked_for_by_hookcert_events_itself` below is
/// the test that fails without that line.
#[test]
fn a_float_survives_to_value_and_parse() {
    let body = br#"{"payload":[{"type":"x.y","date":"2020-09-04T10:31:16.3852738+00:00","data":{"value":20000444444444444444444444444444444444444444444440.0}}]}"#;
    let first = spotio::parse(body).expect("an unknown event in a batch");
    let resent = serde_json::json!({ "payload": [first.events[0].to_value().expect("to_value")] });
    let again = spotio::parse(resent.to_string().as_bytes()).expect("parses again");
    assert_eq!(again, first);
}

/// The test above passes under `cargo test` whether or not hookcert-events asks for
/// `float_roundtrip` (a dev-dependency turns it on), so the manifest itself is checked.
#[test]
fn float_roundtrip_is_asked_for_by_hookcert_events_itself() {
    let manifest = include_str!("../Cargo.toml");
    let line = manifest
        .lines()
        .find(|l| l.starts_with("serde_json"))
        .expect("a serde_json dependency");
    assert!(line.contains("\"float_roundtrip\""), "{line}");
}
