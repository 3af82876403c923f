//! faascan: parse the command line, run, print the error chain once, return an exit code.

mod cli;
mod collect;
mod config;
mod permissions;
mod run;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match run::run(cli) {
        Ok(code) => code,
        Err(err) => {
            #[allow(clippy::print_stderr)] // the one place errors reach the user
            {
                eprintln!("error: {err:#}");
            }
            run::exit_code_for(&err)
        }
    }
}
