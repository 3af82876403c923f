//! faascan: parse the command line, run, print the error chain once, return an exit code.

mod cli;
mod collect;
mod config;
mod input;
mod permissions;
mod run;
mod template;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let log_format = cli.log_format;
    match run::run(cli) {
        Ok(code) => code,
        Err(err) if err.downcast_ref::<run::PipeClosed>().is_some() => ExitCode::SUCCESS,
        Err(err) => {
            let code = run::exit_code_for(&err);
            run::log(log_format, "error", &format!("{err:#}"), &[]);
            code
        }
    }
}
