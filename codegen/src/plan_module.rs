//! Plans one vendor module of hookcert-events: its types first (`rust_types`), then its
//! validators and dispatch from them. The module is emitted from this plan alone.

use crate::plan_dispatch::DispatchPlan;
use crate::plan_validators::ValidatorPlan;
use crate::rust_types::{Planner, TypeSpace};
use hookcert_catalog::{Catalog, Problem, Vendor};

#[derive(Debug)]
pub struct ModulePlan {
    pub vendor_name: String,
    /// The vendor's folder below `schemas/`, as the module's doc shows it.
    pub vendor_dir: String,
    pub types: TypeSpace,
    pub validators: ValidatorPlan,
    pub dispatch: DispatchPlan,
}

/// The plan of the vendor's module, or every problem that stops it.
pub fn plan(catalog: &Catalog, vendor: &Vendor) -> Result<ModulePlan, Vec<Problem>> {
    let mut planner = Planner::new(catalog);
    let dispatch = crate::plan_dispatch::plan(catalog, vendor, &mut planner);
    let Planner {
        space, problems, ..
    } = planner;
    if !problems.is_empty() {
        return Err(problems);
    }
    let validators = crate::plan_validators::plan(catalog, &space)?;
    Ok(ModulePlan {
        vendor_name: vendor.profile.name.clone(),
        vendor_dir: vendor.dir.display().to_string(),
        types: space,
        validators,
        dispatch,
    })
}
