//! `hookcert bench`: every delivery valid, signed and recorded. The reference receiver checks
//! each one (signature, schema), so a bench that sent junk fast would show here as refusals.

use hookcert::{BenchConfig, Credentials, ReceiverConfig, start_receiver as start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_delivery_is_accepted_by_the_reference_receiver_and_recorded() {
    for vendor in ["spotio", "breakcold"] {
        let secret = "wh_benchTestSecret";
        let receiver = start(
            ReceiverConfig::new(vendor, Credentials::Secret(secret.into())),
            ([127, 0, 0, 1], 0).into(),
        )
        .await
        .expect("a receiver");
        let dir = tempfile::tempdir().expect("a temp dir");
        let record = dir.path().join("records.jsonl");
        let script = dir.path().join("post.lua");
        let result = hookcert::bench(BenchConfig {
            vendor: vendor.into(),
            url: receiver.url(),
            credentials: Credentials::Secret(secret.into()),
            method: None,
            deliveries: 1500,
            concurrency: 8,
            seed: 1,
            record: Some(record.clone()),
            timeout_ms: None,
            wrk_script: Some(script.clone()),
        })
        .await
        .expect("a bench run");
        assert_eq!(
            (result.deliveries, result.accepted, result.failed),
            (1500, 1500, 0),
            "{vendor}"
        );
        let text = std::fs::read_to_string(&record).expect("records");
        let mut numbers: Vec<u64> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
                assert_eq!(v["status"], 200, "{l}");
                v["n"].as_u64().expect("n")
            })
            .collect();
        numbers.sort_unstable();
        assert_eq!(
            numbers,
            (0..1500).collect::<Vec<_>>(),
            "one record per delivery"
        );
        let lua = std::fs::read_to_string(&script).expect("a wrk script");
        assert!(
            lua.contains("wrk.method = \"POST\"") && lua.contains("io.open"),
            "{lua}"
        );
        assert!(!lua.contains(secret) || vendor == "breakcold");
        receiver.stop().await;
    }
}
