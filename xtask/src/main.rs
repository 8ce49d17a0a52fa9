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
use std::path::PathBuf;
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
        /// The catalog folder.
        #[arg(long, default_value_os_t = default_schemas())]
        schemas: PathBuf,
        /// The generated crate's source folder to check for drift.
        #[arg(long, default_value_os_t = default_generated())]
        generated: PathBuf,
    },
    /// Generate hookcert-events' sources (generated/src/vendors/) from the catalog.
    Generate {
        #[arg(long, default_value_os_t = default_schemas())]
        schemas: PathBuf,
        /// Where to write (the generated crate's src/ folder).
        #[arg(long, default_value_os_t = default_generated())]
        out: PathBuf,
    },
    /// Validate request bodies of one vendor against the catalog: prints `valid<TAB>FILE` or
    /// `invalid<TAB>FILE` followed by the violations, one per line. Exit 0 unless a file cannot
    /// be read or the catalog does not load.
    Validate {
        #[arg(long, default_value_os_t = default_schemas())]
        schemas: PathBuf,
        /// The vendor id (spotio, breakcold, clinchpad, zoho-salesiq, tomba).
        #[arg(long)]
        vendor: String,
        /// Request body files (JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn default_schemas() -> PathBuf {
    workspace_root().join("schemas")
}

fn default_generated() -> PathBuf {
    workspace_root().join("generated").join("src")
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { schemas, generated } => catalog_check::run(&schemas, &generated),
        Command::Generate { schemas, out } => generated_sources::run_generate(&schemas, &out),
        Command::Validate {
            schemas,
            vendor,
            files,
        } => validate_files::run(&schemas, &vendor, &files),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::from(2)
        }
    }
}
