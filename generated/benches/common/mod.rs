//! What both benches measure against: the golden examples and the typed-serde floors.

use serde::de::DeserializeOwned;
use std::path::Path;

/// SPOTIO's batch envelope, for the floor: the events under `payload`.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read by serde only: the floor is the decoding itself
pub struct Batch<T> {
    payload: Vec<T>,
}

/// The golden example the document gives for `event`.
pub fn example(vendor: &str, event: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../schemas/{vendor}/examples/{event}.doc.json"));
    std::fs::read(path).expect("golden example")
}

/// The floor for a decoder that refuses every body that is not UTF-8: `from_slice` checks only
/// the strings it decodes, not those it skips; checking the whole body first lets serde_json
/// read it as `str` and skip its per-string checks.
pub fn checked_floor<T: DeserializeOwned>(body: &[u8]) -> T {
    serde_json::from_str(std::str::from_utf8(body).expect("UTF-8")).expect("typed parse")
}
