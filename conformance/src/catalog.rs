//! The catalog model, loaded once from the files hookcert-events embeds, so that the binary
//! needs no source tree; and the reference validator built from it.

use hookcert_codegen::Catalog;
use hookcert_codegen::catalog::Tree;
use hookcert_codegen::model::Vendor;
use hookcert_codegen::reference_validator::ReferenceValidator;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The embedded catalog did not load: a build of a broken catalog, never a user error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the embedded catalog does not load: {0}")]
pub struct CatalogError(String);

pub fn catalog() -> Result<&'static Catalog, CatalogError> {
    static CATALOG: OnceLock<Result<Catalog, CatalogError>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let tree: Tree = hookcert_events::catalog_files()
                .into_iter()
                .map(|(path, text)| (PathBuf::from(path), text.as_bytes().to_vec()))
                .collect();
            hookcert_codegen::catalog::load_files(Path::new("schemas"), tree)
                .map_err(|p| CatalogError(p.to_string()))
        })
        .as_ref()
        .map_err(Clone::clone)
}

pub fn reference_validator() -> Result<&'static ReferenceValidator, CatalogError> {
    static VALIDATOR: OnceLock<Result<ReferenceValidator, CatalogError>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            ReferenceValidator::new(catalog()?).map_err(|e| CatalogError(e.to_string()))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The vendor with this id, or the list of ids there are.
pub fn vendor(id: &str) -> Result<&'static Vendor, String> {
    let catalog = catalog().map_err(|e| e.to_string())?;
    catalog.vendor(id).ok_or_else(|| {
        let ids: Vec<&str> = catalog
            .vendors
            .iter()
            .map(|v| v.profile.id.as_str())
            .collect();
        format!(
            "unknown vendor \"{id}\"; the vendors are {}",
            ids.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_is_the_whole_catalog() {
        let embedded = catalog().expect("the embedded catalog loads");
        let on_disk =
            hookcert_codegen::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas"))
                .expect("the catalog on disk loads");
        assert_eq!(embedded.vendors.len(), on_disk.vendors.len());
        for (a, b) in embedded.vendors.iter().zip(&on_disk.vendors) {
            assert_eq!(a.events.len(), b.events.len(), "{}", a.profile.id);
            assert_eq!(a.examples.len(), b.examples.len(), "{}", a.profile.id);
            for example in &a.examples {
                assert_eq!(
                    embedded.example_bytes(example),
                    on_disk.example_bytes(example)
                );
            }
        }
        assert_eq!(embedded.files.len(), on_disk.files.len());
    }
}
