//! `hookcert bench --merge DIR`: the records that a distributed run's workers wrote (the
//! locustfile of `hookcert export`, one file per worker, gathered in `DIR/records`), read into
//! the summary `bench` prints, and checked against the corpus: every delivery sent once.

use crate::bench::BenchResult;
use crate::export::{ManifestError, RECORDS_DIR, read_manifest};
use crate::histogram::Histogram;
use serde::Deserialize;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// A merged run: the summary, and how it matched the corpus.
#[derive(Debug, Clone)]
pub struct Merged {
    pub result: BenchResult,
    pub record_files: usize,
    /// Deliveries in the corpus.
    pub expected: u64,
    /// Deliveries of the corpus with no record.
    pub missing: u64,
    /// Records beyond the first for a delivery: sent more than once.
    pub repeated: u64,
}

impl Merged {
    /// Every delivery sent exactly once and accepted.
    pub fn passed(&self) -> bool {
        self.missing == 0 && self.repeated == 0 && self.result.failed == 0
    }

    /// How the records matched the corpus, in a sentence.
    pub fn coverage(&self) -> String {
        let files = match self.record_files {
            1 => "1 record file".to_owned(),
            n => format!("{n} record files"),
        };
        if self.missing == 0 && self.repeated == 0 {
            format!(
                "{files}: each of the {} deliveries sent exactly once",
                self.expected
            )
        } else {
            format!(
                "{files}: of {} deliveries, {} never sent, {} records of deliveries sent again",
                self.expected, self.missing, self.repeated
            )
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("{}: no worker records (*.jsonl) to merge", path.display())]
    NoRecords { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {source}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}:{line}: delivery {id} is not in the corpus of {deliveries}", path.display())]
    Unknown {
        path: PathBuf,
        line: usize,
        id: u64,
        deliveries: u64,
    },
}

/// One delivery's record, as the locustfile writes it.
#[derive(Deserialize)]
struct Record {
    id: u64,
    status: Option<u16>,
    latency_us: u64,
    sent_at_us: u64,
}

pub fn merge(dir: &Path) -> Result<Merged, MergeError> {
    let manifest = read_manifest(dir)?;
    let records = dir.join(RECORDS_DIR);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&records)
        .map_err(|source| MergeError::Read {
            path: records.clone(),
            source,
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(MergeError::NoRecords { path: records });
    }
    let accepted_statuses = manifest.accepted_statuses;
    // How often each delivery was recorded, saturating: the corpus is what bounds memory.
    let mut seen = vec![0u8; usize::try_from(manifest.deliveries).unwrap_or(usize::MAX)];
    let mut latency = Histogram::new();
    let (mut accepted, mut failed, mut repeated) = (0u64, 0u64, 0u64);
    let (mut first_sent, mut last_done) = (u64::MAX, 0u64);
    for path in &files {
        let file = std::fs::File::open(path).map_err(|source| MergeError::Read {
            path: path.clone(),
            source,
        })?;
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|source| MergeError::Read {
                path: path.clone(),
                source,
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let record: Record =
                serde_json::from_str(&line).map_err(|source| MergeError::Invalid {
                    path: path.clone(),
                    line: i + 1,
                    source,
                })?;
            let Some(count) = usize::try_from(record.id)
                .ok()
                .and_then(|id| seen.get_mut(id))
            else {
                return Err(MergeError::Unknown {
                    path: path.clone(),
                    line: i + 1,
                    id: record.id,
                    deliveries: manifest.deliveries,
                });
            };
            if *count > 0 {
                repeated += 1;
            }
            *count = count.saturating_add(1);
            latency.add(record.latency_us);
            if record
                .status
                .is_some_and(|s| accepted_statuses.contains(&s))
            {
                accepted += 1;
            } else {
                failed += 1;
            }
            first_sent = first_sent.min(record.sent_at_us);
            last_done = last_done.max(record.sent_at_us.saturating_add(record.latency_us));
        }
    }
    let missing = seen.iter().filter(|&&c| c == 0).count() as u64;
    let seconds = last_done.saturating_sub(first_sent.min(last_done)) as f64 / 1e6;
    Ok(Merged {
        result: BenchResult::new(accepted, failed, seconds, &latency),
        record_files: files.len(),
        expected: manifest.deliveries,
        missing,
        repeated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{ExportConfig, ExportFormat, export};
    use hookcert_events::auth::Credentials;

    fn corpus(deliveries: u64) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary directory");
        export(&ExportConfig {
            vendor: "breakcold".to_owned(),
            url: "http://127.0.0.1:9/".to_owned(),
            credentials: Credentials::Secret("wh_merge".into()),
            method: None,
            deliveries,
            seed: 1,
            out: dir.path().to_owned(),
            format: ExportFormat::Locust,
        })
        .expect("the export");
        std::fs::create_dir_all(dir.path().join(RECORDS_DIR)).expect("mkdir");
        dir
    }

    fn records(dir: &Path, name: &str, lines: &[(u64, Option<u16>, u64, u64)]) {
        let text: String = lines
            .iter()
            .map(|(id, status, latency, at)| {
                format!(
                    "{}\n",
                    serde_json::json!({"id": id, "status": status, "latency_us": latency,
                        "sent_at_us": at, "error": null})
                )
            })
            .collect();
        std::fs::write(dir.join(RECORDS_DIR).join(name), text).expect("write records");
    }

    #[test]
    fn two_workers_records_merge_into_one_summary() {
        let dir = corpus(4);
        records(
            dir.path(),
            "worker-0-of-2.jsonl",
            &[
                (0, Some(200), 1_000, 10_000_000),
                (2, Some(204), 3_000, 10_100_000),
            ],
        );
        records(
            dir.path(),
            "worker-1-of-2.jsonl",
            &[
                (1, Some(200), 2_000, 10_000_000),
                (3, Some(200), 4_000, 10_496_000),
            ],
        );
        let merged = merge(dir.path()).expect("the merge");
        assert!(merged.passed(), "{}", merged.coverage());
        assert_eq!(merged.result.deliveries, 4);
        assert_eq!(merged.result.accepted, 4);
        assert_eq!(merged.result.max_us, 4_000);
        assert!((merged.result.seconds - 0.5).abs() < 1e-9);
        assert_eq!(
            merged.coverage(),
            "2 record files: each of the 4 deliveries sent exactly once"
        );
    }

    #[test]
    fn a_delivery_sent_twice_or_never_and_a_refusal_fail_the_merge() {
        let dir = corpus(4);
        records(
            dir.path(),
            "worker-0-of-1.jsonl",
            &[
                (0, Some(200), 1, 1),
                (0, Some(200), 1, 2),
                (1, Some(401), 1, 3),
                (2, None, 1, 4),
            ],
        );
        let merged = merge(dir.path()).expect("the merge");
        assert!(!merged.passed());
        assert_eq!((merged.missing, merged.repeated), (1, 1));
        assert_eq!((merged.result.accepted, merged.result.failed), (2, 2));
    }

    #[test]
    fn a_record_of_a_delivery_outside_the_corpus_is_an_error_naming_its_line() {
        let dir = corpus(2);
        records(
            dir.path(),
            "w.jsonl",
            &[(0, Some(200), 1, 1), (9, Some(200), 1, 1)],
        );
        let error = merge(dir.path()).expect_err("delivery 9 of 2");
        assert!(
            error
                .to_string()
                .ends_with("w.jsonl:2: delivery 9 is not in the corpus of 2")
        );
    }
}
