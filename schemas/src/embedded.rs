//! The catalog embedded in this crate at build time (see `build.rs`), read into the model once
//! per process.

use crate::load::{Tree, load_files};
use crate::model::Catalog;
use crate::problem::Problems;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/embedded_files.rs"));

/// The catalog this crate was built with. Loaded on first use and kept for the process; an
/// error means the embedded files themselves are broken (a build of a bad catalog, which
/// `cargo xtask check` refuses), never a user's mistake.
pub fn embedded() -> Result<&'static Catalog, &'static Problems> {
    static CATALOG: OnceLock<Result<Catalog, Problems>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let tree: Tree = FILES
                .iter()
                .map(|(path, bytes)| (PathBuf::from(path), bytes.to_vec()))
                .collect();
            load_files(Path::new("schemas"), tree)
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_is_the_folder() {
        let embedded = embedded().expect("the embedded catalog loads");
        let on_disk = crate::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the folder loads");
        assert_eq!(embedded.sources, on_disk.sources);
        assert_eq!(embedded.vendors.len(), 5);
        assert_eq!(embedded.files.len(), on_disk.files.len());
    }
}
