//! The catalog model the harness reads (hookcert-catalog's embedded catalog, built once per
//! process), one vendor of it, and the reference validator compiled from it.

use hookcert_catalog::{Catalog, ReferenceValidator, Vendor};
use hookcert_events::auth::Authentication;
use std::sync::OnceLock;

#[derive(Debug, Clone, thiserror::Error)]
pub enum CatalogError {
    /// The embedded catalog did not load: a build of a broken catalog, never a user error.
    #[error("the embedded catalog does not load: {0}")]
    Broken(String),
    #[error("unknown vendor \"{id}\"; the vendors are {}", known.join(", "))]
    UnknownVendor { id: String, known: Vec<String> },
    /// The catalog knows a vendor that hookcert-events was not generated for.
    #[error("hookcert-events was generated without the vendor {id}: run `cargo xtask generate`")]
    NotGenerated { id: String },
    #[error("the reference validator: {0}")]
    Reference(String),
}

pub fn catalog() -> Result<&'static Catalog, CatalogError> {
    hookcert_catalog::embedded().map_err(|p| CatalogError::Broken(p.to_string()))
}

/// The vendor with this id.
pub fn vendor(id: &str) -> Result<&'static Vendor, CatalogError> {
    let catalog = catalog()?;
    catalog
        .vendor(id)
        .ok_or_else(|| CatalogError::UnknownVendor {
            id: id.to_owned(),
            known: catalog
                .vendors
                .iter()
                .map(|v| v.profile.id.clone())
                .collect(),
        })
}

/// How the vendor authenticates, as hookcert-events compiled it from the profile.
pub fn authentication(vendor: &Vendor) -> Result<Authentication, CatalogError> {
    hookcert_events::authentication(&vendor.profile.id).ok_or_else(|| CatalogError::NotGenerated {
        id: vendor.profile.id.clone(),
    })
}

/// Built on first use: compiling every schema costs more than a passing run.
pub fn reference_validator() -> Result<&'static ReferenceValidator, CatalogError> {
    static VALIDATOR: OnceLock<Result<ReferenceValidator, CatalogError>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            ReferenceValidator::new(catalog()?).map_err(|e| CatalogError::Reference(e.to_string()))
        })
        .as_ref()
        .map_err(Clone::clone)
}
