//! faascan's renderers. Each format reads a report or an inventory and returns text; none of
//! them does I/O or decides anything.

pub mod asff;
pub mod catalogue;
pub mod compliance;
pub mod context;
pub mod coverage;
pub mod csv;
pub mod diff;
pub mod evidence;
pub mod html;
pub mod junit;
pub mod mappings;
pub mod markdown;
pub mod ocsf;
pub mod report;
pub mod sarif;
pub mod summary;
pub mod table;
pub mod text;
