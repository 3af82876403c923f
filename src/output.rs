//! Writing reports: every format from one report (scan and merge share it), to stdout, a
//! file, or one file per format in a directory. Nothing else writes to stdout.

use crate::cli::{Format, GroupBy};
use crate::error::Failure;
use crate::plan::OutputPlan;
use faascan_checks::model::Inventory;
use faascan_reports::report::Report;
use faascan_reports::summary::InventorySummary;
use faascan_reports::table;
use faascan_reports::text::sanitize;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The table's width when stdout is not a terminal (a file, a pipe, a CI log).
const DEFAULT_WIDTH: u16 = 120;

/// The terminal's width: asked of the terminal itself (most shells do not export COLUMNS to
/// programs), else COLUMNS.
pub(crate) fn terminal_width() -> Option<u16> {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(terminal_size::Width(w), _)| w)
        .filter(|w| *w > 0)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
}

/// What a report is rendered from: the report, and for `--format summary` (or a scan that
/// needs no report) the inventories and the accounts that failed.
pub(crate) struct Rendered<'a> {
    pub(crate) report: Option<&'a Report>,
    pub(crate) inventories: &'a [Inventory],
    pub(crate) failures: &'a [(String, String)],
}

/// Writes every format the plan asks for.
pub(crate) fn write_reports(plan: &OutputPlan, what: &Rendered<'_>) -> Result<(), Failure> {
    let on_terminal = plan.file.is_none() && plan.dir.is_none() && std::io::stdout().is_terminal();
    let width = if on_terminal {
        terminal_width()
    } else {
        std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
    };
    // Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
    let colour = on_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let render = |format: Format, out: &mut dyn Write| -> Result<(), Failure> {
        let text = match (format, what.report) {
            (Format::Summary, _) | (_, None) => {
                let mut text: String = what
                    .inventories
                    .iter()
                    .map(|inventory| InventorySummary::new(inventory).to_table(width, plan.verbose))
                    .collect();
                for (account, error) in what.failures {
                    text.push_str(&format!(
                        "INCOMPLETE SCAN: account {} could not be scanned: {}\n",
                        sanitize(account),
                        sanitize(error)
                    ));
                }
                text
            }
            (Format::Table, Some(r)) => table::render(
                r,
                &table::Options {
                    width: usize::from(width.unwrap_or(DEFAULT_WIDTH)),
                    verbose: plan.verbose,
                    colour,
                    group_by: match plan.group_by {
                        GroupBy::Resource => table::GroupBy::Resource,
                        GroupBy::Check => table::GroupBy::Check,
                    },
                    compliance: plan.compliance.as_deref(),
                },
            ),
            // The report formats are written as they are rendered.
            (format, Some(r)) => {
                return match format {
                    Format::Json => r.write_json(out),
                    Format::Csv => faascan_reports::csv::write(r, out),
                    Format::Junit => faascan_reports::junit::write(r, out),
                    Format::Markdown => faascan_reports::markdown::write(r, out),
                    Format::Html => faascan_reports::html::write(r, out),
                    Format::Ocsf => faascan_reports::ocsf::write(r, out),
                    Format::Asff => faascan_reports::asff::write(r, out),
                    Format::Sarif => faascan_reports::sarif::write(r, out),
                    Format::Summary | Format::Table => Ok(()),
                }
                .map_err(|e| match e.io_kind() {
                    Some(std::io::ErrorKind::BrokenPipe) => Failure::PipeClosed,
                    _ => Failure::Render(e),
                });
            }
        };
        out.write_all(text.as_bytes())
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::BrokenPipe => Failure::PipeClosed,
                _ => Failure::Write {
                    what: "writing the output".to_owned(),
                    source,
                },
            })
    };
    match &plan.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| Failure::Write {
                what: format!("creating {}", dir.display()),
                source,
            })?;
            let stem = output_stem(what.report, what.inventories);
            let mut written = String::new();
            for format in &plan.formats {
                let path = dir.join(format!("{stem}.{}", extension(*format)));
                write_rendered(Some(&path), |out| render(*format, out))?;
                written.push_str(&sanitize(&path.display().to_string()));
                written.push('\n');
            }
            // The paths written, one per line, for a person or a script (not with --quiet).
            if !plan.quiet {
                write_output(None, &written)?;
            }
        }
        // --quiet: nothing on stdout; a file named with --output is still written.
        None if plan.quiet && plan.file.is_none() => {}
        None => {
            let format = plan.formats.first().copied().unwrap_or(Format::Table);
            write_rendered(plan.file.as_deref(), |out| render(format, out))?;
        }
    }
    Ok(())
}

/// Results go to stdout or a file; nothing else writes there.
pub(crate) fn write_output(path: Option<&Path>, text: &str) -> Result<(), Failure> {
    match path {
        Some(path) => std::fs::write(path, text).map_err(|source| Failure::Write {
            what: format!("writing {}", path.display()),
            source,
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            let written = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush());
            match written {
                // `faascan scan | head`: the reader has what it wanted; end quietly.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::PipeClosed),
                Err(source) => Err(Failure::Write {
                    what: "writing to stdout".to_owned(),
                    source,
                }),
                Ok(()) => Ok(()),
            }
        }
    }
}

/// Writes `value` as pretty JSON while it is serialised (a 10,000-function inventory is never
/// also held as one string): to the file, or to stdout.
pub(crate) fn write_json<T: serde::Serialize>(
    path: Option<&Path>,
    value: &T,
    what: &str,
) -> Result<(), Failure> {
    let target = path.map_or("stdout".to_owned(), |p| p.display().to_string());
    write_rendered(path, |out| {
        serde_json::to_writer_pretty(&mut *out, value)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::BrokenPipe => Failure::PipeClosed,
                _ => Failure::Write {
                    what: format!("writing the {what} to {target}"),
                    source,
                },
            })
    })
}

/// Writes one output as it is rendered, through a buffer: to the file, or to stdout.
fn write_rendered(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let flushed = |result: Result<(), Failure>, flush: std::io::Result<()>, what: String| {
        result?;
        flush.map_err(|source| match source.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::PipeClosed,
            _ => Failure::Write { what, source },
        })
    };
    match path {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|source| Failure::Write {
                what: format!("writing {}", path.display()),
                source,
            })?;
            let mut out = std::io::BufWriter::new(file);
            let result = render(&mut out);
            let flush = out.flush();
            flushed(result, flush, format!("writing {}", path.display()))
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let result = render(&mut out);
            let flush = out.flush();
            flushed(result, flush, "writing to stdout".to_owned())
        }
    }
}

/// The file extension of each format (with --output-dir).
pub(crate) fn extension(format: Format) -> &'static str {
    match format {
        Format::Table => "txt",
        Format::Json => "json",
        Format::Summary => "summary.txt",
        Format::Csv => "csv",
        Format::Junit => "junit.xml",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Ocsf => "ocsf.json",
        Format::Asff => "asff.jsonl",
        Format::Sarif => "sarif",
    }
}

/// The format a file name asks for (`--output report.sarif`), longest extension first.
pub(crate) fn format_for_path(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    const BY_SUFFIX: [(&str, Format); 14] = [
        (".summary.txt", Format::Summary),
        (".ocsf.json", Format::Ocsf),
        (".asff.jsonl", Format::Asff),
        (".asff.json", Format::Asff),
        (".sarif.json", Format::Sarif),
        (".junit.xml", Format::Junit),
        (".sarif", Format::Sarif),
        (".json", Format::Json),
        (".csv", Format::Csv),
        (".xml", Format::Junit),
        (".md", Format::Markdown),
        (".html", Format::Html),
        (".htm", Format::Html),
        (".txt", Format::Table),
    ];
    BY_SUFFIX
        .iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map(|(_, format)| *format)
}

/// `faascan-<account>-<scan end, UTC>`: files of different accounts and runs sit side by side
/// in one --output-dir instead of overwriting each other.
fn output_stem(report: Option<&Report>, inventories: &[Inventory]) -> String {
    let (account, finished) = match report {
        Some(r) => (r.account.clone(), r.scan_finished.clone()),
        None => inventories.first().map_or_else(Default::default, |i| {
            (
                i.account.id.clone(),
                i.account
                    .scan_finished
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            )
        }),
    };
    let account: String = account
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '+'
            }
        })
        .take(120)
        .collect();
    let stamp: String = finished
        .chars()
        .take_while(|c| *c != '.' && *c != '+')
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    format!(
        "faascan-{}-{}Z",
        if account.is_empty() {
            "unknown"
        } else {
            &account
        },
        stamp
    )
}
