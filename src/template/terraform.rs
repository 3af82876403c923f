//! Terraform plans (`terraform show -json PLAN`): recognised, not yet read. A plan is
//! reported as an error naming the file rather than scanned as empty.

use super::Options;
use super::build::Collected;
use super::locate::Found;
use crate::collect::Fingerprinter;
use time::OffsetDateTime;

pub(crate) fn read(
    _text: &str,
    _f: &Found,
    _options: &Options<'_>,
    _fingerprints: &Fingerprinter,
    _now: OffsetDateTime,
) -> Result<Collected, (u32, String)> {
    Err((
        1,
        "Terraform plan JSON is recognised but not read yet by this build of faascan".to_owned(),
    ))
}
