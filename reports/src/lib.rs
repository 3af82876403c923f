//! faascan's renderers. Each format reads a report or an inventory and writes it to a
//! `std::io::Write` as it goes (a 100,000-result report is never held as one string or JSON
//! tree), returning a `RenderError` when it cannot; none of them opens files or decides
//! anything.

pub mod asff;
pub mod catalogue;
pub mod compliance;
pub mod context;
pub mod coverage;
pub mod csv;
pub mod diff;
pub mod error;
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

pub use error::RenderError;
