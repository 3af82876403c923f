//! faascan: parse the command line, run, print the error chain once, return an exit code.

mod cli;
mod collect;
mod config;
mod error;
mod input;
mod malloc;
mod manual;
mod merge;
mod org;
mod output;
mod permissions;
mod plan;
mod progress;
mod run;
mod runtime;
mod shard;
mod stage;
mod template;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    malloc::tune();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let log_format = cli.log_format;
    match run::run(cli) {
        Ok(exit) => exit.into(),
        Err(err) if error::is_pipe_closed(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let exit = error::exit_for(&err);
            run::log(log_format, "error", &format!("{err:#}"), &[]);
            exit.into()
        }
    }
}

/// clap's own messages echo the argument they refuse: they go through the terminal sanitiser
/// like every other message. Help and version are faascan's own text.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let code = u8::try_from(err.exit_code()).unwrap_or(2);
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return ExitCode::from(code);
    }
    let text = faascan_reports::text::multiline(&err.render().to_string());
    let _ = write!(std::io::stderr().lock(), "{text}");
    ExitCode::from(code)
}
