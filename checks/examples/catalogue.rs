//! Prints the check catalogue (`docs/checks.md`) from the registry; a test keeps the committed
//! file equal to it.
#![allow(clippy::print_stdout)]

fn main() {
    print!("{}", faascan_checks::registry::catalogue_markdown());
}
