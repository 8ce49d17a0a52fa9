//! `cargo xtask`: the project's own tasks.
//!
//! - `check`: validates the whole catalog and the generated code's freshness (CI runs it).
//! - `generate`: writes hookcert-events' generated sources from the catalog.
//! - `validate`: validates request bodies against the catalog, one verdict line per file
//!   (what the cross-check against Python's `jsonschema` compares with).

mod catalog_check;
mod generated_sources;
mod validate_files;

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "hookcert project tasks", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the catalog: schemas against the 2020-12 meta-schema, the keyword subset the
    /// code generator supports, vendor profiles, event lists, and every golden example against
    /// its schema. Prints one line per problem (file#pointer: message); exit 1 if any.
    Check {
        /// The catalog folder [default: schemas/ of the workspace the command runs in]
        #[arg(long)]
        schemas: Option<PathBuf>,
        /// The generated crate's source folder to check for drift [default: generated/src/]
        #[arg(long)]
        generated: Option<PathBuf>,
        /// The vendor documents ERRATA.md entries quote [default: ../shared/seeds/ beside the
        /// workspace]
        #[arg(long)]
        seeds: Option<PathBuf>,
    },
    /// Generate hookcert-events' sources (generated/src/vendors/) from the catalog.
    Generate {
        /// The catalog folder [default: schemas/ of the workspace]
        #[arg(long)]
        schemas: Option<PathBuf>,
        /// Where to write (the generated crate's src/ folder) [default: generated/src/]
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Validate request bodies of one vendor against the catalog: prints `valid<TAB>FILE` or
    /// `invalid<TAB>FILE` followed by the violations, one per line. Exit 0 unless a file cannot
    /// be read or the catalog does not load.
    Validate {
        /// The catalog folder [default: schemas/ of the workspace]
        #[arg(long)]
        schemas: Option<PathBuf>,
        /// The vendor id (spotio, breakcold, clinchpad, zoho-salesiq, tomba).
        #[arg(long)]
        vendor: String,
        /// Request body files (JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// The workspace the command runs in, found at run time: `cargo run` names the package's
/// folder in `CARGO_MANIFEST_DIR`; otherwise the nearest folder above the current one that
/// holds `schemas/` and a workspace `Cargo.toml`. Never the folder this binary was built from:
/// two checkouts sharing a target folder share one build of xtask.
fn workspace_root() -> anyhow::Result<PathBuf> {
    let is_root = |dir: &Path| {
        dir.join("schemas").is_dir()
            && std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|text| text.contains("[workspace]"))
    };
    if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let manifest = PathBuf::from(manifest);
        if let Some(root) = manifest.ancestors().find(|d| is_root(d)) {
            return Ok(root.to_owned());
        }
    }
    let here = std::env::current_dir()?;
    here.ancestors()
        .find(|d| is_root(d))
        .map(Path::to_owned)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no hookcert workspace (a folder with schemas/ and a workspace Cargo.toml) at or above {}; run inside one or give --schemas",
                here.display()
            )
        })
}

fn or_default(given: Option<PathBuf>, below_root: &[&str]) -> anyhow::Result<PathBuf> {
    match given {
        Some(path) => Ok(path),
        None => Ok(below_root
            .iter()
            .fold(workspace_root()?, |path, part| path.join(part))),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            schemas,
            generated,
            seeds,
        } => or_default(schemas, &["schemas"]).and_then(|schemas| {
            let generated = or_default(generated, &["generated", "src"])?;
            let seeds = or_default(seeds, &["..", "shared", "seeds"])?;
            catalog_check::run(&schemas, &generated, &seeds)
        }),
        Command::Generate { schemas, out } => {
            or_default(schemas, &["schemas"]).and_then(|schemas| {
                let out = or_default(out, &["generated", "src"])?;
                generated_sources::run_generate(&schemas, &out)
            })
        }
        Command::Validate {
            schemas,
            vendor,
            files,
        } => or_default(schemas, &["schemas"])
            .and_then(|schemas| validate_files::run(&schemas, &vendor, &files)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::from(2)
        }
    }
}
