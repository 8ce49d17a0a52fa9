//! `hookcert export`: the deliveries `bench` sends, written to a folder for a load engine we
//! did not write to send from as many machines as it likes: Locust (the deliveries as JSON
//! lines, and a locustfile that shards them over its workers and records every answer for
//! `bench --merge`), or Vegeta (its JSON targets).
//!
//! A corpus stays valid wherever and whenever it is sent only because none of the vendors'
//! signatures covers the time of signing; a scheme that did would be refused here.

use crate::catalog::CatalogError;
use crate::corpus::{Corpus, CorpusError, Distinct};
use crate::http_client::{Target, TargetError};
use crate::request::Request;
use base64::Engine as _;
use hookcert_catalog::Method;
use hookcert_events::auth::Credentials;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The locustfile every Locust export carries, as written.
const LOCUSTFILE: &str = include_str!("locustfile.py");

pub const MANIFEST_FILE: &str = "manifest.json";
pub const DELIVERIES_FILE: &str = "deliveries.jsonl";
pub const LOCUSTFILE_FILE: &str = "locustfile.py";
pub const VEGETA_FILE: &str = "targets.jsonl";
/// Where the locustfile writes its workers' records, inside the export folder.
pub const RECORDS_DIR: &str = "records";

/// Which load engine the folder is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// `deliveries.jsonl` and a `locustfile.py` that shards and records.
    #[default]
    Locust,
    /// `targets.jsonl` in Vegeta's JSON target format.
    Vegeta,
}

#[derive(Debug, Clone)]
pub struct ExportConfig {
    pub vendor: String,
    /// The receiver's URL: its path goes in every delivery; with Locust, `--host` may send
    /// them to another origin.
    pub url: String,
    pub credentials: Credentials,
    /// The method, where the vendor lets its users choose one (Tomba).
    pub method: Option<Method>,
    pub deliveries: u64,
    pub seed: u64,
    /// A folder that does not exist yet, or is empty.
    pub out: PathBuf,
    pub format: ExportFormat,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The deliveries could not be made (catalog, credentials, method).
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error("the corpus would hold no delivery")]
    NoDeliveries,
    /// Signatures that cover the time of signing go stale between export and sending.
    #[error(
        "{vendor}'s signatures cover the time they were made, so an exported corpus would go stale before it is sent"
    )]
    StaleSignatures { vendor: String },
    #[error("{} is not empty: an export writes a folder of its own", path.display())]
    NotEmpty { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What a corpus is, for the locustfile and for `bench --merge`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    pub vendor: String,
    pub format: ExportFormat,
    pub deliveries: u64,
    pub seed: u64,
    /// `scheme://authority` of the URL given at export: Locust's default `--host`.
    pub origin: String,
    pub path: String,
    /// The statuses the vendor counts as accepted.
    pub accepted_statuses: Vec<u16>,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Exported {
    pub files: Vec<PathBuf>,
    pub deliveries: u64,
    /// Bytes of request bodies in the corpus.
    pub body_bytes: u64,
}

/// One line of `deliveries.jsonl`.
#[derive(Serialize)]
struct LocustDelivery<'a> {
    id: u64,
    method: &'a str,
    path: &'a str,
    headers: serde_json::Map<String, serde_json::Value>,
    /// Base64 of the exact bytes that were signed.
    body: String,
}

/// One line of Vegeta's JSON target format.
#[derive(Serialize)]
struct VegetaTarget<'a> {
    method: &'a str,
    url: &'a str,
    body: String,
    header: serde_json::Map<String, serde_json::Value>,
}

pub fn export(config: &ExportConfig) -> Result<Exported, ExportError> {
    if config.deliveries == 0 {
        return Err(ExportError::NoDeliveries);
    }
    let vendor = crate::catalog::vendor(&config.vendor)?;
    if crate::catalog::authentication(vendor)?.scheme.signs_time() {
        return Err(ExportError::StaleSignatures {
            vendor: vendor.profile.name.clone(),
        });
    }
    let target = Target::parse(&config.url)?;
    let corpus = Corpus::new(
        &config.vendor,
        &config.credentials,
        config.method,
        config.seed,
        config.deliveries,
        Distinct::Identities,
    )?;
    fresh_folder(&config.out)?;
    let manifest = Manifest {
        tool: "hookcert".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        vendor: config.vendor.clone(),
        format: config.format,
        deliveries: config.deliveries,
        seed: config.seed,
        origin: target.origin(),
        path: target.path().to_owned(),
        accepted_statuses: (100..600)
            .filter(|&s| vendor.profile.success.statuses.accepts(s))
            .collect(),
    };
    let mut files = vec![write_manifest(&config.out, &manifest)?];
    let (lines, body_bytes) = match config.format {
        ExportFormat::Locust => {
            let path = config.out.join(LOCUSTFILE_FILE);
            write(&path, |out| out.write_all(LOCUSTFILE.as_bytes()))?;
            files.push(path);
            let path = config.out.join(DELIVERIES_FILE);
            let written = write_lines(&path, &corpus, config.deliveries, |n, request| {
                serde_json::to_vec(&LocustDelivery {
                    id: n,
                    method: &request.method,
                    path: target.path(),
                    headers: header_map(request, |v| serde_json::Value::String(v.to_owned())),
                    body: base64::engine::general_purpose::STANDARD.encode(&request.body),
                })
            })?;
            files.push(path);
            written
        }
        ExportFormat::Vegeta => {
            let path = config.out.join(VEGETA_FILE);
            let written = write_lines(&path, &corpus, config.deliveries, |_, request| {
                serde_json::to_vec(&VegetaTarget {
                    method: &request.method,
                    url: &config.url,
                    body: base64::engine::general_purpose::STANDARD.encode(&request.body),
                    header: header_map(request, |v| serde_json::json!([v])),
                })
            })?;
            files.push(path);
            written
        }
    };
    Ok(Exported {
        files,
        deliveries: lines,
        body_bytes,
    })
}

/// Reads an export folder's manifest.
pub fn read_manifest(dir: &Path) -> Result<Manifest, ManifestError> {
    let path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| ManifestError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| ManifestError::Invalid { path, source })
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{}: {source} (not a folder written by hookcert export?)", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Invalid {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// The request's headers, each name once (a delivery's headers are distinct: the signing
/// schemes refuse repeated authentication headers).
fn header_map(
    request: &Request,
    value: impl Fn(&str) -> serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    request
        .headers
        .iter()
        .map(|(name, v)| (name.clone(), value(v)))
        .collect()
}

fn fresh_folder(dir: &Path) -> Result<(), ExportError> {
    let write_error = |source| ExportError::Write {
        path: dir.to_owned(),
        source,
    };
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(ExportError::NotEmpty {
                    path: dir.to_owned(),
                });
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(write_error)
        }
        Err(e) => Err(write_error(e)),
    }
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<PathBuf, ExportError> {
    let path = dir.join(MANIFEST_FILE);
    write(&path, |out| {
        serde_json::to_writer_pretty(&mut *out, manifest).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    })?;
    Ok(path)
}

/// Writes one line per delivery; returns the count and the bodies' bytes.
fn write_lines(
    path: &Path,
    corpus: &Corpus,
    deliveries: u64,
    line: impl Fn(u64, &Request) -> serde_json::Result<Vec<u8>>,
) -> Result<(u64, u64), ExportError> {
    let mut body_bytes = 0;
    write(path, |out| {
        for n in 0..deliveries {
            let request = corpus.delivery(n);
            body_bytes += request.body.len() as u64;
            out.write_all(&line(n, &request).map_err(std::io::Error::other)?)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })?;
    Ok((deliveries, body_bytes))
}

fn write(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), ExportError> {
    let written = std::fs::File::create(path).and_then(|file| {
        let mut out = std::io::BufWriter::new(file);
        fill(&mut out)?;
        out.flush()
    });
    written.map_err(|source| ExportError::Write {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path, format: ExportFormat) -> ExportConfig {
        ExportConfig {
            vendor: "spotio".to_owned(),
            url: "http://127.0.0.1:9/hooks/spotio?x=1".to_owned(),
            credentials: Credentials::Secret("whsec_export".into()),
            method: None,
            deliveries: 30,
            seed: 4,
            out: dir.join("corpus"),
            format,
        }
    }

    #[test]
    fn a_locust_export_holds_each_delivery_once_with_its_path_and_signature() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let config = config(dir.path(), ExportFormat::Locust);
        let exported = export(&config).expect("the export");
        assert_eq!(exported.deliveries, 30);
        let manifest = read_manifest(&config.out).expect("the manifest");
        assert_eq!(manifest.origin, "http://127.0.0.1:9");
        assert_eq!(manifest.path, "/hooks/spotio?x=1");
        assert_eq!(manifest.accepted_statuses, [200]);
        let text = std::fs::read_to_string(config.out.join(DELIVERIES_FILE)).expect("read");
        let corpus = Corpus::new(
            "spotio",
            &config.credentials,
            None,
            4,
            30,
            Distinct::Identities,
        )
        .expect("the corpus");
        let mut bodies = std::collections::BTreeSet::new();
        for (n, line) in text.lines().enumerate() {
            let d: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            assert_eq!(d["id"], n as u64);
            let body = base64::engine::general_purpose::STANDARD
                .decode(d["body"].as_str().expect("a body"))
                .expect("base64");
            let expected = corpus.delivery(n as u64);
            assert_eq!(body, expected.body, "delivery {n}");
            for (name, value) in &expected.headers {
                assert_eq!(d["headers"][name], value.as_str(), "delivery {n}: {name}");
            }
            assert!(bodies.insert(body), "delivery {n} repeats an earlier body");
        }
        assert_eq!(bodies.len(), 30);
        assert_eq!(
            std::fs::read_to_string(config.out.join(LOCUSTFILE_FILE)).expect("read"),
            LOCUSTFILE
        );
    }

    #[test]
    fn a_vegeta_export_is_json_targets_with_base64_bodies() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let config = config(dir.path(), ExportFormat::Vegeta);
        export(&config).expect("the export");
        let text = std::fs::read_to_string(config.out.join(VEGETA_FILE)).expect("read");
        let first: serde_json::Value =
            serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
        assert_eq!(first["method"], "POST");
        assert_eq!(first["url"], config.url.as_str());
        assert!(first["header"]["X-Signature"][0].is_string(), "{first}");
        assert_eq!(text.lines().count(), 30);
    }

    #[test]
    fn an_export_refuses_a_folder_with_something_in_it() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let config = config(dir.path(), ExportFormat::Locust);
        std::fs::create_dir_all(&config.out).expect("mkdir");
        std::fs::write(config.out.join("records.jsonl"), "{}").expect("write");
        assert!(matches!(
            export(&config),
            Err(ExportError::NotEmpty { path }) if path == config.out
        ));
    }
}
