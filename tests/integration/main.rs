//! The integration tests, one binary: the CLI without AWS, `--template` scans, the HTML report
//! in headless Chromium, and live scans against moto, which `common` starts once for the
//! whole binary on first use.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod cli;
mod common;
mod html;
mod live;
mod templates;
