//! The manual page (`faascan man`): clap's pages for the command and every subcommand, then
//! the exit status.

use crate::cli::Cli;
use anyhow::{Context, Result};

/// What each exit code means, for the manual page (README "Exit codes" says the same).
const EXIT_STATUS: [(&str, &str); 5] = [
    (
        "0",
        "Nothing unmuted at or above --fail-on, and the scan is complete. faascan diff: no new failures.",
    ),
    (
        "1",
        "Findings at or above --fail-on. faascan diff: the later report has new failures.",
    ),
    (
        "2",
        "A usage or configuration error: a bad argument, an unreadable, oversized or malformed inventory, report or configuration, an unknown profile.",
    ),
    (
        "3",
        "The scan could not run, or its output could not be written: no credentials, credentials rejected, endpoint unreachable, no account could be scanned, an output file that cannot be written or rendered.",
    ),
    (
        "4",
        "The scan is incomplete: resources may be missing (with --strict, any unknown result, muted or not). Wins over 1 and over --fail-on none. faascan merge: a report merged is incomplete, or a shard has no report.",
    ),
];

/// The manual page: the top-level page, then every subcommand with its synopsis and options,
/// then the exit status.
pub(crate) fn manual_page() -> Result<String> {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut out)
        .context("rendering the manual page")?;
    let mut page = String::from_utf8_lossy(&out).into_owned();
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = sub.get_name();
        page.push_str(&format!(".SH \"FAASCAN {}\"\n", name.to_uppercase()));
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            page.push_str(&roff_text(&about.to_string()));
        }
        let man = clap_mangen::Man::new(sub.clone());
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part)
            .and_then(|()| man.render_options_section(&mut part))
            .context("rendering the manual page")?;
        // The subcommand's sections become subsections of its own section.
        let part = String::from_utf8_lossy(&part).replace("\n.SH ", "\n.SS ");
        let part = part
            .strip_prefix(".SH ")
            .map_or(part.clone(), |rest| format!(".SS {rest}"));
        page.push_str(&part);
        if let Some(after) = sub.get_after_help() {
            page.push_str(".SS EXAMPLES\n");
            page.push_str(&roff_text(&after.to_string()));
        }
    }
    page.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in EXIT_STATUS {
        page.push_str(&format!(".TP\n\\fB{code}\\fR\n{}", roff_text(meaning)));
    }
    Ok(page)
}

/// Plain text as roff: backslashes escaped, no line read as a request, line breaks kept.
fn roff_text(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.replace('\\', "\\e");
        if line.starts_with(['.', '\'']) {
            out.push_str("\\&");
        }
        out.push_str(&line);
        out.push_str("\n.br\n");
    }
    out
}
